"""The plain line reader (no TTY): same semantics as the editor."""
from __future__ import annotations

import io

from hocx.repl import run_repl

from .conftest import run_simple


def test_bare_expression_echoes_and_assignment_does_not(fake):
    out = run_simple(fake, "x = 3\nx + 4\n")
    assert out == "\t7 \n"


def test_multiline_proc_definition_runs_when_complete(fake):
    out = run_simple(fake, "proc hello() {\n  print 42\n}\nhello()\n")
    assert out == "42 \n"
    assert "hello" in fake.procs
    # the whole definition reached the session as one input
    assert any(text.startswith("proc hello() {\n  print 42\n}") for text in fake.executed)


def test_error_then_correct_line_keeps_the_session(fake):
    out = run_simple(fake, "y = 1/0\nz = 2\nz\n")
    assert "division by zero" in out
    assert out.endswith("\t2 \n")
    assert fake.globals["z"] == 2.0


def test_error_is_rendered_with_location_and_caret(fake):
    out = run_simple(fake, "nosuch + 1\n")
    assert "<input 1>:1:1: name error: undefined variable nosuch" in out
    assert " 1 | nosuch + 1" in out
    assert "^" in out


def test_quit_returns_its_status_and_stops_reading(fake):
    out = io.StringIO()
    status = run_repl(fake, simple=True, input=io.StringIO("print 1\nquit()\nprint 2\n"), output=out)
    assert status == 0
    assert out.getvalue() == "1 \n"


def test_internal_bug_is_reported_and_session_continues(fake):
    def broken(text, origin="<string>"):
        raise RuntimeError("boom")

    fake.execute = broken
    out = run_simple(fake, "x = 1\n")
    assert "internal error in hocx" in out and "RuntimeError: boom" in out


def test_unfinished_input_at_eof_is_still_submitted(fake):
    out = run_simple(fake, "proc p() {\n print 5\n")
    assert "syntax error" in out       # the fake reports the open brace at EOF


def test_help_and_question_mark(fake):
    out = run_simple(fake, "help finitialize\nfadvance?\n")
    assert "finitialize([v])" in out and "example: finitialize(-65)" in out
    assert "fadvance()" in out and "units: ms" in out


def test_help_for_a_range_variable_uses_the_registry(fake):
    out = run_simple(fake, "help gnabar_hh\n")
    assert "gnabar_hh(x)" in out and "parameter of hh" in out and "S/cm2" in out and "0.12" in out


def test_help_unknown_name_suggests(fake):
    out = run_simple(fake, "help finitialise\n")
    assert "no help for finitialise" in out and "finitialize" in out


def test_exit_status_reports_errors_of_piped_input(fake):
    out = io.StringIO()
    assert run_repl(fake, simple=True, input=io.StringIO("x = 1/0\nx = 2\n"), output=out) == 1
    assert run_repl(fake, simple=True, input=io.StringIO("x = 2\n"), output=io.StringIO()) == 0


def test_diagnostics_go_to_stderr_when_output_is_the_process_stdout(fake, capsys):
    run_repl(fake, simple=True, input=io.StringIO("x = 1/0\nprint 3\n"))
    captured = capsys.readouterr()
    assert "division by zero" in captured.err and "division by zero" not in captured.out
