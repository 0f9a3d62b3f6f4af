"""The NMODL syntax tree: frozen dataclasses, each with a ``Span``.

Built from lark's tree by ``hocx.syntax.nmodl.transform``.  Names keep
NEURON's spelling; units are kept as the text between the parentheses
(``"mA/cm2"``), numbers keep their source text next to their value.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ...errors import Span


@dataclass(frozen=True, eq=False)
class Node:
    span: Span


# ------------------------------------------------------------------ expressions
class Expr(Node):
    pass


@dataclass(frozen=True, eq=False)
class Num(Expr):
    value: float
    text: str
    unit: Optional[str] = None


@dataclass(frozen=True, eq=False)
class Str(Expr):
    value: str


@dataclass(frozen=True, eq=False)
class Name(Expr):
    name: str
    index: Optional[Expr] = None       # ``x[i]``


@dataclass(frozen=True, eq=False)
class Prime(Expr):
    """``m'`` (``order`` primes) on the left of a DERIVATIVE equation, or read."""
    name: str
    order: int = 1


@dataclass(frozen=True, eq=False)
class Call(Expr):
    name: str
    args: tuple = ()


@dataclass(frozen=True, eq=False)
class Unary(Expr):
    op: str                            # "-" or "!"
    operand: Expr = None


@dataclass(frozen=True, eq=False)
class Binary(Expr):
    op: str                            # + - * / % ^ < <= > >= == != && ||
    left: Expr = None
    right: Expr = None


# ------------------------------------------------------------------ statements
class Stmt(Node):
    pass


@dataclass(frozen=True, eq=False)
class Block(Stmt):
    stmts: tuple = ()


@dataclass(frozen=True, eq=False)
class Assign(Stmt):
    target: Expr                       # Name or Prime
    value: Expr = None


@dataclass(frozen=True, eq=False)
class ExprStmt(Stmt):
    expr: Expr                         # a call


@dataclass(frozen=True, eq=False)
class LocalVar(Node):
    name: str
    size: Optional[object] = None      # int or a DEFINE name


@dataclass(frozen=True, eq=False)
class Local(Stmt):
    names: tuple = ()                  # LocalVar


@dataclass(frozen=True, eq=False)
class If(Stmt):
    cond: Expr
    then: Block = None
    orelse: Optional[Stmt] = None      # Block or If


@dataclass(frozen=True, eq=False)
class While(Stmt):
    cond: Expr
    body: Block = None


@dataclass(frozen=True, eq=False)
class FromLoop(Stmt):
    var: str
    start: Expr = None
    stop: Expr = None
    by: Optional[Expr] = None
    body: Block = None


@dataclass(frozen=True, eq=False)
class Solve(Stmt):
    block: str
    method: Optional[str] = None
    steadystate: Optional[str] = None
    iferror: Optional[Block] = None
    block_span: Optional[Span] = None


@dataclass(frozen=True, eq=False)
class Reactant(Node):
    name: str
    index: Optional[Expr] = None
    stoich: int = 1


@dataclass(frozen=True, eq=False)
class Reaction(Stmt):
    """``~ lhs <-> rhs (kf, kb)``; ``~ lhs -> (kf)`` has ``rhs == ()`` and ``kb is None``."""
    lhs: tuple
    rhs: tuple = ()
    kf: Expr = None
    kb: Optional[Expr] = None
    op: str = "<->"


@dataclass(frozen=True, eq=False)
class Flux(Stmt):
    """``~ x << (expr)``."""
    target: Reactant
    value: Expr = None


@dataclass(frozen=True, eq=False)
class Equation(Stmt):
    """``~ lhs = rhs`` in a LINEAR or NONLINEAR block."""
    lhs: Expr
    rhs: Expr = None


@dataclass(frozen=True, eq=False)
class Conserve(Stmt):
    terms: tuple
    value: Expr = None


@dataclass(frozen=True, eq=False)
class Compartment(Stmt):
    index: Optional[str]
    volume: Expr = None
    names: tuple = ()
    longitudinal: bool = False         # LONGITUDINAL_DIFFUSION


@dataclass(frozen=True, eq=False)
class Table(Stmt):
    names: tuple
    depend: tuple = ()
    start: Expr = None
    stop: Expr = None
    with_: int = 0


@dataclass(frozen=True, eq=False)
class Verbatim(Stmt):
    """``VERBATIM ... ENDVERBATIM``: ``text`` is the C code between the keywords."""
    text: str


@dataclass(frozen=True, eq=False)
class WatchItem(Node):
    cond: Expr
    flag: float = 0.0


@dataclass(frozen=True, eq=False)
class Watch(Stmt):
    items: tuple = ()


@dataclass(frozen=True, eq=False)
class ForNetcons(Stmt):
    args: tuple
    body: Block = None


@dataclass(frozen=True, eq=False)
class Lag(Stmt):
    name: str
    by: str = ""


@dataclass(frozen=True, eq=False)
class UnitsToggle(Stmt):
    on: bool


@dataclass(frozen=True, eq=False)
class Protect(Stmt):
    assign: Assign


@dataclass(frozen=True, eq=False)
class Mutex(Stmt):
    lock: bool


@dataclass(frozen=True, eq=False)
class InitialStmt(Stmt):
    """An INITIAL block inside NET_RECEIVE."""
    body: Block


# ------------------------------------------------------------------ NEURON block
@dataclass(frozen=True, eq=False)
class Suffix(Node):
    kind: str                          # "SUFFIX" | "POINT_PROCESS" | "ARTIFICIAL_CELL"
    name: str


@dataclass(frozen=True, eq=False)
class UseIon(Node):
    ion: str
    read: tuple = ()
    write: tuple = ()
    valence: Optional[float] = None


@dataclass(frozen=True, eq=False)
class NameList(Node):
    """RANGE, GLOBAL, POINTER, NONSPECIFIC_CURRENT, ... with its names."""
    keyword: str
    names: tuple = ()
    name_spans: tuple = ()


@dataclass(frozen=True, eq=False)
class NeuronBlock(Node):
    stmts: tuple = ()


# ------------------------------------------------------------------ UNITS
@dataclass(frozen=True, eq=False)
class UnitAlias(Node):
    """``(mA) = (milliamp)``."""
    name: str
    definition: str


@dataclass(frozen=True, eq=False)
class UnitFactor(Node):
    """``FARADAY = (faraday) (coulomb)``, or ``X = 2.5 (mV)``."""
    name: str
    from_unit: Optional[str] = None
    to_unit: Optional[str] = None
    value: Optional[float] = None


@dataclass(frozen=True, eq=False)
class UnitsBlock(Node):
    defs: tuple = ()


# ------------------------------------------------------------------ declarations
@dataclass(frozen=True, eq=False)
class Decl(Node):
    """One PARAMETER / CONSTANT / ASSIGNED / STATE / INDEPENDENT name."""
    name: str
    size: Optional[object] = None      # int or DEFINE name
    value: Optional[float] = None
    unit: Optional[str] = None
    limits: Optional[tuple] = None     # (lo, hi)
    tolerance: Optional[float] = None  # STATE ``<1e-10>``
    from_to: Optional[tuple] = None
    start: Optional[float] = None
    with_: Optional[int] = None


@dataclass(frozen=True, eq=False)
class DeclBlock(Node):
    keyword: str                       # PARAMETER | CONSTANT | ASSIGNED | STATE | INDEPENDENT
    decls: tuple = ()


@dataclass(frozen=True, eq=False)
class Define(Node):
    name: str
    value: int = 0


@dataclass(frozen=True, eq=False)
class Include(Node):
    filename: str
    items: tuple = ()                  # the included file's items (filled by the parser)


@dataclass(frozen=True, eq=False)
class Title(Node):
    text: str


@dataclass(frozen=True, eq=False)
class Arg(Node):
    name: str
    unit: Optional[str] = None


@dataclass(frozen=True, eq=False)
class CodeBlock(Node):
    """INITIAL, BREAKPOINT, DERIVATIVE x, KINETIC x, LINEAR x, NONLINEAR x,
    PROCEDURE x(args), FUNCTION x(args), NET_RECEIVE(args), BEFORE/AFTER ...,
    CONSTRUCTOR, DESTRUCTOR, FUNCTION_TABLE x(args) (``body is None``)."""
    keyword: str
    name: Optional[str] = None
    args: tuple = ()
    unit: Optional[str] = None
    body: Optional[Block] = None
    name_span: Optional[Span] = None
    solvefor: tuple = ()


@dataclass(frozen=True, eq=False)
class ModFile(Node):
    path: str
    items: tuple = ()
    text: str = ""

    def flat_items(self):
        """Top-level items with INCLUDEd files spliced in, in source order."""
        for it in self.items:
            if isinstance(it, Include):
                yield it
                for sub in _flat(it.items):
                    yield sub
            else:
                yield it


def _flat(items):
    for it in items:
        yield it
        if isinstance(it, Include):
            yield from _flat(it.items)


def walk(node):
    """Every node under ``node`` (depth first, pre-order), itself included."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Node):
            yield n
            kids = []
            for f in n.__dataclass_fields__:
                if f == "span":
                    continue
                val = getattr(n, f)
                if isinstance(val, Node):
                    kids.append(val)
                elif isinstance(val, tuple):
                    kids.extend(v for v in val if isinstance(v, Node))
            stack.extend(reversed(kids))
