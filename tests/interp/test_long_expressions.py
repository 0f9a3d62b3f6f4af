"""Issue 18: a very long left-associative chain (``1+1+...``) is evaluated without Python
recursion (hocx/interp/evaluate.py ``ev_chain``), with the same order and errors."""
from __future__ import annotations

import pytest

from hocx.api import Session
from hocx.errors import HocError


def value(text: str) -> float:
    s = Session(out=lambda _s: None, err=lambda _s: None)
    s.execute(f"x = {text}\n", "t.hoc")
    return s.get_global("x")


def test_a_sum_deeper_than_the_recursion_limit():
    n = 100_000                       # the interpreter's recursion limit is 60,000
    assert value("+".join(["1"] * n)) == float(n)


@pytest.mark.parametrize("text, expected", [
    ("10-1-1-1", 7.0),
    ("2*3-4/2+1", 5.0),
    ("100/10/5", 2.0),
    ("1+2*3+4*5-6", 21.0),
    ("7%4%2", 1.0),
    ("1<2==1", 1.0),
    ("2^3^2", 512.0),                 # right-associative, not a left chain
    ("1-(2-(3-4))", -2.0),
])
def test_chains_keep_order_and_precedence(text, expected):
    assert value(text) == expected


def test_evaluation_is_left_to_right_and_errors_point_into_the_chain():
    s = Session(out=lambda _s: None, err=lambda _s: None)
    s.execute("n = 0\nfunc f() { n = n * 10 + $1  return $1 }\ny = f(1)+f(2)+f(3)+f(4)\n", "t.hoc")
    assert s.get_global("n") == 1234.0 and s.get_global("y") == 10.0
    with pytest.raises(HocError) as e:
        s.execute("z = 1+2+3/0+4+5\n", "t.hoc")
    assert e.value.message == "division by zero"
    assert (e.value.span.line, e.value.span.col) == (1, 9)
