"""General NET_RECEIVE delivery inside the compiled step (numerics.md §5 steps 1–2, §8).

Receivers that are not a plain sum of weights (translated mods with ``receive_event``: per-NetCon
weight-vector state, ``flag``, ``net_send`` self events, ``net_event``, WATCH, assigning ``v``)
get a **bounded pending-event buffer per instance** instead of :mod:`hocx.sim.events`' summed
ring: ``pq_t`` (time, +inf = free), ``pq_f`` (flag), ``pq_c`` (NetCon index into the weight
table ``W``, −1 for a self event of INITIAL or a WATCH: zero arguments) and ``pq_n`` (insertion
number: ties go first in, first out).  All rows of all general blocks share one buffer
``(G + 1, Q)``; row ``G`` is a sink for masked-out insertions.  ``tq`` (per row) is the
insertion number of the instance's movable event — NEURON's ``_tqitem``, set by every
``net_send(delay, 1)`` (INITIAL's too) — which ``net_move(tt)`` re-times (:func:`move_self`;
sends and moves of one call apply in the block's order).

Events enter the buffer with their exact time: threshold spikes ``(t_n + 1e-10) + delay``,
external events (NetStim spikes, ``nc.event``) from the chunk's step-indexed list, self events
``t + delay``, ``net_event`` spikes of a point process / artificial cell ``t_spike + delay``
(no offset, as PreSyn::send), and WATCH events at ``t_n`` (ConditionEvent::check, teps 0).

Delivery (:func:`deliver`) is a ``lax.while_loop`` over rounds: each round takes, in every
instance that has one, its earliest event with ``te ≤ limit`` and runs the block once for the
whole block (results masked), with ``t = te``; events it sends that are due go out in later
rounds of the same loop (a delay-0 self event is delivered in the same step).  A step runs
two loops, as NEURON does: ``te ≤ t_n`` (the end-of-step delivery of the previous step, before
the threshold checks) and ``te ≤ t_n + dt/2`` after them.  A full buffer, or a loop that does
not settle, sets ``err``; the host raises a ModelError naming the mechanism.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import ModelError
from ..spec import Kind

#: pending events per instance (per receiving point process / artificial cell) to start
#: with; a run that fills it is redone with a 4x larger queue, up to MAX_QUEUE
QUEUE = 16
MAX_QUEUE = 4096
#: delivery rounds per loop before it is declared runaway (a delay-0 self-event cycle)
MAX_ROUNDS = 4096
#: NEURON's hoc_epsilon (WatchCondition::activate: above when value >= -hoc_epsilon)
HOC_EPSILON = 1e-11
#: threshold connections inserted per step through a compacted list of this many (the rest of
#: the connections are not sorted when few detectors fired; more than this: the full list)
COMPACT = 2048
#: error codes in ``gerr`` (code * 1000 + general block index)
ERR_QUEUE, ERR_ROUNDS, ERR_SPIKES, ERR_NOMOVE, ERR_MOVEBACK = 1, 2, 3, 4, 5


def _is_general(mech) -> bool:
    return getattr(mech, "receive_event", None) is not None and not (
        mech.receive is not None and getattr(mech, "additive_receive", False))


@dataclass
class GenBlock:
    """One receiving block on the general path."""

    bi: int
    off: int
    count: int
    names: tuple
    nwatch: int

    def rows(self) -> np.ndarray:
        return self.off + np.arange(self.count, dtype=np.int64)


@dataclass
class GenNet:
    """The general-path part of a lowered network (see the module docstring)."""

    blocks: list
    G: int
    A: int                          # width of the weight table (max NET_RECEIVE arguments)
    nc: list                        # NetCon objects of the weight table rows
    c_slot: np.ndarray              # row -> buffer row of its target
    W0: np.ndarray                  # (NC, A) weights as set in HOC
    d_det: np.ndarray               # threshold connections: detector, weight row, delay
    d_c: np.ndarray
    d_delay: np.ndarray
    em_slot: np.ndarray             # emitters (net_event sources): buffer row
    em_vecs: list                   # emitter -> NetCon.record recorders
    e_src: np.ndarray               # emitter connections: emitter, weight row, delay
    e_c: np.ndarray
    e_delay: np.ndarray
    Q: int = QUEUE
    slot_of: dict = field(default_factory=dict)     # (block index, instance) -> buffer row
    row_objs: list = field(default_factory=list)    # buffer row -> receiving object

    @property
    def NC(self) -> int:
        return len(self.nc)

    @property
    def rec_em(self) -> np.ndarray:
        return np.array([i for i, v in enumerate(self.em_vecs) if v], dtype=np.int64)

    @property
    def nwatch(self) -> int:
        return max([b.nwatch for b in self.blocks] + [1])

    def key(self) -> tuple:
        parts = [self.G, self.A, self.Q, tuple((b.bi, b.off, b.count, b.nwatch) for b in self.blocks)]
        for arr in (self.c_slot, self.d_det, self.d_c, self.em_slot, self.e_src, self.e_c, self.rec_em):
            parts.append(np.asarray(arr).tobytes())
        return tuple(parts)

    def values(self) -> dict:
        return {"d_delay": self.d_delay, "e_delay": self.e_delay}

    def state0(self, W=None) -> dict:
        G, Q = self.G, self.Q
        Wt = np.zeros((self.NC + 1, self.A))
        Wt[:self.NC] = self.W0 if W is None else W
        return {"pq_t": np.full((G + 1, Q), np.inf), "pq_f": np.zeros((G + 1, Q)),
                "pq_c": np.full((G + 1, Q), -1, dtype=np.int64),
                "pq_n": np.zeros((G + 1, Q), dtype=np.int64), "seq": np.int64(0),
                "W": Wt, "wt_on": np.zeros((G + 1, self.nwatch), dtype=bool),
                "wt_fl": np.zeros((G + 1, self.nwatch), dtype=bool), "gerr": np.int64(0),
                "tq": np.full(G + 1, -1, dtype=np.int64)}

    def error(self, code: int, mechs) -> ModelError | None:
        code = int(code)
        if not code:
            return None
        kind, gb = divmod(code, 1000)
        name = mechs[self.blocks[gb].bi].name if gb < len(self.blocks) else "?"
        if kind == ERR_QUEUE:
            return ModelError(f"event queue overflow for mechanism {name}: more than {self.Q} "
                              "pending events for one instance",
                              hint="fewer overlapping events per synapse (hocx keeps a bounded queue)")
        if kind == ERR_ROUNDS:
            return ModelError(f"{name}: NET_RECEIVE events do not settle within one step "
                              f"(more than {MAX_ROUNDS} deliveries: a net_send(0, ...) loop?)")
        if kind == ERR_NOMOVE:
            return ModelError(f"No event with flag=1 for net_move in {name}",
                              hint="net_move moves the pending self event of the instance's last "
                                   "net_send(delay, 1); none is pending")
        if kind == ERR_MOVEBACK:
            return ModelError(f"{name}: net_move tt < t (an event cannot be moved into the past)")
        return ModelError(f"{name}: an event source fired more than once in one time step",
                          hint="hocx records at most one net_event spike per source and step")

    def grown(self, state: dict) -> dict | None:
        """Make the queue 4x longer (None: at MAX_QUEUE already) and return ``state``'s
        buffers padded to it."""
        if self.Q >= MAX_QUEUE:
            return None
        Q = min(self.Q * 4, MAX_QUEUE)
        pad = Q - self.Q
        self.Q = Q
        out = dict(state)
        for k, fill in (("pq_t", np.inf), ("pq_f", 0.0), ("pq_c", -1), ("pq_n", 0)):
            a = np.asarray(state[k])
            out[k] = np.concatenate([a, np.full((a.shape[0], pad), fill, dtype=a.dtype)], axis=1)
        out["gerr"] = np.int64(0)
        return out

    def write_weights(self, W) -> None:
        """Copy the weight table (per-NetCon NET_RECEIVE state) back into the NetCons."""
        W = np.asarray(W)
        for c, nc in enumerate(self.nc):
            n = min(len(nc.weight), self.A)
            nc.weight[:n] = W[c, :n]


def carry_over(old: GenNet, old_state: dict, new: GenNet) -> dict:
    """The general path's state for a network lowered again mid-run with another shape (a
    section created between run() and continuerun()): NEURON keeps its event queue, so every
    pending event, armed WATCH and movable self event moves to its receiver's new row (by
    object), NetCon references to their new weight rows (by NetCon); events of a receiver or
    NetCon no longer in the network are dropped.  The weights are HOC's (written back)."""
    st = new.state0()
    Q = min(old.Q, new.Q)
    row_of = {id(o): j for j, o in enumerate(new.row_objs)}
    c_of = {id(nc): j for j, nc in enumerate(new.nc)}
    c_map = np.array([c_of.get(id(nc), -2) for nc in old.nc] + [-2], dtype=np.int64)
    pq = {k: np.asarray(old_state[k]) for k in ("pq_t", "pq_f", "pq_c", "pq_n", "wt_on",
                                                 "wt_fl", "tq")}
    nw = min(pq["wt_on"].shape[1], st["wt_on"].shape[1])
    for r, obj in enumerate(old.row_objs):
        j = row_of.get(id(obj))
        if j is None:
            continue
        c_old = pq["pq_c"][r, :Q]
        c_new = np.where(c_old >= 0, c_map[np.where(c_old >= 0, c_old, len(old.nc))], -1)
        keep = np.isfinite(pq["pq_t"][r, :Q]) & (c_new != -2)
        st["pq_t"][j, :Q] = np.where(keep, pq["pq_t"][r, :Q], np.inf)
        st["pq_f"][j, :Q] = pq["pq_f"][r, :Q]
        st["pq_c"][j, :Q] = np.where(keep, c_new, -1)
        st["pq_n"][j, :Q] = pq["pq_n"][r, :Q]
        st["wt_on"][j, :nw] = pq["wt_on"][r, :nw]
        st["wt_fl"][j, :nw] = pq["wt_fl"][r, :nw]
        st["tq"][j] = pq["tq"][r]
    st["seq"] = np.int64(old_state["seq"])
    return {k: st[k] for k in ("pq_t", "pq_f", "pq_c", "pq_n", "seq", "wt_on", "wt_fl", "tq")}


class Args(tuple):
    """NET_RECEIVE's arguments: a tuple in ``net_receive_args`` order that can also be read by
    name (``args["R"]``)."""

    def __new__(cls, values, names):
        obj = super().__new__(cls, values)
        obj.names = tuple(names)
        return obj

    def __getitem__(self, k):
        if isinstance(k, str):
            return tuple.__getitem__(self, self.names.index(k))
        return tuple.__getitem__(self, k)

    def __contains__(self, k):
        return k in self.names if isinstance(k, str) else tuple.__contains__(self, k)


def args_out(out, names) -> dict:
    """The returned arguments by name (a dict, or a tuple/list in order)."""
    if out is None:
        return {}
    if isinstance(out, dict):
        return out
    return {nm: x for nm, x in zip(names, out)}


def arg_names(mech) -> tuple:
    names = tuple(getattr(mech, "net_receive_args", ()) or ())
    if not names:
        names = ("weight",) + tuple(f"_a{k}" for k in range(1, max(mech.net_receive, 1)))
    return names


# ---------------------------------------------------------------------------------------
# the hooks of a block (additive built-ins targeted by an event source are adapted)


def hook_of(mech):
    f = getattr(mech, "receive_event", None)
    if f is not None:
        return f

    def adapted(xp, p, s, args, flag, t, v, env):
        return {"s": {**s, **mech.receive(xp, p, s, args[0])}, "args": args}

    return adapted


# ---------------------------------------------------------------------------------------
# inside the step (jax.numpy)


def _loop(cond, body, x, host: bool):
    if host:
        while bool(cond(x)):
            x = body(x)
        return x
    from jax import lax
    return lax.while_loop(cond, body, x)


def _set(a, idx, val):
    """``a.at[idx].set(val)`` for a JAX array; a copy with ``[idx] = val`` for a NumPy one
    (the host side of finitialize runs the same code with NumPy: no compiles)."""
    if isinstance(a, np.ndarray):
        b = a.copy()
        b[idx] = val
        return b
    return a.at[idx].set(val)


def _add(a, idx, val):
    if isinstance(a, np.ndarray):
        b = a.copy()
        np.add.at(b, idx, val)
        return b
    return a.at[idx].add(val)


def _argsort(xp, x):
    if xp is np:
        return np.argsort(x, kind="stable")
    return xp.argsort(x, stable=True)


def _b(jnp, x, n, dtype=None):
    return jnp.broadcast_to(jnp.asarray(x, dtype=dtype), (n,))


def insert(jnp, g: GenNet, st: dict, rows, te, flag, c, mask, gb_of_err: int = 0) -> dict:
    """Put events (arrays (E,)) into the buffer rows ``rows`` where ``mask``; several may go
    into one row.  A full row sets ``gerr``."""
    E = rows.shape[0]
    if E == 0:
        return st
    G = g.G
    rows = jnp.where(mask, rows, G)
    order = _argsort(jnp, rows)
    srt = rows[order]
    first = jnp.searchsorted(srt, srt, side="left")
    rank_s = jnp.arange(E) - first
    rank = _set(jnp.zeros(E, dtype=rank_s.dtype), (order), rank_s)
    free = jnp.isinf(st["pq_t"][rows])                      # (E, Q)
    cum = jnp.cumsum(free, axis=1)
    hit = free & (cum == (rank + 1)[:, None])
    col = jnp.argmax(hit, axis=1)
    ok = jnp.any(hit, axis=1) & mask
    over = jnp.any(mask & ~ok & (rows < G))
    r = jnp.where(ok, rows, G)
    col = jnp.where(ok, col, 0)
    seq = st["seq"] + jnp.arange(E)

    def put(a, val):
        return _set(a, (r, col), jnp.where(ok, val, a[r, col]))

    out = dict(st)
    out["pq_t"] = put(st["pq_t"], te)
    out["pq_f"] = put(st["pq_f"], flag)
    out["pq_c"] = put(st["pq_c"], c)
    out["pq_n"] = put(st["pq_n"], seq)
    out["pq_t"] = _set(out["pq_t"], (G), jnp.inf)
    out["seq"] = st["seq"] + E
    out["gerr"] = jnp.where((st["gerr"] == 0) & over, ERR_QUEUE * 1000 + gb_of_err, st["gerr"])
    return out


def send_self(jnp, g: GenNet, st, rows, te, flag, c, mask, gb: int = 0) -> dict:
    """net_send: insert the self events and, where ``flag == 1``, remember each one as its
    instance's movable event (nrn_net_send's ``*v = q``; ``tq`` holds its insertion number)."""
    seq0 = st["seq"]
    st = insert(jnp, g, st, rows, te, flag, c, mask, gb)
    one = mask & (flag == 1.0)
    n = seq0 + jnp.arange(rows.shape[0])
    return {**st, "tq": _set(st["tq"], (rows), jnp.where(one, n, st["tq"][rows]))}


def move_self(jnp, g: GenNet, st, rows, tt, mask, tnow, gb: int = 0) -> dict:
    """net_move(tt) where ``mask``: the instance's movable event (its last flag-1 net_send,
    still pending) gets time ``tt`` (NetCvode::move_event: taken out of the queue and put back,
    so it goes after events already there at ``tt``).  None pending, or ``tt < t``: ``gerr``
    (NEURON's hoc_execerror)."""
    k = rows.shape[0]
    ar = jnp.arange(k)
    tq = st["tq"][rows]
    hit = (st["pq_n"][rows] == tq[:, None]) & jnp.isfinite(st["pq_t"][rows]) & (tq >= 0)[:, None]
    found = jnp.any(hit, axis=1)
    col = jnp.argmax(hit, axis=1)
    back = mask & found & (tt < tnow)
    ok = mask & found & ~back
    n = st["seq"] + ar
    out = dict(st)
    out["pq_t"] = _set(st["pq_t"], (rows, col), jnp.where(ok, tt, st["pq_t"][rows, col]))
    out["pq_n"] = _set(st["pq_n"], (rows, col), jnp.where(ok, n, st["pq_n"][rows, col]))
    out["tq"] = _set(st["tq"], (rows), jnp.where(ok, n, tq))
    out["seq"] = st["seq"] + k
    code = jnp.where(jnp.any(mask & ~found), ERR_NOMOVE * 1000 + gb,
                     jnp.where(jnp.any(back), ERR_MOVEBACK * 1000 + gb, 0))
    out["gerr"] = jnp.where(st["gerr"] == 0, code, st["gerr"])
    return out


def insert_detected(jnp, g: GenNet, st, fire, t_n, Pg, offset: float):
    """Threshold spikes of this step into the buffer (``fire``: per detector)."""
    if not len(g.d_det):
        return st
    m = fire[g.d_det]
    c = jnp.asarray(g.d_c)

    def put(st):
        return insert(jnp, g, st, jnp.asarray(g.c_slot)[c], (t_n + offset) + Pg["d_delay"],
                      jnp.zeros_like(Pg["d_delay"]), c, m)

    if jnp is np:
        return put(st)
    from jax import lax
    E = len(g.d_det)
    B = min(E, COMPACT)
    if B == E:
        return lax.cond(jnp.any(m), put, lambda st: st, st)   # no sort in a step without spikes

    def put_few(st):        # the (at most B) connections of the detectors that fired, in order
        idx = jnp.nonzero(m, size=B, fill_value=0)[0]
        ci = c[idx]
        return insert(jnp, g, st, jnp.asarray(g.c_slot)[ci], (t_n + offset) + Pg["d_delay"][idx],
                      jnp.zeros(B, dtype=Pg["d_delay"].dtype), ci,
                      m[idx] & (jnp.arange(B) < jnp.sum(m)))

    n = jnp.sum(m)
    return lax.switch(jnp.where(n == 0, 0, jnp.where(n <= B, 1, 2)),
                      [lambda st: st, put_few, put], st)


def insert_external(jnp, g: GenNet, st, X, ep, i):
    """This step's external events (NetStim spikes, nc.event) bound for general receivers."""
    if X is None or "gc" not in X:
        return st
    E = X["step"].shape[0]
    idx = ep + X["lanes"]
    idc = jnp.minimum(idx, E - 1)
    c = X["gc"][idc]
    ok = (X["step"][idc] == i) & (idx < E) & (c >= 0)
    cc = jnp.where(c >= 0, c, 0)
    return insert(jnp, g, st, jnp.asarray(g.c_slot)[cc], X["te"][idc], jnp.zeros(idc.shape), c, ok)


@dataclass
class Ctx:
    """What a delivery loop reads: the network, the mechanisms and the step's arrays."""

    g: GenNet
    mechs: list
    usetable: object
    P: dict
    nodes: list
    ptr: list
    host: bool = False
    #: None: deliver in a while loop until nothing is due; an int: that many rounds in a
    #: fixed-length loop (reverse-mode differentiable: training), ``gerr`` if events remain
    rounds: int | None = None


def _params(ctx: Ctx, bi, v, A, S=None):
    from .kernel import with_pointers
    p = with_pointers(ctx.P["blocks"][bi], ctx.ptr[bi], v, _reader(ctx.P, S))
    return {**(A[bi] if A is not None else {}), **p}


def _reader(P, S):
    """POINTER reader at event delivery: the states as they stand (hocx/sim/pointers.py)."""
    from .pointers import reader
    return None if S is None else reader(P, lambda b, var: S[b])


def _env(ctx: Ctx, bi):
    from .kernel import mech_env
    return mech_env(ctx.P, ctx.mechs[bi], ctx.usetable)


def watch_check(jnp, ctx: Ctx, st, S, A, v, t_n):
    """WatchCondition::check at t_n for every armed WATCH: a rising condition sends its flag
    at t_n (no offset)."""
    g = ctx.g
    for gb, blk in enumerate(g.blocks):
        mech = ctx.mechs[blk.bi]
        if not blk.nwatch:
            continue
        rows = jnp.asarray(blk.rows())
        p, env = _params(ctx, blk.bi, v, A, S), _env(ctx, blk.bi)
        vi = v[jnp.asarray(ctx.nodes[blk.bi])]
        for k, (cond, flag) in enumerate(mech.watches):
            val = _b(jnp, cond(jnp, p, S[blk.bi], vi, env), blk.count) > 0.0
            on, fl = st["wt_on"][rows, k], st["wt_fl"][rows, k]
            fire = on & val & ~fl
            st = {**st, "wt_fl": _set(st["wt_fl"], (rows, k), jnp.where(on, val, fl))}
            st = insert(jnp, g, st, rows, _b(jnp, t_n, blk.count, jnp.float64),
                        _b(jnp, float(flag), blk.count, jnp.float64),
                        jnp.full(blk.count, -1, dtype=jnp.int64), fire, gb)
    return st


def deliver(jnp, ctx: Ctx, st, S, A, v, limit, espk):
    """Deliver every pending event with ``te ≤ limit`` in time order (rounds, see the module
    docstring).  ``espk``: (emitter spike time or −1, count) of this step, updated.
    Returns (st, S, v, espk)."""
    g = ctx.g
    G = g.G

    def cond(x):
        st, _S, _v, _e, n = x
        return jnp.any(st["pq_t"][:G] <= limit) & (n < MAX_ROUNDS) & (st["gerr"] == 0)

    def body(x):
        st, S, v, espk, n = x
        S = list(S)
        for gb, blk in enumerate(g.blocks):
            st, S, v, espk = _round(jnp, ctx, gb, blk, st, S, A, v, limit, espk)
        return st, S, v, espk, n + 1

    x0 = (st, list(S), v, espk, jnp.asarray(0))
    if ctx.rounds is not None and not ctx.host:   # fixed length (reverse-mode: training)
        from jax import lax
        st, S, v, espk, n = lax.fori_loop(
            0, int(ctx.rounds), lambda _i, x: lax.cond(cond(x), body, lambda y: y, x), x0)
        stuck = jnp.any(st["pq_t"][:G] <= limit)
    else:
        st, S, v, espk, n = _loop(cond, body, x0, ctx.host)
        stuck = (n >= MAX_ROUNDS) & jnp.any(st["pq_t"][:G] <= limit)
    st = {**st, "gerr": jnp.where((st["gerr"] == 0) & stuck, ERR_ROUNDS * 1000, st["gerr"])}
    return st, S, v, espk


def step_events(jnp, ctx: Ctx, st, S, A, v, t, h, above_fn, flags, offset: float):
    """The general path's part of one fixed step, as ONE loop (the body is traced once):
    deliver ``te ≤ t_n`` (the previous step's end-of-step delivery), then the threshold and
    WATCH checks at t_n on the voltage as it then is, then deliver ``te ≤ t_n + dt/2``.
    ``above_fn(v)``: the detectors' ``v > threshold``; ``flags``: their flags before the
    step.  Returns (st, S, v, espk, above) — ``above`` for the summed path's detectors."""
    from jax import lax
    g = ctx.g
    G = g.G
    espk = espk0(jnp, g)
    above0 = jnp.zeros(flags.shape, dtype=bool)

    def limit(phase):
        return jnp.where(phase == 0, t, t + h)

    def due(st, phase):
        return jnp.any(st["pq_t"][:G] <= limit(phase))

    def cond(x):
        st, _S, _v, _e, n, phase, _a = x
        return ((phase == 0) | due(st, phase)) & (n < MAX_ROUNDS) & (st["gerr"] == 0)

    def deliver_round(x):
        st, S, v, espk, n, phase, above = x
        S = list(S)
        lim = limit(phase)
        for gb, blk in enumerate(g.blocks):
            st, S, v, espk = _round(jnp, ctx, gb, blk, st, S, A, v, lim, espk)
        return st, S, v, espk, n + 1, phase, above

    def checks(x):
        st, S, v, espk, n, phase, _above = x
        above = above_fn(v)
        st = insert_detected(jnp, g, st, above & ~flags, t, ctx.P["net"]["g"], offset)
        st = watch_check(jnp, ctx, st, S, A, v, t)
        return st, list(S), v, espk, n, jnp.asarray(1), above

    def body(x):
        return lax.cond(due(x[0], x[5]), deliver_round, checks, x)

    x0 = (st, list(S), v, espk, jnp.asarray(0), jnp.asarray(0), above0)
    if ctx.rounds is None:
        x = lax.while_loop(cond, body, x0)
    else:
        x = lax.fori_loop(0, int(ctx.rounds), lambda _i, x: lax.cond(cond(x), body, lambda y: y, x), x0)
    st, S, v, espk, n, phase, above = x
    above = jnp.where(phase == 1, above, above_fn(v))
    stuck = ((phase == 0) | due(st, phase)) & ((n >= MAX_ROUNDS) | (ctx.rounds is not None))
    st = {**st, "gerr": jnp.where((st["gerr"] == 0) & stuck, ERR_ROUNDS * 1000, st["gerr"])}
    return st, S, v, espk, above


def _round(jnp, ctx: Ctx, gb: int, blk: GenBlock, st, S, A, v, limit, espk):
    g = ctx.g
    bi, k = blk.bi, blk.count
    mech = ctx.mechs[bi]
    rows = jnp.asarray(blk.rows())
    ar = jnp.arange(k)
    tq = st["pq_t"][rows]
    due = tq <= limit
    tmin = jnp.min(jnp.where(due, tq, jnp.inf), axis=1)
    has = tmin <= limit
    cand = due & (tq == tmin[:, None])
    big = jnp.iinfo(jnp.int64).max
    j = jnp.argmin(jnp.where(cand, st["pq_n"][rows], big), axis=1)
    te = jnp.where(has, tq[ar, j], limit)
    flag = st["pq_f"][rows, j]
    c = st["pq_c"][rows, j]
    st = {**st, "pq_t": _set(st["pq_t"], (rows, j), jnp.where(has, jnp.inf, tq[ar, j]))}
    NC = g.NC
    cc = jnp.where(has & (c >= 0), c, NC)
    argrow = st["W"][cc]
    names = arg_names(mech)
    args = Args([argrow[:, a] for a in range(len(names))], names)
    p, env = _params(ctx, bi, v, A, S), _env(ctx, bi)
    nodes = jnp.asarray(ctx.nodes[bi])
    vi = v[nodes] if mech.kind is not Kind.ARTIFICIAL_CELL else jnp.zeros(k)
    s_old = S[bi]
    out = hook_of(mech)(jnp, p, s_old, args, flag, te, vi, env)
    new = {**(out.get("a") or {}), **(out.get("s") or {})}
    s_new = {}
    for key, old in s_old.items():
        x = new.get(key)
        s_new[key] = old if x is None else jnp.where(has, jnp.broadcast_to(x, old.shape), old)
    S[bi] = s_new
    a_out = args_out(out.get("args"), names)
    cols = [jnp.where(has, _b(jnp, a_out[nm], k, jnp.float64), argrow[:, a]) if nm in a_out
            else argrow[:, a] for a, nm in enumerate(names)]
    if len(names) < g.A:
        cols += [argrow[:, a] for a in range(len(names), g.A)]
    W = _set(st["W"], cc, jnp.stack(cols, axis=1))
    st = {**st, "W": _set(W, (NC), 0.0)}
    vnew = out.get("v")
    if vnew is not None and mech.kind is not Kind.ARTIFICIAL_CELL:
        v = _set(v, (nodes), jnp.where(has, _b(jnp, vnew, k, jnp.float64), vi))
    sends = list(out.get("sends") or ())
    done = 0

    def send_upto(st, n):
        for mask, delay, fl in sends[done:n]:
            m = has & _b(jnp, mask, k, bool)
            st = send_self(jnp, g, st, rows, te + _b(jnp, delay, k, jnp.float64),
                           _b(jnp, fl, k, jnp.float64), c, m, gb)
        return st

    # net_send and net_move in the block's order: a move re-times the event queued by the
    # last net_send(.., 1) BEFORE it ("moves" entries carry how many sends came first)
    for mv in out.get("moves") or ():
        mask, time = mv[0], mv[1]
        n = int(mv[2]) if len(mv) > 2 else len(sends)
        if n > done:
            st, done = send_upto(st, n), n
        st = move_self(jnp, g, st, rows, _b(jnp, time, k, jnp.float64),
                       has & _b(jnp, mask, k, bool), te, gb)
    st = send_upto(st, len(sends))
    for mask, time in out.get("events") or ():
        m = has & _b(jnp, mask, k, bool)
        st, espk = _emit(jnp, ctx, blk, st, m, _b(jnp, time, k, jnp.float64), espk, gb)
    watch = out.get("watch") or ()
    if watch and blk.nwatch:
        ran = jnp.zeros(k, dtype=bool)
        for mask, _on in watch:
            ran = ran | _b(jnp, mask, k, bool)
        ran = ran & has
        S2 = S[bi]
        vi2 = v[nodes]
        for kk, (mask, on) in enumerate(watch):
            arm = _b(jnp, mask, k, bool) & _b(jnp, on, k, bool) & has
            cond = mech.watches[kk][0]
            val = _b(jnp, cond(jnp, p, S2, vi2, env), k, jnp.float64)
            st = {**st,
                  "wt_on": _set(st["wt_on"], (rows, kk), jnp.where(ran, arm, st["wt_on"][rows, kk])),
                  "wt_fl": _set(st["wt_fl"], (rows, kk), 
                      jnp.where(ran & arm, val >= -HOC_EPSILON, st["wt_fl"][rows, kk]))}
    return st, S, v, espk


def _emit(jnp, ctx: Ctx, blk: GenBlock, st, m, time, espk, gb):
    """net_event(time) where ``m`` (per instance of ``blk``): record, and send to every NetCon
    from those instances at ``time + delay``."""
    g = ctx.g
    sel = np.nonzero((g.em_slot >= blk.off) & (g.em_slot < blk.off + blk.count))[0]
    if not sel.size:
        return st, espk
    inst = jnp.asarray(g.em_slot[sel] - blk.off)
    fired = m[inst]
    tt = time[inst]
    et, en = espk
    selj = jnp.asarray(sel)
    et = _set(et, (selj), jnp.where(fired, tt, et[selj]))
    en = _add(en, (selj), fired.astype(en.dtype))
    st = {**st, "gerr": jnp.where((st["gerr"] == 0) & jnp.any(en > 1), ERR_SPIKES * 1000 + gb,
                                  st["gerr"])}
    conns = np.nonzero(np.isin(g.e_src, sel))[0]
    if conns.size:
        pos = {int(e): i for i, e in enumerate(sel)}
        src = jnp.asarray(np.array([pos[int(e)] for e in g.e_src[conns]], dtype=np.int64))
        c = jnp.asarray(g.e_c[conns])
        dl = ctx.P["net"]["g"]["e_delay"][jnp.asarray(conns)]
        st = insert(jnp, g, st, jnp.asarray(g.c_slot)[c], tt[src] + dl, jnp.zeros(len(conns)), c,
                    fired[src])
    return st, (et, en)


def espk0(jnp, g: GenNet):
    n = len(g.em_slot)
    return (jnp.full(n, -1.0), jnp.zeros(n, dtype=jnp.int64))


# ---------------------------------------------------------------------------------------
# finitialize (host, eager)


def receive_init(jnp, g: GenNet, mechs, usetable, P, S, nodes, ptr, v, W):
    """NET_RECEIVE INITIAL of every NetCon (per target block); without one NEURON zeroes
    ``weight[1:]``.  Returns the new weight table (NC, A), as NumPy when ``jnp`` is NumPy
    (finitialize on the host) or traced (a training run: the weights may be trainable)."""
    from .kernel import mech_env, with_pointers
    W = np.array(W, dtype=np.float64) if jnp is np else jnp.asarray(W)
    for blk in g.blocks:
        mech = mechs[blk.bi]
        cs = np.nonzero((g.c_slot >= blk.off) & (g.c_slot < blk.off + blk.count))[0]
        if not cs.size:
            continue
        names = arg_names(mech)
        f = getattr(mech, "receive_init", None)
        if f is None:
            if len(names) > 1:
                W = _set(W, (cs[:, None], np.arange(1, len(names))[None, :]), 0.0)
            continue
        inst = g.c_slot[cs] - blk.off
        p = with_pointers(P["blocks"][blk.bi], ptr[blk.bi], v, _reader(P, S))
        pr = {key: (x[..., inst] if jnp.ndim(x) else x) for key, x in p.items()}
        sr = {key: x[..., inst] for key, x in S[blk.bi].items()}
        args = Args([W[cs, a] for a in range(len(names))], names)
        out = args_out(f(jnp, pr, sr, args, jnp.zeros(len(cs)), mech_env(P, mech, usetable)), names)
        for a, nm in enumerate(names):
            if nm in out:
                W = _set(W, (cs, a), jnp.broadcast_to(jnp.asarray(out[nm], dtype=jnp.float64),
                                                      (len(cs),)))
    return W


def capture_initial_sends(mechs, sends: list) -> list:
    """``mechs`` whose INITIAL's ``"__sends"`` (net_send in INITIAL) go into ``sends`` as
    (block index, [(mask, delay, flag), ...]) instead of the states."""
    import dataclasses

    def wrap(mech, bi):
        f = mech.initial
        if f is None or getattr(mech, "receive_event", None) is None:   # no NET_RECEIVE: no sends
            return mech

        def initial(xp, p, s, v, env):
            out = dict(f(xp, p, s, v, env))
            snd = out.pop("__sends", None)
            if snd:
                sends.append((bi, list(snd)))
            return out
        return dataclasses.replace(mech, initial=initial)
    return [wrap(m, bi) for bi, m in enumerate(mechs)]


def initial_events(jnp, g: GenNet, mechs, usetable, P, S, nodes, ptr, v, st, sends, ext,
                   rounds=None):
    """finitialize's events with te ≤ 0 on the general path as one traced pass (a training
    run; the engine does the same on the host): the INITIAL blocks' net_sends (no NetCon:
    zero arguments), the external events at te ≤ 0 (``ext``: (te, weight row), a NetStim with
    start 0), then delivery of everything due at 0 in time order.  Returns (st, S, v)."""
    for bi, snd in sends:
        blk = next((b for b in g.blocks if b.bi == bi), None)
        if blk is None:
            continue
        rows, k = jnp.asarray(blk.rows()), blk.count
        for mask, delay, flag in snd:
            st = send_self(jnp, g, st, rows, 0.0 + _b(jnp, delay, k, jnp.float64),
                           _b(jnp, flag, k, jnp.float64), jnp.full(k, -1, dtype=jnp.int64),
                           _b(jnp, mask, k, bool))
    if ext:
        c = np.array([e[1] for e in ext], dtype=np.int64)
        st = insert(jnp, g, st, jnp.asarray(g.c_slot[c]), jnp.asarray([float(e[0]) for e in ext]),
                    jnp.zeros(len(ext)), jnp.asarray(c), jnp.ones(len(ext), dtype=bool))
    ctx = Ctx(g, mechs, usetable, P, nodes, ptr, rounds=rounds)
    st, S, v, _ = deliver(jnp, ctx, st, S, None, v, 0.0, espk0(jnp, g))
    return st, S, v
