"""The built-in point processes IClamp, AlphaSynapse, ExpSyn, Exp2Syn, SEClamp and the graded
IonotropicSynapse / GlutamateSynapse are stdlib/*.mod compiled by hocx's translator (issue 13):
their hooks against the equations written out here in NumPy (the former hand-written specs'
arithmetic, so the traces stay bit-identical), and the translator pieces they need:
``SOLVE ... METHOD after_cvode`` (an ``after_solve`` hook reading what BREAKPOINT left),
INITIAL that changes a PARAMETER (``init_params``), the summed-weight fast path of ExpSyn/Exp2Syn."""
from __future__ import annotations

import numpy as np
import pytest

from hocx.interp.stdlib_mods import StdlibMod

ENV = {"dt": 0.025, "celsius": 6.3}


@pytest.fixture(scope="module")
def mech():
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = StdlibMod(name).spec
        return cache[name]
    return get


def _p(spec, n, **over):
    p = {k: np.full(n, float(v)) for k, v in spec.params.items()}
    p.update({k: np.asarray(v, dtype=float) for k, v in over.items()})
    return p


def test_iclamp_switches_at_del_and_del_plus_dur(mech):
    sp = mech("IClamp")
    assert sp.electrode and sp.states == () and sp.update is None
    t = np.array([0.9999, 1.0, 2.0, 3.0 - 1e-12, 3.0, 5.0])
    p = _p(sp, 6, **{"del": np.full(6, 1.0), "dur": np.full(6, 2.0), "amp": np.full(6, 0.3)})
    i, asg = sp.current(np, p, {}, np.full(6, -65.0), t, ENV)
    assert np.array_equal(i, np.where((t < 3.0) & (t >= 1.0), 0.3, 0.0))
    assert np.array_equal(asg["i"], i)


def test_alphasynapse_is_gmax_alpha(mech):
    sp = mech("AlphaSynapse")
    t = np.array([-1.0, 0.5, 1.0, 1.7, 3.0, 1e4])
    p = _p(sp, 6, onset=np.full(6, 0.5), tau=np.full(6, 0.25), gmax=np.full(6, 0.01), e=np.zeros(6))
    v = np.full(6, -60.0)
    i, asg = sp.current(np, p, {}, v, t, ENV)
    x = (t - 0.5) / 0.25
    inside = (x >= 0.0) & (x <= 10.0)
    xs = np.where(inside, x, 0.0)
    g = 0.01 * np.where(inside, xs * np.exp(1.0 - xs), 0.0)
    assert np.array_equal(asg["g"], g) and np.array_equal(i, g * (v - 0.0))
    assert asg["g"][0] == 0.0 and asg["g"][-1] == 0.0 and asg["g"][2] > 0.0


def test_expsyn_and_exp2syn_keep_the_summed_weight_path(mech):
    es = mech("ExpSyn")
    assert es.additive_receive and es.receive is not None and es.net_receive == 1
    assert es.method == "cnexp" and es.states == ("g",)
    s = {"g": np.array([0.0, 0.5])}
    assert np.array_equal(es.receive(np, _p(es, 2), s, np.array([0.25, 1.0]))["g"], [0.25, 1.5])
    e2 = mech("Exp2Syn")
    assert e2.additive_receive and e2.receive is not None
    p = _p(e2, 3, tau1=[0.5, 20.0, 1e-12], tau2=[3.0, 10.0, 10.0])
    # INITIAL keeps tau1 in [1e-9 tau2, 0.9999 tau2] and the simulator stores it (init_params)
    assert np.allclose(e2.init_params(np, p)["tau1"], [0.5, 9.999, 1e-8], rtol=0, atol=1e-15)
    p["tau1"] = e2.init_params(np, p)["tau1"]
    s0 = e2.initial(np, p, {}, np.full(3, -65.0), ENV)
    tau1, tau2 = p["tau1"], p["tau2"]
    tp = (tau1 * tau2) / (tau2 - tau1) * np.log(tau2 / tau1)
    assert np.array_equal(s0["factor"], 1.0 / (-np.exp(-tp / tau1) + np.exp(-tp / tau2)))
    new = e2.receive(np, p, s0, np.full(3, 0.01))
    assert np.array_equal(new["A"], 0.01 * s0["factor"]) and np.array_equal(new["B"], new["A"])


def test_seclamp_three_levels_and_current_after_the_solve(mech):
    sp = mech("SEClamp")
    # after_cvode: no state update, no carried values (CVode sees no states), an after_solve
    assert sp.update is None and sp.states == () and sp.after_solve is not None
    p = _p(sp, 5, dur1=np.full(5, 1.0), amp1=np.full(5, -70.0), dur2=np.full(5, 2.0),
           amp2=np.full(5, -20.0), dur3=np.full(5, 1.0), amp3=np.full(5, -50.0), rs=np.full(5, 0.5))
    t = np.array([0.5, 1.0, 2.9, 3.5, 4.0])
    v = np.full(5, -65.0)
    i, asg = sp.current(np, p, {}, v, t, ENV)
    vc = np.array([-70.0, -20.0, -20.0, -50.0, 0.0])
    on = np.array([1.0, 1.0, 1.0, 1.0, 0.0])
    assert np.array_equal(asg["vc"], vc) and np.array_equal(asg["on"], on)
    assert np.array_equal(i, np.where(on > 0, (vc - v) / 0.5, 0.0))
    v1 = np.full(5, -40.0)                         # after the voltage update: same vc, new v
    upd = sp.after_solve(np, p, {}, asg, v1, {**ENV, "t": t + 0.0125})
    assert set(upd) == {"i"}
    assert np.array_equal(upd["i"], np.where(on > 0, (vc - v1) / 0.5, 0.0))


@pytest.mark.parametrize("name, gS, k_minus", [("IonotropicSynapse", 1e-4, 0.025),
                                               ("GlutamateSynapse",   # the former spec: 0.5 mS/cm2 x 62.83 um2, in uS
                                                0.5 * (2.0 * np.pi * 1.0 * 10.0) * 1e-8 * 1e3,
                                                1.0 / 40.0)])
def test_graded_synapse_step_is_jaxleys(mech, name, gS, k_minus):
    sp = mech(name)
    assert sp.pointers == ("vpre",) and sp.states == ("s",)
    assert sp.params["gS"] == gS and sp.params["k_minus"] == k_minus
    p = _p(sp, 4, vpre=[-70.0, -35.0, 20.0, -500.0])
    v = np.full(4, -65.0)
    s0 = sp.initial(np, p, {}, v, ENV)
    assert np.array_equal(s0["s"], np.full(4, 0.2))
    s1 = sp.update(np, p, s0, v, ENV)["s"]
    sinf = 1.0 / (1.0 + np.exp(np.minimum((-35.0 - p["vpre"]) / 10.0, 20.0)))
    tau = (1.0 - sinf) / k_minus
    e = np.exp(np.minimum(-1.0 / tau * 0.025, 20.0))
    assert np.array_equal(s1, 0.2 * e + sinf * (1.0 - e))
    i, asg = sp.current(np, p, {"s": s1}, v, 0.0, ENV)
    assert np.array_equal(asg["g"], gS * s1) and np.array_equal(i, gS * s1 * (v - 0.0))
