"""IClamp: a current step ``amp`` (nA) on ``del ≤ t < del + dur`` (NEURON's stim.mod).

An ELECTRODE_CURRENT: positive current flows into the cell.  It is evaluated at the
mid-step time the integrator passes as ``t``.
"""
from __future__ import annotations

from .. import A, Kind, MechSpec, P


def _current(xp, p, s, v, t, env):
    on = (t < p["del"] + p["dur"]) & (t >= p["del"])
    i = xp.where(on, p["amp"], 0.0) + 0.0 * v
    return i, {"i": i}


ICLAMP = MechSpec(
    name="IClamp", kind=Kind.POINT_PROCESS,
    variables=(P("del", 0.0, "ms"), P("dur", 0.0, "ms"), P("amp", 0.0, "nA"), A("i", "nA")),
    electrode_current="i", current=_current, doc="current pulse")
