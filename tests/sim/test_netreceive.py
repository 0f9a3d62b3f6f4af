"""The general NET_RECEIVE event engine (hocx/sim/netreceive.py) against NEURON 9.0.2's traces.

The mechanisms are the hand-written specs of ``netreceive_specs.py`` (what nocmodl makes of
the reference suite's fdsyn.mod, lifcell.mod and izhpp.mod), so these tests check the engine
on its own: per-NetCon weight-vector state with a NET_RECEIVE INITIAL block (fdsyn_tm),
artificial cells with net_event / net_send and NetCon.record (lif_net), and a point process
with WATCH, ``v =`` in NET_RECEIVE, net_send from INITIAL and net_event as a NetCon source
(izh_watch).  Vectors within 1e-6 absolute / 1e-7 of their max, spike times identical.
"""
from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from hocx.api import Session
from hocx.errors import HocError
from hocx.sim import netreceive

sys.path.insert(0, str(Path(__file__).parent))
from netreceive_specs import SPECS  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data" / "nmodl_reference"


def _session():
    s = Session(out=lambda text: None)
    for spec in SPECS:
        s.mod_loader.register(spec)
    return s


def _reference(case):
    path = DATA / "traces" / f"{case}.json.gz"
    if not path.exists():
        pytest.skip(f"no reference trace {path.name}")
    with gzip.open(path, "rt") as f:
        return json.load(f)["vectors"], (DATA / "scripts" / f"{case}.hoc").read_text()


@pytest.mark.parametrize("case", ["fdsyn_tm", "lif_net", "izh_watch"])
def test_reference_case(case):
    ref, text = _reference(case)
    if case == "lif_net":    # c.M() is a mod FUNCTION called from HOC: not part of these specs
        text = text.replace("c1.M(), c2.M()", "0, 0")
    s = _session()
    s.execute(text)
    for name, r in ref.items():
        r = np.asarray(r, dtype=float)
        got = np.asarray(s.h.__getattr__(name).x, dtype=float)
        assert len(got) == len(r), name
        if name.startswith("rec_spk"):
            assert np.array_equal(got, r), (name, got, r)
            continue
        if case == "lif_net" and name == "rec_final":
            got, r = got[[0, 1, 4]], r[[0, 1, 4]]
        tol = min(1e-6, 1e-7 * float(np.max(np.abs(r)))) if len(r) else 0.0
        assert float(np.max(np.abs(got - r), initial=0.0)) <= tol, name


NET = """
create soma
soma {
    L = 20
    diam = 20
    insert pas
}
objref syn, ns, cell, nc1, nc2
soma syn = new FDSyn(0.5)
ns = new NetStim()
ns.start = 1
ns.interval = 0.1
ns.number = 40
ns.noise = 0
cell = new LIFcell()
cell.thresh = 0.1
cell.refrac = 0
nc1 = new NetCon(ns, cell)
nc1.weight = 1
nc1.delay = 0.05
nc2 = new NetCon(cell, syn)
nc2.delay = 3
nc2.weight = 0.001
tstop = 6
"""


def test_queue_grows_then_overflow_is_a_loud_error(monkeypatch):
    # the cell fires on every input: 30 events in flight onto the synapse; a queue of 16 grows
    # to 64 and the run matches one made with a long queue from the start
    out = []
    for q in (16, 64):
        monkeypatch.setattr(netreceive, "QUEUE", q)
        s = _session()
        s.execute('load_file("stdrun.hoc")\n' + NET + "objref g\ng = new Vector()\n"
                  "g.record(&syn.g)\nrun()\n")
        out.append(np.asarray(s.h.g.x))
    assert out[0].max() > 0 and np.array_equal(out[0], out[1])
    monkeypatch.setattr(netreceive, "QUEUE", 16)
    monkeypatch.setattr(netreceive, "MAX_QUEUE", 16)
    s = _session()
    s.execute('load_file("stdrun.hoc")\n' + NET)
    with pytest.raises(HocError) as err:
        s.execute("run()\n")
    assert "event queue overflow for mechanism FDSyn" in str(err.value)


def test_weight_vector_length_must_match():
    import dataclasses
    bad = dataclasses.replace(SPECS[0], name="FDSyn3", net_receive=3,
                              net_receive_args=("weight", "R", "u", "tsyn"))
    s = _session()
    s.mod_loader.register(bad)
    s.execute('load_file("stdrun.hoc")\n' + NET.replace("FDSyn", "FDSyn3"))
    with pytest.raises(HocError) as err:
        s.execute("run()\n")
    assert "weight vector has 3 entries" in str(err.value)
    assert "takes 4 arguments" in str(err.value)


@pytest.mark.slow
def test_gradient_through_weight_of_a_general_receiver():
    """NetCon.weight onto FDSyn (per-NetCon state, NET_RECEIVE INITIAL) is trainable: the
    differentiable run matches run() and its gradient central finite differences."""
    import jax
    import jax.numpy as jnp
    s = _session()
    s.execute("""load_file("stdrun.hoc")
create a, b
forall { L = 20  diam = 20  insert pas }
objref stim, fd, nc, vb
a stim = new IClamp(0.5)
stim.del = 1
stim.dur = 1
stim.amp = 0.1
b fd = new FDSyn(0.5)
fd.tau = 2
a nc = new NetCon(&v(0.5), fd, -69, 0.7, 0.004)
vb = new Vector()
vb.record(&b.v(0.5))
tstop = 5
run()
make_trainable("NetCon.weight")
""")
    sim, p0 = s.train.function([s.get_global("vb")])
    ran = np.asarray(s.get_global("vb").x)
    assert np.max(np.abs(np.asarray(sim(p0))[:, 0] - ran)) < 1e-12
    target = jnp.full((sim.nsteps + 1, 1), -60.0)
    loss = jax.jit(lambda p: jnp.mean((sim(p) - target) ** 2))
    g = float(jax.grad(loss)(p0)[0][0])
    x = float(p0[0][0])
    h = 1e-5 * abs(x)
    fd = (float(loss([jnp.array([x + h])])) - float(loss([jnp.array([x - h])]))) / (2 * h)
    assert abs(g) > 1.0 and abs(g - fd) <= 1e-6 * abs(fd)
