"""The session side of CVode: settings, finitialize / fadvance / continuerun under the
variable step, Vector.record sampling and NetCon.record spike stamps (cvode_notes.md §6, §7).

One :class:`CvodeControl` per simulator plug-in (NEURON has one NetCvode); every HOC
``CVode`` object talks to it.  The compiled loop (:class:`hocx.sim.cvode.driver.CvodeRun`) is
kept while the model's structure, the recording set and the tolerances are unchanged.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from ...errors import HocRuntimeError
from .driver import CvodeRun, Settings
from .local import LocalControl, LocalRun

#: how far past the run's end timed samples are scheduled (fadvance loops, run() past tstop)
SAMPLE_MARGIN = 1000


class CvodeControl:
    """NetCvode's state as hocx keeps it."""

    def __init__(self, plugin):
        self.plugin = plugin
        self.active = False
        self.local = False                       # cvode.use_local_dt: one integrator per cell
        self.lc: LocalControl | None = None
        self.settings = Settings()
        self.run: CvodeRun | None = None
        self._key = None
        self.started = False
        self.reset_events()

    # -- building ---------------------------------------------------------------------
    def _prepare(self, span=None) -> CvodeRun:
        p = self.plugin
        p.sync(span)
        eng = p.engine
        low = eng.low
        if low.net is not None and low.net.gen is not None:
            raise HocRuntimeError("CVode with NET_RECEIVE blocks of translated mods is not supported "
                                  "by hocx yet", span, hint="use the fixed step (cvode.active(0))")
        det = []
        if low.net is not None:
            dlv = [any(c.slot < low.net.nslots for j, c in enumerate(low.net.conns) if low.net.c_det[j] == d)
                   for d in range(len(low.net.det_node))]
            det = list(zip(low.net.det_node.tolist(), low.net.det_thresh.tolist(), dlv))
        st = self.settings
        shape = (low.parent.tobytes(), low.has_cap.tobytes(),
                 tuple((b.mech.name, b.nodes.tobytes(), tuple(sorted(b.pointers))) for b in low.blocks))
        key = (self.local, shape, eng.record, tuple(det), replace(eng.env, dt=0.025),
               st.atol, st.rtol, st.maxstep, st.minstep, st.maxorder, tuple(sorted(st.atolscale.items())))
        if key != self._key or self.run is None:
            old = self.run
            self.run = (LocalRun if self.local else CvodeRun)(low, eng.env, eng.record, st, det)
            self._key = key
            if self.local:
                self.lc = LocalControl(self.run, self.plugin)
            if old is not None and self.started:   # a structure change mid-run: restart there
                v, states, _ = eng.host_state()
                self.run.start(eng.t, self.run.sys.gather_y(v, states), states)
        elif low is not self.run.low:
            self.run.update(low, eng.env)          # values changed (a parameter was set)
        self.run.set_condition_order(st.condition_order)
        return self.run

    # -- finitialize / re_init ------------------------------------------------------------
    def finitialize(self, span=None) -> None:
        run = self._prepare(span)
        eng = self.plugin.engine
        v, states, _ = eng.host_state()
        run.start(eng.t, run.sys.gather_y(v, states), states)
        for r in self.plugin.recordings:
            r.reset()
        self.reset_events()
        self.started = True
        if self.local:
            self.lc.start()
        self._adopt()

    def re_init(self, span=None) -> None:
        """cvode.re_init(): restart at the present t and state, statistics reset."""
        if not self.started:
            return
        run = self._prepare(span)
        v, states, _ = run.host_values()
        run.start(run.t, run.sys.gather_y(v, states), states)
        if self.local:
            self.lc.after_init()
        self._adopt()

    def _ensure(self, span):
        if not self.started or self.run is None:
            self.finitialize(span)
            return self.run
        return self._prepare(span)

    # -- running --------------------------------------------------------------------------
    def continuerun(self, tstop: float, using_cvode: bool, span=None) -> None:
        run = self._ensure(span)
        if self.local:
            self._local_check(span)
            if using_cvode:        # stdrun: cvode.event(tstop), cvode.solve(tstop)
                self.lc.solve(tstop, stop_event=True)
            else:
                ts = tstop - 0.5 * float(self.plugin.interp.get_global("dt"))
                while run.t < ts:
                    self.lc.fadvance()
            self._adopt()
            return
        if using_cvode:
            # stdrun: cvode.event(tstop); fadvance while t < tstop (HOC's fuzzy <: t below
            # tstop - float_epsilon); one more step() delivers the events at tstop and records
            fuzz = float(self.plugin.interp.get_global("float_epsilon"))
            if run.t < tstop - fuzz:
                self._go(tstop, host_stop=tstop, t_until=tstop - fuzz)
            if run.t >= tstop:
                self._go(tstop, host_stop=tstop)
                self._record_now()
            else:
                self._short_of_tstop(tstop)
        else:
            ts = tstop - 0.5 * float(self.plugin.interp.get_global("dt"))
            if run.t < ts:
                self._go(None, t_until=ts)
        self._adopt()

    def _local_check(self, span) -> None:
        """The local step reads condition_order at each threshold test."""
        self.run.set_condition_order(self.settings.condition_order)

    def _short_of_tstop(self, tstop: float) -> None:
        """The loop's last fadvance ended within float_epsilon below tstop (a Dt sample whose
        running sum fell just short of it): stdrun's extra step() is one more fadvance, which
        delivers the events at t and moves the integrator to the stop event's time without
        delivering it — nothing is recorded at tstop, and when tstop is within eps of t NEURON's
        interpolate leaves t (and the state) where they were (Cvode::interpolate)."""
        run = self.run
        t_s, y_s = run.t, run.c["y"]
        self._go(None, host_stop=tstop, t_until=np.nextafter(t_s, np.inf), stop_on_init=True, once=True)
        eps = 100.0 * 2.220446049250313e-16
        if run.t == tstop and abs(tstop - t_s) <= eps * abs(t_s):
            run.set_time(t_s, y_s)
        elif tstop < run.t <= tstop + 2.0 * eps * abs(run.t):
            # the step ended at an at_time stop just before tstop and restarted just past it:
            # the stop event lies inside the restart interval, where NEURON moves only t there
            run.set_time(tstop, run.c["y"])

    def fadvance(self, span=None) -> None:
        run = self._ensure(span)
        if self.local:
            self._local_check(span)
            self.lc.fadvance()
            self._adopt()
            return
        self._go(None, t_until=np.nextafter(run.t, np.inf), stop_on_init=True, once=True)
        self._adopt()

    def solve(self, tout: float, span=None) -> None:
        """cvode.solve(tout): to tout, interpolated there, recorded."""
        run = self._ensure(span)
        if self.local:
            self._local_check(span)
            if tout > run.t:
                self.lc.solve(tout, stop_event=False)
            self._adopt()
            return
        if tout > run.t:
            self._go(tout, host_stop=tout)
            self._record_now()
        self._adopt()

    def _record_now(self) -> None:
        """record_continuous at the present state (stop events, before a delivery's jump)."""
        final = self.run.row_now()[None, :]
        self._take(final, np.zeros((0, final.shape[1])), np.zeros(0), [], [])

    def _go(self, upto, host_stop=np.inf, t_until=np.inf, stop_on_init=False, once=False) -> None:
        """Run the compiled loop, delivering NetCon events on the host between its calls."""
        run = self.run
        while True:
            samples, owners = self._schedule(upto)
            horizon = upto if upto is not None else run.t + 1e3
            self._pull_events(horizon)
            te_ev = self.pending[0][0] if self.pending else np.inf
            reason, steps, samp, spikes = run.run(samples, host_te=min(host_stop, te_ev),
                                                  t_until=t_until, stop_on_init=stop_on_init)
            self._take(steps, samp, samples, owners, spikes)
            self._queue_spikes(spikes)
            if reason == 1 and self.pending and self.pending[0][0] <= run.t:
                if self.pending[0][0] < run.t:   # queued behind t (an interpolated spike + delay)
                    run.interpolate_to(self.pending[0][0])
                self._deliver(run.t)
                if once:
                    return
                continue
            if reason == 6:
                if once and run.t >= t_until:
                    return
                continue
            return

    # -- NetCon events ------------------------------------------------------------------------
    def reset_events(self) -> None:
        self.pending = []
        self.pulled = -np.inf

    def _pull_events(self, horizon: float) -> None:
        """NetStim / nc.event deliveries up to ``horizon`` from the engine's queue."""
        q = self.plugin.engine.queue
        if q is None or horizon <= self.pulled:
            return
        for _, slot, w, te, gc in q.take(np.array([horizon]), horizon):
            self.pending.append((float(te), int(slot), float(w)))
        self.pending.sort(key=lambda e: e[0])
        self.pulled = horizon

    def _queue_spikes(self, spikes) -> None:
        net = self.plugin.engine.low.net
        if net is None:
            return
        for t, det in spikes:
            for j in np.nonzero(net.c_det == det)[0]:
                c = net.conns[j]
                if c.active and c.slot < net.nslots:
                    self.pending.append((t + c.delay, int(c.slot), float(c.weight)))
        self.pending.sort(key=lambda e: e[0])

    def _deliver(self, t: float) -> None:
        """NetCon::deliver for every event at t: record once, jump the states, restart."""
        run = self.run
        net = self.plugin.engine.low.net
        self._record_now()
        y = np.array(run.c["y"])
        while self.pending and self.pending[0][0] <= t:
            _, slot, w = self.pending.pop(0)
            for bi, off, count in net.recv:
                if off <= slot < off + count:
                    j = slot - off
                    blk = run.low.blocks[bi]
                    sl = run.sys.slots[bi]
                    p = {k: v[j] for k, v in blk.params.items()}
                    s0 = run.S0[bi] or {}       # carried values (Exp2Syn's factor), then the states
                    s_ = {**{k: np.asarray(x)[j] for k, x in s0.items()},
                          **{k: y[idx[j]] for k, idx in sl.items()}}
                    new = blk.mech.receive(np, p, s_, w)
                    for k, x in new.items():
                        if k in sl:
                            y[sl[k][j]] = float(x)
        run.set_y(y)

    # -- samples --------------------------------------------------------------------------
    def _schedule(self, upto):
        """The timed samples still due (every Dt and tvec recorder), merged by time: (times,
        owners[k] = list of (recording, its k-th pending sample))."""
        recs = [r for r in self.plugin.recordings if r.timed and r.source is not None]
        table: dict[float, list] = {}
        t_now = self.run.t
        for r in recs:
            te, k, n = r.next_te, r.k, 0
            while np.isfinite(te) and n < 200000:
                if upto is not None and te > upto:
                    break
                if upto is None and te > t_now + SAMPLE_MARGIN * (r.Dt or 1.0):
                    break
                table.setdefault(te, []).append(r)
                n += 1
                if r.Dt is not None:
                    te = te + r.Dt
                else:
                    k += 1
                    x = r.tvec.x
                    te = float(x[k]) if k < len(x) else np.inf
        times = np.array(sorted(table), dtype=np.float64)
        return times, [table[t] for t in times]

    def _take(self, steps, samp, times, owners, spikes) -> None:
        """Hand per-step rows to the every-step recorders, sample rows to the timed ones."""
        for r in self.plugin.recordings:
            if r.source is None:
                continue
            if not r.timed:
                if len(steps):
                    r.vec.push(np.asarray(steps[:, r.col]))
        for j in range(len(samp)):
            te = float(times[j])
            for r in owners[j]:
                val = te if r.source.kind == "t" else float(samp[j, r.col])
                r.vec.push(np.array([val]))
                r.advance_te()
        net = self.plugin.engine.low.net
        for t, det in spikes:
            for tvec, idvec, ident in net.det_vecs[det]:
                tvec.push(np.array([t]))
                if idvec is not None:
                    idvec.push(np.array([ident]))

    def _adopt(self) -> None:
        run = self.run
        v, states, asg = run.host_values()
        h = run.h()
        self.plugin.adopt_state(run.t, v, states, asg, dt=h if h > 0 else 1e-8)

    # -- statistics -------------------------------------------------------------------------
    def statistics(self):
        """The counters since the last initialisation (summed over the cells' integrators)."""
        return self.run.statistics() if self.run is not None else None

    def statistics_text(self) -> str:
        if self.run is None:
            return "Cvode not initialized\n"
        if self.local:
            return self.lc.statistics_text()
        s = self.run.statistics()
        return (f"Cvode statistics : {self.run.sys.neq} CVode states\n"
                f"   {s.n_steps} advance_tn, {s.n_interpolate} interpolate, {s.n_init} init "
                f"({s.n_init_at_time} due to at_time)\n"
                f"   {s.n_f} function evaluations, {s.n_mxb} mx=b solves, {s.n_jac} jacobian setups\n")
