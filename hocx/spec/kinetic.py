"""What a KINETIC block gives the integrator's ``sparse`` method (layer 1: plain data + a pure ``xp`` function).

``SOLVE scheme METHOD sparse`` (and ``SOLVE scheme STEADYSTATE sparse`` in INITIAL) is solved by
:mod:`hocx.sim.methods` as nocmodl + scopmath's ``sparse_thread`` do: backward Euler on the
reaction system, solved by Newton's method with nocmodl's own (approximate) Jacobian.  Per
instance, with ``x`` the unknowns (:attr:`KineticSpec.unknowns`) and ``x0`` their values at the
start of the step, each Newton iteration solves ``M·δ = r`` and sets ``x += δ`` where::

    rows i >= ncons:  M = diag(V/dt) + J          r = F - V·(x - x0)/dt
    rows i <  ncons:  M[i] = CJ[i]                r[i] = C[i]      (CONSERVE row replaced)

``system(xp, p, s, v, env) -> dict`` evaluates the block at the states in ``s`` (the current
iterate; an ARRAY state is stacked, index on the leading axis, as everywhere in ``s``) and
returns, as lists of per-instance values (or scalars):

* ``"_kF"`` (n): the flux into each unknown (``vol·dx/dt = F``; nocmodl's ``_RHS`` terms);
* ``"_kJ"`` (n·n, row-major): nocmodl's ``_MATELM`` terms (−∂F/∂x with the rates frozen;
  a ``<<`` flux contributes nothing, even when it depends on a state);
* ``"_kV"`` (n): COMPARTMENT volumes (1 where none);
* ``"_kC"`` (ncons): each CONSERVE row's right-hand side ``total − Σ stoich·vol·x``;
* ``"_kCJ"`` (ncons·n, row-major): that row's matrix ``stoich·vol`` in its states' columns;
* any other variable the block assigns (``cai = ca[0]``): the stepper returns those too,
  evaluated once more at the solution, as NEURON calls the block again after converging.

:func:`hocx.interp.nmodl.kinetic.rewrite` produces the statements computing exactly these
(and the layout below); the translator compiles them into ``system``.  ``linflag``
(nocmodl's ``_linmat``): a scheme whose reactions are all first order takes ONE Newton step
(exact for a linear system, no clipping); otherwise it iterates until ``Σ|δ| <= 1e-6``,
clipping negative states to 0, at most 22 solves; at that cap NEURON keeps the last iterate
silently, hocx keeps it with a warning (see :mod:`hocx.sim.newton`).

``MechSpec.derivative`` of a KINETIC mechanism gives ``F/V`` per state (CONSERVE ignored, as
nocmodl's CVode form does); :func:`derivative_of` builds it from a KineticSpec.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

#: one unknown of the sparse system: (state name, element index or None for a scalar state)
Unknown = tuple

#: the keys ``system`` returns besides the block's own assignments
SYSTEM_KEYS = ("_kF", "_kJ", "_kV", "_kC", "_kCJ")


@dataclass(frozen=True)
class KineticSpec:
    """One KINETIC block as the sparse solver sees it (see the module docstring)."""

    #: the unknowns in nocmodl's equation order (CONSERVE rows first); an ARRAY state
    #: appears once per element, ``("ca", 0), ("ca", 1), ...``; a scalar as ``("B", None)``
    unknowns: tuple
    #: ``system(xp, p, s, v, env) -> {"_kF": [...], "_kJ": [...], "_kV": [...], "_kC": [...],
    #: "_kCJ": [...], other assigned: value}``
    system: Callable[..., dict]
    #: number of CONSERVE rows (rows 0..ncons-1)
    ncons: int = 0
    #: nocmodl's linflag: a linear scheme takes one Newton step
    linflag: bool = False
    #: the KINETIC block's name (messages)
    name: str = ""

    @property
    def size(self) -> int:
        return len(self.unknowns)

    @property
    def state_names(self) -> tuple:
        """The distinct state names, in unknowns order."""
        out: list = []
        for name, _ in self.unknowns:
            if name not in out:
                out.append(name)
        return tuple(out)

    def gather(self, xp, s: dict) -> list:
        """The unknowns' values from ``s`` (list of per-instance arrays)."""
        return [s[name] if k is None else s[name][k] for name, k in self.unknowns]

    def scatter(self, xp, s: dict, x) -> dict:
        """``s`` with the unknowns set from ``x`` (a sequence, unknowns order)."""
        out = dict(s)
        arrays: dict = {}
        for (name, k), val in zip(self.unknowns, x):
            if k is None:
                out[name] = val
            else:
                arrays.setdefault(name, {})[k] = val
        for name, elems in arrays.items():
            old = s.get(name)
            size = max(elems) + 1 if old is None else len(old)
            vals = [elems[k] if k in elems else old[k] for k in range(size)]
            out[name] = xp.stack([xp.asarray(e) for e in xp.broadcast_arrays(*vals)]) \
                if hasattr(xp, "broadcast_arrays") else xp.stack(vals)
        return out


def derivative_of(kin: KineticSpec) -> Callable[..., dict]:
    """``derivative(xp, p, s, v, env) -> {state: dx/dt}`` = F/V (array states stacked)."""

    def derivative(xp, p, s, v, env):
        sysv = kin.system(xp, p, s, v, env)
        d = [f / vol for f, vol in zip(sysv["_kF"], sysv["_kV"])]
        return {k: val for k, val in kin.scatter(xp, {}, d).items()}
    return derivative

