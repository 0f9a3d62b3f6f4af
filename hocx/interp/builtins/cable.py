"""Section built-in functions of HOC; they act on the currently accessed section (CAS).

``area``, ``ri``, ``distance``, the ``pt3d*`` family and ``define_shape``, ``secname``,
``sectionname``, ``issection``, ``section_exists``, ``delete_section``, ``topology``,
``psection``, ``ismembrane``, ``push_section``, ``pop_section``, ``disconnect``,
``parent_connection``, ``section_orientation``.  Registered by :func:`install`; the
data and algorithms live in ``hocx.model`` (measure, text, shape, pt3d).
"""
from __future__ import annotations

import re

from ...errors import HocRuntimeError, HocTypeError, Span
from ...model import measure, text
from ...model.shape import define_shape
from ..objects import StrRef, as_float, as_str


def _model(interp, span: Span | None):
    if interp.model is None:
        raise HocRuntimeError("sections are not available", span)
    return interp.model


def _cas(interp, span: Span | None):
    return _model(interp, span).cas(span)


def _nargs(name: str, args: list, allowed: tuple[int, ...], span: Span | None) -> None:
    if len(args) not in allowed:
        want = " or ".join(str(a) for a in allowed)
        raise HocTypeError(f"{name}() takes {want} argument{'s' if allowed != (1,) else ''}, got {len(args)}", span)


def _num(args: list, i: int, span: Span | None) -> float:
    try:
        return as_float(args[i])
    except HocTypeError as e:
        raise e.with_span(span)


def _index(name: str, args: list, i: int, n: int, span: Span | None) -> int:
    """A point index argument checked against [0, n-1] (NEURON's chkarg)."""
    v = _num(args, i, span)
    if not 0 <= v <= n - 1:
        raise HocRuntimeError(f"{name}: index {v:g} out of range [0, {n - 1}]", span)
    return int(v)


# ---- measurement -----------------------------------------------------------
def _area(interp, args, span):
    _nargs("area", args, (1,), span)
    return measure.area(_cas(interp, span), _num(args, 0, span), span)


def _ri(interp, args, span):
    _nargs("ri", args, (1,), span)
    return measure.ri(_cas(interp, span), _num(args, 0, span), span)


def _distance(interp, args, span):
    """distance() / distance(0, x): set the origin; distance(x) / distance(1, x): measure."""
    _nargs("distance", args, (0, 1, 2), span)
    model = _model(interp, span)
    sec = model.cas(span)
    if not args:
        measure.set_origin(model, sec, 0.0, span)
        return 0.0
    if len(args) == 2:
        mode, x = _num(args, 0, span), _num(args, 1, span)
        if mode not in (0.0, 1.0):
            raise HocRuntimeError(f"distance: first argument must be 0 (set origin) or 1 (measure), not {mode:g}", span)
        if mode == 0.0:
            measure.set_origin(model, sec, x, span)
            return x
        return measure.distance(model, sec, x, span)
    return measure.distance(model, sec, _num(args, 0, span), span)


# ---- 3-D points ------------------------------------------------------------
def _pt3dadd(interp, args, span):
    _nargs("pt3dadd", args, (4,), span)
    _cas(interp, span).pt3d_edit("add", *(_num(args, i, span) for i in range(4)))
    return 1.0


def _pt3dclear(interp, args, span):
    _nargs("pt3dclear", args, (0, 1), span)
    _cas(interp, span).pt3d_edit("clear")
    return _num(args, 0, span) if args else 0.0


def _pt3dinsert(interp, args, span):
    _nargs("pt3dinsert", args, (5,), span)
    sec = _cas(interp, span)
    i = _index("pt3dinsert", args, 0, sec.pt3d.n + 1, span)
    sec.pt3d_edit("insert", i, *(_num(args, k, span) for k in range(1, 5)))
    return 0.0


def _pt3dchange(interp, args, span):
    _nargs("pt3dchange", args, (2, 5), span)
    sec = _cas(interp, span)
    i = _index("pt3dchange", args, 0, sec.pt3d.n, span)
    if len(args) == 5:
        sec.pt3d_edit("change", i, *(_num(args, k, span) for k in range(1, 5)))
    else:
        sec.pt3d_edit("change_diam", i, _num(args, 1, span))
    return 0.0


def _pt3dremove(interp, args, span):
    _nargs("pt3dremove", args, (1,), span)
    sec = _cas(interp, span)
    sec.pt3d_edit("remove", _index("pt3dremove", args, 0, sec.pt3d.n, span))
    return 0.0


def _getter(name: str, attr: str):
    def fn(interp, args, span):
        _nargs(name, args, (1,), span)
        sec = _cas(interp, span)
        i = _index(name, args, 0, sec.pt3d.n, span)
        val = float(getattr(sec.pt3d, attr)[i])
        return abs(val) if attr == "d" else val
    fn.__doc__ = f"{name}(i): {attr} of 3-D point i of the CAS"
    return fn


def _n3d(interp, args, span):
    return float(_cas(interp, span).pt3d.n)


def _define_shape(interp, args, span):
    define_shape(_model(interp, span))
    return 1.0


# ---- names and membership --------------------------------------------------
def _secname(interp, args, span):
    return _cas(interp, span).name()


def _sectionname(interp, args, span):
    _nargs("sectionname", args, (1,), span)
    if not isinstance(args[0], StrRef):
        raise HocTypeError("sectionname(strdef): the argument must be a string variable", span)
    args[0].set(_cas(interp, span).name())
    return 1.0


def name_regex(pattern: str) -> re.Pattern:
    """NEURON's section-name regex: ``[ ]`` literal, ``< >`` as class brackets."""
    return re.compile(pattern.replace("[", r"\[").replace("]", r"\]").replace("<", "[").replace(">", "]"))


def _issection(interp, args, span):
    _nargs("issection", args, (1,), span)
    try:
        rx = name_regex(as_str(args[0]))
    except re.error as e:
        raise HocRuntimeError(f"issection: bad pattern: {e}", span) from None
    return 1.0 if rx.fullmatch(_cas(interp, span).name()) else 0.0


def _section_exists(interp, args, span):
    """section_exists("name"[, i[, obj]]): i is the flat index (row-major for 2-D arrays)."""
    _nargs("section_exists", args, (1, 2, 3), span)
    owner = args[2] if len(args) == 3 else None
    got = _model(interp, span).section_array(as_str(args[0]), owner)
    if got is None:
        return 0.0
    i = int(_num(args, 1, span)) if len(args) >= 2 else 0
    secs = got[1]
    return 1.0 if 0 <= i < len(secs) and secs[i].exists else 0.0


def _ismembrane(interp, args, span):
    _nargs("ismembrane", args, (1,), span)
    return 1.0 if _cas(interp, span).has_mech(as_str(args[0])) else 0.0


def _delete_section(interp, args, span):
    model = _model(interp, span)
    model.delete(model.cas(span))
    return 0.0


# ---- stack and topology ---------------------------------------------------------
def _push_section(interp, args, span):
    _nargs("push_section", args, (1,), span)
    model = _model(interp, span)
    if isinstance(args[0], (str, StrRef)):
        name = as_str(args[0])
        sec = model.find(name) or model.find(f"{name}[0]")
        if sec is None:
            raise HocRuntimeError(f"push_section: no section named {name}", span)
    elif hasattr(args[0], "get_range"):
        sec = args[0]
    else:
        raise HocTypeError("push_section(\"name\") needs a section name", span)
    model.push(sec)
    return 1.0


def _pop_section(interp, args, span):
    _model(interp, span).pop(span)
    return 1.0


def _disconnect(interp, args, span):
    model = _model(interp, span)
    model.disconnect(model.cas(span))
    return 0.0


def _topology(interp, args, span):
    interp.out(text.topology(_model(interp, span)))
    return 1.0


def _psection(interp, args, span):
    interp.out(text.psection(_cas(interp, span)))
    return 1.0


def _parent_connection(interp, args, span):
    sec = _cas(interp, span)
    return sec.parent_x if sec.parent is not None else 0.0


def _section_orientation(interp, args, span):
    return _cas(interp, span).child_end


FUNCS = {
    "area": (_area, "area(x): membrane area (µm²) of the segment containing x; 0 at 0 and 1"),
    "ri": (_ri, "ri(x): axial resistance (MΩ) from the node of x to its parent node"),
    "distance": (_distance, "distance() sets the origin at CAS(0); distance(x) measures path length (µm)"),
    "pt3dadd": (_pt3dadd, "pt3dadd(x, y, z, d): append a 3-D point"),
    "pt3dclear": (_pt3dclear, "pt3dclear(): remove all 3-D points"),
    "pt3dinsert": (_pt3dinsert, "pt3dinsert(i, x, y, z, d): insert a 3-D point before i"),
    "pt3dchange": (_pt3dchange, "pt3dchange(i, d) or pt3dchange(i, x, y, z, d)"),
    "pt3dremove": (_pt3dremove, "pt3dremove(i): delete 3-D point i"),
    "n3d": (_n3d, "n3d(): number of 3-D points"),
    "x3d": (_getter("x3d", "x"), "x3d(i)"),
    "y3d": (_getter("y3d", "y"), "y3d(i)"),
    "z3d": (_getter("z3d", "z"), "z3d(i)"),
    "diam3d": (_getter("diam3d", "d"), "diam3d(i)"),
    "arc3d": (_getter("arc3d", "arc"), "arc3d(i): arc length (µm) to 3-D point i"),
    "define_shape": (_define_shape, "define_shape(): 3-D points for sections without them"),
    "sectionname": (_sectionname, "sectionname(strdef): store the CAS name; returns 1"),
    "issection": (_issection, "issection(\"regex\"): 1 if the CAS name matches"),
    "section_exists": (_section_exists, "section_exists(\"name\"[, index[, obj]])"),
    "ismembrane": (_ismembrane, "ismembrane(\"mech\"): 1 if mech is inserted in the CAS"),
    "delete_section": (_delete_section, "delete_section(): delete the CAS"),
    "push_section": (_push_section, "push_section(\"name\"): make it the CAS for this statement"),
    "pop_section": (_pop_section, "pop_section(): undo push_section / get_loc"),
    "disconnect": (_disconnect, "disconnect(): detach the CAS from its parent"),
    "topology": (_topology, "topology(): print the section tree"),
    "psection": (_psection, "psection(): print the CAS's parameters"),
    "parent_connection": (_parent_connection, "parent_connection(): x on the parent where the CAS hangs"),
    "section_orientation": (_section_orientation, "section_orientation(): which end of the CAS is attached"),
}


def install(interp) -> None:
    for name, (fn, doc) in FUNCS.items():
        interp.register_builtin(name, fn, kind="func", doc=doc)
    interp.register_builtin("secname", _secname, kind="strfunc", doc="secname(): name of the CAS")
