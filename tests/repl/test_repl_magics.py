"""%-commands and rich views."""
from __future__ import annotations

import numpy as np

from .conftest import real_session, run_simple


def test_history_lists_inputs_including_multiline(fake):
    out = run_simple(fake, "a = 1\nproc p() {\nprint 1\n}\n%history\n")
    assert "   1  a = 1\n   2  proc p() {\n      print 1\n      }\n" in out


def test_history_last_n(fake):
    out = run_simple(fake, "a = 1\nb = 2\nc = 3\n%history 2\n")
    assert "b = 2" in out and "c = 3" in out and "a = 1" not in out


def test_save_writes_only_inputs_that_ran(fake, tmp_path):
    path = tmp_path / "s.hoc"
    out = run_simple(fake, f"a = 1\nb = 1/0\nc = 3\nhelp sqrt\n%save {path}\n")
    assert path.read_text() == "a = 1\nc = 3\n"
    assert "saved 2 inputs" in out


def test_time_reports_wall_time_and_runs_the_statement(fake):
    out = run_simple(fake, "%time q = 2 + 2\nq\n")
    assert "wall time:" in out and out.endswith("\t4 \n")


def test_run_executes_a_file(fake, tmp_path):
    f = tmp_path / "m.hoc"
    f.write_text("z = 42\n")
    out = run_simple(fake, f"%run {f}\nz\n%run {tmp_path}/missing.hoc\n")
    assert "\t42 \n" in out and "no such file" in out


def test_unknown_magic_suggests(fake):
    out = run_simple(fake, "%histroy\n%magic\n")
    assert "unknown command %histroy" in out and "did you mean %history?" in out
    assert "%export" in out and "%tree" in out


def test_export_needs_data_and_a_known_format(fake, tmp_path):
    out = run_simple(fake, f"%export {tmp_path}/x.npz\n")
    assert "nothing to export" in out
    out = run_simple(fake, "create soma\nobjref rv\nrv = new Vector()\nrv.record(&soma.v(0.5))\ntstop = 0.1\n"
                           f"run()\n%export {tmp_path}/x.txt\n%export {tmp_path}/x.npz\n")
    assert "cannot tell the format" in out
    assert np.load(tmp_path / "x.npz")["rv"].shape == (5,)


def test_reset_starts_a_fresh_session(fake):
    out = run_simple(fake, "a = 5\n%reset\na\n")
    assert "session reset" in out and "undefined variable a" in out


def test_who_and_tree_with_real_session():
    session = real_session()
    out = run_simple(session, "create soma, dend[2]\nconnect dend[0](0), soma(1)\nconnect dend[1](0), soma(0.5)\n"
                              "soma insert hh\nobjref vv[2]\nstrdef s\ns = \"hello\"\nw = 3\n%who\n%tree\n")
    who = out[out.index("names"):out.index("model")]
    for name in ("soma", "dend", "vv", "s", "w", "hello", "array [2]"):
        assert name in who
    for builtin in ("PI", "Vector", "celsius", "sqrt"):
        assert f" {builtin} " not in who
    tree = out[out.index("model"):]
    assert tree.index("soma") < tree.index("dend[0](0) → soma(1)") < tree.index("dend[1](0) → soma(0.5)")
    assert "hh" in tree


def test_show_with_filters_real_session():
    session = real_session()
    out = run_simple(session, "create soma, dend\ndend.nseg = 3\nshow dend\nshow nosuch\nshow(\"soma\")\n")
    assert out.count("dend") >= 3          # three segment rows of dend
    assert "'nosuch' is not a column, a section list or a section" in out
    assert "soma" in out.split("nosuch")[-1]
    out = run_simple(session, "objref stim\nsoma stim = new IClamp(0.5)\nstim.amp = 0.3\nshow edges\n")
    assert "IClamp" in out and "0.3" in out


def test_trainables_view_without_trainables(fake):
    assert "no trainable parameters" in run_simple(fake, "%trainables\n")


def test_trainables_view_and_toolbar_with_real_session():
    from hocx.repl.engine import Engine
    from hocx.repl.toolbar import toolbar_text

    session = real_session()
    out = run_simple(session, "create soma\nsoma insert hh\nsoma make_trainable(\"gnabar_hh\")\n%trainables\n")
    assert "gnabar_hh" in out
    assert "1 trainable" in toolbar_text(Engine(session, stdout=__import__("io").StringIO()))


def test_trainables_fallback_table(fake):
    from types import SimpleNamespace

    fake.trainables = [SimpleNamespace(name="gnabar_hh", value=np.array([0.1, 0.2, 0.15])),
                       SimpleNamespace(name="Ra", value=np.array([100.0]))]
    out = run_simple(fake, "%trainables\n")
    assert "gnabar_hh" in out and "0.1 .. 0.2" in out and "Ra" in out and "100" in out
