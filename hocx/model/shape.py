"""``define_shape()``: NEURON's 3-D layout for sections without 3-D points (treeset.cpp).

Roots are laid along x at z = 100·i; a child starts at its attachment point on the
parent's straight chord and goes in the parent's direction (reversed when it hangs on
the parent's first half, turned 90° for an interior attachment, fanned ±0.4 rad when
several children share a position).  Sections that already have points are only
translated onto their attachment point.  NEURON keeps these coordinates in float, and
so do we, so areas computed afterwards from the points match NEURON's.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import math

import numpy as np

from .geometry import section_order

f32 = np.float32


def _libm_float(name: str, nargs: int):
    """C's float overload (``atan2f``, ``cosf``, ``sinf``): NEURON's C++ calls these with floats."""
    try:
        fn = getattr(ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6"), name + "f")
        fn.restype = ctypes.c_float
        fn.argtypes = [ctypes.c_float] * nargs
        return lambda *a: f32(fn(*(float(x) for x in a)))
    except (OSError, AttributeError):   # no libm: numpy's float32 versions (may differ in the last bit)
        np_fn = {"atan2": np.arctan2, "cos": np.cos, "sin": np.sin}[name]
        return lambda *a: f32(np_fn(*(f32(x) for x in a)))


_atan2f = _libm_float("atan2", 2)
_cosf = _libm_float("cos", 1)
_sinf = _libm_float("sin", 1)


def _translate(sec, x, y, z) -> None:
    pt = sec.pt3d
    dx, dy, dz = f32(x - pt.x[0]), f32(y - pt.y[0]), f32(z - pt.z[0])
    pt.x = (pt.x + dx).astype(f32)
    pt.y = (pt.y + dy).astype(f32)
    pt.z = (pt.z + dz).astype(f32)


def define_shape(model) -> None:
    """Give every section 3-D points (NEURON's nrn_define_shape)."""
    for sec in model.sections:
        sec.sync_diam()
    dz = 100.0
    for i, sec in enumerate(section_order(model)):
        arc = sec.parent_x
        psec = sec.parent
        if psec is None:
            x, y, z, x1, y1 = f32(0), f32(0), f32(i * dz), f32(1), f32(0)
        else:
            p = psec.pt3d
            arc1 = arc if psec.child_end == 0.0 else 1.0 - arc
            x1 = f32(p.x[-1] - p.x[0])
            y1 = f32(p.y[-1] - p.y[0])
            if arc1 < 0.5:
                x1, y1 = -x1, -y1
            x = f32(float(p.x[-1]) * arc1 + float(p.x[0]) * (1 - arc1))
            y = f32(float(p.y[-1]) * arc1 + float(p.y[0]) * (1 - arc1))
            z = f32(float(p.z[-1]) * arc1 + float(p.z[0]) * (1 - arc1))
        if sec.pt3d.n:
            if psec is not None:
                _translate(sec, x, y, z)        # arcs are not recomputed (as in NEURON)
            continue
        if abs(y1) < 1e-6 and abs(x1) < 1e-6:
            angle = f32(0.0)
        else:
            angle = _atan2f(y1, x1)
        if 0.0 < arc < 1.0:
            angle = f32(float(angle) + math.pi / 2.0)
        nch = ich = 0.0
        if psec is not None:
            for ch in psec.children:
                if ch is sec:
                    ich = nch
                if arc == ch.parent_x:
                    nch += 1
        if nch > 1:
            angle = f32(float(angle) + (ich / (nch - 1.0) * 0.8 - 0.4))
        length = sec.L
        xe = f32(float(x) + length * float(_cosf(angle)))
        ye = f32(float(y) + length * float(_sinf(angle)))
        n = sec.nseg
        diam = [float(sec.seg["diam"][sec.phys(j)]) for j in range(n)]
        pts = [(float(x), float(y), float(z), diam[0])]
        for j in range(n):
            frac = (j + 0.5) / n
            pts.append((float(x) * (1 - frac) + float(xe) * frac,
                        float(y) * (1 - frac) + float(ye) * frac, float(z), diam[j]))
        pts.append((float(xe), float(ye), float(z), diam[n - 1]))
        for pt in pts:
            sec.pt3d.add(*pt)
        sec.pt3d.arc[-1] = length          # NEURON: keep L despite round-off
        sec._L = length
    model._touch(geometric=True)
