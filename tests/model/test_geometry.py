"""NodeGeometry against numerics.md §2–4, computed by hand."""
from __future__ import annotations

import math

import numpy as np
import pytest

from hocx.errors import ModelError
from hocx.model import CableModel, measure

PI = 3.14159265358979323846


def ball_and_stick():
    m = CableModel()
    soma, dend = m.create("soma")[0], m.create("dend")[0]
    soma.L = 20
    soma.set_range_all("diam", 20)
    dend.L, dend.Ra, dend.nseg = 400, 150, 4
    dend.set_range_all("diam", 1.5)
    m.connect(dend, 0, soma, 1)
    return m, soma, dend


def test_node_layout_and_parents():
    m, soma, dend = ball_and_stick()
    g = m.geometry()
    # root node, soma seg, soma end, 4 dend segs, dend end
    assert g.n == 1 + 2 + 5
    assert list(g.parent) == [-1, 0, 1, 2, 3, 4, 5, 6]
    assert all(g.parent[i] < i for i in range(1, g.n))
    assert list(g.node_index) == [-1, 0, 1, 0, 1, 2, 3, 4]
    assert list(g.has_cap) == [False, True, False, True, True, True, True, False]
    assert g.area[0] == g.area[2] == g.area[7] == 100.0
    assert g.node_of(dend, 0) == 2 and g.node_of(soma, 0) == 0 and g.node_of(dend, 1) == 7
    assert list(g.seg_row) == [-1, 0, -1, 1, 2, 3, 4, -1]


def test_uniform_cylinder_area_and_resistances():
    m, soma, dend = ball_and_stick()
    g = m.geometry()
    dx = 400 / 4
    h = 1e-2 * 150 * (dx / 2) / (PI * 1.5 * 1.5 / 4)
    assert g.area[3] == PI * 1.5 * dx
    assert g.rinv[3] == 1 / h                       # first node: own half only
    assert g.rinv[4] == 1 / (h + h)
    assert g.rinv[7] == 1 / h                       # end node
    assert g.rinv[0] == 0 and measure.ri(soma, 0) == 1e30
    assert measure.area(dend, 0) == 0 and measure.area(dend, 1) == 0
    # a, b (numerics §4.1): a uses the parent's area, b the node's own
    assert g.b[3] == -1.e2 * g.rinv[3] / g.area[3]
    assert g.a[3] == -1.e2 * 1.0 * g.rinv[3] / g.area[2]
    assert g.a[4] == -1.e2 * g.rinv[4] / g.area[3]


def test_rallbranch_scales_a_of_first_node():
    m, soma, dend = ball_and_stick()
    dend.rallbranch = 3
    g = m.geometry()
    assert g.a[3] == -1.e2 * 3 * g.rinv[3] / g.area[2]


def test_interior_attachment_hangs_on_segment_centre():
    m = CableModel()
    soma, d = m.create("soma")[0], m.create("d")[0]
    soma.nseg = 3
    m.connect(d, 0, soma, 0.5)
    g = m.geometry()
    first = g.section_nodes(d)[0]
    assert g.parent[first] == g.node_of(soma, 0.5) == 2
    assert g.a[first] == -1.e2 * g.rinv[first] / g.area[2]


def test_child_at_zero_walks_up_to_root_node():
    m = CableModel()
    soma, a, b = m.create("soma")[0], m.create("a")[0], m.create("b")[0]
    m.connect(a, 0, soma, 0)
    m.connect(b, 0, a, 0)
    g = m.geometry()
    assert g.parent[g.section_nodes(b)[0]] == 0


def test_two_cells_root_nodes_first():
    m = CableModel()
    a, b, c = m.create("a")[0], m.create("b")[0], m.create("c")[0]
    m.connect(c, 0, a, 1)
    g = m.geometry()
    assert list(g.parent[:2]) == [-1, -1]
    # cell by cell: a, its child c, then b (as NEURON numbers them)
    assert g.node_of(a, 0.5) == 2 and g.node_of(c, 0.5) == 4 and g.node_of(b, 0.5) == 6
    assert list(g.cell) == [0, 1, 0, 0, 0, 0, 1, 1]


def test_zero_diameter_is_a_model_error():
    m = CableModel()
    s, = m.create("s")
    s.set_range_all("diam", 0)
    with pytest.raises(ModelError, match="diam"):
        m.geometry()


def test_distance_uses_node_centres():
    m = CableModel()
    soma, dend = m.create("soma")[0], m.create("dend")[0]
    soma.L, dend.L = 20, 100
    m.connect(dend, 0, soma, 1)
    measure.set_origin(m, soma, 0)
    assert measure.distance(m, dend, 0.5) == 70.0          # C48
    assert measure.distance(m, soma, 1) == 20.0


def test_write_back_updates_sections_and_cached_geometry():
    m, soma, dend = ball_and_stick()
    g = m.geometry()
    vals = np.arange(g.n, dtype=float)
    m.write_back("v", vals)
    assert soma.v_root == 0 and soma.get_range("v", 0.5) == 1 and dend.get_range("v", 1) == 7
    assert m.geometry() is g and list(g.v) == list(vals)
