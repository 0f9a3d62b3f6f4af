"""Library file names legacy scripts load (stdgui.hoc, noload.hoc, nrngui.hoc) and
load_proc/load_func/load_template, compared with the first lines nrniv prints for
shared/reference/legacy/cases/load_stdgui_noload."""
from __future__ import annotations

from hocx.api import Session


def run(text: str):
    out: list[str] = []
    err: list[str] = []
    Session(out=out.append, err=err.append).execute(text, "t.hoc")
    return "".join(out), "".join(err)


def test_stdgui_and_noload_load_the_run_system():
    out, err = run('load_file("stdgui.hoc")\n'
                   '{printf("REF noload %d\\n", load_file("noload.hoc"))}\n'
                   '{printf("REF again stdgui=%d stdrun_by_name=%d\\n", load_file("stdgui.hoc"), '
                   'load_file("stdrun.hoc", "run"))}\n'
                   '{printf("%d %d\\n", name_declared("run"), name_declared("stdinit"))}\n')
    assert out == "\t1 \nREF noload 1\nREF again stdgui=1 stdrun_by_name=0\n1 1\n"
    assert "Couldn't find" not in err


def test_nrngui_loads():
    out, err = run('{x = load_file("nrngui.hoc")}\nprint x, name_declared("tstop")\n')
    assert out == "1 5 \n"


def test_load_proc_of_a_defined_and_an_undefined_name():
    out, err = run('proc p() {}\nload_proc("p")\n{print load_proc("nope"), load_func("sin")}\n'
                   '{print load_template("Vector")}\n')
    assert out == "\t1 \n0 1 \n1 \n"
    assert "no library file defines nope" in err


def test_nrngui_makes_the_main_menu_once():
    out, err = run('{load_file("nrngui.hoc")}\nobjref l\n'
                   '{printf("%s %d\\n", nrnmainmenu_, mapped_nrnmainmenu_)}\n'
                   '{nrnmainmenu()  l = new List("NEURONMainMenu")  print l.count}\n'
                   '{printf("%d %d\\n", PWManager[0].count, PWManager[0].manager)}\n')
    assert out == "NEURONMainMenu[0] 1\n1 \n0 -1\n"


def test_stdgui_declares_without_making_the_menu():
    out, err = run('{load_file("stdgui.hoc")}\n'
                   '{printf("%s %d %d %d\\n", nrnmainmenu_, mapped_nrnmainmenu_, '
                   'name_declared("NEURONMainMenu"), name_declared("graphItem"))}\n')
    assert out == "NULLobject 0 1 2\n"


def test_guimath_helpers():
    out, err = run('{load_file("stdgui.hoc")}\nobjref g\ng = new GUIMath()\n'
                   '{print g.max(2, 3), g.min(2, 3), g.inside(1, 1, 0, 0, 2, 2), g.inside(3, 1, 0, 0, 2, 2)}\n'
                   '{print g.d2line(0, 1, -1, 0, 1, 0), g.d2line(3, 0, -1, 0, 1, 0)}\n')
    assert out == "3 2 1 0 \n1 4 \n"
