"""``SectionList``: an ordered list of sections (duplicates allowed), NEURON's seclist.cpp.

Methods act on the currently accessed section: ``sec sl.append()``, ``sl.subtree()``,
``sl.wholetree()``, ``sl.children()``, ``sl.allroots()``, ``sl.remove()`` /
``sl.remove(other)``, ``sl.unique()``, ``sl.contains()``, ``sl.size()``, ``sl.printnames()``.
``forsec sl`` / ``ifsec sl`` iterate it through :meth:`SectionList.hoc_sections`.
Deleted sections silently drop out, as in NEURON.
"""
from __future__ import annotations

from ...errors import HocRuntimeError, HocTypeError, Span
from ..objects import HocObject


class SectionList(HocObject):
    """An ordered list of sections."""

    hoc_class = "SectionList"
    hoc_doc = {
        "append": "sec sl.append(): add the CAS (duplicates allowed)",
        "remove": "sl.remove(): remove the CAS; sl.remove(list): remove every section of list",
        "wholetree": "add every section of the CAS's tree, breadth-first from its root",
        "subtree": "add the CAS and its descendants, breadth-first",
        "children": "add the children of the CAS",
        "allroots": "add every root section",
        "unique": "drop duplicates; returns how many were dropped",
        "contains": "1 if the CAS is in the list",
        "size": "number of sections",
        "printnames": "print the names, one per line",
    }

    def __init__(self, interp=None, args=None, span: Span | None = None):
        super().__init__(interp, args, span)
        if args:
            raise HocTypeError("SectionList() takes no arguments", span)
        self.items: list = []

    # ---- protocol used by forsec/ifsec, show and the model table ------------
    def hoc_sections(self) -> list:
        self.items = [s for s in self.items if s.exists]
        return list(self.items)

    def _cas(self, args: list, span: Span | None):
        if args:
            raise HocTypeError("too many arguments: the section is the currently accessed one", span)
        model = getattr(self.interp, "model", None)
        if model is None:
            raise HocRuntimeError("sections are not available", span)
        return model.cas(span)

    def _model(self):
        return self.interp.model

    def _add(self, secs) -> None:
        self.items.extend(secs)
        if self.interp is not None and self.interp.model is not None:
            self.interp.model._touch()

    # ---- HOC methods -----------------------------------------------------------
    def m_append(self, args, span=None):
        self._add([self._cas(args, span)])
        return 1.0

    def m_children(self, args, span=None):
        self._add(list(self._cas(args, span).children))
        return 1.0

    def m_subtree(self, args, span=None):
        self._add(_breadth_first(self._cas(args, span)))
        return 1.0

    def m_wholetree(self, args, span=None):
        sec = self._cas(args, span)
        self._add(_breadth_first(self._model().root(sec)))
        return 1.0

    def m_allroots(self, args, span=None):
        if args:
            raise HocTypeError("allroots() takes no arguments", span)
        self._add(self._model().roots())
        return 1.0

    def m_remove(self, args, span=None):
        if args:
            other = args[0]
            if not isinstance(other, SectionList):
                raise HocTypeError("SectionList.remove(list): the argument must be a SectionList", span)
            drop = {id(s) for s in other.hoc_sections()}
            before = len(self.items)
            self.items = [s for s in self.items if id(s) not in drop]
            self._add([])
            return float(before - len(self.items))
        sec = self._cas(args, span)
        for i, s in enumerate(self.items):
            if s is sec:
                del self.items[i]
                self._add([])
                return 1.0
        self.interp.err(f"nrniv: {sec.name()} not in this section list\n")
        return 0.0

    def m_unique(self, args, span=None):
        seen, out = set(), []
        for s in self.hoc_sections():
            if id(s) not in seen:
                seen.add(id(s))
                out.append(s)
        dropped = len(self.items) - len(out)
        self.items = out
        self._add([])
        return float(dropped)

    def m_contains(self, args, span=None):
        sec = self._cas(args, span)
        return 1.0 if any(s is sec for s in self.items) else 0.0

    def m_size(self, args, span=None):
        return float(len(self.hoc_sections()))

    def m_printnames(self, args, span=None):
        self.interp.out("".join(f"{s.name()}\n" for s in self.hoc_sections()))
        return 1.0


def _breadth_first(sec) -> list:
    out = [sec]
    i = 0
    while i < len(out):
        out.extend(out[i].children)
        i += 1
    return out


def named_sectionlists(interp) -> dict[str, list]:
    """Groups for the model table and ``show``: every top-level objref holding a SectionList
    (``objref sl`` + ``sl = new SectionList()``, or the ``.hx`` sugar ``sectionlist sl``),
    plus the groups registered on the model directly; objref arrays give ``name[i]``."""
    groups: dict[str, list] = dict(interp.model.groups)
    ns = getattr(interp, "globals", None)
    if ns is None:
        return groups
    for name, kind in ns.kinds.items():
        val = ns.values.get(name)
        if kind == "obj" and isinstance(val, SectionList):
            groups.setdefault(name, val.hoc_sections())
        elif kind == "objarray":
            for i, o in enumerate(getattr(val, "data", [])):
                if isinstance(o, SectionList):
                    groups.setdefault(f"{name}[{i}]", o.hoc_sections())
    return groups


def install(interp) -> None:
    interp.register_class("SectionList", SectionList, doc="an ordered list of sections")
    if getattr(interp, "model", None) is not None:
        interp.model.named_groups = lambda: named_sectionlists(interp)
