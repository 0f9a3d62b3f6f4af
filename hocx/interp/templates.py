"""User templates (``begintemplate`` ... ``endtemplate``): definition and instances.

While a template is being defined, declarations (``objref``, ``strdef``,
``double``, ``create``) are recorded as per-instance fields, definitions become
methods, and other statements run once in the template's own namespace
(language.md §2.6).  ``new T(args)`` builds a ``TemplateInstance`` with fresh
fields and sections, then calls ``init(args)`` when the template has one.
"""
from __future__ import annotations

from typing import Any

from ..errors import HocNameError, HocRuntimeError, HocTypeError, Span
from .indices import subscript
from .objects import HocObject
from .scope import HocArray, Namespace, TemplateDef


class TemplateInstance(HocObject):
    """One object of a user template; its fields live in ``ns``."""

    def __init__(self, interp, tdef: TemplateDef):
        super().__init__(interp)
        self.tdef = tdef
        self.hoc_class = tdef.name
        self.ns = Namespace()

    # the object protocol, for built-ins that see user objects
    def has_member(self, name: str) -> bool:
        return name in self.tdef.publics

    def hoc_members(self) -> list[str]:  # type: ignore[override]
        return sorted(self.tdef.publics)

    def _check_public(self, name: str, span: Span | None) -> None:
        if name not in self.tdef.publics:
            raise HocNameError(f"'{name}' not a public member of '{self.tdef.name}'", span,
                               hint=_public_hint(self.tdef, name))

    def hoc_get(self, name: str, index: float | None = None, span: Span | None = None) -> Any:
        self._check_public(name, span)
        kind = self.tdef.ns.kinds.get(name) or self.ns.kinds.get(name)
        if kind in ("proc", "func", "obfunc", "iterator"):
            return self.call_member(name, [], [], span)
        if kind is None or name not in self.ns.values:
            raise HocRuntimeError(f"{name}: can't push that type onto stack", span,
                                  hint=f"{self.hoc_name()}.{name} was never given a value")
        v = self.ns.values[name]
        if kind in ("array", "objarray"):
            idx = [] if index is None else (list(index) if isinstance(index, tuple) else [index])
            return v.data[v.flat(idx, self.interp.eps, span) if idx else 0]
        if kind in ("sec", "secarray"):
            i = 0 if index is None else subscript(index, self.interp.eps)
            if i < 0 or i >= len(v):
                raise HocRuntimeError(f"subscript 0 index {i} of {name} out of range {len(v)}", span)
            return v[i]
        if index is not None:
            raise HocTypeError(f"{name} not an array variable", span)
        return v

    def hoc_set(self, name: str, value: Any, index: float | None = None, span: Span | None = None) -> None:
        self._check_public(name, span)
        interp = self.interp
        kind = self.tdef.ns.kinds.get(name) or self.ns.kinds.get(name)
        if kind is None:
            kind = "obj" if (value is None or isinstance(value, HocObject)) else (
                "str" if isinstance(value, str) else "var")
            self.ns.kinds[name] = kind
            self.ns.values[name] = None if kind == "obj" else ("" if kind == "str" else 0.0)
        idx = [] if index is None else (list(index) if isinstance(index, tuple) else [index])
        interp.store(self.ns, name, kind, value, idx, span)

    def hoc_call(self, name: str, args: list, span: Span | None = None) -> Any:
        return self.call_member(name, args, [None] * len(args), span)

    def call_member(self, name: str, args: list, slots: list, span: Span | None) -> Any:
        self._check_public(name, span)
        proc = self.tdef.proc(name)
        if proc is None:
            if index_like(args):
                return self.hoc_get(name, args[0] if args else None, span)
            raise HocTypeError(f"{self.tdef.name}.{name} is not a function", span)
        return self.interp.invoke(proc, args, slots, span, obj=self)

    def release_members(self) -> None:
        """Drop the references this object's objref fields hold (on free)."""
        reg = self.interp.objects
        for name, kind in list(self.ns.kinds.items()):
            v = self.ns.values.get(name)
            if kind == "obj" and isinstance(v, HocObject) and v is not self:
                self.ns.values[name] = None
                reg.unref(v)
            elif kind == "objarray":
                for k, o in list(v.stored()):
                    if isinstance(o, HocObject):
                        v.data[k] = None
                        reg.unref(o)
            elif kind in ("sec", "secarray"):
                model = self.interp.model
                for sec in v:
                    try:
                        model.delete(sec)
                    except Exception:  # noqa: BLE001 - a model without delete keeps the section
                        pass


def index_like(args: list) -> bool:
    return len(args) <= 1 and all(isinstance(a, float) for a in args)


def _public_hint(tdef: TemplateDef, name: str) -> str | None:
    if name in tdef.ns.kinds:
        return f"add '{name}' to the 'public' line of template {tdef.name}"
    from ..errors import suggest

    best = suggest(name, tdef.publics)
    return f"did you mean '{best}'?" if best else None


def instantiate(interp, tdef: TemplateDef, args: list, span: Span | None) -> TemplateInstance:
    """``new T(args)``: number the object, give it fields and sections, call init()."""
    if not tdef.complete:
        raise HocRuntimeError(f"template {tdef.name} is not complete (missing endtemplate)", span)
    obj = TemplateInstance(interp, tdef)
    interp.objects.register(obj)
    ns = obj.ns
    for name, (kind, dims) in tdef.decls.items():
        if kind == "var":
            ns.declare(name, "var", 0.0)
        elif kind == "array":
            ns.declare(name, "array", HocArray(name, dims, 0.0))
        elif kind == "str":
            ns.declare(name, "str", "")
        elif kind == "obj":
            ns.declare(name, "obj", None)
        elif kind == "sectionlist":         # .hx `sectionlist NAME`: a fresh list per instance
            ns.declare(name, "obj", None)
            interp.store(ns, name, "obj", interp.new_object("SectionList", [], span), [], span)
        elif kind == "objarray":
            ns.declare(name, "objarray", HocArray(name, dims, None))
        elif kind in ("sec", "secarray"):
            ns.declare(name, kind, interp.create_sections(name, dims, obj, span))
    for name, kind in tdef.ns.kinds.items():
        if name not in ns.kinds and kind in ("var",):
            ns.declare(name, "var", 0.0)
    if "this" in ns.kinds and ns.kinds["this"] == "obj":
        ns.values["this"] = obj          # not a counted reference: it would keep obj alive
    init = tdef.proc("init")
    if init is not None:
        obj.refcount += 1                 # keep alive while init runs
        try:
            interp.invoke(init, args, [None] * len(args), span, obj=obj)
        finally:
            obj.refcount -= 1
    return obj
