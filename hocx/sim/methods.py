"""The integration methods (``SOLVE ... METHOD``), owned by the integrator, not the mechanisms.

A mechanism gives its equations; the method turns them into the state update run after the
voltage solve, with the new v:

* ``cnexp``: for each state, the linear coefficients of ``x' = a + b·x`` (the spec's
  ``cnexp_coeffs``, as nocmodl derives them symbolically) and the update nocmodl writes,
  ``x + (1 − exp(dt·b))·(−a/b − x)`` — for hh's ``m' = (minf − m)/mtau`` that is
  ``a = minf/mtau``, ``b = (−1.0)/mtau``, the very expression
  ``m + (1. - exp(dt*((-1.0)/mtau)))*(-(minf/mtau)/((-1.0)/mtau) - m)`` nocmodl emits, so
  the round-off is NEURON's;
* ``euler``: ``x + dt·x'`` from the spec's ``derivative``;
* an explicit ``update`` (SOLVE of a PROCEDURE, or a hand-written step) is run as it is.

* ``derivimplicit``: backward Euler ``x = x0 + dt·x'(x)`` solved by scopmath's Newton
  (finite-difference Jacobian, its tolerances and iteration cap: :func:`hocx.sim.newton.implicit_newton`);
* ``sparse`` (KINETIC): backward Euler on the reaction system with COMPARTMENT volumes and
  CONSERVE rows, Newton with nocmodl's Jacobian, one step when the scheme is linear
  (:func:`hocx.sim.newton.sparse_newton`; the spec's ``kinetic``).

secondorder (``env["vfac"]`` = 2): derivimplicit, sparse and euler take dt/2 and then
``s += (dt/2)·s'`` as nocmodl's nrn_state does; cnexp ignores it.

:func:`stepper` gives the new states only; :func:`solver` gives ``(states, assigned)`` where
``assigned`` holds the other variables the block assigns (``influx`` of a DERIVATIVE,
``cai = ca[0]`` in a KINETIC block), evaluated at the new states as NEURON leaves them (the
block runs once more after the Newton solve).  Such a variable that is also carried in ``s``
comes back among the states with that value.
:func:`steadystate` is INITIAL's ``SOLVE scheme STEADYSTATE sparse``.

Non-convergence: derivimplicit raises :class:`~hocx.errors.NumericalError` on the host (numpy)
and gives NaN states in compiled code (jax) -- NEURON aborts the run; sparse keeps its last
iterate with a :class:`hocx.sim.newton.NewtonWarning` -- NEURON keeps it silently.
"""
from __future__ import annotations

from typing import Callable

from ..errors import ModelError
from ..spec import MechSpec, Role
from . import newton

METHODS = ("cnexp", "euler", "derivimplicit", "sparse")


def cnexp(xp, x, a, b, dt):
    """nocmodl's cnexp update of ``x' = a + b·x`` over ``dt``; ``b is None`` (x' does not
    involve x) is nocmodl's explicit ``x - dt*(-(a))``, which equals ``x + dt*a`` exactly."""
    if b is None:
        return x + dt * a
    return x + (1.0 - xp.exp(dt * b)) * (-a / b - x)


def euler(x, dx, dt):
    """Forward Euler: ``x + dt·x'``."""
    return x + dt * dx


def stepper(mech: MechSpec) -> Callable | None:
    """``f(xp, p, s, v, env) -> new states`` for ``mech`` (None: it has no states to step)."""
    if mech.update is not None:
        return mech.update
    if mech.method is None:
        return None
    if mech.method == "cnexp":
        coeffs = mech.cnexp_coeffs

        def step(xp, p, s, v, env):
            ab = coeffs(xp, p, s, v, env)
            # "_extra": carried ASSIGNED values the block computed (a translated mod's
            # ``mtau_cal``), kept with the states
            extra = ab.get("_extra", {})
            return {**s, **extra, **{k: cnexp(xp, s[k], c[0], c[1], env["dt"])
                                     for k, c in ab.items() if k != "_extra"}}
        return step
    if mech.method == "euler":
        deriv = mech.derivative

        def step(xp, p, s, v, env):
            so, h, envh = _half(env)
            ds = deriv(xp, p, s, v, envh)
            if so is None:
                return {**s, **{k: euler(s[k], dx, env["dt"]) for k, dx in ds.items()}}
            # secondorder: nocmodl's euler with dt/2, then s += (dt/2)·s' once more
            return {**s, **{k: xp.where(so > 0, euler(euler(s[k], dx, h), dx, h),
                                        euler(s[k], dx, env["dt"])) for k, dx in ds.items()}}
        return step
    if mech.method in ("derivimplicit", "sparse"):
        solve = solver(mech)

        def step(xp, p, s, v, env):
            return solve(xp, p, s, v, env)[0]
        return step
    raise ModelError(f"{mech.name}: METHOD {mech.method} is not supported by hocx yet",
                     hint="supported: " + ", ".join(METHODS))


def _half(env):
    """secondorder (``env["vfac"]`` = 2): nocmodl's nrn_state of derivimplicit / sparse /
    euler runs with ``dt *= 0.5`` and then adds ``dt·s'`` (the halved dt).  Returns
    (``vfac − 1`` or None without secondorder information, the halved dt, env with it)."""
    vfac = env.get("vfac")
    if vfac is None:
        return None, env["dt"], env
    h = env["dt"] / vfac
    return vfac - 1.0, h, {**env, "dt": h}


def _second_half(xp, so, h, x, dx):
    """``x + (dt/2)·dx`` where secondorder is on (``so`` = 1), else ``x`` itself."""
    return xp.where(so > 0, x + h * dx, x)


def _names(mech: MechSpec, keys) -> tuple:
    """The unknowns (state, element or None) of ``keys`` in order (ARRAY states expanded)."""
    sizes = {v.name: v.size for v in mech.of(Role.STATE)}
    out = []
    for k in keys:
        size = sizes.get(k, 1)
        out.extend([(k, None)] if size <= 1 else [(k, j) for j in range(size)])
    return tuple(out)


def _unpack(names):
    """``unpack(s, x)``: ``s`` with the unknowns ``names`` set from the rows of ``x``."""
    def unpack(s, x):
        out = dict(s)
        arrays: dict = {}
        for i, (n, k) in enumerate(names):
            if k is None:
                out[n] = x[i]
            else:
                arrays.setdefault(n, []).append(x[i])
        for n, rows in arrays.items():
            out[n] = rows if isinstance(s.get(n), list) else _stack_rows(x, rows)
        return out
    return unpack


def _stack_rows(x, rows):
    import numpy as np
    if isinstance(x, np.ndarray):
        return np.stack(rows)
    import jax.numpy as jnp
    return jnp.stack(rows)


def _fail_nan(xp, x, ok, where):
    """Host: raise on non-convergence; compiled: NaN for the failed instances."""
    if newton.is_numpy(xp):
        newton.check(ok, where)
        return x
    return xp.where(ok[None], x, xp.nan)


def solver(mech: MechSpec) -> Callable:
    """``f(xp, p, s, v, env) -> (new states, assigned)`` for METHOD derivimplicit / sparse."""
    if mech.method == "sparse":
        kin = mech.kinetic
        if kin is None:
            raise ModelError(f"{mech.name}: METHOD sparse needs the KINETIC system "
                             f"(spec.kinetic)")
        where = f"{mech.name}: KINETIC {kin.name} (METHOD sparse)"

        def solve(xp, p, s, v, env):
            so, h, env = _half(env)
            x, extras, ok = newton.sparse_newton(xp, kin, p, s, v, env)
            newton.warn_unconverged(xp, ok, where)
            if so is not None:      # sparse's Dstate (s − s_old)/dt, then s += dt·Dstate
                x0 = xp.stack(xp.broadcast_arrays(*[xp.asarray(e) for e in kin.gather(xp, s)]))
                x = _second_half(xp, so, h, x, (x - x0) / h)
            new = kin.scatter(xp, s, [x[i] for i in range(kin.size)])
            states = {k: new[k] for k in s}
            for k in kin.state_names:
                states[k] = new[k]
            # a variable the block assigns that the simulator carries in ``s`` (a written
            # concentration such as cashell's ``cai = ca[0]``) gets its value at the solution
            states.update({k: val for k, val in extras.items() if k in s})
            return states, extras
        return solve
    if mech.method == "derivimplicit":
        deriv = mech.derivative
        state_names = mech.states
        where = f"{mech.name}: DERIVATIVE (METHOD derivimplicit)"
        cache: dict = {}

        def solve(xp, p, s, v, env):
            if "names" not in cache:
                probe = deriv(xp, p, s, v, env)
                cache["names"] = _names(mech, [k for k in probe if k in state_names])
            names = cache["names"]
            unpack = _unpack(names)
            so, h, env = _half(env)
            x, d, ok = newton.implicit_newton(xp, deriv, names, p, s, v, env, unpack)
            x = _fail_nan(xp, x, ok, where)
            if so is not None:      # the block run once more at the solution gave s'
                dx = newton._stack(xp, newton.flatten(d, names), x[0])
                x = _second_half(xp, so, h, x, dx)
            new = unpack(s, x)
            states = {k: new[k] for k in s}
            extras = {k: val for k, val in d.items() if k not in state_names or k not in dict(names)}
            states.update({k: val for k, val in extras.items() if k in s})
            return states, extras
        return solve
    raise ModelError(f"{mech.name}: METHOD {mech.method} has no Newton solver")


def steadystate(mech: MechSpec) -> Callable:
    """INITIAL's ``SOLVE scheme STEADYSTATE sparse``: ``f(xp, p, s, v, env) -> {state: value}``
    (plus the block's other assignments), as ``_ss_sparse_thread`` (dt = 1e9)."""
    how = mech.initial_solve or "sparse"
    if how != "sparse":
        raise ModelError(f"{mech.name}: STEADYSTATE {how} is not supported by hocx yet",
                         hint="STEADYSTATE sparse (of a KINETIC block) is")
    kin = mech.kinetic
    if kin is None:
        raise ModelError(f"{mech.name}: STEADYSTATE sparse needs a KINETIC block")
    where = f"{mech.name}: SOLVE {kin.name} STEADYSTATE sparse"

    def ss(xp, p, s, v, env):
        x, extras, ok = newton.sparse_steadystate(xp, kin, p, s, v, env)
        newton.warn_unconverged(xp, ok, where)
        new = kin.scatter(xp, s, [x[i] for i in range(kin.size)])
        return {**{k: new[k] for k in kin.state_names}, **extras}
    return ss
