"""Trainable synapse and point-process parameters, shared over edges like the seeds'
``controlled_by_param``.

Names: ``"Mech.param"`` (``"IonotropicSynapse.gS"``, ``"ExpSyn.tau"``, ``"IClamp.amp"``), Jaxley's
``"IonotropicSynapse_gS"``, or ``"NetCon.weight"`` (weight[0] of NetCons whose source is a
voltage).  The selection is every instance in the model, those on the CAS section, those whose
postsynaptic section is in a SectionList (``sl.make_trainable(...)``), optionally narrowed by
``"pre", sectionlist`` (presynaptic side: the NetCon source or the synapse's ``vpre`` pointer).

Sharing keys (``"per", key``), computed per edge:

* ``all`` (default: one value), ``synapse`` (one per instance);
* ``pre_cell``, ``post_cell`` (``cell`` = ``post_cell``);
* ``pre_groups``, ``post_groups``: the names of the groups (SectionLists with a name) the end
  belongs to, e.g. ``exc`` — the seeds' cell type copied to the edges;
* any column of the edge table (``show "edges"``: ``pre_exc``, ``post_section``, ``e_syn`` ...);
* several keys joined by commas, e.g. ``"pre_groups,post_groups"``: one value per distinct pair
  (the seeds' ``groupby([...]).ngroup()``).
"""
from __future__ import annotations

import numpy as np

from ..errors import HocNameError, HocRuntimeError

KEYS = ("all", "synapse", "pre_cell", "post_cell", "cell", "pre_groups", "post_groups")


def classify_point(model, name: str) -> tuple[str, str] | None:
    """(mechanism, variable) if ``name`` names a point-process/NetCon parameter, else None."""
    if name == "NetCon.weight":
        return "NetCon", "weight"
    for sep in (".", "_"):
        if sep in name:
            mech, var = name.split(sep, 1)
            if mech in model.registry and model.registry.is_point(mech):
                return mech, var
    return None


def _objects(model, mech: str) -> list:
    if mech == "NetCon":
        return [nc for nc in getattr(model, "netcons", ())
                if not getattr(nc, "freed", False) and getattr(nc.source, "section", None) is not None]
    return [pp for pp in model.point_processes
            if pp.mechanism.name == mech and pp.node is not None]


def post_section(obj):
    if hasattr(obj, "target"):          # NetCon
        return getattr(obj.target, "section", None)
    return obj.section


def pre_section(obj):
    if hasattr(obj, "target"):
        return getattr(obj.source, "section", None)
    ref = (getattr(obj, "pointers", None) or {}).get("vpre")
    return getattr(ref, "section", None)


def select(model, mech: str, var: str, post=None, pre=None, span=None) -> list:
    """The instances of ``mech`` having ``var``, narrowed to post/pre section sets."""
    if mech != "NetCon":
        decl = model.registry.get(mech, span)
        if var not in decl.parameters:
            raise HocNameError(f"{var} is not a parameter of {mech}", span,
                               hint="parameters: " + ", ".join(decl.parameters))
    objs = _objects(model, mech)
    if not objs:
        raise HocRuntimeError(f"the model has no {mech} to train {mech}.{var} on", span,
                              hint="NetCon.weight needs NetCons whose source is a voltage (&sec.v(x))"
                              if mech == "NetCon" else None)
    if post is not None:
        ids = {id(s) for s in post}
        objs = [o for o in objs if id(post_section(o)) in ids]
    if pre is not None:
        ids = {id(s) for s in pre}
        objs = [o for o in objs if id(pre_section(o)) in ids]
    if not objs:
        raise HocRuntimeError(f"no {mech} in this selection", span)
    return objs


def edge_keys(model, objs: list) -> dict[str, np.ndarray]:
    """Per-object key columns: pre/post cell and group names."""
    table = model.table()
    cell_of = {}
    for si, cell in zip(table["section_index"], table["cell"]):
        cell_of.setdefault(int(si), int(cell))
    index = {id(s): i for i, s in enumerate(model.sections)}
    groups = model.named_groups()
    member = {g: {id(s) for s in secs} for g, secs in groups.items()}

    def cell(sec):
        return cell_of.get(index.get(id(sec), -1), -1) if sec is not None else -1

    def gnames(sec):
        if sec is None:
            return ""
        return "+".join(g for g in groups if id(sec) in member[g])

    pre = [pre_section(o) for o in objs]
    post = [post_section(o) for o in objs]
    return {
        "synapse": np.arange(len(objs)),
        "pre_cell": np.array([cell(s) for s in pre]),
        "post_cell": np.array([cell(s) for s in post]),
        "cell": np.array([cell(s) for s in post]),
        "pre_groups": np.array([gnames(s) for s in pre], dtype=object),
        "post_groups": np.array([gnames(s) for s in post], dtype=object),
    }


def group_objects(model, objs: list, key: str, span=None) -> np.ndarray:
    """Index of the shared scalar for each object under sharing ``key``."""
    if key == "all":
        return np.zeros(len(objs), dtype=np.int64)
    cols = edge_keys(model, objs)
    parts = [k.strip() for k in key.split(",")]
    missing = [k for k in parts if k not in cols]
    if missing:                           # any other column of the edge table (show "edges")
        edges = model.edges()
        row_of = {id(o): i for i, o in enumerate(edges.objects)}
        for k in missing:
            if k not in edges.columns:
                raise HocNameError(f"unknown sharing key '{k}' for synapse parameters", span,
                                   hint="use " + ", ".join(KEYS) + ", an edge-table column "
                                        "or several joined by commas")
            col = np.asarray(edges.columns[k])
            cols[k] = np.array([col[row_of[id(o)]] for o in objs], dtype=object)
    combo = np.array(["\x1f".join(str(cols[k][i]) for k in parts) for i in range(len(objs))],
                     dtype=object)
    # numbered in order of first appearance, like the edges' order
    _, first, inv = np.unique(combo.astype(str), return_index=True, return_inverse=True)
    order = np.argsort(np.argsort(first))
    return order[inv.reshape(-1)].astype(np.int64)


def current_values(objs: list, var: str) -> np.ndarray:
    if objs and hasattr(objs[0], "target"):
        return np.array([float(o.weight[0]) for o in objs])
    return np.array([float(o.values[var]) for o in objs])


def write_value(obj, var: str, value: float) -> None:
    if hasattr(obj, "target"):
        obj.hoc_set("weight", float(value), 0)
    else:
        obj.hoc_set(var, float(value))
