"""Tab completion for the REPL, each candidate with a one-line description.

Completes keywords, built-ins, the user's names, section names, mechanisms
(after ``insert``), the range variables of inserted mechanisms (``gnabar_hh``
once ``insert hh`` ran), members after ``obj.`` or ``soma.``, and ``%``-commands.
"""
from __future__ import annotations

import re
from typing import Iterable

from prompt_toolkit.completion import CompleteEvent, Completer, Completion, PathCompleter
from prompt_toolkit.document import Document

from . import introspect
from .helpdb import REPL_COMMANDS, static_entries
from .lexer import KEYWORDS

_WORD = re.compile(r"[A-Za-z_]\w*$")
_MEMBER = re.compile(r"([A-Za-z_]\w*)(?:\[(\d+)\])?\.(\w*)$")
_INSERT = re.compile(r"\b(insert|uninsert)\s+(\w*)$")
_MAGIC = re.compile(r"^\s*%(\w*)$")
_FILE_ARG = re.compile(r"^\s*%(?:run|save|export)\s+(\S*)$")
SECTION_PROPS = {"L": "length (µm)", "nseg": "number of segments", "Ra": "axial resistivity (Ω·cm)",
                 "diam": "diameter (µm)", "cm": "membrane capacitance (µF/cm²)", "v": "membrane potential (mV)",
                 "rallbranch": "number of identical branches"}


def _summary(name: str) -> str:
    entry = static_entries().get(name)
    return entry.summary if entry else ""


class HocCompleter(Completer):
    """prompt_toolkit completer reading the live session through ``engine.session``."""

    def __init__(self, engine):
        self.engine = engine

    @property
    def session(self):
        return self.engine.session

    def get_completions(self, document: Document, complete_event) -> Iterable[Completion]:
        try:
            yield from self._completions(document)
        except Exception:      # completion must never break the editor
            return

    def _completions(self, document: Document) -> Iterable[Completion]:
        before = document.text_before_cursor
        m = _FILE_ARG.match(before)
        if m:
            path_doc = Document(m.group(1), len(m.group(1)))
            yield from PathCompleter(expanduser=True).get_completions(path_doc, CompleteEvent())
            return
        m = _MAGIC.match(before)
        if m:
            from .magics import MAGICS
            yield from self._emit(m.group(1), ((n, s) for n, s in MAGICS.items()))
            return
        m = _INSERT.search(before)
        if m:
            yield from self._emit(m.group(2), self._mechanisms(point=False))
            return
        m = _MEMBER.search(before)
        if m:
            yield from self._emit(m.group(3), self._members(m.group(1), m.group(2)))
            return
        m = _WORD.search(before)
        if not m:
            return
        yield from self._emit(m.group(0), self._everything())

    # ---- candidate sources -------------------------------------------------
    def _emit(self, prefix: str, items: Iterable[tuple[str, str]]):
        seen = set()
        for name, meta in items:
            if name in seen or not name.startswith(prefix) or name == prefix and not meta:
                continue
            seen.add(name)
            yield Completion(name, start_position=-len(prefix), display_meta=meta or "")

    def _mechanisms(self, point: bool) -> Iterable[tuple[str, str]]:
        for name, decl in introspect.mechanisms(self.session).items():
            kind = introspect.mechanism_kind(decl)
            if (kind in ("point", "artificial")) != point or kind == "ion" or name in ("morphology", "capacitance"):
                continue
            doc = getattr(decl, "doc", "") or ""
            yield name, f"mechanism{': ' + doc if doc else ''}"

    def _rangevars(self) -> Iterable[tuple[str, str]]:
        inserted = introspect.inserted_mechanisms(self.session)
        mechs = introspect.mechanisms(self.session)
        for mech_name in sorted(inserted):
            decl = mechs.get(mech_name)
            if introspect.mechanism_kind(decl) in ("point", "artificial"):
                continue
            for v in introspect.mechanism_vars(decl, mech_name):
                units = f" ({v.units})" if v.units else ""
                yield v.name, f"{v.role.lower()} of {mech_name}{units}"

    def _sections(self) -> Iterable[tuple[str, str]]:
        for sec in introspect.sections(self.session):
            name = introspect.section_name(sec)
            base = name.split("[", 1)[0]
            yield base, f"section nseg={getattr(sec, 'nseg', '?')} L={float(getattr(sec, 'L', 0)):g} µm"

    def _everything(self) -> Iterable[tuple[str, str]]:
        yield from self._sections()
        kinds = introspect.names(self.session)
        for name, kind in sorted(kinds.items()):
            cls = introspect.kind_class(kind)
            if name.startswith("hocx_"):
                continue
            if cls == "builtin":
                yield name, _summary(name) or kind
            elif cls not in ("mechanism", "rangevar"):
                yield name, f"{kind}" + (f": {_summary(name)}" if _summary(name) else "")
        yield from self._rangevars()
        for name, meta in SECTION_PROPS.items():
            yield name, meta
        for name in sorted(KEYWORDS):
            yield name, "keyword"
        for name, entry in REPL_COMMANDS.items():
            yield name, entry.summary
        if not kinds:   # session without names(): still offer the documented built-ins
            for name, entry in static_entries().items():
                yield name, entry.summary

    def _members(self, base: str, index: str | None) -> Iterable[tuple[str, str]]:
        secnames = {introspect.section_name(s).split("[", 1)[0] for s in introspect.sections(self.session)}
        if base in secnames:
            yield from SECTION_PROPS.items()
            yield from self._rangevars()
            return
        obj = introspect.get_value(self.session, base)
        items = introspect.array_items(obj)
        if items is not None:
            wanted = f"[{int(index or 0)}]"
            obj = next((o for suffix, o in items if suffix == wanted), None)
        if obj is None or not hasattr(obj, "hoc_members"):
            return
        docs = getattr(obj, "hoc_doc", {}) or {}
        methods = set(obj.hoc_methods())
        tdef_kinds = getattr(getattr(getattr(obj, "tdef", None), "ns", None), "kinds", {}) or {}
        for name in obj.hoc_members():
            kind = tdef_kinds.get(name) or ("method" if name in methods else "field")
            yield name, docs.get(name) or f"{kind} of {getattr(obj, 'hoc_class', 'object')}"
