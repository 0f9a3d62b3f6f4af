"""The model table (one row per segment) and the edge table (point processes, NetCons).

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
    """Point processes, graded synapses and NetCons, one row each (see :func:`build_edges`).

    ``objects`` holds the HOC objects themselves (row order); ``pre_sections`` /
    ``post_sections`` the Section (or None) of each row's two sides, for the group columns.
    """

    columns: dict[str, np.ndarray]
    objects: list
    pre_sections: list = field(default_factory=list)
    post_sections: list = field(default_factory=list)
    groups: list[str] = field(default_factory=list)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    def __contains__(self, name: str) -> bool:
        return name in self.columns

    def __len__(self) -> int:
        return len(self.objects)

    @property
    def names(self) -> list[str]:
        return list(self.columns)


#: edge kinds: a located point process / artificial cell, a graded synapse (a point process
#: with a POINTER such as ``vpre``: the pointed section is its presynaptic side), a NetCon
POINT, SYNAPSE, NETCON = "point", "synapse", "netcon"


def build_edges(model) -> EdgeTable:
    """One row per point process and artificial cell (creation order), then per NetCon.

    Columns: ``kind`` (point/synapse/netcon), ``type`` (HOC class), ``name`` (``IClamp[0]``),
    ``mechanism`` (what acts on the postsynaptic side: the point mechanism, or a NetCon's
    target's), ``section``/``x``/``node``/``row`` (where the row acts: the point process, or a
    NetCon's target; "", NaN, -1, -1 when nowhere), ``pre`` / ``post`` (what the two sides are,
    as text), ``pre_cell``/``pre_section``/``pre_x`` and ``post_cell``/``post_section``/
    ``post_x`` (cell = model-table ``cell`` index, -1 if none), ``threshold``/``delay``/
    ``weight`` (weight[0]; NetCons only), then every point-process parameter (NaN where a type
    lacks it; arrays as ``dur[0]`` ...).  :func:`edges_with_groups` adds ``pre_<group>`` /
    ``post_<group>`` for every named section group.
    """
    pps = list(model.point_processes) + [a for a in model.artificial_cells if a not in model.point_processes]
    netcons = [nc for nc in getattr(model, "netcons", ()) if not getattr(nc, "freed", False)]
    geo = model.geometry() if model.sections else None
    cell_of_root = {id(r): i for i, r in enumerate(model.roots())}

    def cell(sec) -> int:
        return cell_of_root.get(id(model.root(sec)), -1) if sec is not None and sec.exists else -1

    params: list[str] = []
    for o in pps:
        for v in o.mechanism.variables:
            names = [v.name] if v.size == 1 else [f"{v.name}[{i}]" for i in range(v.size)]
            params += [nm for nm in names if v.kind == "parameter" and nm not in params]
    n = len(pps) + len(netcons)
    text = {k: [] for k in ("kind", "type", "name", "mechanism", "section", "pre", "post",
                            "pre_section", "post_section")}
    num = {k: np.full(n, np.nan) for k in ("x", "pre_x", "post_x", "threshold", "delay", "weight")}
    ints = {k: np.full(n, -1, dtype=np.int64) for k in ("node", "row", "pre_cell", "post_cell")}
    pcols = {p: np.full(n, np.nan) for p in params}
    pre_secs, post_secs = [], []

    def place(i: int, pp) -> None:
        """Where point process ``pp`` acts: section/x/node/row and the post side."""
        located = pp is not None and pp.node is not None and geo is not None
        sec = pp.section if located else None
        text["section"].append(sec.name() if sec is not None else "")
        text["post_section"].append(sec.name() if sec is not None else "")
        text["post"].append(pp.hoc_name() if pp is not None else "")
        post_secs.append(sec)
        if located:
            node = geo.node_of_ref(pp.node)
            num["x"][i] = num["post_x"][i] = model.loc(pp)
            ints["node"][i], ints["row"][i] = node, int(geo.seg_row[node])
            ints["post_cell"][i] = cell(sec)

    def pre_ref(i: int, ref) -> None:
        """The presynaptic side: a RangeRef (&sec.v(x)), an artificial cell, or nothing."""
        sec = getattr(ref, "section", None) if hasattr(ref, "var") else None
        if sec is not None and not sec.exists:
            sec = None
        text["pre"].append("" if ref is None else ref.describe() if hasattr(ref, "var") else ref.hoc_name())
        text["pre_section"].append(sec.name() if sec is not None else "")
        pre_secs.append(sec)
        if sec is not None:
            num["pre_x"][i] = ref.x
            ints["pre_cell"][i] = cell(sec)

    for i, o in enumerate(pps):
        vpre = next(iter(o.pointers.values()), None) if getattr(o, "pointers", None) else None
        text["kind"].append(SYNAPSE if o.mechanism.pointers else POINT)
        text["type"].append(o.hoc_class)
        text["name"].append(o.hoc_name())
        text["mechanism"].append(o.mechanism.name)
        place(i, o)
        pre_ref(i, vpre)
        for name, val in o.values.items():
            if isinstance(val, np.ndarray):
                for j, vj in enumerate(val):
                    if f"{name}[{j}]" in pcols:
                        pcols[f"{name}[{j}]"][i] = vj
            elif name in pcols:
                pcols[name][i] = val
    for i, nc in enumerate(netcons, start=len(pps)):
        tgt = nc.target
        text["kind"].append(NETCON)
        text["type"].append(nc.hoc_class)
        text["name"].append(nc.hoc_name())
        text["mechanism"].append(tgt.mechanism.name if tgt is not None else "")
        place(i, tgt)
        pre_ref(i, nc.source)
        num["threshold"][i], num["delay"][i], num["weight"][i] = nc.threshold, nc.delay, nc.weight[0]
    columns: dict[str, np.ndarray] = {k: np.array(v, dtype=object) for k, v in text.items()}
    order = ("kind", "type", "name", "mechanism", "section", "x", "node", "row", "pre", "pre_cell",
             "pre_section", "pre_x", "post", "post_cell", "post_section", "post_x", "threshold",
             "delay", "weight")
    columns = {k: ({**columns, **num, **ints})[k] for k in order}
    columns.update(pcols)
    return EdgeTable(columns, pps + netcons, pre_secs, post_secs)


def edges_with_groups(base: EdgeTable, model) -> EdgeTable:
    """``base`` plus ``pre_<group>`` / ``post_<group>`` boolean columns for every named group
    (recomputed each time, as :func:`with_groups`: objrefs change without touching the model)."""
    columns = dict(base.columns)
    names: list[str] = []
    for gname, members in model.named_groups().items():
        ids = {id(s) for s in members if s.exists}
        for side, secs in (("pre", base.pre_sections), ("post", base.post_sections)):
            col = f"{side}_{gname}"
            if col not in columns:
                columns[col] = np.array([s is not None and id(s) in ids for s in secs], dtype=bool)
                names.append(col)
    return EdgeTable(columns, base.objects, base.pre_sections, base.post_sections, names)
