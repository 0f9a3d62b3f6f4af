"""The diagnostic header names the error's kind: ``file:line:col: name error: ...``."""
from __future__ import annotations

import pytest

from hocx import errors as E
from hocx.api import Session

KINDS = [(E.HocSyntaxError, "syntax error"), (E.HocNameError, "name error"),
         (E.HocTypeError, "type error"), (E.HocRuntimeError, "runtime error"),
         (E.ModelError, "model error"), (E.NumericalError, "numerical error")]


@pytest.mark.parametrize("cls,word", KINDS)
def test_each_class_renders_its_kind(cls, word):
    err = cls("it went wrong", E.Span("m.hoc", 2, 5), source_line="abcdefgh")
    assert err.render().splitlines()[0] == f"m.hoc:2:5: {word}: it went wrong"


def test_message_starting_with_its_kind_is_not_prefixed_twice():
    err = E.HocSyntaxError("syntax error (unexpected ';')", E.Span("m.hoc", 1, 6), source_line="x = 1; y")
    assert err.render().splitlines()[0] == "m.hoc:1:6: syntax error (unexpected ';')"


@pytest.mark.parametrize("src,head", [
    ("x = 1; y = 2", "t.hoc:1:6: syntax error (unexpected ';')"),
    ("print nosuch", "t.hoc:1:7: name error: undefined variable nosuch"),
    ("x = 1/0", "t.hoc:1:5: runtime error: division by zero"),
    ("create s\ns.L = -1", "t.hoc:2:1: model error: "),
])
def test_real_errors_carry_their_kind(src, head):
    s = Session(out=lambda _t: None, err=lambda _t: None)
    with pytest.raises(E.HocError) as info:
        s.execute(src, "t.hoc")
    assert info.value.render().splitlines()[0].startswith(head), info.value.render()
