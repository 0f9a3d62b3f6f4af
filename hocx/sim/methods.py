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

``derivimplicit`` (scopmath's Newton on the backward-Euler residual) is not implemented yet:
a spec asking for it is refused when it is stepped.
"""
from __future__ import annotations

from typing import Callable

from ..errors import ModelError
from ..spec import MechSpec

METHODS = ("cnexp", "euler")


def cnexp(xp, x, a, b, dt):
    """nocmodl's cnexp update of ``x' = a + b·x`` over ``dt``."""
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
            return {**s, **{k: cnexp(xp, s[k], a, b, env["dt"]) for k, (a, b) in ab.items()}}
        return step
    if mech.method == "euler":
        deriv = mech.derivative

        def step(xp, p, s, v, env):
            ds = deriv(xp, p, s, v, env)
            return {**s, **{k: euler(s[k], dx, env["dt"]) for k, dx in ds.items()}}
        return step
    raise ModelError(f"{mech.name}: METHOD {mech.method} is not supported by hocx yet",
                     hint="supported: " + ", ".join(METHODS))
