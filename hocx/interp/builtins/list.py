"""NEURON's ``List``: an ordered collection of object references.

Membership counts as a reference, as in NEURON: the List calls
``interp.objects.ref(obj)`` when it stores an object and ``interp.objects.unref(obj)``
when it drops one, so ``l.append(new Vector())`` keeps ``Vector[0]`` alive.

``new List("Template")`` is a live, read-only view of every existing instance of
a class, in creation order; it asks ``interp.objects.instances(name)``.
Return values follow nrniv: append/prepend/insrt/remove return the new count.
"""
from __future__ import annotations

from typing import Any

from ...errors import HocRuntimeError, HocTypeError, Span
from ..objects import HocObject
from .strings import int_arg, need_args, str_arg
from . import method_docs


def hold(interp, obj: HocObject | None) -> None:
    """Count a container's reference to ``obj``."""
    if obj is None:
        return
    registry = getattr(interp, "objects", None)
    if registry is not None and hasattr(registry, "ref"):
        registry.ref(obj)
    else:
        obj.refcount += 1


def release(interp, obj: HocObject | None) -> None:
    """Drop a container's reference to ``obj`` (the interpreter frees it at zero)."""
    if obj is None:
        return
    registry = getattr(interp, "objects", None)
    if registry is not None and hasattr(registry, "unref"):
        registry.unref(obj)
    else:
        obj.refcount -= 1
        if obj.refcount <= 0:
            obj.hoc_free()


def obj_arg(fname: str, args: list, i: int, span: Span | None) -> HocObject | None:
    """Argument ``i`` as an object reference (NULLobject allowed)."""
    need_args(fname, args, i + 1, span)
    v = args[i]
    if v is None or isinstance(v, HocObject):
        return v
    raise HocTypeError(f"{fname}: argument {i + 1} must be an object", span)


class List(HocObject):
    """An ordered list of object references (``List()``), or of a class's instances (``List("T")``)."""

    hoc_class = "List"
    hoc_doc = {**method_docs.LIST,
        "append": "append(obj): add at the end; returns the count",
        "prepend": "prepend(obj): add at the front; returns the count",
        "insrt": "insrt(i, obj): insert before index i; returns the count",
        "remove": "remove(i): remove item i; returns the count",
        "remove_all": "remove_all(): empty the list",
        "count": "count(): number of items",
        "object": "object(i): item i",
        "o": "o(i): item i",
        "index": "index(obj): position of obj, or -1",
    }

    def __init__(self, interp: Any = None, args: list | None = None, span: Span | None = None):
        super().__init__(interp, args, span)
        self.items: list[HocObject | None] = []
        self.template: str | None = None
        if args:
            self.template = str_arg("List", args, 0, span)
            self._instances(span)   # fail early on an unknown class

    def _instances(self, span: Span | None) -> list:
        registry = getattr(self.interp, "objects", None)
        fn = getattr(registry, "instances", None)
        if fn is None:
            raise HocRuntimeError(f'List("{self.template}") needs the interpreter\'s object registry', span)
        return list(fn(self.template))

    def _view(self, span: Span | None) -> list:
        return self._instances(span) if self.template is not None else self.items

    def _mutable(self, fname: str, span: Span | None) -> None:
        if self.template is not None:
            raise HocRuntimeError(f'List.{fname}: List("{self.template}") is a read-only view of its instances',
                                  span)

    def _item_index(self, fname: str, args: list, span: Span | None, extra: int = 0) -> int:
        n = len(self._view(span)) + extra
        i = int_arg(fname, args, 0, span)
        if i < 0 or i >= n:
            raise HocRuntimeError("Arg out of range in user function", span,
                                  hint=f"List.{fname}: index {i} but the list has {len(self._view(span))} items")
        return i

    # ---- changing the list ---------------------------------------------------
    def m_append(self, args: list, span: Span | None = None) -> float:
        self._mutable("append", span)
        obj = obj_arg("append", args, 0, span)
        hold(self.interp, obj)
        self.items.append(obj)
        return float(len(self.items))

    def m_prepend(self, args: list, span: Span | None = None) -> float:
        self._mutable("prepend", span)
        obj = obj_arg("prepend", args, 0, span)
        hold(self.interp, obj)
        self.items.insert(0, obj)
        return float(len(self.items))

    def m_insrt(self, args: list, span: Span | None = None) -> float:
        self._mutable("insrt", span)
        i = self._item_index("insrt", args, span, extra=1)
        obj = obj_arg("insrt", args, 1, span)
        hold(self.interp, obj)
        self.items.insert(i, obj)
        return float(len(self.items))

    def m_remove(self, args: list, span: Span | None = None) -> float:
        self._mutable("remove", span)
        i = self._item_index("remove", args, span)
        release(self.interp, self.items.pop(i))
        return float(len(self.items))

    def m_remove_all(self, args: list, span: Span | None = None) -> float:
        self._mutable("remove_all", span)
        items, self.items = self.items, []
        for obj in items:
            release(self.interp, obj)
        return 0.0

    def hoc_free(self) -> None:
        if self.template is None:
            self.m_remove_all([])

    # ---- reading ---------------------------------------------------------------
    def m_count(self, args: list, span: Span | None = None) -> float:
        return float(len(self._view(span)))

    def m_object(self, args: list, span: Span | None = None) -> HocObject | None:
        return self._view(span)[self._item_index("object", args, span)]

    def m_o(self, args: list, span: Span | None = None) -> HocObject | None:
        return self._view(span)[self._item_index("o", args, span)]

    def m_index(self, args: list, span: Span | None = None) -> float:
        obj = obj_arg("index", args, 0, span)
        for i, item in enumerate(self._view(span)):
            if item is obj:
                return float(i)
        return -1.0

    # ---- GUI (headless) ----------------------------------------------------------
    def _gui(self, name: str) -> float:
        from .gui import warn_once

        warn_once(self.interp, f"List.{name}")
        return 0.0

    def m_browser(self, args: list, span: Span | None = None) -> float:
        return self._gui("browser")

    def m_accept_action(self, args: list, span: Span | None = None) -> float:
        return self._gui("accept_action")

    def m_select_action(self, args: list, span: Span | None = None) -> float:
        return self._gui("select_action")

    def m_select(self, args: list, span: Span | None = None) -> float:
        return self._gui("select")

    def m_selected(self, args: list, span: Span | None = None) -> float:
        self._gui("selected")
        return -1.0


def install(interp) -> None:
    interp.register_class("List", List, doc="an ordered list of objects")
