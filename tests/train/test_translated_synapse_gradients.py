"""Issue 13: parameters and NetCon weights of a TRANSLATED synapse are trainables like the
built-in ones.  TMDSyn (tests/data/mods/tmdsyn.mod: per-NetCon state R, u, tsyn in the weight
vector, NET_RECEIVE INITIAL, a net_send release self event) on a pas cell driven by two
presynaptic cells through threshold NetCons (one with trel = 0: a delay-0 self event) and a
NetStim: ``TMDSyn.U`` shared per synapse, ``TMDSyn.tau_rec`` shared by all and
``NetCon.weight`` shared per presynaptic cell, their gradients against central finite
differences, and the differentiable run against ``run()``."""
from __future__ import annotations

from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

MODS = Path(__file__).resolve().parents[1] / "data" / "mods"

MODEL = """load_file("stdrun.hoc")
create a, b, c
forall { L = 20  diam = 20  insert pas  g_pas = 1e-4  e_pas = -65 }
objref st1, st2, syn0, syn1, nc0, nc1, nc2, ns, ncs, vc
a st1 = new IClamp(0.5)
{ st1.del = 0.5  st1.dur = 1.5  st1.amp = 0.1 }
b st2 = new IClamp(0.5)
{ st2.del = 1.5  st2.dur = 2  st2.amp = 0.1 }
c syn0 = new TMDSyn(0.3)
c syn1 = new TMDSyn(0.7)
{ syn0.U = 0.4  syn0.tau_rec = 20  syn0.tau_facil = 10  syn0.trel = 0.3  syn0.tau = 2 }
{ syn1.U = 0.2  syn1.tau_rec = 20  syn1.tau_facil = 0  syn1.trel = 0  syn1.e = -70 }
a nc0 = new NetCon(&v(0.5), syn0, -64, 0.5, 0.004)
b nc1 = new NetCon(&v(0.5), syn0, -64, 0.4, 0.003)
b nc2 = new NetCon(&v(0.5), syn1, -64, 0.25, 0.003)
ns = new NetStim()
{ ns.start = 0.2  ns.interval = 0.9  ns.number = 5  ns.noise = 0 }
ncs = new NetCon(ns, syn0, 0, 0.3, 0.003)
vc = new Vector()
vc.record(&c.v(0.5))
tstop = 6.4
run()
"""


@pytest.mark.slow
def test_translated_synapse_parameters_and_weights_have_exact_gradients(hoc):
    hoc.session.load_mod(str(MODS))
    hoc.run(MODEL)
    s = hoc.session
    nrel0, nrel1 = map(float, hoc.run("print syn0.nrel, syn1.nrel").split())
    assert nrel0 >= 4 and nrel1 >= 1                               # releases happened
    counts = [hoc.run('make_trainable("TMDSyn.U", "per", "synapse")'),
              hoc.run('make_trainable("TMDSyn.tau_rec")'),
              hoc.run('make_trainable("NetCon.weight", "per", "pre_cell")')]
    assert ["added trainable parameters: 2." in counts[0], "parameters: 1." in counts[1],
            "parameters: 2." in counts[2]] == [True] * 3, counts
    ran = np.asarray(s.get_global("vc").x)
    sim, p0 = s.train.function([s.get_global("vc")])
    assert np.allclose(np.asarray(p0[2]), [0.004, 0.003])         # per pre cell: a, b
    target = jnp.full((sim.nsteps + 1, 1), -64.0)
    vg = jax.jit(jax.value_and_grad(lambda p: jnp.mean((sim(p) - target) ** 2)))
    loss0, g = vg(p0)                  # the differentiable run is run()'s
    np.testing.assert_allclose(float(loss0), float(np.mean((ran + 64.0) ** 2)), rtol=1e-12)
    for i in range(3):
        for k in range(len(p0[i])):
            x = float(p0[i][k])
            h = 1e-5 * abs(x)
            up = [p if j != i else p.at[k].set(x + h) for j, p in enumerate(p0)]
            down = [p if j != i else p.at[k].set(x - h) for j, p in enumerate(p0)]
            fd = (float(vg(up)[0]) - float(vg(down)[0])) / (2 * h)
            gi = float(g[i][k])
            assert abs(gi) > 1e-8 * abs(float(loss0)) / abs(x), (i, k, gi)
            assert abs(gi - fd) <= 1e-5 * abs(fd), (i, k, gi, fd)
