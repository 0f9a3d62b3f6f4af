"""The Newton methods on the reference suite's own mods (../shared/reference/nmodl) against the
traces NEURON recorded: fed NEURON's v and ica of each step, hocx's sparse / derivimplicit /
STEADYSTATE give NEURON's states over the whole run (run freely from the first sample).

The mods are evaluated by the small AST evaluator in ``kinetic_eval`` (not the translator), so
this tests the KINETIC rewrite and the methods alone."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

import kinetic_eval as ke
from hocx.sim import methods
from hocx.spec import Kind, MechSpec, S
from hocx.spec.kinetic import derivative_of

REF = "/work/shared/reference/nmodl"
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not os.path.isdir(REF), reason="reference suite not here")]
DT = 0.025


def _mod(name):
    with open(os.path.join(REF, "mod", name + ".mod")) as f:
        return f.read()


def _trace(case):
    with open(os.path.join(REF, "traces", case + ".json")) as f:
        d = json.load(f)
    return {k[4:]: np.array(v) for k, v in d["vectors"].items()}, d["meta"]


def _free_run(solve, tr, names, p_of_step, env, stride=1):
    """Run from the first sample with NEURON's v (and ions); worst error relative to max."""
    s = {n: np.array([tr[m][0]]) for n, m in names.items()}
    worst = 0.0
    n = len(tr["v"]) - 1
    for k in range(n):
        s, extras = solve(np, p_of_step(k + 1), s, np.array([tr["v"][k + 1]]), env)
        if k % stride == 0 or k == n - 1:
            for nm, m in names.items():
                worst = max(worst, abs(s[nm][0] - tr[m][k + 1]) / np.abs(tr[m]).max())
    return worst, s, extras


def test_cabuf_kinetic_nonlinear_sparse_is_neurons():
    tr, meta = _trace("cabuf_kinetic")
    kin, rw, _, _ = ke.kinetic_spec(_mod("cabuf"), np, params={"depth": 0.2, "Btot": 0.05})
    assert not rw.linflag and rw.ncons == 1
    mech = MechSpec("cabuf", Kind.DENSITY, (S("cai"), S("B"), S("CaB")), method="sparse",
                    derivative=derivative_of(kin), kinetic=kin)
    worst, _, _ = _free_run(methods.solver(mech), tr, {"cai": "cai", "B": "B", "CaB": "CaB"},
                            lambda k: {"ica": np.array([tr["ica"][k]])}, {"dt": DT})
    assert worst < 1e-12


def test_kvm_markov_linear_sparse_and_steadystate_are_neurons():
    tr, meta = _trace("kvm_markov")
    env = {"dt": DT, "celsius": meta["celsius"]}
    kin, rw, _, _ = ke.kinetic_spec(_mod("kvm"), np)
    assert rw.linflag and rw.ncons == 1
    names = {n: n for n in ("C0", "C1", "C2", "C3", "O", "I")}
    mech = MechSpec("kvm", Kind.DENSITY, tuple(S(n) for n in names), method="sparse",
                    derivative=derivative_of(kin), kinetic=kin, initial_solve="sparse")
    s0 = {n: np.zeros(1) for n in names}
    init = methods.steadystate(mech)(np, {}, s0, np.array([tr["v"][0]]), env)
    for n in names:
        assert init[n][0] == pytest.approx(tr[n][0], rel=1e-12, abs=1e-15)
    worst, _, _ = _free_run(methods.solver(mech), tr, names, lambda k: {}, env)
    assert worst < 1e-12


def test_cashell_diffusion_arrays_and_diam_are_neurons():
    tr, meta = _trace("cashell_diffusion")
    text = _mod("cashell")
    kin, rw, mod, ev = ke.kinetic_spec(text, np)
    assert rw.linflag and rw.unknowns == tuple(("ca", j) for j in range(4))
    glob = {"vol": [0.0] * 4, "gc": [0.0] * 4}
    ev.run(ke.block(mod, "PROCEDURE", "geometry").body.stmts, glob, {})
    fixed = {**ke.param_defaults(mod), **glob, "diam": 20.0}
    kin2, _, _, _ = ke.kinetic_spec(text, np, params=fixed)
    mech = MechSpec("cashell", Kind.DENSITY, (S("ca", size=4),), method="sparse",
                    derivative=derivative_of(kin2), kinetic=kin2)
    solve = methods.solver(mech)
    ca = np.stack([tr[f"ca{j}"] for j in range(4)])
    s = {"ca": ca[:, :1]}
    worst = worst_cai = 0.0
    for k in range(len(tr["v"]) - 1):
        s, extras = solve(np, {"ica": np.array([tr["ica"][k + 1]])}, s,
                          np.array([tr["v"][k + 1]]), {"dt": DT})
        worst = max(worst, np.max(np.abs(s["ca"][:, 0] - ca[:, k + 1])) / ca.max())
        worst_cai = max(worst_cai, abs(extras["cai"][0] - tr["cai"][k + 1]) / tr["cai"].max())
    assert worst < 1e-12 and worst_cai < 1e-12


@pytest.mark.parametrize("case, mech_name, params, cai, ica", [
    ("cad_pump", "cad", {"depth": 0.2, "taur": 80.0}, "cai", "ica"),
    ("cnexp_pitfalls", "capool", {}, "caiA", "icaA"),      # cnexp -> derivimplicit fallback
])
def test_derivimplicit_pools_are_neurons(case, mech_name, params, cai, ica):
    tr, meta = _trace(case)
    tr = {**tr, "v": tr.get("v", tr.get("vA"))}
    extra = "influx" if mech_name == "cad" else "drive"
    deriv, _ = ke.derivative_fn(_mod(mech_name), np, params=params, assigned=(extra,))
    mech = MechSpec(mech_name, Kind.DENSITY, (S("cai"),), method="derivimplicit",
                    derivative=deriv)
    solve = methods.solver(mech)
    s = {"cai": np.array([tr[cai][0]])}
    worst = 0.0
    for k in range(len(tr["v"]) - 1):
        s, extras = solve(np, {"ica": np.array([tr[ica][k + 1]])}, s,
                          np.array([tr["v"][k + 1]]), {"dt": DT})
        worst = max(worst, abs(s["cai"][0] - tr[cai][k + 1]) / np.abs(tr[cai]).max())
        if mech_name == "cad":
            assert extras["influx"][0] == pytest.approx(tr["influx"][k + 1], rel=1e-12,
                                                        abs=1e-18)
    assert worst < 1e-9
