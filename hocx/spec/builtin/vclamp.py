"""VClamp: two-electrode voltage clamp with three levels (NEURON's vclmp.mod, numerics.md §7.9).

The clamp has a control amplifier (gain, tau2), a measuring amplifier (tau1) and states
``e`` (amplifier input), ``vo`` (its output), ``vi`` (measured voltage), each integrated from
its value saved at the end of the previous step (``e0``, ``vo0``, ``vi0``) by one implicit step of
the LINEAR block ``clamp``:

    vi = v + fac·vo − fac·v
    (t2 + 1)·vo + gain·e = t2·vo0
    (1 + t1)·vi − (2 + t1)·e = stim + t1·(vi0 − e0)          (t1 = tau1/dt, t2 = tau2/dt)

``i = (vo − v)/rstim`` (nA, into the cell).  BREAKPOINT (mid-step time) picks the level
(``vstim``) and solves at v; after the voltage update the current is recomputed with the new v
(``SOLVE update METHOD after_cvode``) and the states are saved.  When t is past the clamp's end
(``t > tc``) the current is 0 and ``e0``, ``vo0`` are zeroed.  NEURON's own advice applies: use it
with secondorder = 0.
"""
from __future__ import annotations

from .. import A, Kind, MechSpec, P, S


def _vstim(xp, p, t):
    """(stim, tc): the level at time t; tc is pushed 100 ms past a level that is still on."""
    tc = 0.0 * t + p["dur0"]
    stim = p["amp0"]
    on0 = t < tc
    tc1 = tc + p["dur1"]
    on1 = ~on0 & (t < tc1)
    tc2 = tc1 + p["dur2"]
    on2 = ~on0 & ~on1 & (t < tc2)
    stim = xp.where(on0, p["amp0"], xp.where(on1, p["amp1"], p["amp2"]))
    tc = xp.where(on0, tc + 100.0, xp.where(on1, tc1 + 100.0, xp.where(on2, tc2 + 100.0, tc2)))
    return stim, tc


def _solve(xp, p, v, stim, e0, vo0, vi0, dt):
    """The LINEAR block for (e, vo, vi) by elimination."""
    t1 = p["tau1"] / dt
    t2 = p["tau2"] / dt
    fac, gain = p["fac"], p["gain"]
    # vo = (t2·vo0 − gain·e)/(t2 + 1);  vi = v·(1 − fac) + fac·vo
    a = v - fac * v + fac * (t2 * vo0) / (t2 + 1.0)     # vi without its e term
    b = fac * gain / (t2 + 1.0)                          # vi = a − b·e
    rhs = stim + t1 * (vi0 - e0)
    e = ((1.0 + t1) * a - rhs) / ((1.0 + t1) * b + (2.0 + t1))
    vo = (t2 * vo0 - gain * e) / (t2 + 1.0)
    vi = a - b * e
    return e, vo, vi


def _icur(xp, p, s, v, t, tc, stim, dt):
    """icur(): current and the values it leaves in e, vo, vi, e0, vo0."""
    off = t > tc
    e, vo, vi = _solve(xp, p, v, stim, s["e0"], s["vo0"], s["vi0"], dt)
    i = xp.where(off, 0.0, (vo - v) / p["rstim"])
    return i, {"e": xp.where(off, s["e"], e), "vo": xp.where(off, s["vo"], vo),
               "vi": xp.where(off, s["vi"], vi),
               "e0": xp.where(off, 0.0, s["e0"]), "vo0": xp.where(off, 0.0, s["vo0"]),
               "vi0": s["vi0"] + 0.0 * v}


def _current(xp, p, s, v, t, env):
    stim, tc = _vstim(xp, p, t)
    i, st = _icur(xp, p, s, v, t, tc, stim, env["dt"])
    return i, {"i": i, "tc": tc + 0.0 * v, "stim": stim + 0.0 * v, **st}


def _after_solve(xp, p, s, asg, v, env):
    """update(): i = icur() at t_{n+1} and the new v, then save e, vo, vi."""
    cur = {k: asg[k] for k in ("e", "vo", "vi", "e0", "vo0", "vi0")}
    i, st = _icur(xp, p, cur, v, env["t"], asg["tc"], asg["stim"], env["dt"])
    return {"i": i, "e": st["e"], "vo": st["vo"], "vi": st["vi"],
            "e0": st["e"], "vo0": st["vo"], "vi0": st["vi"]}


def _initial(xp, p, s, v, env):
    z = 0.0 * v
    return {"e": z, "e0": z, "vo": v + z, "vo0": v + z, "vi": v + z, "vi0": v + z}


VCLAMP = MechSpec(
    name="VClamp", kind=Kind.POINT_PROCESS,
    variables=(P("dur", 0.0, "ms", size=3), P("amp", 0.0, "mV", size=3), P("gain", 1e5),
               P("rstim", 1.0, "megohm"), P("tau1", 0.001, "ms"), P("tau2", 0.0, "ms"),
               P("e0", 0.0, "mV", stepped=True), P("vo0", 0.0, "mV", stepped=True),
               P("vi0", 0.0, "mV", stepped=True), P("fac", 0.0),
               A("i", "nA"), A("tc", "ms", visible=False), A("stim", "mV", visible=False),
               S("e", "mV"), S("vo", "mV"), S("vi", "mV")),
    electrode_current="i", current=_current, initial=_initial, after_solve=_after_solve,
    doc="two-electrode voltage clamp")
