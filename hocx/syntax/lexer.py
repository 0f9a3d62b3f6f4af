"""HOC's tokenizer: characters to raw tokens (names not yet classified).

Follows language.md §1.2: newline is a token, ``//`` acts as a newline,
``/* */`` vanishes entirely, backslash-newline joins lines, strings take the
escapes ``\\b \\f \\n \\r \\t`` (any other ``\\c`` is ``c``), numbers have no
sign, hex or suffix.  Names are emitted as ``NAME``; ``hocx.syntax.classify``
turns them into kind-specific tokens using the live symbol table.

The tokenizer is a generator so that a bad character on line N does not stop
lines 1..N-1 from running first (statement-at-a-time execution).
"""
from __future__ import annotations

import re
from typing import Iterator

from lark import Token

from ..errors import HocSyntaxError, Span
from .fastnew import make_token

KEYWORDS = {
    "proc": "K_PROC", "func": "K_FUNC", "obfunc": "K_OBFUNC", "iterator": "K_ITERATOR",
    "iterator_statement": "K_ITERSTMT", "return": "K_RETURN", "break": "K_BREAK",
    "continue": "K_CONTINUE", "stop": "K_STOP", "if": "K_IF", "else": "K_ELSE",
    "while": "K_WHILE", "for": "K_FOR", "print": "K_PRINT", "delete": "K_DELETE",
    "read": "K_READ", "double": "K_DOUBLE", "local": "K_LOCAL", "localobj": "K_LOCALOBJ",
    "strdef": "K_STRDEF", "create": "K_CREATE", "connect": "K_CONNECT",
    "setpointer": "K_SETPOINTER", "access": "K_ACCESS", "insert": "K_INSERT",
    "uninsert": "K_UNINSERT", "forall": "K_FORALL", "ifsec": "K_IFSEC", "forsec": "K_FORSEC",
    "begintemplate": "K_BEGINTEMPLATE", "endtemplate": "K_ENDTEMPLATE",
    "objref": "K_OBJREF", "objectvar": "K_OBJREF", "public": "K_PUBLIC",
    "external": "K_EXTERNAL", "new": "K_NEW",
    # obsolete keywords nrniv still reserves; hocx rejects them with a clear message
    "depvar": "K_OBSOLETE", "eqn": "K_OBSOLETE", "help": "K_OBSOLETE", "debug": "K_OBSOLETE",
}
# keywords only in .hx files
HX_KEYWORDS = {"sectionlist": "K_SECTIONLIST"}

OPERATORS = [
    ("&&", "AND"), ("||", "OR"), ("==", "EQ"), ("!=", "NE"), ("<=", "LE"), (">=", "GE"),
    ("+=", "ADDEQ"), ("-=", "SUBEQ"), ("*=", "MULEQ"), ("/=", "DIVEQ"),
    ("+", "PLUS"), ("-", "MINUS"), ("*", "STAR"), ("/", "SLASH"), ("%", "PERCENT"),
    ("^", "CARET"), ("=", "ASSIGN"), ("<", "LT"), (">", "GT"), ("!", "NOT"), ("&", "AMP"),
    ("(", "LPAR"), (")", "RPAR"), ("[", "LSQB"), ("]", "RSQB"), ("{", "LBRACE"),
    ("}", "RBRACE"), (",", "COMMA"), (".", "DOT"), (":", "COLON"), (";", "SEMI"),
]
_OP2 = {s: t for s, t in OPERATORS if len(s) == 2}
_OP1 = {s: t for s, t in OPERATORS if len(s) == 1}

_NUMBER = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d*)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DOLLAR = re.compile(r"\$(&|o|s)?(\d+|i)")
_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _tok(type_: str, value, line: int, col: int, end_line: int, end_col: int, pos: int) -> Token:
    return make_token(type_, value, line, col, end_line, end_col, pos)


# first-character classes of the tokenizer's dispatch (ASCII only; anything else takes
# the general path, in the order of checks language.md §1.2 gives)
_WS, _NLC, _DIGIT, _ALPHA, _OPC, _SLASH, _DOTC, _OTHER = range(8)
_CLASS: dict[str, int] = {}
for _c in " \t\f\v":
    _CLASS[_c] = _WS
_CLASS["\n"] = _NLC
for _c in "0123456789":
    _CLASS[_c] = _DIGIT
for _c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_":
    _CLASS[_c] = _ALPHA
for _c in set("".join(s for s, _ in OPERATORS)) - {"/", "."}:
    _CLASS[_c] = _OPC
_CLASS["/"] = _SLASH
_CLASS["."] = _DOTC
del _c
_WS_RUN = re.compile(r"[ \t\f\v]+")


def tokenize(text: str, origin: str = "<string>", line: int = 1, hx: bool = False) -> Iterator[Token]:
    """Yield raw tokens; NAME tokens are classified later.  Always ends with an NL token."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    i, n = 0, len(text)
    line_start = 0
    kw = dict(KEYWORDS, **HX_KEYWORDS) if hx else KEYWORDS
    last_type = "NL"
    mk = make_token
    cls_of = _CLASS.get
    name_match = _NAME.match
    number_match = _NUMBER.match
    ws_match = _WS_RUN.match

    def err(msg: str, at: int, incomplete: bool = False) -> HocSyntaxError:
        span = Span(origin, line, at - line_start + 1)
        return HocSyntaxError(msg, span, incomplete=incomplete,
                              source_line=text[line_start:].split("\n", 1)[0])

    while i < n:
        c = text[i]
        k = cls_of(c, _OTHER)
        if k == _WS:
            i = ws_match(text, i).end()
            continue
        col = i - line_start + 1
        if k == _ALPHA:
            m = name_match(text, i)
            s = m.group(0)
            if len(s) > 255:
                raise err(f"Name too long: {s[:40]}...", i)
            t = "MEMBER" if last_type == "DOT" else kw.get(s, "NAME")
            if s == "help" and last_type == "NL":
                # nrniv: `help topic` at the start of a top-level line takes the rest of
                # the line as its topic (headless it does nothing)
                j = text.find("\n", i)
                j = n if j < 0 else j
                yield mk("K_HELP", text[i:j], line, col, line, col + (j - i), i)
                last_type = "K_HELP"
                i = j
                continue
            yield mk(t, s, line, col, line, col + len(s), i)
            last_type = t
            i = m.end()
            continue
        if k == _OPC:
            two = text[i:i + 2]
            t = _OP2.get(two)
            if t is not None:
                yield mk(t, two, line, col, line, col + 2, i)
                last_type = t
                i += 2
                continue
            t = _OP1.get(c)
            if t is not None:
                yield mk(t, c, line, col, line, col + 1, i)
                last_type = t
                i += 1
                continue
            raise err(f"unexpected character {c!r}", i)
        if k == _NLC:
            yield mk("NL", "\n", line, col, line, col + 1, i)
            last_type = "NL"
            i += 1
            line += 1
            line_start = i
            continue
        if k == _SLASH:
            if text.startswith("//", i):
                j = text.find("\n", i)
                i = n if j < 0 else j          # the newline itself becomes the NL token
                continue
            if text.startswith("/*", i):
                j = text.find("*/", i + 2)
                if j < 0:
                    raise err("unterminated comment", i, incomplete=True)
                nl = text.count("\n", i, j)
                if nl:
                    line += nl
                    line_start = text.rfind("\n", i, j) + 1
                i = j + 2
                continue
        if k == _DIGIT or (k == _DOTC and i + 1 < n and text[i + 1].isdigit()) or (
                k == _OTHER and c.isdigit()):
            m = number_match(text, i)
            if m is None:                      # a non-ASCII digit such as '²'
                raise err(f"unexpected character {c!r}", i)
            s = m.group(0)
            j = m.end()
            if j < n and (text[j].isalpha() or text[j] == "_"):
                raise err(f"a number cannot run into a name ('{text[i:j + 1]}')", j)
            last = s[-1]
            mant = s[:-1] if last in "eE" else s[:-2] if last in "+-" else s
            try:
                val = float(mant)
            except ValueError:  # pragma: no cover - regex guarantees a number
                raise err(f"bad number '{s}'", i)
            yield mk("NUMBER", val, line, col, line, col + len(s), i)
            last_type = "NUMBER"
            i = j
            continue
        if k == _OTHER:
            if c == "\\" and i + 1 < n and text[i + 1] == "\n":      # line continuation
                i += 2
                line += 1
                line_start = i
                continue
            if c == "\x1a":                    # DOS end-of-file mark: nrniv stops reading
                break
            if c == '"':
                j = i + 1
                out = []
                sline, scol = line, col
                while True:
                    if j >= n:
                        raise err("missing quote", i, incomplete=True)
                    ch = text[j]
                    if ch == '"':
                        break
                    if ch == "\n":
                        raise err("missing quote", i)
                    if ch == "\\" and j + 1 < n:
                        nx = text[j + 1]
                        if nx == "\n":
                            out.append("\n")
                            line += 1
                            line_start = j + 2
                        else:
                            out.append(_ESCAPES.get(nx, nx))
                        j += 2
                        continue
                    out.append(ch)
                    j += 1
                yield mk("STRING", "".join(out), sline, scol, line, j - line_start + 2, i)
                last_type = "STRING"
                i = j + 1
                continue
            if c == "$":
                m = _DOLLAR.match(text, i)
                if not m:
                    raise err("strange $...", i)
                kind = {None: "DOLLAR", "&": "DOLLAR_P", "o": "DOLLAR_O", "s": "DOLLAR_S"}[m.group(1)]
                idx = m.group(2)
                if idx != "i" and int(idx) < 1:
                    raise err("strange $...", i)
                s = m.group(0)
                yield mk(kind, idx, line, col, line, col + len(s), i)
                last_type = kind
                i = m.end()
                continue
            raise err(f"unexpected character {c!r}", i)
        # '/' and '.' as operators
        two = text[i:i + 2]
        t = _OP2.get(two)
        if t is not None:
            yield mk(t, two, line, col, line, col + 2, i)
            last_type = t
            i += 2
            continue
        t = _OP1[c]
        yield mk(t, c, line, col, line, col + 1, i)
        last_type = t
        i += 1
    if last_type != "NL":
        col = i - line_start + 1
        yield mk("NL", "", line, col, line, col, i)
