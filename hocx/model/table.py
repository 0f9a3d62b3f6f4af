"""The model table (one row per segment) and the edge table (one row per point process).

Both are *derived* from the sections on demand and cached by ``CableModel`` on its
``version``: they are views, never edited.  Columns are numpy arrays under NEURON's
names, so ``table["gnabar_hh"]`` is what ``gnabar_hh(x)`` reads at each segment centre.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

IDENTITY = ("cell", "section", "section_index", "seg", "x")
GEOMETRY = ("L", "diam", "area", "ri", "parent_row")
MEMBRANE = ("Ra", "cm", "v")


@dataclass
class ModelTable:
    """Columnar table: ``columns`` maps a name to a numpy array with one entry per row.

    ``groups`` names the boolean group-membership columns, ``mechanisms`` the inserted
    mechanisms whose range variables have columns (NaN where not inserted).
    """

    columns: dict[str, np.ndarray]
    groups: list[str] = field(default_factory=list)
    mechanisms: list[str] = field(default_factory=list)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    def __contains__(self, name: str) -> bool:
        return name in self.columns

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    @property
    def names(self) -> list[str]:
        return list(self.columns)

    def rows_where(self, mask: np.ndarray) -> "ModelTable":
        """The rows where ``mask`` is True (same columns)."""
        return ModelTable({k: v[mask] for k, v in self.columns.items()}, list(self.groups),
                          list(self.mechanisms))

    def select(self, names: list[str]) -> "ModelTable":
        """Only the named columns (in the given order)."""
        return ModelTable({k: self.columns[k] for k in names}, [g for g in self.groups if g in names],
                          list(self.mechanisms))

    def as_dict(self) -> dict[str, np.ndarray]:
        return dict(self.columns)


def build_table(model) -> ModelTable:
    """One row per segment, sections in creation order (see docs/ARCHITECTURE.md)."""
    geo = model.geometry()
    secs = model.sections
    rows_of = {}
    n = 0
    for s in secs:
        rows_of[id(s)] = n
        n += s.nseg
    roots = model.roots()
    cell_of_root = {id(r): i for i, r in enumerate(roots)}
    cols: dict[str, list] = {k: [] for k in IDENTITY + GEOMETRY + MEMBRANE}
    # mechanism variables, in registry order of first appearance
    mech_names: list[str] = []
    for s in secs:
        for m in s.mechs:
            if m not in mech_names:
                mech_names.append(m)
    mech_vars: list[str] = []
    for m in mech_names:
        for v in model.registry.get(m).names():
            if v not in mech_vars:
                mech_vars.append(v)
    var_cols = {v: np.full(n, np.nan) for v in mech_vars}
    node_row = np.full(geo.n, -1, dtype=np.int64)
    node_row[geo.seg_row >= 0] = np.arange(geo.n)[geo.seg_row >= 0]
    for si, s in enumerate(secs):
        r0 = rows_of[id(s)]
        cell = cell_of_root[id(model.root(s))]
        for k in range(s.nseg):
            node = geo.node_of(s, (k + 0.5) / s.nseg)
            cols["cell"].append(cell)
            cols["section"].append(s.name())
            cols["section_index"].append(si)
            cols["seg"].append(k)
            cols["x"].append((k + 0.5) / s.nseg)
            cols["L"].append(s.L / s.nseg)
            cols["diam"].append(s.seg["diam"][k])
            cols["area"].append(geo.area[node])
            cols["ri"].append(1.0 / float(geo.rinv[node]) if geo.rinv[node] else math.inf)
            cols["parent_row"].append(_parent_row(geo, node))
            cols["Ra"].append(s.Ra)
            cols["cm"].append(s.seg["cm"][k])
            cols["v"].append(s.seg["v"][k])
        for v in mech_vars:
            if v in s.seg:
                var_cols[v][r0:r0 + s.nseg] = s.seg[v]
    columns: dict[str, np.ndarray] = {}
    for k, vals in cols.items():
        if k == "section":
            columns[k] = np.array(vals, dtype=object)
        elif k in ("cell", "section_index", "seg", "parent_row"):
            columns[k] = np.array(vals, dtype=np.int64)
        else:
            columns[k] = np.array(vals, dtype=float)
    columns.update(var_cols)
    return ModelTable(columns, [], mech_names)


def with_groups(base: ModelTable, model) -> ModelTable:
    """``base`` plus one boolean column per named group (recomputed each time: objrefs
    can change without touching the model)."""
    rows_of = {}
    n = 0
    for s in model.sections:
        rows_of[id(s)] = n
        n += s.nseg
    columns = dict(base.columns)
    names: list[str] = []
    for gname, members in model.named_groups().items():
        if gname in columns:
            continue
        mask = np.zeros(n, dtype=bool)
        for s in members:
            if s.exists and id(s) in rows_of:
                r0 = rows_of[id(s)]
                mask[r0:r0 + s.nseg] = True
        columns[gname] = mask
        names.append(gname)
    return ModelTable(columns, names, list(base.mechanisms))


def _parent_row(geo, node: int) -> int:
    """Row of the nearest ancestor segment node (bare end/root nodes skipped); -1 at a root."""
    p = geo.parent[node]
    while p >= 0 and geo.seg_row[p] < 0:
        p = geo.parent[p]
    return int(geo.seg_row[p]) if p >= 0 else -1


@dataclass
class EdgeTable:
    """Point processes (and artificial cells), one row each, in creation order.

    Columns: ``type``, ``name`` (``IClamp[0]``), ``section`` ("" if not located), ``x``
    (get_loc position, NaN if not located), ``node`` (geometry node, -1), ``row`` (model-table
    row of that node, -1 for bare nodes), then every parameter (NaN where a type lacks it;
    array parameters as ``dur[0]`` ...).  ``objects`` holds the HOC objects themselves.
    """

    columns: dict[str, np.ndarray]
    objects: list

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    def __len__(self) -> int:
        return len(self.objects)

    @property
    def names(self) -> list[str]:
        return list(self.columns)


def build_edges(model) -> EdgeTable:
    objs = list(model.point_processes) + [a for a in model.artificial_cells
                                          if a not in model.point_processes]
    geo = model.geometry() if model.sections else None
    params: list[str] = []
    for o in objs:
        for v in o.mechanism.variables:
            names = [v.name] if v.size == 1 else [f"{v.name}[{i}]" for i in range(v.size)]
            for nm in names:
                if v.kind == "parameter" and nm not in params:
                    params.append(nm)
    cols: dict[str, list] = {"type": [], "name": [], "section": [], "x": [], "node": [], "row": []}
    pcols = {p: np.full(len(objs), np.nan) for p in params}
    for i, o in enumerate(objs):
        cols["type"].append(o.hoc_class)
        cols["name"].append(o.hoc_name())
        if o.node is not None and geo is not None:
            node = geo.node_of_ref(o.node)
            cols["section"].append(o.section.name())
            cols["x"].append(model.loc(o))
            cols["node"].append(node)
            cols["row"].append(int(geo.seg_row[node]))
        else:
            cols["section"].append("")
            cols["x"].append(np.nan)
            cols["node"].append(-1)
            cols["row"].append(-1)
        for name, val in o.values.items():
            if isinstance(val, np.ndarray):
                for j, vj in enumerate(val):
                    if f"{name}[{j}]" in pcols:
                        pcols[f"{name}[{j}]"][i] = vj
            elif name in pcols:
                pcols[name][i] = val
    columns = {
        "type": np.array(cols["type"], dtype=object),
        "name": np.array(cols["name"], dtype=object),
        "section": np.array(cols["section"], dtype=object),
        "x": np.array(cols["x"], dtype=float),
        "node": np.array(cols["node"], dtype=np.int64),
        "row": np.array(cols["row"], dtype=np.int64),
    }
    columns.update(pcols)
    return EdgeTable(columns, objs)
