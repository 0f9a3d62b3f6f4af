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
from . import ions, methods
from .pointers import PointerSource, reader as pointer_reader


def with_pointers(p: dict, pointers: dict, v, read=None):
    """``p`` plus the value each POINTER variable points at (``vpre`` = v of its node; any
    other target through ``read``, :mod:`hocx.sim.pointers`)."""
    if not pointers:
        return p
    return {**p, **{name: idx.values(v, p, read) if isinstance(idx, PointerSource) else v[idx]
                    for name, idx in pointers.items()}}


def pointer_state_reader(P, S, ION, bi, S2=None):
    """The POINTER reader of block ``bi`` in a pass: an ion's running value where the pass has
    one, the new state of a block before ``bi`` in type order when ``S2`` (the states the pass
    already produced) is given, else the state the pass started from."""
    def pick(b, var):
        ion = ION.get(b)
        if ion is not None and var.split("[")[0] in ion:
            return ion
        if S2 is not None and b < bi and S2[b] is not None:
            return S2[b]
        return S[b]
    return pointer_reader(P, pick)


#: the static flag (in ``usetable``'s flag tuple) that says secondorder = 2
SECONDORDER2 = "secondorder"


def second_order_two(usetable) -> bool:
    """Whether the static flags say secondorder = 2 (the ion current correction)."""
    return isinstance(usetable, (tuple, list)) and dict(usetable).get(SECONDORDER2) == 2.0


def mech_env(E: dict, mech, usetable) -> dict:
    """What ``mech``'s functions read in ``env``: ``dt``, ``celsius``, the tables it declares
    (built by :func:`hocx.sim.integrator.env_values`) and its static flags.  ``usetable``:
    a bool (every flag takes it: arrays lowered without a session) or the flags' values by
    HOC name (``(("usetable_hh", 1.0), ...)``, part of the structure key)."""
    if isinstance(usetable, (tuple, list)):
        vals = dict(usetable)
        flags = {name: bool(vals.get(hoc, default)) for name, hoc, default in mech.flags}
    else:
        flags = {name: bool(usetable) for name, _, _ in mech.flags}
    env = {"dt": E["dt"], **E["tables"].get(mech.name, {}), **flags}
    if "celsius" in E:
        env["celsius"] = E["celsius"]
    if "vfac" in E:     # 2 with secondorder: derivimplicit/sparse/euler take two half steps
        env["vfac"] = E["vfac"]
    return env


class Layout(Protocol):
    """The array operations that differ between node layouts.

    ``nodes``, ``inv``, ``ptr``: per block, its node indices, the inverse map of a density
    block (node → instance, ``count`` where none) and its POINTER indices; ``links`` (static)
    and ``ions`` (index arrays): per block, how it meets the ion blocks
    (:func:`hocx.sim.ions.plan`)."""

    nodes: list
    inv: list
    ptr: list
    links: list
    ions: list

    def take(self, x, idx):
        """``x[idx]`` where ``idx`` may hold ``len(x)``, which reads a row of zeros."""

    def fit(self, x, shape):
        """``x`` as the rows ``shape`` of a node-shaped array (broadcast where needed)."""

    def axial(self, x, contrib):
        """``x`` plus each node's children's ``contrib``, children in increasing order."""

    def solve(self, d, rhs, a, b):
        """Δv of the tree system (diagonal ``d``, right-hand side ``rhs``)."""


def _links(lay, bi):
    links = getattr(lay, "links", None)
    if not links:
        return (), ()
    return links[bi], lay.ions[bi]


def _ion_values(mech, S_bi, A_bi=None) -> dict:
    vals = dict(S_bi)
    for k in mech.assigned:
        if A_bi is not None and k in A_bi:
            vals[k] = A_bi[k]
    return vals


def _pfac(P, nodes):
    return P["pfac"][nodes]


def current_pass(lay: Layout, mechs, usetable, v, S, t, P):
    """nrn_rhs: every mechanism's current in type order (numerics.md §4.2 steps 1–2, 4), the
    ions zeroed / Nernst-advanced first and summing their writers.  Returns (rhs, d, assigned
    per block, states per block with the ions' new values, the ions' running values)."""
    rhs = jnp.zeros_like(v)
    d = jnp.zeros_like(v)
    A = []
    S = list(S)
    ION = {}
    for bi, mech in enumerate(mechs):
        nodes = lay.nodes[bi]
        vi = v[nodes]
        if mech.kind is Kind.ION:
            ION[bi] = {k: lay.fit(x, vi.shape) for k, x in ions.ion_cur(
                jnp, mech, S[bi], P["blocks"][bi], P).items()}
            A.append({})
            continue
        if mech.current is None:         # an ARTIFICIAL_CELL: no current, no node of its own
            A.append({})
            continue
        menv = mech_env(P, mech, usetable)
        links, arrs = _links(lay, bi)
        p, s = with_pointers(P["blocks"][bi], lay.ptr[bi], v, pointer_state_reader(P, S, ION, bi)), S[bi]
        p, s = ions.read(lay, links, arrs, ION, p, s)
        i1, asg1 = mech.current(jnp, p, s, vi + 0.001, t, menv)
        i0, asg = mech.current(jnp, p, s, vi, t, menv)
        g = (i1 - i0) / 0.001
        A.append({k: _fit_state(lay, x, vi.shape) for k, x in asg.items()})
        if links:
            pf = _pfac(P, nodes) if mech.kind is not Kind.DENSITY else None
            ION = ions.add_currents(lay, links, arrs, ION, asg, vi.shape, pf,
                                    asg1 if second_order_two(usetable) else None)
            ION, _ = ions.store(lay, links, arrs, ION, asg, vi.shape, "assigned")
            if any(link.conc_states for link in links):
                S[bi] = {**S[bi], **{c: s[c] for link in links for c in link.conc_states}}
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
    for bi, mech in enumerate(mechs):
        if mech.kind is Kind.ION:
            S[bi], A[bi] = _split_ion(mech, ION[bi])
    return rhs, d, A, S, ION


def second_order_cur(lay, mechs, ION, A, delta):
    """secondorder = 2 (eion.cpp's second_order_cur): every ion's total current
    ``iX += diX/dv · Δv`` with the Δv of the solve (before v += 2Δv); the state update and the
    recorded ``iX`` see the corrected value."""
    ION, A = dict(ION), list(A)
    for bi, mech in enumerate(mechs):
        if mech.kind is not Kind.ION or bi not in ION:
            continue
        vals = dict(ION[bi])
        for cur in [k for k in vals if ions.is_didv(k)]:
            c = ions.didv_of(cur)
            vals[c] = vals[c] + vals[cur] * lay.fit(delta[lay.nodes[bi]], vals[c].shape)
            A[bi] = {**A[bi], c: vals[c]}
        ION[bi] = vals
    return ION, A


def _fit_state(lay, x, shape):
    """``lay.fit`` for a state or assigned value; an ARRAY variable (element index leading,
    ``(size,) + shape``) is broadcast element by element."""
    if getattr(x, "ndim", 0) == len(shape) + 1:
        return jnp.broadcast_to(x, x.shape[:1] + tuple(shape))
    return lay.fit(x, shape)


def _split_ion(mech, vals):
    return ({k: vals[k] for k in mech.states}, {k: vals[k] for k in mech.assigned})


def currents(lay: Layout, mechs, usetable, v, S, t, P):
    """rhs and d contributions of every mechanism, and the assigned values each block reports."""
    rhs, d, A, _, _ = current_pass(lay, mechs, usetable, v, S, t, P)
    return rhs, d, A


def advance(lay: Layout, mechs, usetable, v, S, t, P, parent):
    """One fadvance from (v, states ``S``, t): returns (v, states, t, assigned)."""
    h = 0.5 * P["dt"]
    t = t + h
    rhs, d, A, S, ION = current_pass(lay, mechs, usetable, v, S, t, P)
    # axial terms, node i then its children in increasing order, as NEURON's loop does
    a, b = P["a"], P["b"]
    dv = v[parent] - v
    rhs = rhs - b * dv
    d = d + P["cfac"] * P["cap"]
    d = d - b
    rhs = lay.axial(rhs, a * dv)
    d = lay.axial(d, -a)
    delta = lay.solve(d, rhs, a, b)
    if second_order_two(usetable):
        ION, A = second_order_cur(lay, mechs, ION, A, delta)
    v = v + P["vfac"] * delta
    t = t + h
    S2 = []
    for bi, mech in enumerate(mechs):
        vi = v[lay.nodes[bi]]
        if mech.kind is Kind.ION:
            S2.append(None)                 # filled from the ion's values after every user ran
            continue
        menv = mech_env(P, mech, usetable)
        update = methods.stepper(mech)
        links, arrs = _links(lay, bi)
        if update is None:
            S2.append(S[bi])
        else:
            p = with_pointers(P["blocks"][bi], lay.ptr[bi], v, pointer_state_reader(P, S, ION, bi, S2))
            # a carried ASSIGNED that BREAKPOINT set this step reaches SOLVE with that value
            # (cabpump's ica_pmp_last), as NEURON's nrn_state reads it after nrn_cur
            carried = {k: A[bi][k] for k in S[bi] if k in A[bi]}
            p, s = ions.read(lay, links, arrs, ION, p, {**S[bi], **carried}, concs_in_s=True)
            new = update(jnp, p, s, vi, menv)
            if links:
                ION, _ = ions.store(lay, links, arrs, ION, new, vi.shape, "states")
            # the carry keeps its own keys (a written concentration lives in the ion)
            S2.append({k: _fit_state(lay, x, vi.shape) for k, x in new.items() if k in S[bi]})
        if mech.after_solve is not None:
            # the same p the state update saw (ion values such as cad's ica, POINTERs)
            pa = with_pointers(P["blocks"][bi], lay.ptr[bi], v, pointer_state_reader(P, S, ION, bi, S2))
            pa, _ = ions.read(lay, links, arrs, ION, pa, S2[bi])
            upd = {k: _fit_state(lay, x, vi.shape) for k, x in mech.after_solve(
                jnp, pa, S2[bi], A[bi], vi, {**menv, "t": t}).items()}
            S2[bi] = {**S2[bi], **{k: x for k, x in upd.items() if k in mech.states}}
            A[bi] = {**A[bi], **{k: x for k, x in upd.items() if k not in mech.states}}
    for bi, mech in enumerate(mechs):
        if mech.kind is Kind.ION:
            S2[bi], _ = _split_ion(mech, ION[bi])
    return v, S2, t, A


def initialize(lay: Layout, mechs, usetable, v, S0, P, steadystate=None):
    """The INITIAL pass of finitialize in type order (ion_init of each ion, then its users'
    INITIAL blocks with their READ values from the ions and their written concentrations
    stored back, nrn_wrote_conc).  ``S0``: the states as they stand (ion e/ci/co, a mechanism's
    STATE defaults).  Returns the states per block."""
    S = []
    ION = {}
    for bi, mech in enumerate(mechs):
        nodes = lay.nodes[bi]
        vi = v[nodes]
        if mech.kind is Kind.ION:
            ION[bi] = {k: lay.fit(x, vi.shape) for k, x in ions.ion_init(
                jnp, mech, S0[bi], P["blocks"][bi], P, bi).items()}
            S.append(None)
            continue
        if mech.initial is None:
            S.append({k: x for k, x in S0[bi].items() if k in mech.states})
            continue
        menv = mech_env(P, mech, usetable)
        if steadystate is not None and getattr(mech, "initial_solve", None):
            menv["steadystate"] = steadystate(mech)
        links, arrs = _links(lay, bi)
        p = with_pointers(P["blocks"][bi], lay.ptr[bi], v, pointer_state_reader(P, S0, ION, bi, S))
        p, s0 = ions.read(lay, links, arrs, ION, p, S0[bi])
        out = mech.initial(jnp, p, s0, vi, menv)
        out = {k: _fit_state(lay, x, vi.shape) for k, x in out.items()}
        st = {**{k: _fit_state(lay, x, vi.shape) for k, x in s0.items() if k in mech.states}, **out}
        if links:
            written = {**out}
            ION, touched = ions.store(lay, links, arrs, ION, written, vi.shape, "states")
            ION2, touched2 = ions.store(lay, links, arrs, ION, written, vi.shape, "assigned")
            ION = ION2
            for ib in set(touched) | set(touched2):
                m = touched.get(ib)
                m2 = touched2.get(ib)
                mask = m if m2 is None else (m2 if m is None else (m | m2))
                ION[ib] = ions.wrote_conc(jnp, mechs[ib], ION[ib], P["blocks"][ib], P,
                                          ions._bcast(mask, ION[ib][next(iter(ION[ib]))]))
        S.append(st)
    for bi, mech in enumerate(mechs):
        if mech.kind is Kind.ION:
            S[bi] = {k: ION[bi][k] for k in mech.states}
    return S


def element(d: dict, var: str):
    """``d[var]``; ``"ca[2]"`` is element 2 of the ARRAY variable ``ca`` (index leading)."""
    if var.endswith("]") and "[" in var and var not in d:
        name, j = var[:-1].split("[")
        return d[name][int(j)]
    return d[var]


def record(lay: Layout, groups, rec, perm, v, t, S, A, P) -> Any:
    """One record row: each source group gathered by one index array, then permuted."""
    parts = []
    for (kind, blk, var), idx in zip(groups, rec):
        if kind == "t":
            x = jnp.broadcast_to(t, idx.shape + v.shape[1:])
        elif kind == "v":
            x = v[idx]
        elif kind == "state":
            x = element(S[blk], var)[idx]
        elif kind == "assigned":
            x = element(A[blk], var)[idx]
        else:  # param
            x = P["blocks"][blk][var][idx]
        parts.append(lay.fit(x, idx.shape + v.shape[1:]))
    if not parts:
        return jnp.zeros((0,) + v.shape[1:])
    return jnp.concatenate(parts)[perm]
