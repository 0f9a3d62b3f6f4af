"""AlphaSynapse: ``g = gmax·α((t − onset)/tau)``, ``α(x) = x·e^(1−x)`` on 0 ≤ x ≤ 10
(NEURON's syn.mod).  A NONSPECIFIC_CURRENT point process, ``i = g·(v − e)`` in nA,
evaluated at the mid-step time."""
from __future__ import annotations

from .. import A, Kind, MechSpec, P


def _current(xp, p, s, v, t, env):
    x = (t - p["onset"]) / p["tau"]
    inside = (x >= 0.0) & (x <= 10.0)
    xs = xp.where(inside, x, 0.0)
    g = p["gmax"] * xp.where(inside, xs * xp.exp(1.0 - xs), 0.0)
    i = g * (v - p["e"])
    return i, {"i": i, "g": g + 0.0 * v}


ALPHASYNAPSE = MechSpec(
    name="AlphaSynapse", kind=Kind.POINT_PROCESS,
    variables=(P("onset", 0.0, "ms"), P("tau", 0.1, "ms"), P("gmax", 0.0, "uS"), P("e", 0.0, "mV"),
               A("i", "nA"), A("g", "uS", visible=False)),
    nonspecific_current="i", current=_current, doc="alpha-function synaptic conductance")
