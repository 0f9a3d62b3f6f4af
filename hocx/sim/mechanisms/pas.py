"""pas: the passive leak ``i = g·(v − e)`` (NEURON's passive.mod)."""
from __future__ import annotations

from .base import Mechanism


def _current(xp, p, s, v, t, env):
    i = p["g"] * (v - p["e"])
    return i, {"i": i}


PAS = Mechanism(
    name="pas",
    kind="density",
    params={"g": 0.001, "e": -70.0},
    states=(),
    assigned=("i",),
    current=_current,
)
