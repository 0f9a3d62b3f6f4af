"""``show`` in the REPL: a summary first, units in the headers, --limit/--all for big models;
``%export table.csv`` / ``%export edges FILE.csv`` write the model and edge tables."""
from __future__ import annotations

import csv

from .conftest import real_session, run_piped, run_simple

BIG = ("create soma, dend[30]\nsoma insert hh\nforall nseg = 3\n"
       "for i = 0, 29 connect dend[i](0), soma(1)\n"
       "objref syn, ns, nc\nsoma syn = new ExpSyn(0.5)\nns = new NetStim()\nnc = new NetCon(ns, syn)\n")


def test_show_summary_units_and_limit():
    session = real_session()
    out = run_simple(session, BIG + "show\n")
    assert "model: 31 sections, 93 compartments" in out
    assert "mechanisms: hh (1 section)" in out and "synapses: 1;" in out
    assert "L (µm)" in out and "diam (µm)" in out and "gnabar_hh (S/cm2)" in out
    assert "43 more rows of 93" in out                       # 50 rows shown by default
    out = run_simple(session, "show --limit 5\n")
    assert "88 more rows of 93" in out
    out = run_simple(session, "show --all\n")
    assert "more rows" not in out
    out = run_simple(session, "show edges\n")
    assert "ExpSyn[0]" in out and "delay (ms)" in out and "tau (ms)" in out and "model:" not in out
    assert "needs a number" in run_simple(session, "show --limit x\n")


def test_export_model_and_edge_tables(tmp_path, monkeypatch):
    session = real_session()
    monkeypatch.chdir(tmp_path)
    out = run_simple(session, BIG + "soma.L = 20\n%export table.csv\n%export edges syn.csv\n")
    assert "exported the model table (93 rows" in " ".join(out.split())
    rows = list(csv.reader(open(tmp_path / "table.csv", encoding="utf-8")))
    head = rows[0]
    assert head[:2] == ["cell", "section"] and "L (µm)" in head and "gnabar_hh (S/cm2)" in head
    assert len(rows) == 94
    soma = [r for r in rows[1:] if r[1] == "soma"]
    assert len(soma) == 3 and float(soma[0][head.index("L (µm)")]) == 20 / 3
    dend = next(r for r in rows[1:] if r[1] == "dend[0]")
    assert dend[head.index("gnabar_hh (S/cm2)")] == ""        # hh is not in dend
    edges = list(csv.reader(open(tmp_path / "syn.csv", encoding="utf-8")))
    assert [r[edges[0].index("name")] for r in edges[1:]] == ["ExpSyn[0]", "NetStim[0]", "NetCon[0]"]
    assert "delay (ms)" in edges[0]
    out = run_simple(real_session(), "%export table.csv\n")
    assert "nothing to export: there are no sections" in out


def test_export_table_through_the_editor(tmp_path):
    path = tmp_path / "t.csv"
    status, out = run_piped(real_session(), ["create soma, dend\n", f"%export table {path}\n", "quit()\n"])
    assert status == 0 and path.exists()
    assert path.read_text(encoding="utf-8").splitlines()[0].startswith("cell,section,seg,x,L (µm)")
