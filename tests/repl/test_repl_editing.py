"""Issue 17's REPL editing aids: signature hints, the device in the toolbar, vi mode,
$EDITOR, and ``!cmd`` shell escapes."""
from __future__ import annotations

import io

import pytest

from hocx.repl.engine import Engine
from hocx.repl.prompt import make_prompt_session, vi_requested
from hocx.repl.shell import shell_command
from hocx.repl.signature import hint, open_call
from hocx.repl.toolbar import toolbar_text

from .conftest import real_session, run_simple


@pytest.mark.parametrize("typed, call", [
    ("vec.record(", ("vec.record", 0)),
    ("vec.record(&soma.v(0.5), ", ("vec.record", 1)),
    ('printf("a(%g", ', ("printf", 1)),          # the '(' inside the string opens nothing
    ("x = sin(1) + cos(", ("cos", 0)),
    ("cell[2].soma.insert(", ("cell.soma.insert", 0)),
    ("if (", None),
    ("foo(1)", None),
    ("f(1); g", None),
    ('print "abc(', None),                        # inside a string
])
def test_open_call(typed, call):
    assert open_call(typed) == call


def test_signature_hint_from_the_help_database():
    s = real_session()
    s.execute("objref vec\nvec = new Vector()\n")
    assert hint(s, "vec.record(").startswith("vec.record(&var")
    assert hint(s, "x = sin(").startswith("sin(x) — sine")
    assert hint(s, "nosuchproc(") is None
    engine = Engine(s, stdout=io.StringIO())
    text = toolbar_text(engine, "load_file(")
    assert "\n load_file(" in text and "device: " in text
    assert "\n" not in toolbar_text(engine, "x = 1")


def test_vi_mode_and_editor(monkeypatch):
    monkeypatch.delenv("HOCX_EDITING_MODE", raising=False)
    assert vi_requested(None) is False and vi_requested(True) is True
    monkeypatch.setenv("HOCX_EDITING_MODE", "vi")
    assert vi_requested(None) is True and vi_requested(False) is False
    from prompt_toolkit.enums import EditingMode
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    engine = Engine(real_session(), stdout=io.StringIO())
    with create_pipe_input() as pipe:
        ps = make_prompt_session(engine, input=pipe, output=DummyOutput(), vi=True)
        assert ps.app.editing_mode is EditingMode.VI
        assert ps.enable_open_in_editor
        ps = make_prompt_session(engine, input=pipe, output=DummyOutput(), vi=False)
        assert ps.app.editing_mode is EditingMode.EMACS


def test_bang_runs_the_shell_unless_it_is_hoc(tmp_path):
    s = real_session()
    s.execute("x = 0\n")
    assert shell_command(s, "!echo hi") == "echo hi"
    assert shell_command(s, "!x") is None           # HOC's logical not of a declared name
    assert shell_command(s, "!(1 > 2)") is None
    assert shell_command(s, "!1") is None
    out = run_simple(s, "!echo from-the-shell\n!x\n")
    assert "from-the-shell" in out
    assert "\t1 " in out                            # !x printed as HOC


def test_bang_is_refused_in_safe_mode():
    from hocx.api import Session

    s = Session(safe=True)
    out = run_simple(s, "!echo nope\n")
    assert "disabled in safe mode" in out and "nope\n" not in out.replace("echo nope", "")


def test_cli_vi_option():
    from hocx import cli

    assert cli.parse_args(["--vi"]).vi is True
    assert cli.parse_args([]).vi is False
    assert "--vi" in cli.USAGE


def test_history_auto_suggestion():
    from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
    from prompt_toolkit.buffer import Buffer
    from prompt_toolkit.document import Document
    from prompt_toolkit.history import InMemoryHistory
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    engine = Engine(real_session(), stdout=io.StringIO())
    with create_pipe_input() as pipe:
        ps = make_prompt_session(engine, input=pipe, output=DummyOutput(), vi=False)
    assert isinstance(ps.auto_suggest, AutoSuggestFromHistory)
    hist = InMemoryHistory()
    hist.append_string("soma { insert hh }")
    buf = Buffer(history=hist)
    sug = ps.auto_suggest.get_suggestion(buf, Document("soma { ins"))
    assert sug is not None and sug.text == "ert hh }"
