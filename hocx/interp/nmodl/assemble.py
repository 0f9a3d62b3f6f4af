"""A checked mod file -> the generated Python source of every spec hook, plus the facts
the spec needs (variables, carried values, method, tables, uses).

Hooks (all over ``xp``; arrays per instance; see :mod:`hocx.spec`):

* ``initial(xp, p, s, v, env)``: INITIAL; returns every STATE and carried value and the
  ASSIGNED it sets;
* ``current(xp, p, s, v, t, env) -> (total, assigned)``: BREAKPOINT without its SOLVE;
  ``total`` sums the written ion currents then the NONSPECIFIC/ELECTRODE currents in
  nocmodl's order (``_current += ina; _current += ik; _current += il``);
* ``cnexp_coeffs`` / ``derivative`` for a DERIVATIVE block, ``update`` for a PROCEDURE;
* ``after_solve``: for the derivative methods other than cnexp, the SOLVE block's ordinary
  statements again at the new states, for the ASSIGNED values hoc can read (``mtau_cal``,
  ``drive_capool``); cnexp hands them over under ``"_extra"`` instead (no second run);
* ``tables(globals, celsius, dt=0.025, usetable=True)``: the TABLEs on the host.

*Carried* variables: an ASSIGNED or file-level LOCAL that some hook reads before it writes
it, or a RANGE ASSIGNED that only INITIAL or the SOLVE block sets (so its last value is what
hoc sees).  They are declared ``stepped`` and travel in ``s`` like STATEs.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ...syntax.nmodl import ast as A
from ...syntax.nmodl.check import CheckedMod, MechKind
from .codegen import Ctx, Gen, Table
from . import receive
from .dataflow import ReadsBefore, call_graph, find_cycle, written
from .names import BUILTINS, GEOMETRY, random_keys, randoms, symbol_of


@dataclass
class Assembly:
    source: str
    method: str | None = None
    hooks: tuple = ()
    carried: tuple = ()
    uses: tuple = ()
    tables: tuple = ()              # Table
    notices: list = field(default_factory=list)
    unsupported: str | None = None
    kinetic: object = None          # KineticInfo from the rewrite (sparse)
    initial_solve: str | None = None
    functions: dict = field(default_factory=dict)   # NMODL name -> (kind, nargs)
    receive: dict | None = None     # NET_RECEIVE: receive.generate's facts (args, watches...)
    last_globals: tuple = ()        # (GLOBAL ASSIGNED name, "state" | "breakpoint")


class Assembler:
    def __init__(self, cm: CheckedMod, kinetic_rewrite=None):
        self.cm = cm
        self.g = Gen(cm)
        self.kinetic_rewrite = kinetic_rewrite
        self.vars = self.g.vars
        self.user = self.g.user
        self.g.special = receive.Special(self)

    def err(self, msg, span, hint=None):
        return self.g.err(msg, span, hint)

    # ------------------------------------------------------------------ driver
    def run(self) -> Assembly:
        cm, g = self.cm, self.g
        self._check_recursion()
        receive.check(self)
        solves = [s for s in cm.solves if s.where == "BREAKPOINT"]
        if len(solves) > 1:
            raise self.err("hocx translates one SOLVE per BREAKPOINT", solves[1].stmt.span)
        solve = solves[0] if solves else None
        init_solves = [s for s in cm.solves if s.where == "INITIAL" and s.steadystate]
        method = None
        if solve is not None:
            kw = solve.block.keyword
            if kw == "PROCEDURE":
                method = None
            elif kw == "DERIVATIVE":
                # (a METHOD the integrator does not implement, e.g. runge, is refused by
                # hocx.sim.methods when the mechanism is stepped, with the list it has)
                method = solve.method or "derivimplicit"
            elif kw == "KINETIC":
                method = "sparse"
            else:
                raise self.err(f"SOLVE of a {kw} block cannot be translated by hocx yet",
                               solve.stmt.span)
        for s in cm.solves:
            if s.where not in ("BREAKPOINT", "INITIAL") and not s.where.startswith(
                    ("FUNCTION", "PROCEDURE")):
                raise self.err(f"SOLVE inside {s.where} cannot be translated by hocx",
                               s.stmt.span)
        mech = set(self.vars)
        rb = ReadsBefore(self.user, mech)
        state_stmts = solve.block.body.stmts if solve is not None else ()
        bp = cm.breakpoint.body.stmts if cm.breakpoint is not None else ()
        ini = cm.initial.body.stmts if cm.initial is not None else ()
        # METHOD after_cvode (a PROCEDURE run after the voltage update, SEClamp's icur): what
        # BREAKPOINT wrote this step it reads from the step's assigned values, not a carry
        after_cvode = solve is not None and method is None and solve.method == "after_cvode"
        solve_reads = rb.of_block(state_stmts)
        if after_cvode:
            solve_reads -= written(bp, self.user, mech)
        reads = rb.of_block(bp) | solve_reads
        store = {n for n, v in self.vars.items() if v.role in ("assigned", "local")}
        carried = (reads & store)
        w_bp = written(bp, self.user, mech)
        w_state = written(state_stmts, self.user, mech)
        w_init = written(ini, self.user, mech)
        visible = set(cm.range_names)
        for n in store:
            if n in visible and n not in w_bp and (n in w_state or n in w_init):
                carried.add(n)
        self.w_state = w_state
        self.w_init = w_init
        self.w_bp = w_bp
        carried |= receive.carried(self, store)
        # a RANDOM variable's stream goes on from call to call (nrnran123_State)
        carried |= {k for r in randoms(cm) for k in random_keys(r)}
        self.carried = tuple(n for n in self.vars if n in carried)
        g.carried = self.carried
        g.raw("# generated by hocx from " + cm.mod.path + " -- do not edit")
        g.raw(f"# mechanism {cm.name} ({cm.kind.value})")
        g.raw()
        self._user_functions()
        hooks = ["initial"]
        self._initial(init_solves)
        if self._init_params():
            hooks.append("init_params")
        if cm.breakpoint is not None or cm.kind is not MechKind.ARTIFICIAL_CELL:
            self._current()         # (an ARTIFICIAL_CELL has no BREAKPOINT: no current hook)
            hooks.append("current")
        kinetic = None
        if solve is not None:
            if after_cvode:
                self._after_cvode(solve)
                hooks.append("after_solve")
            elif method is None:
                self._update(solve)
                hooks.append("update")
            elif method == "sparse":
                kinetic = self._kinetic(solve)
                hooks += ["kinetic_system"]
            else:
                self._derivative(solve)
                hooks.append("derivative")
                if method == "cnexp":
                    self._cnexp(solve)
                    hooks.append("cnexp_coeffs")
                elif self._extra_names():
                    self._after_solve(solve)
                    hooks.append("after_solve")
        last = self._last_globals(solve, method)
        recv = None
        if cm.net_receive is not None:
            recv = receive.generate(self)
            hooks += recv["hooks"]
        if g.tables:
            self._tables()
            hooks.append("tables")
        g.raw("FUNCS = {" + ", ".join(f'"f_{n}": f_{n}' for n in self.user) + "}")
        unsupported = None
        for it in cm.mod.flat_items():
            if isinstance(it, A.CodeBlock) and it.keyword in ("BEFORE", "AFTER", "CONSTRUCTOR",
                                                               "DESTRUCTOR"):
                unsupported = unsupported or f"{it.keyword} blocks"
        uses = tuple(n for n in GEOMETRY if n in g.uses)
        funcs = {n: (b.keyword, len(b.args)) for n, b in self.user.items()}
        if any(w == "state" for _, w in last):
            hooks.append("state_globals")
        return Assembly("\n".join(g.lines) + "\n", method, tuple(hooks), self.carried, uses,
                        tuple(g.tables.values()), g.notices, unsupported, kinetic,
                        init_solves[0].steadystate if init_solves else None, funcs, recv,
                        last)

    def declarations_only(self) -> Assembly:
        """No hooks: the spec only declares the mechanism (an NMODL II point process)."""
        self.carried = ()
        src = (f"# generated by hocx from {self.cm.mod.path} -- do not edit\n"
               f"# {self.cm.name}: declarations only (NMODL II is not translated yet)\n"
               f"FUNCS = {{}}\n")
        return Assembly(src, None, (), (), (), (), [], "NET_RECEIVE (NMODL II)")

    # ------------------------------------------------------------------ checks
    def _check_recursion(self):
        cyc = find_cycle(call_graph(self.user))
        if cyc is None:
            return
        a, b = cyc[0], cyc[1]
        span = self.user[b].name_span or self.user[b].span
        for n in A.walk(self.user[a].body):
            if isinstance(n, A.Call) and n.name == b:
                span = n.span
                break
        raise self.err(f"recursive call {' -> '.join(cyc)}: hocx cannot translate recursion",
                       span, hint="hocx vectorises mechanisms; rewrite the recursion as a FROM "
                                  "loop with a constant count")

    # ------------------------------------------------------------------ loading
    def _load(self, hook: str, lines: list) -> None:
        """Statements that fill ``st`` at the start of a hook."""
        g = self.g
        out = ["    st = {}", "    st[\"v\"] = v"]
        if hook == "current":
            out.append("    st[\"t\"] = t")
        else:
            out.append("    st[\"t\"] = env.get(\"t\", 0.0)")
        out.append("    st[\"dt\"] = env[\"dt\"]")
        out.append("    st[\"celsius\"] = env.get(\"celsius\", 6.3)")
        for n in GEOMETRY:
            if n in g.uses:
                out.append(f'    st["{n}"] = p["{n}"]')
        reads = {r for u in self.cm.ions for r in u.read}
        # a written concentration that is not a STATE starts from the ion's value (nocmodl
        # loads every ion variable the mod names before INITIAL runs)
        reads |= {w for u in self.cm.ions for w in u.write if not w.startswith("i")}
        ion_vars = {x for u in self.cm.ions for x in u.read + u.write}
        for name, info in self.vars.items():
            size = info.size
            if info.role == "parameter":
                sym = self.cm.symbols[name]
                default = float(sym.value) if sym.value is not None else 0.0
                if size:
                    src = "[" + ", ".join(f'p["{name}{k}"]' for k in range(size)) + "]"
                elif self._is_global(name):
                    src = f'p.get("{name}", {default!r})'
                else:
                    src = f'p["{name}"]'
            elif info.role == "ion":
                src = f'p["{name}"]' if name in reads else "0.0"
            elif info.role == "pointer":
                src = f'p["{name}"]'
            elif info.role == "state" and hook == "initial" and not size \
                    and name not in ion_vars:
                # nocmodl's initmodel starts every STATE x from the PARAMETER x0 (0 unless
                # the mod declares it), whatever value it had before finitialize
                x0 = self.vars.get(name + "0")
                src = ((f'xp.zeros_like(v) + p.get("{name}0", 0.0)')
                       if x0 is not None and x0.role == "parameter" else "xp.zeros_like(v)")
                out.append(f'    st["{name}"] = {src}')
                continue
            elif info.role == "state":
                key = f's.get("{name}", 0.0)' if hook == "initial" else f's["{name}"]'
                src = f"_unstack({key}, {size})" if size else key
            elif name in self.carried:
                key = f's.get("{name}", 0.0)' if hook == "initial" else f's["{name}"]'
                src = f"_unstack({key}, {size})" if size else key
            else:
                src = f"[0.0] * {size}" if size else "0.0"
                if hook == "after_cvode" and not size:
                    src = f'a.get("{name}", 0.0)'      # what BREAKPOINT left this step
                if hook == "receive" and not size:
                    # NET_RECEIVE reads an ASSIGNED as the last BREAKPOINT left it (the
                    # simulator passes those in p)
                    src = f'p.get("{name}", 0.0)'
            out.append(f'    st["{name}"] = {src}')
        out.append("    F = _Bound(xp, env, st, FUNCS)")
        lines.extend(out)

    def _is_global(self, name: str) -> bool:
        return name in self.cm.global_names or name not in self.cm.range_names

    def _hook(self, header: str, hook: str, body) -> None:
        """Generate a hook: header, loads, body (a callable emitting into ``self.g``)."""
        g = self.g
        saved = g.lines
        g.lines = []
        body()
        inner = g.lines
        g.lines = saved
        g.raw(header)
        self._load(hook, g.lines)
        g.lines.extend(inner)
        g.raw()

    def _ctx(self, where, stmts, mode="plain", dicts=("st",), extra_locals=()) -> Ctx:
        locs = {lv.name: lv.size for st in stmts if isinstance(st, A.Local) for lv in st.names}
        for n in _nested_locals(stmts):
            locs.setdefault(n[0], n[1])
        for n in extra_locals:
            locs[n] = None
        return Ctx(where, locs, dicts, mode)

    def _init_locals(self, ctx: Ctx) -> None:
        for n, size in ctx.locals.items():
            size = self._size(size)
            self.g.emit(ctx, f"l_{n} = " + (f"[0.0] * {size}" if size else "0.0"))

    def _size(self, size):
        if size is None or isinstance(size, int):
            return size
        return self.cm.defines.get(size)

    def _full(self, name: str) -> str:
        info = self.vars.get(name)
        if info is not None and info.size:
            return f'_stack(xp, st["{name}"], v)'
        return f'_full(xp, st["{name}"], v)'

    # ------------------------------------------------------------------ user functions
    def _user_functions(self) -> None:
        g = self.g
        for name, blk in self.user.items():
            stmts = blk.body.stmts if blk.body is not None else ()
            args = [a.name for a in blk.args]
            ctx = self._ctx(f"{blk.keyword} {name}", stmts, extra_locals=())
            for a in args:
                ctx.locals.pop(a, None)
            ctx = ctx.child(locals={**{a: None for a in args}, **ctx.locals},
                            result=name if blk.keyword == "FUNCTION" else None)
            tables = [st for st in stmts if isinstance(st, A.Table)]
            fname = f"f_{name}" if not tables else f"_f_{name}"
            g.raw(f"def {fname}(xp, env, st, " + "".join(f"l_{a}, " for a in args) + "):")
            g.emit(ctx, "F = _Bound(xp, env, st, FUNCS)")
            for n, size in ctx.locals.items():
                if n in args:
                    continue
                size = self._size(size)
                g.emit(ctx, f"l_{n} = " + (f"[0.0] * {size}" if size else "0.0"))
            if blk.keyword == "FUNCTION":
                g.emit(ctx, f"l_{name} = 0.0")
            g.block(ctx, stmts)
            g.emit(ctx, f"return l_{name}" if blk.keyword == "FUNCTION" else "return 0.0")
            g.raw()
            if tables:
                self._table_function(blk, tables[0], args)

    def _table_function(self, blk: A.CodeBlock, tab: A.Table, args) -> None:
        g = self.g
        name = blk.name
        if len(args) != 1:
            raise self.err(f"TABLE in {blk.keyword} {name} needs exactly one argument "
                           f"(it has {len(args)})", tab.span)
        names = tuple(tab.names)
        if blk.keyword == "PROCEDURE" and not names:
            raise self.err("TABLE in a PROCEDURE must name the variables it tabulates",
                           tab.span)
        for n in names:
            if n not in self.vars:
                raise self.err(f"TABLE names '{n}', which is not a variable of the mechanism",
                               tab.span)
        n = int(tab.with_)
        k = len(names) if names else 1
        t = Table(blk, tab, names, n)
        g.tables[name] = t
        key = f"table_{name}"
        g.raw(f"def f_{name}(xp, env, st, l_{args[0]}):")
        g.raw(f'    if env.get("usetable", False) and "{key}" in env:')
        g.raw(f'        _r = _lookup(xp, env["{key}"], env["{key}_tmin"], env["{key}_mfac"], '
              f'{n}, {k}, l_{args[0]})')
        if names:
            for j, nm in enumerate(names):
                g.raw(f'        st["{nm}"] = _r[{j}]')
            g.raw("        return 0.0")
        else:
            g.raw("        return _r[0]")
        g.raw(f"    return _f_{name}(xp, env, st, l_{args[0]})")
        g.raw()

    # ------------------------------------------------------------------ hooks
    def _initial(self, init_solves) -> None:
        cm, g = self.cm, self.g
        stmts = cm.initial.body.stmts if cm.initial is not None else ()
        ctx = self._ctx("INITIAL", stmts)
        states = [n for n, v in self.vars.items() if v.role == "state"]
        ret = set(states) | set(self.carried) | {
            n for n in self.w_init if self.vars[n].role in ("assigned", "ion", "local")}

        sends = receive.initial_sends(cm)

        def body():
            if sends:       # net_send(delay, flag) in INITIAL: the "__sends" of the contract
                g.emit(ctx, "_all = xp.ones(xp.shape(v), dtype=xp.bool_)")
                g.emit(ctx, "_sends = []")
            self._init_locals(ctx)
            g.block(ctx, stmts)
            items = [f'"{n}": {self._full(n)}' for n in self.vars if n in ret]
            if sends:
                items.append('"__sends": _sends')
            g.emit(ctx, "return {" + ", ".join(items) + "}")
        self._hook("def initial(xp, p, s, v, env):", "initial", body)

    def _current(self) -> None:
        cm, g = self.cm, self.g
        stmts = cm.breakpoint.body.stmts if cm.breakpoint is not None else ()
        ctx = self._ctx("BREAKPOINT", stmts)
        currents = [w for u in cm.ions for w in u.write if w == f"i{u.ion}"]
        currents += list(cm.nonspecific) + list(cm.electrode)
        conc = [w for u in cm.ions for w in u.write if w != f"i{u.ion}"
                and self.vars.get(w) is not None and self.vars[w].role == "ion"]
        # a carried ASSIGNED BREAKPOINT does not set is in ``s`` (recorded from there); a
        # hidden one (not RANGE/GLOBAL) it does not set is never seen: not reported (the
        # integrator would carry a constant, hh.mod's minf..ntau without RANGE)
        seen = set(cm.range_names) | set(cm.global_names) | set(currents)
        report = [n for n, v in self.vars.items()
                  if (v.role == "assigned" and (n in self.w_bp or (n not in self.carried
                                                                   and n in seen)))
                  or n in currents or n in conc]

        def body():
            self._init_locals(ctx)
            g.block(ctx, stmts)
            total = "0.0"
            for c in currents:
                total = f'({total} + st["{c}"])' if total != "0.0" else f'(0.0 + st["{c}"])'
            g.emit(ctx, f"_total = {total}")
            items = [f'"{n}": {self._full(n)}' for n in report]
            g.emit(ctx, "return _full(xp, _total, v), {" + ", ".join(items) + "}")
        self._hook("def current(xp, p, s, v, t, env):", "current", body)

    def _last_globals(self, solve, method) -> tuple:
        """The GLOBAL ASSIGNED scalars a step writes and which block writes them last (the
        SOLVE block runs after BREAKPOINT); for those of the SOLVE block the hook
        ``state_globals`` runs its statements once more (a DERIVATIVE's x' go to a scratch
        dict; a KINETIC block is not run: its GLOBALs stay as the last hoc call left them)."""
        cm, g = self.cm, self.g
        glob = [n for n in self.vars if n in cm.global_names and self.vars[n].role == "assigned"
                and not self.vars[n].size and n not in self.carried]
        if not glob:
            return ()
        in_state = [n for n in glob if n in self.w_state] if method != "sparse" else []
        out = tuple((n, "state") for n in in_state) + tuple(
            (n, "breakpoint") for n in glob if n in self.w_bp and n not in in_state)
        if in_state:
            stmts = self._state_stmts(solve)
            if method is None:
                ctx = Ctx(f"SOLVE {solve.block.name}", {}, ("st",))
            else:
                ctx = self._ctx(f"DERIVATIVE {solve.block.name}", stmts, "derivative",
                                ("st", "_d"))

            def body():
                if method is None:
                    g.emit(ctx, f"F.f_{solve.block.name}()")
                else:
                    g.emit(ctx, "_d = {}")
                    self._init_locals(ctx)
                    g.block(ctx, stmts)
                g.emit(ctx, "return {" + ", ".join(f'"{n}": {self._full(n)}'
                                                   for n in in_state) + "}")
            self._hook("def state_globals(xp, p, s, v, env):", "state_globals", body)
        return out

    def _state_stmts(self, solve):
        return solve.block.body.stmts

    def _derivative(self, solve) -> None:
        g = self.g
        stmts = self._state_stmts(solve)
        ctx = self._ctx(f"DERIVATIVE {solve.block.name}", stmts, "derivative", ("st", "_d"))

        def body():
            g.emit(ctx, "_d = {}")
            self._init_locals(ctx)
            g.block(ctx, stmts)
            g.emit(ctx, "return {k: _full(xp, x, v) for k, x in _d.items()}")
        self._hook("def derivative(xp, p, s, v, env):", "derivative", body)

    def _extra_names(self) -> list:
        return [n for n in self.carried if n in self.w_state]

    def _cnexp(self, solve) -> None:
        g = self.g
        stmts = self._state_stmts(solve)
        for st in _walk(stmts):
            if isinstance(st, A.Assign) and isinstance(st.target, A.Prime):
                sym = self.vars.get(st.target.name)
                if sym is not None and sym.size:
                    raise self.err("cnexp on an ARRAY state cannot be translated by hocx yet",
                                   st.span)
        ctx = self._ctx(f"DERIVATIVE {solve.block.name}", stmts, "cnexp", ("st", "_c"))
        ctx = ctx.child(inline=frozenset(_read_after_update(stmts)))
        extra = self._extra_names()

        def body():
            g.emit(ctx, "_c = {}")
            self._init_locals(ctx)
            g.block(ctx, stmts)
            if extra:
                g.emit(ctx, '_c["_extra"] = {' + ", ".join(
                    f'"{n}": {self._full(n)}' for n in extra) + "}")
            g.emit(ctx, "return _c")
        self._hook("def cnexp_coeffs(xp, p, s, v, env):", "cnexp_coeffs", body)

    def _after_solve(self, solve) -> None:
        g = self.g
        stmts = self._state_stmts(solve)
        ctx = self._ctx(f"DERIVATIVE {solve.block.name}", stmts, "derivative", ("st", "_d"))
        extra = self._extra_names()

        def body():
            g.emit(ctx, "_d = {}")
            self._init_locals(ctx)
            g.block(ctx, stmts)
            g.emit(ctx, "return {" + ", ".join(f'"{n}": {self._full(n)}' for n in extra) + "}")
        self._hook("def after_solve(xp, p, s, a, v, env):", "after_solve", body)

    def _update(self, solve) -> None:
        g = self.g
        blk = solve.block
        if blk.args:
            raise self.err(f"SOLVE {blk.name}: a PROCEDURE solved as the state update takes no "
                           f"arguments", solve.stmt.span)
        back = [n for n, v in self.vars.items() if v.role == "state"] + list(self.carried)

        def body():
            ctx = Ctx(f"SOLVE {blk.name}", {}, ("st",))
            g.emit(ctx, f"F.f_{blk.name}()")
            items = [f'"{n}": {self._full(n)}' for n in self.vars if n in back]
            g.emit(ctx, "return {**s, " + ", ".join(items) + "}")
        self._hook("def update(xp, p, s, v, env):", "update", body)

    def _after_cvode(self, solve) -> None:
        """``SOLVE proc METHOD after_cvode``: NEURON's fixed step runs ``proc`` in nrn_state,
        after the voltage update, with the values BREAKPOINT left (``a``) and the new v; its
        STATEs and carried values go on, the ASSIGNED it writes are what hoc reads."""
        g = self.g
        blk = solve.block
        if blk.args:
            raise self.err(f"SOLVE {blk.name}: a PROCEDURE solved as the state update takes no "
                           f"arguments", solve.stmt.span)
        back = [n for n, v in self.vars.items() if v.role == "state"] + list(self.carried)
        back += [n for n in self.w_state if n not in back and self.vars.get(n) is not None
                 and self.vars[n].role == "assigned"]

        def body():
            ctx = Ctx(f"SOLVE {blk.name}", {}, ("st",))
            g.emit(ctx, f"F.f_{blk.name}()")
            items = [f'"{n}": {self._full(n)}' for n in self.vars if n in back]
            g.emit(ctx, "return {" + ", ".join(items) + "}")
        self._hook("def after_solve(xp, p, s, a, v, env):", "after_cvode", body)

    def _init_params(self) -> bool:
        """``init_params(xp, p) -> {PARAMETER: value}`` when INITIAL assigns PARAMETERs
        (Exp2Syn keeps tau1 below tau2): INITIAL run with v = 0 and fresh states, for the
        parameters only, so the simulator can store the change on the objects as NEURON
        does.  Not generated when INITIAL sends events."""
        cm, g = self.cm, self.g
        params = [n for n in self.vars if self.vars[n].role == "parameter"
                  and not self.vars[n].size and n in self.w_init]
        if not params or cm.initial is None:
            return False
        stmts = cm.initial.body.stmts
        ctx = self._ctx("INITIAL", stmts)
        sends = receive.initial_sends(cm)

        def body():
            if sends:       # (NetStim's INITIAL clamps noise and sends: the sends are dropped)
                g.emit(ctx, "_all = xp.ones(xp.shape(v), dtype=xp.bool_)")
                g.emit(ctx, "_sends = []")
            self._init_locals(ctx)
            g.block(ctx, stmts)
            g.emit(ctx, "return {" + ", ".join(f'"{n}": st["{n}"]' for n in params) + "}")
        first = params[0]
        self._hook("def init_params(xp, p):\n    s = {}\n    env = {\"dt\": 0.025}\n"
                   f"    v = 0.0 * xp.asarray(p[\"{first}\"])", "initial", body)
        return True

    def _kinetic(self, solve):
        if self.kinetic_rewrite is None:
            raise self.err(f"KINETIC {solve.block.name}: the kinetic scheme translation is not "
                           f"available in this build", solve.stmt.span)
        return self.kinetic_rewrite(self, solve)

    def _tables(self) -> None:
        """``tables(globals, celsius, dt, usetable)``: each TABLE built on the host."""
        g = self.g
        g.raw("def tables(globals_, celsius, dt=0.025, usetable=True):")
        g.raw("    xp = _np")
        g.raw("    v = _np.zeros(1)")
        g.raw("    env = {\"dt\": float(dt), \"celsius\": float(celsius), \"usetable\": False}")
        g.raw("    st = {}")
        g.raw("    st[\"v\"] = v")
        g.raw("    st[\"t\"] = 0.0")
        g.raw("    st[\"dt\"] = float(dt)")
        g.raw("    st[\"celsius\"] = float(celsius)")
        for n in GEOMETRY:
            g.raw(f'    st["{n}"] = 500.0' if n == "diam" else f'    st["{n}"] = 1.0')
        for name, info in self.vars.items():
            sym = symbol_of(self.cm, name)
            if info.role == "parameter":
                default = float(sym.value) if sym.value is not None else 0.0
                val = f'float(globals_.get("{name}", {default!r}))'
            else:
                val = "0.0"
            g.raw(f'    st["{name}"] = ' + (f"[{val}] * {info.size}" if info.size else val))
        g.raw("    F = _Bound(xp, env, st, FUNCS)")
        g.raw("    out = {}")
        ctx = Ctx("TABLE", {}, ("st",))
        for name, tab in g.tables.items():
            deps = []
            for d in tab.stmt.depend:
                if d in BUILTINS or d in self.vars:
                    deps.append(f'st["{d}"]')
                else:
                    raise self.err(f"TABLE DEPEND names '{d}', which is not a variable",
                                   tab.stmt.span)
            lo = g.expr(ctx, tab.stmt.start)
            hi = g.expr(ctx, tab.stmt.stop)
            key = f"table_{name}"
            g.raw(f"    def build_{name}():")
            g.raw(f"        tmin = float({lo})")
            g.raw(f"        tmax = float({hi})")
            g.raw(f"        xs = _grid(tmin, tmax, {tab.n})")
            g.raw("        st2 = dict(st)")
            g.raw(f"        r = _f_{name}(xp, env, st2, xs)")
            if tab.names:
                cols = ", ".join(f'_full(xp, st2["{n}"], xs)' for n in tab.names)
            else:
                cols = "_full(xp, r, xs)"
            g.raw(f"        rows = _rows(_np.stack([{cols}]))")
            g.raw(f"        dx = (tmax - tmin) / {float(tab.n)!r}")
            g.raw(f'        return {{"{key}": rows, "{key}_tmin": tmin, "{key}_mfac": 1.0 / dx}}')
            g.raw(f'    out.update(_cache.get("{name}", ({", ".join(deps)}{"," if deps else ""}), '
                  f"build_{name}, usetable))")
        g.raw("    return out")
        g.raw()


def _read_after_update(stmts) -> set:
    """States whose cnexp update a later statement of the block reads."""
    flat = [st for st in _walk(stmts) if not isinstance(st, A.Block)]
    out = set()
    for i, st in enumerate(flat):
        if isinstance(st, A.Assign) and isinstance(st.target, A.Prime):
            x = st.target.name
            for later in flat[i + 1:]:
                if any(isinstance(n, A.Name) and n.name == x for n in A.walk(later)):
                    out.add(x)
                    break
    return out


def _walk(stmts):
    for st in stmts:
        yield st
        for n in A.walk(st):
            if n is not st and isinstance(n, A.Stmt):
                yield n


def _nested_locals(stmts):
    """LOCALs declared in nested blocks (if/else bodies): function-wide in the Python code."""
    out = []
    for st in stmts:
        if isinstance(st, A.Local):
            continue
        for n in A.walk(st):
            if isinstance(n, A.Local):
                out.extend((lv.name, lv.size) for lv in n.names)
    return out
