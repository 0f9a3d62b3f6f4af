"""Geometry parity with live NEURON on random trees (numerics.md §2–3, language.md §3.4).

For hypothesis-generated cells (random nseg, L, diam, Ra, rallbranch, interior
attachments, 3-D points with varying diameter, mechanisms inserted before an nseg
change) hocx must give NEURON's area(x) and ri(x) for every location to 1e-12
relative, the same node for every location and the same parent for every node, and
byte-identical topology() and psection() text.
"""
from __future__ import annotations

import math

import pytest

pytest.importorskip("neuron")
from hypothesis import HealthCheck, given, settings, strategies as st

from hocx.model import measure, text

from .neuron_util import build_hocx, build_neuron, capture_fd1, neuron_h

pytestmark = pytest.mark.neuron

finite = dict(allow_nan=False, allow_infinity=False)


@st.composite
def cells(draw):
    n = draw(st.integers(1, 6))
    desc = []
    for i in range(n):
        nseg = draw(st.integers(1, 7))
        d = {
            "nseg": nseg,
            "L": draw(st.floats(0.5, 500, **finite)),
            "Ra": draw(st.floats(10, 300, **finite)),
            "rallbranch": draw(st.sampled_from([1.0, 1.0, 1.0, 2.0, 0.5])),
            "diams": [draw(st.floats(0.1, 20, **finite)) for _ in range(nseg)],
            "parent": None if i == 0 or draw(st.integers(0, 5)) == 0 else draw(st.integers(0, i - 1)),
            "px": draw(st.sampled_from([0.0, 1.0, 1.0, 0.5])) if draw(st.booleans())
            else draw(st.floats(0, 1, **finite)),
            "cend": draw(st.sampled_from([0.0, 0.0, 0.0, 1.0])),
            "mechs": draw(st.lists(st.sampled_from(["pas", "hh"]), max_size=2, unique=True)),
            "nseg2": draw(st.sampled_from([None, None, 1, 2, 3, 5])),
            "pts": [],
        }
        if draw(st.integers(0, 2)) == 0:
            npt = draw(st.integers(2, 7))
            x = y = z = 0.0
            for _ in range(npt):
                d["pts"].append((x, y, z, draw(st.floats(0.2, 15, **finite))))
                x += draw(st.floats(0, 40, **finite))
                y += draw(st.floats(-10, 10, **finite))
                z += draw(st.floats(-5, 5, **finite))
        desc.append(d)
    return desc


def _close(a: float, b: float) -> bool:
    return a == b or math.isclose(a, b, rel_tol=1e-12, abs_tol=0.0)


def _locations(sec):
    return [0.0] + [(j + 0.5) / sec.nseg for j in range(sec.nseg)] + [1.0]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells())
def test_geometry_matches_neuron(desc):
    h = neuron_h()
    nsecs = build_neuron(h, desc)
    h.finitialize(-65)          # lays out NEURON's nodes (node_index)
    model, secs = build_hocx(desc)
    geo = model.geometry()
    for sec, nsec in zip(secs, nsecs):
        assert sec.nseg == nsec.nseg
        assert _close(sec.L, nsec.L)
        for x in _locations(sec):
            nsec.push()
            try:
                n_area, n_ri = h.area(x), h.ri(x)
            finally:
                h.pop_section()
            assert _close(measure.area(sec, x), n_area), (sec.name(), x)
            assert _close(measure.ri(sec, x), n_ri), (sec.name(), x)
            assert _close(sec.get_range("diam", x), nsec(x).diam), (sec.name(), x)
            # same node numbering as NEURON
            assert geo.node_of(sec, x) == nsec(x).node_index(), (sec.name(), x)
        # parent of segment node 0 is the node NEURON says the section hangs on
        i0 = geo.section_nodes(sec)[0]
        pseg = nsec.parentseg()
        if pseg is None:
            assert geo.parent[i0] == nsec(0).node_index()
        else:
            assert geo.parent[i0] == pseg.node_index()
    with capture_fd1() as buf:
        h.topology()
    assert text.topology(model) == buf[0]
    for sec, nsec in zip(secs, nsecs):
        with capture_fd1() as buf:
            h.psection(sec=nsec)
        assert text.psection(sec) == buf[0]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells(), st.data())
def test_distance_and_define_shape_match_neuron(desc, data):
    h = neuron_h()
    nsecs = build_neuron(h, desc)
    model, secs = build_hocx(desc)
    # distance from a random origin to every location
    io = data.draw(st.integers(0, len(secs) - 1))
    ox = data.draw(st.sampled_from(_locations(secs[io])))
    nsecs[io].push()
    h.distance(0, ox)
    h.pop_section()
    measure.set_origin(model, secs[io], ox)
    for sec, nsec in zip(secs, nsecs):
        for x in _locations(sec):
            nsec.push()
            want = h.distance(1, x)
            h.pop_section()
            assert _close(measure.distance(model, sec, x), want), (sec.name(), x)
    # define_shape gives the same float 3-D points, hence the same areas
    h.define_shape()
    from hocx.model.shape import define_shape
    define_shape(model)
    for sec, nsec in zip(secs, nsecs):
        assert sec.pt3d.n == nsec.n3d()
        for i in range(sec.pt3d.n):
            got = (sec.pt3d.x[i], sec.pt3d.y[i], sec.pt3d.z[i], abs(sec.pt3d.d[i]), sec.pt3d.arc[i])
            want = (nsec.x3d(i), nsec.y3d(i), nsec.z3d(i), nsec.diam3d(i), nsec.arc3d(i))
            assert all(_close(float(a), b) for a, b in zip(got, want)), (sec.name(), i, got, want)
        for x in _locations(sec):
            nsec.push()
            n_area, n_ri = h.area(x), h.ri(x)
            h.pop_section()
            assert _close(measure.area(sec, x), n_area), (sec.name(), x)
            assert _close(measure.ri(sec, x), n_ri), (sec.name(), x)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells(), st.data())
def test_pt3d_edits_match_neuron(desc, data):
    """pt3dinsert/pt3dchange/pt3dremove, L = ... rescaling and diam = ... rewriting of points."""
    h = neuron_h()
    nsecs = build_neuron(h, desc)
    model, secs = build_hocx(desc)
    for sec, nsec in zip(secs, nsecs):
        if sec.pt3d.n < 2:
            continue
        ops = data.draw(st.lists(st.sampled_from(["insert", "change", "change_diam", "remove", "L", "diam"]),
                                 max_size=4))
        for op in ops:
            n = sec.pt3d.n
            nsec.push()
            try:
                if op == "insert":
                    i = data.draw(st.integers(0, n))
                    p = [data.draw(st.floats(-30, 30, **finite)) for _ in range(3)] + [data.draw(st.floats(0.2, 9, **finite))]
                    h.pt3dinsert(i, *p)
                    sec.pt3d_edit("insert", i, *p)
                elif op == "change":
                    i = data.draw(st.integers(0, n - 1))
                    p = [data.draw(st.floats(-30, 30, **finite)) for _ in range(3)] + [data.draw(st.floats(0.2, 9, **finite))]
                    h.pt3dchange(i, *p)
                    sec.pt3d_edit("change", i, *p)
                elif op == "change_diam":
                    i = data.draw(st.integers(0, n - 1))
                    d = data.draw(st.floats(0.2, 9, **finite))
                    h.pt3dchange(i, d)
                    sec.pt3d_edit("change_diam", i, d)
                elif op == "remove" and n > 2:
                    i = data.draw(st.integers(0, n - 1))
                    h.pt3dremove(i)
                    sec.pt3d_edit("remove", i)
                elif op == "L" and nsec.L > 1e-3:
                    L = data.draw(st.floats(1, 300, **finite))
                    nsec.L = L
                    sec.L = L
                elif op == "diam":
                    d = data.draw(st.floats(0.2, 9, **finite))
                    nsec.diam = d
                    sec.set_range_all("diam", d)
            finally:
                h.pop_section()
    for sec, nsec in zip(secs, nsecs):
        assert _close(sec.L, nsec.L), sec.name()
        for i in range(sec.pt3d.n):
            assert float(sec.pt3d.x[i]) == nsec.x3d(i) and abs(float(sec.pt3d.d[i])) == nsec.diam3d(i)
            assert _close(float(sec.pt3d.arc[i]), nsec.arc3d(i))
        for x in _locations(sec):
            nsec.push()
            n_area, n_ri = h.area(x), h.ri(x)
            h.pop_section()
            assert _close(measure.area(sec, x), n_area), (sec.name(), x)
            assert _close(measure.ri(sec, x), n_ri), (sec.name(), x)
            assert _close(sec.get_range("diam", x), nsec(x).diam), (sec.name(), x)
