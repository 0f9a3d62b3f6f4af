"""Parameter sweeps: many runs of one model as one vmapped, sharded, batched computation.

HOC surface (registered by :func:`install`)::

    objref res
    res = sweep("gnabar_hh", gvec)                          // K runs, whole-model gnabar
    res = sweep("gnabar_hh", gvec, "gkbar_hh", kvec)        // zipped: run k uses gvec.x[k], kvec.x[k]
    res = sweep("gnabar_hh", gvec, "gkbar_hh", kvec, "grid")   // every combination (first varies slowest)
    res = sweep("gnabar_hh", gvec, "on", apical)            // a SectionList only
    soma res = sweep("gkbar_hh", kvec)                      // the CAS section only
    res = sweep("gnabar_hh", m, "per", "cell")              // Matrix K x ncell: one value per cell
    res = sweep("gnabar_hh", gvec, "cells", cellvec)        // cells listed in a Vector
    res = sweep("stim.amp", avec)   or   sweep(stim, "amp", avec)   // point-process parameter
    res = sweep(..., "batch", 256)                          // at most 256 runs per device batch

Each parameter is a *selection* exactly as ``make_trainable`` builds it
(:mod:`hocx.train.trainables`: mechanism PARAMETERs, diam, L, Ra, cm, initial v and states),
followed by its values: a Vector (one value per run, shared over the selection) or a Matrix
with one row per run and one column per shared scalar (``"per", key`` / ``"cells", vec``).
Every run is ``run()`` from ``finitialize(v_init)`` to ``tstop``.  The result is a List with
one Matrix per recorded Vector, in recording order: row k is run k's trace (nsteps + 1
samples, t = 0 included).  The recorded Vectors keep what the last ordinary ``run()`` left.

Execution: the runs are stepped together with the run index as the trailing axis
(:class:`hocx.train.batched.BatchedRun`; models with NetCons ``jax.vmap`` over
:class:`hocx.train.simulate.DiffSim` instead), split in equal batches whose size is bounded by
an estimate of the memory one run needs, and each batch is laid along a ``"batch"`` mesh axis
over all JAX devices (``NamedSharding``), padded to a multiple of the device count; the
padding is dropped, so results do not depend on the number of devices.  A progress bar shows
batches on a terminal.  The compiled batch function takes the model's values (parameters,
geometry, tables) as arguments, so it is compiled once per model structure, simulation
globals, swept selections, recordings and batch size: changing a value recompiles nothing.
"""
from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from ..errors import HocNameError, HocRuntimeError, HocTypeError
from ..sim.plugin import env_flags, env_globals
from ..interp.objects import HocObject, as_float
from ..interp.plugin_names import register
from . import cvode
from . import trainables as T
from .batched import BatchedRun, digest
from .simulate import DiffSim, split_row

#: words that qualify the parameter before them / configure the whole sweep
QUALIFIERS = ("on", "per", "cells")
OPTIONS = ("grid", "zip", "batch")
#: default memory budget of one batch on a CPU (MiB; env HOCX_SWEEP_MEMORY overrides)
CPU_BUDGET_MIB = 1024


@dataclass
class Spec:
    """One swept parameter: a range-variable selection or a point-process field, and its
    values, shape (nvalues, count)."""

    label: str
    values: np.ndarray
    trainable: T.Trainable | None = None
    point: tuple | None = None           # (point process object, field)


# ---- parsing the HOC arguments ---------------------------------------------------------
def _text(a) -> str | None:
    if isinstance(a, str):
        return a
    value = getattr(a, "value", None)
    return value if isinstance(value, str) else None


def _cls(a) -> str | None:
    return a.hoc_class if isinstance(a, HocObject) else None


def _values(a, label: str, span) -> np.ndarray:
    """A Vector → (n, 1); a Matrix → (nrow, ncol)."""
    if _cls(a) == "Vector":
        vals = np.array(a.x, dtype=float).reshape(-1, 1)
    elif _cls(a) == "Matrix":
        vals = np.array(a.m, dtype=float)
    else:
        raise HocTypeError(f"sweep: the values of {label} must be a Vector or a Matrix", span)
    if not len(vals):
        raise HocRuntimeError(f"sweep: the values of {label} are empty", span)
    return vals


def parse(interp, args, span) -> tuple[list[Spec], dict]:
    """The swept parameters and the options (``grid``, ``batch``) of a ``sweep(...)`` call."""
    specs: list[Spec] = []
    opts = {"grid": False, "batch": None}
    i = 0
    while i < len(args):
        a, word = args[i], _text(args[i])
        if word in OPTIONS:
            if word == "batch":
                if i + 1 >= len(args) or _text(args[i + 1]) is not None:
                    raise HocTypeError('sweep: "batch" needs a number of runs', span)
                n = int(as_float(args[i + 1]))
                if n < 1:
                    raise HocRuntimeError(f"sweep: batch = {n} must be at least 1", span)
                opts["batch"] = n
                i += 2
            else:
                opts["grid"] = word == "grid"
                i += 1
        elif isinstance(a, HocObject) and hasattr(a, "mechanism"):      # sweep(stim, "amp", vec)
            field = _text(args[i + 1]) if i + 1 < len(args) else None
            if field is None or i + 2 >= len(args):
                raise HocTypeError('sweep(pointprocess, "param", values): incomplete', span)
            label = f"{a.hoc_name()}.{field}"
            specs.append(_point(a, field, label, _values(args[i + 2], label, span), span))
            i += 3
        elif word is not None:
            if i + 1 >= len(args):
                raise HocTypeError(f"sweep: {word} has no values", span,
                                   hint=f'sweep("{word}", values_vec)')
            vals = _values(args[i + 1], word, span)
            j, quals = i + 2, {}
            while j < len(args) and _text(args[j]) in QUALIFIERS:
                if j + 1 >= len(args):
                    raise HocTypeError(f'sweep: "{_text(args[j])}" needs an argument', span)
                quals[_text(args[j])] = args[j + 1]
                j += 2
            if "." in word:
                specs.append(_point_spec(interp, word, vals, quals, span))
            else:
                specs.append(_range_spec(interp, word, vals, quals, span))
            i = j
        else:
            raise HocTypeError(f"sweep: unexpected argument {i + 1}", span,
                               hint='sweep("name", values[, "on", seclist][, "per", key]'
                                    '[, "cells", vec] ...[, "grid"][, "batch", n])')
    if not specs:
        raise HocTypeError("sweep: no parameter to sweep", span, hint='sweep("gnabar_hh", values_vec)')
    return specs, opts


def _point_spec(interp, word, vals, quals, span) -> Spec:
    if quals:
        raise HocTypeError(f"sweep: {word} is a point-process parameter; "
                           f'"{next(iter(quals))}" applies to range variables only', span)
    name, field = word.rsplit(".", 1)
    try:
        obj = interp.get_global(name)
    except Exception:   # noqa: BLE001 - the interpreter's own lookup error has no span
        raise HocNameError(f"sweep: {name} is not an objref", span) from None
    if not (isinstance(obj, HocObject) and hasattr(obj, "mechanism")):
        raise HocTypeError(f"sweep: {name} is not a point process", span)
    return _point(obj, field, word, vals, span)


def _point(obj, field, label, vals, span) -> Spec:
    if vals.shape[1] != 1:
        raise HocRuntimeError(f"sweep: {label} takes one value per run (a Vector), "
                              f"not {vals.shape[1]} columns", span)
    return Spec(label, vals, point=(obj, field))


def _range_spec(interp, name, vals, quals, span) -> Spec:
    """The rows and sharing of a range variable, as ``make_trainable`` selects them."""
    model = interp.model
    table = model.table()
    index = {id(s): k for k, s in enumerate(model.sections)}
    key, where = "all", "all"
    if "on" in quals:
        sl = quals["on"]
        if _cls(sl) != "SectionList":
            raise HocTypeError(f'sweep: "on" needs a SectionList for {name}', span)
        idx = [index[id(s)] for s in sl.hoc_sections() if id(s) in index]
        rows = np.nonzero(np.isin(table["section_index"], idx))[0]
        where = sl.hoc_name()
    elif "cells" in quals:
        cells = np.array(quals["cells"].x if _cls(quals["cells"]) == "Vector"
                         else [as_float(quals["cells"])], dtype=np.int64)
        ncell = int(table["cell"].max()) + 1 if len(table) else 0
        bad = [c for c in cells if not 0 <= c < ncell]
        if bad:
            raise HocRuntimeError(f"sweep: cell index {bad[0]} out of range (the model has {ncell} cells)", span)
        rows = np.nonzero(np.isin(table["cell"], cells))[0]
        key, where = "cell", "cells"
    elif model.stack_depth() > 0:
        sec = model.cas(span)
        rows = np.nonzero(table["section_index"] == index[id(sec)])[0]
        where = sec.name()
    else:
        rows = np.arange(len(table))
    if "per" in quals:
        key = _text(quals["per"])
        if key is None:
            raise HocTypeError('sweep: "per" needs a key such as "cell" or "section"', span)
    tr = T.make(model, name, rows, key, where, span=span, hoc_value=interp.get_global)
    if vals.shape[1] not in (1, tr.size):
        raise HocRuntimeError(f"sweep: {name} has {tr.size} values per run ({where}, per {key}) "
                              f"but its Matrix has {vals.shape[1]} columns", span)
    return Spec(name, vals, trainable=tr)


def combine(specs: list[Spec], grid: bool, span) -> list[np.ndarray]:
    """Per-spec value rows of every run: zipped (equal lengths) or the product (``grid``)."""
    lengths = [len(s.values) for s in specs]
    if not grid:
        if len(set(lengths)) > 1:
            detail = ", ".join(f"{s.label}: {n}" for s, n in zip(specs, lengths))
            raise HocRuntimeError(f"sweep: zipped parameters need equal numbers of values ({detail})",
                                  span, hint='add "grid" for every combination')
        return [s.values for s in specs]
    idx = np.meshgrid(*[np.arange(n) for n in lengths], indexing="ij")
    return [s.values[k.reshape(-1)] for s, k in zip(specs, idx)]


# ---- running ---------------------------------------------------------------------------
def per_run_bytes(sim: DiffSim) -> int:
    """A generous estimate of the device memory one run of a batch needs: its traces twice
    (scan output and result) and ~64 temporaries of the node state per step."""
    nstate = sum(b.count * max(1, len(b.mech.states)) for b in sim.low.blocks)
    return 8 * (2 * (sim.nsteps + 1) * max(1, len(sim.sources)) + 64 * (sim.low.n + nstate))


def memory_budget(devices) -> int:
    """Bytes one batch may use: ``HOCX_SWEEP_MEMORY`` (MiB), else a quarter of each
    accelerator's memory, else 1 GiB (CPU devices share the host's memory)."""
    env = os.environ.get("HOCX_SWEEP_MEMORY")
    if env:
        return int(float(env) * 2**20)
    try:
        stats = devices[0].memory_stats() or {}
    except Exception:   # noqa: BLE001 - CPU devices have no memory statistics
        stats = {}
    if stats.get("bytes_limit"):
        return int(stats["bytes_limit"]) // 4 * len(devices)
    return CPU_BUDGET_MIB * 2**20


def batch_size(nruns: int, per_run: int, ndev: int, budget: int, cap: int | None) -> int:
    """Runs per batch: within the budget (and ``cap``), a multiple of the device count."""
    fit = max(1, budget // max(per_run, 1))
    b = min(nruns, fit, cap or nruns)
    return -(-b // ndev) * ndev


class Progress:
    """``sweep [#####   ] 512/1024 runs`` on stderr, only on a terminal."""

    def __init__(self, total: int, stream=None):
        self.stream = stream or sys.stderr
        self.total, self.t0 = total, time.perf_counter()
        self.on = bool(getattr(self.stream, "isatty", lambda: False)())

    def update(self, done: int) -> None:
        if self.on:
            bar = "#" * int(30 * done / max(self.total, 1))
            self.stream.write(f"\rsweep [{bar:<30}] {done}/{self.total} runs "
                              f"{time.perf_counter() - self.t0:.1f}s")
            self.stream.flush()

    def close(self) -> None:
        if self.on:
            self.stream.write("\n")
            self.stream.flush()


class Sweeper:
    """The sweep state of one session (``interp.sweeper``): the last compiled batch function,
    how many times a batch function was compiled (``compiles``) and what the last sweep did
    (``last``: runs, batch, batches, devices, sharded_over)."""

    def __init__(self, interp):
        self.interp = interp
        self._cached = None
        self._cvode = None
        #: how a sweep under CVode runs its members: "seq" or "vmap" (hocx/train/cvode.py)
        self.cvode_mode = cvode.DEFAULT_SWEEP_MODE
        self.compiles = 0
        self.last: dict = {}

    def recorded(self, span) -> list:
        """The recorded Vectors, in recording order (every-step recordings only)."""
        recs = [r for r in getattr(getattr(self.interp, "sim", None), "recordings", [])
                if not getattr(r.vec, "freed", False)]
        if not recs:
            raise HocRuntimeError("sweep: nothing is recorded", span,
                                  hint="record a trace first, e.g. vec.record(&soma.v(0.5))")
        for r in recs:
            if r.timed:
                raise HocRuntimeError(f"sweep: {r.vec.hoc_name()} records with a Dt or a time vector; "
                                      "sweep returns every step", span,
                                      hint="record without Dt and take every n-th column")
        return [r.vec for r in recs]

    def run(self, specs: list[Spec], opts: dict, span=None) -> list[np.ndarray]:
        """Traces per recorded Vector, each shape (nruns, nsteps + 1)."""
        if cvode.active(self.interp):      # the variable step: Dt / tvec samples, hocx/train/cvode.py
            return self._cvode_run(specs, opts, span)
        vecs = self.recorded(span)
        rows = combine(specs, opts["grid"], span)
        nruns = len(rows[0])
        devices = jax.devices()
        fn, sim, data = self._compiled(specs, vecs, span)
        batch = batch_size(nruns, per_run_bytes(sim), len(devices), memory_budget(devices), opts["batch"])
        mesh = Mesh(np.array(devices), ("batch",))
        shard = NamedSharding(mesh, PartitionSpec("batch"))
        out, bar = [], Progress(nruns)
        sharded_over = 0
        try:
            for start in range(0, nruns, batch):
                idx = np.minimum(np.arange(start, start + batch), nruns - 1)    # pad with the last run
                args = [jax.device_put(jnp.asarray(r[idx]), shard) for r in rows]
                res = fn(data, *args)
                sharded_over = max(sharded_over, len(res.sharding.device_set))
                out.append(np.asarray(res)[: min(batch, nruns - start)])
                bar.update(min(start + batch, nruns))
        finally:
            bar.close()
        self.last = dict(runs=nruns, batch=batch, batches=len(out), devices=len(devices),
                         sharded_over=sharded_over, nsteps=sim.nsteps)
        traces = np.concatenate(out)                 # (nruns, nsteps + 1, nrec)
        return [traces[:, :, c] for c in range(traces.shape[2])]

    def _cvode_run(self, specs, opts, span) -> list[np.ndarray]:
        """Under cvode.active(1): each recorded Vector's Dt / tvec samples up to tstop."""
        recs = [r for r in getattr(getattr(self.interp, "sim", None), "recordings", [])
                if not getattr(r.vec, "freed", False)]
        if not recs:
            raise HocRuntimeError("sweep: nothing is recorded", span,
                                  hint="record a trace first, e.g. vec.record(&soma.v(0.5), 0.1)")
        if self._cvode is None:
            self._cvode = cvode.CvodeSweep()
        rows = combine(specs, opts["grid"], span)
        out = self._cvode.run(self.interp, specs, rows, [r.vec for r in recs], span, mode=self.cvode_mode)
        self.last = dict(self._cvode.last, batch=1 if self._cvode.last["mode"] == "seq" else len(rows[0]))
        return out

    def _compiled(self, specs, vecs, span):
        """(jitted batch function, DiffSim, its value arrays).  The function takes the model's
        values as arguments, so it is reused while the structure, the simulation globals,
        the swept selections and the recordings stay the same (new batch sizes retrace)."""
        interp = self.interp
        trs = [s.trainable for s in specs if s.trainable is not None]
        sim = DiffSim(interp, trs, vecs, checkpoint=False, span=span)
        overrides = [sim.point_param(s.point[0], s.point[1], span) if s.point else None for s in specs]
        data = sim.arrays()
        env_key = tuple(_global(interp, g) for g in ("tstop", "dt", "celsius", "v_init",
                                                        "secondorder")) + (
            env_flags(interp), env_globals(interp))
        sig = tuple((s.label, s.values.shape[1], None if s.trainable is None else
                     (tuple(s.trainable.rows), tuple(s.trainable.group))) for s in specs)
        layout = digest([*jax.tree_util.tree_leaves(sim.T),
                          *[a[3] for a in sim.apply if isinstance(a[3], np.ndarray)]])
        shapes = tuple((np.shape(x), np.asarray(x).dtype.str) for x in jax.tree_util.tree_leaves(data))
        key = (interp.model.structure_version, env_key, sig,
               tuple(overrides), tuple(sim.sources), layout, shapes, tuple(id(v) for v in vecs),
               len(jax.devices()))
        if self._cached is not None and self._cached[0] == key:
            return self._cached[1], sim, data
        shapes_of = [np.shape(t.value) for t in trs]

        def split(row):
            return split_row(row, overrides, shapes_of)

        def init(data_, *row):
            return sim.initial(*split(row), data_)

        if BatchedRun.supports(sim):
            batched = BatchedRun(sim, init)

            def run(data_, *rows):
                self.compiles += 1          # runs only while tracing: once per compile
                return batched(data_, *rows)
        else:
            def run(data_, *rows):
                self.compiles += 1
                return jax.vmap(lambda *row: sim(*split(row), data_))(*rows)
        mesh = Mesh(np.array(jax.devices()), ("batch",))
        shard, whole = NamedSharding(mesh, PartitionSpec("batch")), NamedSharding(mesh, PartitionSpec())
        fn = jax.jit(run, in_shardings=(whole, *[shard] * len(specs)), out_shardings=shard)
        self._cached = (key, fn)
        return fn, sim, data


def _global(interp, name):
    try:
        return float(interp.get_global(name))
    except Exception:   # noqa: BLE001 - not declared (no stdrun)
        return None


def install(interp) -> None:
    """Register the ``sweep(...)`` built-in (returns a List of Matrix)."""
    sweeper = Sweeper(interp)
    interp.sweeper = sweeper

    def sweep(i, args, span):
        specs, opts = parse(interp, args, span)
        traces = sweeper.run(specs, opts, span)
        result = interp.new_object("List", [], span)
        for tr in traces:
            m = interp.new_object("Matrix", [float(tr.shape[0]), float(tr.shape[1])], span)
            m.m = np.array(tr, dtype=float)
            result.m_append([m], span)
        return result

    register(interp, "sweep", sweep)
