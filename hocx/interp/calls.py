"""Calls (a mixin of ``Interpreter``): user procs/funcs/obfuncs, built-ins, methods, ``new``.

A user call gets a fresh ``CallFrame``; runtime errors leaving it collect a
``Frame`` for the HOC call chain.  ``$n`` arguments are copies, ``$sn`` are the
caller's strdefs (``StrRef``), ``$on`` rebinds the caller's objref through a
slot setter, ``$&n`` is a ``Pointer``.
"""
from __future__ import annotations

from typing import Any

from ..errors import Frame, HocError, HocNameError, HocRuntimeError, HocTypeError, Span, suggest
from .objects import HocObject
from .scope import CallFrame, Proc

MAX_DEPTH = 512


# Python errors a built-in may leak on odd arguments; reported as HOC errors, never tracebacks
BUILTIN_BUGS = (TypeError, ValueError, IndexError, KeyError, ZeroDivisionError, OverflowError,
                AttributeError)


def builtin_failure(name: str, e: Exception, span: Span | None) -> HocRuntimeError:
    return HocRuntimeError(f"{name}(): {e}", span,
                           hint="the built-in rejected its arguments (hocx --debug shows the Python error)")


class ReturnSignal(Exception):
    def __init__(self, value: Any = None):
        self.value = value


class CallMixin:
    """Calling things by name, by method, and creating objects."""

    def find_proc(self, name: str) -> Proc | None:
        """A user proc/func/... visible from the running code (object first, then top level)."""
        fr = self.frame
        obj = fr.obj
        if obj is not None:
            p = obj.tdef.proc(name)
            if p is not None:
                return p
            if name not in obj.tdef.externals:
                return None
        elif self.defining is not None:
            p = self.defining.proc(name)
            if p is not None:
                return p
            if name not in self.defining.externals:
                return None
        if self.globals.kinds.get(name) in ("proc", "func", "obfunc", "iterator"):
            return self.globals.values[name]
        return None

    def call_named(self, name: str, arg_nodes: tuple, span: Span) -> Any:
        proc = self.find_proc(name)
        if proc is not None:
            args = self.eval_args(arg_nodes)
            slots = self.arg_slots(arg_nodes)
            obj = self.frame.obj if proc.template is not None else None
            return self.invoke(proc, args, slots, span, obj)
        b = self.builtins.get(name)
        if b is not None:
            fn = b[0]
            args = self.eval_args(arg_nodes)
            try:
                v = fn(self, args, span)
            except HocError as e:
                raise e.with_span(span)
            except BUILTIN_BUGS as e:
                raise builtin_failure(name, e, span) from e
            return self.normalize(v, b[1])
        if name in self.classes or self.kind_of(name) == "template":
            raise HocTypeError(f"{name} is a class: create one with 'new {name}()'", span)
        known = [n for n, k in self.globals.kinds.items() if k in ("proc", "func", "obfunc")]
        best = suggest(name, known + list(self.builtins))
        raise HocNameError(f"{name} undefined function", span,
                           hint=f"did you mean '{best}'?" if best else None)

    @staticmethod
    def normalize(v: Any, kind: str) -> Any:
        if v is None:
            return None if kind == "objfunc" else 0.0
        if isinstance(v, bool):
            return 1.0 if v else 0.0
        if isinstance(v, int):
            return float(v)
        return v

    def invoke(self, proc: Proc, args: list, slots: list, span: Span | None,
                  obj: Any = None, iter_body: Any = None) -> Any:
        """Run a user definition; returns its value (0 for a proc)."""
        if len(self.stack) >= MAX_DEPTH:
            raise HocRuntimeError(f"{proc.name} call nested too deeply", span,
                                  hint="HOC allows at most 512 nested calls; is the recursion bounded?")
        fr = CallFrame(proc, args, slots, obj=obj, call_site=span, iter_body=iter_body)
        lns = fr.lns
        for name in proc.locals:
            lns.kinds[name] = "var"
            lns.values[name] = 0.0
        for name in proc.localobjs:
            lns.kinds[name] = "obj"
            lns.values[name] = None
        self.stack.append(self.frame)
        self.frame = fr
        depth = self.model_depth()
        result = None
        try:
            try:
                self.exec_body(proc.body)
            except ReturnSignal as r:
                result = r.value
        except HocError as e:
            e.frames.append(Frame(proc.kind, proc.name, span))
            raise
        except RecursionError:
            raise HocRuntimeError(f"{proc.name} call nested too deeply", span) from None
        finally:
            self.frame = self.stack.pop()
            self.restore_model_depth(depth)
            if proc.localobjs:
                keep = result if isinstance(result, HocObject) else None
                if keep is not None:
                    keep.refcount += 1
                for name in proc.localobjs:
                    o = lns.values.get(name)
                    if isinstance(o, HocObject):
                        self.objects.unref(o)
                if keep is not None:
                    self.objects.unref(keep, defer=True)
        kind = proc.kind
        if kind == "func":
            if result is None:
                raise HocRuntimeError(f"{proc.name} (func) returns no value", span,
                                      hint="a func must end with 'return <value>'")
            if result.__class__ is not float:
                result = self.num(result, span)
            return result
        if kind == "obfunc":
            if result is not None and not isinstance(result, HocObject) and not hasattr(result, "get_range"):
                raise HocTypeError(f"{proc.name} (obfunc) must return an object", span)
            return result
        return 0.0

    # ------------------------------------------------------------ methods
    def call_method(self, base: Any, name: str, arg_nodes: tuple, span: Span) -> Any:
        from .templates import TemplateInstance

        if isinstance(base, TemplateInstance):
            return base.call_member(name, self.eval_args(arg_nodes), self.arg_slots(arg_nodes), span)
        if base is None:
            raise HocRuntimeError(f"'{name}' object prefix is nullptr", span,
                                  hint="the objref was never assigned an object (it is NULLobject)")
        if isinstance(base, HocObject):
            args = self.eval_args(arg_nodes)
            try:
                if name in getattr(base, "hoc_slot_methods", ()):     # mt.make(objref): rebinds it
                    return self.normalize(base.hoc_call_slots(name, args, self.arg_slots(arg_nodes), span),
                                          "method")
                kind = "objfunc" if name in getattr(base, "hoc_objfuncs", ()) else "method"   # None = NULLobject
                return self.normalize(base.hoc_call(name, args, span), kind)
            except HocError as e:
                raise e.with_span(span)
            except BUILTIN_BUGS as e:
                raise builtin_failure(f"{base.hoc_class}.{name}", e, span) from e
        return self.section_member_call(base, name, arg_nodes, span)

    # ------------------------------------------------------------ objects
    def new_object(self, cls_name: str, args: list, span: Span | None) -> HocObject:
        """``new Cls(args)``: a built-in class or a user template instance."""
        cls = self.classes.get(cls_name)
        if cls is None:
            tdef = self.templates.get(cls_name)
            if tdef is None:
                best = suggest(cls_name, list(self.classes) + list(self.templates))
                raise HocNameError(f"{cls_name} is not a template", span,
                                   hint=f"did you mean '{best}'?" if best else None)
            from .templates import instantiate
            return instantiate(self, tdef, args, span)
        try:
            obj = cls(self, args, span)
        except HocError as e:
            raise e.with_span(span)
        except (TypeError, ValueError, IndexError) as e:
            raise HocRuntimeError(f"new {cls_name}(): {e}", span) from None
        return self.objects.register(obj)

    # ------------------------------------------------------------ public API helpers
    def call_proc_by_name(self, name: str, args: list) -> Any:
        proc = self.globals.values.get(name) if self.globals.kinds.get(name) in (
            "proc", "func", "obfunc", "iterator") else None
        if proc is not None:
            return self.invoke(proc, list(args), [None] * len(args), None)
        b = self.builtins.get(name)
        if b is not None:
            return self.normalize(b[0](self, list(args), None), b[1])
        raise HocNameError(f"{name} undefined function")
