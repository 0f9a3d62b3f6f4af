"""Write simulator results back into the sections, with the per-section layout planned once.

:func:`hocx.sim.from_model.write_back` walks every section for every block on each call.
:class:`WritePlan` does the same stores (node v, density-block states and assigned values,
point-process values) but works out once per lowering which sections hold which instances,
and stores one-segment sections (the common ``nseg = 1``) as Python floats, which is several
times cheaper than a NumPy slice store per section per variable.
"""
from __future__ import annotations

import numpy as np

from ..spec import Kind
from .from_model import write_back as write_back_full


class WritePlan:
    """Where each block's instances live among one node map's sections."""

    def __init__(self, low, nm):
        self.nm = nm
        self.mechs = tuple(b.mech.name for b in low.blocks)
        self.v_rows = []          # (section, k, segs, end node, root node or None, single, node)
        for sec in nm.geo.sections:
            segs, k = nm.seg_nodes[id(sec)]
            single = len(k) == 1 and int(k[0]) == 0
            self.v_rows.append((sec, k, segs, nm.end_node[id(sec)],
                                nm.root_node.get(id(sec)), single, int(segs[0]) if single else -1))
        self.rows = {}            # block index -> [(section, k, pos, m, single)]
        for bi, blk in enumerate(low.blocks):
            if blk.mech.kind not in (Kind.DENSITY, Kind.ION):
                continue
            pos, rows = 0, []
            for sec in nm.geo.sections:
                if blk.mech.name not in sec.mechs:
                    continue
                _segs, k = nm.seg_nodes[id(sec)]
                m = len(k)
                rows.append((sec, k, pos, m, m == 1 and int(k[0]) == 0))
                pos += m
            self.rows[bi] = rows

    def fits(self, low, nm) -> bool:
        return nm is self.nm and tuple(b.mech.name for b in low.blocks) == self.mechs

    def write(self, model, low, nm, v, states, assigned=None) -> None:
        """What :func:`~hocx.sim.from_model.write_back` does, faster."""
        if not self.fits(low, nm):
            write_back_full(model, low, nm, v, states, assigned)
            return
        v = np.asarray(v)
        vl = v.tolist()
        for sec, k, segs, end, root, single, node in self.v_rows:
            if not sec.exists:
                continue
            seg = sec.seg
            if single:
                seg["v"][0] = vl[node]
            else:
                seg["v"][k] = v[segs]
            sec.v_end = vl[end]
            if root is not None:
                sec.v_root = vl[root]
        for bi, rows in self.rows.items():
            blk = low.blocks[bi]
            values = dict(states[bi])
            if assigned is not None:
                values.update({a: assigned[bi][a] for a in blk.mech.assigned if a in assigned[bi]})
            for var, arr in values.items():
                name = blk.mech.range_name(var)
                arr = np.asarray(arr)
                if arr.ndim == 2:                   # an ARRAY variable: (size, instances)
                    for j in range(arr.shape[0]):
                        elem = f"{name}[{j}]"
                        for sec, k, pos, m, _ in rows:
                            tgt = sec.seg.get(elem)
                            if tgt is not None:
                                tgt[k] = arr[j, pos:pos + m]
                    continue
                if arr.ndim != 1:
                    continue
                al = arr.tolist()
                # the ion totals (ina, cai, eca) come from the ion blocks; a mechanism's own
                # share is written only where it has a visible copy (RANGE ik -> ik_kdr)
                for sec, k, pos, m, single in rows:
                    tgt = sec.seg.get(name)
                    if tgt is None:
                        continue
                    if single:
                        tgt[0] = al[pos]
                    else:
                        tgt[k] = arr[pos:pos + m]
        _write_points(low, nm, states, assigned)
        model.mark_values_changed()


def _write_points(low, nm, states, assigned) -> None:
    """Point processes: states and assigned values into the objects' value tables (and the
    hidden table for carried values HOC cannot see), as write_back does."""
    for bi, pps in (nm.pp_objects or {}).items():
        values = dict(states[bi])
        if assigned is not None:
            values.update(assigned[bi])
        carried = low.blocks[bi].mech.states
        for j, pp in enumerate(pps):
            table = getattr(pp, "values", None)
            if not isinstance(table, dict):
                continue
            hidden = None
            for var, arr in values.items():
                if var in table:
                    table[var] = float(arr[j])
                elif var in carried and np.ndim(arr) == 1:
                    if hidden is None:
                        hidden = getattr(pp, "hidden", None)
                        if not isinstance(hidden, dict):
                            continue
                    hidden[var] = float(arr[j])
