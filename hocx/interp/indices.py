"""The one place a HOC number becomes an index or an array size.

HOC numbers are doubles; C turns them into ints.  nrniv's rules, which every
array (``double a[n]``, ``objref o[n]``, ``create s[n][m]``), section array,
``Vector.x[i]`` and member subscript follows here:

* a subscript is ``(int)(x + float_epsilon)``; on x86-64 a NaN, an infinity
  or anything outside the 32-bit range converts to ``INT_MIN``
  (-2147483648), which then fails the range check with nrniv's message;
* a declared dimension is ``floor(x + float_epsilon)`` and must be >= 1
  ("subscript < 1"); the product of all dimensions must not pass 2e9
  ("total subscript too large").  A NaN dimension is refused too (nrniv lets
  it through to an out-of-memory error).
"""
from __future__ import annotations

import math

from ..errors import HocRuntimeError, Span

INT_MIN = -2147483648
MAX_TOTAL = 2e9              # nrniv: hoc_arayinfo_install, `if (total > 2e9)`
MAX_SECTIONS = 10_000_000    # hocx: every section is a Python object


def c_int(x: float, bits: int = 32) -> int:
    """``(int)x`` / ``(long long)x`` as compiled C computes it on x86-64:
    truncation; NaN, infinities and out-of-range values give the minimum."""
    lo = -(1 << (bits - 1))
    if x != x or not (lo - 1.0 < x < -float(lo)):
        return lo
    return int(x)


def subscript(x: float, eps: float) -> int:
    """A HOC subscript: ``(int)(x + float_epsilon)``."""
    return c_int(x + eps)


def dimension(x: float, eps: float, name: str, span: Span | None) -> int:
    """One declared dimension of ``name``: ``floor(x + eps)``, at least 1, finite."""
    if x != x:
        raise HocRuntimeError(f"subscript < 1 {name}", span,
                              hint="the dimension is NaN (not a number)")
    d = x + eps
    if d < 1.0:
        raise HocRuntimeError(f"subscript < 1 {name}", span,
                              hint=f"array dimensions must be at least 1, got {x:g}")
    if d > MAX_TOTAL:
        raise HocRuntimeError(f"{name} :total subscript too large", span,
                              hint=f"an array may have at most {MAX_TOTAL:.0e} elements")
    return int(math.floor(d))


def shape(values: list[float], eps: float, name: str, span: Span | None,
          *, sections: bool = False) -> tuple[int, ...]:
    """The dimensions of a declaration, with nrniv's limit on their product."""
    dims = tuple(dimension(x, eps, name, span) for x in values)
    total = 1
    for d in dims:
        total *= d
    if total > MAX_TOTAL:
        raise HocRuntimeError(f"{name} :total subscript too large", span,
                              hint=f"{' x '.join(map(str, dims))} = {total} elements; "
                                   f"an array may have at most {MAX_TOTAL:.0e}")
    if sections and total > MAX_SECTIONS:
        raise HocRuntimeError(f"{name}: too many sections ({total})", span,
                              hint=f"hocx creates at most {MAX_SECTIONS:,} sections in one array")
    return dims


def flat_position(subs: list[int], dims: tuple[int, ...], name: str, span: Span | None) -> int:
    """Row-major position of ``name[i][j]...`` with nrniv's range message."""
    pos = 0
    for k, (i, d) in enumerate(zip(subs, dims)):
        if i < 0 or i >= d:
            raise HocRuntimeError(f"subscript {k} index {i} of {name} out of range {d}", span)
        pos = pos * d + i
    return pos
