"""A KINETIC block rewritten into ordinary statements, exactly as nocmodl (src/nocmodl/kinetic.cpp) builds
the sparse system -- so H1's code generator compiles it like any other block body.

:func:`rewrite` takes the block's AST and returns a :class:`KineticRewrite`: a new ``body``
(a ``Block`` of plain ``Local``/``Assign``/``If``/``FromLoop``/call statements; every ``~``
reaction, ``<<`` flux, CONSERVE and COMPARTMENT is replaced) and the system's layout.  The body
computes, for the states it is given (the current Newton iterate, read from ``s`` as usual),
these LOCAL arrays (Python lists of per-instance values in generated code, Python int indices)::

    _kF[n]       flux into each unknown, nocmodl's _RHS contributions (vol * dx/dt = F), for
                 EVERY row (also the rows CONSERVE replaces, so F/V is the CVode derivative)
    _kJ[n*n]     nocmodl's _MATELM contributions of the reactions, row-major (row*n + col):
                 d(outflux)/dx with every rate expression frozen; ``<<`` fluxes add nothing
                 (nocmodl's quirk: a state-dependent ``<<`` flux is not in the Jacobian)
    _kV[n]       the COMPARTMENT volume of each unknown (1 where none), evaluated at the top
                 of the block, where nocmodl evaluates it
    _kC[ncons]   the right-hand side of each CONSERVE row: total - sum(stoich*vol*x)
    _kCJ[ncons*n] that row of the matrix: stoich*vol in the conserved states' columns

plus any other variable the block assigns (``cai = ca[0]``) as usual.  The compiled function
(H1) returns them as the :class:`hocx.spec.kinetic.KineticSpec` ``system`` function does:
``{"_kF": list, "_kJ": list, "_kV": list, "_kC": list, "_kCJ": list, <assigned>: value}``.
Unknown ``i`` is ``unknowns[i]`` = (state, element or None); rows ``0..ncons-1`` are the
CONSERVE rows (nocmodl's diagonals-first numbering).

nocmodl details reproduced: the rate text is followed by the reactant factors by plain text
concatenation, so ``~ A <-> B (a + b, c)`` has the forward flux ``a + b*A`` (NEURON's silent
bug; a notice says so, and when the mod text is given a parenthesised ``(a + b)`` is kept);
reactant lists are in reverse source order (``~ cai + B <-> CaB (kf, kb)``:
``f_flux = kf*B*cai``); ``linflag`` is 0 as soon as one side of one reaction has a total
stoichiometry >= 2 (non-state factors included), else 1; CONSERVE statements claim their rows
last statement first, each the last scalar state written in it not claimed yet; the remaining
unknowns follow in nocmodl's symbol-table order (first letter's ASCII code, then most recently
installed first: ``first_seen`` gives each name's position of first use in the file; by
default the STATE declaration order).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from ...errors import HocError, Span
from ...syntax.nmodl import ast as A

#: names of the locals the rewritten body fills (also the keys its compiled function returns)
F, J, V, C, CJ = "_kF", "_kJ", "_kV", "_kC", "_kCJ"
#: scratch locals (scalars)
FF, BF, TERM = "_kff", "_kbf", "_kterm"

_LOW_PRECEDENCE = {"+", "-", "<", "<=", ">", ">=", "==", "!=", "&&", "||"}


class KineticError(HocError):
    """A KINETIC block nocmodl would refuse."""

    kind = "nmodl error"


@dataclass(frozen=True)
class KineticRewrite:
    """The rewritten block and the layout of its system (see the module docstring)."""

    body: A.Block
    unknowns: tuple
    ncons: int
    linflag: bool
    #: state name -> index of its first unknown
    offsets: Mapping[str, int]
    #: nocmodl-like messages (the rate concatenation quirk)
    notices: tuple = ()
    #: the keys the compiled body must return
    outputs: tuple = (F, J, V, C, CJ)
    name: str = ""

    @property
    def size(self) -> int:
        return len(self.unknowns)


# ------------------------------------------------------------------------------- AST helpers
def _num(span, x) -> A.Num:
    return A.Num(span, float(x), repr(int(x)) if float(x).is_integer() else repr(float(x)))


def _name(span, n, index=None) -> A.Name:
    return A.Name(span, n, index)


def _bin(span, op, a, b) -> A.Binary:
    return A.Binary(span, op, a, b)


def _plus(span, off: int, idx):
    """``off + idx`` (``idx`` None: the constant ``off``)."""
    if idx is None:
        return _num(span, off)
    return _bin(span, "+", _num(span, off), idx)


def _assign(span, target, value) -> A.Assign:
    return A.Assign(span, target, value)


def _acc(span, arr, idx, op, value) -> A.Assign:
    """``arr[idx] = arr[idx] op value``."""
    return _assign(span, _name(span, arr, idx), _bin(span, op, _name(span, arr, idx), value))


def _attach(e, factors, parenthesised) -> A.Expr:
    """The expression C gets from the text ``<e> * f1 * f2 ...`` (nocmodl concatenates
    text, so an unparenthesised ``a + b`` becomes ``a + b*f1*f2``)."""
    if not parenthesised and isinstance(e, A.Binary) and e.op in _LOW_PRECEDENCE:
        return A.Binary(e.span, e.op, e.left, _attach(e.right, factors, False))
    for f in factors:
        e = _bin(e.span, "*", e, f)
    return e


def _low(e) -> bool:
    return isinstance(e, A.Binary) and e.op in _LOW_PRECEDENCE


# --------------------------------------------------------------------------------- rewriting
@dataclass
class _Ctx:
    states: Mapping[str, "int | None"]
    offsets: dict
    n: int
    ncons: int
    vol: dict = field(default_factory=dict)      # state -> (index var or None, expr)
    cons_rows: dict = field(default_factory=dict)   # id(Conserve) -> row
    text: "str | Mapping[str, str] | None" = None
    notices: list = field(default_factory=list)

    def lines(self, file):
        if self.text is None:
            return None
        if isinstance(self.text, str):
            return self.text.splitlines()
        src = self.text.get(file)
        return None if src is None else src.splitlines()

    def is_state(self, name) -> bool:
        return name in self.states


def rewrite(block: A.CodeBlock, states: Mapping[str, "int | None"], *,
            first_seen: Mapping[str, int] | None = None,
            text: "str | Mapping[str, str] | None" = None) -> KineticRewrite:
    """Rewrite the KINETIC ``block``; ``states``: every STATE of the mod, name -> array size
    (None: scalar), in declaration order; ``text``: the mod file's text, or file -> text for
    INCLUDEd files (to see the parentheses around a rate: without it ``((a + b), kb)`` is
    read as NEURON reads ``(a + b, kb)``); ``first_seen``: position of each name's first use in the file."""
    body = block.body
    reactions, conserves, compartments = [], [], []
    _collect(body.stmts, reactions, conserves, compartments)

    # -- which states are unknowns (nocmodl: used in a reaction or a CONSERVE)
    used: list[str] = []

    def use(r):
        if r.name in states and r.name not in used:
            used.append(r.name)
    for c in conserves:
        for r in c.terms:
            use(r)
            if r.name not in states:
                raise KineticError(f"{r.name}: only (solved) STATE are allowed in CONSERVE "
                                   f"equations", r.span)
    for rx in reactions:
        if isinstance(rx, A.Flux):
            if rx.target.name not in states:
                raise KineticError(f"{rx.target.name} must be (solved) STATE in flux reaction",
                                   rx.target.span)
            use(rx.target)
        else:
            for r in tuple(rx.lhs) + tuple(rx.rhs):
                use(r)
    if not used:
        raise KineticError("KINETIC contains no reactions", block.span)

    # -- numbering: CONSERVE diagonals first (last statement first, last term first)
    offsets: dict[str, int] = {}
    count = 0
    cons_rows = {}
    for c in reversed(conserves):
        for r in reversed(c.terms):
            if r.name not in offsets and states.get(r.name) is None:
                offsets[r.name] = count
                cons_rows[id(c)] = count
                count += 1
                break
        else:
            raise KineticError("Failed to diagonalize the Kinetic matrix", c.span,
                               hint="each CONSERVE needs a scalar STATE no later CONSERVE uses")
    ncons = count
    decl = {name: k for k, name in enumerate(states)}
    order = first_seen if first_seen is not None else decl
    rest = [s for s in used if s not in offsets]
    rest.sort(key=lambda s: (ord(s[0]), -order.get(s, decl.get(s, 0))))
    for s in rest:
        offsets[s] = count
        count += states[s] or 1
    unknowns = []
    for s, off in sorted(offsets.items(), key=lambda kv: kv[1]):
        size = states[s]
        unknowns.extend([(s, None)] if size is None else [(s, k) for k in range(size)])
    n = len(unknowns)

    ctx = _Ctx(states, offsets, n, ncons, cons_rows=cons_rows, text=text)
    for cp in compartments:
        for nm in cp.names:
            if nm in offsets:
                ctx.vol[nm] = (cp.index, cp.volume, cp.span)
            elif nm not in states:
                raise KineticError(f"COMPARTMENT: {nm} is not a STATE", cp.span)
        if cp.longitudinal:
            raise KineticError("LONGITUDINAL_DIFFUSION is not supported by hocx yet", cp.span,
                               hint="it needs diffusion between segments (NMODL III)")

    linflag = all(_side_linear(rx, states) for rx in reactions if isinstance(rx, A.Reaction))

    sp = body.span
    head: list = [A.Local(sp, (A.LocalVar(sp, F, n), A.LocalVar(sp, J, n * n),
                               A.LocalVar(sp, V, n), A.LocalVar(sp, C, max(ncons, 1)),
                               A.LocalVar(sp, CJ, max(ncons, 1) * n),
                               A.LocalVar(sp, FF), A.LocalVar(sp, BF), A.LocalVar(sp, TERM)))]
    zero, one = _num(sp, 0), _num(sp, 1)
    for i in range(n):
        head.append(_assign(sp, _name(sp, F, _num(sp, i)), zero))
        head.append(_assign(sp, _name(sp, V, _num(sp, i)), one))
    for i in range(n * n):
        head.append(_assign(sp, _name(sp, J, _num(sp, i)), zero))
    for i in range(max(ncons, 1)):
        head.append(_assign(sp, _name(sp, C, _num(sp, i)), zero))
    for i in range(max(ncons, 1) * n):
        head.append(_assign(sp, _name(sp, CJ, _num(sp, i)), zero))
    # COMPARTMENT volumes: at the top, as nocmodl multiplies its dt terms there
    for nm, (index, expr, csp) in ctx.vol.items():
        off, size = offsets[nm], states[nm]
        if size is None:
            if index is not None:
                head.append(A.FromLoop(csp, index, _num(csp, 0), _num(csp, 0), None, A.Block(csp, (
                    _assign(csp, _name(csp, V, _num(csp, off)), expr),))))
            else:
                head.append(_assign(csp, _name(csp, V, _num(csp, off)), expr))
        else:
            if index is None:
                raise KineticError(f"COMPARTMENT of the array {nm} needs an index name "
                                   f"(COMPARTMENT i, expr {{{nm}}})", csp)
            head.append(A.FromLoop(csp, index, _num(csp, 0), _num(csp, size - 1), None,
                                   A.Block(csp, (_assign(csp, _name(csp, V, _plus(csp, off, _name(csp, index))), expr),))))
    stmts = head + _rewrite_stmts(body.stmts, ctx)
    return KineticRewrite(A.Block(sp, tuple(stmts)), tuple(unknowns), ncons, linflag,
                          dict(offsets), tuple(ctx.notices), name=block.name or "")


def _collect(stmts, reactions, conserves, compartments):
    for st in stmts:
        if isinstance(st, (A.Reaction, A.Flux)):
            reactions.append(st)
        elif isinstance(st, A.Conserve):
            conserves.append(st)
        elif isinstance(st, A.Compartment):
            compartments.append(st)
        elif isinstance(st, A.Block):
            _collect(st.stmts, reactions, conserves, compartments)
        elif isinstance(st, (A.FromLoop, A.While)):
            _collect(st.body.stmts, reactions, conserves, compartments)
        elif isinstance(st, A.If):
            _collect(st.then.stmts, reactions, conserves, compartments)
            if st.orelse is not None:
                _collect((st.orelse,), reactions, conserves, compartments)


def _side_linear(rx: A.Reaction, states) -> bool:
    """nocmodl's genmatterms: linmat = 0 when a side with a state has total stoichiometry >= 2."""
    for side in (rx.lhs, rx.rhs):
        if any(r.name in states for r in side) and sum(r.stoich for r in side) >= 2:
            return False
    return True


def _rewrite_stmts(stmts, ctx: _Ctx) -> list:
    out = []
    for st in stmts:
        if isinstance(st, A.Reaction):
            out.extend(_reaction(st, ctx))
        elif isinstance(st, A.Flux):
            out.extend(_flux(st, ctx))
        elif isinstance(st, A.Conserve):
            out.extend(_conserve(st, ctx))
        elif isinstance(st, A.Compartment):
            continue
        elif isinstance(st, A.Block):
            out.append(A.Block(st.span, tuple(_rewrite_stmts(st.stmts, ctx))))
        elif isinstance(st, A.FromLoop):
            out.append(A.FromLoop(st.span, st.var, st.start, st.stop, st.by,
                                  A.Block(st.body.span, tuple(_rewrite_stmts(st.body.stmts, ctx)))))
        elif isinstance(st, A.While):
            out.append(A.While(st.span, st.cond,
                               A.Block(st.body.span, tuple(_rewrite_stmts(st.body.stmts, ctx)))))
        elif isinstance(st, A.If):
            orelse = None
            if st.orelse is not None:
                orelse = _rewrite_stmts((st.orelse,), ctx)[0]
            out.append(A.If(st.span, st.cond,
                            A.Block(st.then.span, tuple(_rewrite_stmts(st.then.stmts, ctx))), orelse))
        else:
            out.append(st)
    return out


def _row(r: A.Reactant, ctx: _Ctx):
    """The unknown's index expression (and whether it is a CONSERVE row, known statically)."""
    off = ctx.offsets[r.name]
    size = ctx.states[r.name]
    if size is None:
        if r.index is not None:
            raise KineticError(f"{r.name} is not an array", r.span)
        return _num(r.span, off), off < ctx.ncons
    if r.index is None:
        raise KineticError(f"REACTION: the array {r.name} needs an index", r.span,
                           hint=f"write {r.name}[i]")
    return _plus(r.span, off, r.index), False


def _state_ref(r: A.Reactant) -> A.Name:
    return _name(r.span, r.name, r.index)


def _parenthesised(e, ctx: _Ctx) -> bool:
    """Was the rate written in parentheses of its own (``((a + b), kb)``)?  Needs the text:
    without it a low-precedence rate is taken as written without them (NEURON's reading)."""
    if not _low(e):
        return True
    sp = e.span
    lines = ctx.lines(sp.file) if sp is not None else None
    if lines is None or sp.end_line is None:
        return False
    try:
        before = lines[sp.line - 1][:sp.col - 1].rstrip()
        after = lines[sp.end_line - 1][sp.end_col - 1:].lstrip()
    except IndexError:
        return False
    # the reaction's own "(" "," ")" delimit an unwrapped rate: "(kf," or ", kb)"
    return before.endswith("(") and after.startswith(")")


def _rate_times(rate, factors, ctx: _Ctx, wrapped: bool | None = None):
    """``rate * f1 * f2 ...`` as nocmodl's text concatenation parses."""
    if not factors:
        return rate
    if wrapped is None:
        wrapped = _parenthesised(rate, ctx)
    if not wrapped:
        msg = (f"{rate.span}: NEURON multiplies only the last term of this rate by the "
               f"reactants (nocmodl concatenates the text); hocx does the same. Write the "
               f"rate in parentheses if that is not what you meant")
        if msg not in ctx.notices:
            ctx.notices.append(msg)
    return _attach(rate, factors, wrapped)


def _reaction(rx: A.Reaction, ctx: _Ctx) -> list:
    sp = rx.span
    n = ctx.n
    sides = (tuple(reversed(rx.lhs)), tuple(reversed(rx.rhs)))   # nocmodl's rterm lists
    rates = (rx.kf, rx.kb)
    # ``~ A -> (k)``: nocmodl's text includes the parentheses
    wrapped = True if rx.op == "->" else None
    out = []
    # f_flux, b_flux
    for j, target in ((0, FF), (1, BF)):
        if rates[j] is None:
            out.append(_assign(sp, _name(sp, target), _num(sp, 0)))
            continue
        factors = [_state_ref(r) for r in sides[j] for _ in range(r.stoich)]
        out.append(_assign(sp, _name(sp, target), _rate_times(rates[j], factors, ctx, wrapped)))
    net = _bin(sp, "-", _name(sp, FF), _name(sp, BF))
    for j in (0, 1):
        for r in sides[j]:
            if r.name not in ctx.states:
                continue
            row, cons = _row(r, ctx)
            val = net if r.stoich == 1 else _bin(sp, "*", _num(sp, r.stoich), net)
            out.append(_acc(sp, F, row, "-" if j == 0 else "+", val))
    # matrix terms (nocmodl's genmatterms)
    for j in (0, 1):
        if rates[j] is None:
            continue
        for rt in sides[j]:
            if rt.name not in ctx.states:
                continue
            factors = []
            for rt1 in sides[j]:
                k = rt1.stoich - (1 if rt1 is rt else 0)
                factors.extend(_state_ref(rt1) for _ in range(k))
            if rt.stoich != 1:
                factors.insert(0, _num(sp, rt.stoich))
            term = _rate_times(rates[j], factors, ctx, wrapped)
            out.append(_assign(sp, _name(sp, TERM), term))
            col, _ = _row(rt, ctx)
            for j1 in (0, 1):
                for rt1 in sides[j1]:
                    if rt1.name not in ctx.states:
                        continue
                    row, cons = _row(rt1, ctx)
                    if cons:
                        continue
                    val = _name(sp, TERM)
                    if rt1.stoich != 1:
                        val = _bin(sp, "*", _num(sp, rt1.stoich), val)
                    idx = _bin(sp, "+", _bin(sp, "*", row, _num(sp, n)), col)
                    out.append(_acc(sp, J, idx, "+" if j == j1 else "-", val))
    return out


def _flux(fx: A.Flux, ctx: _Ctx) -> list:
    r = fx.target
    row, cons = _row(r, ctx)
    if cons:
        raise KineticError(f"{r.name} is conserved and has a flux", fx.span)
    if r.stoich != 1:
        raise KineticError("flux equations involve only one state", fx.span)
    return [_acc(fx.span, F, row, "+", fx.value)]


def _conserve(cs: A.Conserve, ctx: _Ctx) -> list:
    sp = cs.span
    n = ctx.n
    row = ctx.cons_rows[id(cs)]
    out = [_assign(sp, _name(sp, C, _num(sp, row)), cs.value)]
    for r in reversed(cs.terms):
        col, _ = _row(r, ctx)
        vol = _name(r.span, V, col)
        coeff = _bin(sp, "*", _num(sp, r.stoich), vol)
        out.append(_assign(sp, _name(sp, CJ, _bin(sp, "+", _num(sp, row * n), col)), coeff))
        amount = _bin(sp, "*", _state_ref(r), vol)
        if r.stoich != 1:
            amount = _bin(sp, "*", amount, _num(sp, r.stoich))
        out.append(_acc(sp, C, _num(sp, row), "-", amount))
    return out
