"""The helpers generated mechanism code calls (the only names its namespace holds besides
``math`` constants): array-element updates, the merge of an ``if``'s two branches, nocmodl's
TABLE grid and lookup, and the table cache with NEURON's staleness rule.

Generated functions keep every mechanism variable in a dict ``st`` while they run; an ARRAY
variable (``ca[4]``) is a Python list of per-instance arrays there (indices are Python ints,
so FROM loops unroll at trace time), and a stacked array (index on the leading axis) in the
dicts the simulator passes (``p``, ``s``) and gets back.
"""
from __future__ import annotations

import math

import numpy as np

from ...errors import HocError


class NmodlRuntimeError(HocError):
    """A translated mechanism hit something it cannot do while it runs (a dynamic while)."""


def setitem(seq, i, value):
    """A copy of the list ``seq`` with element ``i`` replaced (lists are never mutated, so a
    branch snapshot stays valid)."""
    i = _index(i)
    out = list(seq)
    if not 0 <= i < len(out):
        raise NmodlRuntimeError(f"array index {i} is outside 0..{len(out) - 1}")
    out[i] = value
    return out


def getitem(seq, i):
    i = _index(i)
    if not 0 <= i < len(seq):
        raise NmodlRuntimeError(f"array index {i} is outside 0..{len(seq) - 1}")
    return seq[i]


def _index(i) -> int:
    if isinstance(i, (int, np.integer)):
        return int(i)
    try:
        f = float(i)
    except (TypeError, ValueError):   # a traced value (ConcretizationTypeError) cannot index statically
        raise NmodlRuntimeError("an array index must be a constant or a FROM loop variable "
                                "(hocx unrolls loops; a computed index cannot be vectorised)") from None
    return int(f)     # C's (int) truncation


def where(xp, c, a, b):
    """``c ? a : b`` element-wise; lists (ARRAY variables) element by element."""
    if a is b:
        return a
    if isinstance(a, list) or isinstance(b, list):
        return [where(xp, c, x, y) for x, y in zip(a, b)]
    if isinstance(a, tuple) or isinstance(b, tuple):
        return tuple(where(xp, c, x, y) for x, y in zip(a, b))
    if isinstance(a, dict) or isinstance(b, dict):
        return {k: where(xp, c, a.get(k, b.get(k)), b.get(k, a.get(k))) for k in {**a, **b}}
    return xp.where(c, a, b)


def merge(xp, c, then_st: dict, st: dict) -> None:
    """After an ``if``: ``st`` (the else branch's result) becomes ``c ? then : else`` for
    every variable either branch changed (identity tells what changed)."""
    for k, tv in then_st.items():
        ev = st.get(k, tv)
        if tv is not ev:
            st[k] = where(xp, c, tv, ev)


def taken(xp, mask) -> bool:
    """Does any instance take a vectorised ``if`` branch?  Always True under JAX (traced);
    with NumPy a branch none takes is skipped (its merge would keep the other's values)."""
    return xp is not np or bool(np.any(mask))


def truth(xp, x):
    """C truth of a number as a boolean array (``x != 0``)."""
    return xp.asarray(x) != 0


def full(xp, x, like):
    """``x`` broadcast to the instance shape of ``like`` (a constant initial value)."""
    if isinstance(x, list):
        return [full(xp, e, like) for e in x]
    shape = getattr(x, "shape", None)
    if shape is not None and shape == getattr(like, "shape", ()):
        return x
    return x + xp.zeros_like(like)


def stack(xp, seq, like=None):
    """A list of per-instance arrays as one array, index on the leading axis."""
    if like is not None:
        seq = [full(xp, e, like) for e in seq]
    return xp.stack([xp.asarray(e) for e in seq])


def unstack(x, size: int) -> list:
    """The inverse of :func:`stack` (a scalar is repeated)."""
    if isinstance(x, (list, tuple)):
        return list(x)
    arr = x
    if getattr(arr, "ndim", 0) == 0:
        return [arr] * size
    return [arr[k] for k in range(size)]


# ---------------------------------------------------------------------------------------
# TABLE (nocmodl's _check_<name> and _n_<name>)


def table_grid(tmin: float, tmax: float, n: int) -> np.ndarray:
    """The n+1 grid points nocmodl evaluates: ``_x`` starts at tmin and accumulates
    ``_dx = (tmax - tmin)/n`` (so round-off is NEURON's)."""
    dx = (tmax - tmin) / float(n)
    xs = np.empty(n + 1)
    x = float(tmin)
    for i in range(n + 1):
        xs[i] = x
        x += dx
    return xs


def lookup_rows(table: np.ndarray) -> np.ndarray:
    """(n+1, 2k) rows ``[T[i] (k values), T[i+1] − T[i] (k values)]`` for one-gather lookups
    (the differences are the ones nocmodl computes at lookup time: no bit changes)."""
    diff = np.zeros_like(table)
    diff[:, :-1] = table[:, 1:] - table[:, :-1]
    return np.ascontiguousarray(np.concatenate([table, diff]).T)


def table_lookup(xp, rows, tmin, mfac, n: int, k: int, x):
    """nocmodl's lookup: ``xi = mfac*(x − tmin)``; NaN passes through; clamped to the end
    values at ``xi <= 0`` and ``xi >= n``; else ``T[i] + θ·(T[i+1] − T[i])``, ``i = (int)xi``."""
    xi = mfac * (x - tmin)
    finite = xp.where(xp.isnan(xi), 0.0, xi)
    i = xp.clip(xp.floor(finite), 0, n - 1).astype(np.int64)
    theta = (xi - i)[..., None]
    r = rows[i]
    val = r[..., :k] + theta * r[..., k:]
    val = xp.where(xi[..., None] <= 0.0, rows[0, :k], val)
    val = xp.where(xi[..., None] >= float(n), rows[n, :k], val)
    return tuple(val[..., j] for j in range(k))


class TableCache:
    """The tables of one translated mechanism, with NEURON's staleness rule: a table is
    built the first time it is asked for and rebuilt only when one of its DEPEND values
    changed since (nocmodl's ``_sav_<dep>`` test; a change of FROM/TO or of a variable the
    TABLE does not name leaves the old table in use, as in NEURON)."""

    def __init__(self):
        self._saved: dict[str, tuple] = {}

    def get(self, name: str, depend: tuple, build, usetable: bool = True):
        old = self._saved.get(name)
        if old is not None and (old[0] == depend or not usetable):
            return old[1]
        value = build()
        if usetable:
            self._saved[name] = (depend, value)
        return value

    def clear(self) -> None:
        self._saved.clear()


class Bound:
    """``F.f_rates(v)`` in generated code: the mod's FUNCTIONs/PROCEDUREs bound to the
    running hook's ``xp``, ``env`` and ``st``."""

    __slots__ = ("xp", "env", "st", "funcs")

    def __init__(self, xp, env, st, funcs):
        self.xp = xp
        self.env = env
        self.st = st
        self.funcs = funcs

    def __getattr__(self, name):
        fn = self.funcs[name]
        xp, env, st = self.xp, self.env, self.st
        return lambda *args: fn(xp, env, st, *args)


def fmod(a, b):
    """C's fmod of two constants (a static ``%``)."""
    return math.fmod(a, b)


def quiet(fn, always_numpy: bool = False):
    """``fn`` run under ``np.errstate(all="ignore")`` when it computes with numpy: both
    branches of a vectorised ``if`` are evaluated, so the untaken one may divide by zero
    (NEURON never evaluates it); the warning would only be noise."""
    def wrapper(*args, **kw):
        if always_numpy or (args and args[0] is np):
            with np.errstate(all="ignore"):
                return fn(*args, **kw)
        return fn(*args, **kw)
    wrapper.__name__ = getattr(fn, "__name__", "hook")
    wrapper.__doc__ = getattr(fn, "__doc__", None)
    wrapper.__wrapped__ = fn
    return wrapper


def unsupported(message: str):
    raise NmodlRuntimeError(message)


def guard(xp, mask):
    """``d -> xp.where(mask, d, 1.0)``: a denominator in a branch only the instances in
    ``mask`` take (the others would divide by zero where NEURON never evaluates)."""
    def g(d):
        if isinstance(d, float) and d != 0.0 and math.isfinite(d):
            return d            # a nonzero constant (hh's vtrap(x, 10)): nothing to guard
        return xp.where(mask, d, 1.0)
    return g


def cnexp_step(xp, x, a, b, dt):
    """The cnexp update of ``x' = a + b·x`` as nocmodl writes it in place (the same formula
    as :func:`hocx.sim.methods.cnexp`, which advances the states; this copy only serves a
    later statement of the same DERIVATIVE block that reads the updated value)."""
    if b is None:
        return x + dt * a
    return x + (1.0 - xp.exp(dt * b)) * (-a / b - x)


# ---------------------------------------------------------------------------------------
# while loops and the math functions numpy/jax.numpy do not spell as NMODL does

#: passes a vectorised while loop may make before hocx calls it endless (NEURON would hang)
WHILE_MAX = 1_000_000


def while_loop(xp, cond, body, carry):
    """``carry = body(carry)`` while ``cond(carry)`` (any instance's condition holds; the body
    changes only those instances).  numpy: a Python loop that raises after
    :data:`WHILE_MAX` passes; jax.numpy: a ``lax.while_loop`` whose carry is first widened to
    the shapes the body gives (a constant that becomes per instance), and whose values become
    NaN when it stops at the cap.  Forward-mode derivatives go through it; JAX cannot
    reverse-differentiate a ``while_loop``."""
    if getattr(xp, "__name__", "") == "numpy":
        n = 0
        while cond(carry):
            carry = body(carry)
            n += 1
            if n >= WHILE_MAX:
                raise NmodlRuntimeError(f"a while loop ran {WHILE_MAX} passes without ending "
                                        f"(NEURON would hang here)")
        return carry
    import jax
    import jax.numpy as jnp

    tm = jax.tree_util.tree_map
    carry = tm(lambda x: jnp.asarray(x, dtype=jnp.result_type(float)), carry)
    for _ in range(8):
        out = jax.eval_shape(body, carry)
        new = tm(lambda c, o: jnp.broadcast_to(c, jnp.broadcast_shapes(c.shape, o.shape)),
                 carry, out)
        if all(a.shape == b.shape for a, b in zip(jax.tree_util.tree_leaves(new),
                                                  jax.tree_util.tree_leaves(carry))):
            break
        carry = new

    def b(c):
        i, x = c
        y = body(x)
        return i + 1, tm(lambda a, ref: jnp.broadcast_to(a, ref.shape).astype(ref.dtype), y, x)

    def cnd(c):
        i, x = c
        return jnp.logical_and(i < WHILE_MAX, cond(x))

    i, carry = jax.lax.while_loop(cnd, b, (jnp.int32(0), carry))
    return tm(lambda x: jnp.where(i >= WHILE_MAX, jnp.nan, x), carry)


def xp_function(xp, name: str):
    """A math function of NMODL that numpy lacks (``erf``, ``erfc``): C's libm values on the
    host (Python's ``math``), ``jax.scipy.special`` in compiled code."""
    if getattr(xp, "__name__", "") == "numpy":
        fn = getattr(math, name)
        vec = np.vectorize(fn, otypes=[float])

        def host(x):
            out = vec(x)
            return out[()] if np.ndim(out) == 0 else out
        return host
    import jax.scipy.special as jss
    return getattr(jss, name)
