"""AlphaSynapse: ``g = gmax·α((t − onset)/tau)``, ``α(x) = x·e^(1−x)`` on 0 ≤ x ≤ 10
(NEURON's syn.mod).  A NONSPECIFIC_CURRENT point process, ``i = g·(v − e)`` in nA,
evaluated at the mid-step time."""
from __future__ import annotations

from .base import Mechanism


def _current(xp, p, s, v, t, env):
    x = (t - p["onset"]) / p["tau"]
    inside = (x >= 0.0) & (x <= 10.0)
    xs = xp.where(inside, x, 0.0)
    g = p["gmax"] * xp.where(inside, xs * xp.exp(1.0 - xs), 0.0)
    i = g * (v - p["e"])
    return i, {"i": i, "g": g + 0.0 * v}


ALPHASYNAPSE = Mechanism(
    name="AlphaSynapse",
    kind="point",
    params={"onset": 0.0, "tau": 0.1, "gmax": 0.0, "e": 0.0},
    states=(),
    assigned=("i", "g"),
    current=_current,
)
