"""The HOC interpreter: one world of names, objects and sections.

``Interpreter.execute(text, origin)`` parses and runs one top-level item at a
time (language.md §1.1), echoing bare top-level expressions exactly as nrniv
does (§2.8).  Expression, statement, call, template and cable logic live in
the mixins ``ExprEval``, ``StmtExec``, ``CallMixin``, ``CableMixin``; this
module holds the state, the symbol-table view the lexer uses, assignment, and
the public API of ARCHITECTURE.md.
"""
from __future__ import annotations

import dataclasses
import os
import sys
from typing import Any, Callable

from ..errors import HocError, HocNameError, HocRuntimeError, HocTypeError, Span
from ..syntax import ast as A
from ..syntax.parser import parse_items
from .cable_exec import SECTION_PROPS, CableMixin, is_section
from .calls import CallMixin, ReturnSignal
from .evaluate import ExprEval, build_table
from .execute import BreakSignal, ContinueSignal, StmtExec, StopSignal
from .format import fmt_number, fmt_value
from .indices import subscript
from .objects import HocObject, Pointer, StrRef
from .registry import ObjectRegistry
from .limits import LimitReached, memory_error, time_limit_error
from .safety import add_read_root
from .scope import CallFrame, HocArray, Namespace, Proc, TemplateDef
from .source_text import decode_source

# 512 nested HOC calls need several thousand Python frames (pure-Python calls in
# CPython 3.11 do not grow the C stack); the limit is raised only while HOC runs.
RECURSION_LIMIT = 60000

#: files loading files (load_file, xopen): nrniv runs out of its 512 call frames
#: after about 170 nested load_file calls (three frames each)
MAX_FILE_NESTING = 170

#: stdlib files loaded before a .hx script runs (fully_connect, sparse_connect)
HX_PRELUDE = ("netconnect.hoc",)

_BUILTIN_KIND = {"func": "bfunc", "proc": "bproc", "strfunc": "bstrfunc", "objfunc": "bobjfunc"}
_PROC_KINDS = ("proc", "func", "obfunc", "iterator")


class Interpreter(ExprEval, StmtExec, CallMixin, CableMixin):
    """HOC state plus the tree walker.  See docs/ARCHITECTURE.md, Interpreter API."""

    _ev_table: dict = {}
    _ex_table: dict = {}

    def __init__(self, *, out: Callable[[str], None] | None = None,
                 err: Callable[[str], None] | None = None, safe: bool = False,
                 budget: int | None = None, deadline: float | None = None, model: Any = None):
        self.out = out or (lambda s: sys.stdout.write(s))
        self.err = err or (lambda s: sys.stderr.write(s))
        self.safe = safe
        self.budget = budget              # loop iterations left (None: unlimited)
        self.deadline = deadline          # time.monotonic() limit (None: none)
        self.time_limit_s: float | None = None   # --max-seconds, for the message (limits.py)
        self.time_expired = False         # the deadline passed (set by limits.TimeLimit)
        self.max_memory_mb: int | None = None    # --max-memory, for the message
        self.max_memory_given = False
        self.globals = Namespace()
        self.builtins: dict[str, tuple[Callable, str, str]] = {}
        self.classes: dict[str, type] = {}
        self.class_docs: dict[str, str] = {}
        self.templates: dict[str, TemplateDef] = {}
        self.builtin_vars: set[str] = set()
        self.hooks: dict[str, Callable] = {}
        self.objects = ObjectRegistry()
        self.sources: dict[str, list[str]] = {}
        self.loaded: set[str] = set()     # load_file() de-duplication by literal name
        self.file_dirs: list[str] = []    # directories of the files being run
        self.read_roots: list[str] = []   # folders --safe may read under (see safety.py)
        self.top = CallFrame(None, [], [])
        self.frame = self.top
        self.stack: list[CallFrame] = []
        self.defining: TemplateDef | None = None
        self._nesting = 0
        if model is None:
            try:
                from ..model import CableModel
                from ..model.mechanisms import MechanismRegistry
                from .stdlib_mods import builtin_specs     # hh, pas: --safe writes no cache
                std = builtin_specs(safe=safe)
                model = CableModel(MechanismRegistry(stdlib=std), notice=lambda s: self.err(s))
            except ImportError:   # the cable model is not installed: the language still works
                model = None
        self.model = model

    # ================================================================ public API
    def execute(self, text: str, origin: str = "<string>", *, obj: Any = None,
                from_file: bool = False, echo: bool = True) -> None:
        """Parse and run ``text`` one top-level item at a time; raises HocError.

        With ``obj`` (a template instance) the text runs in that object's context,
        as ``execute("stmt", obj)`` does.  ``echo=False``: bare expressions are not
        printed (nrniv's ``execute("xopen(...)")`` prints nothing)."""
        self.sources[origin] = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        old_limit = sys.getrecursionlimit()
        if old_limit < RECURSION_LIMIT:
            sys.setrecursionlimit(RECURSION_LIMIT)
        nested = self.frame is not self.top or self._nesting > 0 or obj is not None
        saved_frame, saved_stack = self.frame, self.stack
        if nested:
            self.stack = saved_stack + [saved_frame]
            self.frame = self.top if obj is None else CallFrame(None, [], [], obj=obj)
        self._nesting += 1
        try:
            if from_file:                 # fscan() reads the lines after the running item
                from .source_reader import run_file_items
                run_file_items(self, text, origin, self.sources[origin], hx=origin.endswith(".hx"))
            else:
                for item in parse_items(text, origin, self, hx=origin.endswith(".hx")):
                    if not echo and item.__class__ is A.TopLevel and item.echo:
                        item = dataclasses.replace(item, echo="")
                    self.run_item(item)
        except HocError as e:
            self.attach_source(e)
            raise
        finally:
            self._nesting -= 1
            self.frame, self.stack = saved_frame, saved_stack
            if old_limit < RECURSION_LIMIT:
                sys.setrecursionlimit(old_limit)

    def execute_file(self, path: str) -> None:
        if len(self.file_dirs) >= MAX_FILE_NESTING:
            raise HocRuntimeError(f"hoc_Load_file {os.path.basename(path)}: files nested too deeply",
                                  hint=f"more than {MAX_FILE_NESTING} files load each other "
                                       "(nrniv stops near the same depth); does a file load itself?")
        try:
            with open(path, "rb") as f:
                raw = f.read()
        except OSError as e:
            raise HocRuntimeError(f"can't open {path}: {e.strerror}") from None
        text = decode_source(raw, path)
        if self._nesting == 0 and self.safe:     # a file the front end runs: --safe may read its folder
            add_read_root(self, os.path.dirname(os.path.abspath(path)))
        if path.endswith(".hx"):
            self.load_hx_prelude()
        self.file_dirs.append(os.path.dirname(os.path.abspath(path)))
        try:
            self.execute(text, path, from_file=True)
        finally:
            self.file_dirs.pop()

    def allow_reads_under(self, folder: str) -> None:
        """Under --safe, let scripts read ``folder``'s tree too (the CLI's --mod folders)."""
        add_read_root(self, folder)

    def load_hx_prelude(self) -> None:
        """The stdlib files a ``.hx`` script gets without ``load_file`` (HX_PRELUDE), once."""
        from .._resources import stdlib_path

        for name in HX_PRELUDE:
            if name not in self.loaded:
                self.loaded.add(name)
                self.execute_file(str(stdlib_path(name)))

    def register_builtin(self, name: str, fn: Callable, *, kind: str = "func", doc: str = "") -> None:
        if kind not in _BUILTIN_KIND:
            raise ValueError(f"unknown builtin kind {kind!r}")
        self.builtins[name] = (fn, kind, doc)

    def register_class(self, name: str, cls: type, *, doc: str = "") -> None:
        self.classes[name] = cls
        self.class_docs[name] = doc

    def get_global(self, name: str) -> Any:
        if name not in self.globals.kinds:
            raise HocNameError(f"undefined variable {name}")
        v = self.globals.values[name]
        return v[0] if self.globals.kinds[name] in ("sec", "secarray") else v

    def set_global(self, name: str, value: Any) -> None:
        ns = self.globals
        if name not in ns.kinds:
            kind = "str" if isinstance(value, str) else (
                "obj" if value is None or isinstance(value, HocObject) else "var")
            ns.declare(name, kind, None if kind == "obj" else ("" if kind == "str" else 0.0))
            if self._nesting == 0:
                self.builtin_vars.add(name)
        kind = ns.kinds[name]
        if kind == "var" and not isinstance(value, float):
            value = float(value)
        self.store(ns, name, kind, value, [], None)

    def call_proc(self, name: str, args: list) -> Any:
        """Call a HOC proc/func (or built-in) by name, e.g. stdrun's ``init`` override."""
        return self.call_proc_by_name(name, args)

    def names(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, (_fn, kind, _doc) in self.builtins.items():
            out[name] = _BUILTIN_KIND[kind]
        for name in self.classes:
            out[name] = "template"
        for name in self.templates:
            out[name] = "template"
        out.update(self.globals.kinds)
        return out

    def echoed(self, value: Any) -> None:
        """A top-level expression statement printed ``value`` (a hook for front ends)."""

    def interrupt_reset(self) -> None:
        """After Ctrl-C: back to the top level with an empty section stack."""
        self.frame, self.stack = self.top, []
        self._nesting = 0
        self.restore_model_depth(0)

    def warn(self, message: str, span: Span | None = None) -> None:
        where = f"{span}: " if span is not None else ""
        self.err(f"{where}warning: {message}\n")

    def fmt_num(self, x: float) -> str:
        return fmt_number(x)

    def ref(self, obj: Any) -> None:
        """A container (List, ...) took a reference to ``obj``."""
        self.objects.ref(obj)

    def unref(self, obj: Any) -> None:
        """A container dropped its reference to ``obj``."""
        self.objects.unref(obj)

    def attach_source(self, e: HocError) -> None:
        if e.span is not None and e.source_line is None:
            lines = self.sources.get(e.span.file)
            if lines is not None and 0 < e.span.line <= len(lines):
                e.source_line = lines[e.span.line - 1]

    # ================================================================ lexer's view
    def kind_of(self, name: str) -> str | None:
        """What ``name`` is to the parser right now (see hocx.syntax.parser.KIND_TOKEN)."""
        tdef = self.defining
        if tdef is not None:
            k = tdef.ns.kinds.get(name)
            if k is not None:
                return k
            if name in tdef.externals or name in self.builtin_vars:
                return self.globals.kinds.get(name)
        else:
            obj = self.context_object()
            if obj is not None:         # execute(cmd, obj), object_push: the object's names
                tdef = obj.tdef
                k = tdef.ns.kinds.get(name) or obj.ns.kinds.get(name)
                if k is not None:
                    return k
                if name in tdef.externals or name in self.builtin_vars:
                    return self.globals.kinds.get(name)
            else:
                k = self.globals.kinds.get(name)
                if k is not None:
                    return k
        if name in self.templates or name in self.classes:
            return "template"
        b = self.builtins.get(name)
        if b is not None:
            return _BUILTIN_KIND[b[1]]
        if name in SECTION_PROPS:
            return "secprop"
        if self.model is not None and self.model.registry.is_rangevar(name):
            return "range"
        return None

    def context_object(self):
        """The template instance top-level text runs in now (execute(cmd, obj), object_push)."""
        obj = getattr(self.frame, "obj", None)
        if obj is None and getattr(self, "obj_push_stack", None):
            from .builtins.objectpush import pushed_object
            obj = pushed_object(self)
        return obj if hasattr(obj, "tdef") else None

    def is_mechanism(self, name: str) -> bool:
        return self.model is not None and self.model.registry.is_mechanism(name)

    def mechanism_names(self) -> list[str]:
        if self.model is None:
            return []
        reg = self.model.registry
        return [n for n in reg.names() if reg.is_mechanism(n)]

    def mechanism_hint(self, name: str) -> str | None:
        """The hint for "``name`` is not a MECHANISM" (why its .mod did not load, ...)."""
        return None if self.model is None else self.model.registry.failure_hint(name)

    def is_builtin_name(self, name: str) -> bool:
        if name in self.builtins or name in self.classes or name in SECTION_PROPS:
            return True
        return self.model is not None and self.model.registry.is_rangevar(name)

    # ================================================================ top-level items
    def run_item(self, item: A.Node) -> None:
        cls = item.__class__
        if cls is A.TopLevel:
            self.run_toplevel(item)
        elif cls is A.Definition:
            self.define(item)
        elif cls is A.TemplateLine:
            self.template_line(item)

    def run_toplevel(self, item: A.TopLevel) -> None:
        depth = self.model_depth()
        frame, stack_len = self.frame, len(self.stack)
        if getattr(self, "obj_push_stack", None):       # object_push: builtins/objectpush.py
            from .builtins.objectpush import enter_pushed
            enter_pushed(self, frame)
        try:
            if item.echo:
                v = self.ev(item.stmt.expr)
                self.echoed(v)
                if item.echo == "text":
                    self.out(self.text(v, item.span) + "\n")
                elif v.__class__ is float:
                    self.out("\t" + fmt_number(v) + " \n")
                else:
                    self.out("\t" + fmt_value(v, self.objects) + "\n")
            else:
                self.exec_stmt(item.stmt)
        except StopSignal:
            pass
        except (BreakSignal, ContinueSignal):
            raise HocRuntimeError("break or continue outside a loop", item.span) from None
        except ReturnSignal:
            raise HocRuntimeError("return used outside definition", item.span) from None
        except RecursionError:
            raise HocRuntimeError("statement nested too deeply", item.span,
                                  hint="the program recursed deeper than hocx's stack allows") from None
        except MemoryError:
            raise memory_error(self, item.span) from None
        except LimitReached as e:         # raised by the alarm where no call site was at hand
            raise e.with_span(item.span)
        except KeyboardInterrupt:
            if self.time_expired:         # the time limit stopped the simulator's chunk loop
                raise time_limit_error(self, item.span) from None
            raise
        finally:
            self.frame = frame
            del self.stack[stack_len:]
            self.restore_model_depth(depth)
            if self._nesting <= 1:
                self.objects.sweep()

    def define(self, d: A.Definition) -> None:
        tdef = self.defining
        ns = tdef.ns if tdef is not None else self.globals
        old = ns.kinds.get(d.name)
        if old is not None and old not in _PROC_KINDS:
            raise HocNameError(f"{d.name} already defined", d.span,
                               hint=f"'{d.name}' is already a variable")
        # a HOC definition may shadow a built-in of the same name (stdrun.hoc's GUI helpers)
        ns.declare(d.name, d.kind, Proc(d.kind, d.name, d.locals, d.localobjs, d.body, d.span, tdef))

    def template_line(self, t: A.TemplateLine) -> None:
        what = t.what
        name = t.names[0] if t.names else ""
        if what == "begintemplate":
            if self.defining is not None:
                raise HocRuntimeError(f"begintemplate {name} inside template {self.defining.name}", t.span)
            if name in self.templates or name in self.classes:
                raise HocNameError(f"{name} already defined", t.span,
                                   hint="a template cannot be redefined; load its file once (load_file)")
            if self.globals.kinds.get(name) not in (None,):
                raise HocNameError(f"{name} already declared", t.span)
            self.defining = TemplateDef(name, t.span)
            return
        tdef = self.defining
        if tdef is None:
            raise HocRuntimeError(f"'{what}' outside begintemplate ... endtemplate", t.span)
        if what == "public":
            tdef.publics.update(t.names)
        elif what == "external":
            for n in t.names:
                if n not in self.globals.kinds and n not in self.templates:
                    raise HocNameError(f"{n} not declared at the top level", t.span)
                tdef.externals.add(n)
        else:  # endtemplate
            if name != tdef.name:
                raise HocRuntimeError(f"endtemplate {name} does not match begintemplate {tdef.name}", t.span)
            tdef.complete = True
            self.templates[name] = tdef
            self.defining = None

    # ================================================================ members
    def get_member(self, base: Any, name: str, index: Any, span: Span | None) -> Any:
        if isinstance(base, HocObject):
            try:
                return base.hoc_get(name, index, span)
            except HocError as e:
                raise e.with_span(span)
        if base is None:
            raise HocRuntimeError(f"'{name}' object prefix is nullptr", span,
                                  hint="the objref was never assigned an object (it is NULLobject)")
        if is_section(base):
            return self.section_member(base, name, index, span)
        raise HocTypeError(f"a {type(base).__name__} has no member '{name}'", span)

    def ev_Member(self, n: A.Member) -> Any:
        base = self.ev(n.base)
        index = self.member_index(n.indices)
        v = self.get_member(base, n.name, index, n.span)
        if v is None and getattr(base, "tdef", None) is not None and \
                (base.tdef.ns.kinds.get(n.name) or base.ns.kinds.get(n.name)) in ("obj", "objarray"):
            return None                   # a public objref that holds nothing: NULLobject
        return self.normalize(v, "member")

    def ev_MemberCall(self, n: A.MemberCall) -> Any:
        if n.indices:                       # soma.ca_cashell[2](0.5)
            return self.section_member_call(self.ev(n.base), n.name, n.args, n.span, n.indices)
        return self.call_method(self.ev(n.base), n.name, n.args, n.span)

    def member_index(self, nodes: tuple) -> Any:
        """Member subscripts as C computes them, ``(int)(x + float_epsilon)`` (C46):
        None for ``o.x``, a float for ``o.x[i]``, a tuple of floats for ``m.x[i][j]``."""
        if not nodes:
            return None
        eps = self.eps
        idx = tuple(float(subscript(self.evnum(e), eps)) for e in nodes)
        return idx[0] if len(idx) == 1 else idx

    # ================================================================ assignment
    def assign(self, t: A.Expr, value: Any, span: Span | None) -> None:
        cls = t.__class__
        if cls is A.Name:
            name = t.name
            ns = self.resolve(name)
            kind = ns.kinds.get(name)
            if kind is None:
                if not (value.__class__ is float or isinstance(value, Pointer)):
                    raise HocTypeError(f"{name} is not declared: use 'objref {name}' or 'strdef {name}' first",
                                       t.span)
                ns.kinds[name] = kind = "var"
                ns.values[name] = 0.0
            idx = [self.evnum(i) for i in t.indices] if t.indices else []
            self.store(ns, name, kind, value, idx, t.span)
        elif cls is A.Arg:
            self.assign_arg(t, value)
        elif cls is A.SecProp:
            self.set_sec_value(self.cas(t.span), t.name, None, value, t.span)
        elif cls is A.RangeVar:
            x = None if t.x is None else self.evnum(t.x)
            self.set_sec_value(self.cas(t.span), self.range_element(t.name, t.index), x, value, t.span)
        elif cls is A.Member:
            base = self.ev(t.base)
            index = self.member_index(t.indices)
            if isinstance(base, HocObject):
                try:
                    base.hoc_set(t.name, value, index, t.span)
                except HocError as e:
                    raise e.with_span(t.span)
            elif base is None:
                raise HocRuntimeError(f"'{t.name}' object prefix is nullptr", t.span)
            elif is_section(base):
                self.set_sec_value(base, self.range_element(t.name, index), None, value, t.span)
            else:
                raise HocTypeError(f"cannot assign to a member of a {type(base).__name__}", t.span)
        elif cls is A.MemberCall:
            base = self.ev(t.base)
            if is_section(base) and len(t.args) == 1:
                self.set_sec_value(base, self.range_element(t.name, t.indices or None),
                                   self.evnum(t.args[0]), value, t.span)
            else:
                raise HocTypeError("cannot assign to a function call", t.span)
        else:
            raise HocTypeError("cannot assign to this expression", t.span)

    def store(self, ns: Namespace, name: str, kind: str, value: Any, idx: list, span: Span | None) -> None:
        """Write ``value`` into ``name[idx]`` of ``ns`` (refcounts for objrefs)."""
        if kind == "var":
            if idx:
                raise HocTypeError(f"{name} not an array variable", span)
            ns.values[name] = value if value.__class__ is float else self.num(value, span)
        elif kind == "array":
            arr: HocArray = ns.values[name]
            arr.data[arr.flat(idx, self.eps, span)] = value if value.__class__ is float else self.num(value, span)
        elif kind == "str":
            ns.values[name] = self.text(value, span)
        elif kind in ("obj", "objarray"):
            if not (value is None or isinstance(value, HocObject)):
                raise HocTypeError(f"{name} is an objref: it cannot hold a {_what(value)}", span)
            if kind == "obj":
                if idx:
                    raise HocTypeError(f"{name} not an array variable", span)
                old = ns.values[name]
                if old is value:
                    return
                self.objects.ref(value)
                ns.values[name] = value
                self.objects.unref(old)
            else:
                arr = ns.values[name]
                pos = arr.flat(idx, self.eps, span)
                old = arr.data[pos]
                if old is value:
                    return
                self.objects.ref(value)
                arr.data[pos] = value
                self.objects.unref(old)
        elif kind in ("sec", "secarray"):
            raise HocTypeError(f"{name} is a section: it cannot be assigned", span,
                               hint=f"to set a property write '{name}.L = ...' or '{name} {{ ... }}'")
        else:
            raise HocTypeError(f"{name} is a {kind}: it cannot be assigned", span)

    def assign_arg(self, t: A.Arg, value: Any) -> None:
        fr = self.frame
        if fr.proc is None:
            raise HocRuntimeError("$ used outside definition", t.span)
        i = self.arg_index(t)
        if i >= len(fr.args):
            raise HocRuntimeError(f"{fr.proc.name} not enough arguments", t.span)
        s = t.sigil
        if s == "":
            fr.args[i] = self.num(value, t.span)
        elif s == "s":
            cur = fr.args[i]
            if isinstance(cur, StrRef):
                cur.set(self.text(value, t.span))
            else:
                fr.args[i] = self.text(value, t.span)
        elif s == "o":
            if not (value is None or isinstance(value, HocObject)):
                raise HocTypeError(f"$o{i + 1} is an object argument: it cannot hold a {_what(value)}", t.span)
            fr.args[i] = value
            slot = fr.slots[i] if i < len(fr.slots) else None
            if slot is not None:
                slot(value)
        else:
            self.arg_pointer(fr.args[i], t, i).set(self.num(value, t.span))


def _what(v: Any) -> str:
    if isinstance(v, float):
        return "number"
    if isinstance(v, (str, StrRef)):
        return "string"
    return type(v).__name__


Interpreter._ev_table = build_table(Interpreter)
Interpreter._ex_table = {
    node: getattr(Interpreter, "ex_" + node.__name__)
    for node in vars(A).values()
    if isinstance(node, type) and issubclass(node, A.Stmt) and hasattr(Interpreter, "ex_" + node.__name__)
}
