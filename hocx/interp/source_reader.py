"""``fscan()`` of the lines that follow the running statement in the file being executed.

NEURON reads a file one top-level item at a time, and ``fscan()``/``getstr()`` without an
``ropen()`` file read from that same file, right after the item that called them.  Session
files rely on it (CellBuild's ``rdses()``, subset membership, ChannelBuild's rate
parameters): a statement is followed by bare number lines, then the next statement.

:func:`run_file_items` runs a file's text item by item with a :class:`SourceCursor` on
``interp.source_cursors``; when an item read numbers, parsing resumes after the last one.
"""
from __future__ import annotations

import re
from bisect import bisect_right

from ..syntax.lexer import tokenize
from ..syntax.parser import parse_stream


class SourceCursor:
    """Where the running item of a file ends, and a reader over the text after it."""

    def __init__(self, text: str):
        self.text = text
        self.data = text.encode("utf-8", "surrogateescape")
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.start = len(text)          # char offset where the following lines begin
        self._reader = None

    def begin_item(self, last_line: int) -> None:
        """An item whose last token is on line ``last_line`` (1-based) is about to run."""
        self.start = self.starts[last_line] if last_line < len(self.starts) else len(self.text)
        self._reader = None

    def reader(self):
        """The fscan/getstr reader over the text after the running item (made on first use)."""
        if self._reader is None:
            from .builtins.file import Reader

            head = len(self.text[:self.start].encode("utf-8", "surrogateescape"))
            self._reader = Reader(self.data)
            self._reader.pos = head
        return self._reader

    def resume_at(self) -> int | None:
        """The char offset parsing resumes at when the item read from the text (else None)."""
        r = self._reader
        if r is None:
            return None
        head = len(self.text[:self.start].encode("utf-8", "surrogateescape"))
        if r.pos <= head:
            return None
        return len(self.data[:r.pos].decode("utf-8", "surrogateescape"))

    def line_of(self, offset: int) -> int:
        return bisect_right(self.starts, offset)


def current_cursor(interp) -> SourceCursor | None:
    st = getattr(interp, "source_cursors", None)
    return st[-1] if st else None


def run_file_items(interp, text: str, origin: str, lines: list[str], *, hx: bool = False) -> None:
    """Run ``text`` (a file's contents) one top-level item at a time, fscan-aware."""
    norm = text.replace("\r\n", "\n").replace("\r", "\n")
    cursor = SourceCursor(norm)
    st = getattr(interp, "source_cursors", None)
    if st is None:
        st = interp.source_cursors = []
    st.append(cursor)
    try:
        offset, line = 0, 1
        while True:
            resumed = False
            for node, last in parse_stream(tokenize(norm[offset:], origin, line=line, hx=hx),
                                           interp, origin, lines):
                cursor.begin_item(last.line if last.line is not None else line)
                interp.run_item(node)
                at = cursor.resume_at()
                if at is not None:
                    offset, line = at, cursor.line_of(at)
                    resumed = True
                    break
            if not resumed:
                return
    finally:
        st.pop()
