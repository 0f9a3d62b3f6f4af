"""Issue 13 leftovers against live NEURON: POINTERs to anything, and event edge cases.

``ptrsyn.mod`` (a point process) has four POINTERs, bound in ``MODEL`` to a STATE of hh
(``soma.m_hh(.5)``), a voltage, a STATE of another point process (``b.w``), an ion
concentration written by ``cawr.mod`` (``soma.cai(.5)``), ``celsius`` and a mod GLOBAL
(``kk_PtrSyn``).  NEURON reads a POINTER when the mod code runs: in BREAKPOINT the target's
value after the previous step's state update, in DERIVATIVE the new state of a mechanism
earlier in type order (hh, cawr) — reading the old one instead moves v by 7 mV here.

``EVENTS`` is a net of artificial cells only (NetStim -> IntFire1 -> IntFire1, and two
``sendmove.mod`` cells that call net_send and net_move in one NET_RECEIVE, in both orders:
net_move re-times the event of the last net_send BEFORE it) run to 20 ms with no section,
then a section is created and ``continuerun`` goes on: NEURON keeps the pending events
(refractory ends, self events, NetCon events in flight) across the change of structure.
The training path (``sweep``, hocx.train) delivers INITIAL's net_send and the events at
t = 0 as run() does.  The mods are compiled once for the module (nrnivmodl).
"""
from __future__ import annotations

import pytest

import nmodl_neuron as N

PTRSYN = """: POINTERs to a STATE, a voltage, another point process, cai and HOC globals
NEURON {
    POINT_PROCESS PtrSyn
    POINTER xx, gg, tt, cc
    RANGE gmax, e, i, tau, scale
    NONSPECIFIC_CURRENT i
    GLOBAL kk
}
PARAMETER { gmax = 0.002 (uS)  e = 0 (mV)  tau = 3 (ms)  scale = 1  kk = 1.5 }
ASSIGNED { v (mV)  i (nA)  xx  gg  tt  cc }
STATE { w }
INITIAL { w = xx*scale }
BREAKPOINT {
    SOLVE st METHOD cnexp
    i = gmax*(w + 0.1*gg)*(v - e)
}
DERIVATIVE st { w' = (xx*scale*(tt/6.3)*(1 + cc*1000) - w)/tau }
"""

CAWR = """: a calcium concentration that follows the membrane potential (writes cai)
NEURON {
    SUFFIX cawr
    USEION ca WRITE cai
    RANGE k
}
UNITS { (mM) = (milli/liter)  (mV) = (millivolt) }
PARAMETER { k = 2e-6 (mM/ms/mV) }
ASSIGNED { v (mV) }
STATE { cai (mM) }
INITIAL { cai = 5e-5 }
BREAKPOINT { SOLVE s METHOD cnexp }
DERIVATIVE s { cai' = k*(v + 70) - 0.2*cai }
"""

SENDMOVE = """: net_send and net_move in one NET_RECEIVE call, in both orders
NEURON { ARTIFICIAL_CELL SendMove  RANGE d1, d2, mode }
PARAMETER { d1 = 3.1  d2 = 5.3  mode = 0 }
INITIAL { net_send(2, 1) }
NET_RECEIVE (w) {
    if (flag == 1) {
        net_event(t)
        net_send(d2, 1)
    } else if (mode == 0) {
        net_move(t + d1)
        net_send(d2, 1)
    } else {
        net_send(d2, 1)
        net_move(t + d1)
    }
}
"""

MODS = {"cawr.mod": CAWR, "ptrsyn.mod": PTRSYN, "sendmove.mod": SENDMOVE}

CELLS = """load_file("stdrun.hoc")
create soma, dend
soma { L = 20  diam = 20  nseg = 1  insert hh  insert cawr }
dend { L = 100  diam = 2  nseg = 3  insert pas  g_pas = 1e-4  e_pas = -65 }
connect dend(0), soma(1)
objref a, b, st
soma a = new PtrSyn(0.5)
dend b = new PtrSyn(0.3)
b.scale = -0.01
b.gmax = 0.001
soma st = new IClamp(0.5)
st.del = 2
st.dur = 1
st.amp = 0.3
"""

POINTERS = """setpointer a.xx, soma.m_hh(0.5)
setpointer b.xx, dend.v(0.3)
setpointer a.gg, b.w
setpointer b.gg, a.w
setpointer a.tt, celsius
setpointer b.tt, kk_PtrSyn
setpointer a.cc, soma.cai(0.5)
setpointer b.cc, soma.cai(0.5)
"""

MODEL = CELLS + POINTERS + """objref rec_v, rec_vd, rec_wa, rec_wb, rec_ia, rec_ca
rec_v = new Vector()
rec_v.record(&soma.v(0.5))
rec_vd = new Vector()
rec_vd.record(&dend.v(0.3))
rec_wa = new Vector()
rec_wa.record(&a.w)
rec_wb = new Vector()
rec_wb.record(&b.w)
rec_ia = new Vector()
rec_ia.record(&a.i)
rec_ca = new Vector()
rec_ca.record(&soma.cai(0.5))
celsius = 16.3
kk_PtrSyn = 2.5
tstop = 12
run()
"""


EVENTS = """load_file("stdrun.hoc")
objref ns, ns2, c1, c2, nc1, nc2, nc3, r1, r2, m0, m1, nm0, nm1, r3, r4, nil
objref rec_s1, rec_s2, rec_m0, rec_m1
ns = new NetStim()
ns.start = 1
ns.interval = 2.5
ns.number = 20
ns.noise = 0
c1 = new IntFire1()
c1.tau = 4
c1.refrac = 4.3
c2 = new IntFire1()
c2.tau = 7
c2.refrac = 2
nc1 = new NetCon(ns, c1)
nc1.delay = 0.5
nc1.weight = 0.6
nc2 = new NetCon(c1, c2)
nc2.delay = 1.25
nc2.weight = 0.7
nc3 = new NetCon(ns, c2)
nc3.delay = 0.3
nc3.weight = 0.2
ns2 = new NetStim()
ns2.start = 1.3
ns2.interval = 4.1
ns2.number = 6
ns2.noise = 0
m0 = new SendMove()
m1 = new SendMove()
m1.mode = 1
nm0 = new NetCon(ns2, m0)
nm0.delay = 0.45
nm1 = new NetCon(ns2, m1)
nm1.delay = 0.7
rec_s1 = new Vector()
r1 = new NetCon(c1, nil)
r1.record(rec_s1)
rec_s2 = new Vector()
r2 = new NetCon(c2, nil)
r2.record(rec_s2)
rec_m0 = new Vector()
r3 = new NetCon(m0, nil)
r3.record(rec_m0)
rec_m1 = new Vector()
r4 = new NetCon(m1, nil)
r4.record(rec_m1)
tstop = 20
run()
create extra
extra { L = 10  diam = 10  insert pas }
continuerun(40)
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return N.build(MODS, tmp_path_factory.mktemp("nrnivmodl"))


@pytest.mark.neuron
@pytest.mark.slow
def test_pointers_to_states_ions_point_processes_and_globals_match_neuron(built, tmp_path):
    ref = N.run_neuron(built, MODEL, tmp_path / "neuron")
    got = N.run_hocx(MODS, MODEL, tmp_path / "hocx")
    assert max(ref["rec_v"]) > 20 and max(ref["rec_ca"]) > 1e-4     # it spikes, cai moves
    N.assert_same_traces(got, ref)


def _session(tmp_path, text: str):
    from hocx.api import Session

    mods = tmp_path / "mods"
    mods.mkdir(exist_ok=True)
    for name, body in MODS.items():
        (mods / name).write_text(body, encoding="utf-8")
    s = Session(out=lambda _line: None)
    s.load_mod(str(mods))
    s.execute(text)
    return s


def test_pointer_errors_name_the_object(tmp_path):
    from hocx.errors import HocError

    s = _session(tmp_path, CELLS + POINTERS.replace("setpointer b.cc, soma.cai(0.5)\n", "")
                 + "tstop = 1\n")
    with pytest.raises(HocError) as err:
        s.execute("run()\n")
    assert "PtrSyn[1].cc is a POINTER that was never set" in str(err.value)
    s.execute("setpointer b.cc, soma.ica(0.5)\n")        # an ASSIGNED: not followed yet
    with pytest.raises(HocError) as err:
        s.execute("run()\n")
    assert "PtrSyn[1].cc points at the ASSIGNED variable soma.ica(0.5)" in str(err.value)
    s.execute("setpointer b.cc, dend.m_hh(0.5)\n")       # dend has no hh
    with pytest.raises(HocError) as err:
        s.execute("run()\n")
    assert "PtrSyn[1].cc points at dend.m_hh(0.5)" in str(err.value)


def test_pointer_to_a_hoc_variable_follows_it_between_runs(tmp_path):
    """A POINTER to a plain HOC variable reads its current value at every run, as NEURON's
    pointer into the variable does (a change of the variable alone changes the next run)."""
    text = (CELLS + POINTERS.replace("setpointer a.tt, celsius", "hx_temp = 6.3\nsetpointer a.tt, hx_temp")
            + "tstop = 3\n")
    s = _session(tmp_path, text)
    s.execute("run()\nw1 = a.w\nhx_temp = 20\nrun()\nw2 = a.w\n")
    fresh = _session(tmp_path, text.replace("hx_temp = 6.3", "hx_temp = 20"))
    fresh.execute("run()\nw2 = a.w\n")
    assert s.get_global("w1") != s.get_global("w2")
    assert s.get_global("w2") == fresh.get_global("w2")


@pytest.mark.neuron
@pytest.mark.slow
def test_artificial_cells_only_send_move_order_and_restructure_match_neuron(built, tmp_path):
    ref = N.run_neuron(built, EVENTS, tmp_path / "neuron")
    got = N.run_hocx(MODS, EVENTS, tmp_path / "hocx")
    assert len(ref["rec_s1"]) == 4 and max(ref["rec_s1"]) > 30     # spikes after continuerun
    assert list(ref["rec_m0"]) != list(ref["rec_m1"])               # the two orders differ
    for name in ("rec_s1", "rec_s2", "rec_m0", "rec_m1"):
        assert list(got[name]) == list(ref[name]), name


TRAIN = """load_file("stdrun.hoc")
create soma
soma { L = 20  diam = 20  insert hh }
objref ns, c0, nc0, syn, nc1, vs, w, res
ns = new NetStim()
ns.start = 0
ns.interval = 3.3
ns.number = 4
ns.noise = 0
c0 = new SendMove()
c0.d1 = 1.2
c0.d2 = 2.1
nc0 = new NetCon(ns, c0)
nc0.delay = 0
soma syn = new ExpSyn(0.5)
nc1 = new NetCon(c0, syn)
nc1.delay = 0.4
nc1.weight = 0.02
vs = new Vector()
vs.record(&soma.v(0.5))
tstop = 6
w = new Vector()
w.append(0.12, 0.2)
res = sweep("gnabar_hh", w)
"""


def test_training_run_delivers_initial_and_t0_events_as_run(tmp_path):
    """SendMove's INITIAL net_send(2, 1) and the NetStim spike at t = 0 (delay 0: a net_move
    at t = 0) reach the training path (sweep -> DiffSim); without them v is off by 100 mV."""
    import numpy as np

    s = _session(tmp_path, TRAIN)
    rows = np.array(s.get_global("res").items[0].m)
    for k, g in enumerate((0.12, 0.2)):
        s.execute(f"forall gnabar_hh = {g}\nrun()\n")
        ref = np.array(s.get_global("vs").x)
        assert ref.max() > 20
        assert np.max(np.abs(rows[k] - ref)) < 1e-9
