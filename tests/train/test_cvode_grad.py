"""Gradients, fits and sweeps under cvode.active(1) (hocx/train/cvode.py)."""
from __future__ import annotations

import numpy as np
import pytest

from hocx.errors import HocRuntimeError

CABLE = """{load_file("stdrun.hoc")}
create soma, dend
connect dend(0), soma(1)
soma { L = 20  diam = 20  nseg = 1  insert %(mech)s }
dend { L = 200  diam = 2  nseg = %(nseg)d  insert %(mech)s }
usetable_hh = 0
objref stim, vs, vd, cv, fit, target, g, vals
soma stim = new IClamp(0.5)
{ stim.del = 1  stim.dur = %(dur)g  stim.amp = 0.3 }
vs = new Vector()
vd = new Vector()
vs.record(&soma.v(0.5), 0.1)
vd.record(&dend.v(0.9), 0.1)
tstop = %(tstop)g
cv = new CVode()
cv.active(1)
cv.atol(1e-6)
"""


def _fd_check(hoc, names, h_rel=1e-4):
    """fit.grad() against central differences of fit.loss(values) (the same compiled run)."""
    hoc.run("g = fit.grad()\nvals = get_parameters()")
    interp = hoc.session
    g = np.array(interp.get_global("g").x)
    x0 = np.array(interp.get_global("vals").x)
    assert g.shape == x0.shape == (len(names),)
    errs = []
    for i in range(len(x0)):
        h = h_rel * abs(x0[i])
        lp, lm = [], []
        for sign, out in ((1, lp), (-1, lm)):
            x = x0.copy()
            x[i] += sign * h
            interp.get_global("vals").assign(x)
            out.append(float(hoc.session.execute("fit.loss(vals)")))
        fd = (lp[0] - lm[0]) / (2 * h)
        errs.append(abs(g[i] - fd) / abs(fd))
    return g, errs


def test_cvode_fit_grad_passive_cable(hoc):
    """Fit.grad under CVode is the CVode run's derivative (not the fixed step's): it agrees
    with central differences of the CVode loss, and a few Adam steps lower the loss."""
    hoc.run(CABLE % {"mech": "pas", "tstop": 6, "nseg": 5, "dur": 2} + """
forall { g_pas = 0.001  e_pas = -65 }
target = new Vector(61, -64)
make_trainable("g_pas")
make_trainable("Ra")
fit = new Fit()
fit.add(vs, target)
""")
    g, errs = _fd_check(hoc, ["g_pas", "Ra"])
    assert np.all(np.isfinite(g)) and np.all(g != 0)
    assert max(errs) < 1e-4, errs
    l0 = float(hoc.session.execute("fit.loss()"))
    hoc.run("fit.lr = 0.05\nfit.run(3)")
    assert float(hoc.session.get_global("fit").best_loss) < l0


def test_cvode_refusals(hoc):
    """What the variable step cannot differentiate is refused loudly, never run fixed-step."""
    hoc.run(CABLE % {"mech": "pas", "tstop": 2, "nseg": 5, "dur": 2} + """
objref vstep
vstep = new Vector()
vstep.record(&soma.v(0.5))
make_trainable("g_pas")
fit = new Fit()
fit.add(vstep, vstep)
""")
    with pytest.raises(HocRuntimeError, match="records every CVode step"):
        hoc.run("g = fit.grad()")
    with pytest.raises(HocRuntimeError, match="cvode.active"):
        hoc.session.train.function([hoc.session.get_global("vs")])
    hoc.run("""objref fit2, ns, nc
fit2 = new Fit()
fit2.add(vs, vs)
ns = new NetStim()
objref syn
soma syn = new ExpSyn(0.5)
nc = new NetCon(ns, syn)
""")
    with pytest.raises(HocRuntimeError):
        hoc.run("g = fit2.grad()")


@pytest.mark.slow
def test_cvode_grad_hh_and_sweep(hoc):
    """hh cell: d(samples)/d(gnabar_hh) against central differences of the CVode run (step
    counts unchanged); sweep (sequential and vmap) equals run() member by member."""
    import jax
    import jax.numpy as jnp
    from hocx.train import cvode
    hoc.run(CABLE % {"mech": "hh", "tstop": 10, "nseg": 9, "dur": 3} + 'make_trainable("gnabar_hh")')
    interp = hoc.session
    sim = cvode.CvodeSim(interp, interp.train.trainables, [interp.get_global("vs")])
    data = sim.arrays()
    x0 = sim.initial_params()[0]
    prim = jax.jit(lambda x, d: sim.checked([x], (), d))
    tang = jax.jit(lambda x, d: jax.jvp(lambda xx: sim.checked([xx], (), d)[0][0], (x,),
                                        (jnp.ones_like(x),))[1])
    d = np.asarray(tang(x0, data))
    h = 1e-4 * float(x0[0])
    (vp,), _, n_p = prim(x0 + h, data)
    (vm,), _, n_m = prim(x0 - h, data)
    (v0,), _, n_0 = prim(x0, data)
    assert int(n_p) == int(n_m) == int(n_0)
    fd = (np.asarray(vp) - np.asarray(vm)) / (2 * h)
    assert np.linalg.norm(d - fd) / np.linalg.norm(fd) < 2e-4
    hoc.run("delete_trainables()\nobjref gv, res\ngv = new Vector()\ngv.append(0.1, 0.12, 0.14)")
    ref = []
    for x in (0.1, 0.12, 0.14):
        hoc.run(f"forall gnabar_hh = {x}\nrun()")
        ref.append(np.array(hoc.session.get_global("vs").x))
    for mode in ("seq", "vmap"):
        hoc.session.sweeper.cvode_mode = mode
        hoc.run('res = sweep("gnabar_hh", gv)')
        mat = np.array(hoc.session.get_global("res").items[0].m)
        n = min(mat.shape[1], len(ref[0]))
        for k in range(3):
            assert np.max(np.abs(mat[k, :n] - ref[k][:n])) < 1e-6
