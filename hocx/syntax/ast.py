"""The typed HOC syntax tree: frozen dataclasses, each with a ``Span``.

Built once from lark's tree by ``hocx.syntax.transform``; the interpreter
executes these nodes (never lark trees).  ``kind`` fields record what the
symbol-table-aware lexer said a name was when the text was parsed
("var", "obj", "str", "func", "bfunc", ...).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..errors import Span


@dataclass(frozen=True, eq=False)
class Node:
    span: Span


# ------------------------------------------------------------------ expressions
class Expr(Node):
    pass


@dataclass(frozen=True, eq=False)
class Num(Expr):
    value: float


@dataclass(frozen=True, eq=False)
class Str(Expr):
    value: str


@dataclass(frozen=True, eq=False)
class Name(Expr):
    """A variable, array element, strdef or objref: ``x``, ``a[i][j]``, ``s``, ``o``."""
    name: str
    kind: str                      # lexer kind: var | obj | str
    indices: tuple = ()


@dataclass(frozen=True, eq=False)
class SecProp(Expr):
    """A section property of the currently accessed section: ``L``, ``nseg``..."""
    name: str


@dataclass(frozen=True, eq=False)
class RangeVar(Expr):
    """``v``, ``diam(0.3)``, ``gnabar_hh``: a range variable of the CAS; ``index`` for an
    array range variable of a mechanism (``ca_cashell[2](0.5)``)."""
    name: str
    x: Optional[Expr] = None
    index: Optional[Expr] = None


@dataclass(frozen=True, eq=False)
class TemplateIndex(Expr):
    """``Cell[0]``: a live instance by index."""
    name: str
    index: Expr


@dataclass(frozen=True, eq=False)
class Arg(Expr):
    """``$1 $o2 $s1 $&1 $&1[i]``; ``n`` is None for the ``$i`` forms."""
    sigil: str                     # "" | "o" | "s" | "&"
    n: Optional[int]
    index: Optional[Expr] = None


@dataclass(frozen=True, eq=False)
class Call(Expr):
    name: str
    kind: str                      # func | bfunc | bstrfunc | bobjfunc | obfunc | var (late-bound) | proc | bproc
    args: tuple = ()


@dataclass(frozen=True, eq=False)
class SectionRef(Expr):
    """``soma``, ``dend[2]``: designates a section (prefix, base of ``.``, connect)."""
    name: str
    index: Optional[Expr] = None
    more: tuple = ()          # further subscripts of a multi-dimensional array: d[i][j]


@dataclass(frozen=True, eq=False)
class SecAt(Expr):
    """``dend(0)`` in connect: a section and a position."""
    section: Expr
    x: Expr


@dataclass(frozen=True, eq=False)
class Member(Expr):
    """``o.x``, ``o.x[i]``, ``m.x[i][j]``, ``soma.L``."""
    base: Expr
    name: str
    indices: tuple = ()


@dataclass(frozen=True, eq=False)
class MemberCall(Expr):
    """``o.f(args)``, ``soma.v(0.5)``; ``indices``: ``soma.ca_cashell[2](0.5)``."""
    base: Expr
    name: str
    args: tuple = ()
    indices: tuple = ()


@dataclass(frozen=True, eq=False)
class BinOp(Expr):
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True, eq=False)
class Neg(Expr):
    operand: Expr


@dataclass(frozen=True, eq=False)
class Not(Expr):
    operand: Expr


@dataclass(frozen=True, eq=False)
class Assign(Expr):
    op: str                        # = += -= *= /=
    target: Expr
    value: Expr


@dataclass(frozen=True, eq=False)
class New(Expr):
    cls: str
    args: tuple = ()


@dataclass(frozen=True, eq=False)
class AddrOf(Expr):
    """``&x`` in an argument list: a pointer."""
    target: Expr


@dataclass(frozen=True, eq=False)
class Paren(Expr):
    """``(x = 5)``: an assignment in parentheses is an expression (echoed, C05)."""
    expr: Expr


@dataclass(frozen=True, eq=False)
class Read(Expr):
    name: str


# ------------------------------------------------------------------ statements
class Stmt(Node):
    pass


@dataclass(frozen=True, eq=False)
class ExprStmt(Stmt):
    expr: Expr


@dataclass(frozen=True, eq=False)
class Block(Stmt):
    body: tuple


@dataclass(frozen=True, eq=False)
class Decl(Stmt):
    """strdef / double / objref / create / sectionlist: ``items`` are (name, dims, span)."""
    what: str
    items: tuple


@dataclass(frozen=True, eq=False)
class ProcCall(Stmt):
    name: str
    kind: str                      # proc | bproc
    args: tuple = ()


@dataclass(frozen=True, eq=False)
class Print(Stmt):
    items: tuple


@dataclass(frozen=True, eq=False)
class If(Stmt):
    cond: Expr
    then: Stmt
    orelse: Optional[Stmt] = None


@dataclass(frozen=True, eq=False)
class While(Stmt):
    cond: Expr
    body: Stmt


@dataclass(frozen=True, eq=False)
class CFor(Stmt):
    init: Optional[Expr]
    cond: Optional[Expr]
    step: Optional[Expr]
    body: Stmt


@dataclass(frozen=True, eq=False)
class ShortFor(Stmt):
    var: str
    start: Expr
    stop: Expr
    body: Stmt


@dataclass(frozen=True, eq=False)
class IterFor(Stmt):
    name: str
    args: tuple
    body: Stmt


@dataclass(frozen=True, eq=False)
class ObjIterFor(Stmt):
    """``for obj.iter(args) stmt``: an iterator method of a template instance."""
    base: Expr
    name: str
    args: tuple
    body: Stmt


@dataclass(frozen=True, eq=False)
class ForX(Stmt):
    """``for (x) stmt`` (ends included) or ``for (x, e) stmt`` (centres only when e ~ 0)."""
    var: str
    ends: Optional[Expr]
    body: Stmt


@dataclass(frozen=True, eq=False)
class Return(Stmt):
    value: Optional[Expr] = None


@dataclass(frozen=True, eq=False)
class Jump(Stmt):
    """break, continue, stop, iterator_statement."""
    what: str


@dataclass(frozen=True, eq=False)
class Delete(Stmt):
    name: str


@dataclass(frozen=True, eq=False)
class Access(Stmt):
    target: Expr


@dataclass(frozen=True, eq=False)
class Insert(Stmt):
    mech: str
    remove: bool = False


@dataclass(frozen=True, eq=False)
class Connect(Stmt):
    child: Expr                    # SecAt or a member call designating sec(x)
    parent: Expr                   # SecAt, or a number (position on the CAS)


@dataclass(frozen=True, eq=False)
class SetPointer(Stmt):
    target: Expr
    source: Expr


@dataclass(frozen=True, eq=False)
class Forall(Stmt):
    body: Stmt


@dataclass(frozen=True, eq=False)
class Forsec(Stmt):
    target: Expr                   # string pattern or SectionList
    body: Stmt
    only_if: bool = False          # ifsec


@dataclass(frozen=True, eq=False)
class Ramp(Stmt):
    """``diam(0:1) = 2:1``; ``base`` is None for the CAS."""
    base: Optional[Expr]
    name: str
    x1: Expr
    x2: Expr
    y1: Expr
    y2: Expr


@dataclass(frozen=True, eq=False)
class Prefixed(Stmt):
    """``sec stmt`` / ``objexpr stmt``: run stmt with the section pushed."""
    section: Expr
    body: Stmt


@dataclass(frozen=True, eq=False)
class Obsolete(Stmt):
    word: str


# ------------------------------------------------------------------ top-level items
@dataclass(frozen=True, eq=False)
class Definition(Node):
    kind: str                      # proc | func | obfunc | iterator
    name: str
    locals: tuple
    localobjs: tuple
    body: tuple


@dataclass(frozen=True, eq=False)
class TemplateLine(Node):
    what: str                      # begintemplate | endtemplate | public | external
    names: tuple


@dataclass(frozen=True, eq=False)
class TopLevel(Node):
    """A top-level statement; ``echo`` tells whether its value is printed (C05)."""
    stmt: Stmt
    echo: str = ""                 # "" | "num" (\\t%.8g) | "text" (string expression)


@dataclass(frozen=True, eq=False)
class Empty(Node):
    pass
