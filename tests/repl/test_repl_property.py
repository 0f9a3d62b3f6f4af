"""Garbage in the REPL's own parts (tokenizer, completer, plot arguments, dispatch) never escapes as a Python error."""
from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from hocx.errors import HocError
from hocx.repl.completer import HocCompleter
from hocx.repl.engine import Engine
from hocx.repl.highlight import HocLexer
from hocx.repl.lexer import tokenize
from hocx.repl.plotcmd import parse

from .fakes import FakeSession

HOCISH = st.text(alphabet=st.sampled_from(list('abcdefghijklmnopqrstuvwxyz_0123456789 .,;:(){}[]"\\/*+-=<>!&|%$?\n\t')),
                 max_size=60)


@settings(max_examples=200, deadline=None)
@given(HOCISH)
def test_tokenize_and_highlight_cover_any_text(text):
    assert "".join(t.text for t in tokenize(text)) == text
    get_line = HocLexer(lambda: {"soma": "sec"}).lex_document(Document(text))
    rebuilt = "\n".join("".join(frag for _, frag in get_line(i)) for i in range(text.count("\n") + 1))
    assert rebuilt == text


@settings(max_examples=200, deadline=None)
@given(HOCISH)
def test_completer_never_raises(text):
    session = FakeSession()
    session.execute("create soma\nsoma insert hh\nobjref vec\nvec = new Vector()\n")
    list(HocCompleter(Engine(session, stdout=io.StringIO())).get_completions(
        Document(text), CompleteEvent(completion_requested=True)))


@settings(max_examples=200, deadline=None)
@given(HOCISH)
def test_plot_arguments_fail_only_with_hoc_errors(text):
    try:
        parse(text)
    except HocError:
        pass


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["%", "%time", "%export", "help", "plot", "show", "?", ""]), HOCISH)
def test_repl_commands_never_escape(prefix, text):
    out = io.StringIO()
    engine = Engine(FakeSession(), stdout=out)
    outcome = engine.submit(f"{prefix} {text}" if prefix else text)
    assert outcome.status in ("ok", "error", "syntax", "quit")
    assert "internal error" not in out.getvalue()
