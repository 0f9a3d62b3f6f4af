"""Fixtures for the NMODL front-end tests."""
from __future__ import annotations

import pytest

from nmodl_corpus_files import SHARED


@pytest.fixture
def shared_dir():
    assert SHARED.is_dir(), f"the NMODL reference copy is missing: {SHARED}"
    return SHARED
