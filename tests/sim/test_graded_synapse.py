"""Graded synapses (IonotropicSynapse, GlutamateSynapse): the equations against a NumPy
reference written from Jaxley's definition, setpointer and its errors, fully_connect /
sparse_connect, and the 5-cell network example."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hocx.api import Session
from hocx.errors import HocError
from hocx.sim.mechanisms import MECHANISMS

#: stdlib/ionotropicsynapse.mod and stdlib/glutamatesynapse.mod, translated
IONOTROPIC, GLUTAMATE = MECHANISMS["IonotropicSynapse"], MECHANISMS["GlutamateSynapse"]

ROOT = Path(__file__).resolve().parents[2]
ENV = {"dt": 0.025}


def _ref_step(s, vpre, dt, gS, e_syn, k_minus, v_th, delta):
    """Jaxley's IonotropicSynapse.update_states, by hand."""
    s_inf = 1.0 / (1.0 + np.exp(min((v_th - vpre) / delta, 20.0)))
    tau = (1.0 - s_inf) / k_minus
    e = np.exp(min(-dt / tau, 20.0))
    return s * e + s_inf * (1.0 - e)


@pytest.mark.parametrize("mech", [IONOTROPIC, GLUTAMATE], ids=["ionotropic", "glutamate"])
def test_mechanism_matches_reference(mech):
    p = {k: np.full(3, v) for k, v in mech.params.items()}
    p["vpre"] = np.array([-70.0, -35.0, 20.0])
    v = np.array([-65.0, -40.0, 10.0])
    s0 = mech.initial(np, p, {}, v, ENV)
    assert np.allclose(s0["s"], 0.2)
    s1 = mech.update(np, p, s0, v, ENV)["s"]
    d = mech.params
    want = [_ref_step(0.2, vp, 0.025, d["gS"], d["e_syn"], d["k_minus"], d["v_th"], d["delta"])
            for vp in p["vpre"]]
    assert np.allclose(s1, want, rtol=1e-14)
    assert s1[2] > s1[1] > s1[0]          # more release for a higher presynaptic voltage
    i, asg = mech.current(np, p, {"s": s1}, v, 0.0, ENV)
    assert np.allclose(i, d["gS"] * s1 * (v - d["e_syn"]))
    assert np.allclose(asg["g"], d["gS"] * s1)


def test_glutamate_defaults_are_the_seed_values():
    assert GLUTAMATE.params["gS"] == pytest.approx(0.5e-3 * 2 * np.pi * 10 * 1e-8 * 1e6)   # S/cm2 * cm2 -> uS
    assert GLUTAMATE.params["k_minus"] == pytest.approx(1 / 40)
    assert IONOTROPIC.params["gS"] == 1e-4


TWO_CELLS = """
create pre, post
pre { L = 20 diam = 20 insert hh }
post { L = 20 diam = 20 insert hh }
objref syn, stim
post syn = new IonotropicSynapse(0.5)
"""


def _session():
    return Session(out=lambda x: None)


def test_setpointer_drives_postsynaptic_cell():
    s = _session()
    s.execute(TWO_CELLS + """
setpointer syn.vpre, pre.v(0.5)
syn.gS = 0.01
pre stim = new IClamp(0.5)
stim.del = 1
stim.dur = 2
stim.amp = 1
{finitialize(-65)}
vp0 = syn.vpre
{while (t < 10) fadvance()}
vpost = post.v(0.5)
stim.amp = 0
{finitialize(-65)}
{while (t < 10) fadvance()}
vquiet = post.v(0.5)
""")
    assert s.get_global("vp0") == pytest.approx(-65.0)        # reading a POINTER gives the voltage
    assert s.get_global("vpost") > s.get_global("vquiet") + 5.0


@pytest.mark.parametrize("stmt, msg", [
    ("setpointer stim.amp, pre.v(0.5)", "not a point process"),      # stim is NULLobject here
    ("setpointer syn.gS, pre.v(0.5)", "not a POINTER"),
    ("setpointer syn.vpre, nosuchvar", "undefined variable nosuchvar"),   # nrniv's message
    ("setpointer syn.vpre, 3", "address"),
])
def test_setpointer_errors(stmt, msg):
    s = _session()
    s.execute(TWO_CELLS)
    with pytest.raises(HocError, match=msg):
        s.execute(stmt)


def test_unset_pointer_is_a_clear_error():
    s = _session()
    s.execute(TWO_CELLS)
    with pytest.raises(HocError, match="never set"):
        s.execute("finitialize(-65)")


def test_pointer_into_deleted_section_is_a_clear_error():
    s = _session()
    s.execute(TWO_CELLS + "setpointer syn.vpre, pre.v(0.5)\npre delete_section()\n")
    with pytest.raises(HocError, match="deleted section"):
        s.execute("finitialize(-65)")


CELLS = """
load_file("netconnect.hoc")
begintemplate Cell
public branch, all
create branch[2]
objref all
proc init() { local i
    connect branch[1](0), branch[0](1)
    all = new SectionList()
    for i = 0, 1 branch[i] { L = 80  diam = 2  nseg = 8  Ra = 5000  insert hh  all.append() }
}
endtemplate Cell
objref cells[5], pre, post
pre = new List()
post = new List()
for i = 0, 4 cells[i] = new Cell()
for i = 0, 1 pre.append(cells[i])
for i = 2, 4 post.append(cells[i])
"""


def test_fully_connect_counts_and_sites():
    s = _session()
    s.execute(CELLS + 'fully_connect(pre, post, "IonotropicSynapse")\n'
              "n = hocx_synapses.count()\nx = hocx_synapses.object(0).get_loc()\npop_section()\n"
              'fully_connect(post, pre, "GlutamateSynapse", 0.5)\nn2 = hocx_connect_count\n'
              "x2 = hocx_synapses.object(6).get_loc()\npop_section()\n")
    assert s.get_global("n") == 6 and s.get_global("n2") == 6
    assert s.get_global("x") == pytest.approx(0.0625)          # centre of the first compartment
    assert s.get_global("x2") == pytest.approx(0.5625)         # x = 0.5 -> segment 4 of 8 (as NEURON)
    pps = [pp for pp in s.model.point_processes if pp.mechanism.name == "IonotropicSynapse"]
    assert [pp.section.name() for pp in pps[:3]] == [f"Cell[{i}].branch[0]" for i in (2, 3, 4)]
    assert pps[0].pointers["vpre"].section.name() == "Cell[0].branch[0]"


def test_sparse_connect_reproducible_with_seed():
    counts = []
    for seed in (7, 7, 8):
        s = _session()
        s.execute(CELLS + f'sparse_connect(pre, post, "IonotropicSynapse", 0.5, {seed})\n')
        counts.append([pp.pointers["vpre"].section.name() + pp.section.name()
                       for pp in s.model.point_processes])
    assert counts[0] == counts[1]
    s = _session()
    s.execute(CELLS + 'sparse_connect(pre, post, "IonotropicSynapse", 1, 3)\nn = hocx_connect_count\n'
              'sparse_connect(pre, post, "IonotropicSynapse", 0, 3)\nn0 = hocx_connect_count\n')
    assert s.get_global("n") == 6 and s.get_global("n0") == 0


@pytest.mark.slow
def test_network5_example_presynaptic_spikes_depolarise_post():
    s = _session()
    s.execute_file(str(ROOT / "examples" / "network5.hx"))

    def peaks():
        recs = s.get_global("rec").data
        return [float(np.max(np.asarray(r.x))) for r in recs]

    driven = peaks()
    assert driven[0] > 0 and driven[1] > 0                      # the stimulated cells spike
    assert all(p > 0 for p in driven[2:])                       # and so, through the synapses, 2-4
    s.execute("for i = 0, 1 stims[i].amp = 0\n{finitialize(v_init)}\n{while (t < tstop - dt/2) fadvance()}\n")
    quiet = peaks()
    assert all(p < -50 for p in quiet)


@pytest.mark.slow
def test_gradient_through_synapse_matches_finite_difference():
    import jax

    from hocx.train.simulate import DiffSim

    s = _session()
    s.execute(TWO_CELLS + """
setpointer syn.vpre, pre.v(0.5)
pre stim = new IClamp(0.5)
stim.del = 1
stim.dur = 2
stim.amp = 1
objref rv
rv = new Vector()
rv.record(&post.v(0.5))
""")
    sim = DiffSim(s, [], [s.get_global("rv")], tstop=5)
    bi, var, inst = sim.point_param(s.get_global("syn"), "gS")

    def total(g):
        return sim([], overrides=((bi, var, inst, g),))[:, 0].sum()

    g0, h = 0.01, 1e-7
    fd = (total(g0 + h) - total(g0 - h)) / (2 * h)
    assert float(jax.grad(total)(g0)) == pytest.approx(float(fd), rel=1e-4)
