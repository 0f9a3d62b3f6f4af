"""Cheaper constructors for the two objects the parser makes most: tokens and spans.

The parser makes a lark ``Token`` per token and a ``Span`` per AST node.  lark's
``Token(...)`` goes through two Python-level ``__new__`` layers with keyword handling,
and a frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``;
together they were a third of the parse time.  The functions here build the very same
objects (same class, same attribute values, equal and hashing alike) directly.

Each fast path is only used when the class still has the shape it relies on (checked
once at import); otherwise the ordinary constructor is used, so a change to ``Span`` or
to lark cannot make these silently wrong.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Callable

from lark import Token

from ..errors import Span

_str_new = str.__new__
_obj_new = object.__new__
_TOKEN_SLOTS = ("type", "start_pos", "value", "line", "column", "end_line", "end_column", "end_pos")
_SPAN_FIELDS = ("file", "line", "col", "end_line", "end_col")


def _token_fast(type_: str, value: Any, line: int, col: int, end_line: int, end_col: int,
                pos: int) -> Token:
    t = _str_new(Token, value)
    t.type = type_
    t.start_pos = pos
    t.value = value
    t.line = line
    t.column = col
    t.end_line = end_line
    t.end_column = end_col
    t.end_pos = pos
    return t


def _token_slow(type_: str, value: Any, line: int, col: int, end_line: int, end_col: int,
                pos: int) -> Token:
    return Token(type_, value, start_pos=pos, line=line, column=col, end_line=end_line,
                 end_column=end_col, end_pos=pos)


def _span_fast(file: str, line: int, col: int, end_line: int | None = None,
               end_col: int | None = None) -> Span:
    s = _obj_new(Span)
    d = s.__dict__
    d["file"] = file
    d["line"] = line
    d["col"] = col
    d["end_line"] = end_line
    d["end_col"] = end_col
    return s


def _token_shape_ok() -> bool:
    return (tuple(getattr(Token, "__slots__", ())) == _TOKEN_SLOTS
            and issubclass(Token, str) and len(Token.__mro__) == 3)


def _span_shape_ok() -> bool:
    if not dataclasses.is_dataclass(Span) or hasattr(Span, "__post_init__"):
        return False
    if "__slots__" in vars(Span):
        return False
    fields = dataclasses.fields(Span)
    return (tuple(f.name for f in fields) == _SPAN_FIELDS
            and all(f.init and f.default_factory is dataclasses.MISSING for f in fields))


#: ``make_token(type, value, line, col, end_line, end_col, pos)``: a lark Token
make_token: Callable[..., Token] = _token_fast if _token_shape_ok() else _token_slow
#: ``make_span(file, line, col, end_line=None, end_col=None)``: a Span
make_span: Callable[..., Span] = _span_fast if _span_shape_ok() else Span


def _dataclass_shape_ok(cls: type, names: tuple[str, ...]) -> bool:
    if not dataclasses.is_dataclass(cls):
        return False
    if any(hasattr(k, "__post_init__") or "__slots__" in vars(k) for k in cls.__mro__[:-1]):
        return False
    fields = dataclasses.fields(cls)
    return tuple(f.name for f in fields) == names and all(f.init for f in fields)


def node_factory(cls: type, *names: str) -> Callable[..., Any]:
    """A constructor for the frozen dataclass ``cls`` taking *every* field positionally
    (``names``, in field order), building the same object as ``cls(...)`` would."""
    if not _dataclass_shape_ok(cls, names):
        return cls
    if len(names) == 2:
        a, b = names

        def make2(x, y):
            o = _obj_new(cls)
            d = o.__dict__
            d[a] = x
            d[b] = y
            return o
        return make2
    if len(names) == 3:
        a, b, c = names

        def make3(x, y, z):
            o = _obj_new(cls)
            d = o.__dict__
            d[a] = x
            d[b] = y
            d[c] = z
            return o
        return make3
    if len(names) == 4:
        a, b, c, e = names

        def make4(x, y, z, w):
            o = _obj_new(cls)
            d = o.__dict__
            d[a] = x
            d[b] = y
            d[c] = z
            d[e] = w
            return o
        return make4
    return cls
