"""NEURON's local variable time step (``cvode.use_local_dt(1)``, stdrun's ``cvode_local(1)``):
one CVODE integrator per cell, synchronised by the event queue (cvode_notes.md §7;
netcvode.cpp ``NetCvode::solve`` with ``gcv_`` null, ``local_microstep``, ``local_retreat``,
``allthread_handle``; ``Cvode::handle_step``).

A *cell* is one tree of sections (one root).  Each has its own part of NEURON's state vector
(its voltages, then its mechanism states, in the global order), its own absolute tolerances,
its own at_time points and its own CVODES memory (:mod:`.bdf`), time t, step [t0, tn] and
counters.  One microstep (``local_microstep``): if the earliest event is not later than the
earliest cell time it is delivered — a NetCon delivery interpolates its target cell back to
the delivery time and restarts it, a Dt / tvec sample interpolates the recorder's cell to the
sample time, stdrun's stop event interpolates every cell to tstop and records — otherwise the
cell furthest behind takes ``handle_step``: thresholds at its t (condition order 1), then its
pending restart, or an interpolation forward to the end of its step, or its per-step record
and one CVODE step.

The cells' equations are those of :class:`.system.CvSystem` for the whole model, restricted to
the cell's entries (the cells are coupled only through events, so the other entries do not
matter and the tree solve is block-diagonal by cell): f and the Newton solve of cell k run on
the full vector with cell k's part put in.  One CVODE step of one cell is one compiled call;
cells with the same number of equations share the compilation.  The event loop runs on the
host.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import numpy as np
import jax
import jax.numpy as jnp

from ...errors import NumericalError
from . import bdf
from .driver import EPS_, AT_TIME, CvodeRun, Stats, eps


def _eps(x: float) -> float:
    return EPS_ * abs(x)


@dataclass
class Cell:
    """One cell's integrator (NEURON's per-cell ``Cvode``)."""

    name: str
    idx: np.ndarray               # its entries in the global y
    at: jnp.ndarray               # its at_time points (inf-padded)
    atol: jnp.ndarray
    dets: np.ndarray              # its detectors
    mem: dict = None
    y: jnp.ndarray = None
    t: float = 0.0
    t0: float = 0.0
    tn: float = 0.0
    qt: float = 0.0               # its time in the integrator queue
    init: bool = True
    retreat: bool = False
    prior2init: int = 0
    h: float = 0.0
    stats: Stats = field(default_factory=Stats)


class LocalRun(CvodeRun):
    """The model's cells, each with its own CVODE, and the host event loop."""

    def __init__(self, low, env, record, settings, detectors=()):
        super().__init__(low, env, record, settings, detectors)
        sys = self.sys
        n = low.n
        root = np.arange(n)
        for i in range(n):                      # parents come before children
            p = low.parent[i]
            if p >= 0:
                root[i] = root[p]
        self.cell_of_node = np.searchsorted(np.unique(root), root)
        ncell = int(self.cell_of_node.max()) + 1 if n else 0
        owner = np.zeros(sys.neq, dtype=np.int64)
        owner[:sys.ncap] = self.cell_of_node[sys.cap]
        for bi, sl in enumerate(sys.slots):
            nodes = low.blocks[bi].nodes
            for _, ix in sl.items():
                owner[ix] = self.cell_of_node[nodes]
        at_cell = self._cell_at(low, ncell)
        atol = np.asarray(self.atol)
        det_cell = self.cell_of_node[np.asarray(self.det_node, dtype=np.int64)] if self.det else np.zeros(0, int)
        self.cells = []
        for k in range(ncell):
            idx = np.nonzero(owner == k)[0]
            self.cells.append(Cell(f"cell {k}", idx, at_cell[k], jnp.asarray(atol[idx]),
                                   np.nonzero(det_cell == k)[0]))
        self.y_full = None
        self.t_ret = None
        self._k_init = jax.jit(self._cell_init)
        self._k_step = jax.jit(self._cell_step)
        self._k_dky = jax.jit(bdf.dky)
        self._k_row = jax.jit(lambda t, yf, idx, yk, S0, P: self._row(t, yf.at[idx].set(yk), S0, P))
        self._k_thr = jax.jit(lambda yf, idx, yk, P: self._thresh(yf.at[idx].set(yk), P))

    def _cell_at(self, low, ncell):
        """Each cell's at_time points (its IClamps, SEClamps, AlphaSynapses), inf-padded."""
        at_cell = [[] for _ in range(ncell)]
        for blk in low.blocks:
            fn = AT_TIME.get(blk.mech.name)
            if fn is None:
                continue
            for j in range(blk.count):
                at_cell[self.cell_of_node[blk.nodes[j]]] += [float(x) for x in fn(
                    {k: v[j] for k, v in blk.params.items()})]
        width = max([len(a) for a in at_cell] + [0]) + 1
        out = []
        for a in at_cell:
            arr = np.full(width, np.inf)
            arr[:len(a)] = sorted(a)
            out.append(jnp.asarray(arr))
        return out

    def update(self, low, env) -> None:
        super().update(low, env)
        for c, at in zip(self.cells, self._cell_at(low, len(self.cells))):
            c.at = at

    # -- compiled pieces ---------------------------------------------------------------
    def _cell_fns(self, yf, idx, S0, P):
        sys = self.sys

        def f(t, yk):
            ydot, aux = sys.f(t, yf.at[idx].set(yk), S0, P)
            return ydot[idx], aux

        def ls(b, aux, gamma):
            return sys.solve(jnp.zeros_like(yf).at[idx].set(b), aux, gamma, P)[idx]
        return f, ls

    def _cell_init(self, mem, yk, t, at):
        """Cvode::init(t) of one cell: CVodeReInit, the stop time before its next at_time."""
        mem = bdf.reinit(mem, t, yk)
        nxt = jnp.min(jnp.where(at > t, at, jnp.inf))
        nxt = jnp.where(jnp.isfinite(nxt), nxt, t + 1e5)
        return {**mem, "tstop": nxt - eps(nxt)}

    def _cell_step(self, mem, yk, t, yf, idx, atol, rtol, at, S0, P):
        """Cvode::advance_tn of one cell: the at_time restart when t reached the stop time,
        else one CVODE step.  Returns (mem, y, t, restarted)."""
        tstop = mem["tstop"]
        f, ls = self._cell_fns(yf, idx, S0, P)

        def at_init(_):
            tend = tstop + 1.5 * eps(tstop)
            return self._cell_init(mem, yk, tend, at), yk, tend, jnp.bool_(True)

        def step(_):
            m2, tret, y, _ = bdf.one_step(mem, f, ls, rtol, atol)
            return m2, y, tret, jnp.bool_(False)
        return jax.lax.cond(t >= tstop - eps(t), at_init, step, None)

    def set_condition_order(self, order: int) -> None:
        self.order2 = order == 2

    # -- host: one cell --------------------------------------------------------------------
    def start(self, t, y, S0, stats_reset=True):
        """finitialize / re_init: every cell restarts at (t, its part of y)."""
        self.S0 = [{k: jnp.asarray(x) for k, x in s.items()} if s is not None else None for s in S0]
        self.y_full = jnp.asarray(y)
        self.t_ret = None
        yn = np.asarray(y)
        for c in self.cells:
            c.mem = bdf.new_memory(len(c.idx), int(self.settings.maxorder), float(self.settings.minstep),
                                   1.0 / float(self.settings.maxstep) if self.settings.maxstep > 0 else 0.0)
            c.y = jnp.asarray(yn[c.idx])
            if stats_reset:
                c.stats = Stats()
            self.init_cell(c, float(t))
            c.qt = c.t
        vals = np.asarray(self._thresh(self.y_full, self.P)) if self.det else np.zeros(0)
        self.above = vals > 0.0
        self.c = {"t": jnp.float64(t)}      # for CvodeRun.t

    def init_cell(self, c: Cell, t: float) -> None:
        c.mem = self._k_init(c.mem, c.y, jnp.float64(t), c.at)
        c.t = c.t0 = c.tn = t
        c.init, c.retreat, c.prior2init = False, False, 0
        c.stats.n_init += 1

    def advance_cell(self, c: Cell) -> None:
        mem, y, tnew, restarted = self._k_step(c.mem, c.y, jnp.float64(c.t), self.y_full, jnp.asarray(c.idx),
                                               c.atol, jnp.float64(self.settings.rtol), c.at, self.S0, self.P)
        if bool(restarted):
            c.mem, c.t = mem, float(tnew)
            c.t0 = c.tn = c.t
            c.retreat, c.prior2init = False, 0
            c.stats.n_init += 1
            c.stats.n_init_at_time += 1
            return
        if int(mem["failed"]) != 0:
            raise NumericalError(f"CVode failed at t = {c.t:g} ms in {c.name} (local step)",
                                 hint="loosen the tolerances (cvode.atol) or check the model")
        c.mem, c.y, c.t = mem, y, float(tnew)
        c.tn = float(mem["tn"])
        c.h = float(mem["h"])
        c.t0 = c.tn - c.h
        c.retreat = True
        c.stats.n_steps += 1

    def interpolate_cell(self, c: Cell, te: float) -> None:
        """Cvode::interpolate: nothing within eps of t or inside the restart interval."""
        if abs(te - c.t) <= _eps(c.t):
            c.t = te
            return
        if not c.retreat:
            return
        te = min(max(te, c.t0), c.tn)
        c.y = self._k_dky(c.mem, jnp.float64(te))
        c.t = te
        c.stats.n_interpolate += 1

    def row(self, c: Cell) -> np.ndarray:
        return np.asarray(self._k_row(jnp.float64(c.t), self.y_full, jnp.asarray(c.idx), c.y, self.S0, self.P))

    def thresholds(self, c: Cell) -> np.ndarray:
        return np.asarray(self._k_thr(self.y_full, jnp.asarray(c.idx), c.y, self.P))[c.dets]

    def full_y(self):
        y = np.array(self.y_full)
        for c in self.cells:
            y[c.idx] = np.asarray(c.y)
        return jnp.asarray(y)

    @property
    def t(self) -> float:
        """HOC's t: the least cell time (after fadvance, no later than the event that was
        next when it was called)."""
        if self.t_ret is not None:
            return self.t_ret
        return min(c.qt for c in self.cells) if self.cells else 0.0

    def h(self) -> float:
        c = min(self.cells, key=lambda c: c.qt) if self.cells else None
        return c.h if c is not None else 0.0

    def host_values(self):
        v, S, A = self._values_jit(jnp.float64(self.t), self.full_y(), self.S0, self.P)
        conv = lambda lst: [{k: np.asarray(x) for k, x in dct.items()} for dct in lst]
        return np.asarray(v), conv(S), conv(A)

    def statistics(self) -> Stats:
        out = Stats()
        for c in self.cells:
            for k in vars(out):
                setattr(out, k, getattr(out, k) + getattr(c.stats, k))
        return out


class LocalControl:
    """The local-step event loop for one :class:`LocalRun` (NetCvode::solve, lvardt branch).

    ``ctl`` is the session's CvodeControl: its plug-in (recordings, engine, network)."""

    STOP, NETCON, SAMPLE, THRESH = 0, 1, 2, 3

    def __init__(self, run: LocalRun, plugin):
        self.run, self.plugin = run, plugin
        self.heap = []
        self.seq = 0
        self.pulled = -np.inf
        self.buf = {}

    # -- set-up -----------------------------------------------------------------------------
    def rec_cell(self, r) -> int | None:
        """The cell whose integrator a recording follows (its variable's node; for ``&t`` the
        section accessed when record was called)."""
        src = r.source
        if src is None:
            return None
        low = self.run.low
        if src.kind == "v":
            return int(self.run.cell_of_node[src.index])
        if src.kind == "t":
            sec = getattr(r, "sec", None)
            if sec is None:
                return 0
            return int(self.run.cell_of_node[self.plugin.node_of(sec, 0.5)])
        return int(self.run.cell_of_node[low.blocks[src.block].nodes[src.index]])

    def start(self) -> None:
        """After finitialize: the recorders' cells, the first samples' events, NetStim events."""
        self.heap, self.seq, self.pulled = [], 0, -np.inf
        self.recs = [(r, self.rec_cell(r)) for r in self.plugin.recordings if r.source is not None]
        self.buf = {id(r): [] for r, _ in self.recs}
        self.after_init()
        for r, k in self.recs:
            if r.timed and np.isfinite(r.next_te):
                self.push(r.next_te, self.SAMPLE, r)
        # finitialize delivers the samples due at the start (nrn_finitialize: nrn_record_init,
        # then nrn_deliver_events)
        t0 = self.run.t
        while self.heap and self.heap[0][0] <= t0:
            te, _, kind, data = heapq.heappop(self.heap)
            self.deliver(te, kind, data)
        self.flush()

    def after_init(self) -> None:
        """NetCvode::re_init under the local step: each cell's conditions after its init."""
        self.reset_conditions()
        for c in self.run.cells:
            self.conditions(c)

    def push(self, te, kind, data) -> None:
        heapq.heappush(self.heap, (float(te), self.seq, kind, data))
        self.seq += 1

    def pull(self, horizon: float) -> None:
        q = self.plugin.engine.queue
        if q is None or horizon <= self.pulled:
            return
        for _, slot, w, te, gc in q.take(np.array([horizon]), horizon):
            self.push(te, self.NETCON, (int(slot), float(w)))
        self.pulled = horizon

    # -- recording -------------------------------------------------------------------------
    def record_continuous(self, c: Cell, k: int) -> None:
        mine = [r for r, kk in self.recs if kk == k and not r.timed]
        if not mine:
            return
        row = self.run.row(c)
        for r in mine:
            self.buf[id(r)].append(float(row[r.col]))

    def flush(self) -> None:
        for r, _ in self.recs:
            b = self.buf.get(id(r))
            if b:
                r.vec.push(np.array(b))
                b.clear()

    # -- events ----------------------------------------------------------------------------
    def deliver(self, te, kind, data) -> bool:
        """One event; True for stdrun's stop event."""
        run = self.run
        if kind == self.STOP:
            for k, c in enumerate(run.cells):     # allthread_handle: every cell to tstop
                run.interpolate_cell(c, te)
                c.qt = te
                self.record_continuous(c, k)
            return True
        if kind == self.THRESH:                   # PreSyn::deliver of a threshold event
            alive, d = data
            if alive:
                self.o2["pending"][d] = None
                self.send(d, te)
            return False
        if kind == self.SAMPLE:
            r = data
            k = next(kk for rr, kk in self.recs if rr is r)
            c = run.cells[k]
            run.interpolate_cell(c, te)           # PlayRecordEvent::deliver: local_retreat
            c.qt = te
            val = te if r.source.kind == "t" else float(run.row(c)[r.col])
            self.buf[id(r)].append(val)
            r.advance_te()
            if np.isfinite(r.next_te):
                self.push(r.next_te, self.SAMPLE, r)
            return False
        slot, w = data                            # NetCon::deliver to a synapse
        net = run.low.net
        for bi, off, count in net.recv:
            if off <= slot < off + count:
                j = slot - off
                blk = run.low.blocks[bi]
                k = int(run.cell_of_node[blk.nodes[j]])
                c = run.cells[k]
                run.interpolate_cell(c, te)
                c.qt = te
                c.init = True                     # set_init_flag: record once before the jump
                c.prior2init += 1
                if c.prior2init == 1:
                    self.record_continuous(c, k)
                sl = run.sys.slots[bi]
                yk = np.array(c.y)
                pos = {int(g): i for i, g in enumerate(c.idx)}
                p = {kk: v[j] for kk, v in blk.params.items()}
                s0 = run.S0[bi] or {}           # carried values (Exp2Syn's factor), then the states
                s_ = {**{kk: np.asarray(x)[j] for kk, x in s0.items()},
                      **{kk: yk[pos[int(ix[j])]] for kk, ix in sl.items()}}
                for kk, x in blk.mech.receive(np, p, s_, w).items():
                    if kk in sl:
                        yk[pos[int(sl[kk][j])]] = float(x)
                c.y = jnp.asarray(yk)
        return False

    def send(self, d: int, t: float) -> None:
        """PreSyn::send: the spike stamp, and an event at t + delay for each of its NetCons."""
        net = self.run.low.net
        for tvec, idvec, ident in net.det_vecs[d]:
            tvec.push(np.array([t]))
            if idvec is not None:
                idvec.push(np.array([ident]))
        for j in np.nonzero(net.c_det == d)[0]:
            cn = net.conns[j]
            if cn.active and cn.slot < net.nslots:
                self.push(t + cn.delay, self.NETCON, (int(cn.slot), float(cn.weight)))

    def spikes(self, c: Cell, k: int) -> bool:
        """Condition order 1 at the cell's t: spike stamps, NetCon events at t + delay."""
        run = self.run
        if not len(c.dets) or self.order2:
            return False
        val = run.thresholds(c)
        above = val > 0.0
        for d, a in zip(c.dets, above):
            if a and not run.above[d]:
                self.send(int(d), c.t)
            run.above[d] = a
        return bool(self.heap) and self.heap[0][0] <= c.t

    def reset_conditions(self) -> None:
        n = len(self.run.det)
        self.o2 = {"flag": np.zeros(n, bool), "valthr": np.zeros(n), "valold": np.zeros(n),
                   "told": np.zeros(n), "pending": [None] * n}

    def conditions(self, c: Cell) -> None:
        """ConditionEvent::condition (condition_order(2)) for the cell's detectors, after each of
        its steps and initialisations: a pending threshold event is abandoned; an upward
        crossing queues one at the linearly interpolated time (sent at once right after an
        initialisation)."""
        if not self.order2 or not len(c.dets):
            return
        o = self.o2
        val = self.run.thresholds(c)
        inited = c.t0 == c.tn
        for d, x in zip(c.dets, val):
            d = int(d)
            if o["pending"][d] is not None:
                o["pending"][d][0] = False            # abandoned
                o["pending"][d] = None
                o["valthr"][d] = 0.0
                o["flag"][d] = False
            vo = o["valold"][d]
            if not o["flag"][d] and x >= 0.0:
                o["flag"][d] = True
                o["valthr"][d] = 0.0
                if inited:
                    self.send(d, c.t)
                else:
                    o["valthr"][d] = vo
                    th = -vo / (x - vo)
                    th = th * c.t + (1.0 - th) * o["told"][d]
                    token = [True, d]
                    o["pending"][d] = token
                    self.push(th, self.THRESH, token)
            elif o["flag"][d] and vo < o["valthr"][d] and x < o["valthr"][d]:
                o["flag"][d] = False
            o["valold"][d] = x
            o["told"][d] = c.t

    def handle_step(self, k: int) -> None:
        run = self.run
        c = run.cells[k]
        if self.spikes(c, k):
            return
        if c.init:
            run.init_cell(c, c.t)
            self.conditions(c)
        elif c.t < c.tn:
            run.interpolate_cell(c, c.tn)
        else:
            self.record_continuous(c, k)
            run.advance_cell(c)
            self.conditions(c)

    def microstep(self) -> bool:
        run = self.run
        te = self.heap[0][0] if self.heap else np.inf
        k = min(range(len(run.cells)), key=lambda i: run.cells[i].qt)
        c = run.cells[k]
        if te <= c.qt:
            te, _, kind, data = heapq.heappop(self.heap)
            return self.deliver(te, kind, data)
        self.handle_step(k)
        c.qt = c.t
        return False

    @property
    def order2(self) -> bool:
        return getattr(self.run, "order2", False)

    # -- solve / fadvance --------------------------------------------------------------------
    def solve(self, tout: float, stop_event: bool) -> None:
        """cvode.solve(tout) (``stop_event``: stdrun's continuerun, with cvode.event(tout))."""
        run = self.run
        run.t_ret = None
        self.pull(tout)
        if stop_event:
            self.push(tout, self.STOP, None)
        stopped = False
        while min(c.qt for c in run.cells) < tout or (self.heap and self.heap[0][0] <= tout):
            if self.microstep():
                stopped = True
                while self.heap and self.heap[0][0] <= tout:     # deliver_events(tt)
                    te, _, kind, data = heapq.heappop(self.heap)
                    self.deliver(te, kind, data)
                break
        if not stopped:
            for k, c in enumerate(run.cells):
                run.interpolate_cell(c, tout)
                c.qt = tout
                self.record_continuous(c, k)
        self.flush()

    def fadvance(self) -> None:
        """solve(-1): microsteps until the least cell time advances or the next event passes."""
        run = self.run
        run.t_ret = None
        tc = min(c.qt for c in run.cells)
        self.pull(tc + 1e3)
        te = self.heap[0][0] if self.heap else np.inf
        while min(c.qt for c in run.cells) <= tc and (self.heap[0][0] if self.heap else np.inf) <= te:
            self.microstep()
        run.t_ret = min(min(c.qt for c in run.cells), te)
        self.flush()

    def statistics_text(self) -> str:
        out = []
        for c in self.run.cells:
            s = c.stats
            out.append(f"Cvode {c.name} statistics : {len(c.idx)} CVode states\n"
                       f"   {s.n_steps} advance_tn, {s.n_interpolate} interpolate, {s.n_init} init "
                       f"({s.n_init_at_time} due to at_time)\n")
        return "\n".join(out)
