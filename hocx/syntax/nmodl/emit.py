"""NMODL expression -> Python source text, keeping NEURON's operation order.

nocmodl copies an expression's tokens into C (``a^b`` becomes ``pow(a, b)``),
so NEURON computes exactly the tree our grammar builds (it parses with C's
precedence).  ``Emitter.expr`` prints that tree as Python over an array
namespace (``xp``: numpy or jax.numpy), adding the parentheses needed so
Python evaluates the same operations in the same order -- floating-point
sums and products are not associative, so ``a - b - c`` stays
``(a - b) - c`` and ``a*(b*c)`` keeps its parentheses.

C semantics that Python lacks are spelled out: a comparison or logical
operation is C's number 1.0/0.0 (``xp.where(cond, 1.0, 0.0)``), so comparisons
never chain (``a < b < c`` is ``(a < b) < c``) and ``exp(a > b)`` stays
float64; ``!x`` is ``x == 0``; ``&&``/``||`` are element-wise (no
short-circuit); ``%`` is C's ``fmod``.  ``^`` is ``xp.power``, which may differ
from C's ``pow`` in the last bit (numpy's does for some arguments).  Division by zero is
left to the namespace (numpy/jax give inf/nan as C does).

Names are printed through ``names`` (a callable: NMODL name -> Python text),
so code generation decides what ``v`` or ``gnabar`` become.
"""
from __future__ import annotations

from typing import Callable, Optional

from ...errors import HocError
from . import ast as A


class EmitError(HocError):
    """An expression that has no Python translation."""


# NMODL math function -> attribute of the array namespace
XP_FUNCTIONS = {
    "exp": "exp", "log": "log", "log10": "log10", "fabs": "abs", "sqrt": "sqrt",
    "sin": "sin", "cos": "cos", "tan": "tan", "asin": "arcsin", "acos": "arccos",
    "atan": "arctan", "atan2": "arctan2", "sinh": "sinh", "cosh": "cosh", "tanh": "tanh",
    "floor": "floor", "ceil": "ceil", "fmod": "fmod", "pow": "power",
}

# Python binding strength (higher binds tighter)
_PREC = {"or": 1, "and": 2, "cmp": 3, "+": 4, "-": 4, "*": 5, "/": 5, "unary": 6, "atom": 9}
_CMP = {"<", "<=", ">", ">=", "==", "!="}


def _identity(name: str) -> str:
    return name


class Emitter:
    """Prints expressions; ``xp`` is the namespace name, ``names``/``calls`` map
    variables and user functions to Python text."""

    def __init__(self, xp: str = "xp", names: Callable[[str], str] = _identity,
                 calls: Optional[Callable[[str], Optional[str]]] = None,
                 index: Optional[Callable[[str, str], str]] = None):
        self.xp = xp
        self.names = names
        self.calls = calls or (lambda name: None)
        self.index = index or (lambda base, idx: f"{base}[int({idx})]")

    def expr(self, e: A.Expr) -> str:
        return self._emit(e)[0]

    # returns (text, precedence of its outermost operator)
    def _emit(self, e: A.Expr) -> tuple[str, int]:
        if isinstance(e, A.Num):
            return _number(e.value), _PREC["atom"] if e.value >= 0 else _PREC["unary"]
        if isinstance(e, A.Name):
            base = self.names(e.name)
            if e.index is not None:
                return self.index(base, self.expr(e.index)), _PREC["atom"]
            return base, _PREC["atom"]
        if isinstance(e, A.Str):
            return repr(e.value), _PREC["atom"]
        if isinstance(e, A.Prime):
            raise EmitError(f"{e.name}' cannot be used as a value here", e.span)
        if isinstance(e, A.Call):
            return self._call(e.name, e.args, e), _PREC["atom"]
        if isinstance(e, A.Unary):
            inner, p = self._emit(e.operand)
            if e.op == "-":
                if p < _PREC["unary"]:
                    inner = f"({inner})"
                elif inner.startswith("-"):
                    inner = f"({inner})"
                return f"-{inner}", _PREC["unary"]
            return self._truth(f"{_wrap(inner, p, _PREC['cmp'] + 1)} == 0"), _PREC["atom"]
        if isinstance(e, A.Binary):
            op = e.op
            if op == "^":
                return self._call("pow", (e.left, e.right), e), _PREC["atom"]
            if op == "%":
                return self._call("fmod", (e.left, e.right), e), _PREC["atom"]
            if op in ("&&", "||"):
                fn = "logical_and" if op == "&&" else "logical_or"
                return self._truth(f"{self.xp}.{fn}({self.expr(e.left)}, {self.expr(e.right)})"), \
                    _PREC["atom"]
            l, lp = self._emit(e.left)
            r, rp = self._emit(e.right)
            if op in _CMP:
                # a C comparison is a number (1 or 0); nested ones are calls, so Python
                # can never chain them
                return self._truth(f"{_wrap(l, lp, _PREC['cmp'] + 1)} {op} "
                                   f"{_wrap(r, rp, _PREC['cmp'] + 1)}"), _PREC["atom"]
            prec = _PREC[op]
            # left-associative: the left operand may share our level, the right may not
            return f"{_wrap(l, lp, prec)} {op} {_wrap(r, rp, prec + 1)}", prec
        raise EmitError(f"cannot emit {type(e).__name__}", getattr(e, "span", None))

    def _truth(self, cond: str) -> str:
        """C's int 1/0 of a condition, as a float64 (a bare bool would turn exp(b) into float16)."""
        return f"{self.xp}.where({cond}, 1.0, 0.0)"

    def _call(self, name: str, args, node) -> str:
        texts = ", ".join(self.expr(a) for a in args)
        user = self.calls(name)
        if user is not None:
            return f"{user}({texts})"
        fn = XP_FUNCTIONS.get(name)
        if fn is None:
            raise EmitError(f"no translation for the function '{name}'", node.span)
        return f"{self.xp}.{fn}({texts})"


def _wrap(text: str, prec: int, need: int) -> str:
    return text if prec >= need else f"({text})"


def _number(v: float) -> str:
    if v != v:
        return "float('nan')"
    if v in (float("inf"), float("-inf")):
        return "float('inf')" if v > 0 else "-float('inf')"
    r = repr(float(v))
    return r
