"""Node geometry: the arrays the simulator's matrix is built from (numerics.md §2–4).

:func:`build_geometry` lays out NEURON's nodes -- one bare root node per cell, then per
section its segment nodes and its bare end node, sections breadth-first from each root
(so ``parent[i] < i``) -- and computes, exactly as ``nrn_area_ri`` / ``diam_from_list`` /
``connection_coef`` do, each node's area (µm², 100 for bare nodes), ``rinv`` (µS) and the
``a``/``b`` coupling coefficients (``rallbranch`` included).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import HocRuntimeError, Span


@dataclass
class NodeGeometry:
    """NEURON's nodes in matrix order. Arrays have one entry per node.

    parent      parent node (-1 for a root node); parent[i] < i
    area        µm²; 100 for bare nodes (root and end nodes), as NEURON uses internally
    rinv        1/ri in µS (0 for root nodes)
    a, b        coupling coefficients (numerics §4.1); 0 for root nodes
    has_cap     True on segment nodes (capacitance and density mechanisms live there)
    cm, v       per node (cm 0 on bare nodes)
    node_section index into ``sections``; node_index: segment j, nseg for the end node,
                -1 for a root node; seg_row: model-table row of a segment node, else -1
    cell        index of the cell (root tree, in root creation order)
    """

    sections: list
    parent: np.ndarray
    area: np.ndarray
    rinv: np.ndarray
    a: np.ndarray
    b: np.ndarray
    has_cap: np.ndarray
    cm: np.ndarray
    v: np.ndarray
    node_section: np.ndarray
    node_index: np.ndarray
    seg_row: np.ndarray
    cell: np.ndarray
    _first: dict = field(default_factory=dict)     # id(section) -> node of its segment 0
    _root: dict = field(default_factory=dict)      # id(root section) -> its root node

    @property
    def n(self) -> int:
        return len(self.parent)

    def section_nodes(self, sec) -> np.ndarray:
        """Nodes of ``sec``: segments 0..nseg-1 then its end node."""
        i0 = self._first[id(sec)]
        return np.arange(i0, i0 + sec.nseg + 1)

    def node_of(self, sec, x: float, span: Span | None = None) -> int:
        """The node ``sec(x)`` designates (numerics §2.3)."""
        return self.node_of_ref(sec.node_ref(float(x)), span)

    def node_of_ref(self, ref, span: Span | None = None) -> int:
        """The node index of a ``Section.node_ref`` tuple."""
        owner, kind, j = ref
        if id(owner) not in self._first:
            raise HocRuntimeError(f"{owner.name()} is not part of the model", span)
        if kind == "root":
            return self._root[id(owner)]
        if kind == "end":
            return self._first[id(owner)] + owner.nseg
        return self._first[id(owner)] + owner.phys(j)


def section_order(model) -> list:
    """Sections in NEURON's order: cell by cell (roots in creation order), each breadth-first.

    Children come in NEURON's sibling-list order (``Section.children``: increasing
    attachment position, most recent first among ties), as in solve.cpp section_order.
    """
    order: list = []
    for root in model.roots():            # one cell after the other (multicore.cpp reorder_secorder)
        i = len(order)
        order.append(root)
        while i < len(order):
            order.extend(order[i].children)
            i += 1
    return order


def build_geometry(model) -> NodeGeometry:
    """Compute the node arrays for the whole model (IEEE results, as in C: Ra = 0 gives inf)."""
    with np.errstate(all="ignore"):
        return _build(model)


def _build(model) -> NodeGeometry:
    secs = section_order(model)
    roots = [s for s in secs if s.parent is None]
    sec_index = {id(s): i for i, s in enumerate(model.sections)}
    rows = {}
    r = 0
    for s in model.sections:
        rows[id(s)] = r
        r += s.nseg
    n = len(roots) + sum(s.nseg + 1 for s in secs)
    parent = np.full(n, -1, dtype=np.int64)
    area = np.zeros(n)
    rinv = np.zeros(n)
    a = np.zeros(n)
    b = np.zeros(n)
    has_cap = np.zeros(n, dtype=bool)
    cm = np.zeros(n)
    v = np.zeros(n)
    node_section = np.zeros(n, dtype=np.int64)
    node_index = np.zeros(n, dtype=np.int64)
    seg_row = np.full(n, -1, dtype=np.int64)
    cell = np.zeros(n, dtype=np.int64)
    first: dict[int, int] = {}
    root_node: dict[int, int] = {}
    cell_of: dict[int, int] = {}
    for k, s in enumerate(roots):
        root_node[id(s)] = k
        area[k] = 100.0
        v[k] = s.v_root
        node_section[k] = sec_index[id(s)]
        node_index[k] = -1
        cell[k] = k
        cell_of[id(s)] = k
    i = len(roots)
    for s in secs:
        first[id(s)] = i
        i += s.nseg + 1

    def attach(sec) -> int:
        owner, kind, j = sec.attach_ref()
        if kind == "root":
            return root_node[id(owner)]
        return first[id(owner)] + (owner.nseg if kind == "end" else owner.phys(j))

    for s in secs:
        i0 = first[id(s)]
        N = s.nseg
        c = cell_of[id(s)] if s.parent is None else cell_of[id(model.root(s))]
        cell_of[id(s)] = c
        seg_area, rl, rr = s.segment_geometry()    # in node order
        for j in range(N):
            k = s.phys(j)          # a section hung by its 1-end is numbered from that end
            node = i0 + j
            parent[node] = attach(s) if j == 0 else node - 1
            area[node] = seg_area[j]
            rinv[node] = np.float64(1.0) / ((0.0 if j == 0 else rr[j - 1]) + rl[j])
            has_cap[node] = True
            cm[node] = s.seg["cm"][k]
            v[node] = s.seg["v"][k]
            node_index[node] = k
            seg_row[node] = rows[id(s)] + k
        end = i0 + N
        parent[end] = end - 1
        area[end] = 100.0
        rinv[end] = np.float64(1.0) / rr[N - 1]
        v[end] = s.v_end
        node_index[end] = N
        node_section[i0:end + 1] = sec_index[id(s)]
        cell[i0:end + 1] = c

    # connection_coef: a uses the parent's area (times rallbranch for segment node 0)
    for s in secs:
        i0 = first[id(s)]
        a[i0] = -1.e2 * s.rallbranch * rinv[i0] / area[parent[i0]]
        for node in range(i0 + 1, i0 + s.nseg + 1):
            a[node] = -1.e2 * rinv[node] / area[node - 1]
    nonroot = parent >= 0
    b[nonroot] = -1.e2 * rinv[nonroot] / area[nonroot]
    return NodeGeometry(list(model.sections), parent, area, rinv, a, b, has_cap, cm, v,
                        node_section, node_index, seg_row, cell, first, root_node)


def refresh_values(geo: NodeGeometry) -> None:
    """Copy the current ``cm`` and ``v`` of every section into a still-valid geometry."""
    for sec in geo.sections:
        i0 = geo._first.get(id(sec))
        if i0 is None:
            continue
        n = sec.nseg
        order = np.array([sec.phys(j) for j in range(n)]) if sec.child_end == 1.0 else slice(None)
        geo.cm[i0:i0 + n] = sec.seg["cm"][order]
        geo.v[i0:i0 + n] = sec.seg["v"][order]
        geo.v[i0 + n] = sec.v_end
        root = geo._root.get(id(sec))
        if root is not None:
            geo.v[root] = sec.v_root
