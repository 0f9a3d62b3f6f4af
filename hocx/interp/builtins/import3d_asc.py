"""Import3d's Neurolucida v3 reader (``Import3d_Neurolucida3``) and the contour geometry
helpers (see :mod:`hocx.interp.builtins.import3d`)."""
from __future__ import annotations

import math
import re

import numpy as np

from ...errors import HocRuntimeError, HocTypeError, Span
from ..objects import StrRef, as_str
from .list import hold, release
from .import3d_swc import Import3dSWCRead


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
