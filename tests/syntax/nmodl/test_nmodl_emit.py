"""Expression -> Python text: same value, same operation order as NEURON's C."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hocx.syntax.nmodl import ast as A
from hocx.syntax.nmodl import parse_mod
from hocx.syntax.nmodl.emit import Emitter, EmitError


def expr(src: str) -> A.Expr:
    m = parse_mod("INITIAL { x = %s }" % src, "e.mod")
    return m.items[0].body.stmts[0].value


def c_eval(e, env):
    """Reference evaluation with C semantics, straight from the tree."""
    if isinstance(e, A.Num):
        return e.value
    if isinstance(e, A.Name):
        return env[e.name]
    if isinstance(e, A.Unary):
        x = c_eval(e.operand, env)
        return -x if e.op == "-" else float(x == 0)
    if isinstance(e, A.Call):     # the same libm stand-ins as the emitted code: this test
        fn = {"fabs": "abs"}.get(e.name, e.name)     # checks operation order, not libm
        return float(getattr(np, fn)(*[np.float64(c_eval(a, env)) for a in e.args]))
    a, b = c_eval(e.left, env), c_eval(e.right, env)
    return {
        "+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b,
        "^": lambda: float(np.power(np.float64(a), np.float64(b))), "<": lambda: float(a < b), ">": lambda: float(a > b),
        "<=": lambda: float(a <= b), ">=": lambda: float(a >= b), "==": lambda: float(a == b),
        "!=": lambda: float(a != b), "&&": lambda: float(bool(a) and bool(b)),
        "||": lambda: float(bool(a) or bool(b)),
    }[e.op]()


def py_eval(text, env):
    return float(eval(text, {"xp": np}, {k: np.float64(v) for k, v in env.items()}))


ENV = {"a": 0.1, "b": 0.7, "c": 3.0, "d": -2.5, "v": -65.0}


@pytest.mark.parametrize("src,text", [
    ("a - b - c", "a - b - c"),
    ("a - (b - c)", "a - (b - c)"),
    ("a*(b*c)", "a * (b * c)"),
    ("a*b*c", "a * b * c"),
    ("a/(b*c)", "a / (b * c)"),
    ("-a^2", "-xp.power(a, 2.0)"),
    ("a^b^c", "xp.power(a, xp.power(b, c))"),
    ("2^-1", "xp.power(2.0, -1.0)"),
    ("-(a + b)", "-(a + b)"),
    ("- -a", "-(-a)"),
    ("a < b < c", "xp.where(xp.where(a < b, 1.0, 0.0) < c, 1.0, 0.0)"),
    # C precedence: < binds tighter than ==
    ("a == b < c", "xp.where(a == xp.where(b < c, 1.0, 0.0), 1.0, 0.0)"),
    ("a && b || !c", "xp.where(xp.logical_or(xp.where(xp.logical_and(a, b), 1.0, 0.0), "
                     "xp.where(c == 0, 1.0, 0.0)), 1.0, 0.0)"),
    ("exp(a > b) + (a + b > c)", "xp.exp(xp.where(a > b, 1.0, 0.0)) + xp.where(a + b > c, 1.0, 0.0)"),
    ("fabs(d)*exp(-v/10)", "xp.abs(d) * xp.exp(-v / 10.0)"),
    ("(0.001)*a", "0.001 * a"),
])
def test_text_and_value(src, text):
    e = expr(src)
    out = Emitter().expr(e)
    assert out == text
    with np.errstate(all="ignore"):
        got, want = py_eval(out, ENV), c_eval(e, ENV)
    assert got == want or (math.isnan(got) and math.isnan(want))


def test_names_calls_and_indices_are_mapped():
    em = Emitter(names=lambda n: f"p['{n}']", calls=lambda n: f"fn_{n}" if n == "rates" else None)
    assert em.expr(expr("rates(v) + ca[2]")) == "fn_rates(p['v']) + p['ca'][int(2.0)]"


def test_unknown_function_is_an_error_with_span():
    with pytest.raises(EmitError) as ei:
        Emitter().expr(expr("foo(a)"))
    assert ei.value.span.line == 1 and ei.value.span.col == 15


_leaf = st.sampled_from(["a", "b", "c", "d", "1.5", "2", "0.3"])


@st.composite
def _exprs(draw, depth=0):
    if depth > 4 or draw(st.booleans()):
        return draw(_leaf)
    kind = draw(st.sampled_from(["bin", "bin", "bin", "neg", "paren", "call", "pow"]))
    if kind == "bin":
        op = draw(st.sampled_from(["+", "-", "*", "/", "<", "==", "&&"]))
        return f"{draw(_exprs(depth + 1))} {op} {draw(_exprs(depth + 1))}"
    if kind == "neg":
        return f"-{draw(_exprs(depth + 1))}"
    if kind == "paren":
        return f"({draw(_exprs(depth + 1))})"
    if kind == "pow":
        return f"{draw(_leaf)}^{draw(_leaf)}"
    return f"exp({draw(_exprs(depth + 1))}/10)"


@settings(max_examples=200, deadline=None)
@given(_exprs())
def test_random_expressions_evaluate_bit_for_bit(src):
    e = expr(src)
    text = Emitter().expr(e)
    with np.errstate(all="ignore"):
        got = py_eval(text, ENV)
    try:
        with np.errstate(all="ignore"):
            want = c_eval(e, ENV)
    except (ZeroDivisionError, OverflowError, ValueError):
        return
    assert got == want or (math.isnan(got) and math.isnan(want)), (src, text)
