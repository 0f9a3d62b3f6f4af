"""``SectionRef``: a first-class handle on one section (NEURON's secref.cpp).

``sec sr = new SectionRef()`` captures the CAS.  ``sr.sec``, ``sr.parent``,
``sr.trueparent``, ``sr.root`` and ``sr.child[i]`` designate sections (they return the
``Section`` object, which the interpreter uses as a prefix, in ``access``, or for
``sr.sec.L``); ``nchild()``, ``has_parent()``, ``has_trueparent()``, ``is_cas()`` and
``exists()`` are numbers.  ``child[0]`` is the first child in NEURON's sibling order
(smallest attachment position, most recently connected among equals).
"""
from __future__ import annotations

from typing import Any

from ...errors import HocRuntimeError, HocTypeError, Span
from ..objects import HocObject


class SectionRef(HocObject):
    """A reference to one section."""

    hoc_class = "SectionRef"
    hoc_fields = ("sec", "parent", "trueparent", "root", "child")
    hoc_doc = {
        "sec": "the referenced section",
        "parent": "its parent section (error if it has none)",
        "trueparent": "the section owning the node it hangs on (skips parents it hangs on at 0)",
        "root": "root section of its tree",
        "child": "child[i]: its i-th child",
        "nchild": "number of children",
        "has_parent": "1 if it has a parent",
        "has_trueparent": "1 if it has a true parent",
        "is_cas": "1 if it is the currently accessed section",
        "exists": "1 unless it was deleted",
    }

    def __init__(self, interp=None, args=None, span: Span | None = None):
        super().__init__(interp, args, span)
        if args:
            if len(args) == 1 and hasattr(args[0], "get_range"):
                self.section = args[0]
                return
            raise HocTypeError("SectionRef() takes no arguments: `sec sr = new SectionRef()`", span)
        model = getattr(interp, "model", None)
        if model is None:
            raise HocRuntimeError("sections are not available", span)
        self.section = model.cas(span)

    def _sec(self, span: Span | None):
        if not self.section.exists:
            raise HocRuntimeError("Section was deleted", span)
        return self.section

    @staticmethod
    def _trueparent(sec):
        owner, kind, _ = sec.attach_ref()
        return None if kind == "root" else owner

    def hoc_get(self, name: str, index: float | None = None, span: Span | None = None) -> Any:
        if name not in self.hoc_fields:
            return super().hoc_get(name, index, span)
        if name == "sec":
            return self.section if index is None else self._no_index(name, span)
        sec = self._sec(span)
        if name == "child":
            if index is None:
                raise HocRuntimeError("SectionRef.child[index]: an index is required", span)
            if not 0 <= index < len(sec.children):
                raise HocRuntimeError(f"SectionRef.child index too large for {sec.name()}", span)
            return sec.children[int(index)]
        if index is not None:
            return self._no_index(name, span)
        if name == "root":
            return sec.model.root(sec)
        target = sec.parent if name == "parent" else self._trueparent(sec)
        if target is None:
            raise HocRuntimeError(f"SectionRef has no parent for {sec.name()}", span)
        return target

    def _no_index(self, name: str, span: Span | None):
        raise HocTypeError(f"SectionRef.{name} is not an array", span)

    def hoc_set(self, name: str, value: Any, index: float | None = None, span: Span | None = None) -> None:
        raise HocTypeError(f"SectionRef.{name} cannot be assigned", span)

    def m_nchild(self, args, span=None):
        return float(len(self._sec(span).children))

    def m_has_parent(self, args, span=None):
        return 1.0 if self._sec(span).parent is not None else 0.0

    def m_has_trueparent(self, args, span=None):
        return 1.0 if self._trueparent(self._sec(span)) is not None else 0.0

    def m_exists(self, args, span=None):
        return 1.0 if self.section.exists else 0.0

    def m_is_cas(self, args, span=None):
        sec = self._sec(span)
        model = sec.model
        return 1.0 if model.has_cas() and model.cas(span) is sec else 0.0


def install(interp) -> None:
    interp.register_class("SectionRef", SectionRef, doc="a reference to one section")
