"""Synapse and point-process parameters as trainables: the seeds' sharing examples with their
exact counts, gradients against central finite differences, and the errors."""
from __future__ import annotations

from pathlib import Path

import jax
import jax.numpy as jnp
import pytest

from hocx.errors import HocError

ROOT = Path(__file__).resolve().parents[2]

PAIR = """{load_file("stdrun.hoc")}
{load_file("netconnect.hoc")}
create a, b
forall { L = 20  diam = 20  insert hh }
objref stim, pl, ql, va, vb, es, nc
a stim = new IClamp(0.5)
{ stim.del = 1  stim.dur = 2  stim.amp = 0.3 }
pl = new SectionList()
ql = new SectionList()
a pl.append()
b ql.append()
fully_connect(pl, ql, "IonotropicSynapse", 0.5)
{ hocx_synapses.object(0).gS = 0.02 }
b es = new ExpSyn(0.5)
{ es.tau = 2  es.e = 0 }
a nc = new NetCon(&v(0.5), es, -20, 1.5, 0.004)
va = new Vector()
vb = new Vector()
va.record(&a.v(0.5))
vb.record(&b.v(0.5))
tstop = 8
"""


def test_seed_sharing_counts(hoc):
    hoc.session.execute_file(str(ROOT / "examples" / "synapse_sharing.hx"))
    text = "".join(hoc.out)
    assert "network 1: 9 synapses" in text and "network 2: 36 synapses" in text
    assert "Number of newly added trainable parameters: 3. Total number of trainable parameters: 3" in text
    assert "Number of newly added trainable parameters: 6. Total number of trainable parameters: 6" in text


def test_sharing_keys(hoc):
    hoc.run(PAIR)
    assert "parameters: 1." in hoc.run('make_trainable("IonotropicSynapse_gS")')   # Jaxley's name
    assert "parameters: 1." in hoc.run('make_trainable("ExpSyn.tau", "per", "synapse")')
    assert "parameters: 1." in hoc.run('make_trainable("IonotropicSynapse.gS", "per", "pre_cell,post_cell")')
    assert "parameters: 1." in hoc.run('make_trainable("NetCon.weight", "per", "post_section")')  # edge column


@pytest.mark.parametrize("stmt, msg", [
    ('make_trainable("ExpSyn.gmax")', "not a parameter of ExpSyn"),
    ('make_trainable("AlphaSynapse.gmax")', "no AlphaSynapse"),
    ('make_trainable("ExpSyn.tau", "per", "colour")', "unknown sharing key"),
    ('make_trainable("ExpSyn.tau", "init", 1, 2)', "unexpected"),
])
def test_errors(hoc, stmt, msg):
    hoc.run(PAIR)
    with pytest.raises(HocError, match=msg):
        hoc.run(stmt)


def test_gradients_of_synapse_parameters_match_finite_differences(hoc):
    """Graded synapse gS, ExpSyn tau and the NetCon weight (threshold-detected spikes)."""
    hoc.run(PAIR)
    stmts = ['make_trainable("IonotropicSynapse.gS")', 'make_trainable("ExpSyn.tau")',
             'make_trainable("NetCon.weight")']
    for s in stmts:
        hoc.run(s)
    s = hoc.session
    sim, p0 = s.train.function([s.get_global("vb")])
    target = jnp.full((sim.nsteps + 1, 1), -60.0)
    loss = jax.jit(lambda p: jnp.mean((sim(p) - target) ** 2))
    g = jax.jit(jax.grad(loss))(p0)
    for i, stmt in enumerate(stmts):
        x = float(p0[i][0])
        h = 1e-5 * abs(x)      # a spiking cell: larger steps carry truncation error
        up = [p if j != i else jnp.array([x + h]) for j, p in enumerate(p0)]
        down = [p if j != i else jnp.array([x - h]) for j, p in enumerate(p0)]
        fd = (float(loss(up)) - float(loss(down))) / (2 * h)
        gi = float(g[i][0])
        assert abs(gi) > 1e-8, stmt
        assert abs(gi - fd) <= 1e-5 * abs(fd), (stmt, gi, fd)
