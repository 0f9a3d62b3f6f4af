"""The REPL on the real hocx Session: echo as nrniv, a ball-and-stick run, plots, Ctrl-C in run()."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from .conftest import flag_when_executed, interrupt_main_when, real_session, run_piped, run_simple

CONFORMANCE = Path(__file__).resolve().parents[1] / "conformance"

BALL_AND_STICK = """\
load_file("stdrun.hoc")
create soma, dend
connect dend(0), soma(1)
soma { nseg = 1  L = 20  diam = 20  insert hh }
dend { nseg = 11  L = 500  diam = 2  insert pas  g_pas = 0.001  e_pas = -65 }
forall Ra = 100
objref stim, rec_vsoma, rec_vdend, rec_t
soma stim = new IClamp(0.5)
stim.del = 5
stim.dur = 1
stim.amp = 0.5
rec_vsoma = new Vector()
rec_vdend = new Vector()
rec_t = new Vector()
{rec_vsoma.record(&soma.v(0.5))  rec_vdend.record(&dend.v(0.5))  rec_t.record(&t)}
"""


@pytest.fixture
def session():
    s = real_session()
    return s


@pytest.mark.parametrize("snippet", ["c05_toplevel_echo", "c09_printf_echo", "c01_precedence",
                                     "c15_if_else", "c16_proc_args"])
def test_repl_output_matches_nrniv(session, snippet):
    """Typed line by line, a conformance snippet prints exactly what nrniv prints."""
    text = (CONFORMANCE / f"{snippet}.hoc").read_text()
    expected = json.loads((CONFORMANCE / f"{snippet}.json").read_text())["stdout"]
    assert run_simple(session, text) == expected


def test_ball_and_stick_run_plot_show_export(session, tmp_path):
    script = BALL_AND_STICK + (
        "tstop = 20\nrun()\nt\nplot rec_vsoma rec_vdend\nplot v(0.5) soma dend\nshow soma\n%tree\n"
        f"%export {tmp_path}/tr.npz\n%export {tmp_path}/tr.csv\n%save {tmp_path}/s.hoc\n")
    out = run_simple(session, script)
    assert "\t20 \n" in out
    assert "rec_vsoma = soma.v(0.5) (mV)" in out and "rec_vdend = dend.v(0.5) (mV)" in out
    assert "soma.v(0.5) (mV)" in out and "t (ms)" in out and "(mV)" in out
    assert "gnabar_hh" in out                      # show soma: the model table of soma
    assert "dend(0) → soma(1)" in out and "nseg=11" in out
    data = np.load(tmp_path / "tr.npz")
    assert data["rec_vsoma"].shape == data["rec_t"].shape == (801,)
    assert data["rec_t"][-1] == pytest.approx(20.0)
    assert data["rec_vsoma"].max() > 0              # it spiked
    header = (tmp_path / "tr.csv").read_text().splitlines()[0]
    assert header == "rec_vsoma,rec_vdend,rec_t"
    saved = (tmp_path / "s.hoc").read_text()
    assert saved.startswith('load_file("stdrun.hoc")\n') and "run()\n" in saved and "%" not in saved
    # the saved inputs rebuild the same model in a fresh session
    fresh = real_session()
    fresh.out = lambda s: None
    fresh.execute(saved, "s.hoc")
    assert float(fresh.get_global("t")) == pytest.approx(20.0)


def test_ctrl_c_during_run_keeps_t_and_recordings(session):
    # compile first (a short run of the same model), so Ctrl-C lands in the long run itself
    run_simple(session, BALL_AND_STICK + "tstop = 1\nrun()\ntstop = 1e5\n")
    started = flag_when_executed(session, "run()")
    for delay in (1.0, 2.5, 5.0):          # a loaded machine may still be setting the run up
        started.clear()
        with interrupt_main_when(started.is_set, delay=delay):
            status, out = run_piped(session, "run()\rprint t, rec_vsoma.size(), rec_t.size()\r\x04")
        assert "KeyboardInterrupt: stopped at t =" in out
        t = float(session.get_global("t"))
        if t > 0:
            break
    assert 0 < t < 1e5
    n = int(round(t / float(session.get_global("dt")))) + 1
    assert out.rstrip().endswith(f"{t:g} {n} {n}")
    # the session still works and can continue the run
    assert run_simple(session, "continuerun(t + 1)\nt\n").endswith(f"\t{t + 1:g} \n")


def test_ctrl_c_stops_a_runaway_loop(session):
    with interrupt_main_when(lambda: float(session.get_global("i")) > 100, timeout=20):
        status, out = run_piped(session, "i = 0\rwhile (1) { i += 1 }\ri > 0\r\x04")
    assert "KeyboardInterrupt" in out and out.endswith("\t1 \n")


def test_multiline_proc_and_template_in_the_editor(session):
    keys = ("proc greet() {\r  print \"hi \", $1\r}\rgreet(3)\r"
            "begintemplate Cell\rpublic x\rproc init() { x = $1 }\rendtemplate Cell\r"
            "objref c\rc = new Cell(4)\rc.x\r\x04")
    status, out = run_piped(session, keys)
    assert out.endswith("hi 3 \n\t4 \n")


def test_syntax_error_in_the_editor_stays_editable(session):
    # ';' is a syntax error in HOC; Enter is refused, Ctrl-E + Backspace removes it
    status, out = run_piped(session, ["x = 1;\r", "\x05\x7f\r", "x\r", "\x04"])
    assert out.endswith("\t1 \n")


def test_completion_with_real_session(session):
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from hocx.repl.completer import HocCompleter
    from hocx.repl.engine import Engine

    session.execute("create soma, dend\nsoma insert hh\nobjref vv\nvv = new Vector()\n", "<t>")

    def comps(text):
        return {c.text: c.display_meta_text for c in HocCompleter(Engine(session)).get_completions(
            Document(text), CompleteEvent(completion_requested=True))}

    assert "soma" in comps("so")
    assert "gnabar_hh" in comps("gnab")
    assert "record" in comps("vv.rec")
    assert "finitialize" in comps("finit")


def test_plot_uses_the_record_schedule(session):
    from hocx.repl.traces import named_trace

    run_simple(session, 'load_file("stdrun.hoc")\ncreate soma\nsoma insert hh\nobjref a, b\na = new Vector()\n'
                        "b = new Vector()\n{a.record(&soma.v(0.5), 0.5)  b.record(&soma.v(0.5))}\n"
                        "tstop = 10\nrun()\n")
    a, b = named_trace(session, "a"), named_trace(session, "b")
    assert len(a.x) >= 20 and np.allclose(a.x, 0.5 * np.arange(len(a.x)))     # every Dt = 0.5 ms
    assert len(b.x) == 401 and b.x[-1] == pytest.approx(10.0)                  # every dt
    assert a.y[4] == pytest.approx(b.y[80])                                    # both at t = 2


def test_toolbar_says_when_the_next_run_recompiles(session):
    from hocx.repl.engine import Engine
    from hocx.repl.toolbar import toolbar_text

    engine = Engine(session, stdout=__import__("io").StringIO())
    for line in ('load_file("stdrun.hoc")', "create soma", "soma insert hh", "tstop = 1", "run()"):
        assert engine.submit(line).status == "ok"
    assert "t=1 ms" in toolbar_text(engine) and "model changed" not in toolbar_text(engine)
    engine.submit("soma.gnabar_hh = 0.2")                  # a value: same compiled code
    assert "model changed" not in toolbar_text(engine)
    engine.submit("objref rv")
    engine.submit("rv = new Vector()")
    engine.submit("{rv.record(&soma.v(0.5))}")             # a new recording: recompiles
    assert "model changed — next run recompiles" in toolbar_text(engine)
    engine.submit("run()")
    assert "model changed" not in toolbar_text(engine)
    engine.submit("soma.nseg = 3")                          # topology: recompiles
    assert "model changed — next run recompiles" in toolbar_text(engine)


def test_errors_cite_the_input_they_come_from(session):
    out = run_simple(session, "proc g() {\n  print 1/0\n}\nx = 1\ng()\n%history\n")
    # the error is inside input 1 (the definition), called from input 3
    assert "<input 1>:2:9: runtime error: division by zero\n 2 |   print 1/0\n" in out
    assert "in proc g() called from <input 3>:1:1" in out
    assert "   1  proc g() {" in out and "   3  g()" in out


def test_deep_recursion_shows_a_short_call_chain(session):
    out = run_simple(session, "func f() { return f($1+1) }\nf(1)\nx = 2\nx\n")
    # a run of identical frames is folded: two shown, then "... N more f()"
    assert out.count("in func f() called from <input 1>") == 2 and " 509 more f()" in out
    assert "in func f() called from <input 2>:1:1" in out and "more calls" not in out
    assert out.endswith("\t2 \n")


def test_deep_mutual_recursion_is_cut_after_four_frames(session):
    out = run_simple(session, "func f() { return g($1+1) }\nfunc g() { return f($1+1) }\nf(1)\nx = 3\nx\n")
    assert out.count(" called from") == 4 and "more calls" in out
    assert out.endswith("\t3 \n")
