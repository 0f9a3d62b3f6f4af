"""Statement execution (a mixin of ``Interpreter``): control flow, declarations, print.

Control transfers are exceptions: ``BreakSignal``/``ContinueSignal`` end at
the nearest loop; ``ReturnSignal`` at the call; ``StopSignal`` abandons the
whole top-level statement (``stop``).  Inside ``for iter() stmt`` the caller's
``break``/``return`` travel through the iterator body as ``IterBreak``/
``IterReturn`` so the iterator's own loops do not catch them.
"""
from __future__ import annotations

import time
from typing import Any, Callable, Iterable

from ..errors import HocNameError, HocRuntimeError, HocTypeError, Span
from ..syntax import ast as A
from ..syntax.transform import is_text_expr
from .calls import ReturnSignal
from .format import fmt_value
from .objects import HocObject
from .indices import shape
from .limits import LimitReached, time_limit_error
from .scope import HocArray, Namespace


class BreakSignal(Exception):
    pass


class ContinueSignal(Exception):
    pass


class StopSignal(Exception):
    pass


class IterBreak(Exception):
    pass


class IterReturn(Exception):
    def __init__(self, value: Any):
        self.value = value


class StmtExec:
    """Execution of ``hocx.syntax.ast`` statement nodes."""

    def exec_stmt(self, s: A.Stmt) -> None:
        self._ex_table[s.__class__](self, s)

    def exec_body(self, stmts: Iterable[A.Stmt]) -> None:
        table = self._ex_table
        for s in stmts:
            table[s.__class__](self, s)

    # ------------------------------------------------------------ budget
    def tick(self, span: Span | None) -> None:
        """Called once per loop iteration: enforces the instruction budget / deadline."""
        if self.budget is not None:
            self.budget -= 1
            if self.budget < 0:
                raise HocRuntimeError("instruction budget exhausted", span,
                                      hint="the interpreter was started with a step limit")
        if self.deadline is not None and (self.time_expired or time.monotonic() > self.deadline):
            if self.time_limit_s is None:         # a deadline given to the Interpreter directly
                raise LimitReached("time limit exceeded", span)
            raise time_limit_error(self, span)

    def loop(self, items: Iterable, enter: Callable[[Any], None], body: A.Stmt, span: Span | None) -> None:
        ex = self._ex_table[body.__class__]
        for item in items:
            if self.budget is not None or self.deadline is not None:
                self.tick(span)
            enter(item)
            try:
                ex(self, body)
            except ContinueSignal:
                continue
            except BreakSignal:
                break

    # ------------------------------------------------------------ simple statements
    def ex_ExprStmt(self, s: A.ExprStmt) -> None:
        self.ev(s.expr)

    def ex_Block(self, s: A.Block) -> None:
        table = self._ex_table
        for st in s.body:
            table[st.__class__](self, st)

    def ex_ProcCall(self, s: A.ProcCall) -> None:
        self.call_named(s.name, s.args, s.span)

    def ex_Print(self, s: A.Print) -> None:
        out = self.out
        for item in s.items:
            v = self.ev(item)
            if is_text_expr(item):
                out(self.text(v, item.span))
            elif v.__class__ is float:
                out(self.fmt_num(v) + " ")
            else:
                out(fmt_value(v, self.objects))
        out("\n")

    def cond(self, e: A.Expr) -> bool:
        v = self.ev(e)
        if v.__class__ is not float:
            v = self.num(v, e.span)
        return v != 0.0

    def ex_If(self, s: A.If) -> None:
        if self.cond(s.cond):
            self.exec_stmt(s.then)
        elif s.orelse is not None:
            self.exec_stmt(s.orelse)

    def ex_While(self, s: A.While) -> None:
        ex = self._ex_table[s.body.__class__]
        body, check = s.body, (self.budget is not None or self.deadline is not None)
        while self.cond(s.cond):
            if check:
                self.tick(s.span)
            try:
                ex(self, body)
            except ContinueSignal:
                continue
            except BreakSignal:
                break

    def ex_CFor(self, s: A.CFor) -> None:
        if s.init is not None:
            self.ev(s.init)
        ex = self._ex_table[s.body.__class__]
        body, check = s.body, (self.budget is not None or self.deadline is not None)
        while s.cond is None or self.cond(s.cond):
            if check:
                self.tick(s.span)
            try:
                ex(self, body)
            except BreakSignal:
                break
            except ContinueSignal:
                pass
            if s.step is not None:
                self.ev(s.step)

    def ex_ShortFor(self, s: A.ShortFor) -> None:
        ns = self.resolve(s.var)
        name = s.var
        kind = ns.kinds.get(name)
        if kind is None:
            ns.declare(name, "var", 0.0)
        elif kind != "var":
            raise HocTypeError(f"{name} is not a numeric variable", s.span)
        i = self.evnum(s.start)
        stop = self.evnum(s.stop)
        values = ns.values
        ex = self._ex_table[s.body.__class__]
        body, check = s.body, (self.budget is not None or self.deadline is not None)
        values[name] = i
        limit = stop + self.eps
        while values[name] <= limit:
            if check:
                self.tick(s.span)
            try:
                ex(self, body)
            except BreakSignal:
                break
            except ContinueSignal:
                pass
            values[name] = values[name] + 1.0

    def ex_IterFor(self, s: A.IterFor) -> None:
        proc = self.find_proc(s.name)
        if proc is None or proc.kind != "iterator":
            raise HocNameError(f"{s.name} is not an iterator", s.span)
        args = self.eval_args(s.args)
        slots = self.arg_slots(s.args)
        obj = self.frame.obj if proc.template is not None else None
        try:
            self.invoke(proc, args, slots, s.span, obj, iter_body=(s.body, self.frame))
        except IterBreak:
            pass
        except IterReturn as r:
            raise ReturnSignal(r.value) from None

    def ex_ObjIterFor(self, s: A.ObjIterFor) -> None:
        from .templates import TemplateInstance

        base = self.ev(s.base)
        proc = base.tdef.proc(s.name) if isinstance(base, TemplateInstance) else None
        if proc is None or proc.kind != "iterator":
            raise HocNameError(f"{s.name} is not an iterator", s.span)
        try:
            self.invoke(proc, self.eval_args(s.args), self.arg_slots(s.args), s.span, base,
                        iter_body=(s.body, self.frame))
        except IterBreak:
            pass
        except IterReturn as r:
            raise ReturnSignal(r.value) from None

    def ex_Return(self, s: A.Return) -> None:
        if self.frame.proc is None:
            raise HocRuntimeError("return used outside definition", s.span)
        raise ReturnSignal(None if s.value is None else self.ev(s.value))

    def ex_Jump(self, s: A.Jump) -> None:
        w = s.what
        if w == "break":
            raise BreakSignal()
        if w == "continue":
            raise ContinueSignal()
        if w == "stop":
            raise StopSignal()
        fr = self.frame
        if fr.iter_body is None:
            raise HocRuntimeError("iterator_statement used outside an iterator declaration", s.span)
        body, caller = fr.iter_body
        self.stack.append(fr)
        self.frame = caller
        try:
            self.exec_stmt(body)
        except ContinueSignal:
            pass
        except BreakSignal:
            raise IterBreak() from None
        except ReturnSignal as r:
            raise IterReturn(r.value) from None
        finally:
            self.frame = self.stack.pop()

    def ex_Delete(self, s: A.Delete) -> None:
        ns = self.resolve(s.name)
        if ns.kinds.get(s.name) not in ("var", "array"):
            raise HocTypeError(f"delete: {s.name} is not a variable", s.span)
        del ns.kinds[s.name]
        del ns.values[s.name]

    def ex_Obsolete(self, s: A.Obsolete) -> None:
        raise HocRuntimeError(f"'{s.word}' is an obsolete HOC statement that hocx does not support", s.span)

    # ------------------------------------------------------------ declarations
    def decl_namespace(self) -> tuple[Namespace, Any]:
        """Where a declaration goes: the template being defined, the object, or the top level."""
        fr = self.frame
        if fr.obj is not None:
            return fr.obj.ns, fr.obj
        if self.defining is not None and fr.proc is None:
            return self.defining.ns, self.defining
        return self.globals, None

    def check_redeclare(self, ns: Namespace, name: str, kind: str, span: Span) -> None:
        old = ns.kinds.get(name)
        if ns is self.globals and (name in self.builtin_vars or self.is_builtin_name(name)):
            raise HocNameError(f"{name} : Redeclaring at top level", span,
                               hint=f"'{name}' is a NEURON built-in; choose another name")
        if old is None or old == kind or (kind == "array" and old == "var") or (
                kind == "var" and old == "array") or {old, kind} <= {"obj", "objarray"} or {
                old, kind} <= {"sec", "secarray"}:
            return
        if old in ("proc", "func", "obfunc", "iterator", "template"):
            raise HocNameError(f"{name} already defined", span)
        raise HocNameError(f"{name}  already declared", span,
                           hint=f"'{name}' is already a {_KIND_WORDS.get(old, old)}")

    def ex_Decl(self, s: A.Decl) -> None:
        ns, owner = self.decl_namespace()
        from .scope import TemplateDef
        tdef = owner if isinstance(owner, TemplateDef) else None
        for name, dim_nodes, span in s.items:
            w = s.what
            dims = shape([self.evnum(d) for d in dim_nodes], self.eps, name,
                         dim_nodes[0].span if dim_nodes else span, sections=(w == "create"))
            if w == "strdef":
                self.check_redeclare(ns, name, "str", span)
                if ns.kinds.get(name) != "str":
                    ns.declare(name, "str", "")
                kind = "str"
            elif w == "double":
                kind = "array" if dims else "var"
                self.check_redeclare(ns, name, kind, span)
                ns.declare(name, kind, HocArray(name, dims, 0.0) if dims else 0.0)
            elif w == "objref":
                kind = "objarray" if dims else "obj"
                self.check_redeclare(ns, name, kind, span)
                self.release_slot(ns, name)
                ns.declare(name, kind, HocArray(name, dims, None) if dims else None)
            elif w == "sectionlist":
                kind = "obj"
                self.check_redeclare(ns, name, kind, span)
                self.release_slot(ns, name)
                ns.declare(name, "obj", None)
                if tdef is None:
                    self.store(ns, name, "obj", self.new_object("SectionList", [], span), [], span)
            else:  # create
                kind = "secarray" if dims else "sec"
                self.check_redeclare(ns, name, kind, span)
                if tdef is not None:
                    ns.declare(name, kind, [])
                else:
                    ns.declare(name, kind, self.create_sections(name, dims, owner, span))
            if tdef is not None:
                tdef.decls[name] = (kind if w != "sectionlist" else "sectionlist", dims)

    def release_slot(self, ns: Namespace, name: str) -> None:
        kind = ns.kinds.get(name)
        v = ns.values.get(name)
        if kind == "obj" and isinstance(v, HocObject):
            ns.values[name] = None
            self.objects.unref(v)
        elif kind == "objarray":
            for k, o in list(v.stored()):
                if isinstance(o, HocObject):
                    v.data[k] = None
                    self.objects.unref(o)


_KIND_WORDS = {"var": "number", "array": "double array", "str": "strdef", "obj": "objref",
               "objarray": "objref array", "sec": "section", "secarray": "section array"}
