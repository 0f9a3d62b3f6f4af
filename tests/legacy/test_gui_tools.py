"""The GUI-tool machinery session files rely on, headless (shared/reference/legacy/README.md):
object_push/object_pop, fscan() of the lines after the running statement, MechanismStandard,
VBox ref/intercept, RangeVarPlot, PointProcessManager.  Figures checked against nrniv 9.0.2."""
from __future__ import annotations

import pytest

from hocx.api import Session
from hocx.errors import HocError


def run(text: str, tmp_path=None, name: str = "t.hoc") -> str:
    out: list[str] = []
    s = Session(out=out.append, err=lambda m: None)
    if tmp_path is None:
        s.execute(text, name)
    else:
        p = tmp_path / name
        p.write_text(text)
        s.execute_file(str(p))
    return "".join(out)


OBJ = """begintemplate A
public x
objref ms[3]
proc init() { x = 1  y = 2 }
endtemplate A
objref a
a = new A()
z = 5
"""


def test_object_push_sees_private_names_and_hides_the_top_level():
    got = run(OBJ + "{object_push(a)}\n{print x, y}\n"
              "{y = 7  ms[1] = new List()}\n{object_pop()}\nprint a.x, z\n"
              "{object_push(a)}\n{print y, ms[1]}\n{object_pop()}\n")
    assert got == "1 2 \n1 5 \n7 List[0] \n"


def test_object_push_of_a_builtin_object_is_an_error():
    with pytest.raises(HocError, match="object_push"):
        run("objref vv\nvv = new Vector()\n{object_push(vv)}\n")


def test_fscan_reads_the_lines_after_the_running_statement(tmp_path):
    # nrniv prints "140 210 175", "0" (the second of "6 0") and "7"
    text = ("double x[3]\n{for i=0,2 {x[i] = fscan()}}\n140\n210\n175\nprint x[0], x[1], x[2]\n"
            "proc rd() { y = fscan() }\nfor i=0,1 rd()\n6 0\nprint y\n{ z = fscan() }\n7\nprint z\n")
    assert run(text, tmp_path) == "140 210 175 \n0 \n7 \n"


def test_mechanism_standard_copies_in_and_out_of_a_point_process():
    got = run("create soma\naccess soma\nobjref ms, st\nms = new MechanismStandard(\"IClamp\")\n"
              "{ms.set(\"amp\", 0.9, 0) ms.set(\"del\", 1.5)}\nst = new IClamp(0.5)\n{ms.out(st)}\n"
              "{print st.amp, st.del, st.dur, ms.count()}\n{st.dur = 3 ms.in(st) print ms.get(\"dur\")}\n")
    assert got == "0.9 1.5 0 3 \n3 \n"


def test_boxes_answer_as_a_headless_nrniv():
    got = run("objref vb\nvb = new VBox()\nvb.intercept(1)\nvb.intercept(0)\nvb.map()\n"
              "{print vb.ismapped, vb.dialog(\"q\", \"y\", \"n\"), ivoc_style(\"*x\", \"1\")}\n")
    assert got == "\t1 \n\t0 \n\t1 \n0 0 1 \n"


RVP = """create soma, dend
connect dend(0), soma(1)
soma { L = 18  diam = 18 }
dend { L = 300  diam = 2  nseg = 11 }
objref r, y, x
y = new Vector()
x = new Vector()
"""


def test_range_var_plot_path_as_nrniv():
    got = run(RVP + 'r = new RangeVarPlot("v")\nsoma r.begin(0)\ndend r.end(1)\n{r.origin(0)}\n'
              "finitialize(-60)\n{r.to_vector(y, x) print r.left(), r.right(), y.size(), x.x[3], y.x[7]}\n"
              'r = new RangeVarPlot("v")\ndend r.begin(1)\nsoma r.end(0)\n'
              "{r.to_vector(y, x) print r.left(), r.right(), x.x[1], x.x[13]}\n")
    assert got.splitlines()[-2:] == ["0 318 15 31.636364 -60 ", "-318 0 -304.36364 -9 "]


def test_point_process_manager_survives_its_session_objref():
    got = run('load_file("nrngui.hoc")\ncreate soma\naccess soma\nnseg = 5\nobjref ocbox_, l\n'
              "{ocbox_ = new PointProcessManager(0)}\n{object_push(ocbox_)}\n"
              '{mt.select("IClamp") i = mt.selected()\nms[i] = new MechanismStandard("IClamp")\n'
              'ms[i].set("amp", 0.7, 0)\nmaction(i)\nhoc_ac_ = 0.25\nsec.sec move()}\n'
              "{object_pop()}\n{ocbox_ = ocbox_.v1}\nobjref ocbox_\n"
              'l = new List("PointProcessManager")\n'
              "{x = l.object(0).pp.get_loc() print l.count, l.object(0).pp, l.object(0).pp.amp, x}\n")
    assert got.splitlines()[-1] == "1 IClamp[0] 0.7 0.3 "


def test_impedance_of_a_passive_soma_at_zero_frequency():
    # one compartment: 1 / (g_pas * area) = 1 / (1e-3 S/cm2 * 100 pi um2 * 1e-8) MOhm
    got = run("create soma\naccess soma\n{L = 10  diam = 10/PI  insert pas  g_pas = 0.001}\n"
              "objref z\nz = new Impedance()\n{finitialize(-65) z.loc(0.5) z.compute(0)}\n"
              '{printf("%.9g\\n", z.input(0.5))}\n')
    assert float(got.split()[-1]) == pytest.approx(1.0 / (1e-3 * 100 * 1e-8) * 1e-6, rel=1e-9)


def test_a_run_without_sections_only_moves_t():
    # nrniv: run() of an empty model ends at t = tstop (gui_menus_panels' "Init & Run")
    got = run('load_file("stdrun.hoc")\nrun()\n{printf("%g\\n", t)}\n{fadvance() printf("%g\\n", t)}\n')
    assert got.splitlines()[-2:] == ["5", "5.025"]


def test_graphs_without_a_window_leave_stdrun_lists_at_init():
    # nrniv headless: view_count() is 0, so initPlot() empties graphList[0] and flush_list
    got = run('load_file("stdrun.hoc")\ncreate soma\nobjref g\ng = new Graph(0)\n'
              '{graphList[0].append(g) flush_list.append(g) print graphList[0].count, g.size(1)}\n'
              'stdinit()\n{print graphList[0].count, flush_list.count}\n')
    assert got.splitlines()[-2:] == ["1 0 ", "0 0 "]
