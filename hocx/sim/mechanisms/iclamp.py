"""IClamp: a current step ``amp`` (nA) on ``del ≤ t < del + dur`` (NEURON's stim.mod).

An ELECTRODE_CURRENT: positive current flows into the cell.  It is evaluated at the
mid-step time the integrator passes as ``t``.
"""
from __future__ import annotations

from .base import Mechanism


def _current(xp, p, s, v, t, env):
    on = (t < p["del"] + p["dur"]) & (t >= p["del"])
    i = xp.where(on, p["amp"], 0.0) + 0.0 * v
    return i, {"i": i}


ICLAMP = Mechanism(
    name="IClamp",
    kind="electrode",
    params={"del": 0.0, "dur": 0.0, "amp": 0.0},
    states=(),
    assigned=("i",),
    current=_current,
)
