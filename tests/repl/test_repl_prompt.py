"""The prompt_toolkit REPL driven through a pipe input and a dummy output."""
from __future__ import annotations

from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document
from prompt_toolkit.history import InMemoryHistory

from hocx.repl.completer import HocCompleter
from hocx.repl.engine import Engine

from .conftest import interrupt_main_when, run_piped
from .fakes import FakeSession

ENTER = "\r"
CTRL_C = "\x03"
CTRL_D = "\x04"
UP = "\x1b[A"
TAB = "\t"


def completions(session, text):
    engine = Engine(session)
    return {c.text: c.display_meta_text for c in
            HocCompleter(engine).get_completions(Document(text), CompleteEvent(completion_requested=True))}


def test_multiline_proc_definition(fake):
    keys = "proc sq() {" + ENTER + "print 9" + ENTER + "}" + ENTER + "sq()" + ENTER + CTRL_D
    status, out = run_piped(fake, keys)
    assert status == 0
    assert out.endswith("9 \n")
    assert "sq" in fake.procs


def test_error_then_correct_line(fake):
    status, out = run_piped(fake, "q = 1/0" + ENTER + "q = 5" + ENTER + "q" + ENTER + CTRL_D)
    assert "division by zero" in out
    assert out.endswith("\t5 \n")


def test_ctrl_c_clears_the_line_and_ctrl_d_exits(fake):
    status, out = run_piped(fake, "x = 1" + CTRL_C + "y = 2" + ENTER + CTRL_D)
    assert status == 0
    assert "x" not in fake.globals and fake.globals["y"] == 2.0


def test_quit_status(fake):
    status, _ = run_piped(fake, "quit()" + ENTER + "print 1" + ENTER)
    assert status == 0


def test_history_recall_with_up_arrow(fake):
    hist = InMemoryHistory()
    keys = ["a = 7" + ENTER, "b = 1" + ENTER, UP + UP + ENTER, "a" + ENTER, CTRL_D]
    fake_globals_before = dict(fake.globals)
    status, out = run_piped(fake, keys, history=hist)
    assert out.endswith("\t7 \n")
    # 'a = 7' was run twice: recalled by two Up presses
    assert [t.strip() for t in fake.executed].count("a = 7") == 2
    assert list(hist.get_strings())[:2] == ["a = 7", "b = 1"]
    assert fake_globals_before != fake.globals


def test_prefix_history_search(fake):
    hist = InMemoryHistory()
    for s in ("tstop = 10", "dt = 0.05", "x = 3"):
        hist.append_string(s)
    status, out = run_piped(fake, ["ts" + UP + ENTER, "tstop" + ENTER, CTRL_D], history=hist)
    assert out.endswith("\t10 \n")


def test_completion_of_a_section_name(fake):
    fake.execute("create soma, dend\n")
    comps = completions(fake, "so")
    assert "soma" in comps and comps["soma"].startswith("section")


def test_completion_of_gnabar_hh_after_insert_hh(fake):
    fake.execute("create soma\n")
    assert "gnabar_hh" not in completions(fake, "gna")
    fake.execute("soma insert hh\n")
    comps = completions(fake, "gna")
    assert "gnabar_hh" in comps and "hh" in comps["gnabar_hh"] and "S/cm2" in comps["gnabar_hh"]


def test_completion_of_mechanisms_after_insert(fake):
    comps = completions(fake, "soma insert h")
    assert "hh" in comps and "IClamp" not in comps


def test_completion_of_object_members(fake):
    fake.execute("objref vec\nvec = new Vector()\n")
    comps = completions(fake, "vec.rec")
    assert comps == {"record": "record a variable during a run"}


def test_completion_of_keywords_and_magics(fake):
    assert "begintemplate" in completions(fake, "begin")
    assert "export" in completions(fake, "%exp")


def test_tab_completes_in_the_editor(fake):
    fake.execute("create soma\n")
    status, out = run_piped(fake, ["soma insert h" + TAB, ENTER, CTRL_D])
    assert fake.model.find("soma").has_mech("hh")


def test_syntax_error_keeps_input_editable(monkeypatch, fake):
    """A rejected first statement stays in the editor; the fixed text then runs."""
    from hocx.errors import HocSyntaxError, Span

    def check(self, text):
        if "+ )" in text:
            return HocSyntaxError("syntax error", Span("<input 1>", 1, 7))
        return None

    monkeypatch.setattr(Engine, "check_syntax", check)
    # type a bad line, Enter is refused; delete ')' and finish the expression
    # (the refusal moves the cursor to the error; Ctrl-E goes back to the end)
    keys = ["w = 1 + )" + ENTER, "\x05\x7f" + "2" + ENTER, "w" + ENTER, CTRL_D]
    status, out = run_piped(fake, keys)
    assert fake.globals["w"] == 3.0
    assert not any("+ )" in t for t in fake.executed)
    assert out.endswith("\t3 \n")


def test_ctrl_c_during_a_long_run_keeps_t_and_recordings(fake):
    fake.execute("create soma\nobjref rec\nrec = new Vector()\nrec.record(&soma.v(0.5))\n")
    fake.globals["tstop"] = 50            # 2000 steps of 2 ms: finishes (and fails) if Ctrl-C is lost
    fake.step_sleep = 0.002
    with interrupt_main_when(lambda: fake.globals["t"] > 0.5):
        status, out = run_piped(fake, "run()" + ENTER + "print t" + ENTER + CTRL_D)
    t = fake.globals["t"]
    assert 0.5 < t < 50
    n = len(fake.globals["rec"].data)
    assert abs(n - (round(t / 0.025) + 1)) <= 1
    assert f"{t:g} \n" in out


def test_bottom_toolbar_reports_clock_model_and_recompile(fake):
    from hocx.repl.toolbar import toolbar_text

    engine = Engine(fake)
    fake.execute("create soma, dend\n")
    text = toolbar_text(engine)
    assert "t=0 ms" in text and "tstop=5 ms" in text and "dt=0.025 ms" in text
    assert "2 sections/2 compartments" in text
    assert "model changed" not in text
    fake.globals["tstop"] = 0.05
    engine.submit("run()")
    assert "model changed" not in toolbar_text(engine)
    engine.submit("dend { nseg = 3 }")
    assert "model changed — next run recompiles" in toolbar_text(engine)
    assert "2 sections/4 compartments" in toolbar_text(engine)


def test_ctrl_r_reverse_history_search(fake):
    hist = InMemoryHistory()
    for s in ("tstop = 10", "dt = 0.05", "x = 3"):
        hist.append_string(s)
    # Ctrl-R, type part of an old input, Enter takes it into the editor, Enter runs it
    status, out = run_piped(fake, ["\x12tsto", ENTER, ENTER, "tstop" + ENTER, CTRL_D], history=hist)
    assert [t.strip() for t in fake.executed] == ["tstop = 10", "tstop"]
    assert out.endswith("\t10 \n")


def test_history_file_persists_between_sessions(fake, tmp_path, monkeypatch):
    from hocx.repl.prompt import history_path, open_history

    monkeypatch.setenv("HOCX_HISTORY", str(tmp_path / "sub" / "hist"))
    assert history_path() == tmp_path / "sub" / "hist"
    run_piped(fake, ["k = 11" + ENTER, CTRL_D], history=open_history())
    assert "k = 11" in (tmp_path / "sub" / "hist").read_text()
    status, out = run_piped(FakeSession(), [UP + ENTER, "k" + ENTER, CTRL_D], history=open_history())
    assert out.endswith("\t11 \n")


def test_show_and_plot_render_to_text_in_the_editor(fake):
    fake.execute("create soma\nobjref rv\nrv = new Vector()\nrv.record(&soma.v(0.5))\ntstop = 2\n")
    keys = ["run()" + ENTER, "show" + ENTER, "plot rv" + ENTER, "plot v(0.5) soma" + ENTER, CTRL_D]
    status, out = run_piped(fake, keys)
    assert "section" in out and "soma" in out and "-65" in out         # the model table
    assert out.count("t (ms)") == 2 and "rv = soma.v(0.5) (mV)" in out
    assert "⣿⣿ soma.v(0.5) (mV)" in out
    assert sum(1 for ch in out if 0x2800 < ord(ch) <= 0x28FF) > 40


def test_completion_of_file_names_after_run_save_export(fake, tmp_path):
    (tmp_path / "model.hoc").write_text("x = 1\n")
    comps = completions(fake, f"%run {tmp_path}/mo")
    assert "del.hoc" in comps                  # completes the rest of the file name


def test_continuation_lines_are_indented_and_closing_brace_dedents(fake):
    keys = "proc sq() {" + ENTER + "if (1) {" + ENTER + "print 9" + ENTER + "}" + ENTER + "}" + ENTER
    status, out = run_piped(fake, keys + "sq()" + ENTER + CTRL_D)
    assert "proc sq() {\n  if (1) {\n    print 9\n  }\n}" in fake.executed[0]
