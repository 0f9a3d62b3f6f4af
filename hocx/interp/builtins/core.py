"""Core built-ins: math, constants, arguments, quit, execute, load_file/xopen, system.

Math functions check their domain the way nrniv does (language.md §2.1):
``sqrt(-1)`` is an error, ``log(0)`` and ``exp(>700)`` warn and go on.
"""
from __future__ import annotations

import math
import os
import re
import subprocess
from pathlib import Path

from ... import _resources
from ...errors import HocError, HocQuit, HocRuntimeError, HocTypeError, Span
from ..objects import HocObject, Pointer, StrRef, as_float, as_str
from ..limits import LimitReached
from ..safety import check_read, escapes, expand_file_name, is_readable

# NEURON 9's values (nrnunits: 2019 SI redefinition)
CONSTANTS = {
    "PI": math.pi, "E": math.e, "GAMMA": 0.57721566490153286060, "DEG": 57.29577951308232087680,
    "PHI": 1.61803398874989484820, "FARADAY": 96485.33212331001, "R": 8.31446261815324,
    "Avogadro_constant": 6.02214076e23, "float_epsilon": 1e-11, "hoc_ac_": 0.0,
    "hoc_cross_x_": 0.0, "hoc_cross_y_": 0.0, "default_dll_loaded_": 0.0,
}


def _num(args: list, i: int, fname: str, span: Span | None) -> float:
    if i >= len(args):
        raise HocRuntimeError(f"{fname} not enough arguments", span)
    try:
        return as_float(args[i])
    except HocTypeError:
        raise HocTypeError(f"{fname}: argument {i + 1} must be a number", span) from None


def _str(args: list, i: int, fname: str, span: Span | None) -> str:
    if i >= len(args):
        raise HocRuntimeError(f"{fname} not enough arguments", span)
    if not isinstance(args[i], (str, StrRef)):
        raise HocTypeError("Expecting string argument", span)
    return as_str(args[i])


def _math1(name: str, fn):
    def call(interp, args, span):
        return fn(interp, _num(args, 0, name, span), span)
    return call


def _sqrt(interp, x, span):
    if x < 0:
        raise HocRuntimeError("sqrt argument out of domain", span)
    return math.sqrt(x)


def _log(base):
    def f(interp, x, span):
        if x < 0:
            raise HocRuntimeError("log argument out of domain", span)
        if x == 0:
            interp.warn("log result out of range", span)
            return -math.inf
        return math.log(x) if base is None else math.log10(x)
    return f


def _exp(interp, x, span):
    if x > 700:
        interp.warn("exp result out of range", span)
        return math.exp(700)
    if x < -700:
        return 0.0
    return math.exp(x)


def _int(interp, x, span):
    eps = interp.eps
    if x != x or math.isinf(x):
        return x
    return float(int(x + eps) if x >= 0 else int(x - eps))


def _safe(fn):
    def f(interp, x, span):
        try:
            return fn(x)
        except (ValueError, OverflowError):
            raise HocRuntimeError("argument out of domain", span) from None
    return f


MATH1 = {
    "sin": _safe(math.sin), "cos": _safe(math.cos), "tan": _safe(math.tan),
    "atan": _safe(math.atan), "tanh": _safe(math.tanh), "sinh": _safe(math.sinh),
    "cosh": _safe(math.cosh), "asin": _safe(math.asin), "acos": _safe(math.acos),
    "sqrt": _sqrt, "log": _log(None), "log10": _log(10), "exp": _exp, "int": _int,
    "abs": _safe(abs), "fabs": _safe(abs), "erf": _safe(math.erf), "erfc": _safe(math.erfc),
    "floor": _safe(math.floor), "ceil": _safe(math.ceil),
}


def _atan2(interp, args, span):
    return math.atan2(_num(args, 0, "atan2", span), _num(args, 1, "atan2", span))


def _pow(interp, args, span):
    return interp.power(_num(args, 0, "pow", span), _num(args, 1, "pow", span), span)


# ------------------------------------------------------------------ arguments
def _numarg(interp, args, span):
    fr = interp.frame
    return float(len(fr.args)) if fr.proc is not None else 0.0


def _argtype(interp, args, span):
    i = int(_num(args, 0, "argtype", span)) - 1
    fr = interp.frame
    if fr.proc is None or i < 0 or i >= len(fr.args):
        return -1.0
    v = fr.args[i]
    if isinstance(v, (str, StrRef)):
        return 2.0
    if isinstance(v, Pointer):
        return 3.0
    if isinstance(v, float):
        return 0.0
    return 1.0


# ------------------------------------------------------------------ running code
def _quit(interp, args, span):
    raise HocQuit(int(_num(args, 0, "quit", span)) if args else 0)


def _execute(interp, args, span):
    cmd = _str(args, 0, "execute", span)
    if cmd.startswith("~"):           # NEURON: run as is, not wrapped in braces (``~create K[3]``)
        cmd = cmd[1:]
    interp.execute(cmd, "<execute>", obj=_context(args), echo=False)
    return 0.0


def _context(args: list):
    """The object an ``execute(cmd, obj)`` runs in (None: the top level)."""
    from ..templates import TemplateInstance

    obj = args[1] if len(args) > 1 else None
    return obj if isinstance(obj, TemplateInstance) else None


def _execute1(interp, args, span):
    cmd = _str(args, 0, "execute1", span)
    obj = _context(args)
    flag = args[2] if obj is not None and len(args) > 2 else (args[1] if obj is None and len(args) > 1 else 1.0)
    show = not isinstance(flag, float) or flag != 0
    try:
        interp.execute(cmd, "<execute1>", obj=obj, echo=False)
    except LimitReached:              # --max-seconds is not the script's to catch
        raise
    except HocError as e:
        if show:
            interp.err(e.render() + "\n")
        return 0.0
    return 1.0


def _execerror(interp, args, span):
    parts = [as_str(a) for a in args if isinstance(a, (str, StrRef))]
    raise HocRuntimeError(" ".join(parts) or "execerror", span)


def _system(interp, args, span):
    cmd = _str(args, 0, "system", span)
    if interp.safe:
        raise HocRuntimeError("system() is disabled in safe mode", span,
                              hint="run without --safe to allow shell commands")
    proc = subprocess.run(cmd, shell=True, capture_output=True, text=True)
    if len(args) > 1 and isinstance(args[1], StrRef):
        args[1].set(proc.stdout)
    else:
        interp.out(proc.stdout)
    if proc.stderr:
        interp.err(proc.stderr)
    return float(proc.returncode)


# name_declared(): NEURON's codes for what a top-level name is (measured with nrniv 9.0.2)
_INT_VARS = {"secondorder"}


def _name_declared(interp, args, span):
    if not args:
        raise HocRuntimeError("name_declared not enough arguments", span)
    name = as_str(args[0])
    flag = as_float(args[1]) if len(args) > 1 else 0.0
    kind = interp.globals.kinds.get(name)
    if kind is None:
        if name in interp.templates or name in interp.classes or name in interp.builtins:
            return 1.0
        if name in ("nseg", "L", "Ra", "rallbranch"):
            return 8.0 if flag == 2 else 5.0
        if interp.model is not None and (interp.model.registry.is_rangevar(name)
                                         or interp.model.registry.is_mechanism(name)):
            return 1.0
        return 0.0
    if kind in ("obj", "objarray"):
        return 2.0
    if kind in ("sec", "secarray"):
        return 3.0
    if kind == "str":
        return 4.0
    if kind in ("var", "array"):
        if flag == 2:
            if kind == "array":
                return 6.0
            return 7.0 if name in _INT_VARS else 5.0
        return 5.0
    return 1.0


def _object_id(interp, args, span):
    if not args:
        raise HocRuntimeError("object_id not enough arguments", span)
    o = args[0]
    if o is None:
        return 0.0
    if not isinstance(o, HocObject):
        raise HocTypeError("object_id: argument must be an object", span)
    if len(args) > 1 and as_float(args[1]) != 0:
        interp.objects.register(o)
        return float(o.hoc_index)
    return float(id(o))


def _noop(value: float):
    def f(interp, args, span):
        return value
    return f


# ------------------------------------------------------------------ files
def find_file(interp, name: str, *, search: bool = True, span: Span | None = None,
              what: str = "load_file") -> Path | None:
    """A HOC file: as given, the running script's folder, $HOC_LIBRARY_PATH, our stdlib.

    Under --safe (safety.py) a name outside the allowed folders is refused before the
    file system is asked about it, $HOC_LIBRARY_PATH is not read, and a searched folder
    outside the allowed ones is skipped."""
    if name.replace("\\", "/").startswith("$(NEURONHOME)/lib/hoc/"):
        # NEURON's library as hocx provides it: hocx's own stdlib copy, even when the
        # environment's NEURONHOME names an installed NEURON (whose GUI files hocx cannot run)
        std = _resources.stdlib_path(Path(name).name)
        if std is not None:
            expand_file_name(interp, name, span, what)      # --safe's checks still apply
            return std
    name = expand_file_name(interp, name, span, what)
    p = Path(name)
    candidates = [p]
    if interp.file_dirs:
        candidates.append(Path(interp.file_dirs[-1]) / name)
    if search and not interp.safe:
        candidates += [Path(d) / name
                       for d in re.split(r"[:\s]+", os.environ.get("HOC_LIBRARY_PATH", "")) if d]
    refused = None
    for q in candidates:
        if not is_readable(interp, str(q)):   # not even asked whether it exists
            if refused is None and escapes(interp, name, str(q)):
                refused = q
        elif q.is_file():
            return q
    if search or "lib/hoc" in name.replace("\\", "/"):
        std = _resources.stdlib_path(p.name)
        if std is not None:
            return std
    if refused is not None:
        check_read(interp, str(refused), span, what)
    return None


def _load_file(interp, args, span):
    force = False
    symbol = None
    if args and isinstance(args[0], float):
        force = args[0] != 0
        args = args[1:]
    name = _str(args, 0, "load_file", span)
    if len(args) > 1:
        symbol = as_str(args[1])
        if interp.kind_of(symbol) is not None:
            return 0.0
    if not force and name in interp.loaded:
        return 1.0
    path = find_file(interp, name, span=span)
    if path is None:
        interp.warn(f"Couldn't find: {name}", span)
        return 0.0
    interp.loaded.add(name)
    interp.execute_file(str(path))
    return 1.0


def _xopen(interp, args, span):
    name = _str(args, 0, "xopen", span)
    path = find_file(interp, name, search=False, span=span, what="xopen")
    if path is None:
        raise HocRuntimeError(f"Can't open {expand_file_name(interp, name, span, 'xopen')}", span)
    interp.execute_file(str(path))
    return 1.0


def _nrnversion(interp, args, span):
    from ... import __version__
    return f"hocx {__version__} (HOC as NEURON 9.0.2)"


def install(interp) -> None:
    for name, value in CONSTANTS.items():
        interp.set_global(name, value)
    for name, fn in MATH1.items():
        interp.register_builtin(name, _math1(name, fn), doc=f"{name}(x)")
    interp.register_builtin("atan2", _atan2, doc="atan2(y, x)")
    interp.register_builtin("pow", _pow, doc="pow(x, y) = x^y")
    interp.register_builtin("numarg", _numarg, doc="number of arguments of the running proc/func")
    interp.register_builtin("argtype", _argtype, doc="argtype(i): 0 number, 1 object, 2 string, 3 pointer, -1 absent")
    interp.register_builtin("quit", _quit, doc="quit([status]): leave hocx")
    interp.register_builtin("execute", _execute, kind="proc", doc="execute(\"stmt\"): run HOC text")
    interp.register_builtin("execute1", _execute1, doc="execute1(\"stmt\"): run HOC text; 0 on error")
    interp.register_builtin("execerror", _execerror, doc="execerror(\"msg\"): raise an error")
    interp.register_builtin("system", _system, doc="system(\"cmd\"[, strdef]): run a shell command")
    interp.register_builtin("name_declared", _name_declared,
                            doc='name_declared("name"[, 2]): 0 undefined, 2 objref, 3 section, 4 strdef, 5 variable, 1 other')
    interp.register_builtin("object_id", _object_id, doc="object_id(o[, 1]): identity (or index) of o")
    interp.register_builtin("load_file", _load_file, doc="load_file([1,] \"f.hoc\"[, \"Symbol\"])")
    interp.register_builtin("xopen", _xopen, doc="xopen(\"f.hoc\"): run a file")
    interp.register_builtin("print_session", _noop(0.0), doc="(GUI; does nothing)")
    interp.register_builtin("nrnversion", _nrnversion, kind="strfunc", doc="version string")
