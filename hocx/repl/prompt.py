"""The interactive line editor: prompt_toolkit with HOC highlighting, completion and history.

Enter runs the input when the parser says it is complete and otherwise opens a
continuation line; a syntax error in the first statement keeps the input in the
editor with the cursor on the error and the diagnostic below it.  Ctrl-C clears
the input, Ctrl-D on an empty line exits, Ctrl-R searches history, Up
recalls entries starting with what is typed, and the rest of the latest history entry
starting with the input is suggested in grey (→ or Ctrl-E accepts it).  Continuation lines are indented
by open braces, and a ``}`` typed on an indentation-only line dedents it.
"""
from __future__ import annotations

import os
from pathlib import Path

from prompt_toolkit import PromptSession
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.document import Document
from prompt_toolkit.enums import DEFAULT_BUFFER
from prompt_toolkit.filters import has_focus
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.layout.processors import HighlightMatchingBracketProcessor
from prompt_toolkit.styles import Style
from prompt_toolkit.validation import ValidationError, Validator

from . import introspect
from .completer import HocCompleter
from .engine import CONTINUATION, PROMPT
from .highlight import STYLE, HocLexer
from .lexer import brace_depth
from .toolbar import toolbar_fragments

INDENT = "  "   # per open brace, on continuation lines


def history_path() -> Path:
    """Where history persists: $HOCX_HISTORY, else $XDG_DATA_HOME/hocx/history (~/.local/share)."""
    env = os.environ.get("HOCX_HISTORY")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "hocx" / "history"


def open_history(path: Path | None = None) -> History:
    """A FileHistory at path (created if needed); in-memory if the file cannot be used."""
    path = path or history_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)
        return FileHistory(str(path))
    except OSError:
        return InMemoryHistory()


class _SyntaxValidator(Validator):
    """Rejects an input whose first statement is a syntax error, keeping it editable."""

    def __init__(self, engine):
        self.engine = engine

    def validate(self, document: Document) -> None:
        err = self.engine.check_syntax(document.text)
        if err is None:
            return
        pos, col = len(document.text), len(document.text.split("\n")[-1]) + 1
        if err.span is not None:
            col = max(err.span.col, 1)
            pos = document.translate_row_col_to_index(max(err.span.line - 1, 0), col - 1)
        hint = f" ({err.hint})" if err.hint else ""
        # the caret sits under the offending column of the input (after the prompt)
        caret = " " * (len(PROMPT) + col - 1) + "^ "
        raise ValidationError(cursor_position=pos, message=f"{caret}{err.message}{hint}; fix it and press Enter")


def _bindings(engine) -> KeyBindings:
    kb = KeyBindings()
    editing = has_focus(DEFAULT_BUFFER)     # not while Ctrl-R search has the focus

    @kb.add("enter", filter=editing)
    def _enter(event):
        buf = event.current_buffer
        if engine.needs_more(buf.text):      # unfinished (open brace, template, '\'): new line
            depth = max(brace_depth(buf.document.text_before_cursor), 0)
            buf.insert_text("\n" + INDENT * depth)
            return
        buf.validate_and_handle()

    @kb.add("}", filter=editing)
    def _close_brace(event):
        """A '}' typed on a line of indentation only goes back one level."""
        buf = event.current_buffer
        line = buf.document.current_line_before_cursor
        if line and not line.strip() and line.endswith(INDENT):
            buf.delete_before_cursor(len(INDENT))
        buf.insert_text("}")

    @kb.add("escape", "enter", filter=editing)
    def _newline(event):
        event.current_buffer.insert_text("\n")

    return kb


def vi_requested(vi: bool | None) -> bool:
    """``--vi``, else HOCX_EDITING_MODE=vi in the environment."""
    if vi is not None:
        return bool(vi)
    return os.environ.get("HOCX_EDITING_MODE", "").strip().lower() == "vi"


def _typed() -> str | None:
    """The input before the cursor of the running prompt (None outside one)."""
    from prompt_toolkit.application.current import get_app_or_none

    app = get_app_or_none()
    if app is None:
        return None
    return app.current_buffer.document.text_before_cursor


def make_prompt_session(engine, *, input=None, output=None, history: History | None = None,
                        vi: bool | None = None) -> PromptSession:
    """A PromptSession wired to the engine (lexer, completer, toolbar with the signature of
    the call being typed, bindings, history; vi or emacs keys; C-x C-e / v opens $EDITOR)."""
    return PromptSession(
        message=PROMPT,
        multiline=True,
        prompt_continuation=lambda width, line_number, wrap_count: CONTINUATION.rjust(width),
        lexer=HocLexer(lambda: introspect.names(engine.session)),
        completer=HocCompleter(engine),
        complete_while_typing=False,
        enable_history_search=True,
        auto_suggest=AutoSuggestFromHistory(),     # grey completion from history; → accepts it
        history=history if history is not None else open_history(),
        key_bindings=_bindings(engine),
        bottom_toolbar=lambda: toolbar_fragments(engine, _typed()),
        vi_mode=vi_requested(vi),
        enable_open_in_editor=True,
        validator=_SyntaxValidator(engine),
        validate_while_typing=False,
        input_processors=[HighlightMatchingBracketProcessor(chars="[](){}")],
        style=Style.from_dict(STYLE),
        include_default_pygments_style=False,
        input=input,
        output=output,
        mouse_support=False,
    )


def run_prompt(engine, *, input=None, output=None, history: History | None = None,
               vi: bool | None = None) -> int:
    """The interactive loop; returns the exit status (quit(n) gives n)."""
    session = make_prompt_session(engine, input=input, output=output, history=history, vi=vi)
    failures = 0
    while True:
        try:
            text = session.prompt()
        except KeyboardInterrupt:      # Ctrl-C at the prompt: drop the input
            continue
        except EOFError:               # Ctrl-D on an empty line
            break
        except Exception as exc:       # a bug in the editor itself: report it, keep going
            engine.internal_error(exc)
            failures += 1
            if failures > 20:          # the editor cannot run at all: give up cleanly
                return 1
            continue
        try:
            outcome = engine.submit(text)
        except KeyboardInterrupt:      # a second Ctrl-C while reporting the first
            continue
        if outcome.status == "quit":
            break
    return engine.exit_status or 0
