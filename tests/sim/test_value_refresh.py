"""Value-only edits refresh the last lowering (hocx/sim/refresh.py) instead of re-lowering,
and the next run sees them exactly as a full lowering would; structural edits re-lower."""
import numpy as np
import pytest

from hocx.api import Session
from hocx.sim.from_model import lower_model

CELL = """
{load_file("stdrun.hoc")}
create soma, dend
connect dend(0), soma(1)
soma { L = 20  diam = 20  insert hh }
dend { L = 300  diam = 2  nseg = 3  insert pas  e_pas = -65 }
objref stim, syn, ns, nc, vs
soma stim = new IClamp(0.5)
{ stim.del = 0.5  stim.dur = 1  stim.amp = 0.3 }
dend syn = new ExpSyn(0.7)
syn.tau = 2
ns = new NetStim()
{ ns.start = 0.2  ns.interval = 0.5  ns.number = 4  ns.noise = 0 }
nc = new NetCon(ns, syn)
{ nc.weight = 0.002  nc.delay = 0.3 }
vs = new Vector()
vs.record(&dend.v(0.5))
tstop = 2.5
"""

EDITS = ["soma gnabar_hh = 0.15", "soma el_hh = -60", "dend g_pas(0.5) = 0.002",
         "stim.amp = 0.5", "syn.tau = 3", "syn.e = -10", "nc.weight = 0.004",
         "nc.delay = 0.9", "ns.interval = 0.3", "soma cm = 1.5"]


def _trace(s):
    return np.array(s.get_global("vs").x)


def _same_lowering(a, b):
    assert a.n == b.n and len(a.blocks) == len(b.blocks)
    for name in ("parent", "area", "a", "b", "cm", "has_cap", "v", "diam"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    for x, y in zip(a.blocks, b.blocks):
        assert x.mech.name == y.mech.name
        np.testing.assert_array_equal(x.nodes, y.nodes)
        assert x.params.keys() == y.params.keys() and x.states.keys() == y.states.keys()
        for k in x.params:
            np.testing.assert_array_equal(x.params[k], y.params[k], err_msg=f"{x.mech.name}.{k}")
        for k in x.states:
            np.testing.assert_array_equal(x.states[k], y.states[k], err_msg=f"{x.mech.name}.{k}")
    assert (a.net is None) == (b.net is None)
    if a.net is not None:
        assert a.net.key() == b.net.key()


@pytest.fixture(scope="module")
def edited():
    """One session, run before and after every value edit, then a structural edit."""
    s = Session(out=lambda x: None, err=lambda x: None)
    s.execute(CELL + "run()\n", "<test>")
    sim = s.sim
    first = {"nm": sim._nm, "lowerings": sim.lowerings, "trace": _trace(s)}
    steps = []
    for edit in EDITS:
        s.execute(edit + "\n", "<edit>")
        full = lower_model(s.model)[0]
        sim.sync()                                       # lowers (here: refreshes) the edit
        low = sim._low
        s.execute("run()\n", "<run>")
        steps.append({"nm": sim._nm, "lowerings": sim.lowerings, "trace": _trace(s),
                      "low": low, "full": full})
    return s, first, steps


def test_value_edits_reuse_the_lowering_and_change_the_run(edited):
    s, first, steps = edited
    prev = first["trace"]
    for edit, st in zip(EDITS, steps):
        assert st["nm"] is first["nm"], edit                 # node map / geometry reused
        assert st["lowerings"] == first["lowerings"], edit   # no full re-lowering
        assert not np.array_equal(st["trace"], prev), edit   # the run saw the edit
        _same_lowering(st["low"], st["full"])                # exactly what a full lowering gives
        prev = st["trace"]
    assert s.sim.refreshes >= len(EDITS)


def test_refreshed_runs_equal_a_fresh_session_with_the_values(edited):
    s, _, _ = edited
    fresh = Session(out=lambda x: None, err=lambda x: None)
    fresh.execute(CELL + "\n".join(EDITS) + "\nrun()\n", "<fresh>")
    np.testing.assert_array_equal(_trace(s), _trace(fresh))


def test_structural_edits_still_relower(edited):
    s, first, _ = edited
    sim = s.sim
    n = sim.lowerings
    s.execute("dend nseg = 5\nrun()\n", "<structural>")
    assert sim.lowerings == n + 1 and sim._nm is not first["nm"]
    s.execute("dend L = 200\nrun()\n", "<geometry>")     # areas and coupling: re-lowered
    assert sim.lowerings == n + 2
    nm = sim._nm
    s.execute("objref syn2\nsoma syn2 = new ExpSyn(0.5)\nrun()\n", "<new point process>")
    assert sim.lowerings == n + 3 and sim._nm is not nm
    s.execute("syn2.tau = 4\n", "<edit>")
    full = lower_model(s.model)[0]
    sim.sync()
    assert sim.lowerings == n + 3
    _same_lowering(sim._low, full)


def _snapshot(model):
    out = {}
    for sec in model.sections:
        out[sec.name()] = ({k: np.array(a) for k, a in sec.seg.items()}, sec.v_end, sec.v_root)
    for pp in model.point_processes:
        out[pp.hoc_name()] = (dict(pp.values), dict(getattr(pp, "hidden", {}) or {}))
    return out


def test_planned_write_back_stores_what_write_back_stores(edited):
    from hocx.sim.from_model import write_back
    from hocx.sim.writeback import WritePlan
    s, _, _ = edited
    sim = s.sim
    sim.sync()
    v, st, asg = sim.engine.host_state()
    bump = lambda d, f: [{k: np.asarray(x) * f for k, x in b.items()} for b in d]
    a = (v + 1.0, bump(st, 0.9), bump(asg, 1.1))
    b = (v - 2.0, bump(st, 0.5), bump(asg, 0.7))
    plan = WritePlan(sim._low, sim._nm)
    assert plan.fits(sim._low, sim._nm)
    write_back(s.model, sim._low, sim._nm, *b)
    plan.write(s.model, sim._low, sim._nm, *a)
    planned = _snapshot(s.model)
    write_back(s.model, sim._low, sim._nm, *b)
    assert _snapshot(s.model)["soma"][1] != planned["soma"][1]
    write_back(s.model, sim._low, sim._nm, *a)
    full = _snapshot(s.model)
    assert planned.keys() == full.keys()
    for key in full:
        x, y = planned[key], full[key]
        if isinstance(x[0], dict) and len(x) == 3:
            assert x[0].keys() == y[0].keys() and x[1:] == y[1:], key
            for name in x[0]:
                np.testing.assert_array_equal(x[0][name], y[0][name], err_msg=f"{key}.{name}")
        else:
            assert x == y, key
