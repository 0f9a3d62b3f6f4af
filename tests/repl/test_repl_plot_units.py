"""``plot`` on a real session: one y axis per unit with quantity and unit in the label, a time
window, a title, "not recorded yet" without writing a file, PNG/SVG/PDF, no hidden names."""
from __future__ import annotations

import pytest

from .conftest import real_session, run_simple

MODEL = """load_file("stdrun.hoc")
create soma
soma { L = 20 diam = 20 insert hh }
objref stim, rv, rm, rna
soma stim = new IClamp(0.5)
stim.del = 1
stim.dur = 1
stim.amp = 0.5
rv = new Vector()
rv.record(&soma.v(0.5))
rm = new Vector()
rm.record(&soma.m_hh(0.5))
rna = new Vector()
rna.record(&soma.ina(0.5))
tstop = 6
run()
"""


@pytest.fixture(scope="module")
def ran():
    session = real_session()
    run_simple(session, MODEL)
    return session


def _panels(out: str) -> list[str]:
    """The y-axis label line above each panel."""
    lines = out.splitlines()
    return [lines[i - 1].strip() for i, ln in enumerate(lines)
            if i and ("┤" in ln or "│" in ln) and not ("┤" in lines[i - 1] or "│" in lines[i - 1])]


def test_one_axis_per_unit_with_quantity_and_unit(ran):
    out = run_simple(ran, 'plot rv rm rna [0:4] "soma, 0.5 nA"\n')
    assert out.startswith("soma, 0.5 nA")
    assert _panels(out) == ["v (mV)", "m_hh", "ina (mA/cm2)"]
    assert "(mV)" not in out.split("m_hh")[1].split("\n")[0]       # m_hh is not on a mV axis
    axis = [ln for ln in out.splitlines() if "└" in ln]
    assert len(axis) == 3
    ticks = [float(s) for s in out.splitlines()[out.splitlines().index(axis[0]) + 1].split()]
    assert ticks[0] >= 0 and ticks[-1] <= 4                        # the [T0:T1] window


def test_unrecorded_location_says_so_and_writes_no_file(ran, tmp_path):
    target = tmp_path / "m.png"
    out = run_simple(ran, f"plot soma.v(0.5) soma.h_hh(0.5) > {target}\n")
    assert "soma.h_hh(0.5) not recorded yet: record it and run again" in out
    assert not target.exists()
    assert "hocx_rec" not in out
    # hocx recorded it meanwhile: after a run it plots, and the hidden Vector stays hidden
    out = run_simple(ran, "run()\nplot soma.h_hh(0.5)\nplot hocx_rec_0\n")
    assert "soma.h_hh(0.5)  [" in out
    assert "hocx_rec_0 is not a Vector" in out and "did you mean 'hocx_rec" not in out
    export = tmp_path / "all.csv"
    out = run_simple(ran, f"%export {export}\n")
    assert "hocx_rec" not in out and "hocx_rec" not in export.read_text().splitlines()[0]
    assert export.read_text().splitlines()[0] == "rv,rm,rna"


def test_images_by_extension(ran, tmp_path):
    pytest.importorskip("matplotlib")
    for ext, magic in ((".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF")):
        path = tmp_path / f"trace{ext}"
        out = run_simple(ran, f'plot rv rm "spike" > {path}\n')
        assert f"wrote {path} (2 traces)" in " ".join(out.split())
        assert path.read_bytes()[:len(magic)] == magic
    svg = (tmp_path / "trace.svg").read_text()
    assert "v (mV)" in svg and "m_hh" in svg and "spike" in svg       # labels and title drawn
    out = run_simple(ran, f"plot rv > {tmp_path / 'x.gif'}\n")
    assert "cannot tell the image format" in out and not (tmp_path / "x.gif").exists()


def test_help_shows_the_window_form(ran):
    out = run_simple(ran, "help plot\n")
    assert "[T0:T1]" in out
    assert "rv  [" not in run_simple(ran, "plot rv [0:1]\n").split("\n")[0]


def test_plot_a_legacy_graph(ran):
    out = run_simple(ran, 'objref g\ng = new Graph()\nplot g\n{g.addvar("soma.v(0.5)")}\n'
                          '{g.addexpr("soma.ina(0.5)*1000")}\n{addplot(g, 0)}\nrun()\nplot g\n')
    assert "g has nothing drawn yet" in out
    assert "v (mV)" in out and "soma.v(0.5) (mV)  [" in out and "soma.ina(0.5)*1000  [" in out


def test_a_hidden_recording_of_a_deleted_section_never_breaks_a_run():
    out = run_simple(real_session(), 'load_file("stdrun.hoc")\ncreate soma, dend\nplot v(0.5) dend\n'
                                     "dend delete_section()\ntstop = 0.5\nrun()\nplot v(0.5) soma\n"
                                     "run()\nplot v(0.5) soma\n")
    assert "hocx_rec" not in out and "not part of the model" not in out
    assert "soma.v(0.5) (mV)  [-65 .. -65]" in out


def test_plots_magic_writes_the_graphs(tmp_path):
    session = real_session()
    out = run_simple(session, 'objref gg\ngg = new Graph()\n{gg.beginline() gg.line(0, 1) gg.line(1, 2)}\n'
                              f"%plots {tmp_path / 'figs'}\n")
    assert "wrote Graph_0.png" in out or "matplotlib is not installed" in out
    assert (tmp_path / "figs" / "Graph_0.json").exists()
