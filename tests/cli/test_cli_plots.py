"""``hocx --plots DIR``: a legacy script's Graphs as PNG files (+ JSON data) without a display;
``--show``'s summary, units, edge table and ``--limit``."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from test_cli import hocx

LEGACY = """\
load_file("stdrun.hoc")
create soma, dend
connect dend(0), soma(1)
soma { L = 20 diam = 20 insert hh }
dend { L = 200 diam = 2 nseg = 5 insert pas }
objref stim, g, gm, vrec
soma stim = new IClamp(0.5)
stim.del = 1
stim.dur = 1
stim.amp = 0.5
tstop = 8
vrec = new Vector()
vrec.record(&soma.v(0.5))
g = new Graph()
{g.size(0, tstop, -80, 50)}
{g.addvar("soma.v(0.5)", 2, 1)}
{g.addvar("dend.v(0.9)", 3, 2)}
{g.label(0.1, 0.9, "membrane potential")}
{addplot(g, 0)}
gm = new Graph()
{gm.addvar("m_hh", "soma.m_hh(0.5)", 4, 1)}
{graphList[0].append(gm)}
run()
"""


@pytest.fixture
def legacy(tmp_path: Path) -> Path:
    (tmp_path / "legacy.hoc").write_text(LEGACY)
    return tmp_path


def test_plots_writes_each_graph_with_the_traces_data(legacy):
    pytest.importorskip("matplotlib")       # the PNGs need the `plot` extra (a fresh venv lacks it)
    r = hocx("--plots", "figs", "--save", "vecs.json", "legacy.hoc", cwd=legacy)
    assert r.returncode == 0, r.stderr
    assert "wrote Graph_0.png, Graph_1.png" in r.stderr
    data = json.loads((legacy / "figs" / "Graph_0.json").read_text())
    assert data["name"] == "Graph[0]" and data["ylabel"] == "v (mV)"
    assert [ln["label"] for ln in data["lines"]] == ["soma.v(0.5)", "dend.v(0.9)"]
    assert [(ln["color"], ln["brush"]) for ln in data["lines"]] == [(2, 1), (3, 2)]
    assert data["labels"] == [{"x": 0.1, "y": 0.9, "text": "membrane potential"}]
    soma = data["lines"][0]
    # one point at t = 0 (initPlot) and one after every step: the same samples a Vector records
    vrec = json.loads((legacy / "vecs.json").read_text())["vectors"]["vrec"]
    assert len(soma["x"]) == len(vrec) == 321
    assert np.allclose(soma["x"], np.arange(321) * 0.025)
    assert np.allclose(soma["y"], vrec)
    assert max(soma["y"]) > 0 > min(soma["y"])               # the spike is in the figure
    gm = json.loads((legacy / "figs" / "Graph_1.json").read_text())
    assert gm["lines"][0]["label"] == "m_hh" and 0 < min(gm["lines"][0]["y"]) < max(gm["lines"][0]["y"]) < 1


def test_plots_png_files_are_images(legacy):
    pytest.importorskip("matplotlib")
    r = hocx("--plots", "figs", "legacy.hoc", cwd=legacy)
    assert r.returncode == 0, r.stderr
    for name in ("Graph_0.png", "Graph_1.png"):
        head = (legacy / "figs" / name).read_bytes()
        assert head[:8] == b"\x89PNG\r\n\x1a\n" and len(head) > 10_000


def test_plots_reports_graphs_with_nothing_drawn(tmp_path):
    (tmp_path / "a.hoc").write_text("objref g\ng = new Graph()\n")
    r = hocx("--plots", "out", "a.hoc", cwd=tmp_path)
    assert r.returncode == 0 and "nothing drawn in Graph[0]" in r.stderr
    assert not list((tmp_path / "out").iterdir())


def test_plots_without_a_folder_is_a_usage_error(tmp_path):
    r = hocx("--plots", cwd=tmp_path)
    assert r.returncode == 2 and "--plots needs a folder" in r.stderr


def test_show_has_summary_units_edges_and_limit(tmp_path):
    (tmp_path / "m.hoc").write_text(
        "create soma, dend[3]\nsoma insert hh\nforall nseg = 5\n"
        "for i = 0, 2 connect dend[i](0), soma(1)\n"
        "objref syn, ns, nc\nsoma syn = new ExpSyn(0.5)\nns = new NetStim()\nnc = new NetCon(ns, syn)\n")
    r = hocx("--show", "--limit", "3", "m.hoc", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert out.startswith("model: 4 sections, 20 compartments")
    assert "mechanisms: hh (1 section)" in out and "synapses: 1;" in out
    assert "L (µm)" in out and "gnabar_hh (S/cm2)" in out and "v (mV)" in out
    assert "17 more rows of 20" in out                     # --limit 3 of 20 segment rows
    assert "edges: point processes, synapses, NetCons" in out
    assert "ExpSyn[0]" in out and "NetCon[0]" in out and "delay (ms)" in out
    full = hocx("--show", "m.hoc", cwd=tmp_path).stdout   # not a terminal: every row
    assert "more rows" not in full
    assert full.count("│dend[2]") == 5 * full.count("┃section")  # 5 rows in each column block
    assert hocx("--show", "--limit", "x", "m.hoc", cwd=tmp_path).returncode == 2


def test_plots_without_matplotlib_keeps_the_data_and_says_how(legacy, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)       # import matplotlib fails
    r = hocx("--plots", "figs", "legacy.hoc", cwd=legacy)
    assert r.returncode == 1
    assert "matplotlib is not installed" in r.stderr and "hocx[plot]" in r.stderr
    assert (legacy / "figs" / "Graph_0.json").exists() and not (legacy / "figs" / "Graph_0.png").exists()


def test_the_plot_extra_is_declared():
    text = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
    assert 'plot = ["matplotlib' in text
