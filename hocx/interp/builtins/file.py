"""File I/O: the ``File`` class, NEURON's old-style ``wopen``/``ropen``/``fscan``/
``getstr`` (whose output file ``fprint`` writes to), ``getcwd`` and ``chdir``.

Reading works on the file's bytes with a cursor, so ``tell``/``seek`` are byte
offsets as in C.  Numbers are read like nrniv's ``hoc_scan``: whitespace-separated
tokens, skipping those that start with i/n/I/N or do not parse as a number,
then the whitespace after the number; the end of the file is the error
``EOF in fscan``.

With ``interp.safe`` true (``hocx --safe``) opening a file for writing,
``unlink`` and ``chdir`` are refused, and reading is limited to the allowed folders
(``hocx/interp/safety.py``, docs/SAFETY.md).
"""
from __future__ import annotations

import os
import re
import tempfile
from typing import Any

from ...errors import HocRuntimeError, Span
from ..objects import HocObject
from ..printf import sprint as format_hoc
from ..safety import check_read, expand_file_name
from .strings import int_arg, str_arg, strref_arg
from . import method_docs

_NUMBER = re.compile(rb"[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)", re.I)
_SPACE = b" \t\n\r\f\v"


def check_write_allowed(interp, what: str, span: Span | None) -> None:
    """Refuse file writes when the session runs with --safe."""
    if getattr(interp, "safe", False):
        raise HocRuntimeError(f"{what} is disabled by --safe", span)


def expand_env(interp, name: str, span: Span | None, what: str) -> str:
    """NEURON's ``$(VAR)`` expansion in file names (refused under --safe: safety.py)."""
    return expand_file_name(interp, name, span, what)


class Reader:
    """A file's bytes and a read cursor: the C stdio reading nrniv does, in Python."""

    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def eof(self) -> bool:
        return self.pos >= len(self.data)

    def skip_space(self) -> None:
        d, p = self.data, self.pos
        while p < len(d) and d[p] in _SPACE:
            p += 1
        self.pos = p

    def word(self) -> bytes | None:
        """fscanf("%s"): the next whitespace-delimited token, or None at EOF."""
        self.skip_space()
        d, p = self.data, self.pos
        if p >= len(d):
            return None
        q = p
        while q < len(d) and d[q] not in _SPACE:
            q += 1
        self.pos = q
        return d[p:q]

    def number(self, span: Span | None) -> float:
        """hoc_scan: the next number, skipping words that are not numbers."""
        while True:
            w = self.word()
            if w is None:
                raise HocRuntimeError("EOF in fscan", span)
            if w[:1] in (b"i", b"n", b"I", b"N"):
                continue
            m = _NUMBER.match(w)
            if m:
                self.skip_space()
                return float(m.group(0))

    def line(self) -> bytes | None:
        """fgets: the next line including its newline, or None at EOF."""
        d, p = self.data, self.pos
        if p >= len(d):
            return None
        q = d.find(b"\n", p)
        q = len(d) if q < 0 else q + 1
        self.pos = q
        return d[p:q]


def _decode(b: bytes) -> str:
    return b.decode("utf-8", "surrogateescape")


def _encode(s: str) -> bytes:
    return s.encode("utf-8", "surrogateescape")


class File(HocObject):
    """NEURON's File: one open file (read, write or append) plus its name."""

    hoc_class = "File"
    hoc_doc = {**method_docs.FILE,
        "ropen": "ropen([name]): open for reading; 1 on success, 0 if it cannot be opened",
        "wopen": "wopen([name]): open for writing (truncates); 1 or 0",
        "aopen": "aopen([name]): open for appending; 1 or 0",
        "close": "close(): close the file",
        "printf": "printf(fmt, ...): formatted write",
        "scanvar": "scanvar(): read the next number",
        "scanstr": "scanstr(strdef): read the next word; its length, or -1 at EOF",
        "gets": "gets(strdef): read a line (newline kept); its length, or -1 at EOF",
        "eof": "eof(): 1 at end of file",
        "isopen": "isopen(): 1 if open",
        "getname": "getname(strdef): the file name",
    }

    def __init__(self, interp: Any = None, args: list | None = None, span: Span | None = None):
        super().__init__(interp, args, span)
        args = args or []
        self.name: str = str_arg("File", args, 0, span) if args else ""
        self.mode: str | None = None      # "r", "w" or "a"
        self.reader: Reader | None = None
        self.handle = None                # binary file object for writing

    # ---- opening / closing ------------------------------------------------
    def _open(self, mode: str, args: list, span: Span | None) -> float:
        self.m_close([], span)
        if args:
            self.name = str_arg(mode + "open", args, 0, span)
        if mode != "r":
            check_write_allowed(self.interp, "writing files", span)
        path = expand_env(self.interp, self.name, span, "File." + mode + "open")
        if mode == "r":
            check_read(self.interp, path, span, "File.ropen")
        try:
            if mode == "r":
                with open(path, "rb") as fh:
                    self.reader = Reader(fh.read())
            else:
                self.handle = open(path, "wb" if mode == "w" else "ab")
        except OSError:
            return 0.0
        self.mode = mode
        return 1.0

    def m_ropen(self, args: list, span: Span | None = None) -> float:
        return self._open("r", args, span)

    def m_wopen(self, args: list, span: Span | None = None) -> float:
        return self._open("w", args, span)

    def m_aopen(self, args: list, span: Span | None = None) -> float:
        return self._open("a", args, span)

    def m_close(self, args: list, span: Span | None = None) -> float:
        if self.handle is not None:
            self.handle.close()
        self.handle, self.reader, self.mode = None, None, None
        return 0.0

    def hoc_free(self) -> None:
        self.m_close([])

    def m_isopen(self, args: list, span: Span | None = None) -> float:
        return 1.0 if self.mode else 0.0

    def m_getname(self, args: list, span: Span | None = None) -> str:
        if args:
            strref_arg("getname", args, 0, span).set(self.name)
        return self.name

    def m_mktemp(self, args: list, span: Span | None = None) -> float:
        fd, path = tempfile.mkstemp(prefix="hocx")
        os.close(fd)
        os.unlink(path)
        self.name = path
        return 1.0

    def m_unlink(self, args: list, span: Span | None = None) -> float:
        check_write_allowed(self.interp, "unlink", span)
        self.m_close([], span)
        try:
            os.unlink(expand_env(self.interp, self.name, span, "File.unlink"))
        except OSError:
            return 0.0
        return 1.0

    # ---- access for other built-ins (Vector.printf/scanf, vwrite/vread) ----
    def require_reader(self, span: Span | None) -> Reader:
        if self.reader is None:
            raise HocRuntimeError(f"{self.name} :file is not open for reading", span)
        return self.reader

    def write(self, text: str | bytes, span: Span | None = None) -> None:
        if self.handle is None:
            raise HocRuntimeError(f"{self.name} :file is not open", span)
        self.handle.write(_encode(text) if isinstance(text, str) else text)

    # ---- writing ------------------------------------------------------------
    def m_printf(self, args: list, span: Span | None = None) -> float:
        self.write(format_hoc(str_arg("printf", args, 0, span), args[1:], fname="printf", span=span), span)
        return 0.0

    def m_flush(self, args: list, span: Span | None = None) -> float:
        if self.handle is not None:
            self.handle.flush()
        return 0.0

    # ---- reading ------------------------------------------------------------
    def m_scanvar(self, args: list, span: Span | None = None) -> float:
        return self.require_reader(span).number(span)

    def m_scanstr(self, args: list, span: Span | None = None) -> float:
        target = strref_arg("scanstr", args, 0, span)
        w = self.require_reader(span).word()
        if w is None:
            return -1.0
        target.set(_decode(w))
        return float(len(w))

    def m_gets(self, args: list, span: Span | None = None) -> float:
        target = strref_arg("gets", args, 0, span)
        line = self.require_reader(span).line()
        if line is None:
            return -1.0
        target.set(_decode(line))
        return float(len(line))

    def m_eof(self, args: list, span: Span | None = None) -> float:
        if self.reader is None:
            return 1.0 if self.mode is None else 0.0
        return 1.0 if self.reader.eof() else 0.0

    def m_tell(self, args: list, span: Span | None = None) -> float:
        if self.reader is not None:
            return float(self.reader.pos)
        if self.handle is not None:
            return float(self.handle.tell())
        raise HocRuntimeError(f"{self.name} :file is not open", span)

    def m_seek(self, args: list, span: Span | None = None) -> float:
        offset = int_arg("seek", args, 0, span) if args else 0
        origin = int_arg("seek", args, 1, span) if len(args) > 1 else 0
        if self.reader is not None:
            base = {0: 0, 1: self.reader.pos, 2: len(self.reader.data)}.get(origin, 0)
            pos = base + offset
            if pos < 0:
                return -1.0
            self.reader.pos = pos
            return 0.0
        if self.handle is not None:
            self.handle.seek(offset, origin)
            return 0.0
        raise HocRuntimeError(f"{self.name} :file is not open", span)

    def m_chooser(self, args: list, span: Span | None = None) -> float:
        from .gui import warn_once

        warn_once(self.interp, "File.chooser")
        return 0.0


# ---- old-style file I/O (wopen/ropen/fprint/fscan/getstr) ----------------------

class OldStyleIO:
    """The one output file of ``wopen`` and input file of ``ropen`` (shared per session)."""

    def __init__(self) -> None:
        self.fout = None          # binary handle, or None for stdout
        self.frin: Reader | None = None

    def write(self, interp, text: str) -> None:
        if self.fout is None:
            interp.out(text)
        else:
            self.fout.write(_encode(text))


def old_io(interp) -> OldStyleIO:
    """The session's OldStyleIO (created on first use, stored on the interpreter)."""
    state = getattr(interp, "_hocx_old_io", None)
    if state is None:
        state = OldStyleIO()
        setattr(interp, "_hocx_old_io", state)
    return state


def bi_wopen(interp, args: list, span: Span | None = None) -> float:
    """wopen(["name"]): send fprint output to a file; no name (or "") restores stdout."""
    io = old_io(interp)
    if io.fout is not None:
        io.fout.close()
        io.fout = None
    name = str_arg("wopen", args, 0, span) if args else ""
    if not name:
        return 1.0
    check_write_allowed(interp, "wopen", span)
    try:
        io.fout = open(expand_env(interp, name, span, "wopen"), "wb")
    except OSError:
        return 0.0
    return 1.0


def bi_ropen(interp, args: list, span: Span | None = None) -> float:
    """ropen(["name"]): read fscan/getstr input from a file; 1 on success, 0 if not."""
    io = old_io(interp)
    io.frin = None
    name = str_arg("ropen", args, 0, span) if args else ""
    if not name:
        return 1.0
    path = expand_env(interp, name, span, "ropen")
    check_read(interp, path, span, "ropen")
    try:
        with open(path, "rb") as fh:
            io.frin = Reader(fh.read())
    except OSError:
        return 0.0
    return 1.0


def _old_reader(interp, fname: str, span: Span | None) -> Reader:
    r = old_io(interp).frin
    if r is None:                     # no ropen() file: the lines after the running item
        from ..source_reader import current_cursor
        cur = current_cursor(interp)
        if cur is not None:
            return cur.reader()
    if r is None:
        raise HocRuntimeError(f"{fname}: no file open for reading", span,
                              hint="hocx reads only from a file opened with ropen(\"name\"), not the terminal")
    return r


def bi_fscan(interp, args: list, span: Span | None = None) -> float:
    """fscan(): the next number from the ropen() file."""
    return _old_reader(interp, "fscan", span).number(span)


def bi_getstr(interp, args: list, span: Span | None = None) -> float:
    """getstr(strdef[, word]): the next line (or word) from the ropen() file; its length."""
    target = strref_arg("getstr", args, 0, span)
    word = len(args) > 1 and int_arg("getstr", args, 1, span) != 0
    r = _old_reader(interp, "getstr", span)
    got = r.word() if word else r.line()
    if got is None:
        raise HocRuntimeError("EOF in getstr", span)
    target.set(_decode(got))
    return float(len(got))


def bi_getcwd(interp, args: list, span: Span | None = None) -> str:
    """getcwd(): the working directory, ending with '/'."""
    cwd = os.getcwd()
    return cwd if cwd.endswith("/") else cwd + "/"


def bi_chdir(interp, args: list, span: Span | None = None) -> float:
    """chdir("dir"): change the working directory; 0 on success, -1 on failure (as C)."""
    path = str_arg("chdir", args, 0, span)
    check_write_allowed(interp, "chdir", span)
    try:
        os.chdir(expand_env(interp, path, span, "chdir"))
    except OSError:
        return -1.0
    return 0.0


def install(interp) -> None:
    interp.register_class("File", File, doc="a file opened for reading, writing or appending")
    interp.register_builtin("wopen", bi_wopen, kind="func", doc="wopen(name): fprint output goes to a file")
    interp.register_builtin("ropen", bi_ropen, kind="func", doc="ropen(name): fscan/getstr read a file")
    interp.register_builtin("fscan", bi_fscan, kind="func", doc="fscan(): next number from the ropen file")
    interp.register_builtin("getstr", bi_getstr, kind="func", doc="getstr(strdef): next line of the ropen file")
    interp.register_builtin("getcwd", bi_getcwd, kind="strfunc", doc="getcwd(): working directory")
    interp.register_builtin("chdir", bi_chdir, kind="func", doc="chdir(dir): change directory")
