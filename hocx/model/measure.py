"""Measurements on the cable: ``area(x)``, ``ri(x)`` and ``distance()`` as NEURON computes them."""
from __future__ import annotations

from ..errors import HocRuntimeError, Span
from .geometry import section_order
from .section import check_x


def area(sec, x: float, span: Span | None = None) -> float:
    """``area(x)``: µm² of the segment containing x; 0 at x = 0 and x = 1 (treeset.cpp area)."""
    sec._alive(span)
    x = float(x)
    if x == 0.0 or x == 1.0:
        return 0.0
    check_x(sec, x, span)
    geo = sec.model.geometry()
    return float(geo.area[geo.node_of(sec, x)])


def ri(sec, x: float, span: Span | None = None) -> float:
    """``ri(x)``: MΩ from the node of x to its parent node; 1e30 for a root node."""
    sec._alive(span)
    x = check_x(sec, x, span)
    geo = sec.model.geometry()
    rinv = geo.rinv[geo.node_of(sec, x)]
    return 1.0 / float(rinv) if rinv else 1e30


def _parentnode(sec):
    return sec.attach_ref()


def _node_dist(sec, node) -> float:
    """NEURON's node_dist: arc length from the section's attachment to the node's centre."""
    if sec is None or node == _parentnode(sec):
        return 0.0
    _, kind, j = node
    ratio = 1.0 if kind == "end" else (sec.phys(j) + 0.5) / sec.nseg
    return sec.L * ratio


def topol_distance(sec1, node1, sec2, node2) -> float:
    """Path length between two nodes (solve.cpp topol_distance); 1e20 across cells."""
    order = {id(s): i for i, s in enumerate(section_order(sec1.model if sec1 else sec2.model))}
    d = 0.0
    while sec1 is not sec2:
        if sec1 is None or (sec2 is not None and order[id(sec1)] <= order[id(sec2)]):
            d += _node_dist(sec2, node2)
            node2, sec2 = _parentnode(sec2), sec2.parent
        else:
            d += _node_dist(sec1, node1)
            node1, sec1 = _parentnode(sec1), sec1.parent
    if sec1 is None:
        if node1 != node2:
            d = 1e20
    elif node1 != node2:
        x1, x2 = _node_dist(sec1, node1), _node_dist(sec2, node2)
        d += x2 - x1 if x1 < x2 else x1 - x2
    return d


def _exact(sec, x: float):
    """NEURON's node_exact: the node at x (0 → the attachment node)."""
    return sec.node_ref(x)


def set_origin(model, sec, x: float = 0.0, span: Span | None = None) -> None:
    """``distance()`` / ``distance(0, x)``: the origin is the node of sec(x)."""
    sec._alive(span)
    model.distance_origin = (sec, check_x(sec, x, span))


def distance(model, sec, x: float, span: Span | None = None) -> float:
    """``distance(x)`` / ``distance(1, x)``: path distance (µm, node centres) from the origin."""
    sec._alive(span)
    x = check_x(sec, x, span)
    org = model.distance_origin
    if org is None or not org[0].exists:
        raise HocRuntimeError("Distance origin not valid.", span,
                              hint="Need to initialize origin with distance()")
    osec, ox = org
    return topol_distance(osec, _exact(osec, ox), sec, _exact(sec, x))
