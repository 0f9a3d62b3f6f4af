"""What nocmodl's ``METHOD cnexp`` makes of one equation ``x' = f``.

nocmodl (src/nmodl/diffeq.ypp + deriv.cpp ``cvode_cnexp_success``) walks f's
tokens once and builds four strings per sub-expression: the expression, its
derivative ``de`` with respect to the state, and the linear form ``a*x + b``
(``a``, ``b``), with the string ``"0.0"`` standing for zero.  Then:

* ``d_invalid`` (the state inside a function call, ``^`` -- rewritten to
  ``pow()`` -- or in a denominator): "Could not translate using cnexp
  method; using derivimplicit" -> the block is solved by derivimplicit.
* otherwise, with ``de == 0``: ``x = x - dt*(-(b))`` (explicit).
* otherwise ``x = x + (1 - exp(dt*de))*(rhs - x)`` where ``rhs = -(b)/(a)``,
  except that when f is not linear (``eq_invalid``: a product of two
  state-dependent factors) rhs is the empty string, so NEURON computes
  ``x + (1 - exp(dt*de))*(-x)`` -- silently dropping every term of f that
  does not vanish at x = 0.

``cnexp_form`` reproduces this on our AST, building ``de`` and ``rhs`` with
the same tree shape (hence the same floating-point operation order) as the C
text nocmodl prints.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ...errors import Span
from . import ast as A


@dataclass(frozen=True)
class CnexpForm:
    """``kind``: "cnexp" | "explicit" | "derivimplicit".

    cnexp:    x_new = x + (1 - exp(dt*deriv))*(steady - x); ``steady is None``
              means NEURON's empty right-hand side (the non-linear quirk), i.e. 0.
    explicit: x_new = x - dt*(increment)  (``increment`` = ``-(b)``).
    """
    kind: str
    state: str
    deriv: Optional[A.Expr] = None
    steady: Optional[A.Expr] = None
    increment: Optional[A.Expr] = None
    nonlinear: bool = False
    message: Optional[str] = None


@dataclass
class _Q:
    """The four nocmodl strings of a sub-expression; ``None`` is nocmodl's "0.0"."""
    expr: A.Expr
    de: Optional[A.Expr]
    a: Optional[A.Expr]
    b: Optional[A.Expr]


class _Invalid(Exception):
    pass


def _num(v: float, span: Span) -> A.Num:
    return A.Num(span, v, repr(v))


def _bin(op, l, r, span):
    return A.Binary(span, op, l, r)


def _neg(x, span):
    return A.Unary(span, "-", x)


def _is_zero_literal(n: A.Num) -> bool:
    # nocmodl appends ".0" to integers, then compares strings with "0.0"
    return n.text in ("0", "0.0")


def cnexp_form(state: str, rhs: A.Expr, index: Optional[A.Expr] = None) -> CnexpForm:
    """What nocmodl's cnexp does with ``state' = rhs`` (``state[index]`` for arrays)."""
    flags = {"d_invalid": False, "eq_invalid": False}

    def is_state(n: A.Name) -> bool:
        if n.name != state:
            return False
        if index is None or n.index is None:
            return True
        return _same(n.index, index)

    def walk(e: A.Expr) -> _Q:
        sp = e.span
        if isinstance(e, A.Num):
            z = _is_zero_literal(e)
            return _Q(e, None, None, None if z else e)
        if isinstance(e, A.Name):
            if is_state(e):
                return _Q(e, _num(1.0, sp), _num(1.0, sp), None)
            if e.index is not None and _mentions(e.index, state):
                flags["d_invalid"] = True
            return _Q(e, None, None, e)
        if isinstance(e, (A.Str, A.Prime)):
            return _Q(e, None, None, e)
        if isinstance(e, A.Call) or (isinstance(e, A.Binary) and e.op == "^"):
            args = e.args if isinstance(e, A.Call) else (e.left, e.right)
            for arg in args:
                q = walk(arg)
                if q.de is not None:
                    flags["d_invalid"] = True
                    flags["eq_invalid"] = True
            return _Q(e, None, None, e)
        if isinstance(e, A.Unary):
            if e.op != "-":
                raise _Invalid("'!' in a derivative")
            q = walk(e.operand)
            return _Q(e, _un(q.de, sp), _un(q.a, sp), _un(q.b, sp))
        if isinstance(e, A.Binary):
            if e.op in ("+", "-"):
                l, r = walk(e.left), walk(e.right)
                return _Q(e, _addsub(e.op, l.de, r.de, sp), _addsub(e.op, l.a, r.a, sp),
                          _addsub(e.op, l.b, r.b, sp))
            if e.op == "*":
                l, r = walk(e.left), walk(e.right)
                if l.de is not None and r.de is not None:
                    de = _bin("+", _bin("*", l.de, r.expr, sp), _bin("*", l.expr, r.de, sp), sp)
                elif l.de is not None:
                    de = _bin("*", l.de, r.expr, sp)
                elif r.de is not None:
                    de = _bin("*", l.expr, r.de, sp)
                else:
                    de = None
                a = None
                if l.a is not None and r.a is not None:
                    flags["eq_invalid"] = True
                elif l.a is not None:
                    if r.b is not None:
                        a = _bin("*", l.a, r.b, sp)
                elif r.a is not None:
                    if l.b is not None:
                        a = _bin("*", l.b, r.a, sp)
                b = _bin("*", l.b, r.b, sp) if (l.b is not None and r.b is not None) else None
                return _Q(e, de, a, b)
            if e.op == "/":
                l, r = walk(e.left), walk(e.right)
                de = None
                if r.de is not None:
                    flags["d_invalid"] = True
                elif l.de is not None:
                    de = _bin("/", l.de, r.expr, sp)
                a = None
                if r.a is not None:
                    flags["eq_invalid"] = True
                elif l.a is not None:
                    a = _bin("/", l.a, r.expr, sp)
                b = _bin("/", l.b, r.expr, sp) if l.b is not None else None
                return _Q(e, de, a, b)
            raise _Invalid(f"operator '{e.op}' in a derivative")
        raise _Invalid(f"cannot analyse {type(e).__name__}")

    try:
        q = walk(rhs)
    except _Invalid as exc:
        return CnexpForm("derivimplicit", state, message=f"Could not translate using cnexp method; "
                         f"using derivimplicit ({exc})")
    if flags["d_invalid"]:
        return CnexpForm("derivimplicit", state,
                         message="Could not translate using cnexp method; using derivimplicit")
    sp = rhs.span
    zero = _num(0.0, sp)
    if q.de is None:
        # rhs string "- ( b ) / ( 0.0 )" with its last 9 characters cut: "- ( b ) "
        inc = _neg(q.b if q.b is not None else zero, sp)
        return CnexpForm("explicit", state, increment=inc)
    if flags["eq_invalid"]:
        return CnexpForm("cnexp", state, deriv=q.de, steady=None, nonlinear=True,
                         message=f"{state}' is not linear in {state}: NEURON's cnexp integrates "
                                 f"{state} <- {state} + (1 - exp(dt*d{state}'/d{state}))*(-{state}), "
                                 f"dropping every term that does not vanish at {state} = 0")
    steady = _bin("/", _neg(q.b if q.b is not None else zero, sp),
                  q.a if q.a is not None else zero, sp)
    return CnexpForm("cnexp", state, deriv=q.de, steady=steady)


def _un(x, sp):
    return None if x is None else _neg(x, sp)


def _addsub(op, l, r, sp):
    if l is not None and r is not None:
        return _bin(op, l, r, sp)
    if l is not None:
        return l
    if r is not None:
        return r if op == "+" else _neg(r, sp)
    return None


def _mentions(e: A.Expr, name: str) -> bool:
    return any(isinstance(n, A.Name) and n.name == name for n in A.walk(e))


def _same(x: A.Expr, y: A.Expr) -> bool:
    if type(x) is not type(y):
        return False
    if isinstance(x, A.Num):
        return x.value == y.value
    if isinstance(x, A.Name):
        return x.name == y.name and (x.index is None) == (y.index is None) and \
            (x.index is None or _same(x.index, y.index))
    if isinstance(x, A.Binary):
        return x.op == y.op and _same(x.left, y.left) and _same(x.right, y.right)
    if isinstance(x, A.Unary):
        return x.op == y.op and _same(x.operand, y.operand)
    return False
