"""Read-only, failure-tolerant views of a Session for the REPL.

The REPL shows what exists (names, sections, mechanisms, recordings, simulator
globals) without ever letting a missing or half-built part of the session
crash it.  Every function here returns an empty/None answer when the thing it
looks for is absent, so the REPL keeps working while other layers evolve.
All knowledge of *where* a fact lives in the session is kept in this module.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np


def names(session) -> dict[str, str]:
    """``Session.names()`` (name -> kind), or {} when unavailable."""
    fn = getattr(session, "names", None)
    if fn is None:
        return {}
    try:
        return dict(fn())
    except Exception:
        return {}


def builtin_names(session) -> set[str]:
    """Names the session provides itself (built-in functions, classes, variables)."""
    out: set[str] = set()
    for attr in ("builtins", "classes", "builtin_vars"):
        try:
            out |= set(getattr(session, attr, None) or ())
        except TypeError:
            pass
    return out


def kind_class(kind: str) -> str:
    """Coarse class of a name kind reported by ``Session.names()``.

    Returns one of: section, mechanism, rangevar, objref, strdef, template,
    proc, builtin, variable.
    """
    k = (kind or "").lower()
    if k in ("bfunc", "bproc", "bstrfunc", "bobjfunc"):
        return "builtin"
    if k == "secprop":
        return "variable"
    if "sec" in k and "list" not in k:
        return "section"
    if "mech" in k:
        return "mechanism"
    if "range" in k:
        return "rangevar"
    if "template" in k or "class" in k:
        return "template"
    if "obj" in k and "func" not in k:
        return "objref"
    if "str" in k and "func" not in k:
        return "strdef"
    if "builtin" in k or k.startswith("b_"):
        return "builtin"
    if any(w in k for w in ("proc", "func", "iterator")):
        return "proc"
    return "variable"


def get_global(session, name: str) -> float | None:
    """A top-level numeric variable (t, tstop, dt...) or None."""
    fn = getattr(session, "get_global", None)
    if fn is None:
        return None
    try:
        val = fn(name)
    except Exception:
        return None
    try:
        return float(val)
    except (TypeError, ValueError):
        return None


def get_value(session, name: str) -> Any:
    """Any top-level value (number, str, object) or None."""
    fn = getattr(session, "get_global", None)
    if fn is None:
        return None
    try:
        return fn(name)
    except Exception:
        return None


def model(session):
    return getattr(session, "model", None)


def sections(session) -> list:
    m = model(session)
    try:
        return [s for s in list(getattr(m, "sections", []) or []) if getattr(s, "exists", True)]
    except Exception:
        return []


def section_name(sec) -> str:
    for attr in ("name", "hoc_name", "secname"):
        val = getattr(sec, attr, None)
        if callable(val):
            try:
                return str(val())
            except Exception:
                continue
        if isinstance(val, str):
            return val
    return str(sec)


def section_names(session) -> list[str]:
    """Names usable as section prefixes: 'soma', 'dend[0]', ... plus declared section names."""
    out = [section_name(s) for s in sections(session)]
    out += [n for n, k in names(session).items() if kind_class(k) == "section"]
    return list(dict.fromkeys(out))


def compartments(session) -> int:
    return sum(int(getattr(s, "nseg", 0) or 0) for s in sections(session))


def structure_version(session) -> int | None:
    m = model(session)
    v = getattr(m, "structure_version", None)
    return int(v) if isinstance(v, (int, float)) else None


def compile_signature(session) -> tuple | None:
    """What forces the simulator to recompile when it changes: model structure and recording set."""
    version = structure_version(session)
    if version is None:
        return None
    return (version, tuple(sorted(sim_recordings(session))))


# ---- mechanisms -----------------------------------------------------------
@dataclass(frozen=True)
class VarInfo:
    """A range or global variable of a mechanism, for completion and help."""

    name: str          # NEURON's suffixed name, e.g. gnabar_hh
    mechanism: str
    role: str          # PARAMETER, ASSIGNED, STATE
    units: str
    default: float | None


def _iter_mechanisms(session) -> Iterable[Any]:
    m = model(session)
    reg = getattr(m, "registry", None)
    if reg is None:
        return []
    for attr in ("mechanisms", "all", "values"):
        obj = getattr(reg, attr, None)
        if obj is None:
            continue
        try:
            obj = obj() if callable(obj) else obj
            return list(obj.values()) if isinstance(obj, dict) else list(obj)
        except Exception:
            continue
    try:
        return list(reg)
    except Exception:
        return []


def mechanisms(session) -> dict[str, Any]:
    """Mechanism name -> declaration object (whatever the registry holds)."""
    out: dict[str, Any] = {}
    for mech in _iter_mechanisms(session):
        name = mech if isinstance(mech, str) else getattr(mech, "name", None)
        if name:
            out[str(name)] = mech
    for n, k in names(session).items():
        if kind_class(k) == "mechanism":
            out.setdefault(n, None)
    return out


def _as_names(v) -> list[str]:
    if v is None:
        return []
    if isinstance(v, dict):
        return [str(k) for k in v]
    if isinstance(v, str):
        return [v]
    try:
        return [x if isinstance(x, str) else str(getattr(x, "name", x)) for x in v]
    except TypeError:
        return []


def mechanism_vars(decl, mech_name: str) -> list[VarInfo]:
    """Range variables a mechanism declares, with units and defaults when known."""
    if decl is None or isinstance(decl, str):
        return []
    variables = getattr(decl, "variables", None)
    if variables:
        return [VarInfo(str(v.name), mech_name, str(getattr(v, "kind", "")).upper(),
                        str(getattr(v, "units", "") or ""), getattr(v, "default", None))
                for v in variables if getattr(v, "name", None)]
    units = getattr(decl, "units", None) or {}
    defaults = getattr(decl, "defaults", None) or {}
    out: list[VarInfo] = []
    for role in ("PARAMETER", "ASSIGNED", "STATE"):
        vals = None
        for attr in (role.lower(), role.lower() + "s", role, role.lower() + "_names"):
            vals = getattr(decl, attr, None)
            if vals is not None:
                break
        for n in _as_names(vals):
            u = units.get(n, "") if isinstance(units, dict) else ""
            d = defaults.get(n) if isinstance(defaults, dict) else None
            out.append(VarInfo(n, mech_name, role, str(u or ""), d if isinstance(d, (int, float)) else None))
    if not out:
        rv = getattr(decl, "range_vars", None) or getattr(decl, "range_variables", None)
        for n in _as_names(rv):
            u = units.get(n, "") if isinstance(units, dict) else ""
            out.append(VarInfo(n, mech_name, "RANGE", str(u or ""), None))
    return out


def mechanism_kind(decl) -> str:
    return str(getattr(decl, "kind", "") or "")


def inserted_mechanisms(session) -> set[str]:
    """Mechanisms present in at least one section."""
    out: set[str] = set()
    mechs = list(mechanisms(session))
    for sec in sections(session):
        has = getattr(sec, "has_mech", None)
        if has is None:
            continue
        for name in mechs:
            try:
                if has(name):
                    out.add(name)
            except Exception:
                pass
    return out


# ---- objects and recordings ---------------------------------------------
def objects(session) -> dict[str, Any]:
    """Top-level objref name -> object (HocObject or None)."""
    out = {}
    for n, k in names(session).items():
        if kind_class(k) == "objref":
            out[n] = get_value(session, n)
    return out


def array_items(value) -> list[tuple[str, Any]] | None:
    """Elements of a HOC array value as ('[i][j]', item) pairs; None if value is not an array."""
    if isinstance(value, (list, tuple)):
        return [(f"[{i}]", v) for i, v in enumerate(value)]
    dims, data = getattr(value, "dims", None), getattr(value, "data", None)
    if not isinstance(dims, tuple) or not isinstance(data, list):
        return None
    out = []
    for flat, item in enumerate(data):
        idx, rest = [], flat
        for d in reversed(dims):
            idx.append(rest % d)
            rest //= d
        out.append(("".join(f"[{i}]" for i in reversed(idx)), item))
    return out


def vector_data(obj) -> np.ndarray | None:
    """A HOC Vector's values as a float64 array, or None if obj is not a Vector."""
    if obj is None or getattr(obj, "hoc_class", "") != "Vector":
        return None
    for attr in ("as_numpy", "to_numpy", "numpy"):
        fn = getattr(obj, attr, None)
        if callable(fn):
            try:
                return np.asarray(fn(), dtype=float)
            except Exception:
                pass
    for attr in ("data", "values", "_data", "arr", "x"):
        val = getattr(obj, attr, None)
        if isinstance(val, (np.ndarray, list, tuple)):
            try:
                n = len(val)
                size = _hoc_size(obj)
                arr = np.asarray(val, dtype=float)
                return arr[:size] if size is not None and size <= n else arr
            except Exception:
                pass
    size = _hoc_size(obj)
    if size is None:
        return None
    try:
        return np.array([float(obj.hoc_get("x", float(i))) for i in range(size)], dtype=float)
    except Exception:
        return None


def _hoc_size(obj) -> int | None:
    try:
        return int(obj.hoc_call("size", []))
    except Exception:
        return None


def sim_recordings(session) -> dict[int, Any]:
    """id(Vector) -> the simulator's record entry (``.pointer``, ``.Dt``, ``.tvec``), from ``session.sim``."""
    sim = _loaded(session, "sim")
    out: dict[int, Any] = {}
    try:
        for rec in list(getattr(sim, "recordings", None) or ()):
            vec = getattr(rec, "vec", None)
            if vec is not None and getattr(rec, "pointer", None) is not None:
                out[id(vec)] = rec
    except TypeError:
        pass
    return out


def record_source(vec, recordings: dict[int, Any] | None = None) -> Any:
    """What a recording Vector records (a Pointer such as RangeRef), if known."""
    if recordings and id(vec) in recordings:
        return recordings[id(vec)].pointer
    for attr in ("recording", "record_source", "record_ref", "_record", "source"):
        val = getattr(vec, attr, None)
        if val is not None and not callable(val):
            return val
    return None


def describe_source(src) -> str:
    if src is None:
        return ""
    fn = getattr(src, "describe", None)
    if callable(fn):
        try:
            return str(fn())
        except Exception:
            pass
    return str(src)


def _loaded(session, name: str) -> Any:
    """``session.<name>`` if the plug-in that sets it is in; never loads it (that imports
    JAX, see hocx/lazy_plugins.py) just to draw the toolbar."""
    try:
        return vars(session).get(name)
    except TypeError:                    # no instance dict
        return getattr(session, name, None)


def trainables(session) -> list[Any]:
    """Trainable parameters declared in the session (hocx/train), or []."""
    for holder in (session, _loaded(session, "train"), model(session)):
        if holder is None:
            continue
        val = getattr(holder, "trainables", None)
        if val is None:
            continue
        try:
            val = val() if callable(val) else val
            return list(val.values()) if isinstance(val, dict) else list(val)
        except Exception:
            continue
    return []
