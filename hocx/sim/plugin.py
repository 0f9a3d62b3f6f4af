"""Plug the simulator into an interpreter: finitialize, fadvance, fcurrent, Vector.record, ...

:func:`install` registers the built-ins NEURON's simulator provides (``finitialize``,
``fadvance``, ``fcurrent``, ``frecord_init``), the simulator globals (``t``, ``dt``,
``celsius``, ``secondorder``, ``usetable_hh``), the ``Vector.record`` backend
(``interp.hooks["record"]``) and the helpers ``stdlib/stdrun.hoc`` calls.

The interpreter's model stays the source of truth: before each step the plug-in re-lowers
the model if anything changed since it last looked (``model.version``), reusing compiled
code when only values changed, and after each step or batch it writes v and the mechanism
states back so ``soma.v(0.5)`` and ``m_hh(0.5)`` read current values.
"""
from __future__ import annotations


import numpy as np

from ..errors import HocError, HocRuntimeError, HocTypeError, ModelError
from ..spec import Kind, Role
from ..spec import ions as spec_ions
from . import apcount, impedance, ionfuncs, last_globals
from ..interp.objects import HocObject, as_float
from .engine import Interrupted, Simulator
from .from_model import lower_model
from .hocevents import HocEvents
from .integrator import Env, RecSource
from .kernel import SECONDORDER2
from .lookahead import MAX_BATCH, MAX_VALUES, Ahead, FullLayout, next_batch
from .progress import Progress
from .recording import Recording, resolve
from .refresh import Refresher
from .writeback import WritePlan
from .stepcount import continuerun_steps
from ..interp.plugin_names import CLASSES, SIM_GLOBALS, register, register_startsw
from .cvode.hocobj import CVode

#: the simulator globals and their NEURON defaults (declared in hocx.interp.plugin_names)
GLOBALS = SIM_GLOBALS
#: stdrun procs that must be stdrun's own for continuerun to run natively
STDRUN_PROCS = ("step", "advance", "Plot")


def _g_or(interp, name: str, default: float) -> float:
    """HOC global ``name`` (its default while nobody registered it yet)."""
    try:
        return float(interp.get_global(name))
    except (HocError, TypeError, ValueError):
        return float(default)


def env_flags(interp) -> tuple:
    """Every registered mechanism's static flags by HOC name (``usetable_hhx``), with the
    values set in HOC: part of the structure key (shared by runs, sweeps and training)."""
    out = {}
    for spec in interp.model.registry.specs:
        for _, hoc, default in spec.flags:
            out[hoc] = 0.0 if _g_or(interp, hoc, default) == 0 else 1.0
    if _g_or(interp, "secondorder", 0.0) == 2:
        # the ion current correction of secondorder = 2 is compiled in only then
        # (hocx.sim.kernel.second_order_cur); absent otherwise, so other keys stay as they were
        out[SECONDORDER2] = 2.0
    return tuple(sorted(out.items()))


def env_globals(interp) -> tuple:
    """The HOC globals mechanisms read: GLOBAL parameters (``name_suffix``) and the ions'
    ``Xi0_X_ion``/``Xo0_X_ion`` (registered here for an ion nobody declared yet)."""
    out = {}
    for spec in interp.model.registry.specs:
        if spec.kind is Kind.ION:
            n = spec_ions.IonNames(spec_ions.ion_of(spec.name))
            _, ci, co, _ = spec_ions.defaults(n.ion)
            for name, d in ((n.ci0, ci), (n.co0, co)):
                if interp.kind_of(name) is None:
                    interp.set_global(name, d)
                out[name] = _g_or(interp, name, d)
            continue
        for var in spec.variables:
            if var.scope == "GLOBAL" and var.role is Role.PARAMETER and var.size == 1:
                hoc = f"{var.name}_{spec.name}"
                out[hoc] = _g_or(interp, hoc, var.default)
    return tuple(sorted(out.items()))


class SimPlugin:
    """The simulator state of one interpreter session."""

    def __init__(self, interp, chunk: int = 1000):
        self.interp = interp
        self.engine = Simulator(chunk=chunk)
        self.recordings: list[Recording] = []
        self._low = None
        self._nm = None
        self._version = None
        self._refresher: Refresher | None = None    # value-only edits reuse the lowering
        self.lowerings = 0          # full lowerings (structural edits)
        self.refreshes = 0          # value-only refreshes (refresh.py)
        self._wplan: WritePlan | None = None
        self._rec_dirty = True
        self._row = None            # device record row at the current state
        self._stdrun_ids = None
        self.native_runs = 0        # continuerun() calls done without the HOC loop
        self.cvode_control = None   # hocx.sim.cvode.runner.CvodeControl once a CVode exists
        self._ahead: Ahead | None = None      # fadvance() steps computed ahead
        self._last_ahead: Ahead | None = None
        self._ahead_t = None
        self.hoc_events = HocEvents()       # cvode.event(te, "stmt") in the fixed step (hocevents.py)

    @property
    def compiles(self) -> int:
        return self.engine.cache.compiles

    # ---- globals -----------------------------------------------------------------
    def _g(self, name: str) -> float:
        return float(self.interp.get_global(name))

    def _env(self, span=None) -> Env:
        dt = self._g("dt")
        if self._cvode_on():     # the variable step sets dt to its step size; the fixed step's stays
            dt = self.engine.env.dt
        if not dt > 0:
            raise HocRuntimeError(f"dt = {dt:g}: the time step must be positive", span)
        so = int(self._g("secondorder"))
        if so not in (0, 1, 2):
            raise HocRuntimeError(f"secondorder = {so}: must be 0, 1 or 2", span)
        return Env(dt=dt, celsius=self._g("celsius"), secondorder=so,
                   usetable=env_flags(self.interp), globals=env_globals(self.interp))

    # ---- keeping the simulator in step with the model ------------------------------
    def sync(self, span=None) -> None:
        """Re-lower if the model or the recording set changed; pick up t, dt, celsius..."""
        self._settle()
        model = self.interp.model
        env = self._env(span)
        if self._low is None or model.version != self._version or self._rec_dirty:
            if not model.sections and not model.artificial_cells:    # nrniv runs a net of artificial cells
                raise ModelError("there are no sections to simulate", span,
                                 hint="create a section first, e.g. `create soma`")
            low, nm = self._lower(model)
            sources = [RecSource("t")]
            for r in self.recordings:
                if not _alive(r.vec):
                    continue
                src, host = resolve(r.pointer, low, nm, r.span)
                r.source, r.host = src, host
                if src is not None:
                    if src not in sources:
                        sources.append(src)
                    r.col = sources.index(src)
            self.recordings = [r for r in self.recordings if _alive(r.vec)]
            t = self.engine.t if self._low is not None else self._g("t")
            self.engine.load(low, env, tuple(sources), t=t)
            self._low, self._nm = low, nm
            self._version = model.version
            self._rec_dirty = False
            self._row = None
        else:
            self.engine.set_env(env)
        t = self._g("t")
        if t != self.engine.t:
            self.engine.t = t
            self.engine.state = dict(self.engine.state, t=np.float64(t))
            self._row = None

    def _lower(self, model):
        """The model lowered: its values refreshed into the last lowering when only values
        changed since (hocx/sim/refresh.py), else in full."""
        ref = self._refresher
        if ref is not None and self._low is not None and ref.applies(model):
            self.refreshes += 1
            return ref.refresh(model), self._nm
        low, nm = lower_model(model)
        self.lowerings += 1
        self._refresher = Refresher(model, low, nm)
        return low, nm

    def node_of(self, sec, x: float, span=None) -> int:
        """The node of ``sec(x)`` in the present lowering (synced first)."""
        self.sync(span)
        return self._nm.node_of(sec, x, span)

    def _write_back(self) -> None:
        v, states, asg = self.engine.host_state()
        self._writer().write(self.interp.model, self._low, self._nm, v, states, asg)
        self._last_globals(v, states, asg, self.engine.t)
        self._version = self.interp.model.version
        self.interp.set_global("t", self.engine.t)

    def _writer(self) -> WritePlan:
        """The write-back plan of the present lowering (writeback.py), made once per node map."""
        if self._wplan is None or not self._wplan.fits(self._low, self._nm):
            self._wplan = WritePlan(self._low, self._nm)
        return self._wplan

    def _last_globals(self, v, states, asg, t) -> None:
        """GLOBAL ASSIGNED variables (minf_hhx) as the last instance left them (last_globals.py)."""
        if self._low is not None and self.engine.params is not None:
            last_globals.store(self.interp, last_globals.hoc_values(
                self._low, self.engine.params, v, states, asg, self.engine.env, t))

    # ---- recordings ------------------------------------------------------------------
    def record(self, vec, pointer, extra, span) -> None:
        """``vec.record(&x)``, ``vec.record(&x, Dt)``, ``vec.record(&x, tvec)``."""
        Dt, tvec = None, None
        if extra:
            arg = extra[0]
            if isinstance(arg, HocObject) and hasattr(arg, "x"):
                tvec = arg
            else:
                Dt = as_float(arg)
                if not Dt > 0:
                    raise HocRuntimeError(f"Vector.record: Dt = {Dt:g} must be positive", span)
        if not hasattr(pointer, "get"):
            raise HocTypeError("Vector.record needs a pointer such as &soma.v(0.5)", span)
        self.recordings = [r for r in self.recordings if r.vec is not vec]
        rec = Recording(vec, pointer, Dt, tvec, span)
        model = self.interp.model
        if getattr(pointer, "name", None) == "t" and model.has_cas():
            try:
                rec.sec = model.cas(span)      # the cell whose steps &t follows (local step)
            except HocRuntimeError:
                rec.sec = None
        rec.reset()
        self.recordings.append(rec)
        self._rec_dirty = True

    def _first_samples(self, row: np.ndarray) -> None:
        for r in self.recordings:
            r.reset()
        self._distribute(row[None, :], first=True)

    def _distribute(self, rows: np.ndarray, first: bool) -> None:
        """Hand new rows (after a previous row unless ``first``) to every recording."""
        if not first and self._row is not None:
            rows_all = np.vstack([self._row[None, :], rows])
        else:
            rows_all = rows
            first = True
        t = rows_all[:, 0]
        dt = self.engine.env.dt
        upto = float(t[-1])
        for r in self.recordings:
            if r.col >= 0 and r.source is not None:
                values = rows_all[:, r.col]
            else:
                values = np.full(len(rows_all), float(r.host()) if r.host else np.nan)
            r.take(t, values, dt, upto if not first else 0.0, first)
        self._row = rows_all[-1]

    # ---- built-ins ---------------------------------------------------------------------
    def finitialize(self, interp, args, span):
        v_init = as_float(args[0]) if args else None
        stage = self.interp.hooks.get("finitialize_stage", lambda typ, v=None: False)
        stage(3, v_init)                       # FInitializeHandler types 3, 0, 1, 2
        self.hoc_events.clear()                # NEURON clears its event queue here
        _initial_params(self.interp.model)
        stage(0, v_init)
        if self._no_cell():                    # nothing to simulate: NEURON still sets t
            self.interp.set_global("t", 0.0)
            stage(1, v_init)
            stage(2, v_init)
            return 1.0
        self.sync(span)
        row = self.engine.finitialize(v_init)
        self.interp.set_global("t", 0.0)
        self._write_back()
        if stage(1, v_init):
            self.sync(span)
            row = self.engine.sample_now()
        self._first_samples(row)
        if self._cvode_on():
            self.cvode_control.finitialize(span)
        stage(2, v_init)
        return 1.0

    def frecord_init(self, interp, args, span):
        self.sync(span)
        self._first_samples(self.engine.sample_now())
        return 1.0

    def fcurrent(self, interp, args, span):
        self.sync(span)
        self.engine.fcurrent()
        self._write_back()
        self._row = None
        return 1.0

    def fadvance(self, interp, args, span):
        """One step; consecutive calls are served from a batch computed ahead (lookahead.py)."""
        if self._cvode_on():
            self.cvode_control.fadvance(span)
            return 1.0
        if self._no_cell():
            self._empty_steps(1, span)
            return 1.0
        if self.hoc_events.pending:          # statement events: step by step, no batches
            self._settle()
            self.advance(1, span)
            return 1.0
        ah = self._ahead
        if ah is not None and self._ahead_valid(span):
            if ah.left:
                self._consume(ah)
                return 1.0
            if ah.error is not None:
                self._ahead = None
                raise ah.error.with_span(span)
        self.sync(span)
        if self._low.net is not None:        # the event state is not a record row: no batching
            self.advance(1, span)
            return 1.0
        m = next_batch(self._last_ahead)
        layout = FullLayout(self.engine.record, self._low.n, self.engine.state)
        if m * len(layout.sources) > MAX_VALUES:
            self.advance(1, span)
            return 1.0
        if self._row is None:
            self._row = self.engine.sample_now()
        rows, err = self.engine.advance_recording(layout.sources, m, MAX_BATCH)
        if not len(rows):
            self._write_back()
            raise err.with_span(span)
        self._ahead = self._last_ahead = Ahead(rows, layout, err)
        self._consume(self._ahead)
        return 1.0

    def _ahead_valid(self, span) -> bool:
        return (self.interp.model.version == self._version and not self._rec_dirty
                and self._env(span) == self.engine.env and self._g("t") == self._ahead_t)

    def _consume(self, ah: Ahead) -> None:
        """Hand out the next computed step: write it back, record it, set t."""
        row = ah.take()
        t, v, states, asg = ah.layout.unpack(row)
        self._writer().write(self.interp.model, self._low, self._nm, v, states, asg)
        self._last_globals(v, states, asg, t)
        self._version = self.interp.model.version
        self.interp.set_global("t", t)
        self._ahead_t = t
        self._distribute(row[None, :ah.layout.nuser], first=False)

    def _settle(self) -> None:
        """Drop steps computed ahead but not handed out: back to the last one handed out."""
        ah, self._ahead = self._ahead, None
        if ah is not None and ah.left:
            t, v, states, asg = ah.layout.unpack(ah.rows[ah.used - 1])
            self.engine.set_state(t, v, states, asg)

    def advance(self, nsteps: int, span=None, interactive: bool = False) -> None:
        """Take ``nsteps`` steps, stopping at the boundaries where ``cvode.event`` statements
        run (hocevents.py) to run them."""
        while nsteps > 0:
            self.sync(span)
            k = self.hoc_events.steps_to_next(self.engine.t, self.engine.env.dt, nsteps)
            if k is None:
                self._advance(nsteps, span, interactive)
                return
            self._advance(k, span, interactive)
            nsteps -= k
            for stmt, obj in self.hoc_events.take_due(self.engine.t, self.engine.env.dt):
                self.interp.execute("{" + stmt + "}\n", "<CVode.event>", obj=obj)
            if _has(self.interp, "stoprun") and self._g("stoprun"):
                return

    def _advance(self, nsteps: int, span=None, interactive: bool = False) -> None:
        """Take ``nsteps`` steps, then record, write back and update ``t``."""
        if nsteps <= 0:
            return
        self.sync(span)
        if self._row is None:
            self._row = self.engine.sample_now()
        progress = Progress(nsteps, self.engine.env.dt) if interactive else None
        try:
            rows = self.engine.advance(nsteps, interruptible=interactive,
                                       on_chunk=progress.update if progress else None)
        except Interrupted:
            self._finish(self.engine.partial, progress)
            self.interp.set_global("stoprun", 1.0)
            raise KeyboardInterrupt
        except Exception as err:   # NumericalError: keep what was computed before the blow-up
            if getattr(self.engine, "partial", None) is not None and len(self.engine.partial):
                self._finish(self.engine.partial, progress)
            if hasattr(err, "with_span"):
                err.with_span(span)
            raise
        self._finish(rows, progress)

    def _finish(self, rows, progress) -> None:
        if progress is not None:
            progress.close()
        if len(rows):
            self._distribute(rows, first=False)
        self._write_back()

    def netcon_event(self, nc, te: float, span) -> None:
        """``nc.event(te)``: an event through ``nc`` at time te (delivered by the step rule)."""
        self.sync(span)
        if te < self.engine.t:
            raise HocRuntimeError(f"{nc.hoc_name()}.event({te:g}): the time is before t = {self.engine.t:g}",
                                  span)
        if not self.engine.event(nc, te):
            raise HocRuntimeError(f"{nc.hoc_name()}.event: the NetCon is not part of the simulated network",
                                  span, hint="it needs a target that receives events, e.g. an ExpSyn")

    # ---- stdrun support -------------------------------------------------------------------
    def stdrun_loaded(self, interp, args, span):
        self._stdrun_ids = {name: _proc_identity(interp, name) for name in STDRUN_PROCS}
        return 1.0

    def fast_continuerun(self, interp, args, span):
        """continuerun(tstop) natively when step/advance/Plot are stdrun's; else return 0."""
        if not args:
            raise HocRuntimeError("continuerun needs the stop time", span)
        if self._stdrun_ids is None or any(
                v is None or _proc_identity(interp, k) is not v for k, v in self._stdrun_ids.items()):
            return 0.0
        tstop = as_float(args[0])
        if self._no_cell():
            nstep = max(int(self._g("nstep_steprun")), 1) if _has(interp, "nstep_steprun") else 1
            dt = self._env(span).dt
            self._empty_steps(continuerun_steps(self._g("t"), tstop, dt, nstep, span), span)
            self.native_runs += 1
            return 1.0
        self.sync(span)
        if self._cvode_on():
            using = self._g("using_cvode_") if _has(interp, "using_cvode_") else 0.0
            self.native_runs += 1
            self.cvode_control.continuerun(tstop, using != 0, span)
            return 1.0
        if self._g("using_cvode_") if _has(interp, "using_cvode_") else False:
            return 0.0
        dt = self.engine.env.dt
        nstep = max(int(self._g("nstep_steprun")), 1) if _has(interp, "nstep_steprun") else 1
        n = continuerun_steps(self.engine.t, tstop, dt, nstep, span)
        self.native_runs += 1
        self.advance(n, span, interactive=True)
        return 1.0

    def _no_cell(self) -> bool:
        """No section and no artificial cell: a run only moves t (as in NEURON)."""
        model = self.interp.model
        return not model.sections and not getattr(model, "artificial_cells", None)

    def _empty_steps(self, n: int, span=None) -> None:
        """``n`` fixed steps of an empty model: t advances by dt/2 twice a step, as NEURON's."""
        h = 0.5 * self._env(span).dt
        t = self._g("t")
        for _ in range(n):
            t = t + h
            t = t + h
        self.interp.set_global("t", t)

    def _cvode_on(self) -> bool:
        return self.cvode_control is not None and self.cvode_control.active

    def adopt_state(self, t: float, v, states, assigned, dt: float | None = None) -> None:
        """Take a state computed elsewhere (the variable step): engine, model, ``t``, ``dt``."""
        self.engine.set_state(t, v, states, assigned)
        self._write_back()
        self._row = None
        if dt is not None:
            self.interp.set_global("dt", float(dt))

    def install(self) -> None:
        interp = self.interp
        for name, value in GLOBALS.items():
            # the JAX-free stand-ins (hocx/lazy_plugins.py) declared them already and a script
            # may have set them (celsius = 30) before its first finitialize loaded us
            if interp.kind_of(name) is None:
                interp.set_global(name, value)
        for name, fn in (("finitialize", self.finitialize), ("fadvance", self.fadvance),
                         ("fcurrent", self.fcurrent), ("frecord_init", self.frecord_init),
                         ("hocx_fast_continuerun", self.fast_continuerun),
                         ("hocx_stdrun_loaded", self.stdrun_loaded), ("hocx_no_cvode", _no_cvode)):
            register(interp, name, fn)
        interp.hooks["record"] = self.record
        interp.hooks["netcon_event"] = self.netcon_event
        impedance.install(self)
        ionfuncs.install(interp)
        apcount.install(interp)
        register_startsw(interp)
        if "CVode" not in interp.names():
            interp.register_class("CVode", CVode, doc=CLASSES["CVode"])


def _initial_params(model) -> None:
    """INITIAL blocks that change PARAMETERs (Exp2Syn clamps tau1), done on the objects so the
    change is visible in HOC, as in NEURON."""
    from .mechanisms import MECHANISMS
    reg = getattr(model, "registry", None)
    for pp in list(model.point_processes) + list(getattr(model, "artificial_cells", ())):
        name = getattr(getattr(pp, "mechanism", None), "name", "")
        mech = (reg.spec(name) if reg is not None else None) or MECHANISMS.get(name)
        if mech is None or mech.init_params is None:
            continue
        p = {k: float(pp.values[k]) for k in mech.params if k in pp.values}
        for k, x in mech.init_params(np, p).items():
            if float(x) != pp.values[k]:
                pp.hoc_set(k, float(x))


def _no_cvode(interp, args, span):
    raise HocRuntimeError("the local variable time step (cvode_local) is not supported by hocx", span,
                          hint="use the global variable step, cvode_active(1), or the fixed step")


def _alive(vec) -> bool:
    return not getattr(vec, "freed", False)


def _has(interp, name: str) -> bool:
    try:
        interp.get_global(name)
        return True
    except Exception:   # noqa: BLE001 - not declared
        return False


def _proc_identity(interp, name: str):
    """The object defining HOC proc ``name`` (None if the interpreter cannot tell us)."""
    getter = getattr(interp, "proc_definition", None)
    if getter is not None:
        try:
            return getter(name)
        except Exception:   # noqa: BLE001
            return None
    ns = getattr(interp, "globals", None)      # hocx.interp: procs live in the global namespace
    kinds, values = getattr(ns, "kinds", None), getattr(ns, "values", None)
    if isinstance(kinds, dict) and isinstance(values, dict) and kinds.get(name) in ("proc", "func"):
        return values.get(name)
    return None


def install(interp) -> None:
    """Register the simulator with ``interp`` (called by hocx.api.Session)."""
    if not hasattr(interp, "hooks") or interp.hooks is None:
        interp.hooks = {}
    plugin = SimPlugin(interp)
    interp.sim = plugin
    plugin.install()
