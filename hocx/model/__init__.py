"""The cable model: sections, geometry, mechanism declarations, point processes, tables.

Layer 2 (beside ``hocx.interp``): imports only ``hocx.errors`` and the object protocol
``hocx.interp.objects``.  See docs/ARCHITECTURE.md, "Model API".
"""
from __future__ import annotations

from .cable import CableModel
from .geometry import NodeGeometry
from .mechanisms import Mechanism, MechanismRegistry, Variable
from .refs import MemberRef, RangeRef
from .section import Section

__all__ = ["CableModel", "Section", "MechanismRegistry", "Mechanism", "Variable",
           "NodeGeometry", "RangeRef", "MemberRef"]
