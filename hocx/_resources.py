"""Locate the files that ship with hocx: the lark grammar and the HOC stdlib.

In an installed wheel they live in ``hocx/_data/{grammar,stdlib}`` (copied by
setup.py); in a source checkout they are the top-level ``grammar/`` and
``stdlib/`` folders.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path


def _data_dir(name: str) -> Path:
    packaged = resources.files("hocx") / "_data" / name
    if packaged.is_dir():
        return Path(str(packaged))
    source = Path(__file__).resolve().parent.parent / name
    if source.is_dir():
        return source
    raise FileNotFoundError(f"hocx installation is missing its {name}/ folder")


def packaged_dir(name: str) -> Path | None:
    """``hocx/_data/<name>`` when the package ships it (a wheel), else None.

    Build-time products such as the parser tables (``<grammar>.tables.json``) live only
    there; a source checkout has none and builds them on first use.
    """
    packaged = resources.files("hocx") / "_data" / name
    return Path(str(packaged)) if packaged.is_dir() else None


def grammar_text(filename: str = "hoc.lark") -> str:
    return (_data_dir("grammar") / filename).read_text(encoding="utf-8")


def stdlib_dir() -> Path:
    return _data_dir("stdlib")


def stdlib_path(filename: str) -> Path | None:
    p = stdlib_dir() / filename
    return p if p.is_file() else None
