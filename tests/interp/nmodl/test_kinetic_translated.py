"""Translated reference mods (hocx.interp.nmodl.translate) stepped by hocx.sim.methods against
NEURON's recorded traces: fed NEURON's v (and ica) of each step, METHOD sparse (kvm: linear,
STEADYSTATE sparse in INITIAL; cabuf: nonlinear with COMPARTMENT, CONSERVE and << fluxes) and
derivimplicit (cad; capool, where nocmodl falls back from cnexp) give NEURON's states over the
whole run from NEURON's first sample."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

from hocx.sim import methods

REF = "/work/shared/reference/nmodl"
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not os.path.isdir(REF), reason="reference suite not here")]


def _translate(name):
    from hocx.interp.nmodl import translate
    return translate(os.path.join(REF, "mod", name + ".mod")).spec


def _trace(case):
    with open(os.path.join(REF, "traces", case + ".json")) as f:
        d = json.load(f)
    return {k[4:]: np.array(v) for k, v in d["vectors"].items()}, d["meta"]


def _params(spec, **over):
    p = {k: np.array([v]) for k, v in spec.params.items()}
    p.update({k: v for k, v in spec.globals.items()})
    p.update({k: np.array([v]) for k, v in spec.ion_reads.items()})
    p.update({k: np.array([v]) for k, v in over.items()})
    return p


def _run(spec, tr, meta, p, s, names, ica=None, v="v"):
    env = {"dt": meta["dt"], "celsius": meta["celsius"]}
    solve = methods.solver(spec)
    worst = 0.0
    for k in range(len(tr[v]) - 1):
        if ica is not None:
            p = {**p, "ica": np.array([tr[ica][k + 1]])}
        s, _ = solve(np, p, s, np.array([tr[v][k + 1]]), env)
        for n, m in names.items():
            worst = max(worst, abs(s[n][0] - tr[m][k + 1]) / np.abs(tr[m]).max())
    return worst


def test_kvm_markov():
    spec = _translate("kvm")
    assert spec.method == "sparse" and spec.initial_solve == "sparse" and spec.kinetic.linflag
    tr, meta = _trace("kvm_markov")
    names = {n: n for n in ("C0", "C1", "C2", "C3", "O", "I")}
    p = _params(spec)
    env = {"dt": meta["dt"], "celsius": meta["celsius"], "steadystate": methods.steadystate(spec)}
    init = spec.initial(np, p, {n: np.zeros(1) for n in names}, np.array([tr["v"][0]]), env)
    for n in names:
        assert init[n][0] == pytest.approx(tr[n][0], rel=1e-12, abs=1e-15)
    s = {n: init[n] for n in spec.states if n in init}
    assert _run(spec, tr, meta, p, s, names) < 1e-12


def test_cabuf_kinetic():
    spec = _translate("cabuf")
    assert spec.method == "sparse" and not spec.kinetic.linflag and spec.kinetic.ncons == 1
    tr, meta = _trace("cabuf_kinetic")
    p = _params(spec, depth=0.2, Btot=0.05)
    s = {n: np.array([tr[n][0]]) for n in ("cai", "B", "CaB")}
    assert _run(spec, tr, meta, p, s, {n: n for n in s}, ica="ica") < 1e-12


@pytest.mark.parametrize("mod, case, over, cai, ica, v", [
    ("cad", "cad_pump", {"depth": 0.2, "taur": 80.0}, "cai", "ica", "v"),
    ("capool", "cnexp_pitfalls", {}, "caiA", "icaA", "vA"),
])
def test_derivimplicit_pools(mod, case, over, cai, ica, v):
    spec = _translate(mod)
    assert spec.method == "derivimplicit"
    tr, meta = _trace(case)
    p = _params(spec, **over)
    s = {n: np.zeros(1) for n in spec.states}
    s["cai"] = np.array([tr[cai][0]])
    assert _run(spec, tr, meta, p, s, {"cai": cai}, ica=ica, v=v) < 1e-10
