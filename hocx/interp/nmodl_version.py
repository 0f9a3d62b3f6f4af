"""The NMODL translator's version: a hash of its own code, computed without importing it.

:func:`translator_version` hashes the translator package (``hocx/interp/nmodl/*.py``), the
NMODL front end (``hocx/syntax/nmodl/*.py``) and its grammar, so a cached translation made
by other code is never reused (:mod:`hocx.interp.mod_cache` keys on it).  It reads files
only: the built-in mechanisms (:mod:`hocx.interp.stdlib_mods`) look up their cached
translations at session start without importing the translator (numpy, the parser).
"""
from __future__ import annotations

import hashlib
import os

_HERE = os.path.dirname(os.path.abspath(__file__))


def translator_version() -> str:
    """``"nmodl-"`` + the first 16 hex digits of the hash (see the module docstring)."""
    from .. import _resources
    h = hashlib.sha256()
    front = os.path.join(_HERE, os.pardir, "syntax", "nmodl")
    for d in (os.path.join(_HERE, "nmodl"), front):
        for f in sorted(os.listdir(d)):
            if f.endswith(".py"):
                h.update(f.encode())
                with open(os.path.join(d, f), "rb") as fh:
                    h.update(fh.read())
    try:
        h.update(_resources.grammar_text("nmodl.lark").encode())
    except OSError:   # no grammar resource: the hash of the code alone
        pass
    return "nmodl-" + h.hexdigest()[:16]
