"""Gradients, fits and sweeps of CVode runs (issue 15): the variable step differentiated.

Method: forward-mode differentiation through the *accepted* steps of hocx's CVODES port
(:mod:`hocx.sim.cvode`), with the step-size / order / convergence control held fixed.

* Control carries no derivative: every weighted norm (``bdf.wrms``: error tests, Newton
  convergence, the eta ratios) and the initial step (``bdf.hin``) are ``stop_gradient``-ed, so
  h, q, the BDF coefficients and the Nordsieck rescalings are constants of the derivative.
  What remains differentiable is linear in the Nordsieck array (predict, rescale, order
  change, interpolation) plus f.
* The corrector is differentiated by the implicit function theorem at its solution, not
  through the Newton iterations: the linear solve the Newton loop calls keeps NEURON's
  approximate tree solve as its value, but its derivative is the *exact* solve
  ``(I − γ ∂f/∂y)⁻¹`` (iterative refinement preconditioned by that tree solve, to a relative
  residual of 1e-12; GMRES with ``IFT_SOLVER = "gmres"``).  One pass of the Newton
  loop then turns any incoming tangent into the IFT tangent
  ``(I − γJ)⁻¹ (γ ∂f/∂θ + γJ δzₙ⁰ − l₁⁻¹ δzₙ¹)`` exactly (the CVODES "staggered direct"
  sensitivity with the state's own step sequence).
* ``lax.while_loop`` is not reverse-differentiable, so derivatives are forward-mode:
  one tangent per trainable scalar (``jax.vmap`` of ``jax.jvp``; the primal is computed once).
  Cheap for the usual handful of trainables; cost grows with their number.

Supported: single cells or networks *without* NetCons (NetCon deliveries are handled on the
host between compiled loop calls), recordings with a ``Dt`` or a time vector (CVode's
per-step recordings have parameter-dependent lengths).  Everything else is refused with a
:class:`~hocx.errors.HocRuntimeError`.

Sweeps (:func:`sweep_traces`): the runs are ``jax.vmap``-ed over the whole microstep loop
(each member keeps its own step sizes; the batched loop runs until the slowest member is
done, every branch evaluated as a select) or run one after the other through one compiled
function; the session's sweeper chooses (``Sweeper.cvode_mode``, default :data:`DEFAULT_SWEEP_MODE`);
benchmarks/README.md says which is faster.
"""
from __future__ import annotations

from dataclasses import replace

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.flatten_util import ravel_pytree
from jax.scipy.sparse.linalg import gmres

from ..errors import HocRuntimeError, NumericalError
from ..sim.cvode.driver import AT_TIME, CvodeRun
from ..sim.recording import resolve
from .simulate import DiffSim, split_row

#: "seq" (one compiled run per member, members one after the other) or "vmap" (all members
#: in one batched loop); benchmarks/README.md: vmap compiles 3-8x longer, wins ~10 % per run at K = 64
DEFAULT_SWEEP_MODE = "seq"
#: GMRES for the exact corrector derivative: relative residual, Krylov size, restarts
IFT_TOL, IFT_RESTART, IFT_MAXITER = 1e-12, 20, 4
#: "richardson" (refinement preconditioned by NEURON's solve) or "gmres"
IFT_SOLVER = "richardson"
IFT_RICHARDSON_MAX = 50
#: XLA options of the differentiated loop (its compile dominates a fit; these halve it)
COMPILE = {"xla_llvm_disable_expensive_passes": True, "xla_backend_optimization_level": 0}


def active(interp) -> bool:
    """Is the global variable step on in this session?"""
    ctl = getattr(getattr(interp, "sim", None), "cvode_control", None)
    return ctl is not None and ctl.active


def cache_key(interp):
    """What a compiled CVode gradient depends on besides the model (for Fit's cache)."""
    if not active(interp):
        return None
    st = interp.sim.cvode_control.settings
    return (st.atol, st.rtol, st.maxstep, st.minstep, st.maxorder, st.condition_order,
            tuple(sorted(st.atolscale.items())))


class TangentRun(CvodeRun):
    """CVode's compiled loop whose Newton linear solve differentiates as the exact solve.

    The value of every quantity is the plain run's; only derivatives differ from a naive
    ``jax.jvp`` of the loop (see the module docstring)."""

    def _f(self, S0, P):
        sys = self.sys

        def f(t, y):
            ydot, aux = sys.f(t, y, S0, P)
            return ydot, {**aux, "y": y, "t": t, "S0": S0}
        return f

    def _lsolve(self, P):
        sys = self.sys

        @jax.custom_jvp
        def solve(b, aux, gamma, P_):
            return sys.solve(b, aux, gamma, P_)

        @solve.defjvp
        def solve_jvp(primals, tangents):
            b, aux, gamma, P_ = primals
            db = tangents[0]
            x = sys.solve(b, aux, gamma, P_)
            y, t, S0 = aux["y"], aux["t"], aux["S0"]
            fy = lambda yy: sys.f(t, yy, S0, P_)[0]
            A = lambda v: v - gamma * jax.jvp(fy, (y,), (v,))[1]
            M = lambda r: sys.solve(r, aux, gamma, P_)
            if IFT_SOLVER == "gmres":
                dx, _ = gmres(A, db, M=M, tol=IFT_TOL, atol=0.0, restart=min(IFT_RESTART, b.shape[0]),
                              maxiter=IFT_MAXITER, solve_method="batched")
            elif IFT_SOLVER == "approx":      # for measurement: NEURON's solve as the derivative
                dx = M(db)
            else:
                dx = _richardson(A, M, db)
            return x, dx

        def ls(b, aux, gamma):
            return solve(b, aux, gamma, P)
        return ls

    # public names of the pieces CvodeSim composes (the plain run's own loop and restart)
    def restart(self, c, t, P):
        """Cvode::init(t) on a loop carry."""
        return self._init(c, t, P)

    def loop(self, c, S0, P, samples, host_te, t_until, stop_on_init, **sizes):
        """One call of the compiled microstep loop (traceable, forward-differentiable)."""
        return self._loop_fn(c, S0, P, samples, host_te, t_until, stop_on_init, **sizes)


def _richardson(A, M, b):
    """Solve A x = b by iterative refinement preconditioned with M ≈ A⁻¹ (NEURON's solve:
    it contracts at the Newton loop's own rate at an accepted step), to IFT_TOL."""
    nb = jnp.sqrt(jnp.sum(b * b))

    def cond(s):
        x, r, i = s
        return (jnp.sqrt(jnp.sum(r * r)) > IFT_TOL * nb) & (i < IFT_RICHARDSON_MAX)

    def body(s):
        x, r, i = s
        x = x + M(r)
        return x, b - A(x), i + 1
    x, _, _ = lax.while_loop(cond, body, (jnp.zeros_like(b), b, jnp.int64(0)))
    return x


class _TimedSources(DiffSim):
    """DiffSim's finitialize and parameter plumbing, with Dt / time-vector recordings."""

    @staticmethod
    def _source(interp, vec, low, nm, span):
        for r in getattr(getattr(interp, "sim", None), "recordings", []):
            if r.vec is vec:
                if not r.timed:
                    raise HocRuntimeError(
                        f"{vec.hoc_name()} records every CVode step; under cvode.active(1) the number "
                        "of steps depends on the parameters, so fits and sweeps need samples at "
                        "fixed times", span,
                        hint=f"record with a Dt ({vec.hoc_name()}.record(&soma.v(0.5), 0.1)) or a "
                             "time Vector, or use the fixed step (cvode.active(0))")
                src, _ = resolve(r.pointer, low, nm, span)
                if src is None:
                    raise HocRuntimeError(f"{vec.hoc_name()} records a value outside the simulation "
                                          "and cannot be differentiated", span)
                return src
        raise HocRuntimeError(f"{vec.hoc_name()} is not recording anything", span,
                              hint="call vec.record(&soma.v(0.5), 0.1) before fitting")


def sample_times(rec, tstop: float) -> np.ndarray:
    """The times a Dt / tvec recorder samples in a run from 0 to tstop (the runner's rule:
    a running sum of Dt; the time vector's entries in order until one passes tstop)."""
    out = []
    if rec.Dt is not None:
        te = 0.0
        while te <= tstop and len(out) < 10_000_000:
            out.append(te)
            te = te + rec.Dt
    else:
        for x in rec.tvec.x:
            if x > tstop:
                break
            out.append(float(x))
    return np.array(out, dtype=np.float64)


class CvodeSim:
    """finitialize + continuerun(tstop) under CVode as a JAX function of the trainables.

    ``samples(values, overrides, data)`` → one array (n_k,) per recorded Vector (its Dt / tvec
    samples up to tstop).  Forward-differentiable (``jax.jvp``, ``jax.jacfwd``) and vmappable;
    not reverse-differentiable (``while_loop``)."""

    KS = 1024

    def __init__(self, interp, trainables, record_vecs, span=None):
        if not active(interp):
            raise HocRuntimeError("CVode is not active", span)
        self.base = base = _TimedSources(interp, trainables, record_vecs, checkpoint=False, span=span)
        low = base.low
        if low.net is not None:
            raise HocRuntimeError("gradients, fits and sweeps of CVode runs with NetCon events are "
                                  "not supported by hocx yet (deliveries happen between compiled "
                                  "loop calls)", span,
                                  hint="use the fixed step (cvode.active(0)) for this model")
        ctl = interp.sim.cvode_control
        self.settings = replace(ctl.settings, atolscale=dict(ctl.settings.atolscale))
        self.tstop = float(interp.get_global("tstop"))
        self.run = TangentRun(low, base.env, base.sources, self.settings, [])
        recs = {id(r.vec): r for r in interp.sim.recordings}
        per = [sample_times(recs[id(v)], self.tstop) for v in record_vecs]
        self.times = np.array(sorted({float(x) for p in per for x in p}), dtype=np.float64)
        pos = {x: i for i, x in enumerate(self.times.tolist())}
        self.rows = [np.array([pos[float(x)] for x in p], dtype=np.int64) for p in per]
        self.KT = len(self.times) + 1                       # one inf pad: k never reaches KT
        self.pad = np.full(self.KT, np.inf)
        self.pad[:len(self.times)] = self.times
        S_host = [{k: np.asarray(x) for k, x in b.states.items()} for b in low.blocks]
        self.run.start(0.0, np.zeros(self.run.sys.neq), S_host)
        self.c0 = self.run.c
        self.trainables = base.trainables

    def initial_params(self) -> list:
        return self.base.initial_params()

    def arrays(self) -> dict:
        return {"base": self.base.arrays(), "c0": self.c0, "samples": jnp.asarray(self.pad)}

    def point_param(self, obj, field, span=None):
        return self.base.point_param(obj, field, span)

    # -- the traced run --------------------------------------------------------------------
    def _at(self, P):
        """The at_time points from the (possibly trainable) point-process parameters."""
        parts = []
        for bi, blk in enumerate(self.base.low.blocks):
            fn = AT_TIME.get(blk.mech.name)
            if fn is not None:
                parts += [jnp.reshape(x, (-1,)) for x in fn(P["blocks"][bi])]
        parts.append(jnp.array([jnp.inf]))
        return lax.stop_gradient(jnp.sort(jnp.concatenate(parts)))

    def _y0(self, v, S):
        sys = self.run.sys
        y = jnp.zeros(sys.neq, dtype=v.dtype).at[:sys.ncap].set(v[sys.cap])
        for bi, sl in enumerate(sys.slots):
            for k, idx in sl.items():
                y = y.at[idx].set(S[bi][k])
        return y

    def _run(self, values, overrides, data):
        """(sample rows (nsamples, nrec), reason, accepted steps) of one run."""
        run = self.run
        _, carry, P = self.base.initial(values, overrides, data["base"])
        S0 = carry["s"]
        P = {**P, "det_thr": run.det_thr}
        c = {**data["c0"], "y": self._y0(carry["v"], S0), "at": self._at(P), "init": jnp.bool_(True)}
        c = run.restart(c, jnp.float64(0.0), P)
        samples = data["samples"]
        KT = self.KT
        rows = jnp.arange(KT)

        def cond(s):
            return s[0]["reason"] == 4

        def body(s):
            c, samp = s
            k0 = c["k"]
            c, b = run.loop(c, S0, P, samples, jnp.float64(self.tstop), jnp.float64(jnp.inf),
                                jnp.bool_(False), KS=self.KS, KT=KT, KSPK=1)
            on = (rows >= k0) & (rows < c["k"])
            return c, jnp.where(on[:, None], b["samp"], samp)

        c = {**c, "reason": jnp.int64(4)}
        nrec = len(self.base.sources)
        c, samp = lax.while_loop(cond, body, (c, jnp.zeros((KT, nrec))))
        return samp[:len(self.times)], c["reason"], c["n_adv"]

    def samples(self, values, overrides=(), data=None):
        """One array per recorded Vector: its samples up to tstop."""
        data = self.arrays() if data is None else data
        samp, _, _ = self._run(values, overrides, data)
        return [samp[r, j] for j, r in enumerate(self.rows)]

    def checked(self, values, overrides=(), data=None):
        """Like :meth:`samples`, plus (reason, accepted steps) for :func:`check`."""
        data = self.arrays() if data is None else data
        samp, reason, nadv = self._run(values, overrides, data)
        return [samp[r, j] for j, r in enumerate(self.rows)], reason, nadv


def check(reason, span=None) -> None:
    """Raise when a CVode run failed (reason 5: the step fell to its minimum)."""
    if int(np.max(np.asarray(reason))) == 5:
        raise NumericalError("CVode failed during a differentiated run (error test or convergence "
                             "failures with the step at its minimum)", span,
                             hint="loosen the tolerances (cvode.atol) or check the model")


# ---- Fit ------------------------------------------------------------------------------------
def prepare_fit(fit, trs, span):
    """Fit._prepare under CVode: (sim, loss, value_and_grad, value_and_grad_u, kinds)."""
    from .fit import LOSSES
    from .transforms import to_physical
    interp = fit.interp
    recs = []
    for rec, _, _ in fit.pairs:
        if not any(rec is r for r in recs):
            recs.append(rec)
    sim = CvodeSim(interp, trs, recs, span=span)
    nbatch = len(fit.batch[2]) if fit.batch else 1
    cols = []
    for rec, target, k in fit.pairs:
        j = next(i for i, r in enumerate(recs) if r is rec)
        n = len(sim.rows[j])
        # run() under cvode.active(1) alone ends on the first step past tstop - dt/2, so a
        # target recorded that way may lack the samples after tstop - dt/2: fit the first ones
        n_min = int(np.sum(sim.times[sim.rows[j]] <= sim.tstop - 0.5 * sim.base.env.dt))
        if not n_min <= len(target) <= n:
            raise HocRuntimeError(f"target for {rec.hoc_name()} has {len(target)} values but its "
                                  f"recording samples {n} times from 0 to tstop = {sim.tstop:g} under CVode",
                                  span, hint="make the target with the same recording Dt (or time "
                                             "Vector) and tstop")
        if k >= nbatch:
            raise HocRuntimeError(f"target for batch item {k}, but the batch has {nbatch} run(s)", span,
                                  hint="fit.stimuli(stim, \"amp\", values) sets the batch")
        cols.append((k, j, jnp.asarray(target), len(target)))
    lossf = LOSSES[fit.loss_name]
    kinds = [(t.transform, t.bounds) for t in trs]
    data = sim.arrays()
    if fit.batch:
        bi, var, inst = sim.point_param(fit.batch[0], fit.batch[1], span)
        amps = jnp.asarray(fit.batch[2])
        run = lambda values, d: jax.vmap(lambda a: sim.checked(values, [(bi, var, inst, a)], d))(amps)
    else:
        def run(values, d):
            out, reason, nadv = sim.checked(values, (), d)
            return [x[None] for x in out], reason, nadv

    def loss_phys(values, d):
        traces, reason, _ = run(values, d)
        return sum(lossf(traces[j][k][:m] - t) for k, j, t, m in cols) / len(cols), reason

    def with_reason(fn):
        def vg(params, d):
            flat, unravel = ravel_pytree(params)
            g = lambda x: fn(unravel(x), d)
            vals, ders, reason = jax.vmap(lambda e: jax.jvp(g, (flat,), (e,), has_aux=True))(
                jnp.eye(flat.size))
            return vals[0], jnp.max(reason), unravel(ders)
        return vg

    # one compiled program (value and forward-mode gradient in physical units) serves
    # loss(), grad() and run(): each compile of the differentiated loop is expensive
    vg_j = jax.jit(with_reason(loss_phys), compiler_options=COMPILE)

    def vg(values):
        val, reason, g = vg_j(values, data)
        check(reason, span)
        return val, g

    def loss(values):
        return vg(values)[0]

    def vg_u(us):
        phys, dphys = zip(*[jax.jvp(lambda u: to_physical(kk, u, b), (u,), (jnp.ones_like(u),))
                            for (kk, b), u in zip(kinds, us)])
        val, g = vg(list(phys))
        return val, [gi * di for gi, di in zip(g, dphys)]
    return sim, loss, vg, vg_u, kinds


# ---- sweeps ---------------------------------------------------------------------------------
class CvodeSweep:
    """The CVode side of ``sweep(...)``: one compile per structure and sweep signature."""

    def __init__(self):
        self._cached = None
        self.last: dict = {}

    def run(self, interp, specs, rows, vecs, span, mode=None):
        """Traces per recorded Vector, each (nruns, nsamples)."""
        mode = mode or DEFAULT_SWEEP_MODE
        trs = [s.trainable for s in specs if s.trainable is not None]
        sim = CvodeSim(interp, trs, vecs, span=span)
        overrides = [sim.point_param(s.point[0], s.point[1], span) if s.point else None for s in specs]
        shapes_of = [np.shape(t.value) for t in trs]

        def split(row):
            return split_row(row, overrides, shapes_of)

        def one(d, *row):
            return sim.checked(*split(row), d)
        key = (interp.model.structure_version, cache_key(interp), sim.tstop, tuple(sim.times.tolist()),
               tuple((s.label, s.values.shape[1]) for s in specs), tuple(overrides),
               tuple(sim.base.sources), tuple(id(v) for v in vecs), mode)
        if self._cached is not None and self._cached[0] == key:
            fn = self._cached[1]
        else:
            fn = jax.jit(jax.vmap(one, in_axes=(None,) + (0,) * len(rows))) if mode == "vmap" else jax.jit(one)
            self._cached = (key, fn)
        data = sim.arrays()
        nruns = len(rows[0])
        if mode == "vmap":
            out, reason, nadv = fn(data, *[jnp.asarray(r) for r in rows])
            check(reason, span)
            res = [np.asarray(x) for x in out]
            steps = np.asarray(nadv)
        else:
            res = [[] for _ in vecs]
            steps = []
            for k in range(nruns):
                out, reason, nadv = fn(data, *[jnp.asarray(r[k]) for r in rows])
                check(reason, span)
                for j, x in enumerate(out):
                    res[j].append(np.asarray(x))
                steps.append(int(nadv))
            res = [np.stack(x) for x in res]
            steps = np.array(steps)
        self.last = dict(runs=nruns, mode=mode, steps=steps)
        return res
