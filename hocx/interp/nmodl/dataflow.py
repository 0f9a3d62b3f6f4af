"""Which mechanism variables a block reads before it writes them (through its calls too).

An ASSIGNED (or file-level LOCAL) that a hook reads before setting must keep its value from
an earlier call (cashell's ``vol[j]``, set by ``geometry()`` in INITIAL and read by the
KINETIC block): the translator makes those *carried* variables, stepped along with the
STATEs.  The analysis is conservative: a write inside one branch of an ``if`` or inside a
loop does not count as a definite write, an element write never does.
"""
from __future__ import annotations

from ...syntax.nmodl import ast as A


class ReadsBefore:
    def __init__(self, blocks: dict, mech_vars: set):
        self.blocks = blocks          # FUNCTION/PROCEDURE name -> CodeBlock
        self.vars = mech_vars

    def of_block(self, stmts, written: set | None = None) -> set:
        out: set = set()
        self._stmts(stmts, set() if written is None else written, out, set(), ())
        return out

    def _stmts(self, stmts, W, out, local, stack):
        local = set(local)
        for st in stmts:
            if isinstance(st, A.Local):
                local.update(lv.name for lv in st.names)
        for st in stmts:
            self._stmt(st, W, out, local, stack)

    def _stmt(self, st, W, out, local, stack):
        if isinstance(st, A.Block):
            self._stmts(st.stmts, W, out, local, stack)
        elif isinstance(st, (A.Assign,)):
            self._expr(st.value, W, out, local, stack)
            tgt = st.target
            if isinstance(tgt, A.Name):
                if tgt.index is not None:
                    self._expr(tgt.index, W, out, local, stack)
                elif tgt.name in self.vars and tgt.name not in local:
                    W.add(tgt.name)
        elif isinstance(st, A.Protect):
            self._stmt(st.assign, W, out, local, stack)
        elif isinstance(st, A.ExprStmt):
            self._expr(st.expr, W, out, local, stack)
        elif isinstance(st, A.If):
            self._expr(st.cond, W, out, local, stack)
            w1, w2 = set(W), set(W)
            self._stmt(st.then, w1, out, local, stack)
            if st.orelse is not None:
                self._stmt(st.orelse, w2, out, local, stack)
            W |= (w1 & w2)
        elif isinstance(st, (A.FromLoop, A.While)):
            for e in (getattr(st, "start", None), getattr(st, "stop", None),
                      getattr(st, "by", None), getattr(st, "cond", None)):
                if e is not None:
                    self._expr(e, W, out, local, stack)
            inner = local | ({st.var} if isinstance(st, A.FromLoop) else set())
            self._stmt(st.body, set(W), out, inner, stack)
        elif isinstance(st, A.Reaction):
            for r in st.lhs + st.rhs:
                self._name(r.name, W, out, local)
                if r.index is not None:
                    self._expr(r.index, W, out, local, stack)
            for e in (st.kf, st.kb):
                if e is not None:
                    self._expr(e, W, out, local, stack)
        elif isinstance(st, A.Flux):
            self._name(st.target.name, W, out, local)
            self._expr(st.value, W, out, local, stack)
        elif isinstance(st, A.Conserve):
            self._expr(st.value, W, out, local, stack)
        elif isinstance(st, A.Compartment):
            inner = local | ({st.index} if st.index else set())
            self._expr(st.volume, W, out, inner, stack)

    def _name(self, name, W, out, local):
        if name in self.vars and name not in local and name not in W:
            out.add(name)

    def _expr(self, e, W, out, local, stack):
        if e is None:
            return
        for n in A.walk(e):
            if isinstance(n, A.Name):
                self._name(n.name, W, out, local)
            elif isinstance(n, A.Call) and n.name in self.blocks and n.name not in stack:
                blk = self.blocks[n.name]
                args = {a.name for a in blk.args} | {blk.name}
                if blk.body is not None:
                    self._stmts(blk.body.stmts, W, out, args, stack + (n.name,))


def call_graph(blocks: dict) -> dict:
    """FUNCTION/PROCEDURE name -> names of the user functions its body calls."""
    g = {}
    for name, blk in blocks.items():
        calls = set()
        if blk.body is not None:
            for n in A.walk(blk.body):
                if isinstance(n, A.Call) and n.name in blocks:
                    calls.add(n.name)
        g[name] = calls
    return g


def find_cycle(graph: dict):
    """A call cycle as a list of names, or None."""
    color: dict = {}

    def visit(n, path):
        color[n] = 1
        for m in sorted(graph.get(n, ())):
            if color.get(m) == 1:
                return path + [n, m]
            if color.get(m) is None:
                found = visit(m, path + [n])
                if found:
                    return found
        color[n] = 2
        return None

    for n in sorted(graph):
        if color.get(n) is None:
            found = visit(n, [])
            if found:
                i = found.index(found[-1])
                return found[i:]
    return None


def written(stmts, blocks: dict, mech_vars: set) -> set:
    """Every mechanism variable a block may write (through its calls too)."""
    out: set = set()
    seen: set = set()

    def walk(node, local):
        for n in A.walk(node):
            if isinstance(n, A.Assign) and isinstance(n.target, A.Name):
                if n.target.name in mech_vars and n.target.name not in local:
                    out.add(n.target.name)
            elif isinstance(n, A.Call) and n.name in blocks and n.name not in seen:
                seen.add(n.name)
                blk = blocks[n.name]
                if blk.body is not None:
                    walk(blk.body, {a.name for a in blk.args} | _locals(blk.body))
    for st in stmts:
        walk(st, _locals_of(stmts))
    return out


def _locals_of(stmts) -> set:
    return {lv.name for st in stmts if isinstance(st, A.Local) for lv in st.names}


def _locals(body) -> set:
    return {lv.name for n in A.walk(body) if isinstance(n, A.Local) for lv in n.names}
