"""3-D points of a section and NEURON's geometry integration over them (numerics.md §3.2).

NEURON stores each point's x, y, z, d as 32-bit floats and its arc length as a double
(treeset.cpp ``nrn_pt3dmodified``).  :class:`Pt3d` keeps the same storage so areas,
resistances, ``L`` and ``diam`` come out bit-for-bit as NEURON's; :func:`integrate`
is ``diam_from_list``: per half segment, trapezoid pieces between 3-D points.
"""
from __future__ import annotations

import math

import numpy as np

PI = 3.14159265358979323846
f32 = np.float32


class Pt3d:
    """The 3-D point list of one section: float32 x, y, z, d and float64 arc."""

    def __init__(self):
        self.x = np.zeros(0, f32)
        self.y = np.zeros(0, f32)
        self.z = np.zeros(0, f32)
        self.d = np.zeros(0, f32)
        self.arc = np.zeros(0, np.float64)

    @property
    def n(self) -> int:
        return len(self.x)

    def length(self) -> float:
        return float(self.arc[-1]) if self.n else 0.0

    # ---- editing (each recomputes arc lengths from index i0 on) ------------
    def _recompute(self, i0: int) -> None:
        n = self.n
        if n == 0:
            self.arc = np.zeros(0)
            return
        arc = self.arc.astype(np.float64).copy()
        if i0 == 0:
            arc[0] = 0.0
            i0 = 1
        for i in range(i0, n):
            t1 = float(f32(self.x[i] - self.x[i - 1]))
            t2 = float(f32(self.y[i] - self.y[i - 1]))
            t3 = float(f32(self.z[i] - self.z[i - 1]))
            arc[i] = arc[i - 1] + math.sqrt(t1 * t1 + t2 * t2 + t3 * t3)
        self.arc = arc

    def add(self, x: float, y: float, z: float, d: float) -> None:
        self.insert(self.n, x, y, z, d)

    def insert(self, i: int, x: float, y: float, z: float, d: float) -> None:
        self.x = np.insert(self.x, i, f32(x))
        self.y = np.insert(self.y, i, f32(y))
        self.z = np.insert(self.z, i, f32(z))
        self.d = np.insert(self.d, i, f32(d))
        self.arc = np.insert(self.arc, i, 0.0)
        self._recompute(i)

    def change(self, i: int, x: float, y: float, z: float, d: float) -> None:
        self.x[i], self.y[i], self.z[i], self.d[i] = f32(x), f32(y), f32(z), f32(d)
        self._recompute(i)

    def change_diam(self, i: int, d: float) -> None:
        self.d[i] = f32(d)

    def remove(self, i: int) -> None:
        for name in ("x", "y", "z", "d", "arc"):
            setattr(self, name, np.delete(getattr(self, name), i))
        if i < self.n:           # NEURON recomputes arcs from i on (none when the last point went)
            self._recompute(i)

    def clear(self) -> None:
        self.__init__()

    def rescale(self, length: float) -> None:
        """``L = length`` on a section with points: NEURON's nrn_length_change."""
        if self.n == 0:
            return
        old = float(self.arc[-1])
        fac = length / old if old != 0 else math.inf
        x0, y0, z0 = float(self.x[0]), float(self.y[0]), float(self.z[0])
        with np.errstate(all="ignore"):
            self.arc = self.arc * fac
        self.x = np.array([f32(x0 + (float(v) - x0) * fac) for v in self.x], f32)
        self.y = np.array([f32(y0 + (float(v) - y0) * fac) for v in self.y], f32)
        self.z = np.array([f32(z0 + (float(v) - z0) * fac) for v in self.z], f32)

    def diam_from_segments(self, diams: np.ndarray, length: float) -> None:
        """NEURON's nrn_diam_change: every point takes the diam of the segment at its arc position."""
        if self.n == 0:
            return
        if abs(length - float(self.arc[-1])) > 0.001:
            self.rescale(length)
        nseg = len(diams)
        for i in range(self.n):
            x = float(self.arc[i]) / length if length else 0.0
            x = min(x, 1.0)
            j = min(max(int(math.floor(nseg * x)), 0), nseg - 1)
            self.d[i] = f32(diams[j])

    def copy(self) -> "Pt3d":
        p = Pt3d()
        p.x, p.y, p.z, p.d, p.arc = self.x.copy(), self.y.copy(), self.z.copy(), self.d.copy(), self.arc.copy()
        return p


def integrate(pt: Pt3d, nseg: int, Ra: float):
    """NEURON's diam_from_list for every segment of a section with >= 2 points.

    Returns ``(area[nseg], rleft[nseg], rright[nseg], diam[nseg])``: membrane area (µm²),
    left and right half-segment resistances (MΩ) and the mean diameter of each segment.
    """
    npt = pt.n
    arc = pt.arc
    d = np.abs(pt.d.astype(np.float64))
    ds = np.float64(arc[-1]) / nseg     # numpy scalars: IEEE results (inf/nan) as in C
    area = np.zeros(nseg)
    rl = np.zeros(nseg)
    rr = np.zeros(nseg)
    dm = np.zeros(nseg)
    x1 = float(arc[0])
    y1 = float(d[0])
    with np.errstate(all="ignore"):
        _integrate(arc, d, npt, nseg, Ra, ds, x1, y1, area, rl, rr, dm)
    return area, rl, rr, dm


def _integrate(arc, d, npt, nseg, Ra, ds, x1, y1, area, rl, rr, dm) -> None:
    j = 0
    for inode in range(nseg):
        si = inode * ds
        diam = 0.0
        a = 0.0
        for ihalf in range(2):
            ri = 0.0
            sip = si + ds / 2.0
            while True:
                jp = j + 1
                xj = float(arc[j])
                xjp = float(arc[jp])
                if xjp > sip or jp == npt - 1:
                    frac = 1.0 if abs(xjp - xj) < 1e-10 else (sip - xj) / np.float64(xjp - xj)
                    x2 = sip
                    y2 = (1.0 - frac) * float(d[j]) + frac * float(d[jp])
                    jnext = j
                else:
                    x2 = xjp
                    y2 = float(d[jp])
                    jnext = jp
                delta = x2 - x1
                diam += (y2 + y1) * delta
                if delta < 1e-15:
                    delta = 1e-15
                temp = y2 * y1 / np.float64(delta)
                if temp == 0:
                    temp = 1e-15
                ri += 1 / temp
                temp = 0.5 * (y2 - y1)
                temp = math.sqrt(delta * delta + temp * temp)
                a += (y2 + y1) * temp
                x1, y1 = x2, y2
                if j == jnext:
                    break
                j = jnext
            if ihalf == 0:
                rl[inode] = ri * Ra / PI * (4.0 * 0.01)
            else:
                rr[inode] = ri * Ra / PI * (4.0 * 0.01)
            si = sip
        dm[inode] = diam * 0.5 / ds
        area[inode] = a * 0.5 * PI
