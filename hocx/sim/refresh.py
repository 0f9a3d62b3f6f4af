"""Refresh a lowering after a value-only edit, reusing its geometry, node map and layout.

``forall gnabar_hh = x``, ``stim.amp = y``, ``nc.weight = w`` or ``soma.v(0.5) = -70`` bump the
model's ``version`` but neither ``structure_version`` (topology, nseg, mechanism set,
point-process set, NetCon set) nor ``geometry_version`` (L, diam, Ra, 3-D points).  Then the
node order, areas, coupling, the node of every instance and so the compiled step are all
unchanged: :class:`Refresher` re-reads only the per-instance values (parameters, states,
ion values, voltages, capacitance) into arrays laid out as the full lowering
(:func:`hocx.sim.from_model.lower_model`) laid them out, and rebuilds the NetCon arrays.
Any other change -- or a block with POINTERs, whose targets ``setpointer`` may move --
returns None and the caller lowers in full.
"""
from __future__ import annotations

import numpy as np

from ..model import ions as ion_model
from ..spec import Kind
from ..spec import ions as spec_ions
from . import from_model as fm
from .events import lower_net
from .lower import Lowered, MechBlock


def structure_of(model) -> tuple:
    """What must be unchanged for a refresh to be enough."""
    return (model.structure_version, model.geometry_version, len(model.sections),
            len(model.point_processes), len(getattr(model, "artificial_cells", ())),
            len(getattr(model, "netcons", ())), id(model.registry),
            tuple(model.registry.type_order().items()))


class _Density:
    """One density (or ion) block: its sections' segment tables in instance order."""

    def __init__(self, blk, model, sections, nm):
        self.mech = blk.mech
        self.nodes = blk.nodes
        self.rows = []                 # (section, seg dict, k or None for all segments in order)
        for sec in sections:
            if blk.mech.name not in sec.mechs:
                continue
            _segs, k = nm.seg_nodes[id(sec)]
            k = None if np.array_equal(k, np.arange(sec.nseg)) else k
            self.rows.append((sec, sec.seg, k))
        self.count = sum(sec.nseg if k is None else len(k) for sec, _, k in self.rows)
        self.sizes = {v.name: v.size for v in blk.mech.variables}
        self.defaults = {v.name: v.default for v in blk.mech.variables}
        self.states = tuple(blk.mech.states)
        self.params = tuple(blk.mech.params)
        self.ion_reads = dict(blk.mech.ion_reads)
        if blk.mech.kind is Kind.ION:
            self.charge = ion_model.charge(model.registry, blk.mech.name)

    def _gather(self, name: str, default=None) -> np.ndarray:
        """``name``'s value per instance (``default`` where a section lacks it)."""
        parts = []
        for sec, seg, k in self.rows:
            arr = seg.get(name)
            if arr is None:
                if default is None:
                    raise KeyError(name)
                parts.append(np.full(sec.nseg if k is None else len(k), float(default)))
            else:
                parts.append(arr if k is None else arr[k])
        return np.concatenate(parts) if parts else np.zeros(0)

    def _state(self, s: str) -> np.ndarray:
        if self.sizes.get(s, 1) > 1 or self.mech.kind is Kind.ION:
            if self.mech.kind is Kind.ION:
                return self._gather(s)
            return np.concatenate([fm.state_values(sec, self.mech, s, _k(sec, k))
                                   for sec, _, k in self.rows], axis=-1)
        name = self.mech.range_name(s)
        if all(name in seg for _, seg, _ in self.rows):
            return self._gather(name)
        return np.concatenate([fm.state_values(sec, self.mech, s, _k(sec, k)) for sec, _, k in self.rows])

    def block(self) -> MechBlock:
        mech = self.mech
        states = {s: self._state(s) for s in self.states}
        if mech.kind is Kind.ION:
            flags = np.concatenate([ion_model.node_style(sec, mech.name)[_k(sec, k)]
                                    for sec, _, k in self.rows])
            params = {name: ((flags & bit) != 0).astype(np.float64)
                      for name, bit in (("_cinit", spec_ions.CINIT), ("_einit", spec_ions.EINIT),
                                        ("_eadvance", spec_ions.EADVANCE))}
            params["_charge"] = np.full(self.count, self.charge)
            params = {p: params[p] for p in list(mech.params) + list(mech.ion_reads) if p in params}
        else:
            params = {p: self._gather(mech.range_name(p)) for p in self.params}
            for ion, default in self.ion_reads.items():
                params[ion] = self._gather(ion, default)
        return MechBlock(mech, self.nodes, params, states)


def _k(sec, k):
    return np.arange(sec.nseg) if k is None else k


class Refresher:
    """Re-reads a model's values into a lowering whose structure is still the model's."""

    def __init__(self, model, low: Lowered, nm):
        self.key = structure_of(model)
        self.base = low
        self.nm = nm
        self.plan = None               # built at the first refresh

    def applies(self, model) -> bool:
        return structure_of(model) == self.key and self._planned(model)

    def _planned(self, model) -> bool:
        if self.plan is None:
            self.plan = self._make_plan(model)
        return self.plan is not False

    def _make_plan(self, model):
        low, nm = self.base, self.nm
        if any(blk.mech.pointers for blk in low.blocks) or (nm.geo.n and len(low.v) != nm.geo.n):
            return False
        sections = list(nm.geo.sections)
        pp_blocks = nm.pp_objects or {}
        plan = []
        for bi, blk in enumerate(low.blocks):
            if bi in pp_blocks:
                plan.append(("pp", list(pp_blocks[bi]), blk))
            elif blk.mech.kind in (Kind.DENSITY, Kind.ION):
                dens = _Density(blk, model, sections, nm)
                if dens.count != blk.count:
                    return False
                plan.append(("density", dens, blk))
            else:
                return False
        return plan

    def refresh(self, model) -> Lowered:
        """A new lowering of the model's present values on the old structure."""
        if not self.applies(model):
            raise ValueError("refresh: the model's structure changed since it was lowered")
        base, nm = self.base, self.nm
        geo = model.geometry()               # still valid: refreshes its cm and v only
        blocks = []
        for kind, src, old in self.plan:
            if kind == "density":
                blocks.append(src.block())
                continue
            mech = old.mech
            params = {p: np.array([fm.pp_value(pp, p) for pp in src]) for p in mech.params}
            states = {s: np.array([fm.pp_state(pp, mech, s) for pp in src]) for s in mech.states}
            blocks.append(MechBlock(mech, old.nodes, params, states, list(old.labels)))
        v, cm = geo.v, geo.cm
        if geo.n == 0:
            v, cm = base.v, base.cm
        low = Lowered(base.parent, base.area, base.a, base.b, cm, base.has_cap, v, blocks,
                      base.node_section, type_order=base.type_order, diam=base.diam)
        low.net = lower_net(model, geo, low.blocks, nm.pp_index, nm.pp_objects)
        return low
