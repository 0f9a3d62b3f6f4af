"""String built-ins: printf, sprint, fprint, strcmp, and the StringFunctions class.

printf/sprint/fprint share NEURON's formatter (``hocx.interp.printf``).
Return values follow nrniv: printf and fprint return the number of characters
written, sprint returns 1, strcmp returns the C byte difference
(``strcmp("abc", "ab")`` is 99).
"""
from __future__ import annotations

import re
from typing import Any

from ...errors import HocRuntimeError, HocTypeError, Span
from ..objects import HocObject, Pointer, StrRef, as_float, as_str
from ..printf import c_int
from ..printf import sprint as format_hoc


def need_args(fname: str, args: list, n: int, span: Span | None) -> None:
    """Raise nrniv's ``<f> not enough arguments`` when fewer than ``n`` were given."""
    if len(args) < n:
        raise HocRuntimeError(f"{fname} not enough arguments", span)


def str_arg(fname: str, args: list, i: int, span: Span | None) -> str:
    """Argument ``i`` as a string, or nrniv's ``Expecting string argument``."""
    need_args(fname, args, i + 1, span)
    v = args[i]
    if isinstance(v, (str, StrRef)):
        return as_str(v)
    raise HocTypeError("Expecting string argument", span, hint=f"argument {i + 1} of {fname} must be a string")


def num_arg(fname: str, args: list, i: int, span: Span | None) -> float:
    """Argument ``i`` as a double."""
    need_args(fname, args, i + 1, span)
    try:
        return as_float(args[i])
    except HocTypeError:
        raise HocTypeError(f"{fname}: argument {i + 1} must be a number", span) from None


def chkarg(fname: str, args: list, i: int, lo: float, hi: float, span: Span | None) -> float:
    """NEURON's chkarg: argument ``i`` must lie in [lo, hi], else 'Arg out of range'."""
    x = num_arg(fname, args, i, span)
    if not lo <= x <= hi:   # also rejects NaN
        raise HocRuntimeError("Arg out of range in user function", span,
                              hint=f"{fname}: argument {i + 1} is {x:g}, must be in [{lo:g}, {hi:g}]")
    return x


def int_arg(fname: str, args: list, i: int, span: Span | None) -> int:
    """Argument ``i`` converted like C's ``(int)``: truncation; inf/NaN give INT_MIN."""
    return c_int(num_arg(fname, args, i, span))


def strref_arg(fname: str, args: list, i: int, span: Span | None) -> StrRef:
    """Argument ``i`` as a strdef passed by reference (sprint's target, ...)."""
    need_args(fname, args, i + 1, span)
    v = args[i]
    if isinstance(v, StrRef):
        return v
    raise HocTypeError(f"{fname}: argument {i + 1} must be a strdef variable", span,
                       hint="declare one with `strdef s` and pass s")


def c_strlen(text: str) -> int:
    """strlen() of the UTF-8 bytes, as C counts characters."""
    return len(text.encode("utf-8", "surrogateescape"))


# ---- printf family ---------------------------------------------------------

def bi_printf(interp, args: list, span: Span | None = None) -> float:
    """printf(fmt, ...): print formatted text; returns the number of characters."""
    text = format_hoc(str_arg("printf", args, 0, span), args[1:], fname="printf", span=span)
    interp.out(text)
    return float(c_strlen(text))


def bi_sprint(interp, args: list, span: Span | None = None) -> float:
    """sprint(strdef, fmt, ...): format into a strdef; returns 1."""
    target = strref_arg("sprint", args, 0, span)
    text = format_hoc(str_arg("sprint", args, 1, span), args[2:], fname="sprint", span=span)
    target.set(text)
    return 1.0


def bi_fprint(interp, args: list, span: Span | None = None) -> float:
    """fprint(fmt, ...): like printf, to the file opened by wopen() (stdout when none)."""
    from .file import old_io

    text = format_hoc(str_arg("fprint", args, 0, span), args[1:], fname="fprint", span=span)
    old_io(interp).write(interp, text)
    return float(c_strlen(text))


def bi_strcmp(interp, args: list, span: Span | None = None) -> float:
    """strcmp(s1, s2): the C library value (difference of the first differing bytes)."""
    a = str_arg("strcmp", args, 0, span).encode("utf-8", "surrogateescape")
    b = str_arg("strcmp", args, 1, span).encode("utf-8", "surrogateescape")
    for x, y in zip(a, b):
        if x != y:
            return float(x - y)
    if len(a) == len(b):
        return 0.0
    return float(a[len(b)]) if len(a) > len(b) else -float(b[len(a)])


# ---- StringFunctions -------------------------------------------------------

def _regex(fname: str, pattern: str, span: Span | None) -> re.Pattern:
    try:
        return re.compile(pattern)
    except re.error as e:
        raise HocRuntimeError(f"{fname}: bad regular expression {pattern!r}: {e}", span) from None


class StringFunctions(HocObject):
    """NEURON's StringFunctions: substring search and editing of strdefs."""

    hoc_class = "StringFunctions"
    hoc_doc = {
        "len": "len(s): number of characters",
        "substr": "substr(s, t): index of t in s, or -1",
        "head": "head(s, regex, result): result = part of s before the match; returns its index or -1",
        "tail": "tail(s, regex, result): result = part of s after the match; returns its end or -1",
        "left": "left(strdef, n): keep the first n characters",
        "right": "right(strdef, n): drop the first n characters",
        "ltrim": "ltrim(s, result[, chars]): result = s without leading blanks",
        "rtrim": "rtrim(s, result[, chars]): result = s without trailing blanks",
        "is_name": "is_name(s): 1 if s is a declared HOC name",
        "is_artificial": "is_artificial(obj): 1 if obj is an artificial cell (NetStim, IntFire1, ...)",
        "is_point_process": "is_point_process(obj): 1 if obj is a point process (or artificial cell)",
    }

    def m_len(self, args: list, span: Span | None = None) -> float:
        return float(c_strlen(str_arg("len", args, 0, span)))

    def m_substr(self, args: list, span: Span | None = None) -> float:
        s, t = str_arg("substr", args, 0, span), str_arg("substr", args, 1, span)
        return float(s.find(t))

    def m_head(self, args: list, span: Span | None = None) -> float:
        s = str_arg("head", args, 0, span)
        m = _regex("head", str_arg("head", args, 1, span), span).search(s)
        out = strref_arg("head", args, 2, span)
        out.set(s[: m.start()] if m else "")
        return float(m.start()) if m else -1.0

    def m_tail(self, args: list, span: Span | None = None) -> float:
        s = str_arg("tail", args, 0, span)
        m = _regex("tail", str_arg("tail", args, 1, span), span).search(s)
        out = strref_arg("tail", args, 2, span)
        out.set(s[m.end():] if m else "")
        return float(m.end()) if m else -1.0

    def _cut_arg(self, fname: str, args: list, span: Span | None) -> tuple[StrRef, str, int]:
        ref = strref_arg(fname, args, 0, span)
        n = int_arg(fname, args, 1, span)
        if n < 0 or n > len(ref.value):
            raise HocRuntimeError("Arg out of range in user function", span,
                                  hint=f"{fname}: n must be between 0 and the string length {len(ref.value)}")
        return ref, ref.value, n

    def m_left(self, args: list, span: Span | None = None) -> float:
        ref, s, n = self._cut_arg("left", args, span)
        ref.set(s[:n])
        return 0.0

    def m_right(self, args: list, span: Span | None = None) -> float:
        ref, s, n = self._cut_arg("right", args, span)
        ref.set(s[n:])
        return 0.0

    def _trim(self, fname: str, args: list, span: Span | None, side: str) -> float:
        s = str_arg(fname, args, 0, span)
        out = strref_arg(fname, args, 1, span)
        chars = str_arg(fname, args, 2, span) if len(args) > 2 else " \t\n\r\f\v"
        out.set(s.rstrip(chars) if side == "r" else s.lstrip(chars))
        return 0.0

    def m_rtrim(self, args: list, span: Span | None = None) -> float:
        return self._trim("rtrim", args, span, "r")

    def m_ltrim(self, args: list, span: Span | None = None) -> float:
        return self._trim("ltrim", args, span, "l")

    def m_is_name(self, args: list, span: Span | None = None) -> float:
        name = str_arg("is_name", args, 0, span)
        names = getattr(self.interp, "names", None)
        if names is None:
            return 0.0
        return 1.0 if name in names() else 0.0


# ---- sscanf ------------------------------------------------------------------

_SCAN_FLOAT = re.compile(r"[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)", re.I)
_SCAN_INT = re.compile(r"[+-]?\d+")
_SCAN_SPEC = re.compile(r"%(\*?)(\d*)(l{0,2}|h)([dioxfegsc%])")


def bi_sscanf(interp, args: list, span: Span | None = None) -> float:
    """sscanf(str, fmt, &x or strdef, ...): C sscanf into pointers/strdefs; the number converted
    (-1 when the string ends before the first conversion), as nrniv returns."""
    text, fmt = str_arg("sscanf", args, 0, span), str_arg("sscanf", args, 1, span)
    pos, argi, count, fi = 0, 2, 0, 0
    while fi < len(fmt):
        ch = fmt[fi]
        if ch.isspace():
            while pos < len(text) and text[pos].isspace():
                pos += 1
            fi += 1
            continue
        if ch != "%" or fmt.startswith("%%", fi):
            lit = "%" if ch == "%" else ch
            if pos >= len(text):
                return -1.0 if count == 0 else float(count)
            if text[pos] != lit:
                break
            pos, fi = pos + 1, fi + (2 if ch == "%" else 1)
            continue
        m = _SCAN_SPEC.match(fmt, fi)
        if m is None:
            raise HocRuntimeError(f"sscanf: unsupported conversion in {fmt!r}", span)
        fi = m.end()
        skip, width, conv = m.group(1) == "*", int(m.group(2) or 0), m.group(4)
        if conv != "c":
            while pos < len(text) and text[pos].isspace():
                pos += 1
        if pos >= len(text):
            return -1.0 if count == 0 else float(count)
        field = text[pos: pos + width] if width else text[pos:]
        if conv == "s":
            word = field.split()[0] if field.split() else ""
            value: object = word
            pos += len(word)
        elif conv == "c":
            value, pos = float(ord(field[0])), pos + 1
        else:
            rx = _SCAN_FLOAT if conv in "feg" else _SCAN_INT
            mm = rx.match(field)
            if mm is None:
                break
            value, pos = float(mm.group(0)) if conv in "feg" else float(int(mm.group(0))), pos + mm.end()
        if skip:
            continue
        need_args("sscanf", args, argi + 1, span)
        target = args[argi]
        argi += 1
        if conv == "s":
            if not isinstance(target, StrRef):
                raise HocTypeError("sscanf: %s needs a strdef argument", span)
            target.set(str(value))
        else:
            if not isinstance(target, Pointer):
                raise HocTypeError(f"sscanf: %{conv} needs a pointer argument (&x)", span)
            target.set(float(value))
        count += 1
    return float(count)


def _unsupported(name: str, why: str):
    def fn(interp, args: list, span: Span | None = None) -> Any:
        raise HocRuntimeError(f"{name}() is not supported by hocx", span, hint=why)
    return fn


def install(interp) -> None:
    interp.register_builtin("printf", bi_printf, kind="func", doc="printf(fmt, ...): formatted output")
    interp.register_builtin("sprint", bi_sprint, kind="func", doc="sprint(strdef, fmt, ...): format into a strdef")
    interp.register_builtin("fprint", bi_fprint, kind="func", doc="fprint(fmt, ...): printf to the wopen() file")
    interp.register_builtin("sscanf", bi_sscanf, kind="func", doc="sscanf(str, fmt, &x, strdef...): parse a string")
    interp.register_builtin("strcmp", bi_strcmp, kind="func", doc="strcmp(s1, s2): C string comparison")
    interp.register_builtin("xred", _unsupported("xred", "it reads from the terminal; pass values as arguments"),
                            kind="func", doc="(unsupported) interactive read")
    interp.register_class("StringFunctions", StringFunctions, doc="string search and editing")
