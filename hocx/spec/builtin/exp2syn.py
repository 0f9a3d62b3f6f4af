"""Exp2Syn: ``g = B − A`` with A, B decaying with tau1, tau2 (NEURON's exp2syn.mod).

INITIAL clamps ``tau1`` into [1e-9·tau2, 0.9999·tau2] (it changes the PARAMETER, as NEURON
does) and computes ``factor``, which normalises the peak of ``B − A`` to the weight; each
event adds ``weight·factor`` to both A and B.  ``i = g·(v − e)`` (nA, outward).
"""
from __future__ import annotations

from .. import A, Kind, MechSpec, P, S


def clamp_tau1(xp, tau1, tau2):
    r = tau1 / tau2
    tau1 = xp.where(r > 0.9999, 0.9999 * tau2, tau1)
    return xp.where(r < 1e-9, tau2 * 1e-9, tau1)


def factor(xp, tau1, tau2):
    tp = (tau1 * tau2) / (tau2 - tau1) * xp.log(tau2 / tau1)
    return 1.0 / (-xp.exp(-tp / tau1) + xp.exp(-tp / tau2))


def _current(xp, p, s, v, t, env):
    g = s["B"] - s["A"]
    i = g * (v - p["e"])
    return i, {"i": i, "g": g + 0.0 * v}


def _init_params(xp, p):
    return {"tau1": clamp_tau1(xp, p["tau1"], p["tau2"])}


def _initial(xp, p, s, v, env):
    return {"A": 0.0 * v, "B": 0.0 * v}


def _advance(xp, p, s, v, env):
    A, B = s["A"], s["B"]
    return {"A": A + (1.0 - xp.exp(-env["dt"] / p["tau1"])) * (-A),
            "B": B + (1.0 - xp.exp(-env["dt"] / p["tau2"])) * (-B)}


def _receive(xp, p, s, w):
    f = factor(xp, p["tau1"], p["tau2"])
    return {"A": s["A"] + w * f, "B": s["B"] + w * f}


EXP2SYN = MechSpec(
    name="Exp2Syn", kind=Kind.POINT_PROCESS,
    variables=(P("tau1", 0.1, "ms"), P("tau2", 10.0, "ms"), P("e", 0.0, "mV"),
               A("i", "nA"), A("g", "uS"), S("A", "uS"), S("B", "uS")),
    nonspecific_current="i", net_receive=1,
    current=_current, initial=_initial, update=_advance, receive=_receive,
    init_params=_init_params, doc="synapse with double-exponential conductance")
