"""KINETIC blocks -> the ``system`` hook of a :class:`hocx.spec.kinetic.KineticSpec`.

:func:`hocx.interp.nmodl.kinetic.rewrite` turns the block into ordinary statements that
fill the LOCAL lists ``_kF _kJ _kV _kC _kCJ`` (see :mod:`hocx.spec.kinetic`); they are
compiled here like any block body into ``system(xp, p, s, v, env)``, which returns those
lists and every other mechanism variable the block assigns (``cai = ca[0]``).  The spec's
``derivative`` is ``F/V`` per state (:func:`hocx.spec.kinetic.derivative_of`).
"""
from __future__ import annotations

import os

from ...errors import HocError
from ...syntax.nmodl import ast as A
from .dataflow import written


def first_seen(cm) -> dict:
    """Each name's rank of first appearance in the file (nocmodl installs names in its
    symbol table as the lexer meets them)."""
    order: dict = {}

    def see(name):
        if name not in order:
            order[name] = len(order)

    for it in cm.mod.flat_items():
        for n in A.walk(it):
            if isinstance(n, A.NameList):
                for nm in n.names:
                    see(nm)
            elif isinstance(n, (A.Name, A.Prime, A.Reactant, A.Decl, A.LocalVar)):
                see(n.name)
            elif isinstance(n, A.UseIon):
                for nm in n.read + n.write:
                    see(nm)
    return order


def _texts(cm) -> dict:
    out = {cm.mod.path: cm.mod.text}
    for it in cm.mod.flat_items():
        if isinstance(it, A.Include):
            for sub in A.walk(it):
                f = getattr(getattr(sub, "span", None), "file", None)
                if f and f not in out and os.path.isfile(f):
                    try:
                        with open(f, encoding="utf-8", errors="replace") as fh:
                            out[f] = fh.read()
                    except OSError:
                        pass
    return out


def kinetic_rewrite(asm, solve):
    """Generate ``system`` for ``SOLVE <kinetic> METHOD sparse``; returns (rewrite info)."""
    from . import kinetic as K     # H3's rewrite
    cm, g = asm.cm, asm.g
    blk = solve.block
    states = {n: v.size for n, v in asm.vars.items() if v.role == "state"}
    blk = _only_state_compartments(blk, states)
    try:
        rw = K.rewrite(blk, states, first_seen=first_seen(cm), text=_texts(cm))
    except HocError as e:
        if e.source_line is None and e.span is not None:
            raise asm.err(e.message, e.span, e.hint) from None
        raise
    g.notices.extend(rw.notices)
    stmts = rw.body.stmts
    ctx = asm._ctx(f"KINETIC {blk.name}", stmts)
    mech = set(asm.vars)
    others = [n for n in written(stmts, asm.user, mech) if asm.vars[n].role != "state"]
    others = [n for n in asm.vars if n in others]

    def body():
        asm._init_locals(ctx)
        g.block(ctx, stmts)
        items = [f'"{k}": l_{k}' for k in rw.outputs]
        items += [f'"{n}": {asm._full(n)}' for n in others]
        g.emit(ctx, "return {" + ", ".join(items) + "}")
    asm._hook("def kinetic_system(xp, p, s, v, env):", "system", body)
    return rw


def _only_state_compartments(blk: A.CodeBlock, states) -> A.CodeBlock:
    """nocmodl ignores a COMPARTMENT of a non-STATE (capmpr.mod's ``{cao}``): drop those names."""
    stmts = []
    changed = False
    for st in blk.body.stmts:
        if isinstance(st, A.Compartment) and any(n not in states for n in st.names):
            changed = True
            names = tuple(n for n in st.names if n in states)
            if names:
                stmts.append(A.Compartment(st.span, st.index, st.volume, names, st.longitudinal))
            continue
        stmts.append(st)
    if not changed:
        return blk
    return A.CodeBlock(blk.span, blk.keyword, blk.name, blk.args, blk.unit,
                       A.Block(blk.body.span, tuple(stmts)), blk.name_span, blk.solvefor)
