"""Trainable parameters: which model-table rows a parameter controls and how they share it.

A :class:`Trainable` is a *selection* (a set of rows of a table: segments of the model table
today, rows of the edge table for synapse parameters later) plus a *sharing key*: rows with
the same key value are controlled by one scalar (the seeds' ``controlled_by_param``).  Its
value is kept in physical units; transforms (``bounds`` → sigmoid, positive → softplus) are
applied only by the optimiser.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import HocNameError, HocRuntimeError, HocTypeError, ModelError
from ..sim.mechanisms import MECHANISMS
from . import synapses as S

#: section/segment geometry the differentiable simulator recomputes area and ri from
GEOMETRY = ("diam", "L", "Ra")
#: sharing keys with a fixed meaning; any other model-table column name also works
KEYS = {"all": None, "segment": None, "section": "section_index", "cell": "cell"}


@dataclass
class Trainable:
    """One ``make_trainable`` call: ``count`` scalars controlling ``rows`` of the model table.

    kind: ``param`` (mechanism PARAMETER), ``state`` (initial value of a STATE), ``v``
    (initial membrane potential), ``cm`` or ``geometry`` (diam, L, Ra).
    ``group[i]`` is the index of the scalar that controls ``rows[i]``.
    """

    name: str
    kind: str
    rows: np.ndarray
    group: np.ndarray
    value: np.ndarray
    sharing: str
    mech: str = ""
    var: str = ""
    bounds: tuple[float, float] | None = None
    transform: str = "identity"
    structure: int = -1          # model.structure_version the rows refer to
    #: kind ``point``: the point processes / NetCons themselves (rows index this list)
    objects: list | None = None

    @property
    def size(self) -> int:
        return len(self.value)

    @property
    def count(self) -> int:
        return self.size


def classify(name: str, span=None, specs=None) -> tuple[str, str, str]:
    """(kind, mechanism, unsuffixed variable) of a trainable range variable name; ``specs``:
    the session's mechanisms (translated mods included), default the built-ins."""
    if name in GEOMETRY:
        return "geometry", "", name
    if name == "cm":
        return "cm", "", name
    if name == "v":
        return "v", "", name
    for mech in (MECHANISMS.values() if specs is None else specs):
        # a GLOBAL PARAMETER of a (translated) mechanism: the HOC global name_suffix
        if getattr(mech, "simulated", False):
            for g in getattr(mech, "global_params", None) or {}:
                if f"{g}_{mech.name}" == name:
                    return "global", mech.name, g
    for mech in (MECHANISMS.values() if specs is None else specs):
        if mech.kind != "density" or not mech.simulated:
            continue
        for p in mech.params:
            if mech.range_name(p) == name:
                return "param", mech.name, p
        for s in mech.states:
            if mech.range_name(s) == name:
                return "state", mech.name, s
        for a in mech.assigned:
            if mech.range_name(a) == name:
                raise HocTypeError(f"{name} is computed by {mech.name} (an ASSIGNED variable) "
                                   "and cannot be trained", span,
                                   hint="train a PARAMETER, geometry (diam, L, Ra, cm) or an initial state")
    raise HocNameError(f"{name} is not a trainable parameter", span,
                       hint="trainable: mechanism parameters such as gnabar_hh, diam, L, Ra, cm, "
                            "v (initial) and states such as m_hh (initial)")


def group_rows(table, rows: np.ndarray, key: str, span=None) -> np.ndarray:
    """Index of the shared scalar per selected row, for sharing ``key``."""
    if key == "all":
        return np.zeros(len(rows), dtype=np.int64)
    if key == "segment":
        return np.arange(len(rows), dtype=np.int64)
    col = KEYS.get(key) or key
    if col not in table:
        raise HocNameError(f"unknown sharing key '{key}'", span,
                           hint="use all, segment, section, cell or a model-table column name")
    vals = np.asarray(table[col])[rows]
    if vals.dtype == object:
        vals = vals.astype(str)
    _, inv = np.unique(vals, return_inverse=True)
    return inv.astype(np.int64).reshape(-1)


def make_point(model, mech: str, var: str, name: str, key: str, sharing: str, init=None,
               bounds=None, span=None, post=None, pre=None) -> Trainable:
    """A point-process or NetCon parameter (``ExpSyn.tau``, ``IonotropicSynapse.gS``,
    ``NetCon.weight``) over the selected instances, shared by an edge ``key``."""
    objs = S.select(model, mech, var, post, pre, span)
    group = S.group_objects(model, objs, key, span)
    col = S.current_values(objs, var)
    count = int(group.max()) + 1
    value = np.array([col[group == g].mean() for g in range(count)])
    value, transform, bounds = _init_and_bounds(name, value, count, init, bounds,
                                               positive=var.startswith("g") or var in ("tau", "tau1", "tau2"),
                                               span=span)
    return Trainable(name, "point", np.arange(len(objs)), group, value, sharing, mech, var, bounds,
                     transform, getattr(model, "structure_version", -1), objs)


def _init_and_bounds(name, value, count, init, bounds, positive, span):
    """Apply ``init`` and ``bounds``; the transform (sigmoid / softplus / identity)."""
    if init is not None:
        init = np.atleast_1d(np.asarray(init, dtype=float))
        if init.size == 1:
            value = np.full(count, float(init[0]))
        elif init.size != count:
            raise HocRuntimeError(f"init has {init.size} values but {count} parameters are being "
                                  f"created for {name}", span)
        else:
            value = init.copy()
    if bounds is not None:
        lo, hi = float(bounds[0]), float(bounds[1])
        if not lo < hi:
            raise HocRuntimeError(f"bounds for {name}: lower bound {lo:g} must be below upper "
                                  f"bound {hi:g}", span)
        if np.any(value <= lo) or np.any(value >= hi):
            raise HocRuntimeError(f"initial value(s) of {name} {_fmt(value)} lie outside the bounds "
                                  f"({lo:g}, {hi:g})", span, hint="give an init inside the bounds")
        return value, "sigmoid", (lo, hi)
    if positive and np.all(value > 0):
        return value, "softplus", None
    return value, "identity", None


def _specs(model):
    reg = getattr(model, "registry", None)
    specs = getattr(reg, "specs", None)
    return None if specs is None else list(specs)


def make(model, name: str, rows: np.ndarray, key: str, sharing: str, init=None,
         bounds=None, span=None, start=None, hoc_value=None) -> Trainable:
    """Build the trainable ``name`` over candidate ``rows`` shared by ``key``.
    ``hoc_value(name)``: the HOC value of a GLOBAL parameter (kind ``global``)."""
    kind, mech, var = classify(name, span, _specs(model))
    if kind == "global":
        return make_global(model, name, mech, var, key, init, bounds, span, hoc_value)
    table = model.table()
    if name not in table:
        raise HocRuntimeError(f"no section in the model has {name}", span,
                              hint=f"insert {mech} first" if mech else None)
    col = np.asarray(table[name], dtype=float)
    if name == "L":     # the table holds L/nseg per segment; the parameter is the section's L
        col = np.array([model.sections[int(i)].L for i in table["section_index"]], dtype=float)
    rows = np.asarray(rows, dtype=np.int64)
    rows = rows[~np.isnan(col[rows])]
    if not len(rows):
        raise HocRuntimeError(f"no segment in this selection has {name}", span,
                              hint=f"insert {mech} in these sections first" if mech else None)
    if kind == "geometry":
        secs = {int(table["section_index"][r]) for r in rows}
        for si in secs:
            if model.sections[si].pt3d.n:
                raise ModelError(f"{name} of {model.sections[si].name()} cannot be trained: its "
                                 "shape comes from 3-D points (pt3d)", span,
                                 hint="only cylinder sections (L and diam set directly) support "
                                      "trainable geometry")
    group = group_rows(table, rows, key, span)
    if name in ("L", "Ra"):
        sec = np.asarray(table["section_index"])[rows]
        for si in np.unique(sec):
            if len(np.unique(group[sec == si])) > 1:
                raise HocRuntimeError(f"{name} is a section property and cannot differ between the "
                                      "segments of one section", span,
                                      hint="share it per section, per cell or over the whole selection")
    count = int(group.max()) + 1
    if kind in ("v", "state") and start is not None:
        col = col.copy()     # initial values: what finitialize(v_init) would start from
        col[rows] = start(kind, mech, var, table, rows)
    value = np.array([col[rows[group == g]].mean() for g in range(count)])
    positive = kind in ("geometry", "cm") or (kind == "param" and var.startswith("g"))
    value, transform, bounds = _init_and_bounds(name, value, count, init, bounds, positive, span)
    return Trainable(name, kind, rows, group, value, sharing, mech, var, bounds, transform,
                     getattr(model, "structure_version", -1))


def make_global(model, name, mech, var, key, init=None, bounds=None, span=None,
                hoc_value=None) -> Trainable:
    """A GLOBAL PARAMETER (``vhalf_hcn``): one scalar for every instance of ``mech`` in the
    model, whatever the section selection (NEURON has one value); its value is the HOC
    global's."""
    if key != "all":
        raise HocRuntimeError(f"{name} is a GLOBAL of {mech}: one value for the whole model, "
                              f"it cannot be trained per {key}", span,
                              hint=f'make_trainable("{name}") without "per" or "cells"')
    spec = next(m for m in _specs(model) or () if m.name == mech) if _specs(model) else None
    default = spec.global_params[var] if spec is not None else 0.0
    value = np.array([float(hoc_value(name)) if hoc_value is not None else float(default)])
    value, transform, bounds = _init_and_bounds(name, value, 1, init, bounds, False, span)
    return Trainable(name, "global", np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64),
                     value, "GLOBAL", mech, var, bounds, transform,
                     getattr(model, "structure_version", -1))


def _fmt(values) -> str:
    return "[" + ", ".join(f"{v:g}" for v in np.asarray(values)[:6]) + (", ...]" if len(values) > 6 else "]")


def write_back(model, tr: Trainable) -> None:
    """Store the trainable's values into the sections so ``run()`` uses them."""
    if tr.kind == "global":
        return                  # a HOC global: TrainState.write_back sets it
    if tr.kind == "point":
        for obj, val in zip(tr.objects, np.asarray(tr.value)[tr.group]):
            S.write_value(obj, tr.var, float(val))
        return
    table = model.table()
    sec_idx = np.asarray(table["section_index"])[tr.rows]
    xs = np.asarray(table["x"])[tr.rows]
    secs = list(model.sections)
    vals = np.asarray(tr.value)[tr.group]
    if tr.name in ("L", "Ra"):
        done = set()
        for si, val in zip(sec_idx, vals):
            if si in done:
                continue
            done.add(si)
            if tr.name == "L":
                secs[si].set_L(float(val))
            else:
                secs[si].Ra = float(val)
        return
    for si, x, val in zip(sec_idx, xs, vals):
        secs[si].set_range(tr.name, float(x), float(val))
