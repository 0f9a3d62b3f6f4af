"""Hand-written MechSpecs with general NET_RECEIVE hooks (the contract of
/work/notes/NMODL2_CONTRACT.md), written from the reference suite's mods
(/work/shared/reference/nmodl/mod: fdsyn.mod, lifcell.mod, izhpp.mod) as nocmodl would
translate them, to test the event engine before (and independently of) the translator."""
from __future__ import annotations

from hocx.spec import A, Kind, MechSpec, P, S, Var, Role


def _stepped(name):
    return Var(name, Role.ASSIGNED, 0.0, "", stepped=True)


def _cnexp(xp, x, a, b, dt):
    """nocmodl's cnexp for x' = a + b x."""
    return x + (1.0 - xp.exp(dt * b)) * (-(a) / (b) - x)


# ---- FDSyn: NET_RECEIVE(weight, R, u, tsyn) with an INITIAL block -----------------------------

def _fd_current(xp, p, s, v, t, env):
    i = s["g"] * (v - p["e"])
    return i, {"i": i}


def _fd_update(xp, p, s, v, env):
    return {"g": _cnexp(xp, s["g"], 0.0, -1.0 / p["tau"], env["dt"])}


def _fd_receive(xp, p, s, args, flag, t, v, env):
    R, u, tsyn, w = args["R"], args["u"], args["tsyn"], args["weight"]
    R = 1.0 - (1.0 - R) * xp.exp(-(t - tsyn) / p["tau_rec"])
    fac = p["tau_fac"] > 0
    safe = xp.where(fac, p["tau_fac"], 1.0)
    u = xp.where(fac, u * xp.exp(-(t - tsyn) / safe), 0.0)
    u = u + p["U"] * (1.0 - u)
    g = s["g"] + w * u * R
    R = R - u * R
    return {"s": {"g": g}, "args": {"weight": w, "R": R, "u": u, "tsyn": t}}


def _fd_init(xp, p, s, args, t, env):
    return {"weight": args["weight"], "R": 1.0 + 0.0 * t, "u": 0.0 * t, "tsyn": t}


FDSYN = MechSpec(
    "FDSyn", Kind.POINT_PROCESS,
    (P("tau", 3.0), P("e", 0.0), P("U", 0.2), P("tau_rec", 150.0), P("tau_fac", 200.0),
     A("i", "nA"), S("g", "uS")),
    nonspecific_current="i", net_receive=4, net_receive_args=("weight", "R", "u", "tsyn"),
    current=_fd_current, initial=lambda xp, p, s, v, env: {"g": 0.0 * v}, update=_fd_update,
    receive_event=_fd_receive, receive_init=_fd_init)


# ---- LIFcell: ARTIFICIAL_CELL, net_event, net_send(refrac, 1) ---------------------------------

def _lif_initial(xp, p, s, v, env):
    z = 0.0 * p["tau"]
    return {"m": z, "t0": z, "refractory": z, "nspike": z}


def _lif_receive(xp, p, s, args, flag, t, v, env):
    m, t0, refr, nsp = s["m"], s["t0"], s["refractory"], s["nspike"]
    w = args["weight"]
    f0 = flag == 0
    live = f0 & (refr == 0)
    m_in = m * xp.exp(-(t - t0) / p["tau"]) + w
    fire = live & (m_in >= p["thresh"])
    f1 = (~f0) & (flag == 1)
    m2 = xp.where(live, xp.where(fire, 0.0, m_in), xp.where(f1, 0.0, m))
    t02 = xp.where(live | f1, t, t0)
    refr2 = xp.where(fire, 1.0, xp.where(f1, 0.0, refr))
    nsp2 = xp.where(fire, nsp + 1.0, nsp)
    return {"s": {"m": m2, "t0": t02, "refractory": refr2, "nspike": nsp2}, "args": args,
            "sends": [(fire, p["refrac"], 1.0)], "events": [(fire, t)]}


LIFCELL = MechSpec(
    "LIFcell", Kind.ARTIFICIAL_CELL,
    (P("tau", 10.0), P("refrac", 5.0), P("thresh", 1.0), _stepped("m"), _stepped("t0"),
     _stepped("refractory"), _stepped("nspike")),
    net_receive=1, net_receive_args=("weight",), initial=_lif_initial, receive_event=_lif_receive)


# ---- IzhPP: WATCH (v > vpeak) 2 armed from a self event sent by INITIAL; v = c ----------------

def _izh_current(xp, p, s, v, t, env):
    i = -(0.001) * (p["k"] * (v - p["vr"]) * (v - p["vt"]) - s["u"] + s["isyn"])
    return i, {"i": i}


def _izh_initial(xp, p, s, v, env):
    return {"u": p["b"] * (v - p["vr"]), "isyn": 0.0 * v, "nspike": 0.0 * v,
            "__sends": [(True, 0.0, 1.0)]}


def _izh_update(xp, p, s, v, env):
    a = p["a"]
    return {"u": _cnexp(xp, s["u"], a * (p["b"] * (v - p["vr"])), -a, env["dt"]),
            "isyn": _cnexp(xp, s["isyn"], 0.0, -1.0 / p["tau_syn"], env["dt"]),
            "nspike": s["nspike"]}


def _izh_receive(xp, p, s, args, flag, t, v, env):
    f1 = flag == 1
    f2 = (~f1) & (flag == 2)
    f0 = ~(f1 | f2)
    return {"s": {"u": xp.where(f2, s["u"] + p["d"], s["u"]),
                  "isyn": xp.where(f0, s["isyn"] + args["weight"], s["isyn"]),
                  "nspike": xp.where(f2, s["nspike"] + 1.0, s["nspike"])},
            "args": tuple(args), "v": xp.where(f2, p["c"], v),
            "events": [(f2, t)], "watch": [(f1, True)]}


IZHPP = MechSpec(
    "IzhPP", Kind.POINT_PROCESS,
    (P("k", 0.7), P("vr", -60.0), P("vt", -40.0), P("vpeak", 35.0), P("a", 0.03), P("b", -2.0),
     P("c", -50.0), P("d", 100.0), P("tau_syn", 5.0), A("i", "nA"), S("u"), S("isyn"),
     _stepped("nspike")),
    nonspecific_current="i", net_receive=1, net_receive_args=("weight",),
    current=_izh_current, initial=_izh_initial, update=_izh_update, receive_event=_izh_receive,
    watches=((lambda xp, p, s, v, env: v - p["vpeak"], 2.0),))

SPECS = (FDSYN, LIFCELL, IZHPP)
