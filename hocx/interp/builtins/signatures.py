"""Argument checking of the built-in functions, as nrniv does it: one table, one check.

``install_all`` wraps each built-in named here with a check that runs before it (measured
with nrniv 9.0.2, ``nrniv -nobanner -c 'x = sin(1,2)'``):

* The one-argument math built-ins (hoc's BLTIN: ``sin cos atan log log10 exp sqrt int abs erf
  erfc tanh``, and hocx's extra ``tan sinh cosh asin acos fabs floor ceil``) are parsed by
  hoc's grammar as ``NAME '(' expr ')'``: another number of arguments, or a string, is a
  *syntax error* in nrniv (``x = sin(1, 2)``, ``x = exp()``, ``x = sqrt("a")``).
* The other built-ins are hoc FUNCTIONs: too few arguments is ``NAME not enough arguments``;
  a number where a string is expected is ``Expecting string argument``; a string where a number
  is expected is nrniv's ``bad stack access: expecting double`` (said here as a type error
  naming the argument).  Extra arguments are ignored, as nrniv ignores them.

A signature is ``(min_args, types)``: ``types[i]`` is the kind of argument i -- ``n`` number,
``s`` string (literal or strdef), ``*`` anything; arguments past ``types`` are not checked.
"""
from __future__ import annotations

from numbers import Real

from ...errors import HocRuntimeError, HocSyntaxError, HocTypeError
from ..objects import StrRef

#: hoc's one-argument math built-ins (exactly one number, or a syntax error)
MATH1 = ("sin", "cos", "atan", "log", "log10", "exp", "sqrt", "int", "abs", "erf", "erfc",
         "tanh", "tan", "sinh", "cosh", "asin", "acos", "fabs", "floor", "ceil")

#: name -> (fewest arguments, kinds of the leading arguments)
SIGNATURES: dict[str, tuple[int, str]] = {
    "atan2": (2, "nn"), "pow": (2, "nn"),
    "strcmp": (2, "ss"), "printf": (1, "s"), "fprint": (1, "s"), "sprint": (2, "ss"),
    "sscanf": (2, "ss"), "getstr": (1, "*"),
    "execute": (1, "s"), "execute1": (1, "s"), "system": (1, "s"), "xopen": (1, "s"),
    "load_file": (1, "*"), "chdir": (1, "s"), "ropen": (0, "s"), "wopen": (0, "s"),
    "name_declared": (1, "s"), "object_id": (1, "*"), "quit": (0, "n"),
    "issection": (1, "s"), "ismembrane": (1, "s"), "section_exists": (1, "*"),
    "area": (1, "n"), "ri": (1, "n"),
    "pt3dadd": (4, "nnnn"), "x3d": (1, "n"), "y3d": (1, "n"), "z3d": (1, "n"),
    "diam3d": (1, "n"), "arc3d": (1, "n"), "pt3dremove": (1, "n"),
}


def _is_string(v) -> bool:
    return isinstance(v, (str, StrRef))


def _is_number(v) -> bool:
    return isinstance(v, Real) and not isinstance(v, bool)


def check_math1(name: str, args: list, span) -> None:
    if len(args) != 1:
        raise HocSyntaxError(f"syntax error ({name} takes exactly one argument, not {len(args)})", span,
                             hint=f"{name}(x): one number")
    if not _is_number(args[0]):
        what = "a string" if _is_string(args[0]) else "an object"
        raise HocSyntaxError(f"syntax error ({name} takes a number, not {what})", span,
                             hint=f"{name}(x): one number")


def check_call(name: str, sig: tuple[int, str], args: list, span) -> None:
    least, kinds = sig
    if len(args) < least:
        raise HocRuntimeError(f"{name} not enough arguments", span,
                              hint=f"{name} needs at least {least} argument{'s' if least != 1 else ''}")
    for i, (kind, v) in enumerate(zip(kinds, args)):
        if kind == "s" and not _is_string(v):
            raise HocTypeError("Expecting string argument", span,
                               hint=f"argument {i + 1} of {name} must be a string")
        if kind == "n" and not _is_number(v):
            what = "a string" if _is_string(v) else "an object"
            raise HocTypeError(f"{name}: argument {i + 1} must be a number, not {what}", span)


def _checked_math1(name: str, fn):
    def call(interp, args, span):
        check_math1(name, args, span)
        return fn(interp, args, span)
    call.__doc__ = fn.__doc__
    return call


def _checked(name: str, sig: tuple[int, str], fn):
    def call(interp, args, span):
        check_call(name, sig, args, span)
        return fn(interp, args, span)
    call.__doc__ = fn.__doc__
    return call


def install(interp) -> None:
    """Wrap every registered built-in that has a signature (run after all modules install)."""
    for name in MATH1:
        if name in interp.builtins:
            fn, kind, doc = interp.builtins[name]
            interp.register_builtin(name, _checked_math1(name, fn), kind=kind, doc=doc)
    for name, sig in SIGNATURES.items():
        if name in interp.builtins:
            fn, kind, doc = interp.builtins[name]
            interp.register_builtin(name, _checked(name, sig, fn), kind=kind, doc=doc)
