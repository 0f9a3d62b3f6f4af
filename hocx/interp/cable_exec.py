"""Cable statements and section expressions (a mixin of ``Interpreter``).

The interpreter only *designates* sections and positions; all section data and
the CAS stack live in ``hocx.model.CableModel`` (ARCHITECTURE.md, Model API).
Sections are not first-class values: a value that is a ``hocx.model.Section``
(``cell.soma``, ``sr.sec``) designates one.
"""
from __future__ import annotations

import re
from typing import Any

from ..errors import HocError, HocNameError, HocRuntimeError, HocTypeError, Span
from ..syntax import ast as A
from .format import section_name
from .indices import subscript
from .objects import HocObject, Pointer

SECTION_PROPS = ("L", "Ra", "nseg", "rallbranch")


def is_section(v: Any) -> bool:
    return hasattr(v, "get_range") and hasattr(v, "exists")


def _x_or_default(x: float | None) -> float:
    return 0.5 if x is None else x


class CableMixin:
    """Everything that touches sections: create, access, prefixes, range variables."""

    # ------------------------------------------------------------ model access
    def need_model(self, span: Span | None):
        if self.model is None:
            raise HocRuntimeError("sections are not available (hocx.model failed to load)", span)
        return self.model

    def cas(self, span: Span | None):
        return self.need_model(span).cas(span)

    def model_depth(self) -> int:
        m = self.model
        return m.stack_depth() if m is not None else 0

    def restore_model_depth(self, depth: int) -> None:
        m = self.model
        if m is not None and m.stack_depth() > depth:
            m.restore(depth)

    def create_sections(self, name: str, dims: tuple, owner: Any, span: Span | None) -> list:
        model = self.need_model(span)
        try:
            return model.create(name, tuple(dims), owner=owner)
        except HocError as e:
            raise e.with_span(span)

    # ------------------------------------------------------------ designating sections
    def ev_SectionRef(self, n: A.SectionRef) -> Any:
        ns = self.resolve(n.name)
        kind = ns.kinds.get(n.name)
        if kind not in ("sec", "secarray"):
            raise HocNameError(f"{n.name} is not a section", n.span)
        secs = ns.values[n.name]
        i = 0 if n.index is None else subscript(self.evnum(n.index), self.eps)
        if n.more:
            i = self.sec_flat_index(n, secs, i)
        if i < 0 or i >= len(secs):
            raise HocRuntimeError(f"subscript 0 index {i} of {n.name} out of range {len(secs)}", n.span)
        sec = secs[i]
        if not getattr(sec, "exists", True):
            raise HocRuntimeError(f"Accessing a deleted section {section_name(sec)}", n.span)
        return sec

    def sec_flat_index(self, n: A.SectionRef, secs: list, first: int) -> int:
        """``d[i][j]``: the flat position of a multi-dimensional section array element."""
        dims = tuple(k + 1 for k in secs[-1].indices) if secs else ()
        subs = [first] + [subscript(self.evnum(e), self.eps) for e in n.more]
        if len(subs) > len(dims):
            raise HocRuntimeError(f"{n.name}: too many subscripts", n.span)
        flat = 0
        for k, (i, d) in enumerate(zip(subs, dims)):
            if i < 0 or i >= d:
                raise HocRuntimeError(f"subscript {k} index {i} of {n.name} out of range {d}", n.span)
            flat = flat * d + i
        for d in dims[len(subs):]:
            flat *= d
        return flat

    def section_of(self, node: A.Expr) -> Any:
        v = self.ev(node)
        if not is_section(v):
            raise HocTypeError("a section was expected here", node.span)
        return v

    def section_at(self, node: A.Expr) -> tuple[Any, float]:
        """``dend(0)`` / ``sr.sec(0)`` in connect: (section, x)."""
        if isinstance(node, A.SecAt):
            return self.section_of(node.section), self.evnum(node.x)
        if isinstance(node, A.MemberCall) and len(node.args) == 1:
            base = self.ev(node.base)
            sec = self.get_member(base, node.name, None, node.span)
            if is_section(sec):
                return sec, self.evnum(node.args[0])
        raise HocTypeError("expected section(x) here", node.span)

    # ------------------------------------------------------------ CAS values
    def ev_SecProp(self, n: A.SecProp) -> float:
        return float(getattr(self.cas(n.span), n.name))

    def ev_RangeVar(self, n: A.RangeVar) -> float:
        sec = self.cas(n.span)
        x = 0.5 if n.x is None else self.evnum(n.x)
        return self.range_get(sec, self.range_element(n.name, n.index), x, n.span)

    def range_element(self, name: str, index: Any) -> str:
        """The range variable ``name``, or element ``name[i]`` of an array range variable
        (``ca_cashell[2]``; ``index`` an expression node or a number, C's ``(int)(x + eps)``)."""
        if index is None:
            return name
        if isinstance(index, tuple):
            if len(index) != 1:
                raise HocRuntimeError(f"{name}: one subscript expected")
            index = index[0]
        i = index if isinstance(index, float) else self.evnum(index)
        return f"{name}[{subscript(i, self.eps)}]"

    def range_get(self, sec, name: str, x: float, span: Span | None) -> float:
        try:
            return float(sec.get_range(name, x, span))
        except HocError as e:
            raise e.with_span(span)

    def set_sec_value(self, sec, name: str, x: float | None, value: Any, span: Span | None) -> None:
        """Assign ``sec.name`` / ``sec.name(x)``: a section property or a range variable."""
        value = self.num(value, span)
        try:
            if name in SECTION_PROPS and x is None:
                setter = getattr(sec, "set_" + name, None)
                if setter is not None:
                    setter(value, span)
                else:
                    setattr(sec, name, value)
            elif x is None:
                sec.set_range_all(name, value, span)
            else:
                sec.set_range(name, x, value, span)
        except HocError as e:
            raise e.with_span(span)

    def section_member(self, sec, name: str, index: Any, span: Span | None) -> Any:
        if name in SECTION_PROPS:
            return float(getattr(sec, name))
        return self.range_get(sec, self.range_element(name, index), 0.5, span)

    def section_member_call(self, sec, name: str, arg_nodes: tuple, span: Span, indices: tuple = ()) -> Any:
        if indices and is_section(sec):
            name = self.range_element(name, indices)
        if not is_section(sec):
            raise HocTypeError(f"cannot call .{name}() on a {type(sec).__name__}", span)
        if len(arg_nodes) != 1:
            raise HocTypeError(f"{section_name(sec)}.{name}(x) takes one position", span,
                               hint="functions such as area() are called on the accessed section: "
                                    f"'{section_name(sec)} print {name}(0.5)'")
        return self.range_get(sec, name, self.evnum(arg_nodes[0]), span)

    def cable_pointer(self, t: A.Expr) -> Pointer:
        """``&v(0.5)``, ``&soma.v(0.5)``, ``&stim.i``."""
        from ..model.refs import MemberRef, RangeRef

        if isinstance(t, A.RangeVar):
            x = 0.5 if t.x is None else self.evnum(t.x)
            return RangeRef(self.cas(t.span), self.range_element(t.name, t.index), x)
        if isinstance(t, A.MemberCall) and len(t.args) == 1:
            base = self.ev(t.base)
            if is_section(base):
                return RangeRef(base, self.range_element(t.name, t.indices or None), self.evnum(t.args[0]))
        if isinstance(t, A.Member):
            base = self.ev(t.base)
            if is_section(base):
                return RangeRef(base, self.range_element(t.name, t.indices or None), 0.5)
            if isinstance(base, HocObject):
                idx = self.member_index(t.indices)
                return MemberRef(base, t.name, None if idx is None else int(idx) if isinstance(idx, float) else idx)
        raise HocTypeError("cannot take the address of this expression", t.span)

    # ------------------------------------------------------------ statements
    def ex_Prefixed(self, s: A.Prefixed) -> None:
        target = self.ev(s.section)
        if not is_section(target):
            self.exec_stmt(s.body)         # nrniv: no section in the object -> plain statement
            return
        model = self.need_model(s.span)
        depth = model.stack_depth()
        model.push(target)
        try:
            self.exec_stmt(s.body)
        finally:
            model.restore(depth)

    def ex_Access(self, s: A.Access) -> None:
        sec = self.section_of(s.target)
        self.need_model(s.span).access(sec)

    def ex_Insert(self, s: A.Insert) -> None:
        sec = self.cas(s.span)
        try:
            if s.remove:
                sec.uninsert(s.mech, s.span)
            else:
                sec.insert(s.mech, s.span)
        except HocError as e:
            raise e.with_span(s.span)

    def ex_Connect(self, s: A.Connect) -> None:
        child, cx = self.section_at(s.child)
        if isinstance(s.parent, (A.SecAt,)) or (isinstance(s.parent, A.MemberCall) and s.parent.args):
            parent, px = self.section_at(s.parent)
        else:
            px = self.evnum(s.parent)
            parent = self.cas(s.span)
        try:
            self.model.connect(child, cx, parent, px, s.span)
        except HocError as e:
            raise e.with_span(s.span)

    def ex_SetPointer(self, s: A.SetPointer) -> None:
        """``setpointer syn.vpre, pre.v(x)``: bind a point process's POINTER to a variable
        (a voltage, any range variable ``sec.m_hh(.5)``, ``b.g``, a HOC global).

        The binding is kept in ``pp.pointers[name]`` (a RangeRef); the simulator reads the
        node's voltage through it, so a change of topology or nseg is followed."""
        tgt = s.target
        if not isinstance(tgt, A.Member) or tgt.indices:
            raise HocTypeError("setpointer needs a point-process POINTER such as syn.vpre", tgt.span)
        pp = self.ev(tgt.base)
        mech = getattr(pp, "mechanism", None)
        if mech is None or not isinstance(pp, HocObject):
            raise HocTypeError(f"setpointer: {_label(pp)} is not a point process", tgt.base.span)
        pointers = getattr(mech, "pointers", ())
        if tgt.name not in pointers:
            have = ", ".join(pointers) or "none"
            raise HocNameError(f"{pp.hoc_name()}.{tgt.name} is not a POINTER of {mech.name}", tgt.span,
                               hint=f"its POINTER variables: {have}")
        src = s.source
        if isinstance(src, A.Name) and self.resolve(src.name).kinds.get(src.name) is None:
            # nrniv: "undefined variable" (a plain `&x` argument would declare x)
            raise HocNameError(f"undefined variable {src.name}", src.span,
                               hint=f"setpointer {pp.hoc_name()}.{tgt.name} needs an existing variable")
        ref = self.pointer_to(src)            # any variable: v, m_hh, cai, b.g, celsius
        if not hasattr(ref, "get"):
            raise HocTypeError(f"setpointer {pp.hoc_name()}.{tgt.name}: the target must be a variable "
                               "such as pre.v(0.5)", s.source.span)
        pp.pointers[tgt.name] = ref
        self.need_model(s.span)._touch(structural=True)

    def ex_Ramp(self, s: A.Ramp) -> None:
        sec = self.cas(s.span) if s.base is None else self.section_of(s.base)
        args = [self.evnum(e) for e in (s.x1, s.x2, s.y1, s.y2)]
        try:
            sec.set_range_ramp(s.name, *args, s.span)
        except HocError as e:
            raise e.with_span(s.span)

    def ex_ForX(self, s: A.ForX) -> None:
        sec = self.cas(s.span)
        nseg = int(sec.nseg)
        xs = [(j + 0.5) / nseg for j in range(nseg)]
        if s.ends is None or abs(self.evnum(s.ends)) > self.eps:
            xs = [0.0] + xs + [1.0]
        ns = self.resolve(s.var)
        if ns.kinds.get(s.var) is None:
            ns.declare(s.var, "var", 0.0)
        self.loop(xs, lambda x: ns.values.__setitem__(s.var, x), s.body, s.span)

    def owned_sections(self) -> list:
        model = self.need_model(None)
        obj = self.frame.obj
        secs = [sec for sec in model.sections if getattr(sec, "exists", True)]
        if obj is not None:
            secs = [sec for sec in secs if getattr(sec, "owner", None) is obj]
        return secs

    def ex_Forall(self, s: A.Forall) -> None:
        self.over_sections(self.owned_sections(), s.body, s.span)

    def ex_Forsec(self, s: A.Forsec) -> None:
        target = self.ev(s.target)
        if isinstance(target, HocObject) or target is None:
            secs = self.sectionlist_members(target, s.span)
            if s.only_if:
                if self.cas(s.span) in secs:
                    self.exec_stmt(s.body)
                return
            self.over_sections(secs, s.body, s.span)
            return
        pattern = self.text(target, s.target.span)
        prefix = ""
        if self.frame.obj is not None:
            prefix = re.escape(self.frame.obj.hoc_name())
        rx = section_regex(pattern, prefix, s.span)
        if s.only_if:
            if rx.fullmatch(section_name(self.cas(s.span)) or ""):
                self.exec_stmt(s.body)
            return
        secs = [sec for sec in self.owned_sections() if rx.fullmatch(section_name(sec) or "")]
        self.over_sections(secs, s.body, s.span)

    def sectionlist_members(self, obj: Any, span: Span | None) -> list:
        for attr in ("hoc_sections", "sections", "secs"):
            v = getattr(obj, attr, None)
            if callable(v):
                v = v()
            if isinstance(v, (list, tuple)):
                return [sec for sec in v if getattr(sec, "exists", True)]
        raise HocTypeError("forsec/ifsec needs a string pattern or a SectionList", span)

    def over_sections(self, secs: list, body: A.Stmt, span: Span | None) -> None:
        model = self.need_model(span)
        depth = model.stack_depth()

        def enter(sec):
            model.restore(depth)
            model.push(sec)
        try:
            self.loop(secs, enter, body, span)
        finally:
            model.restore(depth)


def section_regex(pattern: str, prefix: str, span: Span | None) -> re.Pattern:
    """forsec/ifsec pattern: ``[ ]`` literal, ``< >`` as class brackets, wrapped ``.*P.*``."""
    p = pattern.replace("[", r"\[").replace("]", r"\]").replace("<", "[").replace(">", "]")
    try:
        return re.compile(f"{prefix}.*{p}.*" if prefix else f".*{p}.*")
    except re.error as e:
        raise HocRuntimeError(f"bad section name pattern '{pattern}': {e}", span) from None


def _label(v: Any) -> str:
    """How a non-point-process value is named in a setpointer error."""
    if v is None:
        return "NULLobject"
    if isinstance(v, HocObject):
        return v.hoc_name()
    return "a number" if isinstance(v, float) else "a string" if isinstance(v, str) else type(v).__name__
