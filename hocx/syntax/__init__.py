"""HOC syntax: tokenizer, symbol-kind classifier, LALR parser, typed AST.

Entry points: ``parse_items`` (statement at a time, for execution),
``parse_text`` (everything at once) and ``is_complete`` (REPL continuation).
"""
from __future__ import annotations

from .parser import NoSymbols, Symbols, is_complete, parse_items, parse_text

__all__ = ["NoSymbols", "Symbols", "is_complete", "parse_items", "parse_text"]
