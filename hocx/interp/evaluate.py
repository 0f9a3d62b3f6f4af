"""Expression evaluation (a mixin of ``Interpreter``): HOC semantics, not Python's.

Every number is a double; relational operators compare within
``float_epsilon``; ``&&``/``||`` evaluate both sides; ``%`` is cyclic;
``^`` is ``pow`` with domain checks; division by zero is an error.
"""
from __future__ import annotations

import math
from typing import Any

from ..errors import HocNameError, HocRuntimeError, HocTypeError, Span, suggest
from ..syntax import ast as A
from .indices import subscript
from .objects import CellPointer, HocObject, Pointer, StrRef
from .scope import ArrayPointer, HocArray, Namespace

_PROC_KINDS = ("proc", "func", "obfunc", "iterator")


def type_name(v: Any) -> str:
    if v is None:
        return "NULLobject"
    if isinstance(v, HocObject):
        return f"object {v.hoc_class}"
    if isinstance(v, (str, StrRef)):
        return "string"
    if isinstance(v, Pointer):
        return "pointer"
    if isinstance(v, float):
        return "number"
    return "section" if hasattr(v, "get_range") else type(v).__name__


class ExprEval:
    """Evaluation of ``hocx.syntax.ast`` expression nodes."""

    # ------------------------------------------------------------ dispatch
    def ev(self, node: A.Expr) -> Any:
        return self._ev_table[node.__class__](self, node)

    def num(self, v: Any, span: Span | None) -> float:
        if v.__class__ is float:
            return v
        if isinstance(v, (int, bool)):
            return float(v)
        if isinstance(v, Pointer):
            return v.get()
        raise HocTypeError(f"a number was expected here, not a {type_name(v)}", span)

    def evnum(self, node: A.Expr) -> float:
        v = self._ev_table[node.__class__](self, node)
        if v.__class__ is float:
            return v
        return self.num(v, node.span)

    def text(self, v: Any, span: Span | None) -> str:
        if isinstance(v, str):
            return v
        if isinstance(v, StrRef):
            return v.value
        raise HocTypeError(f"a string was expected here, not a {type_name(v)}", span)

    @property
    def eps(self) -> float:
        return self.globals.values.get("float_epsilon", 1e-11)

    # ------------------------------------------------------------ names
    def resolve(self, name: str) -> Namespace:
        """The namespace that holds (or would hold) ``name`` in the running code."""
        fr = self.frame
        if name in fr.lns.kinds:
            return fr.lns
        obj = fr.obj
        if obj is not None:
            ns = obj.ns
            if name in ns.kinds or name in obj.tdef.ns.kinds:
                return ns
            if name in self.builtin_vars or name in obj.tdef.externals:
                return self.globals
            return ns
        tdef = self.defining
        if tdef is not None:
            if name in tdef.ns.kinds:
                return tdef.ns
            if name in self.builtin_vars or name in tdef.externals:
                return self.globals
            return tdef.ns
        return self.globals

    def undefined(self, name: str, span: Span | None) -> HocNameError:
        known = list(self.globals.kinds) + list(self.builtins) + list(self.frame.lns.kinds)
        best = suggest(name, known)
        return HocNameError(f"undefined variable {name}", span,
                            hint=f"did you mean '{best}'?" if best else None)

    def ev_Name(self, n: A.Name) -> Any:
        name = n.name
        fr = self.frame
        if fr.obj is None and self.defining is None and name not in fr.lns.kinds:
            ns = self.globals                     # fast path: plain top-level or proc code
        else:
            ns = self.resolve(name)
        kind = ns.kinds.get(name)
        if kind == "var":
            if n.indices:
                raise HocTypeError(f"{name} not an array variable", n.span)
            return ns.values[name]
        if kind is None:
            raise self.undefined(name, n.span)
        v = ns.values[name]
        if kind in ("array", "objarray"):
            eps = self.eps
            return v.data[v.flat([self.evnum(i) for i in n.indices], eps, n.span)]
        if n.indices:
            raise HocTypeError(f"{name} not an array variable", n.span)
        if kind in ("str", "obj"):
            return v
        if kind in ("sec", "secarray"):
            return v[0]
        raise HocTypeError(f"attempt to evaluate a non-variable {name}", n.span)

    def ev_Num(self, n: A.Num) -> float:
        return n.value

    def ev_Str(self, n: A.Str) -> str:
        return n.value

    def ev_Paren(self, n: A.Paren) -> Any:
        return self.ev(n.expr)

    def ev_Arg(self, n: A.Arg) -> Any:
        fr = self.frame
        if fr.proc is None:
            raise HocRuntimeError("$ used outside definition", n.span)
        i = self.arg_index(n)
        if i >= len(fr.args):
            raise HocRuntimeError(f"{fr.proc.name} not enough arguments", n.span,
                                  hint=f"{fr.proc.name}() was called with {len(fr.args)} argument(s)")
        v = fr.args[i]
        s = n.sigil
        if s == "":
            if isinstance(v, Pointer):
                return v.get()
            if v.__class__ is not float:
                raise HocTypeError(f"${i + 1}: expecting a number argument, got a {type_name(v)}", n.span)
            return v
        if s == "s":
            if not isinstance(v, (str, StrRef)):
                raise HocTypeError("Expecting string argument", n.span)
            return v.value if isinstance(v, StrRef) else v
        if s == "o":
            if not (v is None or isinstance(v, HocObject) or hasattr(v, "get_range")):
                raise HocTypeError(f"$o{i + 1}: expecting an object argument, got a {type_name(v)}", n.span)
            return v
        # $&
        p = self.arg_pointer(v, n, i)
        return p.get()

    def arg_index(self, n: A.Arg) -> int:
        if n.n is not None:
            return n.n - 1
        fr = self.frame
        if fr.lns.kinds.get("i") != "var":
            raise HocRuntimeError("arg index used and i is not a LOCAL variable", n.span)
        return int(fr.lns.values["i"]) - 1

    def arg_pointer(self, v: Any, n: A.Arg, i: int) -> Pointer:
        if not isinstance(v, Pointer):
            raise HocTypeError(f"$&{i + 1}: expecting a pointer argument (&var)", n.span)
        if n.index is not None:
            k = subscript(self.evnum(n.index), self.eps)
            if isinstance(v, ArrayPointer):
                return v.offset(k, n.span)
            if k != 0:
                raise HocRuntimeError("this pointer cannot be indexed", n.span)
        return v

    # ------------------------------------------------------------ operators
    def ev_BinOp(self, n: A.BinOp) -> float:
        table = self._ev_table
        left = n.left
        if left.__class__ is A.BinOp and left.left.__class__ is A.BinOp:
            return self.ev_chain(n)
        a = table[left.__class__](self, left)
        b = table[n.right.__class__](self, n.right)
        return self.binop(n, a, b)

    def ev_chain(self, n: A.BinOp) -> float:
        """``1+2+3+...``: a left-deep chain of operators, evaluated without recursion (a
        400 KB sum is 200,000 levels deep), left to right as the recursive walk does."""
        spine = []
        node: A.Expr = n
        while node.__class__ is A.BinOp:
            spine.append(node)
            node = node.left
        table = self._ev_table
        a = table[node.__class__](self, node)
        for m in reversed(spine):
            a = self.binop(m, a, table[m.right.__class__](self, m.right))
        return a

    def binop(self, n: A.BinOp, a: Any, b: Any) -> float:
        """``a op b`` for the operator node ``n`` (its spans place the errors)."""
        op = n.op
        if a.__class__ is not float or b.__class__ is not float:
            if op in ("==", "!=") and _objlike(a) and _objlike(b):
                same = a is b
                return 1.0 if same == (op == "==") else 0.0
            a = self.num(a, n.left.span)
            b = self.num(b, n.right.span)
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            if b == 0.0:
                raise HocRuntimeError("division by zero", n.span)
            return a / b
        eps = self.eps
        if op == "<":
            return 1.0 if a < b - eps else 0.0
        if op == ">":
            return 1.0 if a > b + eps else 0.0
        if op == "==":
            return 1.0 if b - eps <= a <= b + eps else 0.0
        if op == "<=":
            return 1.0 if a <= b + eps else 0.0
        if op == ">=":
            return 1.0 if a >= b - eps else 0.0
        if op == "!=":
            return 1.0 if (a < b - eps or a > b + eps) else 0.0
        if op == "&&":
            return 1.0 if (a != 0.0 and b != 0.0) else 0.0
        if op == "||":
            return 1.0 if (a != 0.0 or b != 0.0) else 0.0
        if op == "%":
            if b <= 0.0:
                raise HocRuntimeError("a%b, b<=0", n.span)
            return cyclic(a, b)
        if op == "^":
            return self.power(a, b, n.span)
        raise HocRuntimeError(f"unknown operator {op}", n.span)  # pragma: no cover

    def power(self, a: float, b: float, span: Span) -> float:
        try:
            return math.pow(a, b)
        except ValueError:
            raise HocRuntimeError("exponentiation argument out of domain", span) from None
        except OverflowError:
            self.warn("exponentiation result out of range", span)
            return math.inf

    def ev_Neg(self, n: A.Neg) -> float:
        return -self.evnum(n.operand)

    def ev_Not(self, n: A.Not) -> float:
        return 1.0 if self.evnum(n.operand) == 0.0 else 0.0

    # ------------------------------------------------------------ calls
    def ev_Call(self, n: A.Call) -> Any:
        return self.call_named(n.name, n.args, n.span)

    def ev_New(self, n: A.New) -> Any:
        args = self.eval_args(n.args)
        return self.new_object(n.cls, args, n.span)

    def ev_TemplateIndex(self, n: A.TemplateIndex) -> Any:
        i = subscript(self.evnum(n.index), self.eps)
        obj = self.objects.lookup(n.name, i)
        if obj is None:
            raise HocRuntimeError(f"Object ID doesn't exist {n.name}[{i}]", n.span)
        return obj

    def ev_AddrOf(self, n: A.AddrOf) -> Pointer:
        return self.pointer_to(n.target)

    def ev_Read(self, n: A.Read) -> float:
        raise HocRuntimeError("read() is not supported by hocx", n.span)

    def ev_Assign(self, n: A.Assign) -> Any:
        t = n.target
        if t.__class__ is A.Name and not t.indices:          # fast path: scalar double
            name = t.name
            ns = self.resolve(name)
            if ns.kinds.get(name) == "var":
                value = self._ev_table[n.value.__class__](self, n.value)
                if value.__class__ is not float:
                    value = self.num(value, n.value.span)
                op = n.op
                if op != "=":
                    value = self.opassign(op, ns.values[name], value, n.span)
                ns.values[name] = value
                return value
        value = self.ev(n.value)
        if n.op != "=":
            value = self.opassign(n.op, self.evnum(n.target), self.num(value, n.value.span), n.span)
        self.assign(n.target, value, n.span)
        return value

    @staticmethod
    def opassign(op: str, old: float, v: float, span: Span) -> float:
        if op == "+=":
            return old + v
        if op == "-=":
            return old - v
        if op == "*=":
            return old * v
        if v == 0.0:
            raise HocRuntimeError("division by zero", span)
        return old / v

    # ------------------------------------------------------------ arguments
    def eval_args(self, nodes: tuple) -> list:
        """Argument values for a call: strdefs go by reference (``StrRef``)."""
        out = []
        for a in nodes:
            cls = a.__class__
            if cls is A.Num:
                out.append(a.value)
            elif cls is A.Name and a.kind == "str" and not a.indices:
                out.append(self.strref(a.name, a.span))
            elif cls is A.Arg and a.sigil == "s":
                out.append(self.arg_strref(a))
            elif cls is A.Member and not a.indices and (ref := self.member_strref(a)) is not None:
                out.append(ref)
            elif cls is A.Arg and a.sigil == "&" and a.index is None:
                fr = self.frame
                i = self.arg_index(a)
                if fr.proc is None or i >= len(fr.args):
                    out.append(self.ev(a))
                else:
                    out.append(fr.args[i] if isinstance(fr.args[i], Pointer) else self.ev(a))
            else:
                out.append(self.ev(a))
        return out

    def arg_slots(self, nodes: tuple) -> list:
        """Setters for object arguments (``$o1 = new List()`` rebinds the caller's objref)."""
        slots = []
        for a in nodes:
            if a.__class__ is A.Name and a.kind == "obj":
                slots.append(self.caller_obj_slot(a))
            elif a.__class__ is A.Arg and a.sigil == "o":
                fr = self.frame
                i = self.arg_index(a)
                slots.append(fr.slots[i] if fr.proc is not None and i < len(fr.slots) else None)
            else:
                slots.append(None)
        return slots

    def caller_obj_slot(self, a: A.Name):
        """A setter for the caller's objref ``a``, bound now: the callee assigns ``$o1`` while its
        own names are in scope (``type.create1(real)`` sets this object's ``real``)."""
        ns = self.resolve(a.name)
        idx = [self.evnum(i) for i in a.indices] if a.indices else []

        def set_(v, ns=ns, a=a, idx=idx) -> None:
            kind = ns.kinds.get(a.name)
            if kind is None:
                self.assign(a, v, a.span)
            else:
                self.store(ns, a.name, kind, v, idx, a.span)
        return set_

    def strref(self, name: str, span: Span | None) -> StrRef:
        ns = self.resolve(name)
        if ns.kinds.get(name) != "str":
            raise self.undefined(name, span)

        def set_(v: str, ns=ns) -> None:
            ns.values[name] = v
        return StrRef(lambda ns=ns: ns.values[name], set_)

    def member_strref(self, a: A.Member) -> StrRef | None:
        """``obj.s`` where s is a strdef field of a template object: pass it by reference."""
        obj = self.ev(a.base)
        ns = getattr(obj, "ns", None)
        tdef = getattr(obj, "tdef", None)
        if ns is None or tdef is None:
            return None
        kind = tdef.ns.kinds.get(a.name) or ns.kinds.get(a.name)
        if kind != "str" or a.name not in ns.values:
            return None

        def set_(v: str, ns=ns, name=a.name) -> None:
            ns.values[name] = v
        return StrRef(lambda ns=ns, name=a.name: ns.values[name], set_)

    def arg_strref(self, a: A.Arg) -> Any:
        fr = self.frame
        if fr.proc is None:
            raise HocRuntimeError("$ used outside definition", a.span)
        i = self.arg_index(a)
        if i >= len(fr.args):
            raise HocRuntimeError(f"{fr.proc.name} not enough arguments", a.span)
        v = fr.args[i]
        if isinstance(v, StrRef):
            return v
        if isinstance(v, str):
            def set_(s: str, fr=fr, i=i) -> None:
                fr.args[i] = s
            return StrRef(lambda fr=fr, i=i: fr.args[i], set_)
        raise HocTypeError("Expecting string argument", a.span)

    def pointer_to(self, t: A.Expr) -> Pointer:
        """``&target``: a pointer to a variable, array element, range variable or member."""
        if isinstance(t, A.Name):
            ns = self.resolve(t.name)
            kind = ns.kinds.get(t.name)
            if kind is None:
                ns.declare(t.name, "var", 0.0)
                kind = "var"
            if kind == "array":
                arr: HocArray = ns.values[t.name]
                pos = arr.flat([self.evnum(i) for i in t.indices], self.eps, t.span)
                return ArrayPointer(arr, pos, t.name)
            if kind != "var":
                raise HocTypeError(f"cannot take the address of {t.name}", t.span)
            name = t.name

            def set_(v: float, ns=ns) -> None:
                ns.values[name] = v
            return CellPointer(lambda ns=ns: ns.values[name], set_, name)
        if isinstance(t, A.Arg) and t.sigil == "&":
            fr = self.frame
            return self.arg_pointer(fr.args[self.arg_index(t)], t, self.arg_index(t))
        return self.cable_pointer(t)


def cyclic(a: float, b: float) -> float:
    """nrniv's ``a % b`` for b > 0 (hoc_cyclic): IEEE all the way, so ``-1e309 % 3``
    is NaN and ``-5 % 1e309`` is inf, as nrniv prints them."""
    r = a
    if r >= b:
        r = a - _floor(a / b) * b
    elif r <= -b:
        r = a + _floor(-a / b) * b
    if r > b:
        r = r - b
    if r < 0.0:
        r = r + b
    return r


def _floor(x: float) -> float:
    """C's floor(): NaN and infinities pass through (math.floor raises on them)."""
    return x if x != x or x in (math.inf, -math.inf) else float(math.floor(x))


def _objlike(v: Any) -> bool:
    return v is None or isinstance(v, HocObject)


def build_table(cls) -> dict:
    """Map AST class -> bound evaluation method name ``ev_<Class>``."""
    table = {}
    for name in dir(A):
        node = getattr(A, name)
        if isinstance(node, type) and issubclass(node, A.Node):
            fn = getattr(cls, "ev_" + name, None)
            if fn is not None:
                table[node] = fn
    return table
