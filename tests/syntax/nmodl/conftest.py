"""Fixtures for the NMODL front-end tests."""
from __future__ import annotations

import pytest

from nmodl_corpus_files import SHARED


@pytest.fixture
def shared_dir():
    if not SHARED.is_dir():
        pytest.skip("shared NMODL reference suite not present")
    return SHARED
