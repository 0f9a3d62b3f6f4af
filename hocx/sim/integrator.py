"""The NEURON-exact fixed step, compiled once per structure and reused chunk after chunk.

One step follows numerics.md §5 operation by operation:
``t += dt/2`` · currents at the mid-step time with the 0.001 mV secant conductance ·
capacitance and axial terms · level-parallel Hines solve · ``v += Δv`` (``2Δv`` when
``secondorder`` ≥ 1) · ``t += dt/2`` · states with the new v (cnexp as nocmodl writes
it) · recording.  :class:`Program` holds the compiled ``run_chunk(state, params, n)``: a
loop of ``n`` steps (``n`` is traced, at most the chunk size ``K``) writing each step's record
row into (K, ...) buffers, so any number of steps, any tstop and any parameter values reuse
one compile, chunk after chunk.  (A fixed-length ``lax.scan`` with a per-step ``lax.cond`` for
the unused tail did the same but measured 1.7× slower per step on CPU.)

The host side (:func:`initial_states`, :func:`currents`) runs the same mechanism code with
NumPy, so ``finitialize`` and ``fcurrent`` need no compile.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import jax
import jax.numpy as jnp
from jax import lax

from . import events
from .lower import Lowered
from .mechanisms import hh as hh_mech
from .solver import TreeSolver, tree_levels

#: |v| above this (mV), or NaN, stops a run with a NumericalError.
RUNAWAY_MV = 1e4


@dataclass(frozen=True)
class Env:
    """Step-wide simulator globals."""

    dt: float = 0.025
    celsius: float = 6.3
    secondorder: int = 0
    usetable: bool = True


_TABLE_CACHE: dict[float, np.ndarray] = {}


def hh_table(celsius: float) -> np.ndarray:
    """hh's rate table for ``celsius`` (rebuilt only when celsius changes)."""
    tab = _TABLE_CACHE.get(celsius)
    if tab is None:
        if len(_TABLE_CACHE) > 16:
            _TABLE_CACHE.clear()
        tab = _TABLE_CACHE[celsius] = hh_mech.lookup_table(hh_mech.build_table(celsius))
    return tab


def env_values(env: Env) -> dict[str, Any]:
    """The per-run scalars and tables the step reads (all are traced values, not constants)."""
    cj = (2.0 / env.dt) if env.secondorder else (1.0 / env.dt)
    return {
        "dt": float(env.dt),
        "cfac": 0.001 * cj,
        "vfac": 2.0 if env.secondorder else 1.0,
        "q10": hh_mech.q10_factor(env.celsius),
        "hh_table": hh_table(env.celsius),
    }


def mech_env(E: dict, usetable: bool) -> dict:
    return {"dt": E["dt"], "q10": E["q10"], "hh_table": E["hh_table"], "usetable": usetable}


# ---------------------------------------------------------------------------------------
# host side (NumPy): finitialize and fcurrent


def with_pointers(p: dict, pointers: dict, v):
    """``p`` plus the value each POINTER variable points at (``vpre`` = v of its node)."""
    if not pointers:
        return p
    return {**p, **{name: v[idx] for name, idx in pointers.items()}}


def initial_states(low: Lowered, v: np.ndarray, env: Env) -> list[dict[str, np.ndarray]]:
    """INITIAL blocks in type order at voltage ``v``; returns states per block."""
    menv = mech_env(env_values(env), env.usetable)
    out = []
    for blk in low.blocks:
        if blk.mech.initial is None:
            out.append({})
        else:
            p = with_pointers(blk.params, blk.pointers, v)
            out.append(blk.mech.initial(np, p, v[blk.nodes], menv))
    return out


def currents(low: Lowered, v: np.ndarray, states: list[dict], t: float, env: Env) -> list[dict]:
    """Evaluate every mechanism's BREAKPOINT at ``v`` and time ``t`` (what fcurrent fills in)."""
    menv = mech_env(env_values(env), env.usetable)
    out = []
    for blk, s in zip(low.blocks, states):
        p = with_pointers(blk.params, blk.pointers, v)
        total, asg = blk.mech.current(np, p, s, v[blk.nodes], t, menv)
        out.append({k: np.asarray(x, dtype=np.float64) for k, x in asg.items()})
    return out


# ---------------------------------------------------------------------------------------
# the compiled step


def pack_params(low: Lowered, env: Env) -> dict:
    """Everything a step reads that is a value (not structure)."""
    P = {
        "a": low.a,
        "b": low.b,
        "cap": np.where(low.has_cap, low.cm, 0.0),
        "pfac": 1.0e2 / low.area,
        "blocks": [dict(b.params) for b in low.blocks],
        **env_values(env),
    }
    if low.net is not None:
        P["net"] = low.net.values()
    return jax.tree_util.tree_map(jnp.asarray, P)


def pack_state(v: np.ndarray, states: list[dict], t: float, assigned: list[dict],
               net_state: dict | None = None) -> dict:
    """The integrator's carry: node v, states and last assigned values per block, and t
    (plus the event state ``q``, ``qi``, ``ep``, ``flags`` of a model with NetCons)."""
    st = {
        "v": jnp.asarray(np.asarray(v, dtype=np.float64)),
        "s": [{k: jnp.asarray(x) for k, x in s.items()} for s in states],
        "a": [{k: jnp.asarray(np.asarray(x, dtype=np.float64)) for k, x in a.items()} for a in assigned],
        "t": jnp.asarray(float(t), dtype=jnp.float64),
    }
    if net_state is not None:
        st.update({k: jnp.asarray(x) for k, x in net_state.items()})
    return st


def children_table(parent: np.ndarray) -> np.ndarray:
    """(n, C) children of each node in increasing order, padded with n."""
    n = len(parent)
    nchild = np.bincount(parent[parent >= 0], minlength=n)
    C = max(int(nchild.max()) if n else 0, 1)
    tab = np.full((n, C), n, dtype=np.int64)
    fill = np.zeros(n, dtype=np.int64)
    for i in range(n):
        p = parent[i]
        if p >= 0:
            tab[p, fill[p]] = i
            fill[p] += 1
    return tab


def _gather_add(x, contrib, table):
    """x + contributions gathered through ``table`` (pad index = len(contrib) → 0)."""
    cz = jnp.concatenate([contrib, jnp.zeros((1,), contrib.dtype)])
    for c in range(table.shape[1]):
        x = x + cz[table[:, c]]
    return x


@dataclass(frozen=True)
class RecSource:
    """Where one recorded quantity comes from: ("t",), ("v", node),
    ("state"|"assigned"|"param", block index, var, instance)."""

    kind: str
    block: int = -1
    var: str = ""
    index: int = 0


class Program:
    """The compiled integrator for one structure key."""

    #: above this many children per node the axial sums use a scatter instead of a gather table
    MAX_GATHER_CHILDREN = 8

    def __init__(self, low: Lowered, record: tuple[RecSource, ...], usetable: bool, chunk: int):
        self.n = n = low.n
        self.chunk = int(chunk)
        self.usetable = bool(usetable)
        self.record = tuple(record)
        lev = tree_levels(low.parent)
        self.solver = TreeSolver(lev)
        self.depth = lev.depth
        ctab = children_table(low.parent)
        self.gather_children = ctab.shape[1] <= self.MAX_GATHER_CHILDREN
        self.mechs = [b.mech for b in low.blocks]
        invs = []
        for b in low.blocks:
            inv = None
            if b.mech.kind == "density":        # at most one instance per node: gather, no scatter
                inv = np.full(n, b.count, dtype=np.int64)
                inv[b.nodes] = np.arange(b.count)
            invs.append(inv)
        self.net = low.net
        self.ring = low.net.ring if low.net is not None else 0
        self.nspk = len(low.net.rec_det) if low.net is not None else 0
        groups, perm = self._plan_record(self.record)
        self._groups = [k for k, _ in groups]
        # index arrays are run-time arguments, not constants baked into the program
        self.topo = jax.tree_util.tree_map(jnp.asarray, {
            "solver": self.solver.arrays(),
            "parent": np.where(low.parent >= 0, low.parent, np.arange(n)),
            "children": ctab,
            "nodes": [b.nodes for b in low.blocks],
            "inv": invs,
            "ptr": [b.pointers for b in low.blocks],
            "rec": [idx for _, idx in groups],
            "perm": perm,
            "net": low.net.indices() if low.net is not None else {},
        })
        self.compiles = 0
        self._chunk_fn = jax.jit(self._run_chunk, static_argnums=(5,))

    # -- recording plan: gather each source group by one index array, then permute -----
    @staticmethod
    def _plan_record(record):
        groups: dict[tuple, list[int]] = {}
        where: list[tuple[tuple, int]] = []
        for r in record:
            key = (r.kind, r.block, r.var)
            lst = groups.setdefault(key, [])
            where.append((key, len(lst)))
            lst.append(r.index)
        keys = list(groups)
        offs, pos = {}, 0
        for k in keys:
            offs[k] = pos
            pos += len(groups[k])
        perm = np.array([offs[k] + j for k, j in where], dtype=np.int64)
        return [(k, np.array(groups[k], dtype=np.int64)) for k in keys], perm

    def _gather(self, v, t, S, A, P, T):
        parts = []
        for (kind, blk, var), idx in zip(self._groups, T["rec"]):
            if kind == "t":
                parts.append(jnp.broadcast_to(t, idx.shape))
            elif kind == "v":
                parts.append(v[idx])
            elif kind == "state":
                parts.append(S[blk][var][idx])
            elif kind == "assigned":
                parts.append(A[blk][var][idx])
            else:  # param
                parts.append(P["blocks"][blk][var][idx])
        if not parts:
            return jnp.zeros((0,))
        return jnp.concatenate(parts)[T["perm"]]

    # -- one fixed step -----------------------------------------------------------------
    def _currents(self, v, S, t, P, T, menv):
        """rhs and d contributions of every mechanism (numerics.md §4.2 steps 1–2, 4)."""
        rhs = jnp.zeros_like(v)
        d = jnp.zeros_like(v)
        A = []
        for bi, (mech, nodes, inv) in enumerate(zip(self.mechs, T["nodes"], T["inv"])):
            p, s = with_pointers(P["blocks"][bi], T["ptr"][bi], v), S[bi]
            vi = v[nodes]
            i1, _ = mech.current(jnp, p, s, vi + 0.001, t, menv)
            i0, asg = mech.current(jnp, p, s, vi, t, menv)
            g = (i1 - i0) / 0.001
            A.append(asg)
            if mech.kind == "density":
                zero = jnp.zeros((1,), v.dtype)
                rhs = rhs - jnp.concatenate([i0, zero])[inv]
                d = d + jnp.concatenate([g, zero])[inv]
            else:
                fac = P["pfac"][nodes]
                if mech.kind == "electrode":
                    rhs = rhs.at[nodes].add(i0 * fac)
                    d = d.at[nodes].add(-(g * fac))
                else:
                    rhs = rhs.at[nodes].add(-(i0 * fac))
                    d = d.at[nodes].add(g * fac)
        return rhs, d, A

    def step(self, state, P, T, X=None, i=0):
        """One fadvance (numerics.md §5) as a pure function of (state, params, topology).

        ``X``: this chunk's external events (events.pack_external) and ``i`` the step's index in
        the chunk; both unused without NetCons.  Returns (state, (record row, max |v|, its node,
        spike times of the recorded detectors or −1))."""
        v, S, t = state["v"], state["s"], state["t"]
        menv = mech_env(P, self.usetable)
        h = 0.5 * P["dt"]
        net_state, spikes = {}, jnp.zeros((0,))
        if self.net is not None:
            W, net_state, spikes = events.deliver(jnp, lax, state, v, t, P["net"], T["net"], X, i,
                                                  self.ring)
            S = events.receive_all(jnp, self.net.recv, self.mechs, P["blocks"], S, W)
        t = t + h
        rhs, d, A = self._currents(v, S, t, P, T, menv)
        # axial terms, node i then its children in increasing order, as NEURON's loop does
        a, b = P["a"], P["b"]
        parent = T["parent"]
        dv = v[parent] - v
        rhs = rhs - b * dv
        d = d + P["cfac"] * P["cap"]
        d = d - b
        if self.gather_children:
            rhs = _gather_add(rhs, a * dv, T["children"])
            d = _gather_add(d, -a, T["children"])
        else:
            rhs = rhs.at[parent].add(a * dv)
            d = d.at[parent].add(-a)
        delta = self.solver.solve(d, rhs, a, b, T["solver"])
        v = v + P["vfac"] * delta
        t = t + h
        S2 = []
        for bi, (mech, nodes) in enumerate(zip(self.mechs, T["nodes"])):
            if mech.advance is None:
                S2.append(S[bi])
            else:
                p = with_pointers(P["blocks"][bi], T["ptr"][bi], v)
                S2.append(mech.advance(jnp, p, S[bi], v[nodes], menv))
            if mech.after_solve is not None:
                upd = mech.after_solve(jnp, P["blocks"][bi], S2[bi], A[bi], v[nodes], {**menv, "t": t})
                S2[bi] = {**S2[bi], **{k: x for k, x in upd.items() if k in mech.states}}
                A[bi] = {**A[bi], **{k: x for k, x in upd.items() if k not in mech.states}}
        rec = self._gather(v, t, S2, A, P, T)
        vv = jnp.abs(v)
        bad = jnp.where(jnp.isnan(vv), jnp.inf, vv)
        out = {"v": v, "s": S2, "a": A, "t": t, **net_state}
        return out, (rec, jnp.max(bad), jnp.argmax(bad), spikes)

    def _run_chunk(self, state, P, T, X, n, K):
        """``n`` (traced, ≤ K) steps in a loop; per-step outputs land in (K, ...) buffers."""
        self.compiles += 1   # runs only while tracing, i.e. once per compile
        bufs = (jnp.zeros((K, len(self.record))), jnp.zeros((K,)), jnp.zeros((K,), jnp.int64),
                jnp.zeros((K, self.nspk)))

        def body(i, carry):
            st, (rec, vmax, varg, spk) = carry
            st, (r, m, a, sp) = self.step(st, P, T, X, i)
            return st, (rec.at[i].set(r), vmax.at[i].set(m), varg.at[i].set(a), spk.at[i].set(sp))

        return lax.fori_loop(0, n, body, (state, bufs))

    def run_chunk(self, state, P, n: int, X=None):
        """Advance ``n`` (≤ chunk) steps; returns (state, rec[K, nrec], vmax[K], vargmax[K],
        spikes[K, ndetectors recorded]), of which the first ``n`` rows are filled."""
        K = self.chunk
        if self.net is not None:
            state = dict(state, ep=np.int64(0))
            if X is None:
                X = events.pack_external([], self.net.nslots)
        state, (rec, vmax, varg, spk) = self._chunk_fn(state, P, self.topo, X, np.int64(n), K)
        return state, rec, vmax, varg, spk
