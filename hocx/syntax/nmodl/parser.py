"""Parse NMODL text (``grammar/nmodl.lark``, lark LALR) into a ``ModFile``.

``parse_mod(text, path)`` parses one file and resolves its ``INCLUDE``s
(relative to the including file's folder, then ``include_dirs``, as nocmodl
does with NMODL_PATH).  Every syntax error is a ``HocSyntaxError`` with
``file.mod:line:col``, the source line and a hint.

The LALR tables are built once per process by ``NmodlParser.shared()`` (an
``lru_cache``d constructor), from JSON tables (``hocx.syntax.tables``), never pickles.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Iterable

from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from ... import _resources
from ...errors import HocError, HocSyntaxError, Span
from . import ast as A
from ..tables import build_parser
from .transform import ToAst

_MAX_INCLUDE_DEPTH = 16

# readable names for lark's terminal names, for "expected ..." hints
_PRETTY = {
    "LBRACE": "'{'", "RBRACE": "'}'", "LPAR": "'('", "RPAR": "')'", "LSQB": "'['", "RSQB": "']'",
    "COMMA": "','", "EQUAL": "'='", "NAME": "a name", "NUMBER": "a number", "INT": "an integer",
    "UNIT": "a unit such as (mV)", "PRIME": "a derivative such as m'", "STRING": "a string",
    "PLUS": "'+'", "MINUS": "'-'", "STAR": "'*'", "SLASH": "'/'", "CIRCUMFLEX": "'^'",
    "LESSTHAN": "'<'", "MORETHAN": "'>'", "TILDE": "'~'", "VERBATIM": "VERBATIM",
}


#: the grammar file and the lark options its tables are built with (setup.py writes
#: the packaged tables from these)
GRAMMAR = "nmodl.lark"
PARSER_OPTIONS = dict(parser="lalr", lexer="contextual", maybe_placeholders=True,
                      propagate_positions=True)


class NmodlParser:
    """Holds the lark LALR parser for NMODL (tables from checked JSON, never pickle)."""

    def __init__(self, use_cache: bool = True):
        self._lark = build_parser(_resources.grammar_text(GRAMMAR), GRAMMAR,
                                  packaged_dir=_resources.packaged_dir("grammar"),
                                  use_cache=use_cache, **PARSER_OPTIONS)

    @staticmethod
    @functools.lru_cache(maxsize=1)
    def shared() -> "NmodlParser":
        return NmodlParser()

    def parse_items(self, text: str, path: str) -> list:
        """The top-level items of one file (INCLUDEs not yet resolved)."""
        try:
            tree = self._lark.parse(text)
        except UnexpectedInput as e:
            raise _syntax_error(e, text, path) from None
        except RecursionError:
            raise HocSyntaxError("the file is nested too deeply to parse", Span(path, 1, 1)) from None
        try:
            return ToAst(path).transform(tree)
        except RecursionError:
            raise HocSyntaxError("an expression is nested too deeply", Span(path, 1, 1)) from None
        except VisitError as e:
            if isinstance(e.orig_exc, HocError):
                raise e.orig_exc from None
            raise HocSyntaxError(f"cannot read this NMODL construct: {e.orig_exc}",
                                 Span(path, 1, 1)) from None


def parse_mod(text: str, path: str = "<mod>", include_dirs: Iterable[str] = (),
              parser: NmodlParser | None = None) -> A.ModFile:
    """Parse NMODL ``text`` (from ``path``) into a ``ModFile`` with INCLUDEs resolved."""
    p = parser or NmodlParser.shared()
    dirs = [str(d) for d in include_dirs]
    items = _resolve(p, p.parse_items(text, path), path, dirs, (os.path.abspath(path),))
    nlines = text.count("\n") + 1
    return A.ModFile(Span(path, 1, 1, nlines, 1), path, tuple(items), text)


def parse_mod_file(path: str | os.PathLike, include_dirs: Iterable[str] = ()) -> A.ModFile:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8", errors="replace")
    except OSError as e:
        raise HocError(f"cannot read {p}: {e.strerror}", Span(str(p), 1, 1)) from None
    return parse_mod(text, str(p), include_dirs)


def _resolve(p: NmodlParser, items: list, path: str, dirs: list[str], seen: tuple) -> list:
    out = []
    for it in items:
        if isinstance(it, A.Include):
            found = _find_include(it.filename, path, dirs)
            if found is None:
                raise HocError(f"INCLUDE file \"{it.filename}\" not found",
                               it.span, source_line=_line(path, it.span.line, None),
                               hint="nocmodl looks next to the including file, then in "
                                    "NMODL_PATH; hocx also in the --mod folders")
            real = os.path.abspath(found)
            if real in seen or len(seen) > _MAX_INCLUDE_DEPTH:
                raise HocError(f"INCLUDE \"{it.filename}\" includes itself",
                               it.span, source_line=_line(path, it.span.line, None))
            try:
                sub_text = Path(found).read_text(encoding="utf-8", errors="replace")
            except OSError as e:
                raise HocError(f"cannot read INCLUDE file {found}: {e.strerror}", it.span) from None
            sub = _resolve(p, p.parse_items(sub_text, found), found, dirs, seen + (real,))
            it = A.Include(it.span, it.filename, tuple(sub))
        out.append(it)
    return out


def _find_include(name: str, path: str, dirs: list[str]) -> str | None:
    cands = []
    if os.path.isabs(name):
        cands.append(name)
    else:
        here = os.path.dirname(path) if path and not path.startswith("<") else "."
        cands.append(os.path.join(here, name))
        cands.extend(os.path.join(d, name) for d in dirs)
        env = os.environ.get("NMODL_PATH")
        if env:
            cands.extend(os.path.join(d, name) for d in env.split(":") if d)
    for c in cands:
        if os.path.isfile(c):
            return c
    return None


def _line(path: str, line: int, text: str | None) -> str | None:
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    lines = text.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else None


# ------------------------------------------------------------------ syntax errors
def _syntax_error(e: UnexpectedInput, text: str, path: str) -> HocSyntaxError:
    lines = text.splitlines()
    line = getattr(e, "line", None)
    col = getattr(e, "column", None)
    if isinstance(e, UnexpectedEOF) or line is None or line < 1:
        line = max(len(lines), 1)
        col = len(lines[-1]) + 1 if lines else 1
        offset = len(text)
    else:
        offset = e.pos_in_stream if getattr(e, "pos_in_stream", None) is not None else len(text)
    # a '(' left open before the error: point just after the last thing before the error
    opened = _unclosed_paren(text, offset)
    if opened is not None:
        end = offset
        while end > 0 and text[end - 1].isspace():
            end -= 1
        ln = text.count("\n", 0, end) + 1
        cl = end - (text.rfind("\n", 0, end) + 1) + 1
        oln = text.count("\n", 0, opened) + 1
        ocl = opened - (text.rfind("\n", 0, opened) + 1) + 1
        return HocSyntaxError("missing ')'", Span(path, ln, cl, ln, cl + 1),
                              source_line=lines[ln - 1] if ln <= len(lines) else None,
                              hint=f"the '(' at {path}:{oln}:{ocl} is never closed")
    if isinstance(e, UnexpectedCharacters):
        ch = text[offset] if offset < len(text) else ""
        msg = f"unexpected character {ch!r}"
        width = 1
    elif isinstance(e, UnexpectedToken):
        tok = e.token
        if tok.type == "$END":
            msg = "unexpected end of file"
            width = 1
        else:
            msg = f"unexpected {_describe(tok)}"
            width = max(len(str(tok)), 1) if "\n" not in str(tok) else 1
    else:
        msg = "unexpected end of file"
        width = 1
    hint = _expected_hint(getattr(e, "expected", None) or getattr(e, "allowed", None))
    if isinstance(e, UnexpectedEOF) or (isinstance(e, UnexpectedToken) and e.token.type == "$END"):
        hint = "a block is not closed: a '}' is missing" if text.count("{") > text.count("}") else hint
    return HocSyntaxError(msg, Span(path, line, col, line, col + width),
                          source_line=lines[line - 1] if 0 < line <= len(lines) else None,
                          hint=hint, incomplete=isinstance(e, UnexpectedEOF) or (
                              isinstance(e, UnexpectedToken) and e.token.type == "$END"))


def _describe(tok) -> str:
    val = str(tok)
    if tok.type == "NAME":
        return f"name '{val}'"
    if tok.type in ("NUMBER", "INT"):
        return f"number {val}"
    if tok.type == "UNIT":
        return f"unit {val}"
    if tok.type == "VERBATIM":
        return "VERBATIM block"
    return f"'{val.splitlines()[0] if val else val}'"


def _expected_hint(expected) -> str | None:
    if not expected:
        return None
    names = sorted({_PRETTY.get(t, f"'{t}'" if t.isupper() and not t.startswith("__") else t)
                    for t in expected if not t.startswith("__")})
    if not names:
        return None
    if len(names) > 8:
        names = names[:8] + ["..."]
    return "expected " + ", ".join(names)


def _unclosed_paren(text: str, end: int) -> int | None:
    """Offset of a '(' still open at ``end`` in the current statement, skipping comments."""
    stack: list[int] = []
    i = 0
    n = min(end, len(text))
    while i < n:
        ch = text[i]
        if ch in ":?":
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if ch == '"':
            j = text.find('"', i + 1)
            i = n if j < 0 else j + 1
            continue
        if ch in "CV" and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            for kw, endkw in (("COMMENT", "ENDCOMMENT"), ("VERBATIM", "ENDVERBATIM")):
                if text.startswith(kw, i) and not (i + len(kw) < len(text) and
                                                   (text[i + len(kw)].isalnum() or text[i + len(kw)] == "_")):
                    j = text.find(endkw, i + len(kw))
                    i = n if j < 0 else j + len(endkw)
                    break
            else:
                i += 1
            continue
        if ch == "(":
            stack.append(i)
        elif ch == ")":
            if stack:
                stack.pop()
        elif ch in "{}":
            stack.clear()
        i += 1
    return stack[-1] if stack else None
