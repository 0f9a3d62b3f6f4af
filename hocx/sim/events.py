"""NetCon events in the fixed step (numerics.md §8): threshold detectors, a delay ring buffer,
external events, and NET_RECEIVE of additive receivers.

Inside the compiled step everything is arrays:

* **Detectors** — one per distinct voltage source node (NEURON's PreSyn).  At the start of step n
  each compares ``v(t_n)`` with its threshold; a rising crossing is a spike at ``t_n + 1e-10``.
* **Connections** from detectors carry a precomputed step offset ``k``: the event time
  ``(t_n + 1e-10) + delay`` first satisfies ``te ≤ t_{n+k} + dt/2`` (the delivery rule, §8.3).
  A spike adds ``weight·active`` into row ``(n + k) mod R`` of a ring buffer ``q`` (R × slots):
  no Python and no per-event work in the step, one masked scatter when any detector fired.
* **External events** — spikes of self-driven artificial cells (a NetStim no NetCon reaches:
  its translated stdlib/netstim.mod run on the host by :mod:`hocx.sim.hostcells`, since
  nothing in the network feeds back into it) and ``nc.event(te)`` — arrive per chunk as a list
  sorted by step; a pointer walks it, at most ``M`` events per step.
* **Delivery** before the step's currents: row ``n`` of the ring plus the step's external events
  give a summed weight per receiving instance, which each mechanism's ``receive`` adds to its
  states (ExpSyn ``g += w``, Exp2Syn ``A, B += w·factor``).  Summing first is exact up to
  rounding because these NET_RECEIVE blocks only add.

On the host, :class:`EventQueue` holds the pending external events and the self-driven cells.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import numpy as np

from ..errors import ModelError

#: NEURON stamps a threshold spike this long after the start of the step that sees it
SPIKE_OFFSET = 1e-10


@dataclass
class Connection:
    """One NetCon as the simulator sees it."""

    nc: object
    slot: int            # receiving instance (nslots = nowhere: nil target)
    weight: float
    delay: float
    active: bool
    gc: int = -1          # row of the general path's weight table (netreceive.py), -1: ring
    gslot: int = -1       # buffer row of its target on the general path


@dataclass
class StimSource:
    """A self-driven artificial cell (a NetStim) driving connections with spike times its
    mechanism makes on the host (:mod:`hocx.sim.hostcells`)."""

    obj: object
    bi: int               # its block (a HostBlock's) and instance there
    inst: int
    conns: list = field(default_factory=list)
    vecs: list = field(default_factory=list)     # NetCon.record recorders of this source


@dataclass
class HostBlock:
    """A mechanism block whose instances are simulated on the host (hostcells.eligible, no
    NetCon reaching them): what :class:`hocx.sim.hostcells.HostCells` starts from."""

    bi: int
    mech: object
    params: dict
    states: dict
    objs: list            # instance -> point process object


@dataclass
class NetLowered:
    """The NetCon network of a lowered model."""

    recv: list            # (block index, first slot, count) of each receiving block
    nslots: int
    det_node: np.ndarray  # detector -> node
    det_thresh: np.ndarray
    det_vecs: list        # detector -> NetCon.record recorders (tvec, idvec or None, id)
    conns: list           # threshold connections (Connection), parallel to c_det
    c_det: np.ndarray
    stims: list           # StimSource
    direct: list          # connections with a nil source (events only from nc.event)
    by_netcon: dict       # id(NetCon) -> Connection
    ring: int = 2         # rows of the delay ring buffer (set for a dt by set_dt)
    c_k: np.ndarray = None
    slot_objs: list = field(default_factory=list)   # slot -> receiving point process
    det_keys: list = field(default_factory=list)    # detector -> (id(section), x) of its source
    gen: object = None    # the general NET_RECEIVE path (netreceive.GenNet), None: none
    hosts: list = field(default_factory=list)       # HostBlock (self-driven artificial cells)

    @property
    def rec_det(self) -> np.ndarray:
        return np.array([i for i, v in enumerate(self.det_vecs) if v], dtype=np.int64)

    def set_dt(self, dt: float) -> None:
        """Step offsets of the threshold connections and the ring size for time step ``dt``."""
        delays = np.array([c.delay for c in self.conns], dtype=np.float64)
        self.c_k = delay_steps(delays, dt)
        need = int(self.c_k.max()) + 1 if len(self.c_k) else 1
        self.ring = max(2, 1 << (need - 1).bit_length())

    def key(self) -> tuple:
        h = [self.nslots, tuple(self.recv), self.ring, len(self.stims) > 0 or len(self.direct) > 0]
        for arr in (self.det_node, self.c_det, np.array([c.slot for c in self.conns], np.int64),
                    self.rec_det):
            h.append(arr.tobytes())
        if self.gen is not None:
            h.append(self.gen.key())
        return tuple(h)

    # -- arrays for the step --------------------------------------------------------------
    def values(self) -> dict:
        out = {"thresh": self.det_thresh,
               "w": np.array([c.weight * c.active for c in self.conns], dtype=np.float64),
               "k": self.c_k}
        if self.gen is not None:
            out["g"] = self.gen.values()
        return out

    def indices(self) -> dict:
        return {"det_node": self.det_node, "c_det": self.c_det,
                "c_slot": np.array([c.slot for c in self.conns], dtype=np.int64),
                "rec_det": self.rec_det}

    def state0(self) -> dict:
        out = {"q": np.zeros((self.ring, self.nslots + 1)),
               "qi": np.int64(0), "ep": np.int64(0),
               "flags": np.zeros(len(self.det_node), dtype=bool)}
        if self.gen is not None:
            out.update(self.gen.state0())
        return out


def delay_steps(delays: np.ndarray, dt: float) -> np.ndarray:
    """Steps from the one that detects a spike to the one before which its event acts.

    The event ``(t + 1e-10) + delay`` acts before the first step n with ``te ≤ t_n + dt/2``,
    with t accumulated as NEURON does (``t_{n+1} = (t_n + dt/2) + dt/2``); computed on the
    grid from t = 0.
    """
    if not len(delays):
        return np.zeros(0, dtype=np.int64)
    te = (0.0 + SPIKE_OFFSET) + delays
    h = 0.5 * dt
    n = int(np.ceil(te.max() / dt)) + 3
    t = np.empty(n)
    acc = 0.0
    for i in range(n):
        t[i] = acc
        acc = (acc + h) + h
    return np.searchsorted(t + h, te, side="left").astype(np.int64)


def lower_net(model, geo, blocks, pp_index, pp_objects=None) -> NetLowered | None:
    """Build the network arrays from ``model.netcons`` (None when there are none)."""
    from . import netreceive as NR
    from . import apcount
    netcons = [nc for nc in getattr(model, "netcons", ()) if _valid(nc)]
    apcs = apcount.located(model)
    if not netcons and not apcs:
        return None
    # receivers on the general path: translated NET_RECEIVE blocks, and additive ones that an
    # event source (net_event of a point process / artificial cell) reaches at exact times
    # self-driven artificial cells (NetStim that no NetCon reaches): run on the host
    from . import hostcells
    targeted = {pp_index[id(nc.target)][0] for nc in netcons
                if nc.target is not None and id(nc.target) in pp_index}
    host_blocks = {bi for bi, blk in enumerate(blocks)
                   if hostcells.eligible(blk.mech) and bi not in targeted}
    emit_targets = set()
    for nc in netcons:
        src, tgt = nc.source, nc.target
        if src is not None and not hasattr(src, "var") and id(src) in pp_index and tgt is not None \
                and pp_index[id(src)][0] not in host_blocks:
            hit = pp_index.get(id(tgt))
            if hit is not None:
                emit_targets.add(hit[0])
    recv, gen, nslots, G = [], [], 0, 0
    for bi, blk in enumerate(blocks):
        mech = blk.mech
        if bi in host_blocks:
            continue
        if NR._is_general(mech) or (bi in emit_targets and (mech.receive is not None or
                                                           mech.receive_event is not None)):
            gen.append(NR.GenBlock(bi, G, blk.count, NR.arg_names(mech), len(mech.watches or ())))
            G += blk.count
        elif mech.receive is not None:
            recv.append((bi, nslots, blk.count))
            nslots += blk.count
    gslot_of = {(b.bi, j): b.off + j for b in gen for j in range(b.count)}
    slot_objs = [obj for bi, _off, _count in recv for obj in (pp_objects or {}).get(bi, [])]
    det_of: dict[int, int] = {}
    det_node, det_thresh, det_vecs, det_keys = [], [], [], []
    conns, c_det, stims, direct, by_nc = [], [], {}, [], {}
    g_nc, g_slot, g_W = [], [], []
    d_det, d_c, d_delay = [], [], []
    em_of, em_slot, em_vecs = {}, [], []
    e_src, e_c, e_delay = [], [], []
    width = max([len(b.names) for b in gen] + [1])
    for nc in netcons:
        hit = pp_index.get(id(nc.target)) if nc.target is not None else None
        gs = gslot_of.get(hit) if hit is not None else None
        if gs is not None:
            nargs = len(nc.weight)
            want = next(len(b.names) for b in gen if b.bi == hit[0])
            if nargs != want:
                raise ModelError(f"{nc.hoc_name()}: its weight vector has {nargs} entries but "
                                 f"NET_RECEIVE of {nc.target.hoc_name()} takes {want} arguments")
            slot = nslots
        else:
            slot = _target_slot(nc, blocks, pp_index, recv)
        conn = Connection(nc, slot if slot is not None else nslots, float(nc.weight[0]),
                          float(nc.delay), bool(nc.active))
        if gs is not None:
            conn.gc, conn.gslot = len(g_nc), gs
            g_nc.append(nc)
            g_slot.append(gs)
            row = np.zeros(width)
            row[:len(nc.weight)] = nc.weight
            g_W.append(row)
        by_nc[id(nc)] = conn
        src = nc.source
        vec = getattr(nc, "record_vec", None)
        if vec is not None:              # a recorder: (tvec, idvec or None, id)
            ids = getattr(nc, "record_ids", None)
            vec = (vec, ids[0], ids[1]) if ids else (vec, None, 0.0)
        if src is None:
            direct.append(conn)
            continue
        if hasattr(src, "var"):                     # &sec.v(x): a threshold detector
            node = _source_node(geo, nc)
            d = det_of.get(node)
            if d is None:
                d = det_of[node] = len(det_node)
                det_node.append(node)
                det_thresh.append(float(nc.threshold))
                det_vecs.append([])
                det_keys.append((id(src.section), float(src.x)))
            det_thresh[d] = float(nc.threshold)      # the detector's threshold is the last set
            if vec is not None:
                det_vecs[d].append(vec)
            if gs is not None:
                if conn.active:
                    d_det.append(d)
                    d_c.append(conn.gc)
                    d_delay.append(conn.delay)
            else:
                conns.append(conn)
                c_det.append(d)
            continue
        src_hit = pp_index.get(id(src))
        if src_hit is not None and src_hit[0] in host_blocks:     # a self-driven cell's spikes
            st = stims.get(id(src))
            if st is None:
                st = stims[id(src)] = StimSource(src, src_hit[0], src_hit[1])
            st.conns.append(conn)
            if vec is not None:
                st.vecs.append(vec)
            continue
        if src_hit is not None:                     # net_event of a point process / artificial cell
            es = gslot_of.get(src_hit)
            if es is None:
                raise ModelError(f"{nc.hoc_name()}: its source {src.hoc_name()} has no NET_RECEIVE "
                                 "that calls net_event")
            e = em_of.get(es)
            if e is None:
                e = em_of[es] = len(em_slot)
                em_slot.append(es)
                em_vecs.append([])
            if vec is not None:
                em_vecs[e].append(vec)
            if nc.target is not None and conn.active:
                if gs is None:
                    raise ModelError(f"{nc.hoc_name()}: events from {src.hoc_name()} into "
                                     f"{nc.target.hoc_name()} cannot be simulated by hocx yet")
                e_src.append(e)
                e_c.append(conn.gc)
                e_delay.append(conn.delay)
            continue
        mech = getattr(getattr(src, "mechanism", None), "name", "")
        raise ModelError(f"{nc.hoc_name()}: a {mech or type(src).__name__} source cannot be "
                         "simulated by hocx yet", hint="sources: &sec.v(x), a NetStim or nil")
    apcount.add_detectors(geo, apcs, det_node, det_thresh, det_vecs, det_keys, SPIKE_OFFSET)
    net = NetLowered(recv, nslots, np.array(det_node, dtype=np.int64),
                     np.array(det_thresh, dtype=np.float64), det_vecs, conns,
                     np.array(c_det, dtype=np.int64), list(stims.values()), direct, by_nc,
                     slot_objs=slot_objs, det_keys=det_keys,
                     hosts=[HostBlock(bi, blocks[bi].mech, blocks[bi].params, blocks[bi].states,
                                      list((pp_objects or {}).get(bi, [])))
                            for bi in sorted(host_blocks)])
    if gen:
        i64 = lambda x: np.array(x, dtype=np.int64)
        net.gen = NR.GenNet(gen, G, width, g_nc, i64(g_slot),
                            np.array(g_W, dtype=np.float64).reshape(len(g_nc), width),
                            i64(d_det), i64(d_c), np.array(d_delay, dtype=np.float64),
                            i64(em_slot), em_vecs, i64(e_src), i64(e_c),
                            np.array(e_delay, dtype=np.float64), Q=NR.QUEUE, slot_of=gslot_of,
                            row_objs=[o for b in gen for o in (pp_objects or {}).get(b.bi, [])])
    return net


def _valid(nc) -> bool:
    return not getattr(nc, "freed", False)


def _source_node(geo, nc) -> int:
    src = nc.source
    if getattr(src, "var", "v") != "v":
        raise ModelError(f"{nc.hoc_name()}: threshold detection on {src.describe()} is not supported",
                         hint="use a membrane voltage source such as &soma.v(0.5)")
    if not getattr(src.section, "exists", True):
        raise ModelError(f"{nc.hoc_name()}: its source section was deleted")
    return geo.node_of(src.section, src.x)


def _target_slot(nc, blocks, pp_index, recv) -> int | None:
    tgt = nc.target
    if tgt is None:
        return None
    hit = pp_index.get(id(tgt))
    name = tgt.hoc_name() if hasattr(tgt, "hoc_name") else str(tgt)
    if hit is None:
        raise ModelError(f"{nc.hoc_name()}: its target {name} is not placed in a section or cannot be "
                         "simulated by hocx")
    bi, inst = hit
    for b, off, _count in recv:
        if b == bi:
            return off + inst
    raise ModelError(f"{nc.hoc_name()}: {name} cannot receive events (it has no NET_RECEIVE)")


# ---------------------------------------------------------------------------------------
# inside the step (jax.numpy)


def deliver(jnp, lax, net_state: dict, v, t_n, Pn: dict, Tn: dict, X, i, ring: int, above=None):
    """Threshold detection at ``t_n`` and the summed weights due before this step
    (``above``: the detectors' ``v > threshold`` if already computed, by the general path).

    Returns (weights per slot, new event state, spike times of recorded detectors or −1).
    """
    q, qi = net_state["q"], net_state["qi"]
    if above is None:
        above = (v[Tn["det_node"]] - Pn["thresh"]) > 0.0
    fire = above & ~net_state["flags"]
    if Tn["c_det"].shape[0]:
        def schedule(q):
            rows = (qi + Pn["k"]) % ring
            return q.at[rows, Tn["c_slot"]].add(Pn["w"] * fire[Tn["c_det"]])
        q = lax.cond(jnp.any(fire), schedule, lambda q: q, q)
    W = q[qi]
    q = q.at[qi].set(0.0)
    ep = net_state["ep"]
    if X is not None:
        E = X["step"].shape[0]
        idx = ep + X["lanes"]
        idc = jnp.minimum(idx, E - 1)
        ok = (X["step"][idc] == i) & (idx < E)
        W = W.at[X["slot"][idc]].add(jnp.where(ok, X["w"][idc], 0.0))
        ep = ep + jnp.sum(ok)
    spikes = jnp.where(fire[Tn["rec_det"]], t_n + SPIKE_OFFSET, -1.0)
    return W, {"q": q, "qi": (qi + 1) % ring, "ep": ep, "flags": above}, spikes


def receive_all(xp, recv, mechs, P_blocks, S, W):
    """Apply summed weights ``W`` (per slot) to every receiving block's states."""
    S = list(S)
    for bi, off, count in recv:
        S[bi] = {**S[bi], **mechs[bi].receive(xp, P_blocks[bi], S[bi], W[off:off + count])}
    return S


# ---------------------------------------------------------------------------------------
# host side: external events


class EventQueue:
    """Pending external events (self-driven cells' spikes, ``nc.event``) and the recording
    of those spikes.

    An event remembers its NetCon, not a slot or a weight: the slot and the weight are looked
    up when it is delivered (NEURON reads the weight at delivery), so the queue survives the
    network being lowered again mid-run.  The self-driven cells (:mod:`hocx.sim.hostcells`)
    start here (their INITIAL: the queue is made at finitialize) unless ``live`` is False."""

    def __init__(self, net: NetLowered, live: bool = True, env: dict | None = None):
        self.net = net
        self.groups: list = []                  # (HostCells, its objects), started at finitialize
        self.heap: list[tuple[float, int, int]] = []
        self._seq = 0
        if live:
            from .hostcells import HostCells
            for hb in net.hosts:
                self.groups.append((HostCells(hb.mech, hb.params, hb.states, env,
                                              count=len(hb.objs)), hb.objs))

    def rebind(self, net: NetLowered) -> None:
        """The network was lowered again mid-run: keep pending events and the running cells;
        a NetStim created since finitialize stays silent until the next one (as in NEURON)."""
        self.net = net

    def push(self, te: float, nc) -> None:
        heapq.heappush(self.heap, (float(te), self._seq, id(nc)))
        self._seq += 1

    def push_netcon(self, nc, te: float) -> bool:
        """``nc.event(te)``; False if the NetCon is not in this network."""
        if id(nc) not in self.net.by_netcon:
            return False
        self.push(te, nc)
        return True

    def _generate(self, t_end: float) -> None:
        if not self.groups:
            return
        sources = {id(st.obj): st for st in self.net.stims}
        for cells, objs in self.groups:
            for inst, s in cells.advance(t_end):
                st = sources.get(id(objs[inst]))
                if st is None:
                    continue
                for c in st.conns:
                    self.push(s + c.delay, c.nc)
                for tvec, idvec, ident in st.vecs:
                    tvec.push(np.array([s]))
                    if idvec is not None:
                        idvec.push(np.array([ident]))

    def _pop(self, limit: float):
        """Due events as (te, slot, weight, general row) with the NetCons' present slot, weight
        and state."""
        while self.heap and self.heap[0][0] <= limit:
            te, _, key = heapq.heappop(self.heap)
            conn = self.net.by_netcon.get(key)
            if conn is not None and conn.active:
                yield te, conn.slot, conn.weight, conn.gc

    def take(self, tm: np.ndarray, t_end: float) -> list[tuple]:
        """Events due within steps with mid-times ``tm`` (each at the first step whose
        ``tm ≥ te``) as (step, slot, weight, te, general row); NetStim spikes up to ``t_end``
        are generated (and recorded) first."""
        self._generate(t_end)
        last = tm[-1] if len(tm) else -np.inf
        return [(int(np.searchsorted(tm, te, side="left")), slot, w, te, gc)
                for te, slot, w, gc in self._pop(last)]

    def take_initial(self) -> list[tuple[int, float]]:
        """Events with ``te ≤ 0``: finitialize delivers them ((slot, weight) of the summed
        receivers; those of general receivers are left in ``initial_general`` as (te, row))."""
        self._generate(0.0)
        out, self.initial_general = [], []
        for te, slot, w, gc in self._pop(0.0):
            if gc >= 0:
                self.initial_general.append((te, gc))
            else:
                out.append((slot, w))
        return out


def carry_over(old: NetLowered, old_state: dict, new: NetLowered) -> dict:
    """The event state of a network lowered again mid-run with a different shape: events in the
    ring move to their receivers' new slots (by object), rows re-based at the current step;
    detectors keep their flags by source."""
    q_old = np.asarray(old_state["q"])
    qi = int(old_state["qi"])
    st = new.state0()
    slot_of = {id(o): j for j, o in enumerate(new.slot_objs)}
    cols = [(i, slot_of[id(o)]) for i, o in enumerate(old.slot_objs) if id(o) in slot_of]
    rows = min(old.ring, new.ring)
    for r in range(rows):
        src = q_old[(qi + r) % old.ring]
        for i, j in cols:
            st["q"][r, j] += src[i]
    flags_old = np.asarray(old_state["flags"])
    where = {k: d for d, k in enumerate(old.det_keys)}
    for d, k in enumerate(new.det_keys):
        if k in where:
            st["flags"][d] = flags_old[where[k]]
    if old.gen is not None and new.gen is not None:     # pending NET_RECEIVE events, by object
        from .netreceive import carry_over as carry_general
        st.update(carry_general(old.gen, old_state, new.gen))
    return st


def bucket(n: int, least: int) -> int:
    """The next power of two ≥ max(n, least) (shapes that change rarely: few recompiles)."""
    n = max(int(n), least)
    return 1 << (n - 1).bit_length()


def pack_external(events: list[tuple], nslots: int) -> dict:
    """Per-chunk external events as padded arrays sorted by step, plus ``lanes`` (M per step).
    An event is (step, slot, weight[, te, general row]); one for a general receiver
    (row ≥ 0, :mod:`hocx.sim.netreceive`) keeps its exact time and adds nothing to the ring."""
    events = sorted(events, key=lambda e: e[0])
    E = bucket(len(events), 16)
    step = np.full(E, np.iinfo(np.int64).max // 2, dtype=np.int64)
    slot = np.full(E, nslots, dtype=np.int64)
    w = np.zeros(E)
    te = np.zeros(E)
    gc = np.full(E, -1, dtype=np.int64)
    per = 1
    if events:
        s = np.array([e[0] for e in events], dtype=np.int64)
        g = np.array([e[4] if len(e) > 4 else -1 for e in events], dtype=np.int64)
        step[:len(events)] = s
        slot[:len(events)] = np.where(g >= 0, nslots, [e[1] for e in events])
        w[:len(events)] = np.where(g >= 0, 0.0, [e[2] for e in events])
        te[:len(events)] = [e[3] if len(e) > 3 else 0.0 for e in events]
        gc[:len(events)] = g
        per = int(np.bincount(s).max())
    return {"step": step, "slot": slot, "w": w, "te": te, "gc": gc,
            "lanes": np.arange(bucket(per, 4), dtype=np.int64)}


def step_grid(t0: float, dt: float, n: int) -> tuple[np.ndarray, float]:
    """Mid-step times ``t_k + dt/2`` of the next ``n`` steps from ``t0`` (NEURON's accumulation)
    and the time after them."""
    h = 0.5 * dt
    tm = np.empty(n)
    t = t0
    for k in range(n):
        tm[k] = t + h
        t = (t + h) + h
    return tm, t
