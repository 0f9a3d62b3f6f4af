"""The REPL's ``plot`` command.

    plot rec_v                      a recorded Vector against time
    plot rec_vsoma rec_vdend        several traces on one pair of axes
    plot v(0.5) soma dend           a range variable at x in each section (needs a recording)
    plot rec_v 5:20                 only t from 5 to 20 ms
    plot ... > trace.png            write an image instead (needs matplotlib)

A range-variable trace comes from any Vector recording that location.  When
none exists the REPL starts recording it (hidden objrefs named ``hocx_rec_N``)
and says to run again.
"""
from __future__ import annotations

import re

import numpy as np

from ..errors import HocRuntimeError, HocSyntaxError
from . import introspect
from .plot import Trace, render, save_png
from .traces import named_trace, range_trace, var_units

_RANGE = re.compile(r"^(?P<var>[A-Za-z_]\w*)\((?P<x>[-+0-9.eE]+)\)$")
_XLIM = re.compile(r"^(?P<a>[-+]?[0-9.]+(?:[eE][-+]?\d+)?)?:(?P<b>[-+]?[0-9.]+(?:[eE][-+]?\d+)?)?$")
HIDDEN_PREFIX = "hocx_rec_"

USAGE = "usage: plot VECTOR... | plot VAR(x) SECTION... [T0:T1] [> file.png]"


def parse(args: str) -> tuple[list[tuple[str, tuple]], str | None]:
    """Split plot arguments into items and a file name.

    Items are ('vector', (name,)), ('range', (var, x, section)) and ('xlim', (t0, t1)),
    where an open end of ``T0:T1`` is None.
    """
    target = None
    if ">" in args:
        args, target = args.rsplit(">", 1)
        target = target.strip()
        if not target:
            raise HocSyntaxError("plot ... > needs a file name", hint=USAGE)
    # glue "v (0.5)" and "v( 0.5 )" into one token
    args = re.sub(r"\s*\(\s*", "(", args)
    args = re.sub(r"\s*\)", ")", args)
    tokens = args.split()
    if not tokens:
        raise HocSyntaxError("plot needs something to plot", hint=USAGE)
    items: list[tuple[str, tuple]] = []
    current: tuple[str, float] | None = None
    pending_range = False
    for tok in tokens:
        m = _XLIM.match(tok)
        if m and tok != ":":
            try:
                lo, hi = (float(g) if g else None for g in (m.group("a"), m.group("b")))
            except ValueError:
                raise HocSyntaxError(f"bad time range {tok}", hint=USAGE) from None
            items.append(("xlim", (lo, hi)))
            continue
        m = _RANGE.match(tok)
        if m:
            try:
                current = (m.group("var"), float(m.group("x")))
            except ValueError:
                raise HocSyntaxError(f"bad location in {tok}", hint=USAGE) from None
            pending_range = True
            continue
        if current is not None:
            items.append(("range", (current[0], current[1], tok)))
            pending_range = False
        else:
            items.append(("vector", (tok,)))
    if pending_range:
        raise HocSyntaxError(f"plot {current[0]}({current[1]:g}) needs section names",
                             hint="for example: plot v(0.5) soma dend")
    return items, target


def _arm_recording(engine, section: str, var: str, x: float) -> str:
    """Record section.var(x) from the next run with a hidden Vector; returns its name."""
    existing = {n for n in introspect.names(engine.session) if n.startswith(HIDDEN_PREFIX)}
    n = 0
    while f"{HIDDEN_PREFIX}{n}" in existing:
        n += 1
    name = f"{HIDDEN_PREFIX}{n}"
    engine.session.execute(f"objref {name}\n", "<plot>")
    engine.session.execute(f"{name} = new Vector()\n", "<plot>")
    engine.session.execute(f"{{{name}.record(&{section}.{var}({x:g}))}}\n", "<plot>")
    return name


def collect(engine, items) -> tuple[list[Trace], list[str]]:
    """Traces for the parsed items, plus the locations that are now being recorded."""
    traces: list[Trace] = []
    armed: list[str] = []
    sections = set(introspect.section_names(engine.session))
    for kind, val in items:
        if kind == "xlim":
            continue
        if kind == "vector":
            traces.append(named_trace(engine.session, val[0]))
            continue
        var, x, sec = val
        if sections and sec not in sections:
            from ..errors import HocNameError, suggest
            hint = suggest(sec, sections)
            raise HocNameError(f"{sec} is not a section", hint=f"did you mean '{hint}'?" if hint else None)
        tr = range_trace(engine.session, sec, var, x)
        if tr is None:
            _arm_recording(engine, sec, var, x)
            armed.append(f"{sec}.{var}({x:g})")
        else:
            tr.units = tr.units or var_units(engine.session, var)
            traces.append(tr)
    return traces, armed


def clip(traces: list[Trace], lo: float | None, hi: float | None) -> list[Trace]:
    """The part of each trace with lo <= x <= hi."""
    out = []
    for tr in traces:
        keep = np.ones(len(tr.x), dtype=bool)
        if lo is not None:
            keep &= tr.x >= lo
        if hi is not None:
            keep &= tr.x <= hi
        if not keep.any():
            raise HocRuntimeError(f"{tr.label} has no samples between {lo} and {hi} ms")
        out.append(Trace(tr.label, tr.x[keep], tr.y[keep], tr.units))
    return out


def plot_command(engine, args: str) -> None:
    items, target = parse(args)
    traces, armed = collect(engine, items)
    for kind, (lo, hi) in (it for it in items if it[0] == "xlim"):
        traces = clip(traces, lo, hi)
    if armed:
        engine.message("now recording " + ", ".join(armed) + ": run() and plot again", "yellow")
    if not traces:
        if not armed:
            raise HocRuntimeError("nothing to plot", hint=USAGE)
        return
    if target:
        save_png(traces, target)
        engine.message(f"wrote {target} ({len(traces)} trace{'s' * (len(traces) > 1)})")
        return
    width = engine.plot_defaults.get("width") or min(engine.console.width, 100)
    height = engine.plot_defaults.get("height", 16)
    engine.console.print(render(traces, width=width, height=height), soft_wrap=True)
