"""The REPL engine: what happens to one complete input, independent of the line editor.

Both front ends (the prompt_toolkit editor in ``prompt.py`` and the plain line
reader in ``simple.py``) hand complete inputs to ``Engine.submit``.  The engine
routes REPL commands (``%time``, ``help``, ``NAME?``, ``plot``, ``show``) and
sends everything else to ``Session.execute`` exactly as a file would, so
top-level echo and errors match nrniv.  Nothing a user types, and no bug in
the REPL itself, ends the session: only ``quit()`` and end of input do.
"""
from __future__ import annotations

import re
import sys
import time
import traceback
from dataclasses import dataclass
from typing import Callable, TextIO

from rich.console import Console
from rich.text import Text

from ..errors import HocError, HocQuit, HocSyntaxError, render_diagnostic
from . import introspect
from .lexer import looks_incomplete, template_open

MAX_FRAMES = 4          # call-chain lines shown for an error (nrniv shows 4, then "and others")
PROMPT = "oc> "          # nrniv's prompt, plus a space
CONTINUATION = "... "    # while an input is unfinished

_HELP_RE = re.compile(r"^\s*(?:help(?:\s+(?P<name>[A-Za-z_][\w.]*))?|\?)\s*$")
_QMARK_RE = re.compile(r"^\s*(?:\?\s*(?P<a>[A-Za-z_][\w.]*)|(?P<b>[A-Za-z_][\w.]*)\s*\?)\s*$")
_PLOT_RE = re.compile(r"^\s*plot(?:\s+(?P<args>[^(\s].*)?)?\s*$", re.S)
# calls that (re)start the simulator, for the toolbar's "next run recompiles"
_RUN_CALL = re.compile(r"\b(run|continuerun|finitialize|fadvance|stdinit|init|steprun|step)\s*\(")
_SHOW_RE = re.compile(r"^\s*show(?:\s+(?P<args>[^(=\s].*)?)?\s*$", re.S)


def _parser_function(name: str):
    """``hocx.syntax.NAME`` (or ``hocx.syntax.parser.NAME``), None when absent."""
    try:
        from .. import syntax
    except ImportError:
        return None
    fn = getattr(syntax, name, None)
    if fn is None:
        try:
            from ..syntax import parser
        except Exception:
            return None
        fn = getattr(parser, name, None)
    return fn


def _stack_depth(session) -> int | None:
    fn = getattr(introspect.model(session), "stack_depth", None)
    try:
        return int(fn()) if callable(fn) else None
    except Exception:
        return None


@dataclass
class Outcome:
    """What became of one input: ok, error, syntax, interrupted or quit."""

    status: str


def _no_color(color: bool | None) -> bool | None:
    """rich's no_color: True when colour is off, else None so that rich reads $NO_COLOR."""
    return True if color is False else None


class Engine:
    """Runs complete inputs against a Session and renders results to a console."""

    def __init__(self, session, *, stdout: TextIO | None = None, stderr: TextIO | None = None,
                 color: bool | None = None, width: int | None = None):
        self.session = session
        self.stdout = stdout if stdout is not None else sys.stdout
        # diagnostics go to stderr, unless the caller gave one stream for everything
        if stderr is None:
            stderr = sys.stderr if self.stdout is sys.stdout else self.stdout
        self.stderr = stderr
        self.console = Console(file=self.stdout, force_terminal=color, no_color=_no_color(color),
                               width=width, highlight=False, soft_wrap=False)
        self.err_console = Console(file=stderr, force_terminal=color, no_color=_no_color(color),
                                   width=width, highlight=False, soft_wrap=False)
        self.inputs: list[str] = []     # every submitted input (for %history)
        self.ran: list[str] = []        # inputs that ran without error (for %save)
        self.exit_status: int | None = None
        self.errors = 0                  # inputs that ended in an error
        self.last_run_structure: tuple | None = None   # compile_signature at the last run
        self.plot_defaults: dict = {}
        self._stack_depth: int | None = None
        self._route_session_output()

    # ---- output ---------------------------------------------------------
    def _route_session_output(self) -> None:
        """Send the program's stdout/diagnostics to our stream when it is not the process stdout."""
        if self.stdout is not sys.stdout and hasattr(self.session, "out"):
            self.session.out = self.write
        if self.stderr is not sys.stderr and hasattr(self.session, "err"):
            self.session.err = self.stderr.write

    def write(self, text: str) -> None:
        self.stdout.write(text)
        if hasattr(self.stdout, "flush"):
            self.stdout.flush()

    def message(self, text: str, style: str = "") -> None:
        """A REPL message (not program output) on stdout: plain text, never rich markup."""
        self.console.print(Text(text, style=style))

    def error(self, text: str) -> None:
        """A diagnostic, on the error stream."""
        if self.stdout is not self.stderr and hasattr(self.stdout, "flush"):
            self.stdout.flush()
        self.err_console.print(Text(text, style="bold red"))

    # ---- input classification -------------------------------------------
    def is_repl_command(self, text: str) -> bool:
        """True for inputs the REPL handles itself (%-commands, help, NAME?, plot, show)."""
        return self._command_of(text) is not None

    def needs_more(self, text: str) -> bool:
        """True when ``text`` is an unfinished HOC input (open brace, proc, template, ``\\``)."""
        if not text.strip() or self.is_repl_command(text):
            return False
        is_complete = _parser_function("is_complete")
        if is_complete is None:
            return looks_incomplete(text)
        try:
            if not is_complete(text):
                return True
        except HocError:
            return False          # a plain syntax error: let execute() report it
        except Exception:
            return looks_incomplete(text)
        return template_open(text)

    def check_syntax(self, text: str) -> HocSyntaxError | None:
        """The syntax error in the first statement of ``text``, if any (nothing is executed).

        Only the first top-level item is checked: later ones may depend on
        declarations the first one makes when it runs.
        """
        symbols = self.session if hasattr(self.session, "kind_of") else getattr(self.session, "symbols", None)
        parse_items = _parser_function("parse_items")
        if symbols is None or parse_items is None or self.is_repl_command(text):
            return None
        try:
            next(iter(parse_items(text + "\n", self.origin(len(self.inputs) + 1), symbols)), None)
        except HocSyntaxError as err:
            return None if err.incomplete else err
        except Exception:
            return None
        return None

    # ---- running --------------------------------------------------------
    def submit(self, text: str) -> Outcome:
        """Run one complete input; never raises (except SystemExit-like quit handling)."""
        text = text.rstrip("\n")
        if not text.strip():
            return Outcome("ok")
        self.inputs.append(text)
        outcome = self._submit(text)
        if outcome.status in ("error", "syntax"):
            self.errors += 1
        return outcome

    def _submit(self, text: str) -> Outcome:
        from ..progress_view import progress_context

        try:
            with progress_context(self.session, self.stderr):   # spinner, bar, ETA on a terminal
                return self._dispatch(text)
        except KeyboardInterrupt:
            self._after_interrupt()
            return Outcome("interrupted")
        except HocQuit as q:
            self.exit_status = q.status
            return Outcome("quit")
        except HocError as err:
            self.show_error(err, text)
            return Outcome("error")
        except RecursionError:
            self._reset_interpreter()
            self.error("error: the program nests too deeply (Python recursion limit)")
            return Outcome("error")
        except Exception as exc:  # a bug in hocx itself: report briefly and carry on
            self.internal_error(exc)
            return Outcome("error")

    def _command_of(self, text: str) -> tuple[str, str] | None:
        """(command, argument) for a REPL command (%, help, NAME?, plot, show); None for HOC."""
        stripped = text.strip()
        if stripped.startswith("%"):
            return "magic", stripped
        if stripped.startswith("!"):
            from .shell import shell_command
            cmd = shell_command(self.session, stripped)
            if cmd is not None:
                return "shell", cmd
        m = _HELP_RE.match(text) or _QMARK_RE.match(text)
        if m:
            groups = m.groupdict()
            return "help", groups.get("name") or groups.get("a") or groups.get("b") or ""
        m = _PLOT_RE.match(text)
        if m and "plot" not in self._user_names():     # a user proc named plot wins
            return "plot", (m.group("args") or "").strip()
        m = _SHOW_RE.match(text)
        if m:
            return "show", (m.group("args") or "").strip()
        return None

    def _dispatch(self, text: str) -> Outcome:
        command = self._command_of(text)
        if command is None:
            return self.run_hoc(text)
        kind, arg = command
        if kind == "magic":
            from .magics import run_magic
            run_magic(self, arg)
        elif kind == "help":
            from .helpdb import render_help
            render_help(self, arg or None)
        elif kind == "plot":
            from .plotcmd import plot_command
            plot_command(self, arg)
        elif kind == "shell":
            from .shell import run_shell
            run_shell(self, arg)
        else:
            from .views import show_command
            show_command(self, arg)
        return Outcome("ok")

    def _user_names(self) -> set[str]:
        return {n for n, k in introspect.names(self.session).items()
                if introspect.kind_class(k) not in ("builtin",)}

    def run_hoc(self, text: str) -> Outcome:
        """Execute HOC text through the session, rendering errors; returns the outcome."""
        t_before = introspect.get_global(self.session, "t")
        self._stack_depth = _stack_depth(self.session)
        if _RUN_CALL.search(text):
            from .plotcmd import drop_stale_recordings
            drop_stale_recordings(self)       # plot's hidden Vectors of since-deleted sections
        try:
            self.session.execute(text + "\n", self.origin())
        except HocSyntaxError as err:
            self.show_error(err, text)
            return Outcome("syntax")
        except HocError as err:
            self.show_error(err, text)
            self._note_run(text, t_before)
            return Outcome("error")
        except KeyboardInterrupt:
            self._note_run(text, t_before)
            self._after_interrupt()
            return Outcome("interrupted")
        self._note_run(text, t_before)
        self.ran.append(text)
        return Outcome("ok")

    def _note_run(self, text: str, t_before: float | None) -> None:
        """Remember what the simulator last ran with, if this input ran it (t moved, or a run call)."""
        t_after = introspect.get_global(self.session, "t")
        if (t_after is not None and t_after != t_before) or _RUN_CALL.search(text):
            self.last_run_structure = introspect.compile_signature(self.session)

    def _after_interrupt(self) -> None:
        """Leave the session usable after Ctrl-C and say where the simulation stopped."""
        self._reset_interpreter()
        t = introspect.get_global(self.session, "t")
        where = f" at t = {t:g} ms" if t is not None else ""
        self.err_console.print(Text(f"KeyboardInterrupt: stopped{where}; model and recordings kept",
                                    style="yellow"))

    def _reset_interpreter(self) -> None:
        """Back to the top level: section stack as before the input, then the session's own hook."""
        model = introspect.model(self.session)
        restore = getattr(model, "restore", None)
        if callable(restore) and self._stack_depth is not None:
            try:
                restore(self._stack_depth)
            except Exception:
                pass
        for name in ("interrupt_reset", "reset_after_interrupt"):
            hook = getattr(self.session, name, None)
            if callable(hook):
                try:
                    hook()
                except Exception:
                    pass
                break

    # ---- diagnostics ----------------------------------------------------
    def show_error(self, err: HocError, text: str) -> None:
        if getattr(err, "nrn_stdout", ""):
            self.write(err.nrn_stdout)
        line = None
        if err.source_line is None and err.span is not None:
            source = text if err.span.file == self.origin() else self._input_of(err.span.file)
            lines = (source or "").split("\n")
            if source is not None and 1 <= err.span.line <= len(lines):
                line = lines[err.span.line - 1]
        # deep recursion: a folded run of frames, and not hundreds of lines
        report = render_diagnostic(err, source_line=line, max_chain=MAX_FRAMES)
        self.error(report)

    def origin(self, number: int | None = None) -> str:
        """The file name errors cite for input ``number`` (default: the one being run): ``<input 3>``.

        Each input gets its own name, matching ``%history``, so an error inside a proc
        defined three inputs ago points at that input's text.
        """
        return f"<input {len(self.inputs) if number is None else number}>"

    def _input_of(self, origin: str) -> str | None:
        m = re.fullmatch(r"<input (\d+)>", origin)
        if m and 1 <= int(m.group(1)) <= len(self.inputs):
            return self.inputs[int(m.group(1)) - 1]
        return None

    def internal_error(self, exc: BaseException) -> None:
        tb = traceback.extract_tb(exc.__traceback__)
        where = f" ({tb[-1].filename.rsplit('/', 1)[-1]}:{tb[-1].lineno})" if tb else ""
        self.error(f"internal error in hocx{where}: {type(exc).__name__}: {exc}")
        self.err_console.print(Text("the session continues; please report this with the input that caused it",
                                    style="dim"))

    # ---- timing helper used by %time -------------------------------------
    def timed(self, fn: Callable[[], Outcome]) -> tuple[Outcome, float]:
        start = time.perf_counter()
        out = fn()
        return out, time.perf_counter() - start
