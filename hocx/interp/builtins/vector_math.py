"""Vector's statistics, calculus, interpolation and histograms.

A mixin of :class:`~hocx.interp.builtins.vector.Vector` (it relies on the Vector's
storage: ``_buf``, ``_n``, ``x``, ``assign``, ``_range``, ``_src``, ...).  Quirks of
NEURON 9.0.2 kept on purpose are marked "(nrniv)".
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ...errors import HocRuntimeError, Span
from . import vector as _v   # circular on purpose: names are looked up at call time
from .strings import chkarg, int_arg, num_arg

if TYPE_CHECKING:
    from .vector import Vector


class VectorAnalysis:
    """sum, mean, stdev, max, ..., deriv, integral, interpolate, histogram for Vector."""

    # ---- statistics -------------------------------------------------------------
    def _slice(self, fname: str, args: list, span: Span | None) -> np.ndarray:
        start, end = self._range(fname, args, 0, span)
        return self.x[start: end + 1]

    def m_sum(self, args: list, span: Span | None = None) -> float:
        return float(math.fsum(self._slice("sum", args, span))) if self._n else 0.0

    def m_sumsq(self, args: list, span: Span | None = None) -> float:
        d = self._slice("sumsq", args, span) if self._n else np.zeros(0)
        return float(np.dot(d, d))

    def m_mean(self, args: list, span: Span | None = None) -> float:
        if args:
            start, end = self._range("mean", args, 0, span)
            if end - start < 1:
                raise HocRuntimeError("end - start must be > 0", span)
            total = float(np.sum(self.x[start: end + 1]))
            return total / end - start + 1   # (nrniv) NEURON 9.0.2 computes exactly this
        if self._n < 1:
            raise HocRuntimeError("Vector must have size > 0", span)
        return float(np.sum(self.x)) / self._n

    def _var(self, fname: str, args: list, span: Span | None) -> tuple[float, int]:
        if args:
            start, end = self._range(fname, args, 0, span)
            if end - start < 1:
                raise HocRuntimeError("end - start must be > 1", span)
            d = self.x[start: end + 1]
        else:
            if self._n < 2:
                raise HocRuntimeError("Vector must have size > 1", span)
            d = self.x
        m = float(np.sum(d)) / len(d)
        return float(np.sum((d - m) ** 2)) / (len(d) - 1), len(d)

    def m_var(self, args: list, span: Span | None = None) -> float:
        return self._var("var", args, span)[0]

    def m_stdev(self, args: list, span: Span | None = None) -> float:
        return math.sqrt(self._var("stdev", args, span)[0])

    def m_stderr(self, args: list, span: Span | None = None) -> float:
        var, n = self._var("stderr", args, span)
        return math.sqrt(var) / math.sqrt(n)

    def _extreme(self, fname: str, args: list, span: Span | None, find) -> tuple[float, int] | None:
        if self._n == 0:
            return None
        start, end = self._range(fname, args, 0, span)
        k = int(find(self.x[start: end + 1]))
        return float(self.x[start + k]), start + k

    def m_max(self, args: list, span: Span | None = None) -> float:
        r = self._extreme("max", args, span, np.argmax)
        return 0.0 if r is None else r[0]

    def m_min(self, args: list, span: Span | None = None) -> float:
        r = self._extreme("min", args, span, np.argmin)
        return 0.0 if r is None else r[0]

    def m_max_ind(self, args: list, span: Span | None = None) -> float:
        r = self._extreme("max_ind", args, span, np.argmax)
        return -1.0 if r is None else float(r[1])

    def m_min_ind(self, args: list, span: Span | None = None) -> float:
        r = self._extreme("min_ind", args, span, np.argmin)
        return -1.0 if r is None else float(r[1])

    def m_dot(self, args: list, span: Span | None = None) -> float:
        other = _v.vec_arg("dot", args, 0, span)
        n = min(self._n, len(other))
        return float(np.dot(self.x[:n], other.x[:n]))

    def m_mag(self, args: list, span: Span | None = None) -> float:
        return math.sqrt(float(np.dot(self.x, self.x)))

    def m_meansqerr(self, args: list, span: Span | None = None) -> float:
        y = _v.vec_arg("meansqerr", args, 0, span)
        if self._n == 0 or self._n > len(y):
            raise HocRuntimeError("Vector: Vector argument too small", span)
        d = (self.x - y.x[: self._n]) ** 2
        if len(args) > 1:
            w = _v.vec_arg("meansqerr", args, 1, span)
            if len(w) < self._n:
                raise HocRuntimeError("Vector: second Vector size too small", span)
            d = d * w.x[: self._n]
        return float(np.sum(d)) / self._n


    # ---- calculus and interpolation ------------------------------------------------
    def m_deriv(self, args: list, span: Span | None = None) -> "Vector":
        src, k = self._src(args, "deriv", span)
        dx = num_arg("deriv", args, k, span) if len(args) > k else 1.0
        method = int_arg("deriv", args, k + 1, span) if len(args) > k + 1 else 2
        n = len(src)
        if n < 2:
            raise HocRuntimeError("Vector.deriv needs at least 2 elements", span)
        if method == 1:
            self.assign((src[1:] - src[:-1]) / dx)
        else:
            out = np.empty(n)
            out[0] = (src[1] - src[0]) / dx
            out[-1] = (src[-1] - src[-2]) / dx
            out[1:-1] = (src[2:] - src[:-2]) / (2 * dx)
            self.assign(out)
        return self

    def m_integral(self, args: list, span: Span | None = None) -> "Vector":
        src, k = self._src(args, "integral", span)
        dx = num_arg("integral", args, k, span) if len(args) > k else 1.0
        out = np.empty(len(src))
        acc = 0.0
        for i, x in enumerate(src):
            acc = float(x) if i == 0 else acc + float(x) * dx
            out[i] = acc
        self.assign(out)
        return self

    def m_interpolate(self, args: list, span: Span | None = None) -> "Vector":
        """yd.interpolate(xd, xs[, ys]): NEURON's single forward walk (xd is assumed ascending;
        points left of xs[0] take ys[0], right of the last take ys[-1])."""
        xd = _v.vec_arg("interpolate", args, 0, span).x.copy()
        xs = _v.vec_arg("interpolate", args, 1, span).x.copy()
        ys = _v.vec_arg("interpolate", args, 2, span).x.copy() if len(args) > 2 else self.x.copy()
        ns, nd = len(xs), len(xd)
        if ns == 0 or len(ys) < ns:
            raise HocRuntimeError("Vector.interpolate: xsrc and ysrc must have the same nonzero size", span)
        yd = np.zeros(nd)
        i = 0
        while i < nd and xd[i] <= xs[0]:
            yd[i] = ys[0]
            i += 1
        for k in range(1, ns):
            if i >= nd:
                break
            if xs[k] <= xs[k - 1]:
                continue
            while i < nd and xd[i] <= xs[k]:
                thet = (xd[i] - xs[k - 1]) / (xs[k] - xs[k - 1])
                yd[i] = (1.0 - thet) * ys[k - 1] + thet * ys[k]
                i += 1
        yd[i:] = ys[ns - 1]
        self.assign(yd)
        return self

    def m_histogram(self, args: list, span: Span | None = None) -> "Vector":
        low = num_arg("histogram", args, 0, span)
        high = chkarg("histogram", args, 1, low, 1e99, span)
        width = chkarg("histogram", args, 2, 0, high - low, span)
        if width <= 0:
            raise HocRuntimeError("Vector.histogram: width must be > 0", span)
        n = _v.check_size(math.floor((high - low) / width) + 2, span)
        out = np.zeros(n)
        for x in self.x[np.isfinite(self.x)]:
            ind = int(math.floor((x - low) / width)) + 1
            if 0 <= ind < n:
                out[ind] += 1.0
        vec = _v.new_object(self.interp, _v.Vector, [], span)
        vec.assign(out)
        return vec

    def m_hist(self, args: list, span: Span | None = None) -> "Vector":
        data = _v.vec_arg("hist", args, 0, span)
        if data is self:
            raise HocRuntimeError("hist argument needs to be copied first", span)
        start, size = num_arg("hist", args, 1, span), _v.check_size(int_arg("hist", args, 2, span), span)
        step = chkarg("hist", args, 3, 1e-99, 1e99, span)
        out = np.zeros(size)
        for x in data.x[np.isfinite(data.x)]:
            ind = int(math.floor((x - start) / step))
            if 0 <= ind < size:
                out[ind] += 1.0
        self.assign(out)
        return self
