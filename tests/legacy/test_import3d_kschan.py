"""Import3d (SWC reader, Import3d_GUI.instantiate), KSChan structure, cvode.event timing.

The full cases (a real reconstruction, a KSChan channel run against nrniv's traces) are in
tests/legacy/data (test_legacy_cases.py); these are the small, fast checks of the rules."""
from __future__ import annotations

import numpy as np
import pytest

from hocx.api import Session
from hocx.errors import HocError
from hocx.sim.hocevents import HocEvents
from hocx.spec.kschan import KSFunc, gauss, kfunc

# a 3-point soma (neuromorpho style: a sphere of diameter 10), an axon of 2 points, a dendrite
# that branches into two
SWC = """# test cell
1 1 0 0 0 5 -1
2 1 -5 0 0 5 1
3 1 5 0 0 5 1
4 2 0 -5 0 1 1
5 2 0 -20 0 1 4
6 3 0 5 0 1 1
7 3 0 15 0 1 6
8 3 5 25 0 0.5 7
9 3 -5 25 0 0.5 7
"""


def run(text: str, tmp_path, files=None) -> str:
    for name, body in (files or {}).items():
        (tmp_path / name).write_text(body)
    out: list[str] = []
    s = Session(out=out.append, err=lambda m: None)
    text = '{load_file("import3d.hoc")}\n' + text
    import os
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        s.execute(text, "t.hoc")
    finally:
        os.chdir(cwd)
    return "".join(out)


def test_swc_sections_names_and_soma_sphere(tmp_path):
    got = run('objref swc, i3d, nil\nswc = new Import3d_SWC_read()\n{swc.input("c.swc")}\n'
              'i3d = new Import3d_GUI(swc, 0)\n{i3d.instantiate(nil)}\n'
              '{forall { printf("%s n3d=%d px=%g\\n", secname(), n3d(), parent_connection()) }}\n'
              'soma {printf("%g %g %g\\n", x3d(0), x3d(2), diam3d(1))}\n'
              '{printf("%d\\n", swc.sections.count)}\n', tmp_path, {"c.swc": SWC})
    # the soma is one point (a sphere: 3 points along x); axon and dendrite attach at 0.5 by a
    # wire (their first point is the soma centre, only a logical connection); the dendrite's
    # children start at its last point
    assert got == ("soma[0] n3d=3 px=0\naxon[0] n3d=2 px=0.5\ndend[0] n3d=2 px=0.5\n"
                   "dend[1] n3d=2 px=1\ndend[2] n3d=2 px=1\n-5 5 10\n5\n")


def test_swc_into_a_template_fills_its_lists(tmp_path):
    got = run('begintemplate Cell\npublic soma, axon, dend, all, somatic, axonal, basal\n'
              'create soma[1], axon[1], dend[1]\nobjref all, somatic, axonal, basal\n'
              'proc init() { all = new SectionList() somatic = new SectionList() '
              'axonal = new SectionList() basal = new SectionList() }\nendtemplate Cell\n'
              'objref swc, i3d, c\nswc = new Import3d_SWC_read()\n{swc.input("c.swc")}\n'
              'i3d = new Import3d_GUI(swc, 0)\nc = new Cell()\n{i3d.instantiate(c)}\n'
              'n = 0\nforsec c.all n += 1\nb = 0\nforsec c.basal b += 1\n'
              '{printf("%d %d\\n", n, b)}\n', tmp_path, {"c.swc": SWC})
    assert got == "5 3\n"


@pytest.mark.parametrize("body, where", [
    ("1 1 0 0 0 5 -1\n2 3 0 5 0 1 1\nthis is not swc\n", "c.swc:3"),
    ("1 1 0 0 0 5 -1\n2 3 0 5 0 1 7\n", "c.swc:2"),
])
def test_broken_swc_names_file_and_line(tmp_path, body, where):
    with pytest.raises(HocError, match=where):
        run('objref swc\nswc = new Import3d_SWC_read()\nswc.input("c.swc")\n', tmp_path, {"c.swc": body})


ASC = """; a small test cell
("CellBody"
  (Color Red)
  (CellBody)
  (0 5 0 0.1)
  (4 3 0 0.1)
  (5 0 0 0.1)
  (4 -3 0 0.1)
  (0 -5 0 0.1)
  (-4 -3 0 0.1)
  (-5 0 0 0.1)
  (-4 3 0 0.1)
)
((Dendrite)
  (0 4 0 2)
  (0 20 0 1.5)
  (
    (5 30 0 1)
    (10 40 0 1)
  |
    (-5 30 0 1)
    (-10 40 0 0.8)
  )
)
((Color Blue) (3 3 3 1) "text")
((Color Green) (Axon)
  (0 -4 0 1)
  (0 -30 2 0.8)
  (1 -60 3 0.5)
)
"""


def test_neurolucida_contour_soma_and_trees_like_nrniv(tmp_path):
    # what nrniv 9.0.2 prints for the same file: the text object is skipped, the contour
    # becomes a 21-point centroid, trees starting inside its box attach at soma(0.5)
    got = run('objref nl, i3d, nil\nnl = new Import3d_Neurolucida3()\n{nl.input("t.asc")}\n'
              'i3d = new Import3d_GUI(nl, 0)\n{i3d.instantiate(nil)}\n'
              '{forall { printf("%s n3d=%d L=%.6g px=%g\\n", secname(), n3d(), L, parent_connection()) }}\n'
              'soma {printf("%.6g %.6g %.6g\\n", x3d(0), y3d(20), diam3d(10))}\n', tmp_path, {"t.asc": ASC})
    assert got == ("\n\r30 lines read\n"
                   "soma[0] n3d=21 L=9.60566 px=0\naxon[0] n3d=3 L=56.1101 px=0.5\n"
                   "dend[0] n3d=2 L=16 px=0.5\ndend[1] n3d=3 L=22.3607 px=1\n"
                   "dend[2] n3d=3 L=22.3607 px=1\n-4.20285 1.11278 8.97655\n")


def test_neurolucida_parse_error_names_file_and_line(tmp_path):
    # nrniv: "parse error ... line 3:   (1 2 x 2)" and it stops
    with pytest.raises(HocError, match=r"t.asc:3: Neurolucida parse error"):
        run('objref nl\nnl = new Import3d_Neurolucida3()\nnl.input("t.asc")\n', tmp_path,
            {"t.asc": '((Dendrite)\n  (0 4 0 2)\n  (1 2 x 2)\n)\n'})


KS = """objref ks, nil, h, c, o, tr, g, vec
vec = new Vector(3)
ks = new KSChan(0)
{ks.name("kx") ks.gmax(0.01) ks.erev(-10)}
h = ks.add_hhstate("h")
c = ks.add_ksstate(nil, "c")
g = c.gate
o = ks.add_ksstate(g, "o")
{o.frac(1)  c.frac(0)}
tr = ks.add_transition(c, o)
{vec.x[0] = 1 vec.x[1] = 0.1 vec.x[2] = -40  tr.set_f(0, 2, vec)  tr.set_f(1, 3, vec)}
"""


def test_kschan_structure_and_pr(tmp_path):
    got = run(KS + '{ks.pr()}\n{printf("%d %d %d %s %s\\n", ks.ngate, ks.nstate, ks.ntrans, tr.src.name, '
                   'ks.trans(c, o).target.name)}\n', tmp_path)
    assert "  ngate=2 nstate=3 nhhstate=1 nligand=0 ntrans=2 ivkstrans=1 iligtrans=2\n" in got
    assert "    trans 1 src=1 target=2 type=0\n        f0 type=2   f1 type=3\n" in got
    assert got.endswith("2 3 2 c o\n")


def test_kschan_refuses_hh_state_after_kinetic_one(tmp_path):
    with pytest.raises(HocError, match="HH-style states first|add_hhstate after"):
        run(KS + 'ks.add_hhstate("late")\n', tmp_path)


def test_kschan_functions_match_neurons_formulas():
    v = np.array([-50.0, -40.0, 0.0])
    assert np.allclose(kfunc(np, KSFunc(2, (0.4, 0.05, -40)), v), 0.4 * np.exp(0.05 * (v + 40)))
    assert np.allclose(kfunc(np, KSFunc(4, (1, 0.15, -55)), v), 1 / (1 + np.exp(0.15 * (v + 55))))
    lin = kfunc(np, KSFunc(3, (0.12, 0.1, -52)), np.array([-52.0, -40.0]))
    assert lin[0] == pytest.approx(0.12) and lin[1] == pytest.approx(0.12 * 1.2 / (1 - np.exp(-1.2)))


def test_gauss_solves_like_numpy():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(3, 3)) + 4 * np.eye(3)
    b = rng.normal(size=3)
    x = gauss([[a[i, j] for j in range(3)] for i in range(3)], list(b))
    assert np.allclose(x, np.linalg.solve(a, b))


def test_cvode_event_runs_before_the_step_that_reaches_it():
    ev = HocEvents()
    ev.schedule(2.0, "a")
    # the accumulated t_80 is 1.999999999999995: the event acts before that step (te <= t+dt/2)
    assert ev.steps_to_next(0.0, 0.025, 1000) == 80
    assert ev.steps_to_next(0.0, 0.025, 50) is None
    assert ev.take_due(1.99, 0.025) == [("a", None)] and not ev.pending
