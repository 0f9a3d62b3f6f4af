"""Terminal plots: braille rendering, axes with units, several traces, PNG fallback message."""
from __future__ import annotations

import numpy as np
import pytest

from hocx.errors import HocRuntimeError, HocSyntaxError
from hocx.repl.plot import Trace, nice_ticks, render, save_png
from hocx.repl.plotcmd import parse


def test_nice_ticks_are_round_and_cover_the_range():
    assert nice_ticks(0, 40, 5) == [0, 10, 20, 30, 40]
    assert nice_ticks(-74.1, 34.0, 4) == [-50, 0]
    assert nice_ticks(3, 3) == [3]


def test_render_draws_axes_units_and_legend():
    t = np.linspace(0, 40, 401)
    text = render([Trace("soma.v(0.5)", t, -65 + 100 * np.exp(-(t - 10) ** 2), "mV"),
                   Trace("dend.v(0.5)", t, -65 + 20 * np.exp(-(t - 12) ** 2), "mV")],
                  width=60, height=10).plain
    lines = text.splitlines()
    assert lines[0].strip() == "(mV)"
    assert "t (ms)" in text
    assert "soma.v(0.5) (mV)  [-65 .. 35]" in text and "dend.v(0.5) (mV)" in text
    axis = next(ln for ln in lines if "└" in ln)
    labels = lines[lines.index(axis) + 1]
    ticks = [float(s) for s in labels.split()]
    assert ticks[0] == 0 and ticks[-1] == 40 and ticks == sorted(ticks) and len(ticks) >= 3
    body = "\n".join(lines[1:11])
    assert any(0x2800 < ord(ch) <= 0x28FF for ch in body)
    # the spike reaches the top row, the baseline sits on a lower one
    assert any(0x2800 < ord(ch) <= 0x28FF for ch in lines[1])
    assert all(len(ln) <= 60 for ln in lines[1:11])


def test_render_colours_each_trace_differently():
    t = np.arange(10.0)
    text = render([Trace("a", t, t), Trace("b", t, -t)], width=40, height=6)
    styles = {str(span.style) for span in text.spans}
    assert {"cyan", "magenta"} <= styles


def test_render_flat_and_empty_traces():
    t = np.arange(5.0)
    assert "(mV)" in render([Trace("c", t, np.full(5, -65.0), "mV")], width=30, height=4).plain
    with pytest.raises(HocRuntimeError):
        render([])
    with pytest.raises(HocRuntimeError):
        render([Trace("nan", t, np.full(5, np.nan))])


def test_parse_plot_arguments():
    assert parse("rec_v") == ([("vector", ("rec_v",))], None)
    assert parse("v(0.5) soma dend > out.png") == (
        [("range", ("v", 0.5, "soma")), ("range", ("v", 0.5, "dend"))], "out.png")
    assert parse("v( .5 ) soma")[0] == [("range", ("v", 0.5, "soma"))]
    assert parse("rv 5:20")[0] == [("vector", ("rv",)), ("xlim", (5.0, 20.0))]
    assert parse("rv :2.5")[0][1] == ("xlim", (None, 2.5))
    assert parse("rv [5:20]")[0][1] == ("xlim", (5.0, 20.0))          # the form help shows
    assert parse("rv [ 5 : 20 ]")[0][1] == ("xlim", (5.0, 20.0))
    assert parse("rv [2:]")[0][1] == ("xlim", (2.0, None))
    assert parse('soma.m_hh(0.5) dend[1].v(1) "a title"')[0] == [
        ("range", ("m_hh", 0.5, "soma")), ("range", ("v", 1.0, "dend[1]")), ("title", ("a title",))]
    with pytest.raises(HocSyntaxError):
        parse("rv [20:5]")
    with pytest.raises(HocSyntaxError):
        parse("v(0.5)")
    with pytest.raises(HocSyntaxError):
        parse("rec_v >")


def test_png_without_matplotlib_says_how_to_get_it(tmp_path):
    try:   # matplotlib is an optional extra: test whichever side this machine is on
        import matplotlib  # noqa: F401
    except ImportError:
        with pytest.raises(HocRuntimeError) as info:
            save_png([Trace("a", np.arange(3.0), np.arange(3.0))], str(tmp_path / "a.png"))
        assert "matplotlib is not installed" in info.value.message and "hocx[plot]" in info.value.hint
    else:
        save_png([Trace("a", np.arange(3.0), np.arange(3.0))], str(tmp_path / "a.png"))
        assert (tmp_path / "a.png").stat().st_size > 0


def test_plot_command_with_fake_session(fake):
    from .conftest import run_simple

    out = run_simple(fake, "create soma\nobjref rv\nrv = new Vector()\nrv.record(&soma.v(0.5))\n"
                           "tstop = 1\nrun()\nplot rv\nplot v(0.5) soma\nplot nosuch\n")
    assert "rv = soma.v(0.5) (mV)" in out           # units from the record source
    assert "soma.v(0.5) (mV)" in out and "t (ms)" in out
    assert "nosuch is not a Vector" in out


def test_plot_arms_a_recording_when_none_exists(fake):
    from .conftest import run_simple

    out = run_simple(fake, "create soma\nplot v(0.5) soma\nplot v(0.5) sona\n")
    assert "soma.v(0.5) not recorded yet: record it and run again" in out
    assert "hocx records it from now on: run() and plot again" in out
    assert "hocx_rec" not in out
    assert "sona is not a section" in out and "did you mean 'soma'" in out


def test_plot_time_window(fake):
    from .conftest import run_simple

    out = run_simple(fake, "create soma\nobjref rv\nrv = new Vector()\nrv.record(&soma.v(0.5))\n"
                           "tstop = 2\nrun()\nplot rv 0.5:1\nplot rv 7:9\n")
    axis = next(line for line in out.splitlines() if "└" in line)
    ticks = [float(s) for s in out.splitlines()[out.splitlines().index(axis) + 1].split()]
    assert ticks[0] >= 0.5 and ticks[-1] <= 1.0
    assert "no samples between 7.0 and 9.0 ms" in out
