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


@pytest.fixture(autouse=True, scope="session")
def _private_mod_cache(tmp_path_factory):
    """The .mod translation cache of the test run is its own (hocx.interp.mod_cache)."""
    old = os.environ.get("HOCX_MOD_CACHE")
    if old is None:
        os.environ["HOCX_MOD_CACHE"] = str(tmp_path_factory.mktemp("hocx-mods") / "cache")
    yield
    if old is None:
        os.environ.pop("HOCX_MOD_CACHE", None)
