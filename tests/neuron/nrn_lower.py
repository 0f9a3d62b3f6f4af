"""Test helper: build hocx's simulator input (`Lowered`) from a model living in the real
NEURON package, and run NEURON with every node recorded.

This lets the integrator be checked against NEURON independently of hocx's own geometry
code: areas and axial resistances come from NEURON itself (`seg.area()`, `seg.ri()`).
"""
from __future__ import annotations

import math

import numpy as np

from hocx.sim.lower import Lowered, MechBlock
from hocx.sim.mechanisms import MECHANISMS


def _children(h, sec):
    return list(h.SectionRef(sec=sec).child)


def build(h):
    """Return (Lowered, locs) where locs[i] = (section, x) of node i (x in {0, .., 1})."""
    roots = [s for s in h.allsec() if not h.SectionRef(sec=s).has_parent()]
    parent, area, rinv, has_cap, cm, locs, names = [], [], [], [], [], [], []
    attach, endnode, segnode = {}, {}, {}

    def add(p, ar, ri, cap, c, loc, name):
        parent.append(p); area.append(ar); rinv.append(ri); has_cap.append(cap)
        cm.append(c); locs.append(loc); names.append(name)
        return len(parent) - 1

    for root in roots:
        attach[root.name()] = add(-1, 100.0, 0.0, False, 0.0, (root, 0.0), root.name())
        queue = [root]
        while queue:
            sec = queue.pop(0)
            N = sec.nseg
            if sec.name() not in attach:
                ps = sec.parentseg()
                psec, x = ps.sec, sec.parentseg().x
                if x == 0:
                    attach[sec.name()] = attach[psec.name()]
                elif x == 1:
                    attach[sec.name()] = endnode[psec.name()]
                else:
                    attach[sec.name()] = segnode[psec.name()][min(int(psec.nseg * x), psec.nseg - 1)]
            prev = attach[sec.name()]
            nodes = []
            for j, seg in enumerate(sec):
                prev = add(prev, seg.area(), 1.0 / seg.ri(), True, seg.cm, (sec, seg.x), sec.name())
                nodes.append(prev)
            segnode[sec.name()] = nodes
            endnode[sec.name()] = add(prev, 100.0, 1.0 / sec(1).ri(), False, 0.0, (sec, 1.0), sec.name())
            queue.extend(_children(h, sec))

    parent = np.array(parent)
    area = np.array(area)
    rinv = np.array(rinv)
    a = np.zeros(len(parent)); b = np.zeros(len(parent))
    for i, p in enumerate(parent):
        if p >= 0:
            b[i] = -1.0e2 * rinv[i] / area[i]
            a[i] = -1.0e2 * rinv[i] / area[p]

    def node_of(sec, x):
        if x == 0:
            return attach[sec.name()]
        if x == 1:
            return endnode[sec.name()]
        return segnode[sec.name()][min(int(sec.nseg * x), sec.nseg - 1)]

    blocks = []
    for mname in ("pas", "hh"):
        mech = MECHANISMS[mname]
        nodes, params = [], {k: [] for k in list(mech.params) + list(mech.ion_reads)}
        for sec in h.allsec():
            for seg in sec:
                if hasattr(seg, mname):
                    nodes.append(node_of(sec, seg.x))
                    for k in mech.params:
                        params[k].append(getattr(seg, f"{k}_{mname}"))
                    for k in mech.ion_reads:
                        params[k].append(getattr(seg, k))
        blocks.append(MechBlock(mech, nodes, {k: np.array(v) for k, v in params.items()}))
    ic_nodes, ic = [], {"del": [], "dur": [], "amp": []}
    for stim in h.List("IClamp"):
        seg = stim.get_segment()
        ic_nodes.append(node_of(seg.sec, stim.get_loc()))
        h.pop_section()
        ic["del"].append(stim.delay); ic["dur"].append(stim.dur); ic["amp"].append(stim.amp)
    blocks.append(MechBlock(MECHANISMS["IClamp"], ic_nodes, {k: np.array(v) for k, v in ic.items()}))
    low = Lowered(parent, area, a, b, np.array(cm), np.array(has_cap),
                  np.full(len(parent), -65.0), blocks, names)
    return low, locs


def run_neuron(h, locs, tstop, v_init=-65.0):
    """finitialize(v_init), fadvance until t >= tstop - dt/2; v of every node per sample."""
    vecs = []
    for sec, x in locs:
        vec = h.Vector()
        vec.record(sec(x)._ref_v)
        vecs.append(vec)
    tv = h.Vector()
    tv.record(h._ref_t)
    h.finitialize(v_init)
    while h.t < tstop - h.dt / 2:
        h.fadvance()
    return np.array(tv), np.array([np.array(v) for v in vecs]).T
