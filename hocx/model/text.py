"""NEURON's text views of the model: ``topology()`` and ``psection()`` (language.md §3.4).

Both return the exact text nrniv prints (solve.cpp ``nrnhoc_topology``/``dashes``,
psection.cpp), so conformance and parity tests can compare byte for byte.
"""
from __future__ import annotations

from ..interp.objects import HocObject
from .geometry import section_order


def _g(x: float) -> str:
    """C's ``%g``."""
    return "%g" % x


def _orient(sec) -> str:
    i = int(sec.child_end)
    return f"({i}-{1 - i})"


def _index_exact(parent, x: float) -> int:
    """NEURON's node_index_exact: -1 at the attached end, nseg at the far end, else the node."""
    if x == 0.0 or x == 1.0:
        return -1 if x == parent.child_end else parent.nseg
    return parent.phys(parent.node_ref(x)[2])


def _dashes(sec, offset: int, first: str, out: list[str]) -> None:
    line = " " * offset + first + "-" * (sec.nseg - 1) + "|       " + sec.name() + _orient(sec)
    if sec.rallbranch != 1:
        line += f" with {_g(sec.rallbranch)} rall branches"
    out.append(line + "\n")
    for ch in reversed(sec.children):
        i = _index_exact(sec, ch.parent_x)
        out.append(" ")
        _dashes(ch, i + offset + 1, "`", out)


def topology(model) -> str:
    """The text of ``topology()``: a blank line, one drawing per root, a blank line."""
    out = ["\n"]
    for sec in model.sections:
        if sec.parent is None:
            out.append("|")
            _dashes(sec, 0, "-", out)
    out.append("\n")
    return "".join(out)


def _prop_line(sec, p, k: int) -> str:
    reg = sec.model.registry
    if isinstance(p, HocObject) or not isinstance(p, str):
        mech = p.mechanism
        vals = " ".join(f"{n}={_g(p.values[n] if mech.var(n).size == 1 else p.values[n][0])}"
                        for n in mech.parameters)
        return f"\tinsert {mech.name} {{{' ' + vals if vals else ''}}}\n"
    mech = reg.get(p)
    names = [mech.parameters[0]] if mech.kind == "ion" else list(mech.parameters)
    vals = " ".join(f"{n}={_g(sec.seg[n][k])}" for n in names)
    return f"\tinsert {p} {{{' ' + vals if vals else ''}}}\n"


def psection(sec) -> str:
    """The text of ``psection()`` for one section (first segment's mechanisms)."""
    sec.sync_diam()
    model = sec.model
    head = f"{sec.name()} {{ nseg={sec.nseg}  L={_g(sec.L)}  Ra={_g(sec.Ra)}"
    if sec.rallbranch != 1:
        head += f" rallbranch={_g(sec.rallbranch)}"
    out = [head + "\n"]
    if sec.parent is not None:
        out.append(f"\t{sec.parent.name()} connect {sec.name()} ({_g(sec.child_end)}), {_g(sec.parent_x)}\n")
    else:
        roots = [s for s in section_order(model) if s.parent is None]
        out.append(f"\t/*location {_g(sec.child_end)} attached to cell {roots.index(sec)}*/\n")
    out.append("\t/* First segment only */\n")
    k = sec.phys(0)
    for p in reversed(sec.props[k]):
        out.append(_prop_line(sec, p, k))
    out.append("}\n")
    return "".join(out)
