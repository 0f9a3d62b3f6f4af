"""``Fit``: gradient descent on the trainables so recorded traces match targets.

HOC usage::

    objref fit
    fit = new Fit()
    fit.add(vsoma, vtarget)     // recorded Vector, target Vector (or a file of numbers)
    fit.stimuli(stim, "amp", amps)   // optional batch: one run per value of stim.amp ...
    fit.add(vsoma, vtarget2, 1)      // ... and targets for batch item k (default 0)
    fit.lr = 0.02  fit.steps = 200
    fit.run()                   // Adam; returns the best loss; fitted values go into the model
    objref g
    g = fit.grad()              // d loss / d parameter (physical units), one element per scalar

Loss: mean squared error over all samples of all pairs (``fit.set_loss("mae")`` for mean
absolute error).  Ctrl-C during ``run()`` stops and keeps the best parameters so far.
"""
from __future__ import annotations

import sys
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax

from ..errors import HocRuntimeError, HocTypeError
from ..interp.objects import HocObject, as_float
from ..interp.safety import check_read, expand_file_name
from . import cvode
from .simulate import DiffSim
from .transforms import to_physical, to_unconstrained

LOSSES = {
    "mse": lambda d: jnp.mean(d * d),
    "mae": lambda d: jnp.mean(jnp.abs(d)),
}


def _state(interp):
    return interp.train


class Fit(HocObject):
    """Fits the session's trainables to target traces with optax (Adam by default)."""

    hoc_class = "Fit"
    hoc_fields = ("lr", "steps", "best_loss", "checkpoint")
    hoc_settable = ("lr", "steps", "checkpoint")
    hoc_doc = {
        "add": "add(recorded_vec, target_vec or \"file\"[, k]): one trace to match (batch item k)",
        "stimuli": "stimuli(pointprocess, \"param\", values_vec): one run per value (a batch)",
        "run": "run([steps]): gradient descent (Adam); returns the best loss",
        "loss": "loss([values_vec]): the loss at the present parameter values (or at values laid out as get_parameters())",
        "grad": "grad(): gradient of the loss w.r.t. each trainable scalar, as a Vector",
        "set_loss": "set_loss(\"mse\" or \"mae\")",
        "lr": "learning rate (default 0.01)",
        "steps": "number of optimiser steps run() takes (default 100)",
    }

    def __init__(self, interp=None, args=None, span=None):
        super().__init__(interp, args, span)
        self.lr = 0.01
        self.steps = 100.0
        self.checkpoint = 1.0
        self.best_loss = float("nan")
        self.pairs: list = []
        self.batch = None            # (point process, parameter, values) or None
        self.loss_name = "mse"
        self._cache = None

    # ---- set-up --------------------------------------------------------------------
    def m_add(self, args, span=None):
        if len(args) not in (2, 3):
            raise HocTypeError("Fit.add(recorded_vec, target[, k]) takes two or three arguments", span)
        rec, target = args[:2]
        k = int(as_float(args[2])) if len(args) == 3 else 0
        if k < 0:
            raise HocRuntimeError(f"Fit.add: batch index {k} must not be negative", span)
        if not (isinstance(rec, HocObject) and rec.hoc_class == "Vector"):
            raise HocTypeError("Fit.add: the first argument must be a recorded Vector", span)
        recs = getattr(getattr(self.interp, "sim", None), "recordings", [])
        if not any(r.vec is rec for r in recs):
            raise HocRuntimeError(f"{rec.hoc_name()} is not recording anything", span,
                                  hint="call vec.record(&soma.v(0.5)) before fit.add")
        if isinstance(target, HocObject) and target.hoc_class == "Vector":
            values = np.array(target.x, dtype=float)
        elif _text(target) is not None:
            path = expand_file_name(self.interp, _text(target), span, "Fit.add")
            check_read(self.interp, path, span, "Fit.add")
            values = _read_numbers(path, span)
        else:
            raise HocTypeError("Fit.add: the target must be a Vector or a file name", span)
        self.pairs.append((rec, values, k))
        self._cache = None
        return 1.0

    def m_stimuli(self, args, span=None):
        if len(args) != 3 or not isinstance(args[0], HocObject) or _text(args[1]) is None \
                or not (isinstance(args[2], HocObject) and args[2].hoc_class == "Vector"):
            raise HocTypeError('Fit.stimuli(pointprocess, "param", values_vec)', span)
        values = np.array(args[2].x, dtype=float)
        if not len(values):
            raise HocRuntimeError("Fit.stimuli: the values Vector is empty", span)
        self.batch = (args[0], _text(args[1]), values)
        self._cache = None
        return 1.0

    def m_set_loss(self, args, span=None):
        name = str(getattr(args[0], "value", args[0])) if args else ""
        if name not in LOSSES:
            raise HocRuntimeError(f"unknown loss '{name}'", span, hint="use " + " or ".join(LOSSES))
        self.loss_name = name
        self._cache = None
        return 1.0

    # ---- the differentiable loss -----------------------------------------------------
    def _prepare(self, span):
        trs = _state(self.interp).trainables
        if not trs:
            raise HocRuntimeError("there are no trainable parameters to fit", span,
                                  hint='call make_trainable("gnabar_hh") (or sl.make_trainable) first')
        if not self.pairs:
            raise HocRuntimeError("this Fit has no target", span,
                                  hint="fit.add(recorded_vec, target_vec) first")
        key = (tuple(id(t) for t in trs), int(self.checkpoint != 0), self.loss_name,
               self.interp.model.version, cvode.cache_key(self.interp))
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        if cvode.active(self.interp):      # the variable step: forward-mode, hocx/train/cvode.py
            prepared = cvode.prepare_fit(self, trs, span)
            self._cache = (key, prepared)
            return prepared
        recs = []
        for rec, _, _ in self.pairs:
            if not any(rec is r for r in recs):
                recs.append(rec)
        sim = DiffSim(self.interp, trs, recs, checkpoint=self.checkpoint != 0, span=span)
        n = sim.nsteps + 1
        nbatch = len(self.batch[2]) if self.batch else 1
        cols = []
        for rec, target, k in self.pairs:
            if len(target) != n:
                raise HocRuntimeError(f"target for {rec.hoc_name()} has {len(target)} values but a run "
                                      f"to tstop records {n} (t = 0 included)", span,
                                      hint="make the target with the same tstop and dt")
            if k >= nbatch:
                raise HocRuntimeError(f"target for batch item {k}, but the batch has {nbatch} "
                                      "run(s)", span, hint="fit.stimuli(stim, \"amp\", values) sets the batch")
            cols.append((k, next(i for i, r in enumerate(recs) if r is rec), jnp.asarray(target)))
        lossf = LOSSES[self.loss_name]
        kinds = [(t.transform, t.bounds) for t in trs]
        if self.batch:
            bi, var, inst = sim.point_param(self.batch[0], self.batch[1], span)
            amps = jnp.asarray(self.batch[2])
            run = lambda values: jax.vmap(lambda a: sim(values, [(bi, var, inst, a)]))(amps)
        else:
            run = lambda values: sim(values)[None]

        def loss_phys(values):
            traces = run(values)
            return sum(lossf(traces[k, :, c] - t) for k, c, t in cols) / len(cols)

        def loss_u(us):
            return loss_phys([to_physical(k, u, b) for (k, b), u in zip(kinds, us)])

        prepared = (sim, jax.jit(loss_phys), jax.jit(jax.value_and_grad(loss_phys)),
                    jax.jit(jax.value_and_grad(loss_u)), kinds)
        self._cache = (key, prepared)
        return prepared

    def m_loss(self, args, span=None):
        sim, loss, vg, _, _ = self._prepare(span)
        if args:       # loss(values_vec) at other values: the grad program's value (no new compile)
            return float(vg(self._split(args[0], sim.initial_params(), span))[0])
        return float(loss(sim.initial_params()))

    @staticmethod
    def _split(vec, like: list, span) -> list:
        x = getattr(vec, "x", None)
        if not isinstance(x, np.ndarray):
            raise HocTypeError("Fit.loss(values): values must be a Vector", span)
        flat = np.asarray(x, dtype=float).reshape(-1)
        sizes = [int(np.size(x)) for x in like]
        if flat.size != sum(sizes):
            raise HocTypeError(f"Fit.loss(values): {flat.size} values for {sum(sizes)} trainable scalars",
                               span, hint="pass a Vector laid out as get_parameters() returns it")
        parts = np.split(flat, np.cumsum(sizes)[:-1])
        return [jnp.asarray(part.reshape(np.shape(x))) for part, x in zip(parts, like)]

    def m_grad(self, args, span=None):
        sim, _, vg, _, _ = self._prepare(span)
        _, g = vg(sim.initial_params())
        vec = self.interp.new_object("Vector", [], span)
        vec.assign(np.concatenate([np.asarray(x).reshape(-1) for x in g]))
        return vec

    def m_run(self, args, span=None):
        steps = int(as_float(args[0])) if args else int(self.steps)
        if steps < 0:
            raise HocRuntimeError(f"Fit.run: steps = {steps} must not be negative", span)
        if not self.lr > 0:
            raise HocRuntimeError(f"Fit.lr = {self.lr:g} must be positive", span)
        sim, _, _, vg_u, kinds = self._prepare(span)
        trs = _state(self.interp).trainables
        us = [jnp.asarray(to_unconstrained(k, t.value, b)) for (k, b), t in zip(kinds, trs)]
        opt = optax.adam(float(self.lr))
        opt_state = opt.init(us)
        best, best_us = float("inf"), us
        bar = _Bar(steps)
        try:
            for i in range(steps):
                loss, g = vg_u(us)
                loss = float(loss)
                if not np.isfinite(loss):
                    break
                if loss < best:
                    best, best_us = loss, us
                bar.update(i + 1, loss, best)
                updates, opt_state = opt.update(g, opt_state, us)
                us = optax.apply_updates(us, updates)
            else:
                loss = float(vg_u(us)[0])
                if loss < best:
                    best, best_us = loss, us
        except KeyboardInterrupt:
            bar.note("interrupted: keeping the best parameters so far")
        finally:
            bar.close()
        for (k, b), t, u in zip(kinds, trs, best_us):
            t.value = np.asarray(to_physical(k, u, b), dtype=float).reshape(-1)
        _state(self.interp).write_back()
        if self._cache is not None:       # only trainable values changed: keep the compiled loss
            k = self._cache[0]
            self._cache = (k[:3] + (self.interp.model.version,) + k[4:], self._cache[1])
        self.best_loss = best
        return best


class _Bar:
    """A one-line progress display on stderr (only when stderr is a terminal)."""

    def __init__(self, total: int):
        self.total = total
        self.on = sys.stderr.isatty()
        self.t0 = time.perf_counter()

    def update(self, i: int, loss: float, best: float) -> None:
        if not self.on:
            return
        width = 30
        done = int(width * i / max(self.total, 1))
        sys.stderr.write(f"\rfit [{'#' * done}{'.' * (width - done)}] {i}/{self.total} "
                         f"loss {loss:.6g} best {best:.6g} {time.perf_counter() - self.t0:.1f}s")
        sys.stderr.flush()

    def note(self, text: str) -> None:
        if self.on:
            sys.stderr.write("\n" + text)

    def close(self) -> None:
        if self.on:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _text(a) -> str | None:
    if isinstance(a, str):
        return a
    value = getattr(a, "value", None)
    return value if isinstance(value, str) else None


def _read_numbers(path: str, span) -> np.ndarray:
    try:
        with open(path) as f:
            return np.array([float(tok) for tok in f.read().split()])
    except OSError as err:
        raise HocRuntimeError(f"cannot read target file {path}: {err.strerror}", span) from None
    except ValueError:
        raise HocRuntimeError(f"target file {path} must hold numbers only", span) from None
