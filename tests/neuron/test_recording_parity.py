"""Vector.record (every step, Dt, tvec), finitialize/fadvance/fcurrent and stdrun through
HOC text run in both NEURON and hocx."""
import pytest

from hoc_compare import compare

pytestmark = pytest.mark.neuron

CELL = """
create soma, dend
connect dend(0), soma(1)
soma { L = 20  diam = 20  insert hh }
dend { L = 300  diam = 2  nseg = 5  insert pas  e_pas = -60 }
"""


def test_record_every_step_states_and_ion_currents(h):
    compare(h, CELL + """
objref rec_v, rec_m, rec_ina, rec_t, rec_vd, rec_gna, rec_ip
{ rec_v = new Vector()  rec_m = new Vector()  rec_ina = new Vector()  rec_t = new Vector() }
{ rec_vd = new Vector()  rec_gna = new Vector()  rec_ip = new Vector() }
rec_v.record(&soma.v(0.5))
rec_m.record(&soma.m_hh(0.5))
rec_ina.record(&soma.ina(0.5))
rec_t.record(&t)
rec_vd.record(&dend.v(1))
rec_gna.record(&soma.gna_hh(0.5))
rec_ip.record(&dend.i_pas(0.3))
finitialize(-50)
while (t < 5) { fadvance() }
""")


def test_record_with_Dt_and_tvec(h):
    compare(h, CELL + """
objref rec_a, rec_b, rec_c, tv
{ rec_a = new Vector()  rec_b = new Vector()  rec_c = new Vector() }
tv = new Vector()
tv.append(0, 0.01, 0.0125, 0.3, 0.31, 1, 2.5, 2.5, 4.9)
rec_a.record(&soma.v(0.5), 0.0375)
rec_b.record(&soma.v(0.5), 0.1)
rec_c.record(&soma.v(0.5), tv)
finitialize(-52)
while (t < 5) { fadvance() }
""")


def test_stdrun_run_setdt_continuerun(h):
    r = compare(h, "{load_file(\"stdrun.hoc\")}" + CELL + """
objref rec_v, rec_t
{ rec_v = new Vector()  rec_t = new Vector() }
rec_v.record(&soma.v(0.5))
rec_t.record(&t)
v_init = -55
dt = 0.01
tstop = 3
run()
continuerun(4.5)
""")
    s = r["session"]
    assert s.get_global("dt") == 0.0125          # setdt changed it, as NEURON does


def test_overridden_advance_runs_the_hoc_loop(h):
    r = compare(h, "{load_file(\"stdrun.hoc\")}" + CELL + """
objref rec_v, rec_n
{ rec_v = new Vector()  rec_n = new Vector() }
rec_v.record(&soma.v(0.5))
nadv = 0
proc advance() { fadvance()  nadv += 1  if (t > 1 && t < 1.1) { gnabar_hh(0.5) = 0.2 } }
v_init = -55
tstop = 3
run()
rec_n.append(nadv)
""")
    assert r["session"].sim.native_runs == 0
    assert r["got"]["rec_n"][0] == 120


def test_init_override_and_fcurrent(h):
    compare(h, "{load_file(\"stdrun.hoc\")}" + CELL + """
objref rec_v, rec_ina
{ rec_v = new Vector()  rec_ina = new Vector() }
rec_v.record(&soma.v(0.5))
rec_ina.record(&soma.ina(0.5))
proc init() { finitialize(v_init)  soma.m_hh(0.5) = 0.2  fcurrent()  frecord_init() }
celsius = 18
tstop = 4
run()
""")


def test_secondorder_and_no_table(h):
    compare(h, "{load_file(\"stdrun.hoc\")}" + CELL + """
objref rec_v, rec_h
{ rec_v = new Vector()  rec_h = new Vector() }
rec_v.record(&soma.v(0.5))
rec_h.record(&soma.h_hh(0.5))
secondorder = 2
usetable_hh = 0
v_init = -45
tstop = 6
run()
secondorder = 0
usetable_hh = 1
""")


def test_hand_loop_with_changes_between_steps(h):
    # fadvance() calls are batched ahead; every change between them must cut the batch
    compare(h, CELL + """
objref rec_v, rec_t, rec_read, stim
rec_v = new Vector()
rec_t = new Vector()
rec_read = new Vector()
{ rec_v.record(&soma.v(0.5))  rec_t.record(&t) }
soma stim = new IClamp(0.5)
stim.amp = 0.05
finitialize(-65)
while (t < 6) {
    fadvance()
    rec_read.append(soma.v(0.5) + dend.v(0.9) + soma.n_hh(0.5))
    if (t > 1 && t < 1.03) { stim.amp = 0.6 }
    if (t > 2 && t < 2.03) { dt = 0.0125 }
    if (t > 3 && t < 3.01) { celsius = 15 }
    if (t > 4 && t < 4.01) { soma.v(0.5) = -40 }
}
""")


def test_point_process_on_a_section_hung_by_its_1_end(h):
    # the child's segments are numbered from its far end: the IClamp at x = 0.2 must sit on
    # the node NEURON puts it on, not on segment floor(0.2 * nseg) counted from the 0-end
    compare(h, """
create soma, dend
connect dend(1), soma(1)
soma { L = 20  diam = 20  insert hh }
dend { L = 300  diam = 2  nseg = 5  insert pas  e_pas = -65 }
objref st, rec_v0, rec_v1, rec_v2
dend st = new IClamp(0.2)
{ st.del = 0.5  st.dur = 2  st.amp = 0.3 }
{ rec_v0 = new Vector()  rec_v1 = new Vector()  rec_v2 = new Vector() }
rec_v0.record(&dend.v(0.1))
rec_v1.record(&dend.v(0.9))
rec_v2.record(&soma.v(0.5))
finitialize(-65)
while (t < 4) { fadvance() }
""")
