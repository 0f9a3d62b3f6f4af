"""Lower the interpreter's ``CableModel`` into the simulator's :class:`~hocx.sim.lower.Lowered`.

Geometry (node order, areas, coupling coefficients) comes from ``model.geometry()``; the
per-segment mechanism values and states are read from the sections, and point-process
values from the point-process objects.  :class:`NodeMap` remembers, per section, which
node holds which segment so results can be written back and pointers resolved.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ModelError
from ..model import ions as ion_model
from ..spec import Kind
from ..spec import ions as spec_ions
from .events import lower_net
from . import pointers as ptrs
from .lower import Lowered, MechBlock


def _simulated(model) -> dict:
    """The model's simulated mechanisms (name -> spec), from the session's registry: those
    with a BREAKPOINT, and the ions (hocx/sim/ions.py)."""
    return {s.name: s for s in model.registry.specs
            if s.simulated or s.kind is Kind.ION or getattr(s, "receive_event", None) is not None}


def state_values(sec, mech, s: str, k) -> np.ndarray:
    """A STATE's per-segment values; a concentration STATE the mechanism WRITEs (cad's
    ``cai``) is the ion's (it has no HOC name of its own); an ARRAY state ``ca[4]`` is
    (size, segments), element index leading (HOC ``ca_cashell[j]``)."""
    size = next((v.size for v in mech.variables if v.name == s), 1)
    if size > 1:
        default = next((v.default for v in mech.variables if v.name == s), 0.0)
        rows = []
        for j in range(size):
            arr = sec.seg.get(f"{mech.range_name(s)}[{j}]")
            rows.append(np.full(len(k), default) if arr is None else arr[k])
        return np.stack(rows)
    arr = sec.seg.get(mech.range_name(s))
    if arr is None:
        arr = sec.seg.get(s)
    if arr is None:
        default = next((v.default for v in mech.variables if v.name == s), 0.0)
        return np.full(len(k), default)
    return arr[k]


def _ion_values(model, sec, mech, k, vals) -> None:
    """An ion block's per-segment values: e, ci, co (carried) and the iontype flags, charge."""
    it = ion_model.node_style(sec, mech.name)[k]
    z = ion_model.charge(model.registry, mech.name)
    if z == spec_ions.NO_CHARGE:
        raise ModelError(f"{mech.name} USEION CHARGE (or VALENCE) must be defined in at least "
                         f"one model using this ion",
                         hint=f"add VALENCE to the USEION {spec_ions.ion_of(mech.name)} statement")
    for name, bit in (("_cinit", spec_ions.CINIT), ("_einit", spec_ions.EINIT),
                      ("_eadvance", spec_ions.EADVANCE)):
        vals.setdefault(name, []).append(((it & bit) != 0).astype(np.float64))
    vals.setdefault("_charge", []).append(np.full(len(k), z))
    for s in mech.states:
        vals.setdefault("state:" + s, []).append(sec.seg[s][k])


def _hint(specs) -> str:
    return "the simulator has " + ", ".join(specs) + " so far"

#: mechanisms that exist in a model without needing dynamics here
PASSIVE_OK = {"morphology", "capacitance"}


@dataclass
class NodeMap:
    """Where each section's values live among the nodes of one lowering."""

    geo: object
    seg_nodes: dict          # id(section) -> (node indices of segments, segment index per node)
    end_node: dict           # id(section) -> end node
    root_node: dict          # id(root section) -> root node
    pp_index: dict           # id(point process) -> (block index, instance)
    pp_objects: dict = None  # block index -> point-process objects in instance order

    def node_of(self, sec, x: float, span=None) -> int:
        return self.geo.node_of(sec, x, span)


def pp_value(pp, name: str) -> float:
    """A point-process variable; ``dur1`` is element 1 of the array variable ``dur``."""
    values = getattr(pp, "values", None)
    if isinstance(values, dict):
        if name in values:
            return float(values[name])
        base, idx = name[:-1], name[-1:]
        if idx.isdigit() and isinstance(values.get(base), np.ndarray):
            return float(values[base][int(idx)])
    return float(pp.hoc_get(name))


def pp_state(pp, mech, name: str) -> float:
    """A carried value of a point process: its HOC variable, or (a hidden ASSIGNED that
    NET_RECEIVE keeps, NMDAmg's ``factor``) the simulator's copy in ``pp.hidden``."""
    values = getattr(pp, "values", None)
    if isinstance(values, dict) and name not in values and not (
            name[-1:].isdigit() and isinstance(values.get(name[:-1]), np.ndarray)):
        hidden = getattr(pp, "hidden", None) or {}
        if name in hidden:
            return float(hidden[name])
        return next((float(v.default) for v in mech.variables if v.name == name), 0.0)
    return pp_value(pp, name)


def _pp_mech(pp) -> str:
    mech = getattr(pp, "mechanism", None)
    if mech is not None and hasattr(mech, "name"):
        return mech.name
    return getattr(pp, "hoc_class", type(pp).__name__)


def _pointer_ref(pp, name: str):
    """The target of a point process's POINTER ``name`` (a RangeRef, MemberRef or a HOC
    variable's pointer), checked to be set and alive."""
    ref = (getattr(pp, "pointers", None) or {}).get(name)
    who = f"{pp.hoc_name()}.{name}"
    if ref is None:
        raise ModelError(f"{who} is a POINTER that was never set",
                         hint=f"use `setpointer {who}, sec.v(x)` (or any variable) before running")
    sec = getattr(ref, "section", None)
    if sec is not None and not getattr(sec, "exists", True):
        raise ModelError(f"{who} points at a deleted section",
                         hint=f"set it again with `setpointer {who}, sec.v(x)`")
    obj = getattr(ref, "obj", None)
    if obj is not None and getattr(obj, "freed", False):
        raise ModelError(f"{who} points at {ref.describe()}, whose object was freed")
    return ref


def _is_voltage(ref) -> bool:
    return getattr(ref, "section", None) is not None and getattr(ref, "var", None) == "v"


def _pointer_nodes(geo, pps, name: str) -> list:
    """Node per instance where every target is a voltage; zeros (resolved later) otherwise."""
    refs = [_pointer_ref(pp, name) for pp in pps]
    if all(_is_voltage(r) for r in refs):
        return [geo.node_of(r.section, r.x) for r in refs]
    return [0] * len(refs)


def _pointer_group(low, nm, pp, name: str, ref):
    """(kind, block, var), instance index of one POINTER target (hocx/sim/pointers.py)."""
    from ..interp.objects import CellPointer
    from .recording import resolve

    who = f"{pp.hoc_name()}.{name}"
    if _is_voltage(ref):
        return ("v", -1, "v"), nm.node_of(ref.section, ref.x)
    if isinstance(ref, CellPointer):
        if ref.name == "t":
            raise ModelError(f"{who} points at t, which hocx cannot follow inside a step yet")
        if ref.name == "celsius":
            return ("celsius", -1, "celsius"), 0
        return ("host", -1, ptrs.host_key(name)), None
    src, _host = resolve(ref, low, nm)
    if src is None:
        raise ModelError(f"{who} points at {ref.describe()}, which the simulator does not carry",
                         hint="a POINTER can point at a voltage, a STATE or PARAMETER of a mechanism "
                              "or point process, an ion concentration, or a HOC variable")
    if src.kind == "assigned":
        raise ModelError(f"{who} points at the ASSIGNED variable {ref.describe()}: "
                         "not supported yet", hint="point it at a STATE or PARAMETER")
    return (src.kind, src.block, src.var), src.index


def _resolve_pointers(low, nm, pp_objects) -> None:
    """Replace the placeholder of each POINTER with a non-voltage target by its source."""
    for bi, pps in pp_objects.items():
        blk = low.blocks[bi]
        for name in blk.mech.pointers:
            refs = [_pointer_ref(pp, name) for pp in pps]
            if all(_is_voltage(r) for r in refs):
                continue
            groups = {}
            getters = []
            for j, (pp, ref) in enumerate(zip(pps, refs)):
                g, ix = _pointer_group(low, nm, pp, name, ref)
                if g[0] == "host":
                    getters.append((j, ref.get))
                    ix = j
                groups.setdefault(g, []).append((ix, j))
            keys = list(groups)
            idx = tuple(np.array([ix for ix, _ in groups[g]], dtype=np.int64) for g in keys)
            flat = [j for g in keys for _, j in groups[g]]
            perm = np.argsort(np.array(flat, dtype=np.int64), kind="stable")
            blk.pointers[name] = ptrs.PointerSource(tuple(keys), idx, perm)
            if getters:
                blk.ptr_host[name] = getters


def lower_model(model) -> tuple[Lowered, NodeMap]:
    """Build the simulator input for the whole model (all cells)."""
    geo = model.geometry()
    specs = _simulated(model)
    n = geo.n
    v = np.empty(n)
    diam = np.full(n, 500.0)
    seg_nodes, end_node = {}, {}
    per_mech: dict[str, tuple[list, dict]] = {}
    names = [""] * n
    for sec in geo.sections:
        nodes = geo.section_nodes(sec)
        segs, end = nodes[:-1], int(nodes[-1])
        k = geo.node_index[segs]
        seg_nodes[id(sec)] = (segs, k)
        end_node[id(sec)] = end
        v[segs] = sec.seg["v"][k]
        diam[segs] = sec.seg["diam"][k]
        v[end] = sec.v_end
        label = sec.name()
        for i in nodes:
            names[i] = label
        for mname in sec.mechs:
            mech = specs.get(mname)
            if mech is None:
                if mname in PASSIVE_OK:
                    continue
                raise ModelError(f"mechanism {mname} (in {label}) cannot be simulated by hocx yet",
                                 hint=_hint(specs))
            nlist, vals = per_mech.setdefault(mname, ([], {}))
            nlist.append(segs)
            if mech.kind is Kind.ION:
                _ion_values(model, sec, mech, k, vals)
                continue
            for p in mech.params:
                vals.setdefault(p, []).append(sec.seg[mech.range_name(p)][k])
            for ion, default in mech.ion_reads.items():
                vals.setdefault(ion, []).append(sec.seg[ion][k] if ion in sec.seg
                                                else np.full(len(k), default))
            for s in mech.states:
                vals.setdefault("state:" + s, []).append(state_values(sec, mech, s, k))
    root_node = dict(geo._root)
    for sec in geo.sections:
        if sec.parent is None and id(sec) in geo._root:
            v[geo._root[id(sec)]] = sec.v_root
            names[geo._root[id(sec)]] = sec.name()
    blocks = []
    for mname, (nlist, vals) in per_mech.items():
        mech = specs[mname]
        params = {p: np.concatenate(vals[p]) for p in list(mech.params) + list(mech.ion_reads)
                  if p in vals}
        states = {s: np.concatenate(vals["state:" + s], axis=-1) for s in mech.states}
        blocks.append(MechBlock(mech, np.concatenate(nlist), params, states))
    # point processes, grouped by mechanism in creation order
    pp_groups: dict[str, list] = {}
    for pp in model.point_processes:
        if getattr(pp, "node", None) is None:
            continue
        mname = _pp_mech(pp)
        if mname == "APCount":           # a threshold detector of the event layer (apcount.py)
            continue
        if mname not in specs:
            raise ModelError(f"point process {mname} cannot be simulated by hocx yet",
                             hint=_hint(specs))
        pp_groups.setdefault(mname, []).append(pp)
    # artificial cells with dynamics of their own (a translated NET_RECEIVE): instances with no
    # section; NEURON gives them a node of nothing (node 0 here, never read: no current)
    for cell in getattr(model, "artificial_cells", ()):
        mname = _pp_mech(cell)
        spec = specs.get(mname)
        if spec is not None and getattr(spec, "receive_event", None) is not None:
            pp_groups.setdefault(mname, []).append(cell)
    for mname, pps in pp_groups.items():
        mech = specs[mname]
        nodes = [geo.node_of_ref(pp.node) if pp.node is not None else 0 for pp in pps]
        params = {p: np.array([pp_value(pp, p) for pp in pps]) for p in mech.params}
        states = {s: np.array([pp_state(pp, mech, s) for pp in pps]) for s in mech.states}
        pointers = {name: _pointer_nodes(geo, pps, name) for name in mech.pointers}
        blocks.append(MechBlock(mech, nodes, params, states, [pp.hoc_name() for pp in pps], pointers))
    parent, area, a, b, cm, has_cap = geo.parent, geo.area, geo.a, geo.b, geo.cm, geo.has_cap
    if n == 0:          # a net of artificial cells only: one node of nothing (no current) for them
        parent, area, a, b = np.array([-1]), np.array([100.0]), np.zeros(1), np.zeros(1)
        cm, has_cap, v, diam, names = np.ones(1), np.ones(1, dtype=bool), np.zeros(1), np.full(1, 500.0), [""]
    low = Lowered(parent, area, a, b, cm, has_cap, v, blocks, names,
                  type_order=model.registry.type_order(), diam=diam)
    pp_index, pp_objects = {}, {}
    for bi, blk in enumerate(low.blocks):
        if blk.mech.kind not in (Kind.DENSITY, Kind.ION):
            pp_objects[bi] = pp_groups[blk.mech.name]
            for j, pp in enumerate(pp_objects[bi]):
                pp_index[id(pp)] = (bi, j)
    nmap = NodeMap(geo, seg_nodes, end_node, root_node, pp_index, pp_objects)
    _resolve_pointers(low, nmap, pp_objects)
    low.net = lower_net(model, geo, low.blocks, pp_index, pp_objects)
    return low, nmap


def blk_states(low: Lowered, bi: int) -> tuple:
    return low.blocks[bi].mech.states


def write_back(model, low: Lowered, nm: NodeMap, v: np.ndarray, states: list[dict],
               assigned: list[dict] | None = None) -> None:
    """Store node voltages, mechanism states (and assigned values) into the sections."""
    for sec in nm.geo.sections:
        if not sec.exists:
            continue
        segs, k = nm.seg_nodes[id(sec)]
        sec.seg["v"][k] = v[segs]
        sec.v_end = float(v[nm.end_node[id(sec)]])
        if id(sec) in nm.root_node:
            sec.v_root = float(v[nm.root_node[id(sec)]])
    # density mechanisms: instances were laid out section by section in geo.sections order
    for bi, blk in enumerate(low.blocks):
        if blk.mech.kind not in (Kind.DENSITY, Kind.ION):
            continue
        pos = 0
        values = dict(states[bi])
        if assigned is not None:
            values.update({a: assigned[bi][a] for a in blk.mech.assigned if a in assigned[bi]})
        # host arrays and HOC names once per block, not once per section
        columns = [(blk.mech.range_name(var), np.asarray(arr)) for var, arr in values.items()]
        for sec in nm.geo.sections:
            if blk.mech.name not in sec.mechs:
                continue
            segs, k = nm.seg_nodes[id(sec)]
            m = len(k)
            for name, arr in columns:
                # the ion totals (ina, cai, eca) come from the ion blocks; a mechanism's own
                # share is written only where it has a visible copy (RANGE ik -> ik_kdr)
                if arr.ndim == 2:                   # an ARRAY variable: (size, instances)
                    for j in range(arr.shape[0]):
                        tgt = sec.seg.get(f"{name}[{j}]")
                        if tgt is not None:
                            tgt[k] = arr[j, pos:pos + m]
                    continue
                tgt = sec.seg.get(name)
                if tgt is not None and arr.ndim == 1:
                    tgt[k] = arr[pos:pos + m]
            pos += m
    # point processes: states and assigned values into the objects' value tables
    for bi, pps in (nm.pp_objects or {}).items():
        values = dict(states[bi])
        if assigned is not None:
            values.update(assigned[bi])
        for j, pp in enumerate(pps):
            table = getattr(pp, "values", None)
            if isinstance(table, dict):
                hidden = None
                for var, arr in values.items():
                    if var in table:
                        table[var] = float(arr[j])
                    elif var in blk_states(low, bi) and np.ndim(arr) == 1:
                        if hidden is None:
                            hidden = getattr(pp, "hidden", None)
                            if not isinstance(hidden, dict):
                                continue
                        hidden[var] = float(arr[j])
    # values changed, the geometry did not (the model keys its geometry on geometry_version)
    model.mark_values_changed()
