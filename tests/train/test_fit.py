"""Fit: recovery of known conductances, grad(), write-back, and bad input."""
from __future__ import annotations

import os

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from hocx.errors import HocRuntimeError, HocTypeError

from .conftest import BRANCHED

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples")


def test_fit_recovers_apical_conductances(hoc):
    """examples/fit_apical.hx: target made with gnabar 0.15, gkbar 0.045; start 0.12, 0.036."""
    with open(os.path.join(EXAMPLES, "fit_apical.hx")) as f:
        out = hoc.run(f.read())
    s = hoc.session
    gna, gk = (float(t.value[0]) for t in s.train.trainables)
    assert abs(gna - 0.15) < 0.01 * 0.15
    assert abs(gk - 0.045) < 0.01 * 0.045
    assert "fitted apical" in out
    # written back: the model now holds the fitted values in the apical group only
    assert s.model.find("dend[0]").seg["gnabar_hh"][0] == pytest.approx(gna, rel=1e-12)
    assert s.model.find("soma").seg["gnabar_hh"][0] == 0.12
    fit = s.get_global("fit")
    assert fit.best_loss < 1e-4
    # ... and run() afterwards uses them: the traces now match the target
    hoc.run("run()\n")
    err = np.max(np.abs(np.array(s.get_global("vtip").x) - np.array(s.get_global("ttip").x)))
    assert err < 0.05


def test_grad_vector_matches_jax_and_loss(hoc):
    hoc.run(BRANCHED + "tstop = 3\nrun()\nobjref tv\ntv = vs.c\ntv.add(1)\n")
    hoc.run('make_trainable("gnabar_hh")\nmake_trainable("gkbar_hh")\n')
    hoc.run("objref fit, g\nfit = new Fit()\n{fit.add(vs, tv)}\ng = fit.grad()\nx = fit.loss()\n")
    s = hoc.session
    # target is v + 1 everywhere; run() and the differentiable forward are separately compiled
    # programs whose v agree to ~1e-12 mV, so the loss is 1 to about 1e-12 (measured 1.3e-12)
    assert s.get_global("x") == pytest.approx(1.0, rel=1e-11)
    g = np.array(s.get_global("g").x)
    assert g.shape == (2,) and np.all(g == 0.0) is np.False_
    sim, p0 = s.train.function([s.get_global("vs")])
    tv = jnp.asarray(np.array(s.get_global("tv").x))[:, None]
    ref = jax.grad(lambda p: jnp.mean((sim(p) - tv) ** 2))(p0)
    np.testing.assert_allclose(g, [float(r[0]) for r in ref], rtol=1e-10)


def test_fit_from_a_target_file(hoc, tmp_path):
    hoc.run(BRANCHED + "tstop = 2\nrun()\n")
    path = tmp_path / "target.dat"
    np.savetxt(path, np.array(hoc.session.get_global("vs").x))
    hoc.run('make_trainable("gl_hh")\nobjref fit\nfit = new Fit()\n')
    hoc.run(f'{{fit.add(vs, "{path}")}}\nx = fit.loss()\n')
    assert hoc.session.get_global("x") == pytest.approx(0.0, abs=1e-20)


@pytest.mark.parametrize("setup, stmt, err, words", [
    ("", "x = fit.loss()", HocRuntimeError, "no trainable parameters"),
    ('make_trainable("gnabar_hh")\n', "x = fit.loss()", HocRuntimeError, "has no target"),
    ('make_trainable("gnabar_hh")\nobjref w\nw = new Vector(3)\n{fit.add(vs, w)}\n', "x = fit.loss()",
     HocRuntimeError, "has 3 values but a run"),
    ('objref w\nw = new Vector(3)\n', "fit.add(w, w)", HocRuntimeError, "not recording anything"),
    ("", "fit.add(vs)", HocTypeError, "two or three arguments"),
    ("", "fit.add(vs, vs, 1)\nx = fit.loss()", HocRuntimeError, "no trainable"),
    ("", 'fit.set_loss("huber")', HocRuntimeError, "unknown loss"),
    ("", 'fit.add(vs, "/nonexistent/file.dat")', HocRuntimeError, "cannot read target file"),
])
def test_bad_fit_input(hoc, setup, stmt, err, words):
    hoc.run(BRANCHED + "tstop = 1\nobjref fit\nfit = new Fit()\n" + setup)
    with pytest.raises(err) as info:
        hoc.run(stmt + "\n")
    assert words in info.value.message
    assert info.value.span is not None


def test_structure_change_after_make_trainable_is_reported(hoc):
    hoc.run(BRANCHED + "tstop = 1\nrun()\nobjref fit\nfit = new Fit()\n{fit.add(vs, vs.c)}\n")
    hoc.run('make_trainable("gnabar_hh")\nsoma nseg = 3\n')
    with pytest.raises(HocRuntimeError, match="structure changed after make_trainable"):
        hoc.run("x = fit.loss()\n")


def test_batch_of_stimuli(hoc):
    """fit.stimuli: one run per stim.amp value (vmapped); targets per batch item."""
    hoc.run(BRANCHED + "tstop = 3\n")
    targets = []
    for amp in (0.1, 0.3):
        hoc.run(f"stim.amp = {amp}\nrun()\n")
        targets.append(np.array(hoc.session.get_global("vs").x))
    hoc.run("objref t0, t1, amps, fit\nt0 = new Vector()\nt1 = new Vector()\namps = new Vector()\n"
            "{amps.append(0.1, 0.3)}\nfit = new Fit()\n")
    hoc.session.get_global("t0").assign(targets[0])
    hoc.session.get_global("t1").assign(targets[1])
    hoc.run('make_trainable("gnabar_hh")\n{fit.stimuli(stim, "amp", amps)}\n'
            "{fit.add(vs, t0, 0)}\n{fit.add(vs, t1, 1)}\nx = fit.loss()\n")
    assert hoc.session.get_global("x") < 1e-18               # each run matches its own target
    hoc.run("{fit.add(vs, t0, 1)}\nx = fit.loss()\n")           # t0 is wrong for amp 0.3
    d = np.mean((targets[1] - targets[0]) ** 2)
    assert hoc.session.get_global("x") == pytest.approx(d / 3, rel=1e-9)
    with pytest.raises(HocRuntimeError, match="batch has 2 run"):
        hoc.run("{fit.add(vs, t0, 2)}\nx = fit.loss()\n")


def test_ctrl_c_keeps_the_best_parameters(hoc, monkeypatch):
    from hocx.train import fit as fitmod
    hoc.run(BRANCHED + "tstop = 2\nforsec apical gnabar_hh = 0.2\nrun()\nobjref tv, fit\ntv = vs.c\n"
            "forsec apical gnabar_hh = 0.12\n{apical.make_trainable(\"gnabar_hh\", \"bounds\", 0.05, 0.5)}\n"
            "fit = new Fit()\n{fit.add(vs, tv)}\nfit.lr = 0.05\nx0 = fit.loss()\n")
    calls = []

    def interrupt(self, i, loss, best):
        calls.append(loss)
        if i == 4:
            raise KeyboardInterrupt

    monkeypatch.setattr(fitmod._Bar, "update", interrupt)
    hoc.run("x = fit.run(100)\n")
    s = hoc.session
    assert len(calls) == 4                          # stopped at the 4th step, not after 100
    assert s.get_global("x") == min(calls) < s.get_global("x0")
    val = float(s.train.trainables[0].value[0])
    assert 0.12 < val < 0.2
    assert s.model.find("dend[0]").seg["gnabar_hh"][0] == pytest.approx(val, rel=1e-12)
