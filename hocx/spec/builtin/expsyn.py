"""ExpSyn: a conductance ``g`` (µS) that jumps by the NetCon weight and decays with ``tau``
(NEURON's expsyn.mod).  ``i = g·(v − e)`` (nA, outward); the state update is cnexp,
``g ← g + (1 − exp(−dt/tau))·(−g)``, written as nocmodl writes it; NET_RECEIVE adds ``weight``.
"""
from __future__ import annotations

from .. import A, Kind, MechSpec, P, S


def _current(xp, p, s, v, t, env):
    i = s["g"] * (v - p["e"])
    return i, {"i": i}


def _initial(xp, p, s, v, env):
    return {"g": 0.0 * v}


def _advance(xp, p, s, v, env):
    g = s["g"]
    return {"g": g + (1.0 - xp.exp(-env["dt"] / p["tau"])) * (-g)}


def _receive(xp, p, s, w):
    return {"g": s["g"] + w}


EXPSYN = MechSpec(
    name="ExpSyn", kind=Kind.POINT_PROCESS,
    variables=(P("tau", 0.1, "ms"), P("e", 0.0, "mV"), A("i", "nA"), S("g", "uS")),
    nonspecific_current="i", net_receive=1,
    current=_current, initial=_initial, update=_advance, receive=_receive,
    doc="synapse with single-exponential conductance")
