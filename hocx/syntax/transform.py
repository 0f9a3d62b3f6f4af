"""lark tree -> typed AST (``hocx.syntax.ast``), plus the checks yacc's actions make.

Checks done here (all raise ``HocSyntaxError`` at the offending token):
* an assignment target must be a variable, element, member, range variable or
  ``$`` argument (``1 = 2``, ``a + b = 3`` are syntax errors);
* ``name = new T()`` needs an objref name (language.md §1.1 rule 2) and
  ``name = "text"`` a strdef (rule 3);
* at top level, several statements on one line only make sense as a section
  prefix ``sec stmt`` / ``objexpr stmt`` (§1.3: ``x = 1 y = 2`` is an error).
"""
from __future__ import annotations

import dataclasses

from lark import Token

from ..errors import HocSyntaxError, Span
from . import ast as A
from .fastnew import make_span, node_factory

_KIND = {
    "N_VAR": "var", "N_OBJ": "obj", "N_STR": "str", "N_FUNC": "func", "N_BFUNC": "bfunc",
    "N_BSTRFUNC": "bstrfunc", "N_BOBJFUNC": "bobjfunc", "N_OBFUNC": "obfunc",
    "N_PROC": "proc", "N_BPROC": "bproc",
}
# expression nodes that are "string expressions" (echoed / printed as bare text)
STRING_EXPR_NODES = (A.Str,)


def is_text_expr(e: A.Expr) -> bool:
    """Strdefs, literals, ``$s`` and string-function calls print/echo as bare text."""
    if isinstance(e, A.Str):
        return True
    if isinstance(e, A.Name) and e.kind == "str":
        return True
    if isinstance(e, A.Arg) and e.sigil == "s":
        return True
    if isinstance(e, A.Call) and e.kind == "bstrfunc":
        return True
    return False


def _lvalue_ok(e) -> bool:
    return isinstance(e, (A.Name, A.SecProp, A.RangeVar, A.Arg, A.Member, A.MemberCall))


_Node = A.Node
# the nodes made most often, built without the frozen dataclass __init__ (same objects)
_Num = node_factory(A.Num, "span", "value")
_Str = node_factory(A.Str, "span", "value")
_Name = node_factory(A.Name, "span", "name", "kind", "indices")
_Call = node_factory(A.Call, "span", "name", "kind", "args")
_BinOp = node_factory(A.BinOp, "span", "op", "left", "right")
_Assign = node_factory(A.Assign, "span", "op", "target", "value")
_ExprStmt = node_factory(A.ExprStmt, "span", "expr")


def span_of(origin: str, children: list) -> Span:
    """Where a rule's text lies, worked out from its children (tokens and AST nodes):
    from the first child with a position to the end of the last one; ``line 0`` when
    none has one.  (The loops of :func:`_first`/:func:`_last`, unrolled for the common
    kinds of child.)"""
    for c in children:
        if isinstance(c, Token):
            if c.line is None:
                continue
            line, col = c.line, c.column
            break
        if isinstance(c, _Node):
            sp = c.span
            if not sp.line:
                continue
            line, col = sp.line, sp.col
            break
        p = _first(c)
        if p is not None:
            line, col = p
            break
    else:
        return make_span(origin, 0, 0)
    for c in reversed(children):
        if isinstance(c, Token):
            if c.end_line is None:
                continue
            return make_span(origin, line, col, c.end_line, c.end_column)
        if isinstance(c, _Node):
            sp = c.span
            if not sp.line:
                continue
            return make_span(origin, line, col, sp.end_line or sp.line, sp.end_col or sp.col)
        p = _last(c)
        if p is not None:
            return make_span(origin, line, col, p[0], p[1])
    return make_span(origin, line, col, None, None)   # pragma: no cover - a first implies a last


def _first(x):
    if isinstance(x, Token):
        return None if x.line is None else (x.line, x.column)
    if isinstance(x, A.Node):
        return (x.span.line, x.span.col) if x.span.line else None
    if isinstance(x, Span):
        return (x.line, x.col)
    if isinstance(x, (list, tuple)):
        for y in x:
            p = _first(y)
            if p is not None:
                return p
    return None


def _last(x):
    if isinstance(x, Token):
        return None if x.end_line is None else (x.end_line, x.end_column)
    if isinstance(x, A.Node):
        sp = x.span
        return (sp.end_line or sp.line, sp.end_col or sp.col) if sp.line else None
    if isinstance(x, Span):
        return (x.end_line or x.line, x.end_col or x.col)
    if isinstance(x, (list, tuple)):
        for y in reversed(x):
            p = _last(y)
            if p is not None:
                return p
    return None


class Callbacks:
    """The rule callbacks lark's LALR parser calls as it reduces (no parse tree is built).

    ``getattr(callbacks, rule)`` gives ``children -> ToAst.rule(children, children)``: the
    first argument is what :meth:`ToAst.sp` reads the rule's position from (its children;
    worked out only when the rule asks for its span).
    """

    def __init__(self, builder: "ToAst"):
        self._builder = builder

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        method = getattr(self._builder, name)

        def callback(children, method=method):
            return method(children, children)
        setattr(self, name, callback)
        return callback


class ToAst:
    """Build the AST for one top-level item; ``origin``/``lines`` are set before each parse."""

    def __init__(self, origin: str = "<string>", source_lines: list[str] | None = None):
        self.origin = origin
        self.lines = source_lines

    # ---------------------------------------------------------- helpers
    def sp(self, meta) -> Span:
        """The span of a rule: ``meta`` is its children (or an object with lark's
        ``empty``/``line``/``column``/``end_line``/``end_column``)."""
        if isinstance(meta, list):
            return span_of(self.origin, meta)
        if getattr(meta, "empty", True):
            return make_span(self.origin, 0, 0)
        return make_span(self.origin, meta.line, meta.column, meta.end_line, meta.end_column)

    def tsp(self, tok: Token) -> Span:
        return Span(self.origin, tok.line, tok.column, tok.end_line, tok.end_column)

    def error(self, msg: str, span: Span) -> HocSyntaxError:
        line = None
        if self.lines is not None and 0 < span.line <= len(self.lines):
            line = self.lines[span.line - 1]
        return HocSyntaxError(msg, span, source_line=line)

    @staticmethod
    def nodes(children):
        return [c for c in children if not isinstance(c, Token)]

    @staticmethod
    def toks(children, *types):
        return [c for c in children if isinstance(c, Token) and (not types or c.type in types)]

    # ---------------------------------------------------------- top level
    def empty_item(self, meta, ch):
        return A.Empty(self.sp(meta))

    def def_item(self, meta, ch):
        return ch[0]

    def template_item(self, meta, ch):
        return ch[0]

    def stmt_item(self, meta, ch):
        stmts = self.nodes(ch)
        stmts = self.pair_prefixes(stmts, top=True)
        stmt = stmts[0]
        echo = ""
        if isinstance(stmt, A.ExprStmt) and not isinstance(stmt.expr, A.Assign):
            e = stmt.expr
            if isinstance(e, A.SectionRef):
                raise self.error("syntax error", e.span)
            echo = "text" if is_text_expr(e) else "value"
        return A.TopLevel(stmt.span, stmt, echo)

    def pair_prefixes(self, stmts: list, top: bool = False) -> list:
        """``objexpr stmt`` where stmt is on the same line: pair them as a prefix.

        nrniv's rule is right-recursive (``ob stmt`` where stmt may itself be
        ``ob stmt``), so ``a.f()  b.f()  c.f()`` nests as a.f() (b.f() (c.f())).
        """
        out: list = []
        for s in reversed(stmts):
            if (out and self._prefix_ok(s) and out[-1].span.line == s.span.end_line):
                out[-1] = A.Prefixed(s.span, s.expr, out[-1])
            else:
                out.append(s)
        out.reverse()
        if top and len(out) > 1:
            raise self.error("syntax error", out[1].span)
        return out

    @staticmethod
    def _prefix_ok(s) -> bool:
        return (isinstance(s, A.ExprStmt)
                and isinstance(s.expr, (A.Member, A.MemberCall, A.Name, A.Arg, A.SectionRef))
                and not (isinstance(s.expr, A.Name) and s.expr.kind != "obj"))

    def definition(self, meta, ch):
        kind = str(ch[0])
        name = str(ch[1])
        body = ch[-1]
        return A.Definition(self.sp(meta), kind, name, body[0], body[1], body[2])

    def anyname(self, meta, ch):
        return ch[0]            # the token (a str) keeps its position for spans

    def body(self, meta, ch):
        locs, objs, stmts = (), (), ()
        for c in ch:
            if isinstance(c, tuple) and c and c[0] == "local":
                locs = c[1]
            elif isinstance(c, tuple) and c and c[0] == "localobj":
                objs = c[1]
            elif isinstance(c, list):
                stmts = tuple(c)
        return (locs, objs, stmts)

    def local_decl(self, meta, ch):
        return ("local", tuple(ch[1]))

    def localobj_decl(self, meta, ch):
        return ("localobj", tuple(ch[1]))

    def namelist(self, meta, ch):
        return [str(c) for c in ch if not (isinstance(c, Token) and c.type == "COMMA")]

    def begintemplate(self, meta, ch):
        return A.TemplateLine(self.sp(meta), "begintemplate", (str(ch[1]),))

    def endtemplate(self, meta, ch):
        return A.TemplateLine(self.sp(meta), "endtemplate", (str(ch[1]),))

    def public(self, meta, ch):
        return A.TemplateLine(self.sp(meta), "public", tuple(ch[1]))

    def external(self, meta, ch):
        return A.TemplateLine(self.sp(meta), "external", tuple(ch[1]))

    # ---------------------------------------------------------- statements
    def stmtlist(self, meta, ch):
        return self.pair_prefixes(self.nodes(ch))

    def block(self, meta, ch):
        return A.Block(self.sp(meta), tuple(ch[1]))

    def expr_stmt(self, meta, ch):
        return _ExprStmt(self.sp(meta), ch[0])

    def sec_prefix(self, meta, ch):
        return A.Prefixed(self.sp(meta), ch[0], ch[1])

    def obj_prefix(self, meta, ch):
        return A.Prefixed(self.sp(meta), ch[0], ch[1])

    def _decl(self, what, meta, ch):
        items = tuple(c for c in ch if isinstance(c, tuple))
        return A.Decl(self.sp(meta), what, items)

    def strdef(self, meta, ch):
        return A.Decl(self.sp(meta), "strdef", tuple((n, (), self.sp(meta)) for n in ch[1]))

    def double_decl(self, meta, ch):
        return self._decl("double", meta, ch)

    def objref_decl(self, meta, ch):
        return self._decl("objref", meta, ch)

    def create(self, meta, ch):
        return self._decl("create", meta, ch)

    def sectionlist_decl(self, meta, ch):
        return A.Decl(self.sp(meta), "sectionlist", ((str(ch[1]), (), self.sp(meta)),))

    def dimname(self, meta, ch):
        return (str(ch[0]), tuple(self.nodes(ch[1:])), self.sp(meta))

    def proc_call(self, meta, ch):
        return A.ProcCall(self.sp(meta), str(ch[0]), _KIND[ch[0].type], tuple(ch[2]))

    def print(self, meta, ch):
        return A.Print(self.sp(meta), tuple(self.nodes(ch)))

    def if_(self, meta, ch):
        n = self.nodes(ch)
        return A.If(self.sp(meta), n[0], n[1], n[2] if len(n) > 2 else None)

    def while_(self, meta, ch):
        n = self.nodes(ch)
        return A.While(self.sp(meta), n[0], n[1])

    def opt_expr(self, meta, ch):
        return ch[0] if ch else None

    def cfor(self, meta, ch):
        # opt_expr yields None for an empty part, so the order is positional
        vals = [c for c in ch if not (isinstance(c, Token))]
        if len(vals) != 4:  # None placeholders are kept by opt_expr
            raise self.error("syntax error", self.sp(meta))
        init, cond, step, body = vals
        return A.CFor(self.sp(meta), init, cond, step, body)

    def short_for(self, meta, ch):
        n = self.nodes(ch)
        return A.ShortFor(self.sp(meta), str(ch[1]), n[0], n[1], n[2])

    def iter_for(self, meta, ch):
        return A.IterFor(self.sp(meta), str(ch[1]), tuple(ch[3]), ch[5])

    def obj_iter_for(self, meta, ch):
        args = next((c for c in ch if isinstance(c, list)), [])
        return A.ObjIterFor(self.sp(meta), ch[1], str(ch[3]), tuple(args), ch[-1])

    def for_x(self, meta, ch):
        return A.ForX(self.sp(meta), str(ch[2]), None, ch[4])

    def for_x0(self, meta, ch):
        return A.ForX(self.sp(meta), str(ch[2]), ch[4], ch[6])

    def return_(self, meta, ch):
        n = self.nodes(ch)
        return A.Return(self.sp(meta), n[0] if n else None)

    def break_(self, meta, ch):
        return A.Jump(self.sp(meta), "break")

    def continue_(self, meta, ch):
        return A.Jump(self.sp(meta), "continue")

    def stop(self, meta, ch):
        return A.Jump(self.sp(meta), "stop")

    def iterstmt(self, meta, ch):
        return A.Jump(self.sp(meta), "iterator_statement")

    def delete(self, meta, ch):
        return A.Delete(self.sp(meta), str(ch[1]))

    def access(self, meta, ch):
        return A.Access(self.sp(meta), ch[1])

    def insert(self, meta, ch):
        return A.Insert(self.sp(meta), str(ch[1]))

    def uninsert(self, meta, ch):
        return A.Insert(self.sp(meta), str(ch[1]), remove=True)

    def connect(self, meta, ch):
        n = self.nodes(ch)
        return A.Connect(self.sp(meta), n[0], n[1])

    def sec_at(self, meta, ch):
        n = self.nodes(ch)
        return A.SecAt(self.sp(meta), n[0], n[1])

    def conn_end(self, meta, ch):
        return ch[0]

    def setpointer(self, meta, ch):
        n = self.nodes(ch)
        return A.SetPointer(self.sp(meta), n[0], n[1])

    def forall(self, meta, ch):
        return A.Forall(self.sp(meta), ch[1])

    def forsec(self, meta, ch):
        return A.Forsec(self.sp(meta), ch[1], ch[2])

    def ifsec(self, meta, ch):
        return A.Forsec(self.sp(meta), ch[1], ch[2], only_if=True)

    def obsolete(self, meta, ch):
        return A.Obsolete(self.sp(meta), str(ch[0]))

    def ramp(self, meta, ch):
        n = self.nodes(ch)
        if isinstance(ch[0], Token):          # N_RANGE(...)
            return A.Ramp(self.sp(meta), None, str(ch[0]), *n)
        member = self.toks(ch, "MEMBER")[0]
        return A.Ramp(self.sp(meta), n[0], str(member), *n[1:])

    def section(self, meta, ch):
        n = self.nodes(ch)
        return A.SectionRef(self.sp(meta), str(ch[0]), n[0] if n else None, tuple(n[1:]))

    # ---------------------------------------------------------- expressions
    def assign(self, meta, ch):
        target, op, value = ch
        span = self.sp(meta)
        if not _lvalue_ok(target):
            raise self.error("syntax error", op_span(self, op, span))
        if isinstance(target, A.Name) and target.kind == "var":
            if isinstance(value, A.New):
                raise self.error("syntax error", value.span)
            if isinstance(value, A.Str) or (isinstance(value, A.Name) and value.kind == "str"):
                raise self.error("syntax error", value.span)
        if isinstance(target, A.Name) and target.kind == "str" and isinstance(value, A.Num):
            raise self.error("syntax error", value.span)
        return _Assign(span, str(op), target, value)

    def assignop(self, meta, ch):
        return ch[0]

    def newexpr(self, meta, ch):
        return A.New(self.sp(meta), str(ch[1]), tuple(ch[3]))

    def binop(self, meta, ch):
        return _BinOp(self.sp(meta), str(ch[1]), ch[0], ch[2])

    def neg(self, meta, ch):
        return A.Neg(self.sp(meta), ch[1])

    def not_(self, meta, ch):
        return A.Not(self.sp(meta), ch[1])

    def member(self, meta, ch):
        n = self.nodes(ch)
        name = self.toks(ch, "MEMBER")[0]
        return A.Member(self.sp(meta), n[0], str(name), tuple(n[1:]))

    def member_call(self, meta, ch):
        name = self.toks(ch, "MEMBER")[0]
        return A.MemberCall(self.sp(meta), ch[0], str(name), tuple(ch[-2]))

    def member_call_index(self, meta, ch):
        # section DOT MEMBER [ expr ] ( args ): an array range variable of a section
        name = self.toks(ch, "MEMBER")[0]
        return A.MemberCall(self.sp(meta), ch[0], str(name), tuple(ch[-2]), (ch[4],))

    def number(self, meta, ch):
        return _Num(self.sp(meta), float(ch[0].value))

    def string(self, meta, ch):
        return _Str(self.sp(meta), ch[0].value)

    def name(self, meta, ch):
        tok = ch[0]
        return _Name(self.sp(meta), str(tok), _KIND[tok.type], tuple(self.nodes(ch)))

    def secprop(self, meta, ch):
        return A.SecProp(self.sp(meta), str(ch[0]))

    def rangevar(self, meta, ch):
        n = self.nodes(ch)
        return A.RangeVar(self.sp(meta), str(ch[0]), n[0] if n else None)

    def rangevar_index(self, meta, ch):
        n = self.nodes(ch)          # [index] or [index, x]
        return A.RangeVar(self.sp(meta), str(ch[0]), n[1] if len(n) > 1 else None, n[0])

    def template_index(self, meta, ch):
        return A.TemplateIndex(self.sp(meta), str(ch[0]), ch[2])

    def arg(self, meta, ch):
        tok = ch[0]
        sigil = {"DOLLAR": "", "DOLLAR_O": "o", "DOLLAR_S": "s", "DOLLAR_P": "&"}[tok.type]
        n = None if tok.value == "i" else int(tok.value)
        idx = self.nodes(ch)
        return A.Arg(self.sp(meta), sigil, n, idx[0] if idx else None)

    def call(self, meta, ch):
        tok = ch[0]
        return _Call(self.sp(meta), str(tok), _KIND[tok.type], tuple(ch[2]))

    def paren(self, meta, ch):
        inner = self.nodes(ch)[0]
        if isinstance(inner, A.Assign):
            return A.Paren(self.sp(meta), inner)
        return dataclasses.replace(inner, span=self.sp(meta))   # the span covers the parentheses

    def read(self, meta, ch):
        return A.Read(self.sp(meta), str(ch[2]))

    def args(self, meta, ch):
        return [c for c in ch if not (isinstance(c, Token) and c.type == "COMMA")]

    def addr(self, meta, ch):
        return A.AddrOf(self.sp(meta), ch[1])


def op_span(tr: ToAst, op, fallback: Span) -> Span:
    if isinstance(op, Token) and op.line is not None:
        return tr.tsp(op)
    return fallback
