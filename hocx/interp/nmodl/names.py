"""How the generated code sees each name of a checked mod file.

Every mechanism variable lives in the dict ``st`` while a generated function runs
(``st["gnabar"]``); arguments, LOCALs and FROM loop variables are Python locals (``l_x``);
DEFINEs, CONSTANTs and UNITS constants are written in as numbers.  Builtins: ``v`` is the
hook's argument, ``t`` and ``dt`` and ``celsius`` come from ``env`` (``t`` also from the
``current`` hook's argument), ``diam`` and ``area`` from ``p`` (the simulator supplies them
when the spec's ``uses`` names them).
"""
from __future__ import annotations

from dataclasses import dataclass

from ...syntax.nmodl.check import CheckedMod, Kind

#: builtins that are values of the simulation, whatever block declares them
BUILTINS = ("v", "t", "dt", "celsius", "diam", "area")
#: builtins the simulator supplies per instance in ``p`` when a mod uses them
GEOMETRY = ("diam", "area")
#: constants nocmodl knows without a UNITS line
BUILTIN_CONSTANTS = {"PI": 3.141592653589793}


@dataclass(frozen=True)
class VarInfo:
    """One mechanism variable: ``role`` "parameter" | "assigned" | "state" | "ion" |
    "pointer" | "local" (file-level LOCAL); ``size`` None for a scalar."""

    name: str
    role: str
    size: int | None = None
    ion: str | None = None


def mech_variables(cm: CheckedMod) -> dict[str, VarInfo]:
    """The variables the generated code keeps in ``st`` (builtins excluded)."""
    out: dict[str, VarInfo] = {}
    state_decl = _declared(cm, "STATE")
    for name, sym in cm.symbols.items():
        if name in BUILTINS:
            continue
        if name in cm.pointers:
            out[name] = VarInfo(name, "pointer", sym.size)
        elif sym.kind is Kind.PARAMETER:
            out[name] = VarInfo(name, "parameter", sym.size)
        elif sym.kind is Kind.ASSIGNED:
            out[name] = VarInfo(name, "assigned", sym.size)
        elif sym.kind is Kind.STATE:
            out[name] = VarInfo(name, "state", sym.size)
        elif sym.kind is Kind.ION:
            role = "state" if name in state_decl else "ion"
            out[name] = VarInfo(name, role, sym.size, sym.ion)
        elif sym.kind is Kind.POINTER:
            out[name] = VarInfo(name, "pointer", sym.size)
        elif sym.kind is Kind.LOCAL:
            out[name] = VarInfo(name, "local", sym.size)
        elif sym.kind is Kind.RANDOM:
            # its stream: hidden carried numbers (hocx.interp.random123.keys)
            for k in random_keys(name):
                out[k] = VarInfo(k, "local")
    return out


def random_keys(name: str) -> tuple[str, ...]:
    from ..random123 import keys
    return keys(name)


def randoms(cm: CheckedMod) -> tuple[str, ...]:
    """The mod's RANDOM variables, in declaration order."""
    return tuple(n for n, s in cm.symbols.items() if s.kind is Kind.RANDOM)


def symbol_of(cm: CheckedMod, name: str):
    """The symbol behind a variable of :func:`mech_variables` (a RANDOM's for its keys)."""
    sym = cm.symbols.get(name)
    if sym is None and "__" in name:
        sym = cm.symbols.get(name.rsplit("__", 1)[0])
    return sym


def constant_value(cm: CheckedMod, name: str) -> float | None:
    """The number a DEFINE, CONSTANT or UNITS constant stands for (None: not a constant)."""
    sym = cm.symbols.get(name)
    if sym is None:
        return BUILTIN_CONSTANTS.get(name)
    if sym.kind in (Kind.DEFINE, Kind.UNIT_CONSTANT):
        return float(sym.value)
    if sym.kind is Kind.CONSTANT:
        return float(sym.value if sym.value is not None else 0.0)
    return None


def _declared(cm: CheckedMod, keyword: str) -> set[str]:
    from ...syntax.nmodl import ast as A
    names = set()
    for it in cm.mod.flat_items():
        if isinstance(it, A.DeclBlock) and it.keyword == keyword:
            names.update(d.name for d in it.decls)
    return names


def declared_in(cm: CheckedMod, keyword: str) -> set[str]:
    return _declared(cm, keyword)
