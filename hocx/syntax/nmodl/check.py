"""Semantic checks of a parsed mod file -> ``CheckedMod`` (symbol table + facts).

Errors (``NmodlError``, a ``HocError``) carry the span of the offending
token: unknown variable or function, an ion variable used without USEION
(or written without WRITE), SOLVE of an unknown block or with an unknown
METHOD, VERBATIM with real C code, no SUFFIX/POINT_PROCESS/ARTIFICIAL_CELL,
wrong argument counts, primes or reactions on non-STATEs.  Things NEURON
accepts but gets wrong, or prints a notice about, are ``Notice``s in
``CheckedMod.notices``.
"""
from __future__ import annotations

import enum
import os
from dataclasses import dataclass, field
from typing import Optional

from ...errors import HocError, Span, suggest
from . import ast as A
from .cnexp import CnexpForm, cnexp_form
from .units import UnitTable, unit_factors


class NmodlError(HocError):
    """A mod file NEURON would reject, or one hocx cannot translate."""


class Kind(enum.Enum):
    PARAMETER = "parameter"
    CONSTANT = "constant"
    ASSIGNED = "assigned"
    STATE = "state"
    INDEPENDENT = "independent"
    LOCAL = "local"              # file-level LOCAL
    FUNCTION = "function"
    PROCEDURE = "procedure"
    FUNCTION_TABLE = "function_table"
    ION = "ion variable"
    BUILTIN = "builtin variable"
    MATH = "builtin function"
    UNIT_CONSTANT = "units constant"
    DEFINE = "DEFINE"
    POINTER = "pointer"
    RANDOM = "random variable"


class MechKind(enum.Enum):
    DENSITY = "SUFFIX"
    POINT_PROCESS = "POINT_PROCESS"
    ARTIFICIAL_CELL = "ARTIFICIAL_CELL"


@dataclass(frozen=True)
class Symbol:
    name: str
    kind: Kind
    span: Optional[Span] = None
    decl: Optional[A.Node] = None
    size: Optional[int] = None
    value: Optional[float] = None
    unit: Optional[str] = None
    ion: Optional[str] = None


@dataclass(frozen=True)
class IonUse:
    ion: str
    read: tuple
    write: tuple
    valence: Optional[float]
    span: Span


@dataclass(frozen=True)
class Notice:
    message: str
    span: Optional[Span] = None

    def render(self) -> str:
        where = f"{self.span}: " if self.span else ""
        return f"{where}notice: {self.message}"


@dataclass(frozen=True)
class SolveInfo:
    stmt: A.Solve
    block: A.CodeBlock
    method: Optional[str]          # the method actually used (cnexp may become derivimplicit)
    steadystate: Optional[str]
    where: str                     # "BREAKPOINT" | "INITIAL" | ...
    cnexp: tuple = ()              # CnexpForm per equation when method is cnexp


@dataclass
class CheckedMod:
    mod: A.ModFile
    name: str
    kind: MechKind
    symbols: dict
    ions: tuple
    range_names: tuple
    global_names: tuple
    pointers: tuple
    nonspecific: tuple
    electrode: tuple
    threadsafe: bool
    blocks: dict                   # name -> CodeBlock (PROCEDURE, FUNCTION, DERIVATIVE, ...)
    initial: Optional[A.CodeBlock]
    breakpoint: Optional[A.CodeBlock]
    net_receive: Optional[A.CodeBlock]
    solves: tuple
    unit_constants: dict
    defines: dict
    notices: list = field(default_factory=list)
    dropped_verbatim: tuple = ()
    #: LEGACY_RANDOM_PROCEDURES this mod defines with VERBATIM C: name -> its RANDOM variable
    legacy_random: dict = field(default_factory=dict)

    def of_kind(self, kind: Kind) -> list:
        return [s for s in self.symbols.values() if s.kind is kind]


MATH_FUNCTIONS = {
    "exp": 1, "log": 1, "log10": 1, "fabs": 1, "sqrt": 1, "sin": 1, "cos": 1, "tan": 1,
    "asin": 1, "acos": 1, "atan": 1, "atan2": 2, "sinh": 1, "cosh": 1, "tanh": 1,
    "floor": 1, "ceil": 1, "fmod": 2, "pow": 2, "erf": 1,
}
# C functions nocmodl does not declare (so nrnivmodl's C compile fails on them): a clear error
NOT_NMODL_FUNCTIONS = {
    "erfc": "NEURON's NMODL has no erfc (nocmodl leaves it undeclared and the C compile of "
            "the mod fails); write 1 - erf(x), or define FUNCTION erfc in the mod",
}
# other functions nocmodl knows (extdef*.h); accepted here, may fail at code generation
OTHER_FUNCTIONS = {
    "printf", "prterr", "error", "first_time", "f_flux", "b_flux", "threshold", "exprand",
    "normrand", "unirand", "poisrand", "poisson", "gauss", "factorial", "set_seed", "setseed",
    "scop_random", "sigmoid", "revsigmoid", "hyperbol", "revhyperbol", "harmonic", "squarewave",
    "sawtooth", "revsawtooth", "ramp", "pulse", "perpulse", "step", "perstep", "boundary",
    "nrn_pointing", "state_discontinuity", "net_send", "net_move", "net_event", "at_time",
    "nrn_ghk", "nrn_random_play", "random_setseq", "random_setids", "random_uniform",
    "random_negexp", "random_normal", "random_ipick", "random_dpick", "random_logistic",
    "random_exp", "fabs", "hoc_execerror", "nrn_netrec_state_adjust",
}
#: NMODL's functions of a RANDOM variable (NEURON 9): the numbers of arguments after it
RANDOM_FUNCTIONS = {"random_setseq": (1,), "random_setids": (3,), "random_uniform": (0, 2),
                    "random_negexp": (0, 1), "random_normal": (0, 2), "random_ipick": (0,),
                    "random_dpick": (0,)}
#: PROCEDUREs whose body is only VERBATIM C that hocx knows (NEURON 9's netstim.mod legacy
#: Random123 API); in a mod with one RANDOM variable, they become built-in methods on it
LEGACY_RANDOM_PROCEDURES = ("noiseFromRandom123", "noiseFromRandom")
BUILTIN_VARIABLES = {"v", "t", "dt", "celsius", "diam", "area", "PI", "secondorder", "flag",
                     "f_flux", "b_flux", "nrn_threads", "DEBUG"}
STANDARD_IONS = ("na", "k", "ca")
KNOWN_METHODS = {"cnexp", "derivimplicit", "euler", "runge", "sparse", "adams", "gear", "newton",
                 "simeq", "seidel", "heun", "adrunge", "clsoda", "after_cvode", "cvode_t",
                 "cvode_t_v", "cvode_v", "_advance", "crank", "simplex", "lsoda"}
_SOLVABLE = {"DERIVATIVE", "KINETIC", "LINEAR", "NONLINEAR", "PROCEDURE", "DISCRETE", "PARTIAL"}


def ion_variables(ion: str) -> tuple:
    return (f"{ion}i", f"{ion}o", f"e{ion}", f"i{ion}", f"di{ion}_dv")


def _err(msg: str, span: Span | None, mod: A.ModFile, hint: str | None = None) -> NmodlError:
    return NmodlError(msg, span, hint=hint, source_line=_source_line(mod, span))


def _source_line(mod: A.ModFile, span: Span | None) -> str | None:
    if span is None:
        return None
    text = mod.text if span.file == mod.path else _read(span.file)
    if text is None:
        return None
    lines = text.splitlines()
    return lines[span.line - 1] if 0 < span.line <= len(lines) else None


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read()
    except OSError:
        return None


def _trivial_verbatim(text: str) -> bool:
    body = " ".join(text.split())
    return body in ("return 0;", "return 0 ;", "")


def check_mod(mod: A.ModFile) -> CheckedMod:
    """Check ``mod`` and build its symbol table; raises ``NmodlError`` on the first error."""
    try:
        return _Checker(mod).run()
    except RecursionError:
        raise NmodlError("an expression or block is nested too deeply to check",
                         mod.span) from None


class _Checker:
    def __init__(self, mod: A.ModFile):
        self.mod = mod
        self.symbols: dict[str, Symbol] = {}
        self.notices: list[Notice] = []
        self.dropped: list[A.Verbatim] = []
        self.legacy_random: dict[str, str] = {}
        self.ions: list[IonUse] = []
        self.ion_of: dict[str, tuple[IonUse, str]] = {}   # var -> (use, "read"/"write"/"both")
        self.blocks: dict[str, A.CodeBlock] = {}
        self.defines: dict[str, int] = {}
        self._warned: set[str] = set()

    def err(self, msg, span, hint=None):
        return _err(msg, span, self.mod, hint)

    # ------------------------------------------------------------------ driver
    def run(self) -> CheckedMod:
        items = list(self.mod.flat_items())
        for it in items:
            if isinstance(it, A.Verbatim):
                self._verbatim(it, "at the top level of the file")
        neuron = [it for it in items if isinstance(it, A.NeuronBlock)]
        name, kind, nb = self._neuron(neuron)
        units = [d for it in items if isinstance(it, A.UnitsBlock) for d in it.defs]
        table = UnitTable()
        try:
            consts = unit_factors(units, table)
        except HocError as e:
            if e.source_line is None:
                e.source_line = _source_line(self.mod, e.span)
            raise
        for it in items:
            self._declare(it, consts)
        for n, span in nb["_decl_checks"]:
            if n not in self.symbols:
                raise self.err(f"'{n}' is named in the NEURON block but never declared", span,
                               hint="declare it in PARAMETER, ASSIGNED or STATE")
        initial = breakpoint = net_receive = None
        solves: list[SolveInfo] = []
        for it in items:
            if isinstance(it, A.CodeBlock):
                if it.keyword == "INITIAL":
                    initial = it
                elif it.keyword == "BREAKPOINT":
                    breakpoint = it
                elif it.keyword == "NET_RECEIVE":
                    net_receive = it
                self._code(it, solves)
        return CheckedMod(
            mod=self.mod, name=name, kind=kind, symbols=self.symbols, ions=tuple(self.ions),
            range_names=tuple(nb["RANGE"]), global_names=tuple(nb["GLOBAL"]),
            pointers=tuple(nb["POINTER"]), nonspecific=tuple(nb["NONSPECIFIC_CURRENT"]),
            electrode=tuple(nb["ELECTRODE_CURRENT"]), threadsafe=nb["THREADSAFE"],
            blocks=self.blocks, initial=initial, breakpoint=breakpoint, net_receive=net_receive,
            solves=tuple(solves), unit_constants=consts, defines=self.defines,
            notices=self.notices, dropped_verbatim=tuple(self.dropped),
            legacy_random=dict(self.legacy_random))

    # ------------------------------------------------------------------ NEURON block
    def _neuron(self, blocks):
        nb = {"RANGE": [], "GLOBAL": [], "POINTER": [], "NONSPECIFIC_CURRENT": [],
              "ELECTRODE_CURRENT": [], "THREADSAFE": False, "_decl_checks": [], "EXTERNAL": [],
              "BBCOREPOINTER": [], "RANDOM": []}
        suffix: A.Suffix | None = None
        for b in blocks:
            for st in b.stmts:
                if isinstance(st, A.Suffix):
                    if suffix is not None:
                        raise self.err(f"a second {st.kind} ({st.name}); the mechanism is already "
                                       f"named {suffix.name}", st.span)
                    suffix = st
                elif isinstance(st, A.UseIon):
                    use = st
                    self.ions.append(use)
                    for n in use.read:
                        self.ion_of[n] = (use, "read")
                    for n in use.write:
                        prev = self.ion_of.get(n)
                        self.ion_of[n] = (use, "both" if prev and prev[0] is use else "write")
                    valid = set(ion_variables(use.ion))
                    for n in use.read + use.write:
                        if n not in valid:
                            raise self.err(f"'{n}' is not a variable of ion {use.ion} "
                                           f"(expected one of {', '.join(ion_variables(use.ion)[:4])})",
                                           use.span)
                elif isinstance(st, A.NameList):
                    if st.keyword == "THREADSAFE":
                        nb["THREADSAFE"] = True
                        continue
                    nb[st.keyword].extend(st.names)
                    if st.keyword in ("RANGE", "GLOBAL", "NONSPECIFIC_CURRENT", "ELECTRODE_CURRENT"):
                        nb["_decl_checks"].extend(
                            (n, sp) for n, sp in zip(st.names, st.name_spans)
                            if st.keyword in ("RANGE", "GLOBAL"))
                elif isinstance(st, A.Verbatim):
                    self._verbatim(st, "in the NEURON block")
        if suffix is None:
            span = blocks[0].span if blocks else Span(self.mod.path, 1, 1)
            raise self.err("the mod file names no mechanism: no SUFFIX, POINT_PROCESS or "
                           "ARTIFICIAL_CELL", span,
                           hint="add a NEURON block, e.g. NEURON { SUFFIX mychan }")
        kind = {"SUFFIX": MechKind.DENSITY, "POINT_PROCESS": MechKind.POINT_PROCESS,
                "ARTIFICIAL_CELL": MechKind.ARTIFICIAL_CELL}[suffix.kind]
        for n in nb["NONSPECIFIC_CURRENT"] + nb["ELECTRODE_CURRENT"]:
            self._add(Symbol(n, Kind.ASSIGNED, blocks[0].span))
        for n in nb["POINTER"] + nb["BBCOREPOINTER"]:
            self._add(Symbol(n, Kind.POINTER, blocks[0].span))
        for n in nb["RANDOM"]:
            self._add(Symbol(n, Kind.RANDOM, blocks[0].span))
        for n in nb["EXTERNAL"]:
            self._add(Symbol(n, Kind.BUILTIN, blocks[0].span))
        for use in self.ions:
            for n in use.read + use.write:
                self._add(Symbol(n, Kind.ION, use.span, ion=use.ion))
        return suffix.name, kind, nb

    def _add(self, sym: Symbol, replace: bool = True):
        old = self.symbols.get(sym.name)
        if old is not None and old.kind is Kind.ION and sym.kind in (Kind.ASSIGNED, Kind.STATE,
                                                                       Kind.PARAMETER):
            # an ion variable also declared in ASSIGNED/STATE keeps its ion, gets the decl
            self.symbols[sym.name] = Symbol(sym.name, Kind.ION, sym.span, sym.decl, sym.size,
                                            sym.value, sym.unit, old.ion)
            return
        if old is not None and old.kind in (Kind.FUNCTION, Kind.PROCEDURE) and \
                sym.kind in (Kind.FUNCTION, Kind.PROCEDURE):
            raise self.err(f"{sym.name} is defined twice (first at {old.span})", sym.span)
        if old is None or replace:
            self.symbols[sym.name] = sym

    def _size(self, size, span):
        if size is None or isinstance(size, int):
            return size
        if size in self.defines:
            return self.defines[size]
        raise self.err(f"array size '{size}' is not a DEFINEd integer", span)

    # ------------------------------------------------------------------ declarations
    def _declare(self, it, consts):
        if isinstance(it, A.Define):
            self.defines[it.name] = it.value
            self._add(Symbol(it.name, Kind.DEFINE, it.span, it, value=float(it.value)))
        elif isinstance(it, A.UnitsBlock):
            for d in it.defs:
                if isinstance(d, A.UnitFactor):
                    self._add(Symbol(d.name, Kind.UNIT_CONSTANT, d.span, d, value=consts[d.name]))
        elif isinstance(it, A.DeclBlock):
            kind = {"PARAMETER": Kind.PARAMETER, "CONSTANT": Kind.CONSTANT,
                    "ASSIGNED": Kind.ASSIGNED, "STATE": Kind.STATE,
                    "INDEPENDENT": Kind.INDEPENDENT}[it.keyword]
            for d in it.decls:
                if kind is Kind.INDEPENDENT:
                    continue   # `t` (or another name) -- always our t
                size = self._size(d.size, d.span)
                self._add(Symbol(d.name, kind, d.span, d, size, d.value, d.unit,
                                 self.symbols[d.name].ion if d.name in self.symbols
                                 and self.symbols[d.name].kind is Kind.ION else None))
        elif isinstance(it, A.Local):
            for lv in it.names:
                self._add(Symbol(lv.name, Kind.LOCAL, lv.span, lv, self._size(lv.size, lv.span)))
        elif isinstance(it, A.CodeBlock):
            if it.name is not None:
                kind = {"FUNCTION": Kind.FUNCTION, "PROCEDURE": Kind.PROCEDURE,
                        "FUNCTION_TABLE": Kind.FUNCTION_TABLE}.get(it.keyword)
                if it.name in self.blocks:
                    first = self.blocks[it.name]
                    raise self.err(f"{it.name} is defined twice (first at {first.span})",
                                   it.name_span or it.span)
                self.blocks[it.name] = it
                if kind is not None:
                    self._add(Symbol(it.name, kind, it.name_span or it.span, it, size=len(it.args)))

    # ------------------------------------------------------------------ code
    def _verbatim(self, vb: A.Verbatim, where: str):
        if _trivial_verbatim(vb.text):
            self.dropped.append(vb)
            return
        raise self.err(f"VERBATIM C code cannot be translated ({where}, "
                       f"{os.path.basename(vb.span.file)} "
                       f"line {vb.span.line})", vb.span,
                       hint="hocx turns NMODL into JAX; raw C in VERBATIM ... ENDVERBATIM has no "
                            "translation. Rewrite the block in NMODL statements (only a "
                            "VERBATIM block that is just 'return 0;' is dropped)")

    def _legacy_random(self, blk: A.CodeBlock) -> bool:
        """A LEGACY_RANDOM_PROCEDURES PROCEDURE of only VERBATIM C (NEURON's netstim.mod
        ``noiseFromRandom123``) in a mod with exactly one RANDOM variable: hocx gives it
        NEURON's meaning on that variable (:mod:`hocx.interp.random123`)."""
        if blk.keyword != "PROCEDURE" or blk.name not in LEGACY_RANDOM_PROCEDURES:
            return False
        stmts = [st for st in blk.body.stmts if not isinstance(st, A.Local)]
        if not stmts or not all(isinstance(st, A.Verbatim) for st in stmts):
            return False
        rans = [s.name for s in self.symbols.values() if s.kind is Kind.RANDOM]
        if len(rans) != 1:
            return False
        self.legacy_random[blk.name] = rans[0]
        return True

    def _code(self, blk: A.CodeBlock, solves: list):
        where = blk.keyword if blk.name is None else f"{blk.keyword} {blk.name}"
        scope: set[str] = {a.name for a in blk.args}
        if blk.keyword == "NET_RECEIVE":
            scope.add("flag")
        if blk.keyword == "FUNCTION":
            scope.add(blk.name)
        if blk.body is None:
            return
        if self._legacy_random(blk):
            return
        ctx = {"where": where, "block": blk}
        self._stmts(blk.body.stmts, scope, ctx, solves)

    def _stmts(self, stmts, scope, ctx, solves):
        scope = set(scope)
        for st in stmts:          # LOCALs anywhere in a block are visible in the whole block
            if isinstance(st, A.Local):
                scope.update(lv.name for lv in st.names)
        for st in stmts:
            self._stmt(st, scope, ctx, solves)

    def _stmt(self, st, scope, ctx, solves):
        blk: A.CodeBlock = ctx["block"]
        if isinstance(st, A.Block):
            self._stmts(st.stmts, scope, ctx, solves)
        elif isinstance(st, A.Assign):
            self._expr(st.value, scope, ctx)
            self._target(st.target, scope, ctx)
        elif isinstance(st, A.ExprStmt):
            self._expr(st.expr, scope, ctx)
        elif isinstance(st, A.Local):
            pass
        elif isinstance(st, A.If):
            self._expr(st.cond, scope, ctx)
            self._stmt(st.then, scope, ctx, solves)
            if st.orelse is not None:
                self._stmt(st.orelse, scope, ctx, solves)
        elif isinstance(st, A.While):
            self._expr(st.cond, scope, ctx)
            self._stmt(st.body, scope, ctx, solves)
        elif isinstance(st, A.FromLoop):
            self._expr(st.start, scope, ctx)
            self._expr(st.stop, scope, ctx)
            if st.by is not None:
                self._expr(st.by, scope, ctx)
            self._stmt(st.body, scope | {st.var}, ctx, solves)
        elif isinstance(st, A.Solve):
            solves.append(self._solve(st, ctx))
        elif isinstance(st, (A.Reaction, A.Flux, A.Conserve)):
            if blk.keyword != "KINETIC":
                raise self.err(f"a reaction statement is only allowed in a KINETIC block, "
                               f"not in {ctx['where']}", st.span)
            reactants = (st.lhs + st.rhs) if isinstance(st, A.Reaction) else \
                (st.target,) if isinstance(st, A.Flux) else st.terms
            for r in reactants:
                self._state_ref(r.name, r.span, ctx, r.index, scope)
            exprs = [st.kf, st.kb] if isinstance(st, A.Reaction) else [st.value]
            for e in exprs:
                if e is not None:
                    self._expr(e, scope, ctx)
        elif isinstance(st, A.Compartment):
            inner = scope | ({st.index} if st.index else set())
            self._expr(st.volume, inner, ctx)
            for n in st.names:
                self._state_ref(n, st.span, ctx, None, scope)
        elif isinstance(st, A.Table):
            if blk.keyword not in ("FUNCTION", "PROCEDURE"):
                raise self.err("TABLE is only allowed in a FUNCTION or PROCEDURE", st.span)
            for n in st.names + st.depend:
                if n not in self.symbols and n not in BUILTIN_VARIABLES:
                    raise self.err(f"TABLE names an undeclared variable '{n}'", st.span,
                                   hint=self._hint(n, scope))
            self._expr(st.start, scope, ctx)
            self._expr(st.stop, scope, ctx)
        elif isinstance(st, A.Verbatim):
            self._verbatim(st, f"in {ctx['where']}")
        elif isinstance(st, A.Watch):
            for w in st.items:
                self._expr(w.cond, scope, ctx)
        elif isinstance(st, A.ForNetcons):
            self._stmt(st.body, scope | {a.name for a in st.args}, ctx, solves)
        elif isinstance(st, A.InitialStmt) or (isinstance(st, A.CodeBlock) and st.keyword == "INITIAL"):
            body = st.body
            self._stmt(body, scope, ctx, solves)
        elif isinstance(st, A.Protect):
            self._stmt(st.assign, scope, ctx, solves)
        elif isinstance(st, A.Equation):
            self._expr(st.lhs, scope, ctx)
            self._expr(st.rhs, scope, ctx)
        elif isinstance(st, A.Lag):
            self._name(A.Name(st.span, st.name), scope, ctx)
        # UnitsToggle, Mutex: nothing to check

    def _state_ref(self, name, span, ctx, index, scope):
        sym = self.symbols.get(name)
        if sym is None:
            raise self.err(f"unknown variable '{name}' in {ctx['where']}", span,
                           hint=self._hint(name, scope))
        if sym.kind in (Kind.FUNCTION, Kind.PROCEDURE, Kind.FUNCTION_TABLE):
            raise self.err(f"'{name}' is a {sym.kind.value}, not a variable; a reaction or "
                           f"COMPARTMENT names variables", span)
        # a non-STATE in a reaction (a PARAMETER, an ion concentration) is a constant there
        if index is not None:
            self._expr(index, scope, ctx)

    def _declared_state(self, name) -> bool:
        for it in self.mod.flat_items():
            if isinstance(it, A.DeclBlock) and it.keyword == "STATE":
                if any(d.name == name for d in it.decls):
                    return True
        return False

    def _solve(self, st: A.Solve, ctx) -> SolveInfo:
        blk = self.blocks.get(st.block)
        if blk is None or blk.keyword not in _SOLVABLE:
            names = [n for n, b in self.blocks.items() if b.keyword in _SOLVABLE]
            what = "no such block" if blk is None else f"{st.block} is a {blk.keyword}"
            raise self.err(f"SOLVE {st.block}: {what}", st.block_span or st.span,
                           hint=(f"did you mean {suggest(st.block, names)}?"
                                 if suggest(st.block, names) else
                                 "SOLVE names a DERIVATIVE, KINETIC, LINEAR, NONLINEAR or "
                                 "PROCEDURE block"))
        method = st.method or st.steadystate
        if method is not None and method not in KNOWN_METHODS:
            hint = suggest(method, KNOWN_METHODS)
            raise self.err(f"unknown integration method '{method}'", st.span,
                           hint=f"did you mean {hint}?" if hint else
                           "use cnexp, derivimplicit, euler or sparse")
        forms: list[CnexpForm] = []
        used = st.method
        if st.method == "cnexp":
            if blk.keyword != "DERIVATIVE":
                raise self.err(f"METHOD cnexp needs a DERIVATIVE block; {st.block} is a "
                               f"{blk.keyword}", st.span)
            forms = self.cnexp_forms(blk)
            if any(f.kind == "derivimplicit" for f in forms):
                used = "derivimplicit"
                self.notices.append(Notice(
                    f"Could not translate {st.block} using cnexp method; using derivimplicit "
                    f"(as nocmodl does)", st.span))
                forms = []
            else:
                for f in forms:
                    if f.nonlinear:
                        self.notices.append(Notice(
                            f"warning: {f.message}. NEURON does this silently; hocx reproduces "
                            f"it so results match", f.deriv.span if f.deriv else st.span))
        if st.method == "sparse" and blk.keyword != "KINETIC":
            raise self.err(f"METHOD sparse needs a KINETIC block; {st.block} is a {blk.keyword}",
                           st.span)
        return SolveInfo(st, blk, used, st.steadystate, ctx["where"], tuple(forms))

    def cnexp_forms(self, blk: A.CodeBlock) -> list[CnexpForm]:
        out = []
        for st in _walk_stmts(blk.body.stmts):
            if isinstance(st, A.Assign) and isinstance(st.target, A.Prime):
                out.append(cnexp_form(st.target.name, st.value))
        return out

    # ------------------------------------------------------------------ names
    def _target(self, tgt, scope, ctx):
        blk: A.CodeBlock = ctx["block"]
        if isinstance(tgt, A.Prime):
            if blk.keyword != "DERIVATIVE":
                raise self.err(f"{tgt.name}' (a derivative) is only allowed in a DERIVATIVE block",
                               tgt.span)
            sym = self.symbols.get(tgt.name)
            if sym is None or not (sym.kind is Kind.STATE or
                                   (sym.kind is Kind.ION and self._declared_state(tgt.name))):
                raise self.err(f"{tgt.name}' : '{tgt.name}' is not a STATE", tgt.span,
                               hint=f"declare {tgt.name} in the STATE block")
            return
        self._name(tgt, scope, ctx, write=True)

    def _name(self, n: A.Name, scope, ctx, write=False):
        if n.index is not None:
            self._expr(n.index, scope, ctx)
        name = n.name
        if name in scope:
            return
        sym = self.symbols.get(name)
        if sym is None:
            if name in BUILTIN_VARIABLES:
                return
            ion = self._ion_name(name)
            if ion is not None:
                verb = "writes" if write else "reads"
                rw = "WRITE" if write else "READ"
                raise self.err(f"{ctx['where']} {verb} the ion variable '{name}' but the mod "
                               f"has no USEION {ion}", n.span,
                               hint=f"add 'USEION {ion} {rw} {name}' to the NEURON block")
            raise self.err(f"unknown variable '{name}' in {ctx['where']}", n.span,
                           hint=self._hint(name, scope))
        if sym.kind is Kind.RANDOM and not ctx.get("random_arg"):
            raise self.err(f"the RANDOM variable {name} is not a number: pass it to "
                           f"random_negexp({name}), random_uniform({name}), ... (in "
                           f"{ctx['where']})", n.span)
        if sym.kind in (Kind.FUNCTION, Kind.PROCEDURE, Kind.FUNCTION_TABLE):
            if not (sym.kind is Kind.FUNCTION and name == getattr(ctx["block"], "name", None)):
                raise self.err(f"{name} is a {sym.kind.value}; call it as {name}(...)", n.span)
        if write and sym.kind is Kind.ION:
            use, how = self.ion_of[name]
            if how == "read" and name == f"i{use.ion}":
                raise self.err(f"{ctx['where']} writes the ion current '{name}' but USEION "
                               f"{use.ion} only READs it", n.span,
                               hint=f"write 'USEION {use.ion} ... WRITE {name}'")
            if how == "read" and name.startswith("e"):
                self.notices.append(Notice(f"{name} is assigned but USEION {use.ion} only "
                                           f"READs it: the assignment stays local", n.span))
        if write and sym.kind in (Kind.ASSIGNED, Kind.PARAMETER, Kind.STATE):
            ion = self._ion_name(name)
            if ion is not None and name == f"i{ion}" and name not in self._warned:
                self._warned.add(name)
                self.notices.append(Notice(
                    f"warning: {name} is assigned but the mod has no USEION {ion} WRITE {name}: "
                    f"NEURON treats it as a private variable that adds nothing to the {ion} "
                    f"current (no error from nocmodl)", n.span))
        if write and sym.kind in (Kind.CONSTANT, Kind.UNIT_CONSTANT, Kind.DEFINE):
            raise self.err(f"cannot assign to {name}, a {sym.kind.value}", n.span)

    def _ion_name(self, name) -> str | None:
        ions = {u.ion for u in self.ions} | set(STANDARD_IONS)
        for ion in sorted(ions, key=len, reverse=True):
            if name in ion_variables(ion):
                return ion
        return None

    def _hint(self, name, scope) -> str | None:
        cands = set(self.symbols) | set(scope) | BUILTIN_VARIABLES
        s = suggest(name, cands)
        if s:
            return f"did you mean '{s}'?"
        if name in ("FARADAY", "R"):
            return {"FARADAY": "define it in UNITS: FARADAY = (faraday) (coulomb)",
                    "R": "define it in UNITS: R = (k-mole) (joule/degC)"}[name]
        return "declare it in PARAMETER, ASSIGNED, STATE or LOCAL"

    def _expr(self, e, scope, ctx):
        if e is None:
            return
        if isinstance(e, A.Name):
            self._name(e, scope, ctx)
        elif isinstance(e, A.Prime):
            sym = self.symbols.get(e.name)
            if sym is None:
                raise self.err(f"unknown variable '{e.name}' in {ctx['where']}", e.span)
        elif isinstance(e, A.Call):
            self._call(e, scope, ctx)
        elif isinstance(e, A.Unary):
            self._expr(e.operand, scope, ctx)
        elif isinstance(e, A.Binary):
            self._expr(e.left, scope, ctx)
            self._expr(e.right, scope, ctx)

    def _random_call(self, c: A.Call, ctx):
        """``random_negexp(r)`` ...: the first argument is a RANDOM variable, the count of
        the others one NEURON 9 knows."""
        first = c.args[0] if c.args else None
        sym = self.symbols.get(first.name) if isinstance(first, A.Name) else None
        if sym is None or sym.kind is not Kind.RANDOM:
            raise self.err(f"{c.name}'s first argument must be a RANDOM variable (in "
                           f"{ctx['where']})", c.span,
                           hint="declare it with 'RANDOM name' in the NEURON block")
        want = RANDOM_FUNCTIONS[c.name]
        if len(c.args) - 1 not in want:
            counts = " or ".join(str(n + 1) for n in want)
            raise self.err(f"{c.name} takes {counts} arguments, {len(c.args)} given", c.span)

    def _call(self, c: A.Call, scope, ctx):
        sym = self.symbols.get(c.name)
        nargs = len(c.args)
        for i, a in enumerate(c.args):
            if isinstance(a, A.Str):
                continue
            if i == 0 and c.name in RANDOM_FUNCTIONS and isinstance(a, A.Name):
                self._expr(a, scope, {**ctx, "random_arg": True})
            else:
                self._expr(a, scope, ctx)
        if sym is not None and sym.kind in (Kind.FUNCTION, Kind.PROCEDURE, Kind.FUNCTION_TABLE):
            if sym.size is not None and nargs != sym.size:
                raise self.err(f"{c.name} takes {sym.size} argument{'s' if sym.size != 1 else ''}"
                               f", {nargs} given", c.span)
            return
        if sym is not None:
            raise self.err(f"'{c.name}' is a {sym.kind.value}, not a function", c.span)
        if c.name in MATH_FUNCTIONS:
            want = MATH_FUNCTIONS[c.name]
            if nargs != want:
                raise self.err(f"{c.name} takes {want} argument{'s' if want != 1 else ''}, "
                               f"{nargs} given", c.span)
            return
        if c.name in RANDOM_FUNCTIONS:
            self._random_call(c, ctx)
            return
        if c.name in OTHER_FUNCTIONS:
            return
        if c.name in NOT_NMODL_FUNCTIONS:
            raise self.err(f"{c.name}() is not an NMODL function (in {ctx['where']})", c.span,
                           hint=NOT_NMODL_FUNCTIONS[c.name])
        cands = [n for n, s in self.symbols.items()
                 if s.kind in (Kind.FUNCTION, Kind.PROCEDURE)] + list(MATH_FUNCTIONS)
        s = suggest(c.name, cands)
        raise self.err(f"unknown function '{c.name}' in {ctx['where']}", c.span,
                       hint=f"did you mean '{s}'?" if s else
                       "define it as a FUNCTION or PROCEDURE in this file")


def _walk_stmts(stmts):
    for st in stmts:
        yield st
        for kid in ("then", "orelse", "body"):
            sub = getattr(st, kid, None)
            if isinstance(sub, A.Block):
                yield from _walk_stmts(sub.stmts)
            elif isinstance(sub, A.Stmt):
                yield from _walk_stmts((sub,))
        if isinstance(st, A.Block):
            yield from _walk_stmts(st.stmts)
