"""pas: the passive leak ``i = g·(v − e)`` (NEURON's passive.mod)."""
from __future__ import annotations

from .. import A, Kind, MechSpec, P


def _current(xp, p, s, v, t, env):
    i = p["g"] * (v - p["e"])
    return i, {"i": i}


PAS = MechSpec(
    name="pas", kind=Kind.DENSITY,
    variables=(P("g", 0.001, "S/cm2"), P("e", -70.0, "mV"), A("i", "mA/cm2")),
    nonspecific_current="i", current=_current, doc="passive leak")
