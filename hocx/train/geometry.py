"""Node areas and coupling coefficients as JAX functions of per-segment diam, L and Ra.

The same arithmetic as ``hocx.model.geometry`` (NEURON's ``nrn_area_ri`` and
``connection_coef``) for cylinder sections, written over arrays so that trainable geometry
flows into ``a``, ``b`` and the point-process factor inside the differentiable simulation.
"""
from __future__ import annotations

from dataclasses import dataclass

import jax.numpy as jnp
import numpy as np

from ..model.pt3d import PI


@dataclass
class GeometryPlan:
    """Index arrays (NumPy) for recomputing geometry; built once per lowering."""

    seg: np.ndarray         # segment nodes
    seg_row: np.ndarray     # their model-table rows
    nseg: np.ndarray        # nseg of their section
    first: np.ndarray       # True where the node is segment 0 of its section
    rall: np.ndarray        # rallbranch of their section
    end: np.ndarray         # end nodes
    parent: np.ndarray      # parent per node (-1 for roots)
    n: int


def plan(geo) -> GeometryPlan:
    seg = np.nonzero(geo.seg_row >= 0)[0]
    firsts = set(geo._first.values())
    secs = geo.sections
    sec_of = geo.node_section[seg]
    end = np.array([geo._first[id(s)] + s.nseg for s in secs if id(s) in geo._first], dtype=np.int64)
    return GeometryPlan(
        seg=seg, seg_row=geo.seg_row[seg],
        nseg=np.array([secs[i].nseg for i in sec_of], dtype=np.float64),
        first=np.array([int(i) in firsts for i in seg], dtype=bool),
        rall=np.array([secs[i].rallbranch for i in sec_of], dtype=np.float64),
        end=end, parent=np.asarray(geo.parent), n=geo.n)


def coefficients(gp: GeometryPlan, diam_row, L_row, Ra_row):
    """(area, a, b) per node from per-row diam, section L and Ra (cylinders)."""
    diam = diam_row[gp.seg_row]
    dx = L_row[gp.seg_row] / gp.nseg
    Ra = Ra_row[gp.seg_row]
    seg_area = PI * diam * dx
    r = 1e-2 * Ra * (dx / 2) / (PI * diam * diam / 4.0)
    area = jnp.full(gp.n, 100.0).at[gp.seg].set(seg_area)
    rhalf = jnp.zeros(gp.n).at[gp.seg].set(r)
    prev = np.maximum(gp.seg - 1, 0)
    rinv_seg = 1.0 / (jnp.where(gp.first, 0.0, rhalf[prev]) + r)
    rinv = jnp.zeros(gp.n).at[gp.seg].set(rinv_seg).at[gp.end].set(1.0 / rhalf[gp.end - 1])
    par = np.where(gp.parent >= 0, gp.parent, 0)
    a_seg = jnp.where(gp.first, -1.e2 * gp.rall * rinv_seg / area[par[gp.seg]],
                      -1.e2 * rinv_seg / area[prev])
    a = jnp.zeros(gp.n).at[gp.seg].set(a_seg).at[gp.end].set(-1.e2 * rinv[gp.end] / area[gp.end - 1])
    nonroot = gp.parent >= 0
    b = jnp.where(nonroot, -1.e2 * rinv / area, 0.0)
    return area, a, b
