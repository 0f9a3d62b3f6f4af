"""NEURON's global variable-step event loop (``NetCvode::solve``, ``global_microstep``,
``Cvode::handle_step``, ``advance_tn``, ``init``, ``interpolate``) as one compiled loop.

One iteration of :meth:`CvodeRun._loop` is one NEURON microstep (cvode_notes.md §5–§7):

* the earliest event (a record sample time, or the host's next event) at or before t is
  delivered (a sample takes the record row at the current state);
* otherwise ``handle_step``: threshold checks at t (condition order 1), then a pending
  re-initialisation, or an interpolation to the event time if it lies inside the last step,
  or an interpolation forward to the end of the last step, or else the per-step record row
  and ``advance_tn`` — a CVODE step (:func:`hocx.sim.cvode.bdf.one_step`) clipped at the stop
  time ``next at_time − ε``, or the at_time restart at ``tstop + 1.5 ε`` when it got there.

The loop leaves when the host has an event due (NetCon deliveries, stdrun's stop event), when
t passed ``t_until`` (fadvance / continuerun), after a restart when asked, when a buffer is
full, or when CVODE failed.  Nothing per step runs in Python.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
import jax
import jax.numpy as jnp
from jax import lax

from ...errors import NumericalError
from . import bdf
from .system import CvSystem

EPS_ = 100.0 * 2.220446049250313e-16
#: XLA options for the loop.  By default none: with LLVM's full optimisation the rounding is
#: closest to NEURON's (cv_ball_stick: 2.4e-7 mV from NEURON, 9e-7 mV with the fast-compile
#: options below, which halve the compile time); HOCX_CV_FAST_COMPILE=1 picks speed.
FAST_COMPILE = ({"xla_llvm_disable_expensive_passes": True, "xla_backend_optimization_level": 0}
                if os.environ.get("HOCX_CV_FAST_COMPILE") == "1" else {})


def eps(x):
    """NetCvode::eps."""
    return EPS_ * jnp.abs(x)


@dataclass
class Settings:
    """The CVode object's integration settings."""

    atol: float = 1e-3
    rtol: float = 0.0
    maxstep: float = 1e9
    minstep: float = 0.0
    maxorder: int = 5
    condition_order: int = 1
    #: atolscale multipliers by state name ("m_hh", "ExpSyn.g", "v"): stored as C floats
    atolscale: dict = field(default_factory=dict)


@dataclass
class Stats:
    n_steps: int = 0
    n_interpolate: int = 0
    n_init: int = 0
    n_init_at_time: int = 0
    n_f: int = 0
    n_mxb: int = 0
    n_jac: int = 0


#: at_time discontinuities of the built-ins (their BREAKPOINT's at_time calls)
AT_TIME = {
    "IClamp": lambda p: [p["del"], p["del"] + p["dur"]],
    "SEClamp": lambda p: [p["dur1"], p["dur1"] + p["dur2"], p["dur1"] + p["dur2"] + p["dur3"]],
    "AlphaSynapse": lambda p: [p["onset"]],
}


def at_times(low) -> np.ndarray:
    out = []
    for blk in low.blocks:
        fn = AT_TIME.get(blk.mech.name)
        if fn is None:
            continue
        for j in range(blk.count):
            out += [float(x) for x in fn({k: v[j] for k, v in blk.params.items()})]
    return np.array(sorted(out) + [np.inf], dtype=np.float64)


def atol_vector(sys: CvSystem, settings: Settings) -> np.ndarray:
    """Cvode::init_eqn's atol vector: atol × min(1, scale(v)) for voltages, atol × the state's
    scale (a C float) for mechanism states."""
    def f32(x):
        return float(np.float32(x))
    a = np.full(sys.neq, float(settings.atol))
    sv = settings.atolscale.get("v")
    if sv is not None:
        a[:sys.ncap] *= min(1.0, f32(sv))
    for bi, sl in enumerate(sys.slots):
        mech = sys.mechs[bi]
        for k, idx in sl.items():
            for key in (f"{k}_{mech.name}", f"{mech.name}.{k}"):
                if key in settings.atolscale:
                    a[idx] *= f32(settings.atolscale[key])
                    break
    return a


class CvodeRun:
    """The compiled microstep loop for one model structure and its host-side state."""

    KS = 4096          # per-step rows per loop call
    KSPK = 256         # spikes per loop call
    KT = 256           # timed samples per loop call

    def __init__(self, low, env, record, settings: Settings, detectors=()):
        self.sys = CvSystem(low, env, record)
        self.low, self.env, self.settings = low, env, settings
        self.record = tuple(record)
        self.P = self.sys.params(env)
        self.at = jnp.asarray(at_times(low))
        self.atol = jnp.asarray(atol_vector(self.sys, settings))
        self.det = list(detectors)          # (node, threshold)
        from ..integrator import Program
        groups, perm = Program._plan_record(self.record)
        self.groups = [k for k, _ in groups]
        self.rec_idx = [jnp.asarray(idx) for _, idx in groups]
        self.perm = jnp.asarray(perm)
        self.det_node = jnp.asarray(np.array([d[0] for d in self.det], dtype=np.int64))
        self.det_thr = jnp.asarray(np.array([d[1] for d in self.det], dtype=np.float64))
        self.det_dlv = jnp.asarray(np.array([bool(d[2]) if len(d) > 2 else False for d in self.det], dtype=bool))
        self.stats = Stats()
        self._loop = jax.jit(self._loop_fn, static_argnames=("KS", "KT", "KSPK"),
                             compiler_options=FAST_COMPILE)
        self._row_jit = jax.jit(self._row)
        self._values_jit = jax.jit(self._values)
        self._init_jit = jax.jit(self._init)
        self.P = {**self.P, "det_thr": self.det_thr}
        self.c = None

    def update(self, low, env) -> None:
        """New values for the same structure (a parameter was set): the integrator goes on."""
        self.low, self.env = low, env
        self.sys.low, self.sys.env = low, env
        self.P = {**self.sys.params(env), "det_thr": self.det_thr}
        self.at = jnp.asarray(at_times(low))
        if self.c is not None:
            self.c = {**self.c, "at": self.at}

    def set_condition_order(self, order: int) -> None:
        """cvode.condition_order(n): used from the next threshold test on."""
        if self.c is not None and bool(self.c["order2"]) != (order == 2):
            self.c = {**self.c, "order2": jnp.bool_(order == 2)}

    # -- pieces -----------------------------------------------------------------------
    def _f(self, S0, P):
        sys = self.sys
        return lambda t, y: sys.f(t, y, S0, P)

    def _lsolve(self, P):
        sys = self.sys

        def ls(b, aux, gamma):
            return sys.solve(b, aux, gamma, P)
        return ls

    def _row(self, t, y, S0, P):
        return self.sys.row(t, y, S0, P, self.groups, self.rec_idx, self.perm)

    def _thresh(self, y, P):
        if not self.det:
            return jnp.zeros((0,))
        v = self.sys.full_v(y, P)
        return v[self.det_node] - P["det_thr"]

    def _init(self, c, t, P):
        """Cvode::init(t): CVodeReInit at (t, y), the f call, the next stop time."""
        m0 = c["mem"]
        c = {**c, "acc_f": c["acc_f"] + m0["nfe"], "acc_mxb": c["acc_mxb"] + m0["nni"],
             "acc_jac": c["acc_jac"] + m0["nsetups"]}
        mem = bdf.reinit(m0, t, c["y"])
        at = c["at"]
        nxt = jnp.min(jnp.where(at > t, at, jnp.inf))
        nxt = jnp.where(jnp.isfinite(nxt), nxt, t + 1e5)
        mem = {**mem, "tstop": nxt - eps(nxt)}
        c = {**c, "mem": mem, "t": t, "tn": t, "t0": t, "init": jnp.bool_(False),
             "retreat": jnp.bool_(False), "n_init": c["n_init"] + 1, "n_fx": c["n_fx"] + 1}
        return self._cond2(c, P)

    def _cond2(self, c, P):
        """ConditionEvent::condition for every detector (condition_order(2) only), after each
        CVODE step and initialisation: a pending threshold event is abandoned (the integrator
        was restarted before it); an upward crossing (value >= 0 after < 0) queues a threshold
        event at the time interpolated linearly between the last two evaluations, or at t right
        after an initialisation; the flag falls when two successive values are below the value
        before the crossing."""
        if not self.det:
            return c
        val = self._thresh(c["y"], P)
        t = c["t"]
        inited = c["t0"] == c["tn"]
        pend = jnp.isfinite(c["qth"])
        flag = c["flag2"] & ~pend
        valthr = jnp.where(pend, 0.0, c["valthr"])
        qth = jnp.where(pend, jnp.inf, c["qth"])
        up = ~flag & (val >= 0.0)
        vo = c["valold"]
        frac = -vo / jnp.where(up & ~inited, val - vo, 1.0)
        th = jnp.where(inited, t, frac * t + (1.0 - frac) * c["told"])
        qth = jnp.where(up, th, qth)
        valthr = jnp.where(up, jnp.where(inited, 0.0, vo), valthr)
        down = flag & (vo < valthr) & (val < valthr)
        flag = jnp.where(up, True, jnp.where(down, False, flag))
        new = {"qth": qth, "flag2": flag, "valthr": valthr, "valold": val,
               "told": jnp.full_like(val, t)}
        o2 = c["order2"]
        return {**c, **{k: jnp.where(o2, x, c[k]) for k, x in new.items()}}

    # -- the loop -----------------------------------------------------------------------
    def _loop_fn(self, c, S0, P, samples, host_te, t_until, stop_on_init, *, KS, KT, KSPK):
        f = self._f(S0, P)
        ls = self._lsolve(P)
        nrec = len(self.record)
        rtol = c["rtol"]
        atol = c["atol"]
        ndet = len(self.det)
        bufs = {"steps": jnp.zeros((KS, nrec)), "ns": jnp.int64(0),
                "samp": jnp.zeros((KT, nrec)),
                "spk": jnp.zeros((KSPK,)), "spkid": jnp.zeros((KSPK,), jnp.int64), "nspk": jnp.int64(0)}
        c = {**c, "reason": jnp.int64(0)}

        def cond(s):
            c, b = s
            return c["reason"] == 0

        def body(s):
            c, b = s
            k = c["k"]
            te_s = jnp.where(k < samples.shape[0], samples[jnp.minimum(k, samples.shape[0] - 1)], jnp.inf)
            # condition order 2's queued threshold events come first at equal times
            te_q = jnp.min(c["qth"]) if ndet else jnp.inf
            te = jnp.minimum(jnp.minimum(te_s, host_te), te_q)
            deliver = te <= c["t"]
            is_thresh = deliver & (te_q <= te_s) & (te_q <= host_te)
            is_sample = deliver & ~is_thresh & (te_s <= host_te)
            host_due = deliver & ~is_thresh & ~(te_s <= host_te)

            r = self._row(c["t"], c["y"], S0, P)

            def do_sample(cb):
                c, b = cb
                b = {**b, "samp": b["samp"].at[jnp.minimum(k, KT - 1)].set(r)}
                return {**c, "k": k + 1}, b

            def push_spikes(b, new, times):
                order = jnp.cumsum(new.astype(jnp.int64)) - 1
                slot = b["nspk"] + order
                ok = new & (slot < KSPK)
                spk = b["spk"].at[jnp.where(ok, slot, KSPK)].set(times, mode="drop")
                spkid = b["spkid"].at[jnp.where(ok, slot, KSPK)].set(
                    jnp.arange(ndet, dtype=jnp.int64), mode="drop")
                return {**b, "spk": spk, "spkid": spkid, "nspk": b["nspk"] + jnp.sum(new)}

            def do_thresh(cb):
                # PreSyn::deliver of condition order 2's threshold event: the spike at its time
                c, b = cb
                new = c["qth"] <= c["t"]
                b = push_spikes(b, new, c["qth"])
                return {**c, "qth": jnp.where(new, jnp.inf, c["qth"]),
                        "fired": jnp.any(new & self.det_dlv)}, b

            def do_handle(cb):
                c, b = cb
                # condition order 1: thresholds at t
                if ndet:
                    val = self._thresh(c["y"], P)
                    above = val > 0.0
                    new = above & ~c["above"] & ~c["order2"]
                    b = push_spikes(b, new, jnp.full_like(val, c["t"]))
                    c = {**c, "above": above, "fired": jnp.any(new & self.det_dlv)}

                def do_init(cb):
                    c, b = cb
                    c = self._init(c, c["t"], P)
                    return {**c, "inited": jnp.bool_(True)}, b

                def do_interp(cb):
                    c, b = cb
                    return {**c, "y": bdf.dky(c["mem"], te), "t": te, "n_interp": c["n_interp"] + 1,
                            "n_fx": c["n_fx"] + 1}, b

                def do_forward(cb):
                    c, b = cb
                    return {**c, "y": c["mem"]["zn"][0], "t": c["tn"], "n_interp": c["n_interp"] + 1,
                            "n_fx": c["n_fx"] + 1}, b

                def do_advance(cb):
                    c, b = cb
                    b = {**b, "steps": b["steps"].at[jnp.minimum(b["ns"], KS - 1)].set(r),
                         "ns": b["ns"] + 1}
                    tstop = c["mem"]["tstop"]

                    def at_init(c):
                        tend = tstop + 1.5 * eps(tstop)
                        c = self._init(c, tend, P)
                        return {**c, "n_init_at": c["n_init_at"] + 1, "inited": jnp.bool_(True)}

                    def step(c):
                        mem, tret, y, _ = bdf.one_step(c["mem"], f, ls, rtol, atol)
                        c = {**c, "mem": mem, "t": tret, "y": y, "tn": mem["tn"],
                             "t0": mem["tn"] - mem["h"], "retreat": jnp.bool_(True),
                             "n_adv": c["n_adv"] + 1, "n_fx": c["n_fx"] + 1}
                        return self._cond2(c, P)
                    c = lax.cond(c["t"] >= tstop - eps(c["t"]), at_init, step, c)
                    return c, b

                branch = jnp.where(c["init"], 0, jnp.where(te <= c["tn"], 1,
                                                           jnp.where(c["t"] < c["tn"], 2, 3)))
                return lax.switch(branch, [do_init, do_interp, do_forward, do_advance], (c, b))

            def do_nothing(cb):
                return cb

            t_before = c["t"]
            c = {**c, "inited": jnp.bool_(False), "fired": jnp.bool_(False)}
            idx = jnp.where(is_sample, 0, jnp.where(host_due, 1, jnp.where(is_thresh, 3, 2)))
            c, b = lax.switch(idx, [do_sample, do_nothing, do_handle, do_thresh], (c, b))
            # global_microstep: an event now behind t is interpolated back to
            k2 = c["k"]
            te2 = jnp.minimum(jnp.where(k2 < samples.shape[0], samples[jnp.minimum(k2, samples.shape[0] - 1)],
                                        jnp.inf), host_te)
            if ndet:
                te2 = jnp.minimum(te2, jnp.min(c["qth"]))
            back = (te2 < c["t"]) & c["retreat"] & (te2 >= c["t0"])
            c = {**c, "y": jnp.where(back, bdf.dky(c["mem"], te2), c["y"]),
                 "t": jnp.where(back, te2, c["t"]), "n_interp": c["n_interp"] + back.astype(jnp.int64),
                 "n_fx": c["n_fx"] + back.astype(jnp.int64)}
            moved = c["t"] > t_before
            reason = jnp.where(host_due, 1, 0)
            reason = jnp.where((reason == 0) & (moved | c["inited"]) & (c["t"] >= t_until), 2, reason)
            reason = jnp.where((reason == 0) & c["inited"] & stop_on_init, 3, reason)
            reason = jnp.where((reason == 0) & ((b["ns"] >= KS) | (c["k"] >= KT) | (b["nspk"] >= KSPK)), 4,
                               reason)
            reason = jnp.where((reason == 0) & c["fired"], 6, reason)
            reason = jnp.where(c["mem"]["failed"] != 0, 5, reason)
            return {**c, "reason": reason}, b

        return lax.while_loop(cond, body, (c, bufs))

    # -- host side ----------------------------------------------------------------------
    def start(self, t, y, S0, stats_reset=True):
        """finitialize / re_init: CVODE restarts at (t, y) (NetCvode::re_init)."""
        mem = bdf.new_memory(self.sys.neq, int(self.settings.maxorder), float(self.settings.minstep),
                             1.0 / float(self.settings.maxstep) if self.settings.maxstep > 0 else 0.0)
        c = {"mem": mem, "y": jnp.asarray(y), "t": jnp.float64(t), "tn": jnp.float64(t),
             "t0": jnp.float64(t), "init": jnp.bool_(True), "retreat": jnp.bool_(False),
             "k": jnp.int64(0), "above": jnp.zeros((len(self.det),), bool),
             "n_init": jnp.int64(0), "n_init_at": jnp.int64(0), "n_interp": jnp.int64(0),
             "n_adv": jnp.int64(0), "n_fx": jnp.int64(0), "inited": jnp.bool_(False),
             "fired": jnp.bool_(False),
             "order2": jnp.bool_(self.settings.condition_order == 2),
             "qth": jnp.full((len(self.det),), jnp.inf), "flag2": jnp.zeros((len(self.det),), bool),
             "valthr": jnp.zeros((len(self.det),)), "valold": jnp.zeros((len(self.det),)),
             "told": jnp.zeros((len(self.det),)),
             "acc_f": jnp.int64(0), "acc_mxb": jnp.int64(0), "acc_jac": jnp.int64(0),
             "atol": self.atol, "rtol": jnp.float64(self.settings.rtol), "at": self.at}
        self.S0 = [{k: jnp.asarray(x) for k, x in s.items()} if s is not None else None for s in S0]
        if self.det:
            c["above"] = jnp.asarray(np.asarray(self._thresh(jnp.asarray(y), self.P)) > 0)
        c = self._init_jit(c, jnp.float64(t), self.P)
        self.c = c
        if stats_reset:
            self.base = {k: 0 for k in ("n_init", "n_init_at", "n_interp", "n_adv", "n_fx")}

    def run(self, samples, host_te=np.inf, t_until=np.inf, stop_on_init=False):
        """Microsteps until the host has an event (reason 1), t ≥ t_until (2), a restart (3).

        Returns (reason, per-step rows, sample rows for ``samples`` consumed, spikes)."""
        samples = np.asarray(samples, dtype=np.float64)
        KT = self.KT
        steps, samp, spikes = [], [], []
        k0 = 0
        self.c = {**self.c, "k": jnp.int64(0)}
        while True:
            sub = np.full(KT, np.inf)
            part = samples[k0:k0 + KT]
            sub[:len(part)] = part
            c, b = self._loop(self.c, self.S0, self.P, jnp.asarray(sub), jnp.float64(host_te), jnp.float64(t_until),
                              jnp.bool_(stop_on_init), KS=self.KS, KT=KT, KSPK=self.KSPK)
            self.c = c
            ns = int(b["ns"])
            steps.append(np.asarray(b["steps"])[:ns])
            kk = int(c["k"])
            samp.append(np.asarray(b["samp"])[:kk])
            nspk = int(b["nspk"])
            spikes += list(zip(np.asarray(b["spk"])[:nspk].tolist(), np.asarray(b["spkid"])[:nspk].tolist()))
            k0 += kk
            self.c = {**c, "k": jnp.int64(0)}
            reason = int(c["reason"])
            if reason == 5:
                raise NumericalError(f"CVode failed at t = {float(c['t']):g} ms "
                                     f"({'error test' if int(c['mem']['failed']) == -1 else 'convergence'} "
                                     "failures with the step at its minimum)",
                                     hint="loosen the tolerances (cvode.atol) or check the model")
            if reason != 4:
                break
        nrec = len(self.record)
        cat = lambda xs: np.concatenate(xs) if xs else np.zeros((0, nrec))
        return reason, cat(steps), cat(samp), spikes

    @property
    def t(self) -> float:
        return float(self.c["t"])

    def h(self) -> float:
        return float(self.c["mem"]["h"])

    def row_now(self) -> np.ndarray:
        return np.asarray(self._row_jit(self.c["t"], self.c["y"], self.S0, self.P))

    def interpolate_to(self, te: float) -> None:
        """Move t back/forward inside the last step (NetCvode::retreat)."""
        c = self.c
        if bool(c["retreat"]) and te != float(c["t"]):
            self.c = {**c, "y": bdf.dky(c["mem"], jnp.float64(te)), "t": jnp.float64(te),
                      "n_interp": c["n_interp"] + 1}

    def set_time(self, t: float, y) -> None:
        """Put (t, y) back without touching the integrator's history (Cvode::interpolate's
        within-eps case)."""
        self.c = {**self.c, "t": jnp.float64(t), "y": y}

    def set_y(self, y) -> None:
        self.c = {**self.c, "y": jnp.asarray(y), "init": jnp.bool_(True)}

    def _values(self, t, y, S0, P):
        _, _, A, S2, v = self.sys.evaluate(t, y, S0, P)
        return v, S2, A

    def host_values(self):
        """(v, states, assigned) at the present (t, y), as NumPy arrays."""
        v, S, A = self._values_jit(self.c["t"], self.c["y"], self.S0, self.P)
        conv = lambda lst: [{k: np.asarray(x) for k, x in dct.items()} for dct in lst]
        return np.asarray(v), conv(S), conv(A)

    def statistics(self) -> Stats:
        c, m = self.c, self.c["mem"]
        return Stats(n_steps=int(c["n_adv"]), n_interpolate=int(c["n_interp"]), n_init=int(c["n_init"]),
                     n_init_at_time=int(c["n_init_at"]),
                     n_f=int(m["nfe"] + c["acc_f"] + c["n_fx"]), n_mxb=int(m["nni"] + c["acc_mxb"]),
                     n_jac=int(m["nsetups"] + c["acc_jac"]))
