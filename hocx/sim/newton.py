"""Newton solves of the implicit integration methods, as scopmath does them, vectorised over instances.

Two solvers, both per instance (every array here has the unknowns on the leading axis and the
instances — any shape, a sweep's batch axis included — after it), written once for ``numpy``
(the host: INITIAL, tests; Python loops that stop as soon as every instance converged) and
``jax.numpy`` (the compiled step: a ``lax.while_loop``):

* :func:`sparse_newton` — ``sparse_thread`` (src/scopmath/sparse_thread.hpp) for KINETIC:
  each iteration builds nocmodl's matrix and right-hand side at the current iterate
  (:class:`hocx.spec.kinetic.KineticSpec`), solves, adds ``δ``; a linear scheme
  (``linflag``) stops after that one step; otherwise negative states are clipped to 0 and it
  iterates while ``Σ|δ| > CONVERGE`` (1e-6, absolute, summed over the unknowns), failing
  when a 22nd update is needed (``j > MAXSTEPS`` = 20);
* :func:`implicit_newton` — ``derivimplicit`` (nocmodl's generated ``nrn_newton_thread`` call,
  src/scopmath/newton_thread.hpp): Newton on ``G(x) = x'(x) − (x − x0)/dt`` with scopmath's
  central finite-difference Jacobian (increment ``max(|0.02·x|, 1e-6)``, the perturbed state
  restored as ``((x + h) − 2h) + h``), rebuilt only while the last relative change exceeded
  ``MAXCHANGE`` = 0.05; it stops when ``max |δ/x| <= 1e-6`` (over ``|x| > 1e-8``) and
  ``max |G| <= 1e-8``, failing after ``MAXITERS`` = 50 iterations.

So the numbers are NEURON's, tolerance quirks included (``sparse``'s absolute 1e-6 on ``Σ|δ|``
leaves a concentration of 1e-4 mM iterated hardly at all: NEURON's answer, reproduced).

Gradients: the iteration itself is not differentiated (a ``while_loop`` on stopped inputs);
the solution passes through a ``jax.custom_jvp`` whose value is the solution itself (no extra
work in a plain run) and whose derivative is the implicit-function theorem's
``−(∂G/∂x)⁻¹·∂G/∂θ`` with the exact Jacobian (n jvp's), so ``jax.grad`` goes through (this is
the derivative of the exact backward-Euler root; NEURON's iterate is within its tolerance of
it).  A single linear step (``linflag``) is differentiated directly.

Non-convergence is never silent.  derivimplicit: NEURON aborts the run (``abort_run``), so on
the host a :class:`~hocx.errors.NumericalError` names the mechanism and in compiled code the
failed instances' states become NaN.  sparse / STEADYSTATE sparse: NEURON ignores
``sparse_thread``'s EXCEED_ITERS and keeps the last iterate (nrn_state and INITIAL discard the
return value), so hocx keeps it too -- the numbers stay NEURON's -- and issues a
:class:`NewtonWarning` (from compiled code via a host callback run only when one failed).
"""
from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

from ..errors import NumericalError

#: scopmath errcodes.hpp
SPARSE_CONVERGE = 1e-6
SPARSE_MAXSTEPS = 20
NEWTON_CONVERGE = 1e-6
NEWTON_ZERO = 1e-8
NEWTON_STEP = 1e-6
NEWTON_MAXCHANGE = 0.05
NEWTON_MAXITERS = 50
#: compiled code solves systems up to this size by unrolled elimination
UNROLL_MAX = 10
#: _ss_sparse_thread: the "dt" of a steady state, and its one-step attempts
SS_DT = 1e9
SS_NIT = 7


def is_numpy(xp) -> bool:
    return getattr(xp, "__name__", "") == "numpy"


# ----------------------------------------------------------------------------- array helpers
def _stack(xp, vals, like):
    """A list of per-instance values (scalars allowed) as one (k, *inst) array."""
    shape = xp.shape(like)
    return xp.stack([xp.broadcast_to(xp.asarray(v, dtype=like.dtype if hasattr(like, "dtype")
                                                   else None), shape) for v in vals])


def _solve(xp, M, r):
    """Solve ``M·δ = r`` per instance: ``M`` (n, n, *inst), ``r`` (n, *inst)."""
    n = r.shape[0]
    if n == 1:
        return r / M[0]
    if not is_numpy(xp) and n <= UNROLL_MAX:
        return _solve_unrolled(xp, M, r)
    Mi = xp.moveaxis(M, (0, 1), (-2, -1))                  # (*inst, row, col)
    ri = xp.moveaxis(r, 0, -1)[..., None]
    d = xp.linalg.solve(Mi, ri)[..., 0]
    return xp.moveaxis(d, -1, 0)


def _solve_unrolled(xp, M, r):
    """Gaussian elimination with partial pivoting written out element by element, so XLA
    fuses it into one pass over the instances (a batched LAPACK call per step is far slower
    for the handful of unknowns a KINETIC block has)."""
    n = r.shape[0]
    A = [[M[i, j] for j in range(n)] for i in range(n)]
    b = [r[i] for i in range(n)]
    for k in range(n):
        if k < n - 1:
            piv = xp.argmax(xp.stack([xp.abs(A[i][k]) for i in range(k, n)]), axis=0) + k
            rowk, bk = A[k][k:], b[k]
            newk, nb = list(rowk), bk
            for i in range(k + 1, n):
                sel = piv == i
                newk = [xp.where(sel, A[i][k + j], newk[j]) for j in range(n - k)]
                nb = xp.where(sel, b[i], nb)
                A[i][k:] = [xp.where(sel, rowk[j], A[i][k + j]) for j in range(n - k)]
                b[i] = xp.where(sel, bk, b[i])
            A[k][k:], b[k] = newk, nb
        inv = 1.0 / A[k][k]
        for i in range(k + 1, n):
            f = A[i][k] * inv
            for j in range(k + 1, n):
                A[i][j] = A[i][j] - f * A[k][j]
            b[i] = b[i] - f * b[k]
    x = [None] * n
    for i in range(n - 1, -1, -1):
        acc = b[i]
        for j in range(i + 1, n):
            acc = acc - A[i][j] * x[j]
        x[i] = acc / A[i][i]
    return xp.stack(x)


def _stop(x):
    return jax.lax.stop_gradient(x)


def _stop_tree(tree):
    """stop_gradient on every traced leaf (others — floats, flags, callables — untouched)."""
    return jax.tree_util.tree_map(
        lambda a: jax.lax.stop_gradient(a) if isinstance(a, jax.core.Tracer) else a, tree)


def _jac_columns(G, x):
    """The exact ∂G/∂x per instance, (n, n, *inst), by n jvp's (G maps (n, *inst) to itself)."""
    n = x.shape[0]
    cols = []
    for j in range(n):
        e = jnp.zeros_like(x).at[j].set(1.0)
        cols.append(jax.jvp(G, (x,), (e,))[1])
    return jnp.stack(cols, axis=1)                          # [row, col]


def _implicit_grad(xp, resid, x_star, args):
    """``x*`` (a stopped Newton solution) carrying the implicit-function derivative of the root
    of ``resid(x, args)``: a ``jax.custom_jvp`` whose primal is ``x*`` itself (no extra work
    unless differentiated) and whose tangent is ``−(∂G/∂x)⁻¹·(∂G/∂args·d args)`` with the
    exact Jacobian.  Only jax arrays among ``args``' leaves are differentiated (flags, floats,
    callables stay static)."""
    leaves, tdef = jax.tree_util.tree_flatten(args)
    dyn = [i for i, a in enumerate(leaves) if isinstance(a, jax.Array)]

    def G(x, dvals):
        full = list(leaves)
        for i, val in zip(dyn, dvals):
            full[i] = val
        return resid(x, jax.tree_util.tree_unflatten(tdef, full))

    return _ift(G, _stop(x_star), tuple(leaves[i] for i in dyn))


@functools.partial(jax.custom_jvp, nondiff_argnums=(0,))
def _ift(G, x_star, dvals):
    return x_star


@_ift.defjvp
def _ift_jvp(G, primals, tangents):
    x_star, dvals = primals
    _, ddvals = tangents
    _, g_dot = jax.jvp(lambda dv: G(x_star, dv), (dvals,), (ddvals,))
    M = _jac_columns(lambda y: G(y, dvals), x_star)
    return x_star, -_solve(jnp, M, g_dot)


# ------------------------------------------------------------------------------- sparse
def kinetic_system(xp, kin, p, s, v, env, x, x0, dt):
    """nocmodl's matrix ``M`` (n, n, *inst) and right-hand side ``r`` (n, *inst) at iterate
    ``x`` for the step from ``x0``; plus the block's other assignments."""
    n = kin.size
    like = x[0]
    out = kin.system(xp, p, kin.scatter(xp, s, [x[i] for i in range(n)]), v, env)
    F = _stack(xp, out["_kF"], like)
    Jm = _stack(xp, out["_kJ"], like).reshape((n, n) + xp.shape(like))
    V = _stack(xp, out["_kV"], like)
    dtv = V / dt
    r = F - dtv * (x - x0)
    eye = xp.eye(n).reshape((n, n) + (1,) * len(xp.shape(like)))
    M = Jm + eye * dtv[None, :]
    nc = kin.ncons
    if nc:
        C = _stack(xp, out["_kC"][:nc], like)
        CJ = _stack(xp, out["_kCJ"][:nc * n], like).reshape((nc, n) + xp.shape(like))
        r = xp.concatenate([C, r[nc:]])
        M = xp.concatenate([CJ, M[nc:]])
    extras = {k: val for k, val in out.items() if not k.startswith("_k")}
    return M, r, extras


def _residual_args(xp, kin):
    def G(x, args):
        p, s, v, env, x0, dt = args
        M, r, _ = kinetic_system(xp, kin, p, s, v, env, x, x0, dt)
        return r
    return G


def sparse_newton(xp, kin, p, s, v, env, *, dt=None, linflag=None, x0=None, x=None,
                  where=""):
    """One ``sparse_thread`` call: returns ``(x, extras, ok)`` (x: (n, *inst) unknowns after
    the step, extras: the block's other assignments evaluated at x, ok: per-instance bool)."""
    dt = env["dt"] if dt is None else dt
    lin = kin.linflag if linflag is None else linflag
    if x0 is None:
        x0 = xp.stack(xp.broadcast_arrays(*[xp.asarray(e) for e in kin.gather(xp, s)]))
    x = x0 if x is None else x
    if lin:
        M, r, _ = kinetic_system(xp, kin, p, s, v, env, x, x0, dt)
        x = x + _solve(xp, M, r)
        _, _, extras = kinetic_system(xp, kin, p, s, v, env, x, x0, dt)
        ok = xp.isfinite(xp.sum(x, axis=0))
        return x, extras, ok
    if is_numpy(xp):
        x, ok = _sparse_iterate_np(kin, p, s, v, env, x, x0, dt)
    else:
        x, ok = _sparse_iterate_jax(kin, p, s, v, env, x, x0, dt)
        x = _implicit_grad(xp, _residual_args(xp, kin), x, (p, s, v, env, x0, dt))
    _, _, extras = kinetic_system(xp, kin, p, s, v, env, x, x0, dt)
    return x, extras, ok


def _sparse_update(xp, kin, p, s, v, env, x, x0, dt, active):
    M, r, _ = kinetic_system(xp, kin, p, s, v, env, x, x0, dt)
    d = _solve(xp, M, r)
    xn = x + d
    xn = xp.where(xn < 0.0, 0.0, xn)           # "stability of nonlinear kinetic schemes"
    err = xp.sum(xp.abs(d), axis=0)
    return xp.where(active, xn, x), err


def _sparse_iterate_np(kin, p, s, v, env, x, x0, dt):
    active = np.ones(np.shape(x[0]), dtype=bool)
    for j in range(SPARSE_MAXSTEPS + 2):
        x, err = _sparse_update(np, kin, p, s, v, env, x, x0, dt, active)
        active = active & ~(err <= SPARSE_CONVERGE)
        if not active.any():
            return x, np.ones_like(active)
    return x, ~active


def _sparse_iterate_jax(kin, p, s, v, env, x, x0, dt):
    p, s, v, env, x, x0, dt = _stop_tree((p, s, v, env, x, x0, dt))

    def cond(c):
        j, x, active = c
        return (j < SPARSE_MAXSTEPS + 2) & jnp.any(active)

    def body(c):
        j, x, active = c
        x, err = _sparse_update(jnp, kin, p, s, v, env, x, x0, dt, active)
        return j + 1, x, active & ~(err <= SPARSE_CONVERGE)

    active = jnp.ones(jnp.shape(x[0]), dtype=bool)
    _, x, active = jax.lax.while_loop(cond, body, (jnp.int32(0), x, active))
    return x, ~active


def sparse_steadystate(xp, kin, p, s, v, env):
    """``_ss_sparse_thread``: the scheme with dt = 1e9 (linear: iterated like a nonlinear
    one; nonlinear: up to 7 single steps until no state is below −1e-6, then iterated)."""
    env = {**env, "dt": SS_DT}
    x = xp.stack(xp.broadcast_arrays(*[xp.asarray(e) for e in kin.gather(xp, s)]))
    if kin.linflag:
        x, extras, ok = sparse_newton(xp, kin, p, s, v, env, dt=SS_DT, linflag=False, x0=x)
        return x, extras, ok
    pending = xp.ones(xp.shape(x[0]), dtype=bool)
    x_done = x
    for _ in range(SS_NIT):
        xs, _, _ = sparse_newton(xp, kin, p, s, v, env, dt=SS_DT, linflag=True, x0=x)
        bad = xp.any(xs < -1e-6, axis=0)
        xs = xp.where(xs < -1e-6, 0.0, xs)
        # instances that are fine go on to the full iteration from here
        newly = pending & ~bad
        x_done = xp.where(newly, xs, x_done)
        x = xp.where(pending, xs, x)
        pending = pending & bad
        if is_numpy(xp) and not pending.any():
            break
    xf, extras, ok = sparse_newton(xp, kin, p, s, v, env, dt=SS_DT, linflag=False, x0=x_done)
    # still negative after 7 attempts: NEURON keeps the (clipped) last attempt
    xf = xp.where(pending, x, xf)
    return xf, extras, ok & ~pending


# ----------------------------------------------------------------------------- derivimplicit
def implicit_residual(xp, deriv, names, p, s, v, env, x0, dt, unpack):
    """``G(x) = x'(x) − (x − x0)/dt`` (n, *inst) and the block's other assignments."""
    def G(x):
        d = deriv(xp, p, unpack(s, x), v, env)
        return _stack(xp, flatten(d, names), x[0]) - (x - x0) / dt, d
    return G


def flatten(d, names):
    """The values of ``names`` ((state, element or None), ...) from a dict of states."""
    return [d[n] if k is None else d[n][k] for n, k in names]


def implicit_newton(xp, deriv, names, p, s, v, env, unpack, *, dt=None):
    """derivimplicit's Newton solve for one step: ``(x, d_at_x, ok)``."""
    dt = env["dt"] if dt is None else dt
    x0 = xp.stack(xp.broadcast_arrays(*[xp.asarray(e) for e in flatten(s, names)]))
    G = implicit_residual(xp, deriv, names, p, s, v, env, x0, dt, unpack)
    if is_numpy(xp):
        x, ok = _newton_loop(np, lambda y: G(y)[0], x0, None)
    else:
        p2, s2, v2, env2, x02, dt2 = _stop_tree((p, s, v, env, x0, dt))
        G2 = implicit_residual(xp, deriv, names, p2, s2, v2, env2, x02, dt2, unpack)
        x, ok = _newton_loop(xp, lambda y: G2(y)[0], x02, "jax")
        x = _implicit_grad(xp, lambda y, a: implicit_residual(xp, deriv, names, *a, unpack)(y)[0],
                           x, (p, s, v, env, x0, dt))
    return x, G(x)[1], ok


def _fd_jacobian(xp, g, x):
    """scopmath's buildjacobian: central differences column by column; returns the Jacobian
    (n, n, *inst) and x as the perturbations leave it (``((x + h) − 2h) + h``)."""
    n = x.shape[0]
    cols = []
    for j in range(n):
        h = xp.maximum(xp.abs(0.02 * x[j]), NEWTON_STEP)
        xj = x[j] + h
        hi = g(_set_row(xp, x, j, xj))
        xj = xj - 2.0 * h
        lo = g(_set_row(xp, x, j, xj))
        cols.append((hi - lo) / (2.0 * h))
        x = _set_row(xp, x, j, xj + h)
    return xp.stack(cols, axis=1), x


def _set_row(xp, x, j, val):
    if is_numpy(xp):
        y = x.copy()
        y[j] = val
        return y
    return x.at[j].set(val)


def _newton_iter(xp, g, carry):
    """One iteration of nrn_newton_thread for every active instance."""
    count, x, value, jac, change, active, fail = carry
    rebuild = active & (change > NEWTON_MAXCHANGE)

    def build(x):
        Jn, xr = _fd_jacobian(xp, g, x)
        return Jn, xr, -g(xr)

    if is_numpy(xp):
        Jn, xr, vr = build(x) if rebuild.any() else (jac, x, value)
    else:       # the Jacobian only when an instance needs it (a real branch in a while)
        Jn, xr, vr = jax.lax.cond(jnp.any(rebuild), build, lambda x: (jac, x, value), x)
    jac = xp.where(rebuild[None, None], Jn, jac)
    x = xp.where(rebuild[None], xr, x)
    value = xp.where(rebuild[None], vr, value)
    d = _solve(xp, jac, value)
    rel = xp.where(xp.abs(x) > NEWTON_ZERO, xp.abs(d / xp.where(x == 0.0, 1.0, x)), 0.0)
    change_n = xp.max(rel, axis=0)
    xn = x + d
    vn = -g(xn)
    max_dev = xp.max(xp.abs(vn), axis=0)
    count = count + 1
    done = (change_n <= NEWTON_CONVERGE) & (max_dev <= NEWTON_ZERO)
    fail_n = ~done & (count >= NEWTON_MAXITERS)
    x = xp.where(active[None], xn, x)
    value = xp.where(active[None], vn, value)
    change = xp.where(active, change_n, change)
    fail = fail | (active & fail_n)
    active = active & ~done & ~fail_n
    return count, x, value, jac, change, active, fail


def _newton_loop(xp, g, x0, mode):
    inst = xp.shape(x0[0])
    n = x0.shape[0]
    carry = (0, x0, xp.zeros_like(x0), xp.zeros((n, n) + inst), xp.ones(inst),
             xp.ones(inst, dtype=bool), xp.zeros(inst, dtype=bool))
    if mode is None:
        while carry[5].any():
            carry = _newton_iter(np, g, carry)
        return carry[1], ~carry[6]
    carry = (jnp.int32(0),) + tuple(jnp.asarray(c) for c in carry[1:])
    carry = jax.lax.while_loop(lambda c: jnp.any(c[5]), lambda c: _newton_iter(jnp, g, c), carry)
    return carry[1], ~carry[6]


class NewtonWarning(UserWarning):
    """A sparse (KINETIC) Newton iteration stopped at its cap without converging."""


def _warn(what, bad):
    import warnings
    warnings.warn(f"{what}: the Newton iteration did not converge for {int(bad)} instance(s) "
                  f"in {SPARSE_MAXSTEPS + 2} steps; the last iterate is kept, as NEURON keeps it "
                  f"(silently)", NewtonWarning, stacklevel=2)


def warn_unconverged(xp, ok, what: str):
    """sparse_thread's EXCEED_ITERS: NEURON ignores it and keeps the last iterate, so the
    numbers stay NEURON's; hocx says so (a Python warning; from compiled code through a host
    callback that only runs when an instance failed)."""
    if is_numpy(xp):
        okv = np.asarray(ok)
        if not okv.all():
            _warn(what, (~okv).sum())
        return
    bad = jnp.sum(~ok)

    def host(n):                    # under vmap the cond becomes a select: check here too
        n = int(np.sum(np.asarray(n)))
        if n > 0:
            _warn(what, n)
    jax.lax.cond(bad > 0, lambda b: jax.debug.callback(host, b), lambda b: None, bad)


def check(ok, what: str):
    """Host side: raise when an instance did not converge (NEURON aborts the run)."""
    okv = np.asarray(ok)
    if not okv.all():
        bad = int((~okv).sum())
        raise NumericalError(f"{what}: the Newton iteration did not converge for {bad} "
                             f"instance(s)", hint="NEURON stops the run here too (EXCEED_ITERS); "
                             "a smaller dt or better initial values may help")
