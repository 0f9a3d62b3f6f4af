"""Test-only builder of simulator input for trees of uniform cylinders (numerics.md §2–3.1).

Independent of hocx.model, so the integrator's tests do not depend on the model layer.
"""
from __future__ import annotations

import math

import numpy as np

from hocx.sim.lower import Lowered, MechBlock
from hocx.sim.mechanisms import MECHANISMS

PI = 3.14159265358979323846


def build(sections, clamps=(), mech_params=None):
    """``sections``: dicts with parent (index or -1), x, nseg, L, diam, Ra, cm, mechs.
    ``clamps``: dicts with sec, x, del, dur, amp.  Returns (Lowered, node_of(sec, x))."""
    mech_params = mech_params or {}
    parent, area, rinv, cap, cm, names = [], [], [], [], [], []
    attach, seg_nodes, end_node = {}, {}, {}

    def add(p, ar, ri, c, cmv, name):
        parent.append(p); area.append(ar); rinv.append(ri); cap.append(c); cm.append(cmv)
        names.append(name)
        return len(parent) - 1

    children = {i: [] for i in range(len(sections))}
    for i, s in enumerate(sections):
        if s.get("parent", -1) >= 0:
            children[s["parent"]].append(i)
    order = []
    for i, s in enumerate(sections):
        if s.get("parent", -1) < 0:
            attach[i] = add(-1, 100.0, 0.0, False, 0.0, f"sec{i}")
            queue = [i]
            while queue:
                k = queue.pop(0)
                order.append(k)
                queue.extend(children[k])
    for k in order:
        s = sections[k]
        N, L, d, Ra = s.get("nseg", 1), s.get("L", 100.0), s.get("diam", 500.0), s.get("Ra", 35.4)
        if k not in attach:
            p, x = s["parent"], s.get("x", 1.0)
            if x == 0:
                attach[k] = attach[p]
            elif x == 1:
                attach[k] = end_node[p]
            else:
                attach[k] = seg_nodes[p][min(int(sections[p].get("nseg", 1) * x), sections[p].get("nseg", 1) - 1)]
        dx = L / N
        half = 1e-2 * Ra * (dx / 2) / (PI * d * d / 4)
        prev, nodes = attach[k], []
        for j in range(N):
            r = half if j == 0 else half + half
            prev = add(prev, PI * d * dx, 1.0 / r, True, s.get("cm", 1.0), f"sec{k}")
            nodes.append(prev)
        seg_nodes[k] = nodes
        end_node[k] = add(prev, 100.0, 1.0 / half, False, 0.0, f"sec{k}")
    parent = np.array(parent); area = np.array(area); rinv = np.array(rinv)
    a = np.zeros(len(parent)); b = np.zeros(len(parent))
    nr = parent >= 0
    b[nr] = -1e2 * rinv[nr] / area[nr]
    a[nr] = -1e2 * rinv[nr] / area[parent[nr]]

    def node_of(k, x):
        if x == 0:
            return attach[k]
        if x == 1:
            return end_node[k]
        N = sections[k].get("nseg", 1)
        return seg_nodes[k][min(int(N * x), N - 1)]

    blocks = []
    for m in ("pas", "hh"):
        nodes = [n for k in order if m in sections[k].get("mechs", ()) for n in seg_nodes[k]]
        blocks.append(MechBlock(MECHANISMS[m], nodes, dict(mech_params.get(m, {}))))
    ic = list(clamps)
    blocks.append(MechBlock(MECHANISMS["IClamp"], [node_of(c["sec"], c.get("x", 0.5)) for c in ic],
                            {p: np.array([c.get(p, 0.0) for c in ic]) for p in ("del", "dur", "amp")}))
    low = Lowered(parent, area, a, b, np.array(cm), np.array(cap), np.full(len(parent), -65.0),
                  blocks, names)
    return low, node_of


def binary_tree(B, nseg=4, mechs=("hh",)):
    """The anchor M3 cell: a full binary tree of B sections of nseg 10-µm compartments."""
    secs = [dict(parent=-1 if i == 0 else (i - 1) // 2, x=1.0, nseg=nseg, L=10.0 * nseg, diam=2.0,
                 Ra=5000.0, cm=1.0, mechs=mechs) for i in range(B)]
    return build(secs, [dict(sec=0, x=0.5 / nseg, **{"del": 3.0, "dur": 2.0, "amp": 0.05})])
