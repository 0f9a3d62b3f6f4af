"""NET_RECEIVE (NMODL II): the generated event hooks of a point process / artificial cell.

The simulator's event engine (``hocx.sim``) delivers events in rounds, at most one per
receiving instance per round, and calls (arrays per instance of the round)::

    receive_event(xp, p, s, args, flag, t, v, env) -> {
        "s": every name of spec.states after the block (STATEs and stepped ASSIGNEDs),
        "a": the stepped ASSIGNEDs (a subset of "s", for readers that want only those),
        "args": tuple, the NET_RECEIVE arguments after the block (weight-vector entries),
        "v": the membrane potential after the block, or None if the block never assigns v,
        "sends": [(mask, delay, flag)]   one per net_send executed (absolute time t + delay),
        "events": [(mask, time)]         one per net_event(time) executed,
        "moves": [(mask, time, nsend)]   one per net_move(time) executed; ``nsend``: how many
                                         "sends" entries came before it (net_move moves the
                                         event of the last net_send BEFORE it),
        "watch": [(mask, True)]          one per WATCH site: the instances where it ran,
    }
    receive_init(xp, p, s, args, t, env) -> args     the INITIAL block inside NET_RECEIVE
    watches[k] = (cond, flag)   cond(xp, p, s, v, env): nocmodl's _watch<k>_cond value,
                                ``(lhs) - (rhs)`` for ``>``, ``-((lhs) - (rhs))`` for ``<``

``args`` is a tuple of arrays in the order of ``spec.net_receive_args``; ``v`` an array of
the instances' shape (zeros for an ARTIFICIAL_CELL); ``t`` and ``flag`` arrays or scalars.
The block is vectorised like every hook: an ``if`` runs both branches under masks, so each
``net_send``/``net_event``/``net_move``/``WATCH`` site records the mask of the instances
that really took it.  NEURON's WATCH rule (``_nrn_watch_activate`` with ``_watch_rm++``): in
a call where any WATCH site ran, all of that instance's watches are first removed, then the
sites that ran are armed (``flag_ = value >= -hoc_epsilon``); a call where none ran leaves
them.  ``net_send`` in the mechanism's INITIAL returns ``"__sends"`` from ``initial``.

Also here: which ASSIGNEDs NET_RECEIVE makes *carried* (kept from call to call), the check
that the block is *additive* (``g = g + weight`` and the like: the engine may sum weights),
and the errors for what is not translated (FOR_NETCONS, events in a density mechanism).
"""
from __future__ import annotations

from ...syntax.nmodl import ast as A
from ...syntax.nmodl.check import MechKind
from .codegen import Ctx
from .dataflow import ReadsBefore, written

EVENT_CALLS = {"net_send": 2, "net_event": 1, "net_move": 1}


def _is_initial(st) -> bool:
    return isinstance(st, A.InitialStmt) or (isinstance(st, A.CodeBlock) and st.keyword == "INITIAL")


def body_stmts(cm) -> tuple:
    """NET_RECEIVE's statements without its INITIAL block."""
    nr = cm.net_receive
    if nr is None or nr.body is None:
        return ()
    return tuple(st for st in nr.body.stmts if not _is_initial(st))


def init_block(cm):
    nr = cm.net_receive
    if nr is None or nr.body is None:
        return None
    for st in nr.body.stmts:
        if _is_initial(st):
            return st
    return None


def watch_items(cm) -> list:
    """Every WATCH item of NET_RECEIVE in source order (one watch site each)."""
    out = []
    for st in body_stmts(cm):
        for n in A.walk(st):
            if isinstance(n, A.Watch):
                out.extend(n.items)
    return sorted(out, key=lambda w: (w.span.line, w.span.col) if w.span else (0, 0))


def check(asm) -> None:
    """Refuse what is not translated, with the mod's span."""
    cm = asm.cm
    for blk in cm.mod.flat_items():
        if not isinstance(blk, A.CodeBlock) or blk.body is None:
            continue
        for n in A.walk(blk.body):
            if isinstance(n, A.ForNetcons):
                raise asm.err("FOR_NETCONS is not supported by hocx yet", n.span,
                              hint="hocx keeps each NetCon's NET_RECEIVE arguments as per-NetCon "
                                   "state but cannot loop over them from the block")
            if cm.kind is MechKind.DENSITY and (
                    (isinstance(n, A.Call) and n.name in EVENT_CALLS) or isinstance(n, A.Watch)):
                what = n.name if isinstance(n, A.Call) else "WATCH"
                raise asm.err(f"{what} in a density mechanism (SUFFIX {cm.name}): events need a "
                              f"POINT_PROCESS or ARTIFICIAL_CELL", n.span)
    if cm.kind is MechKind.DENSITY and cm.net_receive is not None:
        raise asm.err(f"NET_RECEIVE in a density mechanism (SUFFIX {cm.name}): only a "
                      f"POINT_PROCESS or ARTIFICIAL_CELL receives events", cm.net_receive.span)


def carried(asm, store: set) -> set:
    """ASSIGNEDs NET_RECEIVE needs kept between calls: those it reads before writing (set by
    INITIAL or an earlier event: LIFcell's m, t0; NMDAmg's factor), those its WATCH
    conditions read, and the visible ones it writes that BREAKPOINT does not recompute
    (IzhPP's nspike)."""
    cm = asm.cm
    if cm.net_receive is None:
        return set()
    mech = set(asm.vars)
    stmts = body_stmts(cm)
    args = {a.name for a in cm.net_receive.args}
    rb = ReadsBefore(asm.user, mech - args)
    out = rb.of_block(stmts) & store
    for w in watch_items(cm):
        out |= {n.name for n in A.walk(w.cond) if isinstance(n, A.Name)} & store
    w_nr = written(stmts, asm.user, mech - args) & store
    visible = set(cm.range_names) | set(cm.global_names)
    out |= {n for n in w_nr if n in visible and n not in asm.w_bp}
    # a value a later BREAKPOINT / SOLVE reads before setting is carried already (asm.run)
    return out


def initial_sends(cm) -> bool:
    if cm.initial is None:
        return False
    return any(isinstance(n, A.Call) and n.name == "net_send" for n in A.walk(cm.initial.body))


class Special:
    """``Gen.special``: the NMODL II statements (event calls, WATCH, ``v = ...``) wherever
    the code generator meets them; returns True when it emitted the statement."""

    def __init__(self, asm):
        self.asm = asm
        self.sites = {id(w): k for k, w in enumerate(watch_items(asm.cm))}

    def __call__(self, ctx: Ctx, st) -> bool:
        g = self.asm.g
        in_nr = ctx.where == "NET_RECEIVE"
        if _is_initial(st):
            if in_nr:
                return True          # receive_init runs it
            return False
        if isinstance(st, A.ExprStmt) and isinstance(st.expr, A.Call) \
                and st.expr.name in EVENT_CALLS:
            call = st.expr
            n = EVENT_CALLS[call.name]
            if len(call.args) != n:
                raise self.asm.err(f"{call.name} takes {n} argument{'s' if n > 1 else ''} "
                                   f"(got {len(call.args)})", call.span)
            ok = in_nr or (ctx.where == "INITIAL" and call.name == "net_send")
            if not ok:
                raise self.asm.err(f"{call.name} in {ctx.where} cannot be translated by hocx",
                                   call.span, hint="hocx translates net_send/net_event/net_move "
                                                   "written directly in NET_RECEIVE (and "
                                                   "net_send in INITIAL)")
            mask = ctx.mask or "_all"
            vals = [f"_full(xp, {g.expr(ctx, a)}, v)" for a in call.args]
            target = {"net_send": "_sends", "net_event": "_events", "net_move": "_moves"}[call.name]
            if call.name == "net_move":      # + how many net_sends ran before it (their order)
                vals.append("len(_sends)")
            g.emit(ctx, f"{target}.append(({mask}, {', '.join(vals)}))")
            return True
        if isinstance(st, A.ExprStmt) and isinstance(st.expr, A.Call) \
                and st.expr.name == "at_time":
            # at_time(te) as a statement: NEURON's fixed step only reports whether te falls in
            # this step (its value is unused here); CVode would stop there (not in hocx)
            for a in st.expr.args:
                g.expr(ctx, a)          # still checked (names, calls)
            return True
        if isinstance(st, A.Watch):
            if not in_nr:
                raise self.asm.err("WATCH is only allowed in NET_RECEIVE", st.span)
            mask = ctx.mask or "_all"
            for w in st.items:
                k = self.sites[id(w)]
                g.emit(ctx, f"_wm[{k}] = xp.logical_or(_wm[{k}], {mask})")
            return True
        if isinstance(st, A.Assign) and in_nr and isinstance(st.target, A.Name) \
                and st.target.name == "v" and st.target.index is None:
            if self.asm.cm.kind is MechKind.ARTIFICIAL_CELL:
                raise self.asm.err("an ARTIFICIAL_CELL has no membrane potential to assign",
                                   st.target.span)
            g.emit(ctx, f'st["v"] = {g.expr(ctx, st.value)}')
            return True
        if isinstance(st, A.Assign) and in_nr and isinstance(st.target, A.Name) \
                and getattr(self.asm.vars.get(st.target.name), "role", None) == "ion":
            raise self.asm.err(f"assigning the ion variable {st.target.name} in NET_RECEIVE "
                               f"is not translated by hocx yet", st.target.span)
        if isinstance(st, A.Assign) and in_nr and isinstance(st.target, A.Name) \
                and st.target.name in ("t", "dt", "flag"):
            raise self.asm.err(f"hocx cannot assign {st.target.name} in NET_RECEIVE",
                               st.target.span)
        return False


def _assigns_v(stmts) -> bool:
    return any(isinstance(n, A.Assign) and isinstance(n.target, A.Name) and n.target.name == "v"
               for st in stmts for n in A.walk(st))


def generate(asm) -> dict:
    """Emit receive_event (+ receive_init, watch conditions); what the spec's meta needs."""
    cm, g = asm.cm, asm.g
    nr = cm.net_receive
    args = [a.name for a in nr.args]
    stmts = body_stmts(cm)
    items = watch_items(cm)
    hooks = ["receive_event"]
    keep = [n for n, v in asm.vars.items() if v.role == "state"] + list(asm.carried)
    stepped = [n for n in asm.carried]
    locs = asm._ctx("NET_RECEIVE", stmts).locals
    for a in args:
        locs.pop(a, None)
    ctx = Ctx("NET_RECEIVE", {**{a: None for a in args}, "flag": None, **locs}, ("st",))
    assigns_v = _assigns_v(stmts)

    def body():
        g.emit(ctx, 'st["t"] = t')
        g.emit(ctx, "_all = xp.ones(xp.shape(v), dtype=xp.bool_)")
        g.emit(ctx, "_sends, _events, _moves = [], [], []")
        g.emit(ctx, "_wm = [" + ", ".join("xp.zeros(xp.shape(v), dtype=xp.bool_)" for _ in items)
               + "]")
        g.emit(ctx, "l_flag = flag")
        for k, a in enumerate(args):
            g.emit(ctx, f"l_{a} = args[{k}]")
        for n, size in locs.items():
            size = asm._size(size)
            g.emit(ctx, f"l_{n} = " + (f"[0.0] * {size}" if size else "0.0"))
        g.block(ctx, stmts)
        s_items = ", ".join(f'"{n}": {asm._full(n)}' for n in asm.vars if n in keep)
        a_items = ", ".join(f'"{n}": {asm._full(n)}' for n in asm.vars if n in stepped)
        out_args = "(" + "".join(f"_full(xp, l_{a}, v), " for a in args) + ")"
        new_v = "_full(xp, st['v'], v)" if assigns_v else "None"
        g.emit(ctx, "return {'s': {" + s_items + "}, 'a': {" + a_items + "}, "
               "'args': " + out_args + ", 'v': " + new_v + ", "
               "'sends': _sends, 'events': _events, 'moves': _moves, "
               "'watch': [(m, True) for m in _wm]}")
    asm._hook("def receive_event(xp, p, s, args, flag, t, v, env):", "receive", body)

    init = init_block(cm)
    if init is not None:
        istmts = init.body.stmts if init.body is not None else ()
        mech = set(asm.vars) - set(args)
        bad = written(istmts, asm.user, mech)
        if bad:
            raise asm.err(f"the INITIAL block inside NET_RECEIVE assigns {', '.join(sorted(bad))}: "
                          f"hocx translates only assignments to the NET_RECEIVE arguments there",
                          init.span)
        ilocs = asm._ctx("NET_RECEIVE INITIAL", istmts).locals
        for a in args:
            ilocs.pop(a, None)
        ictx = Ctx("NET_RECEIVE INITIAL", {**{a: None for a in args}, **ilocs}, ("st",))

        def ibody():
            g.emit(ictx, 'st["t"] = t')
            for k, a in enumerate(args):
                g.emit(ictx, f"l_{a} = args[{k}]")
            for n, size in ilocs.items():
                size = asm._size(size)
                g.emit(ictx, f"l_{n} = " + (f"[0.0] * {size}" if size else "0.0"))
            g.block(ictx, istmts)
            g.emit(ictx, "return (" + "".join(f"_full(xp, l_{a}, v), " for a in args) + ")")
        asm._hook("def receive_init(xp, p, s, args, t, env):\n"
                  "    v = _full(xp, 0.0 * xp.asarray(t), xp.asarray(args[0]) * 0.0)",
                  "receive", ibody)
        hooks.append("receive_init")

    watches = []
    for k, w in enumerate(items):
        cond = w.cond
        if not (isinstance(cond, A.Binary) and cond.op in (">", "<")):
            raise asm.err("hocx translates WATCH (a > b) and WATCH (a < b) conditions", w.span)
        diff = A.Binary(cond.span, "-", cond.left, cond.right)
        if cond.op == "<":
            diff = A.Unary(cond.span, "-", diff)
        name = f"watch_cond_{k + 1}"
        wctx = Ctx("WATCH", {}, ("st",))

        def wbody(diff=diff, wctx=wctx):
            g.emit(wctx, f"return _full(xp, {g.expr(wctx, diff)}, v)")
        asm._hook(f"def {name}(xp, p, s, v, env):", "receive", wbody)
        hooks.append(name)
        watches.append((name, float(w.flag)))
    return {"hooks": hooks, "args": tuple(args), "watches": tuple(watches),
            "additive": additive(cm)}


def additive(cm) -> bool:
    """The block only adds ``weight`` (times factors that are not changed by the block, nor
    states, v or t) to STATEs, each STATE at most once: ExpSyn's ``g = g + weight``, NMDAmg's
    ``A = A + weight*factor``.  Then delivering the summed weight of several events at once
    gives the same result up to rounding."""
    nr = cm.net_receive
    if nr is None or len(nr.args) != 1 or init_block(cm) is not None:
        return False
    w = nr.args[0].name
    from .names import mech_variables
    vars_ = mech_variables(cm)
    states = {n for n, v in vars_.items() if v.role == "state"}
    targets = set()
    for st in body_stmts(cm):
        if isinstance(st, (A.Local, A.UnitsToggle)):
            continue
        if not isinstance(st, A.Assign) or not isinstance(st.target, A.Name) \
                or st.target.index is not None:
            return False
        x = st.target.name
        if x not in states or x in targets:
            return False
        targets.add(x)
        e = st.value
        if not (isinstance(e, A.Binary) and e.op == "+"):
            return False
        if _is_name(e.left, x):
            inc = e.right
        elif _is_name(e.right, x):
            inc = e.left
        else:
            return False
        if not _weight_term(inc, w, states, vars_):
            return False
    return bool(targets)


def _is_name(e, name) -> bool:
    return isinstance(e, A.Name) and e.name == name and e.index is None


def _weight_term(e, w, states, vars_) -> bool:
    """``weight`` or ``weight*c`` / ``c*weight`` / ``weight/c`` with ``c`` free of states,
    v, t, flag, calls and the weight."""
    if _is_name(e, w):
        return True
    if isinstance(e, A.Binary) and e.op in ("*", "/"):
        if _is_name(e.left, w) or (e.op == "*" and _weight_term(e.left, w, states, vars_)):
            return _constant_factor(e.right, w, states)
        if e.op == "*" and (_is_name(e.right, w) or _weight_term(e.right, w, states, vars_)):
            return _constant_factor(e.left, w, states)
    return False


def _constant_factor(e, w, states) -> bool:
    for n in A.walk(e):
        if isinstance(n, A.Call):
            return False
        if isinstance(n, A.Name) and (n.name in states or n.name in ("v", "t", "dt", "celsius",
                                                                      "flag", w)):
            return False
    return True


def summed_receive(receive_event, state_names):
    """For an additive block: ``receive(xp, p, s, w)`` (the summed-weight path the built-in
    ExpSyn uses): the block run once with the summed weight ``w`` of the step's events."""
    names = tuple(state_names)

    def receive(xp, p, s, w):
        zero = 0.0 * w
        out = receive_event(xp, p, s, (w,), zero, zero, zero, {"dt": 0.0, "celsius": 0.0})
        return {k: out["s"][k] for k in names if k in out["s"]}
    return receive
