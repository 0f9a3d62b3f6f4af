"""SEClamp: single-electrode voltage clamp with three levels (NEURON's svclmp.mod).

``vc`` is amp1 until dur1, amp2 until dur1+dur2, amp3 until dur1+dur2+dur3, then the clamp
is off.  ``i = (vc − v)/rs`` (nA, into the cell: an ELECTRODE_CURRENT).  After the voltage
update NEURON recomputes ``i`` with the new v and the same vc (``SOLVE icur METHOD
after_cvode``); that is the value recorded.
"""
from __future__ import annotations

from .. import A, Kind, MechSpec, P


def _current(xp, p, s, v, t, env):
    tc2 = p["dur1"] + p["dur2"]
    tc3 = tc2 + p["dur3"]
    vc = xp.where(t < p["dur1"], p["amp1"],
                  xp.where(t < tc2, p["amp2"], xp.where(t < tc3, p["amp3"], 0.0)))
    on = xp.where(t < tc3, 1.0, 0.0) + 0.0 * v
    i = xp.where(on > 0.0, (vc - v) / p["rs"], 0.0)
    return i, {"i": i, "vc": vc + 0.0 * v, "on": on}


def _after_solve(xp, p, s, asg, v, env):
    return {"i": xp.where(asg["on"] > 0.0, (asg["vc"] - v) / p["rs"], 0.0)}


SECLAMP = MechSpec(
    name="SEClamp", kind=Kind.POINT_PROCESS,
    variables=(P("rs", 1.0, "megohm"), P("dur1", 0.0, "ms"), P("amp1", 0.0, "mV"),
               P("dur2", 0.0, "ms"), P("amp2", 0.0, "mV"), P("dur3", 0.0, "ms"), P("amp3", 0.0, "mV"),
               A("i", "nA"), A("vc", "mV"), A("on", visible=False)),
    electrode_current="i", current=_current, after_solve=_after_solve,
    doc="single-electrode voltage clamp")
