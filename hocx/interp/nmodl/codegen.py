"""Code generation: a checked mod file -> Python source, one function per spec hook.

The source is plain Python over an array namespace ``xp`` (numpy or jax.numpy).  While a
generated function runs, every mechanism variable lives in the dict ``st``; arguments,
LOCALs and FROM variables are Python locals ``l_<name>``; NMODL FUNCTIONs and PROCEDUREs
become ``f_<name>(xp, env, st, *args)`` (a PROCEDURE returns 0.0, as nocmodl's do), called
through ``F = _Bound(xp, env, st, FUNCS)`` so an expression can call them.

Control flow is vectorised: an ``if`` on a simulated value runs both branches (each on its
own snapshot of ``st`` and of the locals either branch assigns) and merges what they changed
with ``xp.where``; an ``if`` on constants and FROM variables stays a Python ``if``; a FROM
loop is a Python ``for`` over constant bounds (unrolled when JAX traces it); a ``while``
repeats a vectorised ``if`` while any instance's condition holds (``lax.while_loop`` under JAX).  Operation order follows nocmodl's C (see :mod:`hocx.syntax.nmodl.emit`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ...syntax.nmodl import ast as A
from ...syntax.nmodl.check import MATH_FUNCTIONS, RANDOM_FUNCTIONS, CheckedMod, Kind, NmodlError
from ...syntax.nmodl.cnexp import cnexp_form
from ...syntax.nmodl.emit import Emitter, EmitError
from .names import BUILTINS, VarInfo, constant_value, mech_variables


def nmodl_error(cm: CheckedMod, msg: str, span, hint: str | None = None) -> NmodlError:
    line = None
    if span is not None:
        text = cm.mod.text if span.file == cm.mod.path else None
        if text is None:
            try:
                with open(span.file, encoding="utf-8", errors="replace") as fh:
                    text = fh.read()
            except OSError:
                text = None
        if text is not None:
            lines = text.splitlines()
            if 0 < span.line <= len(lines):
                line = lines[span.line - 1]
    return NmodlError(msg, span, hint=hint, source_line=line)


@dataclass
class Ctx:
    """Where a statement list is being compiled."""

    where: str
    locals: dict                      # name -> size (None: scalar)
    dicts: tuple = ("st",)            # dicts an ``if`` snapshots and merges
    mode: str = "plain"               # plain | derivative | cnexp
    result: Optional[str] = None      # a FUNCTION's own name (its result variable)
    indent: int = 1
    static: frozenset = frozenset()   # FROM variables (Python ints)
    #: inside a vectorised if: the Python name of the mask of instances taking this branch;
    #: divisions there get ``xp.where(mask, d, 1.0)`` denominators, so the branch NEURON would
    #: not run stays finite (values of the taken instances are unchanged; gradients stay finite)
    mask: Optional[str] = None
    #: cnexp: states a later statement of the block reads -- nocmodl updates them in place,
    #: so that statement sees the new value
    inline: frozenset = frozenset()

    def child(self, **kw) -> "Ctx":
        d = dict(self.__dict__)
        d.update(kw)
        return Ctx(**d)


@dataclass
class Table:
    """One TABLE statement of a FUNCTION/PROCEDURE."""

    block: A.CodeBlock
    stmt: A.Table
    names: tuple            # tabulated variables (empty: a FUNCTION's value)
    n: int


@dataclass
class Gen:
    cm: CheckedMod
    lines: list = field(default_factory=list)
    uses: set = field(default_factory=set)
    notices: list = field(default_factory=list)
    tables: dict = field(default_factory=dict)     # block name -> Table
    carried: tuple = ()
    #: NMODL II statements (net_send, WATCH, ``v = ...`` in NET_RECEIVE): a callable
    #: ``(ctx, stmt) -> bool`` that emits them (:class:`.receive.Special`); None: refused
    special: object = None
    _tmp: int = 0

    def __post_init__(self):
        self.vars: dict[str, VarInfo] = mech_variables(self.cm)
        self.user = {n: b for n, b in self.cm.blocks.items()
                     if b.keyword in ("FUNCTION", "PROCEDURE")}

    # ---------------------------------------------------------------- helpers
    def err(self, msg, span, hint=None) -> NmodlError:
        return nmodl_error(self.cm, msg, span, hint)

    def tmp(self, base: str) -> str:
        self._tmp += 1
        return f"_{base}{self._tmp}"

    def emit(self, ctx: Ctx, text: str) -> None:
        self.lines.append("    " * ctx.indent + text)

    def raw(self, text: str = "") -> None:
        self.lines.append(text)

    # ---------------------------------------------------------------- expressions
    def emitter(self, ctx: Ctx) -> Emitter:
        def names(name: str) -> str:
            if name in ctx.locals:
                return f"l_{name}"
            if name in ("f_flux", "b_flux") and "_kff" in ctx.locals:
                # the last reaction's fluxes (nocmodl's f_flux/b_flux), kinetic.py's scratch
                return "l__kff" if name == "f_flux" else "l__kbf"
            if ctx.result is not None and name == ctx.result:
                return f"l_{name}"
            c = constant_value(self.cm, name)
            if c is not None:
                r = repr(float(c))
                return f"({r})" if r.startswith("-") else r
            if name in BUILTINS:
                self.uses.add(name)
                return f'st["{name}"]'
            if name in self.vars:
                return f'st["{name}"]'
            sym = self.cm.symbols.get(name)
            if sym is not None and sym.kind is Kind.RANDOM:
                return repr(name)       # random_negexp(r) -> _ran(xp, st).negexp('r')
            raise NmodlError(f"no translation for the name '{name}'")

        def calls(name: str):
            if name in self.user:
                return f"F.f_{name}"
            if name == _GUARD:
                return f"_guard(xp, {ctx.mask})"
            if name in XPF_FUNCTIONS:
                return f"_xpf(xp, '{name}')"
            if name in RANDOM_FUNCTIONS:
                return f"_ran(xp, st).{name[len('random_'):]}"
            return None

        def index(base: str, idx: str) -> str:
            return f"_getitem({base}, {idx})"

        return Emitter("xp", names, calls, index)

    def expr(self, ctx: Ctx, e: A.Expr) -> str:
        self._check_calls(ctx, e)
        if ctx.mask is not None:
            e = _guard_divisions(e)
        try:
            return self.emitter(ctx).expr(e)
        except EmitError as exc:
            raise self.err(exc.message, exc.span or e.span) from None
        except NmodlError as exc:
            if exc.span is None:
                raise self.err(exc.message, e.span) from None
            raise

    def _check_calls(self, ctx: Ctx, e: A.Expr) -> None:
        for n in A.walk(e):
            if isinstance(n, A.Call) and n.name not in self.user and n.name not in MATH_FUNCTIONS \
                    and n.name != _GUARD and n.name not in RANDOM_FUNCTIONS:
                raise self.err(f"{n.name}() cannot be translated by hocx yet (in {ctx.where})",
                               n.span, hint="hocx translates NMODL's math functions and the "
                                            "mod's own FUNCTIONs and PROCEDUREs")

    def is_static(self, ctx: Ctx, e: A.Expr) -> bool:
        """Only numbers, constants and FROM variables: Python can decide it while tracing."""
        for n in A.walk(e):
            if isinstance(n, A.Name):
                if n.name in ctx.static:
                    continue
                if n.name in ctx.locals or n.name in self.vars or n.name in BUILTINS:
                    return False
                if constant_value(self.cm, n.name) is None:
                    return False
            elif isinstance(n, (A.Call, A.Prime, A.Str)):
                return False
        return True

    def static_expr(self, ctx: Ctx, e: A.Expr) -> str:
        """A static expression as plain Python (comparisons are Python's, C's 1/0 numbers)."""
        if isinstance(e, A.Num):
            return repr(float(e.value))
        if isinstance(e, A.Name):
            if e.name in ctx.static:
                return f"l_{e.name}"
            return repr(float(constant_value(self.cm, e.name)))
        if isinstance(e, A.Unary):
            inner = self.static_expr(ctx, e.operand)
            return f"(-{inner})" if e.op == "-" else f"(1.0 if ({inner}) == 0 else 0.0)"
        if isinstance(e, A.Binary):
            l, r = self.static_expr(ctx, e.left), self.static_expr(ctx, e.right)
            if e.op in ("<", "<=", ">", ">=", "==", "!="):
                return f"(1.0 if ({l}) {e.op} ({r}) else 0.0)"
            if e.op == "&&":
                return f"(1.0 if ({l}) != 0 and ({r}) != 0 else 0.0)"
            if e.op == "||":
                return f"(1.0 if ({l}) != 0 or ({r}) != 0 else 0.0)"
            if e.op == "^":
                return f"(({l}) ** ({r}))"
            if e.op == "%":
                return f"_fmod({l}, {r})"
            return f"(({l}) {e.op} ({r}))"
        raise self.err("cannot evaluate this expression when the code is generated", e.span)

    def truth(self, ctx: Ctx, e: A.Expr) -> str:
        """A condition as a boolean array: a comparison directly (``a < b``, the same truth
        as C's for NaN too), anything else C's ``x != 0`` of its number."""
        if isinstance(e, A.Binary) and e.op in ("<", "<=", ">", ">=", "==", "!="):
            return (f"xp.asarray(({self.expr(ctx, e.left)}) {e.op} "
                    f"({self.expr(ctx, e.right)}))")
        return f"_truth(xp, {self.expr(ctx, e)})"

    def const_int(self, ctx: Ctx, e: A.Expr, what: str) -> int:
        val = _const_eval(self.cm, e)
        if val is None:
            raise self.err(f"{what} must be a constant (a number, DEFINE or CONSTANT)", e.span,
                           hint="hocx unrolls FROM loops, so their bounds must be known "
                                "when the mod is translated")
        return int(val)

    # ---------------------------------------------------------------- statements
    def block(self, ctx: Ctx, stmts) -> None:
        for st in stmts:
            self.stmt(ctx, st)

    def stmt(self, ctx: Ctx, st) -> None:
        if self.special is not None and self.special(ctx, st):
            return
        if isinstance(st, A.Block):
            self.block(ctx, st.stmts)
        elif isinstance(st, A.Assign):
            self.assign(ctx, st)
        elif isinstance(st, A.Protect):
            self.assign(ctx, st.assign)
        elif isinstance(st, A.ExprStmt):
            self.emit(ctx, self.expr(ctx, st.expr))
        elif isinstance(st, (A.Local, A.UnitsToggle, A.Table, A.Verbatim, A.Mutex)):
            pass
        elif isinstance(st, A.If):
            self.if_(ctx, st)
        elif isinstance(st, A.FromLoop):
            self.from_(ctx, st)
        elif isinstance(st, A.While):
            self.while_(ctx, st)
        elif isinstance(st, A.Solve):
            self.solve_stmt(ctx, st)
        elif isinstance(st, (A.Watch, A.ForNetcons, A.InitialStmt)):
            raise self.err(f"{type(st).__name__.upper()} belongs to NET_RECEIVE (NMODL II), which "
                           f"hocx does not translate yet", st.span)
        elif isinstance(st, (A.Reaction, A.Flux, A.Conserve, A.Compartment)):
            raise self.err(f"a reaction statement outside a KINETIC block ({ctx.where})", st.span)
        elif isinstance(st, A.Lag):
            raise self.err("LAG cannot be translated by hocx", st.span)
        else:
            raise self.err(f"hocx cannot translate this statement ({type(st).__name__}) in "
                           f"{ctx.where}", st.span)

    def assign(self, ctx: Ctx, st: A.Assign) -> None:
        tgt = st.target
        if isinstance(tgt, A.Prime):
            self.prime(ctx, tgt, st.value, st)
            return
        val = self.expr(ctx, st.value)
        name = tgt.name
        if name in ctx.locals or (ctx.result is not None and name == ctx.result):
            ref = f"l_{name}"
        elif name in BUILTINS:
            raise self.err(f"hocx cannot assign the simulator's {name} in {ctx.where}", tgt.span)
        elif name in self.vars:
            ref = f'st["{name}"]'
        else:
            raise self.err(f"cannot assign to '{name}' in {ctx.where}", tgt.span)
        if tgt.index is not None:
            idx = self.expr(ctx, tgt.index)
            self.emit(ctx, f"{ref} = _setitem({ref}, {idx}, {val})")
        else:
            self.emit(ctx, f"{ref} = {val}")

    def prime(self, ctx: Ctx, tgt: A.Prime, value: A.Expr, st) -> None:
        if ctx.mode == "derivative":
            self.emit(ctx, f'_d["{tgt.name}"] = {self.expr(ctx, value)}')
            return
        if ctx.mode == "cnexp":
            form = cnexp_form(tgt.name, value)
            if form.kind == "explicit":
                inc = form.increment
                inner = inc.operand if isinstance(inc, A.Unary) else A.Unary(inc.span, "-", inc)
                self.emit(ctx, f'_c["{tgt.name}"] = ({self.expr(ctx, inner)}, None)')
            elif form.kind == "cnexp":
                b = self.expr(ctx, form.deriv)
                if form.steady is None:
                    a = "0.0"
                else:
                    num = form.steady.left
                    a = self.expr(ctx, num.operand if isinstance(num, A.Unary) else num)
                self.emit(ctx, f'_c["{tgt.name}"] = ({a}, {b})')
            else:
                raise self.err(f"{tgt.name}' cannot be integrated by cnexp here", st.span)
            if tgt.name in ctx.inline:
                self.emit(ctx, f'st["{tgt.name}"] = _cnexp_step(xp, st["{tgt.name}"], '
                               f'_c["{tgt.name}"][0], _c["{tgt.name}"][1], st["dt"])')
            return
        raise self.err(f"{tgt.name}' outside a DERIVATIVE block", tgt.span)

    def if_(self, ctx: Ctx, st: A.If) -> None:
        if self.is_static(ctx, st.cond):
            self.emit(ctx, f"if ({self.static_expr(ctx, st.cond)}) != 0:")
            self.emit(ctx.child(indent=ctx.indent + 1), "pass")
            self.stmt(ctx.child(indent=ctx.indent + 1), st.then)
            if st.orelse is not None:
                self.emit(ctx, "else:")
                self.emit(ctx.child(indent=ctx.indent + 1), "pass")
                self.stmt(ctx.child(indent=ctx.indent + 1), st.orelse)
            return
        c = self.tmp("c")
        self.emit(ctx, f"{c} = {self.truth(ctx, st.cond)}")
        m_then, m_else = self.tmp("m"), self.tmp("m")
        if ctx.mask is None:
            self.emit(ctx, f"{m_then} = {c}")
            self.emit(ctx, f"{m_else} = xp.logical_not({c})")
        else:
            self.emit(ctx, f"{m_then} = xp.logical_and({ctx.mask}, {c})")
            self.emit(ctx, f"{m_else} = xp.logical_and({ctx.mask}, xp.logical_not({c}))")
        assigned = sorted(_assigned_locals(st, set(ctx.locals) |
                                           ({ctx.result} if ctx.result else set())))
        snaps = {d: self.tmp("s") for d in ctx.dicts}
        thens = {d: self.tmp("t") for d in ctx.dicts}
        for d in ctx.dicts:
            self.emit(ctx, f"{snaps[d]} = dict({d})")
        tup = "(" + "".join(f"l_{n}, " for n in assigned) + ")"
        lsnap = self.tmp("ls")
        lthen = self.tmp("lt")
        if assigned:
            self.emit(ctx, f"{lsnap} = {tup}")
        # with NumPy a branch no instance takes is not run (the merge keeps the other's values)
        inner = ctx.child(indent=ctx.indent + 1)
        self._branch(ctx, m_then, st.then)
        for d in ctx.dicts:
            self.emit(ctx, f"{thens[d]} = dict({d})")
            self.emit(ctx, f"{d}.clear()")
            self.emit(ctx, f"{d}.update({snaps[d]})")
        if assigned:
            self.emit(ctx, f"{lthen} = {tup}")
            self.emit(ctx, f"{tup} = {lsnap}")
        if st.orelse is not None:
            self._branch(ctx, m_else, st.orelse)
        for d in ctx.dicts:
            self.emit(ctx, f"_merge(xp, {c}, {thens[d]}, {d})")
        for i, n in enumerate(assigned):
            self.emit(ctx, f"l_{n} = _where(xp, {c}, {lthen}[{i}], l_{n})")

    def _branch(self, ctx: Ctx, mask: str, stmt) -> None:
        """One branch of a vectorised ``if``.  With NumPy a branch no instance takes is not
        run (the merge then keeps the other branch's values); its net_send / net_event /
        net_move sites still give their (all-false) entries, one per site as the hooks'
        lists promise.  A branch with such a site inside a loop always runs."""
        inner = ctx.child(indent=ctx.indent + 1)
        sites = _event_sites(stmt)
        if sites is None:
            self.stmt(ctx.child(mask=mask), stmt)
            return
        self.emit(ctx, f"if _taken(xp, {mask}):")
        self.emit(inner, "pass")
        self.stmt(inner.child(mask=mask), stmt)
        if sites:
            self.emit(ctx, "else:")
            none, zero = "xp.zeros(xp.shape(v), dtype=xp.bool_)", "_full(xp, 0.0, v)"
            for name in sites:
                entry = {"net_send": f"({none}, {zero}, {zero})",
                         "net_event": f"({none}, {zero})",
                         "net_move": f"({none}, {zero}, len(_sends))"}[name]
                target = {"net_send": "_sends", "net_event": "_events", "net_move": "_moves"}[name]
                self.emit(inner, f"{target}.append({entry})")

    def while_(self, ctx: Ctx, st: A.While) -> None:
        """``while (c) { body }`` vectorised: each pass runs the body as ``if (c) { body }``
        (only the instances whose condition still holds change), passes repeat while any
        instance's condition holds (:func:`runtime.while_loop`: a Python loop on the host, a
        ``lax.while_loop`` in compiled code).  The body and the condition are nested functions
        of the loop's carry (the mechanism variables and LOCALs the body may assign) that
        leave ``st`` as they found it."""
        for n in A.walk(st.body):
            if isinstance(n, A.Prime) or (isinstance(n, A.Assign)
                                          and isinstance(n.target, A.Prime)):
                raise self.err(f"a derivative assignment inside a while loop cannot be "
                               f"translated (in {ctx.where})", n.span)
        if self.is_static(ctx, st.cond):
            # constants and FROM variables cannot change inside the loop: it runs never or
            # forever (NEURON hangs)
            self.emit(ctx, f"if ({self.static_expr(ctx, st.cond)}) != 0:")
            self.emit(ctx.child(indent=ctx.indent + 1),
                      f'_unsupported("the while loop at {st.span} never ends: its condition '
                      f'does not depend on anything the loop changes")')
            return
        from .dataflow import written
        keys = sorted(written(st.body.stmts, self.user, set(self.vars)))
        locs = sorted(_assigned_locals(st, set(ctx.locals) |
                                       ({ctx.result} if ctx.result else set())))
        tup = "(" + "".join(f"l_{n}, " for n in locs) + ")"
        carry = "({" + ", ".join(f'"{k}": st["{k}"]' for k in keys) + "}, " + tup + ")"
        inner = ctx.child(indent=ctx.indent + 1)
        fc, fb, wc, ws, wr = (self.tmp("wcond"), self.tmp("wbody"), self.tmp("wc"),
                              self.tmp("ws"), self.tmp("wr"))

        def unpack(c):
            self.emit(c, f"{ws} = dict(st)")
            self.emit(c, f"st.update({wc}[0])")
            if locs:
                self.emit(c, f"{tup} = {wc}[1]")

        def restore(c):
            self.emit(c, "st.clear()")
            self.emit(c, f"st.update({ws})")

        self.emit(ctx, f"def {fc}({wc}):")
        unpack(inner)
        m = self.truth(ctx, st.cond)
        if ctx.mask is not None:
            m = f"xp.logical_and({ctx.mask}, {m})"
        r = self.tmp("r")
        self.emit(inner, f"{r} = xp.any({m})")
        restore(inner)
        self.emit(inner, f"return {r}")
        self.emit(ctx, f"def {fb}({wc}):")
        unpack(inner)
        self.if_(inner, A.If(st.span, st.cond, st.body, None))
        self.emit(inner, f"{r} = {carry}")
        restore(inner)
        self.emit(inner, f"return {r}")
        self.emit(ctx, f"{wr} = _while(xp, {fc}, {fb}, {carry})")
        self.emit(ctx, f"st.update({wr}[0])")
        if locs:
            self.emit(ctx, f"{tup} = {wr}[1]")

    def from_(self, ctx: Ctx, st: A.FromLoop) -> None:
        a = self.const_int(ctx, st.start, "a FROM loop's start")
        b = self.const_int(ctx, st.stop, "a FROM loop's end")
        by = 1 if st.by is None else self.const_int(ctx, st.by, "a FROM loop's step")
        if by <= 0:
            raise self.err("a FROM loop needs a positive BY step", st.span)
        self.emit(ctx, f"for l_{st.var} in range({a}, {b + 1}, {by}):")
        inner = ctx.child(indent=ctx.indent + 1, locals={**ctx.locals, st.var: None},
                          static=ctx.static | {st.var})
        self.emit(inner, "pass")
        self.stmt(inner, st.body)

    def solve_stmt(self, ctx: Ctx, st: A.Solve) -> None:
        if ctx.where.startswith(("FUNCTION", "PROCEDURE")):
            # e.g. cabpump's FUNCTION ss() { SOLVE state STEADYSTATE sparse }: callable from
            # hoc only; the mechanism itself translates
            self.emit(ctx, f'_unsupported("SOLVE {st.block} inside {ctx.where} '
                           f'({st.span}) is not translated by hocx yet")')
            return
        if ctx.where != "INITIAL":
            return          # BREAKPOINT's SOLVE is the state hook; it is not run in nrn_cur
        blk = self.cm.blocks.get(st.block)
        if st.steadystate is not None:
            states = [n for n, v in self.vars.items() if v.role == "state"]
            passed = states + [n for n in self.carried if n not in states]
            self.emit(ctx, "_ss = env[\"steadystate\"](xp, p, " + _state_dict(passed, self.vars)
                      + ", st[\"v\"], env)")
            for n in states:
                if self.vars[n].size:
                    self.emit(ctx, f'st["{n}"] = _unstack(_ss["{n}"], {self.vars[n].size}) '
                                   f'if "{n}" in _ss else st["{n}"]')
                else:
                    self.emit(ctx, f'st["{n}"] = _ss.get("{n}", st["{n}"])')
            return
        if blk is not None and blk.keyword == "PROCEDURE":
            self.emit(ctx, f"F.f_{blk.name}()")
            return
        raise self.err(f"SOLVE {st.block} inside INITIAL cannot be translated by hocx yet "
                       f"(only STEADYSTATE, or a PROCEDURE)", st.span)


_EVENT_CALLS = ("net_send", "net_event", "net_move")


def _event_sites(stmt):
    """The net_send / net_event / net_move calls in ``stmt`` in the order they run (None if
    one sits in a FROM or while loop: its count is not one)."""
    out = []

    def visit(n, looped):
        if isinstance(n, A.Call) and n.name in _EVENT_CALLS:
            if looped:
                raise LookupError
            out.append(n.name)
        looped = looped or isinstance(n, (A.FromLoop, A.While))
        for f in getattr(n, "__dataclass_fields__", ()):
            if f == "span":
                continue
            val = getattr(n, f)
            for v in (val if isinstance(val, tuple) else (val,)):
                if isinstance(v, A.Node):
                    visit(v, looped)
    try:
        visit(stmt, False)
    except LookupError:
        return None
    return out


_GUARD = "__guard"
#: math functions without an ``xp`` attribute of the same meaning (runtime.xp_function)
XPF_FUNCTIONS = ("erf",)


def _guard_divisions(e: A.Expr) -> A.Expr:
    """``a / b`` -> ``a / __guard(b)`` throughout ``e`` (see :attr:`Ctx.mask`)."""
    if isinstance(e, A.Binary):
        l, r = _guard_divisions(e.left), _guard_divisions(e.right)
        if e.op == "/" and not isinstance(r, A.Num):
            r = A.Call(r.span, _GUARD, (r,))
        return A.Binary(e.span, e.op, l, r)
    if isinstance(e, A.Unary):
        return A.Unary(e.span, e.op, _guard_divisions(e.operand))
    if isinstance(e, A.Call):
        return A.Call(e.span, e.name, tuple(_guard_divisions(a) for a in e.args))
    if isinstance(e, A.Name) and e.index is not None:
        return e
    return e


def _state_dict(states, vars_) -> str:
    parts = []
    for n in states:
        if vars_[n].size:
            parts.append(f'"{n}": _stack(xp, st["{n}"], st["v"])')
        else:
            parts.append(f'"{n}": st["{n}"]')
    return "{**s, " + ", ".join(parts) + "}"


def _assigned_locals(st, names: set) -> set:
    out = set()
    for n in A.walk(st):
        if isinstance(n, A.Assign) and isinstance(n.target, A.Name) and n.target.name in names:
            out.add(n.target.name)
    return out


def _const_eval(cm: CheckedMod, e: A.Expr):
    if isinstance(e, A.Num):
        return e.value
    if isinstance(e, A.Name) and e.index is None:
        return constant_value(cm, e.name)
    if isinstance(e, A.Unary) and e.op == "-":
        v = _const_eval(cm, e.operand)
        return None if v is None else -v
    if isinstance(e, A.Binary) and e.op in "+-*/":
        l, r = _const_eval(cm, e.left), _const_eval(cm, e.right)
        if l is None or r is None:
            return None
        if e.op == "+":
            return l + r
        if e.op == "-":
            return l - r
        if e.op == "*":
            return l * r
        return l / r if r != 0 else None
    return None
