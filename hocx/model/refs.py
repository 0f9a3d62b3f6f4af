"""Pointers into the model: ``&soma.v(0.5)`` and ``&stim.i``.

:class:`RangeRef` designates a range variable at a location; :class:`MemberRef` a data
member of an object (a point-process field).  Both are :class:`~hocx.interp.objects.Pointer`
subclasses, readable and settable, and tell ``Vector.record`` and the simulator what they
point at (:meth:`RangeRef.node`, ``MemberRef.obj``/``field``).
"""
from __future__ import annotations

from typing import Any

from ..interp.objects import Pointer


class RangeRef(Pointer):
    """``&sec.var(x)``: range variable ``var`` of ``section`` at ``x``."""

    def __init__(self, section, var: str, x: float = 0.5):
        self.section, self.var, self.x = section, var, float(x)

    def get(self) -> float:
        return self.section.get_range(self.var, self.x)

    def set(self, value: float) -> None:
        self.section.set_range(self.var, self.x, float(value))

    def node(self) -> int:
        """Index of the designated node in ``section.model.geometry()``."""
        return self.section.model.geometry().node_of(self.section, self.x)

    def describe(self) -> str:
        return f"{self.section.name()}.{self.var}({self.x:g})"

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, RangeRef) and other.section is self.section
                and other.var == self.var and other.x == self.x)

    def __hash__(self) -> int:
        return hash((id(self.section), self.var, self.x))


class MemberRef(Pointer):
    """``&obj.field`` (or ``&obj.field[i]``): a data member of a HOC object."""

    def __init__(self, obj: Any, field: str, index: int | None = None):
        self.obj, self.field, self.index = obj, field, index

    def get(self) -> float:
        return float(self.obj.hoc_get(self.field, self.index))

    def set(self, value: float) -> None:
        self.obj.hoc_set(self.field, float(value), self.index)

    def describe(self) -> str:
        idx = "" if self.index is None else f"[{self.index}]"
        return f"{self.obj.hoc_name()}.{self.field}{idx}"
