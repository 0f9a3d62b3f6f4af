"""NMODL front end: grammar (grammar/nmodl.lark), AST, parser, units, semantic checks.

``parse_mod``/``parse_mod_file`` -> ``ast.ModFile``; ``check_mod`` -> ``check.CheckedMod``;
``emit.Emitter`` prints expressions as Python.  See docs/NMODL.md.
"""
from __future__ import annotations

from .check import CheckedMod, NmodlError, check_mod
from .parser import NmodlParser, parse_mod, parse_mod_file

__all__ = ["CheckedMod", "NmodlError", "NmodlParser", "check_mod", "parse_mod", "parse_mod_file"]
