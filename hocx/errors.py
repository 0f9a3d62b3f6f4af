"""Errors hocx reports to users, and the one place they are rendered.

Every user mistake becomes a ``HocError`` carrying a ``Span`` (file, line,
column) so it can be shown as::

    model.hoc:12:9: name error: unknown mechanism 'hhh' (did you mean 'hh'?)
       12 | soma insert hhh
          |             ^~~
    hint: ...
      in proc build() called from model.hoc:30

This module is layer 1: it imports nothing from hocx.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class Span:
    """A source range. Lines and columns are 1-based; end_col is exclusive."""

    file: str
    line: int
    col: int
    end_line: int | None = None
    end_col: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass
class Frame:
    """One entry of the HOC call chain: `in proc foo() called from file:line`."""

    kind: str  # "proc", "func", "obfunc", "iterator", "template"
    name: str
    call_site: Span | None


class HocError(Exception):
    """Base of every error a user can cause. Never shown with a Python traceback."""

    kind = "error"

    def __init__(
        self,
        message: str,
        span: Span | None = None,
        *,
        hint: str | None = None,
        source_line: str | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.span = span
        self.hint = hint
        self.source_line = source_line
        self.frames: list[Frame] = []
        # stdout text nrniv would print for this error (e.g. "x undefined function"
        # style messages printed on stdout); the interpreter may fill it in.
        self.nrn_stdout: str = ""

    def with_span(self, span: Span | None, source_line: str | None = None) -> "HocError":
        """Attach a location if none is set yet (inner locations win)."""
        if self.span is None and span is not None:
            self.span = span
            if source_line is not None:
                self.source_line = source_line
        return self

    def render(self) -> str:
        return render_diagnostic(self)

    def __str__(self) -> str:  # pragma: no cover - convenience
        return self.render()


class HocSyntaxError(HocError):
    """The text is not valid HOC. ``incomplete`` is True when more input could fix it."""

    kind = "syntax error"

    def __init__(self, message: str, span: Span | None = None, *, incomplete: bool = False, **kw):
        super().__init__(message, span, **kw)
        self.incomplete = incomplete


class HocNameError(HocError):
    """An unknown or misused name."""

    kind = "name error"


class HocTypeError(HocError):
    """A value of the wrong kind (a string where a number is needed, ...)."""

    kind = "type error"


class HocRuntimeError(HocError):
    """Anything that goes wrong while a statement runs."""

    kind = "runtime error"


class ModelError(HocError):
    """A model that cannot be built or simulated as described (bad geometry, ...)."""

    kind = "model error"


class NumericalError(HocError):
    """The simulation diverged (NaN or runaway voltage)."""

    kind = "numerical error"


class HocQuit(Exception):
    """quit(n): not an error; carries the exit status."""

    def __init__(self, status: int = 0):
        super().__init__(status)
        self.status = int(status)


def suggest(name: str, candidates: Iterable[str]) -> str | None:
    """The closest known name, for 'did you mean ...?' hints."""
    matches = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.7)
    return matches[0] if matches else None


def header(err: HocError) -> str:
    """``kind: message`` -- ``syntax error: ...``, ``name error: ...``; a message that already
    starts with its kind (``syntax error (unexpected ';')``) is not prefixed again."""
    kind = err.kind
    if err.message.startswith(kind):
        return err.message
    return f"{kind}: {err.message}"


#: identical call-chain frames shown before the rest are folded
FOLD_AFTER = 3

EXCERPT_WIDTH = 160   # source excerpts longer than this are cut to a window around the caret


def render_diagnostic(err: HocError, *, source_line: str | None = None,
                      max_chain: int | None = None) -> str:
    """Plain-text rendering: location, message, source line with a caret, hint, call chain."""
    line_text = source_line if source_line is not None else err.source_line
    head = f"{err.span}: " if err.span is not None else ""
    out = [f"{head}{header(err)}"]
    if err.span is not None and line_text is not None:
        text = line_text.rstrip("\n")
        num = str(err.span.line)
        gutter = " " * len(num)
        col = max(err.span.col, 1)
        width = 1
        if err.span.end_line == err.span.line and err.span.end_col and err.span.end_col > col:
            width = err.span.end_col - col
        text, col, width = excerpt(text, col, width)
        out.append(f" {num} | {text}")
        # keep tabs so the caret lines up under tabbed source
        pad = "".join(ch if ch == "\t" else " " for ch in text[: col - 1])
        out.append(f" {gutter} | {pad}^" + "~" * (width - 1))
    if err.hint:
        out.append(f"hint: {err.hint}")
    out.extend(_call_chain(err.frames, max_chain))
    return "\n".join(out)


def excerpt(text: str, col: int, width: int, limit: int = EXCERPT_WIDTH) -> tuple[str, int, int]:
    """A long source line cut to ``limit`` characters around the caret (``...`` marks
    the cuts); returns the text and the caret's column and width within it."""
    if len(text) <= limit:
        return text, col, width
    start = max(0, min(col - 1 - limit // 2, len(text) - limit))
    piece = text[start:start + limit]
    lead = "..." if start > 0 else ""
    tail = "..." if start + limit < len(text) else ""
    col = col - start + len(lead)
    width = max(1, min(width, limit - (col - len(lead)) + 1))
    return lead + piece + tail, col, width


def _call_chain(frames: list[Frame], max_lines: int | None = None) -> list[str]:
    """``in proc f() called from ...`` lines; a run of identical frames (deep
    recursion) shows its first two and ``... 510 more f()``.  With ``max_lines``, at most
    that many lines are shown, then ``... and N more calls`` (N counts frames)."""
    out: list[str] = []
    k = 0
    while k < len(frames):
        fr = frames[k]
        run = 1
        while k + run < len(frames) and frames[k + run] == fr:
            run += 1
        where = f" called from {fr.call_site}" if fr.call_site is not None else ""
        line = f"  in {fr.kind} {fr.name}(){where}"
        if max_lines is not None and len(out) >= max_lines:
            out.append(f"  ... and {len(frames) - k} more calls")
            break
        if run > FOLD_AFTER:
            out += [line] * 2 + [f"  ... {run - 2} more {fr.name}()"]
        else:
            take = run if max_lines is None else min(run, max_lines - len(out))
            out += [line] * take
            run = take
        k += run
    return out
