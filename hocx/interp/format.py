"""How nrniv writes values: ``print`` items and top-level echo (language.md §2.8)."""
from __future__ import annotations

import math
from typing import Any

from .objects import HocObject, Pointer, StrRef


def fmt_number(x: float) -> str:
    """C's ``%.8g`` as nrniv prints it (``-0``, ``inf``, ``-nan``)."""
    if x != x:
        return "-nan" if math.copysign(1.0, x) < 0 else "nan"
    return "%.8g" % x


def object_name(obj: HocObject | None, registry=None) -> str:
    if obj is None:
        return "NULLobject"
    if obj.hoc_index < 0 and registry is not None:
        registry.register(obj)
    return obj.hoc_name()


def fmt_value(v: Any, registry=None) -> str:
    """A value as ``print`` writes an expression item (numbers and objects get a space)."""
    if isinstance(v, float):
        return fmt_number(v) + " "
    if isinstance(v, (int, bool)):
        return fmt_number(float(v)) + " "
    if isinstance(v, str):
        return v + " "
    if isinstance(v, StrRef):
        return v.value + " "
    if v is None or isinstance(v, HocObject):
        return object_name(v, registry) + " "
    if isinstance(v, Pointer):
        return fmt_number(v.get()) + " "
    name = section_name(v)
    if name is not None:
        return name + " "
    return str(v) + " "


def section_name(sec: Any) -> str | None:
    """The printed name of a section object (``soma``, ``Cell[0].dend[1]``), or None."""
    for attr in ("hoc_name", "full_name", "secname"):
        fn = getattr(sec, attr, None)
        if callable(fn):
            try:
                return str(fn())
            except Exception:  # noqa: BLE001 - fall through to the next spelling
                continue
    if hasattr(sec, "get_range"):
        return str(getattr(sec, "name", sec))
    return None
