"""MechanismType(0|1) against what nrniv 9.0.2 prints for the same calls."""
from __future__ import annotations

from hocx.api import Session

SETUP = """objref mt, mp, q, s1, s2
strdef nm
mt = new MechanismType(0)
mp = new MechanismType(1)
create soma
access soma
"""


def run(text: str) -> str:
    out: list[str] = []
    s = Session(out=out.append, err=lambda m: None)
    s.execute(SETUP + text, "t.hoc")
    return "".join(out)


def test_select_by_name_selected_and_internal_type():
    # nrniv: hh is internal type 17, pas 4; select() returns 0 (echoed at top level)
    got = run('mt.select("hh")\n{mt.selected(nm) printf("%s %d\\n", nm, mt.internal_type)}\n'
              '{mt.select("pas") mt.selected(nm) printf("%s %d\\n", nm, mt.internal_type)}\n')
    assert got == "\t0 \nhh 17\npas 4\n"


def test_unknown_name_keeps_the_selection():
    got = run('{mt.select("pas") mt.select("no_such_mech") mt.selected(nm) print nm}\n')
    assert got == "pas\n"


def test_make_and_remove_change_the_accessed_section():
    got = run('{mt.select("hh") mt.make() print ismembrane("hh")}\n'
              '{mt.remove() print ismembrane("hh")}\n')
    assert got == "1 \n0 \n"


def test_point_types_describe_events():
    got = run('{mp.select("ExpSyn") print mp.is_netcon_target(mp.selected), mp.has_net_event(mp.selected)}\n'
              '{mp.select("IClamp") print mp.is_netcon_target(mp.selected), mp.is_artificial(mp.selected)}\n'
              '{mp.select("NetStim") print mp.has_net_event(mp.selected), mp.is_artificial(mp.selected)}\n')
    assert got == "1 0 \n0 0 \n1 1 \n"


def test_density_and_point_lists_are_disjoint_and_ordered():
    got = run('{for i=0, mt.count-1 { mt.select(i) mt.selected(nm) printf("%s %d\\n", nm, mt.internal_type) }}\n'
              '{for i=0, mp.count-1 { mp.select(i) mp.selected(nm) printf("P %s %d\\n", nm, mp.internal_type) }}\n')
    lines = got.splitlines()
    dens = [ln for ln in lines if not ln.startswith("P ")]
    pts = [ln[2:] for ln in lines if ln.startswith("P ")]
    assert dens[:3] == ["morphology 2", "capacitance 3", "pas 4"]
    assert "IClamp 7" in pts and "ExpSyn 9" in pts and "hh 17" in dens
    types = [int(ln.split()[1]) for ln in dens]
    assert types == sorted(types)


def test_pp_begin_next_walks_one_node_newest_first():
    # nrniv: both synapses sit on the single node; the newest is listed first
    got = run('s1 = new ExpSyn(0.7)\ns2 = new ExpSyn(0.2)\n'
              '{mp.select("ExpSyn") q = mp.pp_begin()}\n'
              'while (object_id(q)) { print q  q = mp.pp_next() }\n'
              '{mp.select("IClamp") q = mp.pp_begin() print object_id(q)}\n')
    assert got == "ExpSyn[1] \nExpSyn[0] \n0 \n"


def test_menu_and_action_do_nothing():
    assert run('{mp.action("print 1")  mp.menu()  mt.menu()  print "ok"}\n') == "ok\n"
