"""The NEURON-exact fixed step, compiled once per structure and reused chunk after chunk.

One step follows numerics.md §5 operation by operation; it is written once, in
:mod:`hocx.sim.kernel` (shared with the batch-trailing sweeps of :mod:`hocx.train.batched`),
and run here through :class:`NodeLayout` (node arrays (n,), level-parallel Hines solve,
index arrays traced).  :class:`Program` holds the compiled ``run_chunk(state, params, n)``: a
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

from . import events, kernel, methods
from . import netreceive as NR
from .kernel import mech_env, with_pointers
from ..spec import Kind, Role
from ..spec import ions
from .lower import Lowered
from .pointers import host_key
from .solver import TreeSolver, tree_levels

#: |v| above this (mV), or NaN, stops a run with a NumericalError.
RUNAWAY_MV = 1e4
#: the general event path's carried arrays (hocx.sim.netreceive)
GEN_KEYS = ("pq_t", "pq_f", "pq_c", "pq_n", "seq", "W", "wt_on", "wt_fl", "gerr", "tq")


@dataclass(frozen=True)
class Env:
    """Step-wide simulator globals."""

    dt: float = 0.025
    celsius: float = 6.3
    secondorder: int = 0
    #: the static flags: a bool (every mechanism's flags, e.g. usetable_hh alone) or the
    #: flags' values by HOC name, ``(("usetable_hh", 1.0), ("usetable_hhx", 0.0))``
    usetable: Any = True
    #: HOC globals the mechanisms read, by HOC name: GLOBAL parameters (``vhalf_hcn``) and the
    #: ions' ``cai0_ca_ion`` ...; absent names take the spec's / NEURON's default
    globals: tuple = ()


def global_value(env: Env, name: str, default: float) -> float:
    for k, x in env.globals:
        if k == name:
            return float(x)
    return float(default)


def _tables(mech, cur: dict, env: Env) -> dict:
    """``mech.tables(globals, celsius)``, with ``dt=`` where the hook takes it (a translated
    mod's: its TABLE may DEPEND on dt)."""
    import inspect
    try:
        takes_dt = "dt" in inspect.signature(mech.tables).parameters
    except (TypeError, ValueError):     # a builtin or C callable: the plain signature
        takes_dt = False
    if takes_dt:
        return mech.tables(cur, float(env.celsius), dt=float(env.dt))
    return mech.tables(cur, float(env.celsius))


def _usetable(usetable, mech) -> bool:
    """Whether ``mech``'s ``usetable`` flag is on (``Env.usetable``: a bool, or flag values by
    HOC name); a mechanism without the flag uses its tables."""
    for name, hoc, default in mech.flags:
        if name == "usetable":
            if isinstance(usetable, (tuple, list)):
                return bool(dict(usetable).get(hoc, default))
            return bool(usetable)
    return True


def env_values(env: Env, mechs=()) -> dict[str, Any]:
    """The per-run scalars and the tables each mechanism in ``mechs`` declares (its ``tables``
    hook, built here on the host from its globals and ``celsius``); all become traced values."""
    cj = (2.0 / env.dt) if env.secondorder else (1.0 / env.dt)
    tables = {}
    gl = dict(env.globals)
    for m in mechs:
        if m.name not in tables:
            if m.tables is None:
                tables[m.name] = {}
            else:
                cur = {k: float(gl.get(f"{k}_{m.name}", x)) for k, x in m.globals.items()}
                # dt too (hhold's TABLE DEPEND dt: rebuilt when dt changed, NEURON's rule);
                # a table is not checked while its usetable_<suffix> is 0 (nocmodl's _check_)
                use = _usetable(env.usetable, m)
                tables[m.name] = _tables(m, cur, env) if use else {}
    return {
        "dt": float(env.dt),
        "cfac": 0.001 * cj,
        "vfac": 2.0 if env.secondorder else 1.0,
        "tables": tables,
        "celsius": float(env.celsius),
        "ktf": ions.ktf(env.celsius),
    }


# ---------------------------------------------------------------------------------------
# host side (NumPy): finitialize and fcurrent


def host_layout(low: Lowered) -> "NodeLayout":
    """The layout of a single run for host-side passes (finitialize, fcurrent), run eagerly."""
    links, arrays = low.ion_plan()
    T = {"nodes": [jnp.asarray(b.nodes) for b in low.blocks],
         "inv": [None if x is None else jnp.asarray(x) for x in density_inverse(low)],
         "ptr": [jax.tree_util.tree_map(jnp.asarray, dict(b.pointers)) for b in low.blocks],
         "ions": jax.tree_util.tree_map(jnp.asarray, arrays)}
    return NodeLayout(T, None, False, links)


def _np(lst):
    return [{k: np.asarray(x, dtype=np.float64) for k, x in d.items()} for d in lst]


def initial_states(low: Lowered, v: np.ndarray, env: Env, sends: list | None = None
                   ) -> list[dict[str, np.ndarray]]:
    """finitialize's INITIAL pass in type order at voltage ``v`` (ions first:
    :func:`hocx.sim.kernel.initialize`); returns states per block.  ``sends``: a list that
    receives (block index, [(mask, delay, flag), ...]) of INITIAL blocks that call net_send."""
    P = pack_params(low, env)
    S0 = [{k: jnp.asarray(x) for k, x in blk.states.items()} for blk in low.blocks]
    mechs = [b.mech for b in low.blocks]
    if sends is not None:
        mechs = NR.capture_initial_sends(mechs, sends)
    S = kernel.initialize(host_layout(low), mechs, env.usetable,
                          jnp.asarray(v, dtype=jnp.float64), S0, P, steadystate=_steadystate())
    return _np(S)


def _steadystate():
    return getattr(methods, "steadystate", None)


def current_pass(low: Lowered, v: np.ndarray, states: list[dict], t: float, env: Env):
    """nrn_rhs on the host: (assigned per block, states per block after the ions' pass)."""
    P = pack_params(low, env)
    S = [{k: jnp.asarray(x) for k, x in s.items()} for s in states]
    _, _, A, S2, _ = kernel.current_pass(host_layout(low), [b.mech for b in low.blocks],
                                         env.usetable, jnp.asarray(v, dtype=jnp.float64), S,
                                         jnp.asarray(float(t)), P)
    return _np(A), _np(S2)


def currents(low: Lowered, v: np.ndarray, states: list[dict], t: float, env: Env) -> list[dict]:
    """Evaluate every mechanism's BREAKPOINT at ``v`` and time ``t`` (what fcurrent fills in)."""
    return current_pass(low, v, states, t, env)[0]


# ---------------------------------------------------------------------------------------
# the compiled step


def pack_params(low: Lowered, env: Env) -> dict:
    """Everything a step reads that is a value (not structure)."""
    P = {
        "a": low.a,
        "b": low.b,
        "cap": np.where(low.has_cap, low.cm, 0.0),
        "pfac": 1.0e2 / low.area,
        "blocks": [block_params(low, b, env) for b in low.blocks],
        "ion0": [ion_globals(b.mech, env) for b in low.blocks],
        **env_values(env, [b.mech for b in low.blocks]),
    }
    if low.net is not None:
        P["net"] = low.net.values()
    return jax.tree_util.tree_map(jnp.asarray, P)


def block_params(low: Lowered, blk, env: Env) -> dict:
    """One block's parameters: its per-instance values, its GLOBAL parameters (HOC
    ``name_suffix``, one value broadcast per instance) and ``diam``/``area`` of its nodes when
    the spec says it uses them."""
    mech = blk.mech
    p = dict(blk.params)
    for var in mech.variables:
        if var.scope == "GLOBAL" and var.role is Role.PARAMETER and not var.stepped:
            names = [var.name] if var.size == 1 else [f"{var.name}{k}" for k in range(var.size)]
            for k, nm in enumerate(names):
                hoc = f"{var.name}_{mech.name}" + ("" if var.size == 1 else f"[{k}]")
                p[nm] = np.full(blk.count, global_value(env, hoc, var.default))
    for name, getters in getattr(blk, "ptr_host", {}).items():    # POINTERs to HOC variables
        vals = np.zeros(blk.count)
        for j, get in getters:
            vals[j] = float(get())
        p[host_key(name)] = vals
    uses = getattr(mech, "uses", ()) or ()
    if "diam" in uses:
        p["diam"] = (low.diam if low.diam is not None else np.full(low.n, 500.0))[blk.nodes]
    if "area" in uses:
        p["area"] = low.area[blk.nodes]
    return p


def ion_globals(mech, env: Env) -> tuple:
    """(Xi0_X_ion, Xo0_X_ion) of an ion block; () for any other."""
    if mech.kind is not Kind.ION:
        return ()
    ion = ions.ion_of(mech.name)
    _, ci, co, _ = ions.defaults(ion)
    n = ions.IonNames(ion)
    return (global_value(env, n.ci0, ci), global_value(env, n.co0, co))


def density_inverse(low: Lowered) -> list:
    """Per block: node → instance of a density block (``count`` where none), None otherwise."""
    out = []
    for b in low.blocks:
        inv = None
        if b.mech.kind in (Kind.DENSITY, Kind.ION):
            inv = np.full(low.n, b.count, dtype=np.int64)
            inv[b.nodes] = np.arange(b.count)
        out.append(inv)
    return out


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


class NodeLayout:
    """:class:`hocx.sim.kernel.Layout` of one run: node arrays (n,), index arrays traced
    (from ``T``), the tree solved by :class:`TreeSolver`."""

    def __init__(self, T: dict, solver: TreeSolver, gather_children: bool, links=None):
        self.T, self.solver, self.gather_children = T, solver, gather_children
        self.nodes, self.inv, self.ptr = T["nodes"], T["inv"], T["ptr"]
        self.links, self.ions = links or [], T.get("ions", [])

    @staticmethod
    def take(x, idx):
        return jnp.concatenate([x, jnp.zeros((1,) + x.shape[1:], x.dtype)])[idx]

    @staticmethod
    def fit(x, shape):
        return x

    def axial(self, x, contrib):
        if self.gather_children:
            return _gather_add(x, contrib, self.T["children"])
        return x.at[self.T["parent"]].add(contrib)

    def solve(self, d, rhs, a, b):
        return self.solver.solve(d, rhs, a, b, self.T["solver"])


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
        self.usetable = usetable if isinstance(usetable, tuple) else bool(usetable)
        self.record = tuple(record)
        lev = tree_levels(low.parent)
        self.solver = TreeSolver(lev)
        self.depth = lev.depth
        ctab = children_table(low.parent)
        self.gather_children = ctab.shape[1] <= self.MAX_GATHER_CHILDREN
        self.mechs = [b.mech for b in low.blocks]
        invs = density_inverse(low)     # at most one instance per node: gather, no scatter
        self.links, ion_arrays = low.ion_plan()
        self.net = low.net
        self.ring = low.net.ring if low.net is not None else 0
        self.gen = low.net.gen if low.net is not None else None
        self.nspk = (len(low.net.rec_det) if low.net is not None else 0) + (
            len(self.gen.rec_em) if self.gen is not None else 0)
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
            "ions": ion_arrays,
            "rec": [idx for _, idx in groups],
            "perm": perm,
            "net": low.net.indices() if low.net is not None else {},
        })
        self.compiles = 0
        #: general NET_RECEIVE delivery rounds per step: None (until done) or a fixed count
        #: (training sets one: reverse-mode needs fixed-length loops)
        self.event_rounds = None
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

    def layout(self, T) -> NodeLayout:
        """The :class:`NodeLayout` of this program over topology arrays ``T``."""
        return NodeLayout(T, self.solver, self.gather_children, self.links)

    def _gather(self, v, t, S, A, P, T):
        return kernel.record(NodeLayout(T, self.solver, self.gather_children, self.links), self._groups,
                             T["rec"], T["perm"], v, t, S, A, P)

    # -- one fixed step -----------------------------------------------------------------
    def step(self, state, P, T, X=None, i=0):
        """One fadvance (numerics.md §5, :func:`hocx.sim.kernel.advance`) as a pure function
        of (state, params, topology).

        ``X``: this chunk's external events (events.pack_external) and ``i`` the step's index in
        the chunk; both unused without NetCons.  Returns (state, (record row, max |v|, its node,
        spike times of the recorded detectors or −1))."""
        v, S, t = state["v"], state["s"], state["t"]
        net_state, spikes = {}, jnp.zeros((0,))
        if self.net is not None:
            gen = self.gen
            above = None
            if gen is not None:      # general NET_RECEIVE: exact times, per-instance queues
                ctx = NR.Ctx(gen, self.mechs, self.usetable, P, T["nodes"], T["ptr"],
                             rounds=self.event_rounds)
                gst = {k: state[k] for k in GEN_KEYS}
                gst = NR.insert_external(jnp, gen, gst, X, state["ep"], i)
                above_fn = lambda vv: (vv[T["net"]["det_node"]] - P["net"]["thresh"]) > 0.0
                gst, S, v, espk, above = NR.step_events(
                    jnp, ctx, gst, S, state.get("a"), v, t, 0.5 * P["dt"], above_fn,
                    state["flags"], events.SPIKE_OFFSET)
            W, net_state, spikes = events.deliver(jnp, lax, state, v, t, P["net"], T["net"], X, i,
                                                  self.ring, above)
            if gen is not None:
                net_state = {**net_state, **gst}
                rec = jnp.asarray(gen.rec_em)
                spikes = jnp.concatenate([spikes, jnp.where(espk[1][rec] > 0, espk[0][rec], -1.0)])
            S = events.receive_all(jnp, self.net.recv, self.mechs, P["blocks"], S, W)
        lay = NodeLayout(T, self.solver, self.gather_children, self.links)
        v, S2, t, A = kernel.advance(lay, self.mechs, self.usetable, v, S, t, P, T["parent"])
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
