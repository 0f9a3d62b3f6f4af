"""Import3d: morphology files into sections (``Import3d_SWC_read``, ``Import3d_GUI``).

hocx's own implementation of what NEURON's ``import3d`` library does headless (its rules read
from share/lib/hoc/import3d/read_swc.hoc and import3d_gui.hoc):

* ``Import3d_SWC_read.input(file)`` reads the SWC points (radius → diameter), checks the
  tree (every parent id below its id), splits the points into unbranched sections that keep
  one point type (a type change ends a section), applies neuromorpho.org's 3-point soma rule
  (a sphere of the given diameter) and builds one ``Import3d_Section`` per section, with its
  parent, its ``parentx`` (1, or 0.5 into a one-point/3-point soma, 0 at the root's first
  point) and ``first = 1`` for a child joined to the soma by a "wire" (its first point is the
  parent point and only marks the logical connection, ``pt3dstyle``).
* ``Import3d_GUI(reader, 0).instantiate(nil | cell)`` names the sections by type (soma,
  axon, dend, apic, dend_<n>, minus_<n>) and order, ``~create``\\ s them at the top level or
  in the cell, fills the cell's SectionLists (all, somatic, axonal, basal, apical), connects
  them and adds the 3-d points — all through HOC text written with ``%.8g`` numbers, as NEURON
  does, so the float32 3-d points (and so L, area, distance) are the same.

* ``Import3d_Neurolucida3.input(file)`` parses a Neurolucida v3 text file (contours, trees
  with splits, properties, markers, text, sets; spines and soma stacks are refused), prints
  NEURON's progress (``\\r1000 lines read`` ...), moves soma contours first and attaches
  each tree that starts inside a soma's box (±0.5 µm) at its centre (parentx 0.5, a wire);
  instantiate() turns the contour into NEURON's 21-point centroid (principal axis of the
  101-point resampled contour, diameters across it).

A file that cannot be read, a line that is not an SWC point, a broken tree or a Neurolucida
parse error is a HocError that names the file and line.
"""
from __future__ import annotations

import math

import numpy as np

from ...errors import HocRuntimeError, HocTypeError, Span
from ..objects import HocObject, as_float
from .list import hold, release
from .import3d_asc import Import3dNeurolucida3, _interp, _remove_nonincreasing, contourcenter
from .import3d_swc import Import3dSection, Import3dSWCRead


def _g8(x: float) -> str:
    return "%.8g" % x


# ------------------------------------------------------------------ Import3d_GUI
def type2name(t: int) -> str:
    return {1: "soma", 2: "axon", 3: "dend", 4: "apic"}.get(t) or (
        f"minus_{-t}" if t < 0 else f"dend_{t}")


def subset_name(t: int) -> str:
    return {1: "somatic", 2: "axonal", 3: "basal", 4: "apical"}.get(t) or (
        f"minus_{-t}set" if t < 0 else f"dendritic_{t}")


class Import3dGUI(HocObject):
    """``Import3d_GUI(reader, 0)``: headless, only ``instantiate(nil | cell)``."""

    hoc_class = "Import3d_GUI"
    hoc_fields = ("swc",)

    def __init__(self, interp=None, args=None, span: Span | None = None):
        super().__init__(interp, args, span)
        args = args or []
        self._batches: list = []
        self.swc = args[0] if args and isinstance(args[0], HocObject) else None
        if self.swc is not None:
            hold(interp, self.swc)

    def hoc_free(self) -> None:
        release(self.interp, self.swc)
        self.swc = None

    def _chk_valid(self, reader) -> None:
        secs = reader.section_list()
        for i in range(len(secs) - 1, -1, -1):
            sec = secs[i]
            if sec.parentsec is None:
                continue
            left = sec.npoints - int(sec.first)
            line = reader.iline_of(int(sec.id)) if hasattr(reader, "iline_of") else int(sec.id)
            if left <= 1:
                self.interp.out(f"One point section {sec.hoc_name()} ending at line {line} has been removed\n")
                self._rm0len(reader, i, sec)
            elif left <= 2:
                f = int(sec.first)
                if np.array_equal(sec.pts[:, f], sec.pts[:, f + 1]):
                    self.interp.out(f"Two point section ending at line {line} with 0 length has been removed\n")
                    self._rm0len(reader, i, sec)
            secs = reader.section_list()

    def _rm0len(self, reader, i: int, gone) -> None:
        reader.remove_section(i)
        for sec in reader.section_list()[i:]:
            if sec.parentsec is gone:
                sec.parentsec = gone.parentsec
                sec.parentx = gone.parentx
                self.interp.out(f"\tand child {sec.hoc_name()} reattached\n")

    def m_instantiate(self, args, span=None):
        reader = self.swc
        if reader is None or not hasattr(reader, "section_list"):
            raise HocRuntimeError("Import3d_GUI.instantiate: no morphology was read", span,
                                  hint="Import3d_GUI(reader, 0) with a reader whose input() ran")
        cell = args[0] if args and isinstance(args[0], HocObject) else None
        self._chk_valid(reader)
        secs = reader.section_list()
        if not secs:
            return 0.0
        types = [int(s.type) for s in secs]
        tmin = int(min(reader.data["type"])) if getattr(reader, "data", None) else min(types)
        tmax = int(max(reader.data["type"])) if getattr(reader, "data", None) else max(types)
        count = {t: 0 for t in range(tmin, tmax + 1)}
        for s in secs:
            if s.is_subsidiary:
                continue
            s.nameindex = float(count[int(s.type)])
            count[int(s.type)] += 1
        run = lambda text, raw=False: self.interp.execute(text if raw else "{" + text + "}\n",
                                                           "<Import3d_GUI.instantiate>", obj=cell)
        for t in range(tmin, tmax + 1):
            name = type2name(t)
            if count[t] > 0:
                run(f"create {name}[{count[t]}]\n", raw=True)
            if cell is not None:
                run(f'forsec "{name}" {subset_name(t)}.append\n')
        if cell is not None:
            run("forall all.append\n")

        def nm(sec) -> str:
            base = type2name(int(sec.type))
            return f"{base}[{int(sec.nameindex)}]" if sec.nameindex > 0 else base

        out = []
        for i, sec in enumerate(secs):
            if sec.is_subsidiary:
                continue
            name = nm(sec)
            if i == 0 and cell is None:
                out.append(f"access {name}\n")
            if sec.parentsec is not None:
                out.append("{%s connect %s(0), %g}\n" % (nm(sec.parentsec), name, sec.parentx))
            f = int(sec.first)
            if f == 1:
                out.append("{%s { pt3dstyle(1, %s, %s, %s) }}\n" % (
                    name, _g8(sec.pts[0, 0]), _g8(sec.pts[1, 0]), _g8(sec.pts[2, 0])))
            xx, yy, zz, dd = (sec.pts[0, f:], sec.pts[1, f:], sec.pts[2, f:], sec.diam[f:])
            if sec.iscontour_:
                xx, yy, zz, dd = contour2centroid(xx, yy, zz, dd)
            if len(dd) == 1:
                xx, yy, zz, dd = sphere_rep(xx, yy, zz, dd)
            # NEURON executes "name { pt3dadd(%.8g, ...) }" per point; the same numbers go in
            # through hocx_import3d_points(k) on the section (one small statement per section)
            batch = [tuple(float(_g8(w)) for w in p) for p in zip(xx, yy, zz, dd)]
            out.append("{%s hocx_import3d_points(%d)}\n" % (name, len(self._batches)))
            self._batches.append(batch)
        for line in out:
            if line.startswith("access"):
                run(line, raw=True)
        self.interp.hooks["import3d_points"] = self._batches
        try:
            self.interp.execute("".join(ln for ln in out if not ln.startswith("access")),
                                "<Import3d_GUI.instantiate>", obj=cell)
        finally:
            self.interp.hooks.pop("import3d_points", None)
            self._batches.clear()
        return 0.0


def sphere_rep(x, y, z, d):
    """A one-point section: three points along x, one diameter long (NEURON's sphere)."""
    x = np.full(3, x[0])
    y, z, d = np.full(3, y[0]), np.full(3, z[0]), np.full(3, d[0])
    x[0] -= d[0] / 2
    x[2] += d[0] / 2
    return x, y, z, d


def contour2centroid(x, y, z, d):
    """A soma contour as a centroid: the 101-point resampled contour's principal (major) axis,
    sliced in 21 points between the second-smallest and second-largest positions of the two
    sides along it, each with the distance between the sides as diameter (NEURON's
    Import3d_GUI.contour2centroid)."""
    mean, (xs, ys, zs) = contourcenter(x, y, z)
    pts = np.vstack([xs - mean[0], ys - mean[1], zs - mean[2]])
    m = np.empty((3, 3))
    for i in range(3):
        for j in range(i, 3):
            m[i, j] = m[j, i] = float(np.sum(pts[i] * pts[j]))
    w, vecs = np.linalg.eigh(m)
    imax, imin = int(np.argmax(w)), int(np.argmin(w))
    major = vecs[:, imax].copy()
    if major[int(np.argmax(np.abs(major)))] < 0:
        major *= -1
    minor = vecs[:, 3 - imin - imax].copy()
    minor[2] = 0.0
    mag = math.sqrt(float(np.dot(minor, minor)))
    if mag / (math.sqrt(float(np.dot(major, major))) + 1e-100) < 1e-6:
        raise HocRuntimeError("Failed to compute soma centroid from contour.")
    minor /= mag
    dd = [float(np.dot(pts[:, i], major)) for i in range(pts.shape[1])]
    rad = [float(np.dot(pts[:, i], minor)) for i in range(pts.shape[1])]
    k = int(np.argmax(dd))
    dd, rad = dd[k:] + dd[:k], rad[k:] + rad[:k]
    k = int(np.argmin(dd))
    side2, rad2 = dd[k:], rad[k:]
    dd, rad = dd[:k][::-1], rad[:k][::-1]
    _remove_nonincreasing(dd, rad)
    _remove_nonincreasing(side2, rad2)
    allv = sorted(dd + side2)
    lo, hi = allv[1], allv[-2]
    step = (hi - lo) / 20
    grid = np.array([lo + step * i for i in range(int((hi - lo) / step + 1e-9) + 1)]) if step else np.array([lo])
    r1 = _interp(grid, np.array(dd), np.array(rad))
    r2 = _interp(grid, np.array(side2), np.array(rad2))
    diam = np.abs(r1 - r2)
    diam[0] = (diam[0] + diam[1]) / 2
    diam[-1] = (diam[-1] + diam[-2]) / 2
    P = np.outer(major, grid) + mean[:, None]
    return P[0], P[1], P[2], diam


# ------------------------------------------------------------------ pt3dstyle
def _pt3dstyle(interp, args, span):
    """``pt3dstyle()``: 1 if the accessed section has a logical connection point;
    ``pt3dstyle(1, x, y, z)`` sets it, ``pt3dstyle(0)`` clears it.  It only moves where the
    section is drawn from; L, area and distances do not depend on it."""
    model = getattr(interp, "model", None)
    if model is None:
        raise HocRuntimeError("pt3dstyle needs the cable model", span)
    sec = model.cas(span)
    if not args:
        return 1.0 if getattr(sec, "logical_connection", None) is not None else 0.0
    style = as_float(args[0])
    if style != 0:
        if len(args) < 4:
            raise HocTypeError("pt3dstyle(1, x, y, z)", span)
        sec.logical_connection = tuple(np.float32(as_float(a)) for a in args[1:4])
    else:
        sec.logical_connection = None
    return style


def _install_classes(interp, args=None, span=None):
    """``load_file("import3d.hoc")`` declares the classes (as NEURON's library file does)."""
    interp.register_class("Import3d_Section", Import3dSection,
                          doc="Import3d: the raw points of one unbranched piece of a morphology")
    interp.register_class("Import3d_SWC_read", Import3dSWCRead,
                          doc="Import3d: read an SWC morphology (input(\"file.swc\"))")
    interp.register_class("Import3d_Neurolucida3", Import3dNeurolucida3,
                          doc="Import3d: read a Neurolucida v3 text file (input(\"file.asc\"))")
    interp.register_class("Import3d_GUI", Import3dGUI,
                          doc="Import3d: instantiate(nil | cell) the sections of a reader")
    return 1.0


def _add_points(interp, args, span):
    """``hocx_import3d_points(k)``: the 3-d points of batch k of the running instantiate()
    into the accessed section (what NEURON's generated pt3dadd statements do)."""
    k = int(as_float(args[0])) if args else -1
    batches = interp.hooks.get("import3d_points") or []
    if 0 <= k < len(batches):
        sec = interp.model.cas(span)
        for x, y, z, d in batches[k]:
            sec.pt3d_edit("add", x, y, z, d)
        return 1.0
    raise HocRuntimeError("hocx_import3d_points: only Import3d_GUI.instantiate() uses it", span)


def install(interp) -> None:
    interp.register_builtin("hocx_import3d_points", _add_points, kind="func",
                            doc="(internal) the 3-d points of Import3d_GUI.instantiate()")
    interp.register_builtin("hocx_import3d_install", _install_classes, kind="func",
                            doc="declare Import3d's classes (what import3d.hoc does)")
    interp.register_builtin("pt3dstyle", _pt3dstyle, kind="func",
                            doc="pt3dstyle(1, x, y, z): logical connection point of the section")
