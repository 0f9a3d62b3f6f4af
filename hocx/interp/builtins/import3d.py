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
import re

import numpy as np

from ...errors import HocRuntimeError, HocTypeError, Span
from ..objects import HocObject, StrRef, as_float, as_str
from .list import hold, release


def _g8(x: float) -> str:
    return "%.8g" % x


# ------------------------------------------------------------------ one section of the file
class Import3dSection(HocObject):
    """``Import3d_Section``: the raw points of one unbranched piece, and how it attaches."""

    hoc_class = "Import3d_Section"
    hoc_fields = ("raw", "d", "id", "type", "iscontour_", "pid", "parentsec", "parentx",
                  "nameindex", "first", "fid", "is_subsidiary", "volatile", "volatile2",
                  "contour_list", "centroid_color", "wire_color", "ztrans")
    hoc_settable = hoc_fields

    def __init__(self, interp=None, args=None, span: Span | None = None):
        super().__init__(interp, args, span)
        args = args or []
        if len(args) < 2:
            raise HocTypeError("Import3d_Section(id, npoints)", span)
        self.id = as_float(args[0])
        n = int(as_float(args[1]))
        self.pts = np.zeros((3, n))        # x, y, z of each point
        self.diam = np.zeros(n)
        self.type = 0.0
        self.iscontour_ = 0.0
        self.pid = -1.0
        self.parentsec = None
        self.parentx = 1.0
        self.nameindex = 0.0
        self.first = 0.0
        self.fid = 0.0
        self.is_subsidiary = 0.0
        self.volatile = 0.0
        self.volatile2 = 0.0
        self.contour_list = None
        self.centroid_color = 2.0
        self.wire_color = 4.0
        self.ztrans = 0.0
        self._raw = None
        self._d = None

    # raw (a 3 x n Matrix) and d (a Vector) are made when HOC first reads them
    @property
    def raw(self):
        if self._raw is None:
            m = self.interp.new_object("Matrix", [3.0, float(max(self.pts.shape[1], 1))], None)
            m.m = self.pts.copy() if self.pts.shape[1] else m.m
            hold(self.interp, m)
            self._raw = m
        return self._raw

    @raw.setter
    def raw(self, value):
        self._raw = value

    @property
    def d(self):
        if self._d is None:
            v = self.interp.new_object("Vector", [], None)
            v.assign(self.diam)
            hold(self.interp, v)
            self._d = v
        return self._d

    @d.setter
    def d(self, value):
        self._d = value

    @property
    def npoints(self) -> int:
        return self.pts.shape[1]

    def set_points(self, j: int, idx, x, y, z, d) -> None:
        """Points ``idx`` of the file's arrays into columns j, j+1, ..."""
        k = np.asarray(idx, dtype=int)
        self.pts[0, j:j + len(k)] = x[k]
        self.pts[1, j:j + len(k)] = y[k]
        self.pts[2, j:j + len(k)] = z[k]
        self.diam[j:j + len(k)] = d[k]

    def hoc_free(self) -> None:
        for o in (self._raw, self._d):
            release(self.interp, o)
        self._raw = self._d = None


# ------------------------------------------------------------------ the SWC reader
class SwcError(HocRuntimeError):
    pass


class Import3dSWCRead(HocObject):
    """``Import3d_SWC_read``: ``input(file)`` reads an SWC file into ``sections``."""

    hoc_class = "Import3d_SWC_read"
    hoc_fields = ("sections", "id", "type", "x", "y", "z", "d", "pid", "iline", "err", "quiet",
                  "filetype", "idoffset")
    hoc_settable = ("quiet", "err")

    def __init__(self, interp=None, args=None, span: Span | None = None):
        super().__init__(interp, args, span)
        self.quiet = 0.0
        self.err = 0.0
        self.filetype = "SWC"
        self.idoffset = 0.0
        self.fname = ""
        self.secs: list[Import3dSection] = []
        self.data: dict[str, np.ndarray] = {}
        self._hoc: dict[str, HocObject] = {}
        self._list = None

    # ---- what HOC reads ----------------------------------------------------------
    def _vec(self, name: str):
        if name not in self._hoc:
            v = self.interp.new_object("Vector", [], None)
            v.assign(self.data.get(name, np.zeros(0)))
            hold(self.interp, v)
            self._hoc[name] = v
        return self._hoc[name]

    def __getattr__(self, name):
        if name in ("id", "type", "x", "y", "z", "d", "pid", "iline"):
            return self._vec(name)
        if name == "sections":
            if self._list is None:
                lst = self.interp.new_object("List", [], None)
                for s in self.secs:
                    lst.m_append([s], None)
                hold(self.interp, lst)
                self._list = lst
            return self._list
        raise AttributeError(name)

    def section_list(self) -> list:
        """The sections in order (as edited through HOC's ``sections`` List, if it was read)."""
        if self._list is not None:
            return [o for o in self._list.items if isinstance(o, Import3dSection)]
        return list(self.secs)

    def remove_section(self, i: int) -> None:
        if self._list is not None:
            self._list.m_remove([float(i)], None)
        else:
            self.secs.pop(i)

    def iline_of(self, point: int) -> int:
        return int(self.data["iline"][point])

    # ---- reading -------------------------------------------------------------------
    def m_input(self, args, span=None):
        if not args or not isinstance(args[0], (str, StrRef)):
            raise HocTypeError("Import3d_SWC_read.input(\"file.swc\")", span)
        self.fname = as_str(args[0])
        self._read(self.fname, span)
        return 0.0

    def _fail(self, msg: str, line: int | None, span):
        where = f"{self.fname}:{line}" if line is not None else self.fname
        return SwcError(f"{where}: {msg}", span, hint="fix the morphology file")

    def _read(self, fname: str, span) -> None:
        try:
            with open(fname, "r", errors="replace") as f:
                lines = f.read().split("\n")
        except OSError as e:
            raise HocRuntimeError(f"Import3d_SWC_read: could not open {fname}: {e.strerror}", span,
                                  hint="check the file name and the current folder") from None
        if lines and lines[-1] == "":
            lines.pop()
        rows, ilines = [], []
        for k, line in enumerate(lines, start=1):
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            parts = text.split()
            try:
                vals = [float(p) for p in parts[:7]]
            except ValueError:
                vals = []
            if len(vals) != 7:
                raise self._fail(f"could not parse: {text}", k, span)
            rows.append(vals)
            ilines.append(k)
        if not rows:
            raise self._fail("no SWC points", None, span)
        a = np.array(rows)
        iline = np.array(ilines, dtype=float)
        ids, typ, x, y, z, d, pid = (a[:, i].copy() for i in range(7))
        d *= 2.0                                    # radius -> diameter
        for i in range(len(ids)):
            if pid[i] >= ids[i]:
                raise self._fail(f"point {ids[i]:g} has parent {pid[i]:g}, which is not less than its "
                                 "id (the points do not form a tree)", int(iline[i]), span)
        if np.any(np.diff(ids) <= 0):
            order = np.argsort(ids, kind="stable")
            ids, typ, x, y, z, d, pid, iline = (v[order] for v in (ids, typ, x, y, z, d, pid, iline))
        for i in range(1, len(ids)):
            if ids[i] == ids[i - 1]:
                raise self._fail(f"duplicate id {ids[i]:g} (also on line {int(iline[i - 1])})",
                                 int(iline[i]), span)
        if int(np.sum(pid < 0)) > 1:
            self.err = 1.0
            if not self.quiet:
                self.interp.out(f"warning {fname}: more than one tree:\n")
                for i in np.nonzero(pid < 0)[0]:
                    self.interp.out(f"  root at line {int(iline[i])}\n")
        id2index = np.full(int(ids.max()) + 1, -1, dtype=int)
        id2index[ids.astype(int)] = np.arange(len(ids))
        for i in range(len(ids)):
            if pid[i] >= 0 and (pid[i] >= len(id2index) or id2index[int(pid[i])] < 0):
                raise self._fail(f"point {ids[i]:g}: its parent {pid[i]:g} is not in the file",
                                 int(iline[i]), span)
        self.data = {"id": ids, "type": typ, "x": x, "y": y, "z": z, "d": d, "pid": pid,
                     "iline": iline}
        self._id2index = id2index
        for o in self._hoc.values():
            release(self.interp, o)
        self._hoc = {}
        if self._list is not None:
            release(self.interp, self._list)
            self._list = None
        self._sectionify()
        self._mksections()

    def _pix(self, i: int) -> int:
        p = self.data["pid"][i]
        return -1 if p < 0 else int(self._id2index[int(p)])

    def _sectionify(self) -> None:
        typ = self.data["type"]
        n = len(typ)
        pix = np.array([self._pix(i) for i in range(n)], dtype=int)
        self._pixv = pix
        # number of children of each point: +1 per child, +.01 more when the child does not
        # follow its parent in the file or has another type (so the parent ends a section)
        nchild = np.zeros(n)
        self.connect2prox = np.zeros(n, dtype=bool)
        for i in range(n):
            p = pix[i]
            if p < 0:
                continue
            nchild[p] += 1
            if p != i - 1:
                nchild[p] += 0.01
                if p > 1:
                    if typ[p] != 1 and typ[pix[p]] == 1:
                        self.connect2prox[i] = True
                        nchild[p] = 1
                        self.err = 1.0
                elif p == 0 and typ[p] != 1:
                    self.connect2prox[i] = True
                    nchild[p] = 1
            if typ[p] != typ[i]:
                nchild[p] += 0.01
        nchild_soma = np.zeros(n)
        nsoma = 1 if typ[0] == 1 else 0
        for i in range(1, n):
            if typ[i] == 1:
                nsoma += 1
                if pix[i] >= 0 and typ[pix[i]] == 1:
                    nchild_soma[pix[i]] += 1
        self.nchild_soma = nchild_soma
        self.soma3geom = False
        if nsoma == 3:
            self._neuromorpho_3point_soma(nchild)
        for i in range(n - 1):
            if typ[i] == 1 and typ[i + 1] == 1 and pix[i + 1] == i:
                if not (i != 0 and nchild_soma[i] > 1):
                    nchild[i] = 1
        self.sec2point = np.nonzero(nchild != 1)[0]
        point2sec = np.zeros(n, dtype=int)
        si = 0
        for i in range(1, n):
            if i > self.sec2point[si]:
                si += 1
            point2sec[i] = si
        self.point2sec = point2sec

    def _neuromorpho_3point_soma(self, nchild) -> None:
        """neuromorpho.org: 3 soma points of one diameter, the middle one the root, length
        equal to the diameter, nothing attached to points 1 and 2: a sphere."""
        D = self.data
        if len(D["id"]) < 3:
            return
        if self._pixv[1] == 0 and self._pixv[2] == 0 and nchild[1] == 0 and nchild[2] == 0:
            d = D["d"]
            if d[1] == d[0] and d[2] == d[0]:
                length = 0.0
                for i in (1, 2):
                    length += math.sqrt((D["x"][i] - D["x"][0]) ** 2 + (D["y"][i] - D["y"][0]) ** 2
                                        + (D["z"][i] - D["z"][0]) ** 2)
                if abs(length / d[0] - 1) < .01:
                    self.soma3geom = True
                    D["pid"][2] = D["id"][1]
                    self._pixv[2] = 1

    def _mksections(self) -> None:
        self.secs = []
        n = len(self.data["id"])
        isec, first = 0, 0
        for i in range(n):
            if self.point2sec[i] > isec:
                self._mksection(isec, first, i)
                isec += 1
                first = i
        self._mksection(isec, first, n)

    def _new_section(self, first: int, npts: int) -> Import3dSection:
        sec = Import3dSection(self.interp, [float(first), float(npts)])
        return self.interp.objects.register(sec)

    def _mksection(self, isec: int, first: int, i: int) -> None:
        D = self.data
        typ = D["type"]
        pix = self._pixv
        xs = (D["x"], D["y"], D["z"], D["d"])
        if isec == 0:
            if self.soma3geom:
                i = 1
            sec = self._new_section(first, i - first)
            sec.set_points(0, range(first, i), *xs)
        else:
            sec = self._new_section(first, i - first + 1)
            psec = self.secs[self.point2sec[pix[first]]]
            sec.parentsec = psec
            hold(self.interp, psec)
            den_con_soma = psec.type == 1 and typ[first] != 1
            con_soma = psec.type == 1
            handled = False
            if psec is self.secs[0]:
                handled = True
                if den_con_soma and psec.npoints == 1:
                    sec.parentx = 0.5
                    if i - first > 1:
                        sec.first = 1.0
                elif pix[first] == int(psec.id):
                    sec.parentx = 0.0
                    if typ[first] != 1 and self.nchild_soma[pix[first]] > 1:
                        sec.first = 1.0
                else:
                    handled = False
            if not handled and con_soma:
                offset = -1 if int(psec.id) == 0 else -2
                if pix[first] < psec.id + psec.npoints + offset:
                    sec.parentx = 0.5
                    if den_con_soma and i - first > 1:
                        sec.first = 1.0
                elif i - first > 1 and self.nchild_soma[pix[first]] > 1:
                    if typ[first] != 1:
                        sec.first = 1.0
            sec.set_points(0, [pix[first]], *xs)
            sec.set_points(1, range(first, i), *xs)
        sec.type = float(typ[first])
        self.secs.append(sec)
        if sec.parentsec is not None and sec.parentsec.type == 1 and sec.type != 1:
            sec.diam[0] = sec.diam[1]
        if self.connect2prox[first]:
            sec.pid = sec.parentsec.id
            sec.parentx = 0.0

    def m_pheader(self, args, span=None):
        return 0.0

    def hoc_free(self) -> None:
        for o in self._hoc.values():
            release(self.interp, o)
        release(self.interp, self._list)
        self._hoc, self._list = {}, None


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


# ------------------------------------------------------------------ Neurolucida v3 (.asc)
_NUM = re.compile(r"\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")
_LABEL = re.compile(r"\s*([A-Za-z0-9_]+)")
_STR = re.compile(r'\s*"([^"]*)"')
EOF_, NUMBER, LEFTPAR, RIGHTPAR, COMMA, BAR, SET, RGB, STRING, LABEL, ERR, LEFTSP, RIGHTSP = range(13)
_PUNCT = {"(": LEFTPAR, ")": RIGHTPAR, ",": COMMA, "|": BAR, "<": LEFTSP, ">": RIGHTSP}


class _Tok:
    __slots__ = ("token", "x", "s", "iline")

    def __init__(self, token, x=0.0, s="", iline=0):
        self.token, self.x, self.s, self.iline = token, x, s, iline


def nl_tokens(lines: list[str]) -> list:
    """Neurolucida's tokens (``;`` starts a comment to the end of the line)."""
    out = []
    for k, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        pos = 0
        n = len(line)
        while pos < n:
            while pos < n and line[pos] in " \t\r\f\v":
                pos += 1
            if pos >= n or line[pos] == ";":
                break
            m = _NUM.match(line, pos)
            if m:
                out.append(_Tok(NUMBER, float(m.group(1)), "", k))
                pos = m.end()
                continue
            c = line[pos]
            if c in _PUNCT:
                out.append(_Tok(_PUNCT[c], 0.0, "", k))
                pos += 1
                continue
            for word in ("set", "Set", "SET"):
                if line.startswith(word + " ", pos) or line.startswith(word + "\t", pos):
                    out.append(_Tok(SET, 0.0, "", k))
                    pos += len(word)
                    break
            else:
                lab = _LABEL.match(line, pos)
                if lab is not None and lab.group(1) == "RGB":
                    out.append(_Tok(RGB, 0.0, "", k))
                    pos += 3
                    continue
                m = _STR.match(line, pos)
                if m:
                    out.append(_Tok(STRING, 0.0, m.group(1), k))
                    pos = m.end()
                    continue
                if c == '"':
                    out.append(_Tok(ERR, 0.0, "no closing '\"' in string", k))
                    break
                m = _LABEL.match(line, pos)
                if m:
                    out.append(_Tok(LABEL, 0.0, m.group(1), k))
                    pos = m.end()
                    continue
                out.append(_Tok(ERR, 0.0, line[pos:], k))
                break
    out.append(_Tok(EOF_, 0.0, "", len(lines)))
    return out


class Import3dNeurolucida3(Import3dSWCRead):
    """``Import3d_Neurolucida3``: ``input(file.asc)`` reads a Neurolucida v3 text file."""

    hoc_class = "Import3d_Neurolucida3"

    def __init__(self, interp=None, args=None, span: Span | None = None):
        super().__init__(interp, args, span)
        self.filetype = "Neurolucida V3"

    def m_input(self, args, span=None):
        if not args or not isinstance(args[0], (str, StrRef)):
            raise HocTypeError("Import3d_Neurolucida3.input(\"file.asc\")", span)
        self.fname = as_str(args[0])
        try:
            with open(self.fname, "r", errors="replace") as f:
                text = f.read()
        except OSError as e:
            raise HocRuntimeError(f"Import3d_Neurolucida3: could not open {self.fname}: {e.strerror}", span,
                                  hint="check the file name and the current folder") from None
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if not self.quiet:                  # NEURON's progress lines, as the file is read
            prog = "".join(f"\r{k} lines read" for k in range(1000, len(lines) + 1, 1000))
            self.interp.out("\n" + prog + f"\r{len(lines)} lines read\n")
        self.toks = nl_tokens(lines)
        self.k = 0
        self.pts: list = []                 # x, y, z, d, line of every point
        self.secs = []
        self.sectypes: list = []
        self.plist: list = []
        self.parentsec = None
        self.sectype = 0
        self.b2serr: list = []
        self.err = 0.0
        self.span = span
        self._objects()
        if self.cur.token != EOF_:
            self._error()
        P = np.array(self.pts) if self.pts else np.zeros((0, 5))
        self.data = {"x": P[:, 0], "y": P[:, 1], "z": P[:, 2], "d": P[:, 3], "iline": P[:, 4],
                     "id": np.arange(len(P), dtype=float), "type": np.array(self.sectypes, dtype=float),
                     "pid": np.zeros(0)}
        for o in self._hoc.values():
            release(self.interp, o)
        self._hoc = {}
        if self._list is not None:
            release(self.interp, self._list)
            self._list = None
        self._connect2soma()
        if self.err and not self.quiet:
            self.interp.out(f"\n{self.fname} problems\n\n" + "".join(s + "\n" for s in self.b2serr))
        return 0.0

    def iline_of(self, point: int) -> int:
        return int(self.pts[point][4]) if 0 <= point < len(self.pts) else 0

    # ---- tokens ---------------------------------------------------------------------
    @property
    def cur(self):
        return self.toks[self.k]

    def _look(self, n=1):
        return self.toks[min(self.k + n, len(self.toks) - 1)]

    def _next(self):
        if self.k < len(self.toks) - 1:
            self.k += 1

    def _error(self):
        t = self.cur
        raise HocRuntimeError(f"{self.fname}:{t.iline}: Neurolucida parse error near "
                              f"{t.s or ['end of file', 'a number', '(', ')', ',', '|', 'set', 'RGB', 'a string', 'a label', 'a bad character', '<', '>'][t.token]!r}",
                              self.span, hint="the file is not a valid Neurolucida v3 text file")

    def _chk(self, tok):
        if self.cur.token != tok:
            self._error()

    def _demand(self, tok):
        self._next()
        self._chk(tok)

    def _optcomma(self):
        if self.cur.token == COMMA:
            self._next()

    # ---- grammar (NEURON's read_nlcda3.hoc) -------------------------------------------
    def _objects(self):
        self._object()
        while True:
            self._optcomma()
            if self.cur.token != LEFTPAR:
                break
            self._object()

    def _object(self):
        if self.cur.token != LEFTPAR:
            self._error()
        la = self._look().token
        if la == STRING:
            self._contour()
        elif la == LABEL:
            self._marker_or_property()
        elif la == LEFTPAR:
            self._tree_or_text()
        elif la == SET:
            self._set()
        else:
            self._error()

    def _marker_or_property(self):
        if self._look(2).token == LEFTPAR:
            self._marker()
        else:
            self._property()

    def _tree_or_text(self):
        k0, npts, nplist = self.k, len(self.pts), list(self.plist)
        try:
            if self._text():
                return
        except HocRuntimeError:
            pass
        self.k = k0
        del self.pts[npts:]
        self.plist = nplist
        self._tree()

    def _properties(self):
        self.plist = []
        if self.cur.token == LEFTPAR and self._look().token in (LABEL, SET):
            self._property_or_set()
            while True:
                self._optcomma()
                if self.cur.token != LEFTPAR or self._look().token not in (LABEL, SET):
                    break
                self._property_or_set()

    def _property_or_set(self):
        if self._look().token == LABEL:
            self._property()
        else:
            self._set()

    def _property(self):
        self._chk(LEFTPAR)
        self._demand(LABEL)
        items = [self.cur.s]
        self._next()
        while self.cur.token in (NUMBER, STRING, LABEL, RGB):
            t = self.cur
            if t.token == RGB:
                self._demand(LEFTPAR)
                self._demand(NUMBER)
                self._next()
                self._optcomma()
                self._chk(NUMBER)
                self._next()
                self._optcomma()
                self._chk(NUMBER)
                self._demand(RIGHTPAR)
            else:
                items.append(t.s if t.token != NUMBER else t.x)
            self._next()
        self.plist.append(items)
        self._chk(RIGHTPAR)
        self._next()

    def _set(self):
        self._chk(LEFTPAR)
        self._demand(SET)
        self._demand(STRING)
        self._next()
        if self.cur.token != RIGHTPAR:
            self._objects()
        self._chk(RIGHTPAR)
        self._next()

    def _contour(self):
        self._chk(LEFTPAR)
        begin = len(self.pts)
        self._demand(STRING)
        keep = self.cur.s in ("CellBody", "Cell Body", "Soma")
        il = self.cur.iline
        self._next()
        self._properties()
        self._points()
        if keep:
            end = len(self.pts)
            if end - begin > 2:
                self.sectype = 1
                self._newsec(begin, end)
                self.cursec.iscontour_ = 1.0
            else:
                self.b2serr.append(f"CellBody contour has less than three points at line {il}. Ignoring.")
        self._chk(RIGHTPAR)
        self._next()

    def _tree(self):
        self.parentsec = None
        self._chk(LEFTPAR)
        self._next()
        self._properties()
        self.sectype = 0
        if self.plist:
            first = self.plist[-1][0]
            self.sectype = {"Axon": 2, "Dendrite": 3, "Apical": 4}.get(first, 0)
        self._branch()
        self._chk(RIGHTPAR)
        self._next()
        self.parentsec = None

    def _branch(self):
        psav = self.parentsec
        begin = len(self.pts)
        self._treepoints()
        self._newsec(begin, len(self.pts))
        self.cursec.parentsec = self.parentsec
        if self.parentsec is not None:
            hold(self.interp, self.parentsec)
        self.parentsec = self.cursec
        self._branchend()
        self.parentsec = psav

    def _treepoints(self):
        self._treepoint()
        while True:
            self._optcomma()
            if self.cur.token != LEFTPAR or self._look().token != NUMBER:
                break
            self._treepoint()

    def _treepoint(self):
        if self._look().token == LABEL:
            self._marker_or_property()
        else:
            self._point()
            if self.cur.token == LEFTSP:
                raise HocRuntimeError(f"{self.fname}:{self.cur.iline}: Neurolucida spines are not "
                                      "supported by hocx yet", self.span)

    def _branchend(self):
        self._optcomma()
        if self.cur.token == LEFTPAR:
            while self._look().token == LABEL:
                self._markerlist()
        self._optcomma()
        if self.cur.token in (LEFTPAR, LABEL):
            self._node()

    def _markerlist(self):
        self._chk(LEFTPAR)
        depth = 1
        while depth:
            self._next()
            if self.cur.token == EOF_:
                self._error()
            if self.cur.token == RIGHTPAR:
                depth -= 1
            elif self.cur.token == LEFTPAR:
                depth += 1
        self._next()

    def _node(self):
        if self.cur.token == LEFTPAR:
            self._next()
            self._branch()
            while self.cur.token == BAR:
                self._next()
                self._branch()
            self._chk(RIGHTPAR)
            self._next()
        elif self.cur.token == LABEL:
            self._next()
        else:
            self._error()

    def _marker(self):
        self._chk(LEFTPAR)
        self._demand(LABEL)
        self._next()
        self._properties()
        npts = len(self.pts)
        self._points()
        del self.pts[npts:]          # marker points are not morphology
        self._chk(RIGHTPAR)
        self._next()

    def _text(self) -> bool:
        self._chk(LEFTPAR)
        self._next()
        self._properties()
        npts = len(self.pts)
        self._point()
        del self.pts[npts:]
        if self.cur.token != STRING:
            return False
        self._next()
        if self.cur.token != RIGHTPAR:
            return False
        self._next()
        return True

    def _points(self):
        self._point()
        while True:
            self._optcomma()
            if self.cur.token != LEFTPAR:
                break
            self._point()

    def _point(self):
        self._chk(LEFTPAR)
        self._demand(NUMBER)
        xv, il = self.cur.x, self.cur.iline
        self._next()
        self._optcomma()
        self._chk(NUMBER)
        yv = self.cur.x
        zv = dv = 0.0
        self._next()
        self._optcomma()
        if self.cur.token == NUMBER:
            zv = self.cur.x
            self._next()
            self._optcomma()
            if self.cur.token == NUMBER:
                dv = self.cur.x
                self._next()
                self._optcomma()
                if self.cur.token == LABEL:
                    self._next()
                self._optcomma()
                if self.cur.token == LEFTPAR:          # a bezier: 4 numbers
                    self._demand(NUMBER)
                    for _ in range(3):
                        self._next()
                        self._optcomma()
                        self._chk(NUMBER)
                    self._demand(RIGHTPAR)
                    self._next()
        self.pts.append((xv, yv, zv, dv, il))
        self._chk(RIGHTPAR)
        self._next()

    def _newsec(self, b: int, e: int):
        n = e - b
        P = self.pts
        first = 0
        ps = self.parentsec
        extra = ps is not None and not (ps.pts[0, -1] == P[b][0] and ps.pts[1, -1] == P[b][1]
                                        and ps.pts[2, -1] == P[b][2])
        if extra:
            sec = self._new_section(b, n + 1)
            first = 1
            sec.fid = 1.0
            sec.pts[:, 0] = ps.pts[:, -1]
            sec.diam[0] = P[b][3]
        else:
            sec = self._new_section(b, n)
        sec.type = float(self.sectype)
        self.sectypes.append(self.sectype)
        for j in range(n):
            sec.pts[:, first + j] = P[b + j][:3]
            sec.diam[first + j] = P[b + j][3]
        self.secs.append(sec)
        self.cursec = sec

    # ---- somas ----------------------------------------------------------------------
    def _connect2soma(self):
        somas = [s for s in self.secs if s.iscontour_]
        rest = [s for s in self.secs if not s.iscontour_]
        self.secs = somas + rest
        if len(somas) > 1:
            raise HocRuntimeError(f"{self.fname}: several soma contours (a soma stack) are not "
                                  "supported by hocx yet", self.span)
        roots = [s for s in rest if s.parentsec is None]
        if not somas:
            return
        centers = []
        for soma in somas:
            xc, yc, zc = (soma.pts[i].copy() for i in range(3))
            xmin, xmax = xc.min() - .5, xc.max() + .5
            ymin, ymax = yc.min() - .5, yc.max() + .5
            center, _ = contourcenter(xc, yc, zc)
            centers.append(center)
            for i in range(len(roots) - 1, -1, -1):
                sec = roots[i]
                x0, y0 = sec.pts[0, 0], sec.pts[1, 0]
                if xmin <= x0 <= xmax and ymin <= y0 <= ymax:
                    self._attach(sec, soma, center)
                    roots.pop(i)
        for sec in roots:
            x0 = sec.pts[:, 0]
            dist = [float(np.sqrt(np.sum((x0 - c) ** 2))) for c in centers]
            imin = int(np.argmin(dist))
            self.err = 1.0
            self.b2serr.append(f"\nMain branch starting at line {self.iline_of(int(sec.id))} is outside "
                               "the soma bounding boxes")
            self.b2serr.append("  Making a logical connection to center of nearest soma")
            self._attach(sec, somas[imin], centers[imin])

    def _attach(self, sec, soma, center):
        sec.parentsec = soma
        hold(self.interp, soma)
        sec.parentx = 0.5
        sec.pts = np.concatenate([np.asarray(center, float)[:, None], sec.pts], axis=1)
        sec.diam = np.concatenate([[0.01], sec.diam])
        sec.first = 1.0
        sec.fid = 1.0


def _interp(xdest, xsrc, ysrc):
    """NEURON's ``y.interpolate(xdest, xsrc, ysrc)``: linear, the end values outside."""
    return np.interp(xdest, xsrc, ysrc)


def contourcenter(x, y, z):
    """The contour resampled to 101 points equally spaced along its x-y perimeter (from the
    first point to the last, not closing) and their mean."""
    pts = np.vstack([x, y, z])
    xy = np.vstack([x, y, np.zeros_like(x)])        # NEURON measures the perimeter in x-y only
    closed = np.hstack([xy, xy[:, :1]])
    diff = np.diff(closed, axis=1)                   # n differences, the last one closing
    n = pts.shape[1]
    perim = np.zeros(n)
    for i in range(1, n):
        perim[i] = perim[i - 1] + math.sqrt(float(np.dot(diff[:, i - 1], diff[:, i - 1])))
    d = np.arange(101) * (perim[-1] / 100)
    xs, ys, zs = (_interp(d, perim, r) for r in pts)
    return np.array([xs.mean(), ys.mean(), zs.mean()]), (xs, ys, zs)


def _remove_nonincreasing(d: list, r: list) -> None:
    j = len(d) - 1
    while j > 0:
        if d[j] <= d[j - 1]:
            d.pop(j)
            r.pop(j)
            if j != len(d):
                j += 1
        j -= 1
