"""NEURON's printf engine (``hoc_sprint1``): one formatter behind printf, sprint,
fprint, ``File.printf``, ``Vector.printf`` and ``Matrix.printf``.

How nrniv formats, reproduced here:

* Every argument is a double.  ``%d %o %x`` truncate it with a C ``(int)`` cast
  (``%ld``/``%lld``: ``(long long)``), so 2.7 prints ``2`` and -2.7 prints ``-2``;
  values outside the int range become INT_MIN, as on x86.
* ``%c`` casts to ``char``; ``%f %e %g`` take the double; ``%s`` takes a string,
  or an object (its name, ``Vector[0]``; NULLobject prints ``NULLobject``).
* ``%%`` prints ``%``.  Flags, width and precision pass through to C.
* NEURON knows no other conversion letter: ``%i %u %X %E %G ...`` print garbage
  in nrniv.  hocx raises a ``HocRuntimeError`` for them instead, as it does for
  the ``*`` width (which would read a random C argument).
* A ``%`` still open at the end of the format is printed literally.
"""
from __future__ import annotations

import math
import re
from typing import Any, Sequence

from ..errors import HocRuntimeError, HocTypeError, Span
from .indices import c_int
from .objects import HocObject, Pointer, StrRef

INT_MIN = -(2**31)
LLONG_MIN = -(2**63)

# characters nrniv lets through inside a conversion without ending it
_FLAG_CHARS = set("-+ #0123456789.")
_CONVERSIONS = set("doxcfegs%")
_SPEC = re.compile(r"[-+ #0]*\d*(?:\.\d*)?")




def _c_char(x: float) -> str:
    """C's ``(char)x`` printed with ``%c``: the low byte of the truncated value."""
    v = c_int(x) & 0xFF
    return chr(v)


def _arg_double(args: Sequence[Any], i: int, conv: str, fname: str, span: Span | None) -> float:
    if i >= len(args):
        raise HocRuntimeError(f"{fname} not enough arguments", span,
                              hint=f"the format needs an argument for %{conv}")
    v = args[i]
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, Pointer):
        return v.get()
    what = "a string" if isinstance(v, (str, StrRef)) else "an object"
    raise HocTypeError(f"{fname}: %{conv} expects a number, got {what} (argument {i + 1})", span)


def object_name(obj: Any) -> str:
    """Name printed for an object: ``Vector[0]``; NULLobject for None."""
    if obj is None:
        return "NULLobject"
    if isinstance(obj, HocObject):
        return obj.hoc_name()
    return str(obj)


def _arg_string(args: Sequence[Any], i: int, fname: str, span: Span | None) -> str:
    if i >= len(args):
        raise HocRuntimeError(f"{fname} not enough arguments", span,
                              hint="the format needs an argument for %s")
    v = args[i]
    if isinstance(v, StrRef):
        return v.value
    if isinstance(v, str):
        return v
    if v is None or isinstance(v, HocObject):
        return object_name(v)
    raise HocTypeError("Expecting string argument", span,
                       hint=f"{fname}: %s got a number (argument {i + 1}); use %g for numbers")


def _fmt_float(spec: str, conv: str, x: float) -> str:
    """C formatting of a double; Python's ``%`` agrees except for the sign of NaN."""
    if math.isnan(x):
        text = ("%" + spec + "s") % ("-nan" if math.copysign(1.0, x) < 0 else "nan")
        return text
    return ("%" + spec + conv) % x


def _fmt_int(spec: str, conv: str, v: int, bits: int) -> str:
    """C ``%d``/``%o``/``%x`` of an int (``%x``/``%o`` show negatives as unsigned)."""
    if conv in "ox" and v < 0:
        v += 2**bits
    text = ("%" + spec + conv) % v
    if conv == "o" and "#" in spec:
        # Python writes 0o17, C writes 017 (and 0 for zero)
        text = text.replace("0o", "0", 1) if v != 0 else text.replace("0o0", "0", 1)
    return text


def sprint(fmt: str, args: Sequence[Any], *, fname: str = "printf", span: Span | None = None) -> str:
    """Format ``args`` (HOC values) with ``fmt`` exactly as nrniv's ``hoc_sprint1`` does."""
    out: list[str] = []
    i, n, argi = 0, len(fmt), 0
    while i < n:
        ch = fmt[i]
        if ch != "%":
            j = fmt.find("%", i)
            j = n if j < 0 else j
            out.append(fmt[i:j])
            i = j
            continue
        # a conversion: %[flags width .prec][l...]conv
        j = i + 1
        spec_chars: list[str] = []
        longs = 0
        while j < n and fmt[j] not in _CONVERSIONS:
            c = fmt[j]
            if c == "l":
                longs += 1
            elif c in _FLAG_CHARS:
                spec_chars.append(c)
            else:
                bad = fmt[i:j + 1]
                hint = "use %d for integers" if c in "iu" else (
                    "use %x, %e or %g" if c in "XEG" else "NEURON's printf knows %d %o %x %c %f %e %g %s %%")
                raise HocRuntimeError(f"{fname}: unsupported conversion '{bad}'", span, hint=hint)
            j += 1
        if j >= n:          # unterminated conversion: nrniv prints it literally
            out.append(fmt[i:])
            break
        conv = fmt[j]
        spec = "".join(spec_chars)
        if conv != "%" and not _SPEC.fullmatch(spec):
            raise HocRuntimeError(f"{fname}: malformed conversion '{fmt[i:j + 1]}'", span,
                                  hint="flags (-+ #0) come first, then width, then .precision")
        if conv == "%":
            out.append(fmt[i:j])   # nrniv copies "%<flags>" without the second '%'
            if j == i + 1:
                out[-1] = "%"
        elif conv in "dox":
            x = _arg_double(args, argi, conv, fname, span)
            bits = 64 if longs else 32
            out.append(_fmt_int(spec, conv, c_int(x, bits), bits))
            argi += 1
        elif conv == "c":
            x = _arg_double(args, argi, conv, fname, span)
            out.append(("%" + spec + "s") % _c_char(x))
            argi += 1
        elif conv in "feg":
            x = _arg_double(args, argi, conv, fname, span)
            out.append(_fmt_float(spec, conv, x))
            argi += 1
        else:  # "s"
            s = _arg_string(args, argi, fname, span)
            out.append(("%" + spec + "s") % s)
            argi += 1
        i = j + 1
    return "".join(out)


def format_g(x: float) -> str:
    """``%g`` of a double as C prints it (used by Vector.printf's default format)."""
    return _fmt_float("", "g", x)
