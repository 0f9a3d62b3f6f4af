"""The fixed step, written once: every layout of node arrays runs this same code.

:func:`advance` is one fadvance (numerics.md §5) operation by operation:
``t += dt/2`` · currents at the mid-step time with the 0.001 mV secant conductance ·
capacitance and axial terms · tree solve · ``v += Δv`` (``2Δv`` when ``secondorder`` ≥ 1) ·
``t += dt/2`` · states with the new v (by the mechanism's method, :mod:`hocx.sim.methods`) ·
``after_solve`` · and :func:`record` gathers one
record row.  Both a single run (:class:`hocx.sim.integrator.Program`: node arrays ``(n,)``,
index arrays passed as traced arguments) and a sweep (:class:`hocx.train.batched.BatchedRun`:
node arrays ``(n, K)`` with the run index trailing, index arrays static) call it; what differs
between them is only a :class:`Layout` — a handful of array operations (gather rows, add the
children's terms, solve the tree, broadcast a value to its rows).  Events (NetCons) are
applied by the caller before :func:`advance`.
"""
from __future__ import annotations

from typing import Any, Protocol

import jax.numpy as jnp

from ..spec import Kind
from . import methods


def with_pointers(p: dict, pointers: dict, v):
    """``p`` plus the value each POINTER variable points at (``vpre`` = v of its node)."""
    if not pointers:
        return p
    return {**p, **{name: v[idx] for name, idx in pointers.items()}}


def mech_env(E: dict, mech, usetable: bool) -> dict:
    """What ``mech``'s functions read in ``env``: ``dt``, the tables it declares (built by
    :func:`hocx.sim.integrator.env_values`) and its static flags (``usetable``)."""
    flags = {name: bool(usetable) for name, _, _ in mech.flags}
    return {"dt": E["dt"], **E["tables"].get(mech.name, {}), **flags}


class Layout(Protocol):
    """The array operations that differ between node layouts.

    ``nodes``, ``inv``, ``ptr``: per block, its node indices, the inverse map of a density
    block (node → instance, ``count`` where none) and its POINTER indices."""

    nodes: list
    inv: list
    ptr: list

    def take(self, x, idx):
        """``x[idx]`` where ``idx`` may hold ``len(x)``, which reads a row of zeros."""

    def fit(self, x, shape):
        """``x`` as the rows ``shape`` of a node-shaped array (broadcast where needed)."""

    def axial(self, x, contrib):
        """``x`` plus each node's children's ``contrib``, children in increasing order."""

    def solve(self, d, rhs, a, b):
        """Δv of the tree system (diagonal ``d``, right-hand side ``rhs``)."""


def currents(lay: Layout, mechs, usetable: bool, v, S, t, P):
    """rhs and d contributions of every mechanism (numerics.md §4.2 steps 1–2, 4), and the
    assigned values each block reports."""
    rhs = jnp.zeros_like(v)
    d = jnp.zeros_like(v)
    A = []
    for bi, mech in enumerate(mechs):
        nodes = lay.nodes[bi]
        menv = mech_env(P, mech, usetable)
        p, s = with_pointers(P["blocks"][bi], lay.ptr[bi], v), S[bi]
        vi = v[nodes]
        i1, _ = mech.current(jnp, p, s, vi + 0.001, t, menv)
        i0, asg = mech.current(jnp, p, s, vi, t, menv)
        g = (i1 - i0) / 0.001
        A.append({k: lay.fit(x, vi.shape) for k, x in asg.items()})
        if mech.kind is Kind.DENSITY:    # at most one instance per node: gather, no scatter
            inv = lay.inv[bi]
            rhs = rhs - lay.take(lay.fit(i0, vi.shape), inv)
            d = d + lay.take(lay.fit(g, vi.shape), inv)
        else:
            fac = P["pfac"][nodes]
            if mech.electrode:
                rhs = rhs.at[nodes].add(i0 * fac)
                d = d.at[nodes].add(-(g * fac))
            else:
                rhs = rhs.at[nodes].add(-(i0 * fac))
                d = d.at[nodes].add(g * fac)
    return rhs, d, A


def advance(lay: Layout, mechs, usetable: bool, v, S, t, P, parent):
    """One fadvance from (v, states ``S``, t): returns (v, states, t, assigned)."""
    h = 0.5 * P["dt"]
    t = t + h
    rhs, d, A = currents(lay, mechs, usetable, v, S, t, P)
    # axial terms, node i then its children in increasing order, as NEURON's loop does
    a, b = P["a"], P["b"]
    dv = v[parent] - v
    rhs = rhs - b * dv
    d = d + P["cfac"] * P["cap"]
    d = d - b
    rhs = lay.axial(rhs, a * dv)
    d = lay.axial(d, -a)
    v = v + P["vfac"] * lay.solve(d, rhs, a, b)
    t = t + h
    S2 = []
    for bi, mech in enumerate(mechs):
        vi = v[lay.nodes[bi]]
        menv = mech_env(P, mech, usetable)
        update = methods.stepper(mech)
        if update is None:
            S2.append(S[bi])
        else:
            p = with_pointers(P["blocks"][bi], lay.ptr[bi], v)
            S2.append({k: lay.fit(x, vi.shape)
                       for k, x in update(jnp, p, S[bi], vi, menv).items()})
        if mech.after_solve is not None:
            upd = {k: lay.fit(x, vi.shape) for k, x in mech.after_solve(
                jnp, P["blocks"][bi], S2[bi], A[bi], vi, {**menv, "t": t}).items()}
            S2[bi] = {**S2[bi], **{k: x for k, x in upd.items() if k in mech.states}}
            A[bi] = {**A[bi], **{k: x for k, x in upd.items() if k not in mech.states}}
    return v, S2, t, A


def record(lay: Layout, groups, rec, perm, v, t, S, A, P) -> Any:
    """One record row: each source group gathered by one index array, then permuted."""
    parts = []
    for (kind, blk, var), idx in zip(groups, rec):
        if kind == "t":
            x = jnp.broadcast_to(t, idx.shape + v.shape[1:])
        elif kind == "v":
            x = v[idx]
        elif kind == "state":
            x = S[blk][var][idx]
        elif kind == "assigned":
            x = A[blk][var][idx]
        else:  # param
            x = P["blocks"][blk][var][idx]
        parts.append(lay.fit(x, idx.shape + v.shape[1:]))
    if not parts:
        return jnp.zeros((0,) + v.shape[1:])
    return jnp.concatenate(parts)[perm]
