"""Suite-wide: keep REPL history out of the user's home directory."""
from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_history(tmp_path_factory):
    old = os.environ.get("HOCX_HISTORY")
    os.environ["HOCX_HISTORY"] = str(tmp_path_factory.mktemp("hocx-history") / "history")
    yield
    if old is None:
        os.environ.pop("HOCX_HISTORY", None)
    else:
        os.environ["HOCX_HISTORY"] = old
