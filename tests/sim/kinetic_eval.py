"""Test support: a tiny direct evaluator of NMODL statement ASTs (numpy or jax.numpy), so the
KINETIC rewrite and the Newton methods can be tested without the translator.

Only what the test mods use: numbers, names (arrays as Python lists), + - * / ^ comparisons,
unary minus, math calls, PROCEDURE calls (no arguments or by value), LOCAL, assignments,
FROM loops, if/else.  Mechanism variables live in ``st``; LOCALs and loop variables in ``loc``.
"""
from __future__ import annotations

import math

import numpy as np

from hocx.interp.nmodl import kinetic as K
from hocx.spec.kinetic import KineticSpec
from hocx.syntax.nmodl import ast as A
from hocx.syntax.nmodl.parser import parse_mod

FARADAY = 96485.3321233100184


class Eval:
    def __init__(self, mod, xp, consts=None):
        self.xp = xp
        self.procs = {b.name: b for b in mod.flat_items()
                      if isinstance(b, A.CodeBlock) and b.keyword in ("PROCEDURE", "FUNCTION")}
        self.consts = {"PI": math.pi, "FARADAY": FARADAY, **defines(mod), **(consts or {})}

    # -- expressions
    def expr(self, e, st, loc):
        xp = self.xp
        if isinstance(e, A.Num):
            return e.value
        if isinstance(e, A.Name):
            if e.name in loc:
                val = loc[e.name]
            elif e.name in st:
                val = st[e.name]
            elif e.name in self.consts:
                val = self.consts[e.name]
            else:
                raise KeyError(e.name)
            if e.index is not None:
                return val[int(self.expr(e.index, st, loc))]
            return val
        if isinstance(e, A.Unary):
            x = self.expr(e.operand, st, loc)
            return -x if e.op == "-" else (x == 0)
        if isinstance(e, A.Binary):
            a, b = self.expr(e.left, st, loc), self.expr(e.right, st, loc)
            return {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b,
                    "/": lambda: a / b, "^": lambda: a ** b, "<": lambda: a < b,
                    ">": lambda: a > b, "<=": lambda: a <= b, ">=": lambda: a >= b,
                    "==": lambda: a == b, "!=": lambda: a != b}[e.op]()
        if isinstance(e, A.Call):
            args = [self.expr(a, st, loc) for a in e.args]
            if e.name in self.procs:
                return self.call(self.procs[e.name], args, st)
            f = {"fabs": xp.abs, "exp": xp.exp, "log": xp.log, "sqrt": xp.sqrt,
                 "pow": lambda a, b: a ** b}[e.name]
            return f(*args)
        raise NotImplementedError(type(e).__name__)

    def call(self, blk, args, st):
        loc = {a.name if hasattr(a, "name") else str(a): v for a, v in zip(blk.args, args)}
        if blk.keyword == "FUNCTION":
            loc[blk.name] = 0.0
        self.run(blk.body.stmts, st, loc)
        return loc.get(blk.name, 0.0)

    # -- statements
    def run(self, stmts, st, loc):
        xp = self.xp
        for s in stmts:
            if isinstance(s, A.Local):
                for lv in s.names:
                    loc[lv.name] = [0.0] * int(lv.size) if lv.size else 0.0
            elif isinstance(s, A.Assign) and isinstance(s.target, A.Prime):
                loc["__d_" + s.target.name] = self.expr(s.value, st, loc)
            elif isinstance(s, A.Assign):
                val = self.expr(s.value, st, loc)
                tgt = s.target
                d = loc if tgt.name in loc else st
                if tgt.index is not None:
                    i = int(self.expr(tgt.index, st, loc))
                    arr = list(d[tgt.name])
                    arr[i] = val
                    d[tgt.name] = arr
                else:
                    d[tgt.name] = val
            elif isinstance(s, A.ExprStmt):
                self.expr(s.expr, st, loc)
            elif isinstance(s, A.Block):
                self.run(s.stmts, st, loc)
            elif isinstance(s, A.FromLoop):
                lo = int(self.expr(s.start, st, loc))
                hi = int(self.expr(s.stop, st, loc))
                for j in range(lo, hi + 1):
                    loc[s.var] = j
                    self.run(s.body.stmts, st, loc)
            elif isinstance(s, A.If):
                c = self.expr(s.cond, st, loc)
                if isinstance(c, (bool, np.bool_)) or np.ndim(c) == 0 and xp is np:
                    if bool(c):
                        self.run(s.then.stmts, st, loc)
                    elif s.orelse is not None:
                        self.run((s.orelse,), st, loc)
                else:
                    st1, loc1 = dict(st), dict(loc)
                    self.run(s.then.stmts, st1, loc1)
                    st2, loc2 = dict(st), dict(loc)
                    if s.orelse is not None:
                        self.run((s.orelse,), st2, loc2)
                    for dst, a, b in ((st, st1, st2), (loc, loc1, loc2)):
                        for k in set(a) | set(b):
                            if a.get(k) is not b.get(k):
                                dst[k] = xp.where(c, a[k], b[k])
            elif isinstance(s, (A.UnitsToggle,)):
                continue
            else:
                raise NotImplementedError(type(s).__name__)


def block(mod, keyword, name=None):
    for b in mod.flat_items():
        if isinstance(b, A.CodeBlock) and b.keyword == keyword and (name is None or b.name == name):
            return b
    raise KeyError(keyword)


def defines(mod):
    return {it.name: it.value for it in mod.flat_items() if isinstance(it, A.Define)}


def param_defaults(mod):
    return {d.name: (d.value if d.value is not None else 0.0) for it in mod.flat_items()
            if isinstance(it, A.DeclBlock) and it.keyword in ("PARAMETER", "CONSTANT")
            for d in it.decls}


def state_sizes(mod, keyword="STATE"):
    out = {}
    defs = defines(mod)
    for it in mod.flat_items():
        if isinstance(it, A.DeclBlock) and it.keyword == keyword:
            for d in it.decls:
                size = defs.get(d.size, d.size)
                out[d.name] = int(size) if size else None
    return out


def kinetic_spec(text, xp, consts=None, params=None):
    """(KineticSpec, rewrite) for the first KINETIC block of ``text``; ``system`` evaluates the
    rewritten body with ``st = {**params, **p, **s, v, dt}``."""
    mod = parse_mod(text, "t.mod")
    blk = block(mod, "KINETIC")
    rw = K.rewrite(blk, state_sizes(mod), text=text)
    ev = Eval(mod, xp, consts)
    fixed = {**param_defaults(mod), **(params or {})}
    states = state_sizes(mod)

    def system(xp_, p, s, v, env):
        st = {**fixed, **p, **{k: (list(val) if states.get(k) else val) for k, val in s.items()},
              "v": v, "dt": env["dt"], "celsius": env.get("celsius", 6.3)}
        before = dict(st)
        loc = {}
        ev.run(rw.body.stmts, st, loc)
        out = {k: loc[k] for k in K.KineticRewrite.__dataclass_fields__["outputs"].default}
        for k, val in st.items():
            if k not in states and (k not in before or before[k] is not val):
                out[k] = val
        return out
    spec = KineticSpec(rw.unknowns, system, rw.ncons, rw.linflag, rw.name)
    return spec, rw, mod, ev


def derivative_fn(text, xp, name=None, params=None, assigned=()):
    """``derivative(xp, p, s, v, env) -> {state: x', assigned: value}`` of a DERIVATIVE block."""
    mod = parse_mod(text, "t.mod")
    blk = block(mod, "DERIVATIVE", name)
    ev = Eval(mod, xp)
    fixed = {**param_defaults(mod), **(params or {})}

    def derivative(xp_, p, s, v, env):
        st = {**fixed, **p, **s, "v": v, "dt": env["dt"]}
        loc = {}
        ev.run(blk.body.stmts, st, loc)
        out = {k[4:]: val for k, val in loc.items() if k.startswith("__d_")}
        out.update({k: st[k] for k in assigned})
        return out
    return derivative, mod
