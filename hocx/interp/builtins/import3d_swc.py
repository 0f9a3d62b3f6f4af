"""Import3d's SWC reader (``Import3d_SWC_read``) and the ``Import3d_Section`` objects every
reader fills (see :mod:`hocx.interp.builtins.import3d`)."""
from __future__ import annotations

import math

import numpy as np

from ...errors import HocRuntimeError, HocTypeError, Span
from ..objects import HocObject, StrRef, as_float, as_str
from .list import hold, release


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
