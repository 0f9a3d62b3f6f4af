"""IonotropicSynapse: a graded synapse driven by the presynaptic voltage (Jaxley's
``IonotropicSynapse``, Abbott & Marder 1998, "Modeling small networks").

The open fraction ``s`` relaxes towards ``s_inf(vpre) = 1/(1 + exp((v_th − vpre)/delta))``
with time constant ``tau_s = (1 − s_inf)/k_minus`` (ms; ``k_minus`` in 1/ms).  The state
update is the exact exponential step for frozen ``vpre``, as Jaxley writes it:
``s ← s·e + s_inf·(1 − e)``, ``e = exp(−dt/tau_s)`` (its exponent clipped at 20 as Jaxley's
``save_exp``).  ``i = gS·s·(v − e_syn)`` in nA (µS·mV), positive outward, on the node the
point process sits on.  ``vpre`` is a POINTER set with ``setpointer syn.vpre, pre.v(x)``.

NEURON's order: the current uses ``s`` of the start of the step; ``advance`` runs after the
voltage solve with the new presynaptic voltage (Jaxley updates ``s`` before the solve, from
the old one).  INITIAL sets ``s = s0`` (Jaxley's state default 0.2), not ``s_inf``, so an
unchanged model starts as Jaxley's does.
"""
from __future__ import annotations

from .. import A, Kind, MechSpec, P, PTR, S

#: Jaxley's ``save_exp`` clip: exp(min(x, 20))
EXP_CLIP = 20.0


def s_inf(xp, vpre, v_th, delta):
    """Steady-state open fraction for presynaptic voltage ``vpre``."""
    return 1.0 / (1.0 + xp.exp(xp.minimum((v_th - vpre) / delta, EXP_CLIP)))


def step_s(xp, s, vpre, dt, p):
    """One exponential step of ``ds/dt = (s_inf − s)/tau_s`` with ``vpre`` held fixed."""
    sinf = s_inf(xp, vpre, p["v_th"], p["delta"])
    tau_s = (1.0 - sinf) / p["k_minus"]
    e = xp.exp(xp.minimum(-1.0 / tau_s * dt, EXP_CLIP))
    return s * e + sinf * (1.0 - e)


def current(xp, p, s, v, t, env):
    g = p["gS"] * s["s"]
    i = g * (v - p["e_syn"])
    return i, {"i": i, "g": g + 0.0 * v}


def initial(xp, p, s, v, env):
    return {"s": p["s0"] + 0.0 * v}


def advance(xp, p, s, v, env):
    return {"s": step_s(xp, s["s"], p["vpre"], env["dt"], p)}


#: Jaxley 0.14 defaults: gS 1e-4 µS, e_syn 0 mV, k_minus 0.025 /ms, v_th −35 mV, delta 10 mV, s 0.2
IONOTROPIC_PARAMS = {"gS": 1e-4, "e_syn": 0.0, "k_minus": 0.025, "v_th": -35.0, "delta": 10.0, "s0": 0.2}


def graded(name: str, params: dict[str, float]) -> MechSpec:
    """A graded synapse with these equations under ``name`` with these defaults."""
    units = {"gS": "uS", "e_syn": "mV", "k_minus": "/ms", "v_th": "mV", "delta": "mV", "s0": ""}
    return MechSpec(
        name=name, kind=Kind.POINT_PROCESS,
        variables=(*(P(k, d, units[k]) for k, d in params.items()), A("i", "nA"), A("g", "uS"),
                   S("s"), PTR("vpre", "mV")),
        nonspecific_current="i", current=current, initial=initial, update=advance,
        doc="graded synapse driven by the presynaptic voltage (setpointer syn.vpre, pre.v(x))")


IONOTROPIC = graded("IonotropicSynapse", IONOTROPIC_PARAMS)
