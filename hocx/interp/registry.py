"""Object numbering and lifetime (language.md §2.6, conformance C23).

Each class keeps a counter incremented at every creation; it resets to 0 when
the number of live instances of that class drops to 0.  Objects are
reference-counted: objref slots, localobjs and containers (``List``) hold
references; when the count reaches 0 the object is freed (``hoc_free()``) and
its index leaves the live table.  A freshly created object that nothing has
referenced yet is *pending*; pending objects still unreferenced at the end of
a statement are freed.
"""
from __future__ import annotations

from typing import Any

from .objects import HocObject


class ObjectRegistry:
    """Live objects per class name, with NEURON's index reuse rule."""

    def __init__(self):
        self.counters: dict[str, int] = {}
        self.live: dict[str, dict[int, HocObject]] = {}
        self.pending: list[HocObject] = []

    def register(self, obj: HocObject) -> HocObject:
        """Give ``obj`` its ``Class[i]`` index (idempotent)."""
        if obj.hoc_index >= 0:
            return obj
        cls = obj.hoc_class
        i = self.counters.get(cls, 0)
        self.counters[cls] = i + 1
        obj.hoc_index = i
        self.live.setdefault(cls, {})[i] = obj
        if obj.refcount <= 0:
            self.pending.append(obj)
        return obj

    def lookup(self, cls: str, index: int) -> HocObject | None:
        return self.live.get(cls, {}).get(index)

    def instances(self, cls: str) -> list[HocObject]:
        return [o for _, o in sorted(self.live.get(cls, {}).items())]

    def ref(self, obj: Any) -> None:
        if isinstance(obj, HocObject):
            if obj.hoc_index < 0:
                self.register(obj)
            obj.refcount += 1

    def unref(self, obj: Any, *, defer: bool = False) -> None:
        """Drop one reference; free at zero (or leave pending when ``defer``)."""
        if not isinstance(obj, HocObject):
            return
        obj.refcount -= 1
        if obj.refcount <= 0:
            if defer:
                self.pending.append(obj)
            else:
                self.free(obj)

    def free(self, obj: HocObject) -> None:
        cls = obj.hoc_class
        table = self.live.get(cls)
        if table is None or table.get(obj.hoc_index) is not obj:
            return
        del table[obj.hoc_index]
        if not table:
            self.counters[cls] = 0
        try:
            obj.hoc_free()
        finally:
            release = getattr(obj, "release_members", None)
            if release is not None:
                release()

    def sweep(self) -> None:
        """Free pending objects nobody took a reference to."""
        while self.pending:
            pend, self.pending = self.pending, []
            for obj in pend:
                if obj.refcount <= 0:
                    self.free(obj)
