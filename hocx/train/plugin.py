"""Plug trainable parameters, gradients and fitting into an interpreter.

HOC surface (the full description is in hocx/train/__init__.py)::

    make_trainable("gnabar_hh")                 // whole model: one shared parameter
    soma make_trainable("gnabar_hh")            // the CAS section (forsec: one per section)
    apical.make_trainable("gnabar_hh")          // a SectionList: one shared parameter
    make_trainable("Ra", "cells", cellvec)      // cells listed in a Vector: one per cell
    make_trainable("gkbar_hh", "per", "section", "bounds", 0.01, 0.1, "init", 0.03)

Options after the name, in any order: a bare number or Vector (= ``init``), ``"init", x|vec``,
``"bounds", lo, hi``, ``"per", key`` (``all``, ``segment``, ``section``, ``cell`` or any
model-table column), ``"cells", vec``.  ``get_parameters()`` returns the values as a Vector,
``show_trainables()`` prints a table, ``delete_trainables()`` clears them, ``Fit`` fits them.
"""
from __future__ import annotations

import io

import numpy as np

from ..errors import HocRuntimeError, HocTypeError
from ..interp.objects import HocObject, as_float, extend_class
from ..interp.plugin_names import CLASSES, register
from . import trainables as T
from .fit import Fit


def _str(a) -> str | None:
    if isinstance(a, str):
        return a
    if hasattr(a, "value") and isinstance(getattr(a, "value"), str):
        return a.value
    return None


def _vec(a):
    return a if isinstance(a, HocObject) and a.hoc_class == "Vector" else None


class TrainState:
    """The trainables of one session (``session.train``; ``session.trainables`` is its list)."""

    def __init__(self, interp):
        self.interp = interp
        self.trainables: list[T.Trainable] = []

    @property
    def total(self) -> int:
        return sum(t.size for t in self.trainables)

    # ---- make_trainable ----------------------------------------------------------------
    def make(self, args, span, sections=None, where: str = "") -> float:
        """``make_trainable`` over ``sections`` (None: whole model or CAS / cells option)."""
        if not args or _str(args[0]) is None:
            raise HocTypeError('make_trainable("name", ...) needs the parameter name first', span)
        name = _str(args[0])
        opts = self._options(args[1:], span)
        model = self.interp.model
        point = T.S.classify_point(model, name)
        if point is not None:
            return self._make_point(name, point, opts, sections, where, span)
        table = model.table()
        index = {id(s): i for i, s in enumerate(model.sections)}
        key, sharing = "all", "shared"
        if sections is None and opts.get("cells") is not None:
            cells = np.asarray(opts["cells"], dtype=np.int64)
            ncell = int(table["cell"].max()) + 1 if len(table) else 0
            bad = [c for c in cells if not 0 <= c < ncell]
            if bad:
                raise HocRuntimeError(f"cell index {bad[0]} out of range (the model has {ncell} cells)", span)
            rows = np.nonzero(np.isin(table["cell"], cells))[0]
            key, sharing = "cell", f"cells {','.join(str(c) for c in cells)}"
        elif sections is None and model.stack_depth() > 0:
            sec = model.cas(span)
            rows = np.nonzero(table["section_index"] == index[id(sec)])[0]
            sharing = sec.name()
        elif sections is None:
            rows = np.arange(len(table))
            sharing = "all"
        else:
            idx = [index[id(s)] for s in sections if id(s) in index]
            rows = np.nonzero(np.isin(table["section_index"], idx))[0]
            sharing = where
        if "per" in opts:
            key = opts["per"]
            sharing = f"{sharing}, per {key}"
        tr = T.make(model, name, rows, key, sharing, opts.get("init"), opts.get("bounds"), span,
                    start=self._start_value, hoc_value=self.interp.get_global)
        self.trainables.append(tr)
        self.interp.out(f"Number of newly added trainable parameters: {tr.size}. "
                        f"Total number of trainable parameters: {self.total}\n")
        return float(tr.size)

    def _make_point(self, name, point, opts, sections, where, span) -> float:
        """A synapse / point-process / NetCon weight parameter (hocx/train/synapses.py)."""
        model = self.interp.model
        post, sharing = sections, where or "all"
        if sections is None and model.stack_depth() > 0:
            post = [model.cas(span)]
            sharing = post[0].name()
        if opts.get("cells") is not None:
            raise HocTypeError('"cells" selects compartments; for synapses use "per", "post_cell" '
                               'or a SectionList', span)
        key = opts.get("per", "all")
        if "per" in opts:
            sharing = f"{sharing}, per {key}"
        if opts.get("pre") is not None:
            sharing = f"{sharing}, pre in {_label(self.interp, opts['pre_obj'])}"
        tr = T.make_point(model, point[0], point[1], name, key, sharing, opts.get("init"),
                          opts.get("bounds"), span, post, opts.get("pre"))
        self.trainables.append(tr)
        self.interp.out(f"Number of newly added trainable parameters: {tr.size}. "
                        f"Total number of trainable parameters: {self.total}\n")
        return float(tr.size)

    def _start_value(self, kind, mech, var, table, rows) -> np.ndarray:
        """v_init for ``v``; for a state, its INITIAL value at v_init (host-side hh etc.)."""
        from ..sim.integrator import env_values, mech_env
        from .simulate import session_env
        interp = self.interp
        try:
            v_init = float(interp.get_global("v_init"))
        except Exception:   # noqa: BLE001 - stdrun not loaded
            v_init = -65.0
        v = np.full(len(rows), v_init)
        if kind == "v":
            return v
        m = interp.model.registry.spec(mech)
        p = {q: np.asarray(table[m.range_name(q)])[rows] for q in m.params}
        p.update({q: np.asarray(table[q])[rows] if q in table else np.full(len(rows), d)
                  for q, d in m.ion_reads.items()})
        env = session_env(interp)
        s0 = {q: np.asarray(table[m.range_name(q)])[rows] for q in m.states
              if m.range_name(q) in table}
        return m.initial(np, p, s0, v, mech_env(env_values(env, [m]), m, env.usetable))[var]

    @staticmethod
    def _options(args, span) -> dict:
        opts: dict = {}
        i = 0
        while i < len(args):
            a, word = args[i], _str(args[i])
            if word is None:
                if "init" in opts:
                    raise HocTypeError("make_trainable: unexpected extra argument", span)
                opts["init"] = np.array(_vec(a).x) if _vec(a) else as_float(a)
                i += 1
                continue
            if word == "init" and i + 1 < len(args):
                v = args[i + 1]
                opts["init"] = np.array(_vec(v).x) if _vec(v) else as_float(v)
                i += 2
            elif word == "bounds" and i + 2 < len(args):
                opts["bounds"] = (as_float(args[i + 1]), as_float(args[i + 2]))
                i += 3
            elif word == "per" and i + 1 < len(args) and _str(args[i + 1]) is not None:
                opts["per"] = _str(args[i + 1])
                i += 2
            elif word == "pre" and i + 1 < len(args) and hasattr(args[i + 1], "hoc_sections"):
                opts["pre"] = args[i + 1].hoc_sections()
                opts["pre_obj"] = args[i + 1]
                i += 2
            elif word == "cells" and i + 1 < len(args):
                v = args[i + 1]
                opts["cells"] = np.array(_vec(v).x) if _vec(v) else np.array([as_float(v)])
                i += 2
            else:
                raise HocTypeError(f"make_trainable: unknown or incomplete option '{word}'", span,
                                   hint='options: "init", x · "bounds", lo, hi · "per", key · "cells", vec · "pre", sectionlist')
        return opts

    # ---- the rest ------------------------------------------------------------------------
    def values(self) -> np.ndarray:
        return np.concatenate([t.value for t in self.trainables]) if self.trainables else np.zeros(0)

    def write_back(self) -> None:
        for tr in self.trainables:
            if tr.kind == "global":
                self.interp.set_global(tr.name, float(tr.value[0]))
                continue
            T.write_back(self.interp.model, tr)

    def table_text(self) -> str:
        from rich.console import Console
        from rich.table import Table
        tab = Table(title=f"{self.total} trainable parameters")
        for col in ("#", "name", "sharing", "count", "value", "bounds", "transform"):
            tab.add_column(col)
        for i, t in enumerate(self.trainables):
            vals = ", ".join(f"{v:.6g}" for v in t.value[:4]) + (", ..." if t.size > 4 else "")
            b = f"({t.bounds[0]:g}, {t.bounds[1]:g})" if t.bounds else "-"
            tab.add_row(str(i), t.name, t.sharing, str(t.size), vals, b, t.transform)
        buf = io.StringIO()
        Console(file=buf, width=110, force_terminal=False).print(tab)
        return buf.getvalue()

    def function(self, record_vecs, **kw):
        """Python API: ``(fn, params)`` with ``fn(params) -> traces`` pure (jit/grad/vmap-able);
        ``params`` is a list of arrays, one per trainable, in physical units."""
        from . import cvode
        from .simulate import DiffSim
        if cvode.active(self.interp):
            raise HocRuntimeError("train.function() runs the fixed step, but cvode.active(1) is on",
                                  hint="use Fit (forward-mode CVode gradients) or cvode.active(0)")
        sim = DiffSim(self.interp, self.trainables, record_vecs, **kw)
        return sim, sim.initial_params()


def _label(interp, obj) -> str:
    """The top-level objref name holding ``obj`` (``apical``), else its ``SectionList[i]`` name."""
    try:
        for name, kind in interp.names().items():
            if kind == "obj" and interp.get_global(name) is obj:
                return name
    except Exception:   # noqa: BLE001 - naming is cosmetic
        pass
    return obj.hoc_name()


def install(interp) -> None:
    """Register make_trainable & co., SectionList.make_trainable and the Fit class."""
    state = TrainState(interp)
    interp.train = state
    interp.trainables = state.trainables
    register(interp, "make_trainable", lambda i, a, s: state.make(a, s))

    def get_parameters(i, args, span):
        vec = interp.new_object("Vector", [], span)
        vec.assign(state.values())
        return vec

    def delete(i, args, span):
        state.trainables.clear()
        return 0.0

    def show(i, args, span):
        interp.out(state.table_text())
        return 0.0

    register(interp, "get_parameters", get_parameters)
    register(interp, "delete_trainables", delete)
    register(interp, "show_trainables", show)
    extend_class("SectionList", "make_trainable",
                 lambda obj, args, span: state.make(args, span, obj.hoc_sections(), _label(interp, obj)))
    interp.register_class("Fit", Fit, doc=CLASSES["Fit"])
    from .sweep import install as install_sweep
    install_sweep(interp)
