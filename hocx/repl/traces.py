"""Find the data behind ``plot`` and ``%export``: recorded Vectors, their time base and units."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import HocNameError, HocRuntimeError, suggest
from ..quantities import CORE_UNITS, units_of as registry_units
from . import introspect
from .plot import Trace

_TIME_NAMES = ("t", "tvec", "t_vec", "rec_t", "trec", "time", "tv", "vec_t", "timevec")


@dataclass
class Recording:
    """A top-level Vector (maybe an objref array element) and what it records."""

    name: str
    vector: Any
    source: Any
    Dt: float | None = None      # record(&x, Dt): one sample every Dt
    tvec: Any = None             # record(&x, tvec): samples at the times in tvec

    @property
    def source_text(self) -> str:
        return introspect.describe_source(self.source)


#: objrefs the REPL's ``plot`` makes for itself: never listed, exported or named in errors
HIDDEN_PREFIX = "hocx_rec_"


def vectors(session) -> list[Recording]:
    """All top-level Vectors, including elements of objref arrays (the REPL's hidden ones too)."""
    out: list[Recording] = []
    sim_recs = introspect.sim_recordings(session)
    for name, obj in introspect.objects(session).items():
        items = introspect.array_items(obj) or [("", obj)]
        for suffix, o in items:
            if getattr(o, "hoc_class", "") == "Vector":
                entry = sim_recs.get(id(o))
                out.append(Recording(name + suffix, o, introspect.record_source(o, sim_recs),
                                     getattr(entry, "Dt", None), getattr(entry, "tvec", None)))
    return out


def _is_time_source(src) -> bool:
    if src is None:
        return False
    if getattr(src, "name", None) == "t" or getattr(src, "var", None) == "t":
        return True
    return introspect.describe_source(src) in ("t", "&t")


def time_base(session, n: int, recs: list[Recording] | None = None,
              rec: Recording | None = None) -> tuple[np.ndarray, str]:
    """The time values for an n-point recording and where they came from."""
    if rec is not None and rec.tvec is not None:
        times = introspect.vector_data(rec.tvec)
        if times is not None and len(times) >= n:
            return times[:n], "its tvec"
    if rec is not None and rec.Dt:
        return np.arange(n) * float(rec.Dt), f"Dt = {float(rec.Dt):g}"
    recs = vectors(session) if recs is None else recs
    recs = [r for r in recs if not r.name.startswith(HIDDEN_PREFIX)]
    for r in recs:
        if _is_time_source(r.source):
            data = introspect.vector_data(r.vector)
            if data is not None and len(data) == n:
                return data, r.name
    for r in recs:
        if r.name in _TIME_NAMES:
            data = introspect.vector_data(r.vector)
            if data is not None and len(data) == n:
                return data, r.name
    dt = introspect.get_global(session, "dt") or 0.025
    return np.arange(n) * dt, f"0, dt, 2dt ... (dt = {dt:g})"


def units_of(session, source, default: str = "") -> str:
    """Units of what a recording records, from the mechanism registry (v is in mV)."""
    var = getattr(source, "var", None) or getattr(source, "name", None)
    if var is None:
        text = introspect.describe_source(source)
        m = re.search(r"([A-Za-z_]\w*)\s*\(", text)
        var = m.group(1) if m else text
    return var_units(session, str(var)) or default


def var_units(session, var: str) -> str:
    if var in CORE_UNITS:
        return CORE_UNITS[var]
    registry = getattr(introspect.model(session), "registry", None)
    if registry is not None and hasattr(registry, "names"):
        return registry_units(registry, var)
    for mech_name, decl in introspect.mechanisms(session).items():
        for info in introspect.mechanism_vars(decl, mech_name):
            if info.name == var:
                return info.units
    return ""


def trace_of(session, rec: Recording, recs: list[Recording]) -> Trace:
    data = introspect.vector_data(rec.vector)
    if data is None or data.size == 0:
        raise HocRuntimeError(f"{rec.name} is empty", hint="record it with .record(&var) and run() first")
    t, _ = time_base(session, data.size, recs, rec)
    label = rec.name + (f" = {rec.source_text}" if rec.source_text else "")
    return Trace(label, t, data, units_of(session, rec.source), quantity_of(rec.source))


def quantity_of(source) -> str:
    """What a recording records, as a quantity name: ``v`` for &soma.v(0.5), ``m_hh``, ``t``."""
    if source is None:
        return ""
    var = getattr(source, "var", None) or getattr(source, "name", None)
    if var:
        return str(var)
    m = re.search(r"([A-Za-z_]\w*)\s*\(", introspect.describe_source(source))
    if m:
        return m.group(1)
    text = introspect.describe_source(source).lstrip("&").strip()
    return text.rsplit(".", 1)[-1] if re.fullmatch(r"[\w.\[\]]+", text or "-") else ""


def named_trace(session, name: str) -> Trace:
    recs = vectors(session)
    for r in recs:
        if r.name == name and not name.startswith(HIDDEN_PREFIX):
            return trace_of(session, r, recs)
    hint = suggest(name, [r.name for r in recs if not r.name.startswith(HIDDEN_PREFIX)])
    raise HocNameError(f"{name} is not a Vector",
                       hint=f"did you mean '{hint}'?" if hint else "plot takes Vector names, or VAR(x) SECTION...")


def _matches(src, section: str, var: str, x: float) -> bool:
    sec = getattr(src, "section", None)
    if sec is not None:
        return (introspect.section_name(sec) == section and getattr(src, "var", None) == var
                and abs(float(getattr(src, "x", -1)) - x) < 1e-9)
    text = introspect.describe_source(src).replace(" ", "").lstrip("&")
    return text in (f"{section}.{var}({x:g})", f"{section}.{var}({x})")


def range_trace(session, section: str, var: str, x: float) -> Trace | None:
    """The recording of section.var(x), if some Vector records it."""
    recs = vectors(session)
    for r in recs:
        if r.source is not None and _matches(r.source, section, var, x):
            data = introspect.vector_data(r.vector)
            if data is None or not data.size:
                continue                  # armed, but no run since: not recorded yet
            tr = trace_of(session, r, recs)
            tr.label = f"{section}.{var}({x:g})"
            tr.quantity = var
            return tr
    return None


def is_armed(session, section: str, var: str, x: float) -> bool:
    """True when some Vector records section.var(x) (maybe with no samples yet)."""
    return any(r.source is not None and _matches(r.source, section, var, x) for r in vectors(session))


def all_traces(session) -> dict[str, np.ndarray]:
    """Every non-empty top-level Vector, by name (for %export)."""
    out = {}
    for r in vectors(session):
        if r.name.startswith(HIDDEN_PREFIX):
            continue
        data = introspect.vector_data(r.vector)
        if data is not None and data.size:
            out[r.name] = data
    return out
