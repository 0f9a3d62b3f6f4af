"""Graph headless keeps what it is asked to draw: addvar/addexpr points at each plot(x),
begin, erase, Keep Lines, beginline/line, mark, label, size, Vector.plot/line, stdrun's
graphList/addplot during run(); runs without a Graph stay on the native path."""
from __future__ import annotations

import numpy as np
import pytest

from hocx.api import Session
from hocx.errors import HocSyntaxError


@pytest.fixture
def s():
    err: list[str] = []
    session = Session(out=lambda _t: None, err=err.append)
    session.errors_seen = err
    session.execute("create soma\nsoma insert hh\nobjref g\ng = new Graph()\n")
    return session


def graph(s):
    return s.objects.instances("Graph")[0]


def test_addvar_addexpr_plot_keep_points(s):
    s.execute('{g.addvar("soma.v(0.5)")}\n{g.addexpr("2*t", 3, 2)}\n{g.addvar("mh", "m_hh(0.5)", 4, 1)}\n')
    s.execute("t = 1\n{g.plot(t)}\nt = 2\nsoma.v(0.5) = -60\n{g.plot(t)}\n")
    fig = graph(s).figure()
    lines = {ln["label"]: ln for ln in fig["lines"]}
    assert list(lines) == ["soma.v(0.5)", "2*t", "mh"]
    assert list(lines["soma.v(0.5)"]["x"]) == [1, 2] and list(lines["soma.v(0.5)"]["y"]) == [-65, -60]
    assert list(lines["2*t"]["y"]) == [2, 4] and (lines["2*t"]["color"], lines["2*t"]["brush"]) == (3, 2)
    assert lines["mh"]["color"] == 4 and len(lines["mh"]["y"]) == 2
    assert fig["plots"] == 2
    assert "".join(s.errors_seen).count("Graph windows are not shown headless") == 1


def test_begin_erase_and_keep_lines(s):
    s.execute('{g.addexpr("t")}\n{g.plot(1) g.plot(2)}\n{g.begin()}\n{g.plot(5)}\n')
    assert [list(ln["x"]) for ln in graph(s).figure()["lines"]] == [[5]]
    s.execute('{g.exec_menu("Keep Lines")}\n{g.begin()}\n{g.plot(7)}\n')
    fig = graph(s).figure()
    assert [(ln["kind"], list(ln["x"])) for ln in fig["lines"]] == [("kept", [5]), ("var", [7])]
    s.execute("{g.erase()}\n{g.plot(9)}\n")
    assert [list(ln["x"]) for ln in graph(s).figure()["lines"]] == [[9]]     # the variable stays
    s.execute("{g.erase_all()}\n{g.plot(10)}\n")
    assert graph(s).figure()["lines"] == []


def test_size_label_lines_marks_and_vectors(s):
    s.execute('{g.size(0, 20, -80, 40)}\nx1 = g.size(2)\nx2 = g.hocx_view(2)\n{g.label(0.5, 0.9, "title")}\n'
              "{g.beginline(\"ramp\", 2, 3)}\n{g.line(0, 0) g.line(1, 5)}\n{g.mark(3, 4, \"o\", 6, 5, 1)}\n"
              "objref y, x\ny = new Vector(3)\n{y.indgen()}\nx = new Vector(3)\n{x.indgen(10, 1)}\n"
              "{y.plot(g, x, 2, 1)}\n{y.line(g, 0.5)}\n{y.x[0] = 9}\n")
    assert s.get_global("x1") == 0 and s.get_global("x2") == 20    # size(i) is 0 headless (nrniv)
    fig = graph(s).figure()
    assert fig["view"] == [0, 20, -80, 40] and fig["labels"] == [(0.5, 0.9, "title")]
    kinds = [(ln["kind"], ln["label"], list(ln["x"]), list(ln["y"])) for ln in fig["lines"]]
    assert kinds[0] == ("line", "ramp", [0, 1], [0, 5])
    assert kinds[1][0] == "mark" and kinds[1][2:] == ([3], [4]) and fig["lines"][1]["color"] == 5
    assert kinds[2] == ("vector", "Vector[0]", [10, 11, 12], [9, 1, 2])      # plot: live Vector
    assert kinds[3] == ("vector", "Vector[0]", [0, 0.5, 1], [0, 1, 2])       # line: a snapshot


def test_bad_expression_is_a_hoc_error(s):
    with pytest.raises(HocSyntaxError, match="Graph.addexpr"):
        s.execute('{g.addexpr("1 +")}\n')


def test_run_plots_graphs_in_graph_list_and_native_path_without(s):
    s.execute('load_file("stdrun.hoc")\ntstop = 1\n{g.addvar("soma.v(0.5)")}\n{addplot(g, 0)}\n'
              "objref vr\nvr = new Vector()\n{vr.record(&soma.v(0.5))}\nrun()\n")
    fig = graph(s).figure()
    assert fig["view"][:2] == [0, 1]                       # addplot sizes it to tstop
    line = fig["lines"][0]
    assert np.allclose(line["x"], np.arange(41) * 0.025)
    assert np.allclose(line["y"], np.asarray(s.h.vr))
    assert s.sim.native_runs == 0                          # Plot() after every step
    # as in a headless nrniv, run() took g out of graphList[0]; hocx keeps plotting it from
    # hocx_kept_[0] (stdrun.hoc initPlot): drop it there too
    s.execute("objref g\n{graphList[0].remove_all() hocx_kept_[0].remove_all()}\nrun()\n")
    assert s.sim.native_runs == 1                          # no Graph: the fast native loop


def test_new_plot_v_and_tstop_changed(s):
    s.execute('load_file("stdrun.hoc")\ntstop = 0.5\nnewPlotV()\ntstop = 3\ntstop_changed()\nrun()\n')
    g = s.objects.instances("Graph")[-1]
    fig = g.figure()
    assert fig["lines"][0]["label"] == "v(.5)" and len(fig["lines"][0]["x"]) == 121
    assert fig["view"] == [0, 3, -80, 40]


def test_a_graph_made_inside_a_template_plots_the_instance_variables():
    s = Session(out=lambda _t: None, err=lambda _t: None)
    s.execute("begintemplate Cell\npublic soma, g, x\ncreate soma\nobjref g\n"
              'proc init() {\n x = 3\n soma { insert hh }\n g = new Graph()\n'
              ' g.addexpr("x*2")\n g.addvar("soma.v(0.5)")\n}\nendtemplate Cell\n'
              "objref c\nc = new Cell()\nx = 100\n{c.g.plot(0)}\n")
    fig = s.objects.instances("Graph")[0].figure()
    assert [list(ln["y"]) for ln in fig["lines"]] == [[6.0], [-65.0]]
