"""lark tree of ``grammar/nmodl.lark`` -> ``hocx.syntax.nmodl.ast`` nodes."""
from __future__ import annotations

from lark import Token, Transformer, v_args

from ...errors import Span
from . import ast as A


def _num(text: str) -> float:
    return float(text)


def _unit_text(tok) -> str | None:
    if tok is None:
        return None
    return str(tok)[1:-1].strip()


@v_args(meta=True)
class ToAst(Transformer):
    """Every callback gets (meta, children); ``self.path`` names the file in spans."""

    def __init__(self, path: str):
        super().__init__(visit_tokens=False)
        self.path = path

    # -------------------------------------------------------------- helpers
    def _span(self, meta) -> Span:
        if getattr(meta, "empty", True):
            return Span(self.path, 1, 1)
        return Span(self.path, meta.line, meta.column, meta.end_line, meta.end_column)

    def _tspan(self, tok: Token) -> Span:
        return Span(self.path, tok.line, tok.column, tok.end_line, tok.end_column)

    # -------------------------------------------------------------- file
    def start(self, meta, items):
        return list(items)

    def title(self, meta, c):
        return A.Title(self._span(meta), str(c[0])[5:].strip())

    # -------------------------------------------------------------- NEURON block
    def neuron_block(self, meta, c):
        return A.NeuronBlock(self._span(meta), tuple(x for x in c if x is not None))

    def suffix_density(self, meta, c):
        return A.Suffix(self._span(meta), "SUFFIX", str(c[0]))

    def suffix_point(self, meta, c):
        return A.Suffix(self._span(meta), "POINT_PROCESS", str(c[0]))

    def suffix_artificial(self, meta, c):
        return A.Suffix(self._span(meta), "ARTIFICIAL_CELL", str(c[0]))

    def name_list(self, meta, c):
        return tuple(c)            # tokens

    def read_list(self, meta, c):
        return ("READ", c[0])

    def write_list(self, meta, c):
        return ("WRITE", c[0])

    def valence(self, meta, c):
        return ("VALENCE", c[0])

    def represents(self, meta, c):
        return None

    def useion(self, meta, c):
        read = tuple(str(t) for t in c[1][1]) if c[1] else ()
        write = tuple(str(t) for t in c[2][1]) if c[2] else ()
        val = c[3][1] if c[3] else None
        return A.UseIon(self._span(meta), str(c[0]), read, write, val)

    def _names(keyword):
        def cb(self, meta, c):
            toks = c[0] if c and c[0] is not None else ()
            return A.NameList(self._span(meta), keyword, tuple(str(t) for t in toks),
                              tuple(self._tspan(t) for t in toks))
        return cb

    nonspecific = _names("NONSPECIFIC_CURRENT")
    electrode = _names("ELECTRODE_CURRENT")
    range_stmt = _names("RANGE")
    global_stmt = _names("GLOBAL")
    pointer_stmt = _names("POINTER")
    bbcorepointer_stmt = _names("BBCOREPOINTER")
    external_stmt = _names("EXTERNAL")
    random_stmt = _names("RANDOM")
    threadsafe = _names("THREADSAFE")
    del _names

    # -------------------------------------------------------------- UNITS
    def units_block(self, meta, c):
        return A.UnitsBlock(self._span(meta), tuple(c))

    def unit_alias(self, meta, c):
        return A.UnitAlias(self._span(meta), _unit_text(c[0]), _unit_text(c[1]))

    def unit_factor(self, meta, c):
        name = str(c[0])
        rest = c[1:]
        if isinstance(rest[0], Token) and rest[0].type == "UNIT":
            return A.UnitFactor(self._span(meta), name, _unit_text(rest[0]), _unit_text(rest[1]))
        return A.UnitFactor(self._span(meta), name, None, _unit_text(rest[1] if len(rest) > 1 else None),
                            rest[0])

    # -------------------------------------------------------------- declarations
    def signed_number(self, meta, c):
        return _num(c[0])

    def neg_number(self, meta, c):
        return -_num(c[0])

    def limits(self, meta, c):
        return ("limits", (c[0], c[1]))

    def tolerance(self, meta, c):
        return ("tolerance", c[0])

    def array_size(self, meta, c):
        t = c[0]
        return int(t) if t.type == "INT" else str(t)

    def from_to(self, meta, c):
        return (c[0], c[1])

    def start_value(self, meta, c):
        return c[0]

    def param_decl(self, meta, c):
        name, size, value, unit, lim = c
        kw = {}
        if lim is not None:
            kw[lim[0]] = lim[1]
        return A.Decl(self._span(meta), str(name), size, value, _unit_text(unit), **kw)

    def var_decl(self, meta, c):
        name, size, unit, ft, startv, lim = c
        kw = {}
        if lim is not None:
            kw[lim[0]] = lim[1]
        return A.Decl(self._span(meta), str(name), size, None, _unit_text(unit),
                      from_to=ft, start=startv, **kw)

    def indep_decl(self, meta, c):
        name, lo, hi, with_, unit = c
        return A.Decl(self._span(meta), str(name), unit=_unit_text(unit), from_to=(lo, hi),
                      with_=int(with_))

    indep_sweep = indep_decl

    def _decls(keyword):
        def cb(self, meta, c):
            return A.DeclBlock(self._span(meta), keyword, tuple(c))
        return cb

    parameter_block = _decls("PARAMETER")
    constant_block = _decls("CONSTANT")
    assigned_block = _decls("ASSIGNED")
    state_block = _decls("STATE")
    independent_block = _decls("INDEPENDENT")
    del _decls

    def define(self, meta, c):
        return A.Define(self._span(meta), str(c[0]), int(c[1]))

    def include(self, meta, c):
        return A.Include(self._span(meta), str(c[0])[1:-1])

    def units_on(self, meta, c):
        return A.UnitsToggle(self._span(meta), True)

    def units_off(self, meta, c):
        return A.UnitsToggle(self._span(meta), False)

    # -------------------------------------------------------------- code blocks
    def _code(keyword, named=False):
        def cb(self, meta, c):
            if named:
                return A.CodeBlock(self._span(meta), keyword, str(c[0]), body=c[1],
                                   name_span=self._tspan(c[0]))
            return A.CodeBlock(self._span(meta), keyword, body=c[0])
        return cb

    initial_block = _code("INITIAL")
    breakpoint_block = _code("BREAKPOINT")
    constructor_block = _code("CONSTRUCTOR")
    destructor_block = _code("DESTRUCTOR")
    derivative_block = _code("DERIVATIVE", True)
    discrete_block = _code("DISCRETE", True)
    partial_block = _code("PARTIAL", True)
    del _code

    def _solved(keyword):
        def cb(self, meta, c):
            name, solvefor, body = c
            return A.CodeBlock(self._span(meta), keyword, str(name), body=body,
                               name_span=self._tspan(name),
                               solvefor=tuple(str(t) for t in solvefor or ()))
        return cb

    kinetic_block = _solved("KINETIC")
    linear_block = _solved("LINEAR")
    nonlinear_block = _solved("NONLINEAR")
    del _solved

    def solvefor(self, meta, c):
        return c[0]

    def eq_block(self, meta, c):
        return A.Block(self._span(meta), tuple(x for x in c if x is not None))

    def equation(self, meta, c):
        return A.Equation(self._span(meta), c[0], c[1])

    def conductance(self, meta, c):
        return None

    def arg_list(self, meta, c):
        return tuple(c)

    def arg(self, meta, c):
        return A.Arg(self._span(meta), str(c[0]), _unit_text(c[1]))

    def _func(keyword):
        def cb(self, meta, c):
            name, args, unit, body = c
            return A.CodeBlock(self._span(meta), keyword, str(name), args or (), _unit_text(unit),
                               body, name_span=self._tspan(name))
        return cb

    procedure = _func("PROCEDURE")
    function = _func("FUNCTION")
    del _func

    def function_table(self, meta, c):
        name, args, unit = c
        return A.CodeBlock(self._span(meta), "FUNCTION_TABLE", str(name), args or (),
                           _unit_text(unit), None, name_span=self._tspan(name))

    def net_receive(self, meta, c):
        return A.CodeBlock(self._span(meta), "NET_RECEIVE", None, c[0] or (), None, c[1])

    def hook_block(self, meta, c):
        return A.CodeBlock(self._span(meta), f"{c[0]} {c[1]}", body=c[2])

    def block(self, meta, c):
        return A.Block(self._span(meta), tuple(x for x in c if x is not None))

    # -------------------------------------------------------------- statements
    def lhs(self, meta, c):
        return A.Name(self._span(meta), str(c[0]), c[1] if len(c) > 1 else None)

    def assign(self, meta, c):
        return A.Assign(self._span(meta), c[0], c[1])

    def derivative_eq(self, meta, c):
        tok = c[0]
        name = str(tok).rstrip("'")
        target = A.Prime(self._tspan(tok), name, len(str(tok)) - len(name))
        return A.Assign(self._span(meta), target, c[1])

    def call_stmt(self, meta, c):
        return A.ExprStmt(self._span(meta), c[0])

    def local_name(self, meta, c):
        return A.LocalVar(self._span(meta), str(c[0]), c[1])

    def local_stmt(self, meta, c):
        return A.Local(self._span(meta), tuple(c))

    def if_stmt(self, meta, c):
        return A.If(self._span(meta), c[0], c[1], c[2])

    def else_part(self, meta, c):
        return c[0]

    def while_stmt(self, meta, c):
        return A.While(self._span(meta), c[0], c[1])

    def from_stmt(self, meta, c):
        return A.FromLoop(self._span(meta), str(c[0]), c[1], c[2], c[3], c[4])

    def solve_method(self, meta, c):
        return ("method", str(c[0]))

    def solve_steadystate(self, meta, c):
        return ("steadystate", str(c[0]))

    def solve(self, meta, c):
        name, how, iferror = c
        kw = {how[0]: how[1]} if how else {}
        return A.Solve(self._span(meta), str(name), iferror=iferror,
                       block_span=self._tspan(name), **kw)

    def reactant(self, meta, c):
        stoich, name, index = c
        return A.Reactant(self._span(meta), str(name), index, int(float(stoich)) if stoich else 1)

    def reactants(self, meta, c):
        return tuple(c)

    def reaction(self, meta, c):
        return A.Reaction(self._span(meta), c[0], c[2], c[3], c[4], str(c[1]))

    def annihilation(self, meta, c):
        return A.Reaction(self._span(meta), c[0], (), c[1], None, "->")

    def flux(self, meta, c):
        return A.Flux(self._span(meta), c[0], c[1])

    def conserve(self, meta, c):
        return A.Conserve(self._span(meta), c[0], c[1])

    def compartment(self, meta, c):
        index = str(c[0]) if c[0] is not None else None
        return A.Compartment(self._span(meta), index, c[1], tuple(str(t) for t in c[2:]))

    def longdiff(self, meta, c):
        index = str(c[0]) if c[0] is not None else None
        return A.Compartment(self._span(meta), index, c[1], tuple(str(t) for t in c[2:]), True)

    def table(self, meta, c):
        names, depend, lo, hi, with_ = c
        return A.Table(self._span(meta), tuple(str(t) for t in names or ()),
                       tuple(str(t) for t in depend or ()), lo, hi, int(with_))

    def verbatim(self, meta, c):
        text = str(c[0])
        return A.Verbatim(self._span(meta), text[len("VERBATIM"):-len("ENDVERBATIM")])

    def watch_item(self, meta, c):
        return A.WatchItem(self._span(meta), c[0], c[1])

    def watch(self, meta, c):
        return A.Watch(self._span(meta), tuple(c))

    def for_netcons(self, meta, c):
        return A.ForNetcons(self._span(meta), c[0] or (), c[1])

    def lag(self, meta, c):
        return A.Lag(self._span(meta), str(c[0]), str(c[1]))

    def protect(self, meta, c):
        return A.Protect(self._span(meta), c[0])

    def mutex_lock(self, meta, c):
        return A.Mutex(self._span(meta), True)

    def mutex_unlock(self, meta, c):
        return A.Mutex(self._span(meta), False)

    # -------------------------------------------------------------- expressions
    def number(self, meta, c):
        return A.Num(self._span(meta), _num(c[0]), str(c[0]), _unit_text(c[1]))

    def name(self, meta, c):
        return A.Name(self._span(meta), str(c[0]))

    def indexed(self, meta, c):
        return A.Name(self._span(meta), str(c[0]), c[1])

    def prime_ref(self, meta, c):
        text = str(c[0])
        name = text.rstrip("'")
        return A.Prime(self._span(meta), name, len(text) - len(name))

    def string(self, meta, c):
        return A.Str(self._span(meta), str(c[0])[1:-1])

    def call(self, meta, c):
        args = tuple(a for a in c[1:] if a is not None)
        return A.Call(self._span(meta), str(c[0]), args)

    def neg(self, meta, c):
        return A.Unary(self._span(meta), "-", c[0])

    def not_op(self, meta, c):
        return A.Unary(self._span(meta), "!", c[0])

    def _bin(op):
        def cb(self, meta, c):
            return A.Binary(self._span(meta), op, c[0], c[1])
        return cb

    or_op = _bin("||")
    and_op = _bin("&&")
    gt = _bin(">")
    ge = _bin(">=")
    lt = _bin("<")
    le = _bin("<=")
    eq = _bin("==")
    ne = _bin("!=")
    add = _bin("+")
    sub = _bin("-")
    mul = _bin("*")
    div = _bin("/")
    mod = _bin("%")
    pow_op = _bin("^")
    del _bin
