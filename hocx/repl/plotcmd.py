"""The REPL's ``plot`` command.

    plot rec_v                      a recorded Vector against time
    plot rec_vsoma rec_vdend        several traces
    plot v(0.5) soma dend           a range variable at x in each section (needs a recording)
    plot soma.m_hh(0.5) soma.ina(0.5)   section.var(x) locations
    plot rec_v [5:20]               only t from 5 to 20 ms (also 5:20, [5:], [:20])
    plot rec_v "soma, 0.4 nA"       a title
    plot g                          the curves a legacy Graph g was asked to draw
    plot ... > trace.png            write an image instead: .png, .svg or .pdf (needs matplotlib)

Traces in different units get one y axis each (stacked panels), labelled with the
quantity and its unit: ``v (mV)``, ``ina (mA/cm2)``, ``m_hh`` (no unit).  A location
that no Vector records is an error ("not recorded yet: record it and run again") and
no file is written; hocx starts recording it with a hidden Vector (``hocx_rec_N``,
never listed, exported or named in messages) so that the next run has it.
"""
from __future__ import annotations

import re

import numpy as np

from ..errors import HocError, HocNameError, HocRuntimeError, HocSyntaxError, suggest
from . import introspect
from .plot import Trace, render, save_png
from .traces import HIDDEN_PREFIX, is_armed, named_trace, range_trace, var_units, vectors

_NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_RANGE = re.compile(r"^(?P<var>[A-Za-z_]\w*)\((?P<x>[-+0-9.eE]+)\)$")
_LOCATION = re.compile(r"^(?P<sec>[A-Za-z_][\w\[\]]*(?:\.[A-Za-z_][\w\[\]]*)*)\."
                       r"(?P<var>[A-Za-z_]\w*)\((?P<x>[-+0-9.eE]+)\)$")
_XLIM = re.compile(rf"^\[?(?P<a>{_NUM})?:(?P<b>{_NUM})?\]?$")
_TITLE = re.compile(r"\"([^\"]*)\"|'([^']*)'")

USAGE = ('usage: plot VECTOR... | plot VAR(x) SECTION... | plot SECTION.VAR(x)... '
         '[T0:T1] ["title"] [> file.png|.svg|.pdf]')


def parse(args: str) -> tuple[list[tuple[str, tuple]], str | None]:
    """Split plot arguments into items and a file name.

    Items are ('vector', (name,)), ('range', (var, x, section)), ('xlim', (t0, t1)) and
    ('title', (text,)), where an open end of ``T0:T1`` is None.
    """
    target = None
    titles = [a or b for a, b in _TITLE.findall(args)]
    args = _TITLE.sub(" ", args)
    if ">" in args:
        args, target = args.rsplit(">", 1)
        target = target.strip()
        if not target:
            raise HocSyntaxError("plot ... > needs a file name", hint=USAGE)
    # glue "v (0.5)" and "v( 0.5 )" into one token, and "[ 5 : 20 ]" into one
    args = re.sub(r"\s*\(\s*", "(", args)
    args = re.sub(r"\s*\)", ")", args)
    args = re.sub(r"\[\s*([^\]\s]*)\s*:\s*([^\]\s]*)\s*\]", r"[\1:\2]", args)
    tokens = args.split()
    if not tokens:
        raise HocSyntaxError("plot needs something to plot", hint=USAGE)
    items: list[tuple[str, tuple]] = []
    current: tuple[str, float] | None = None
    pending_range = False
    for tok in tokens:
        if ":" in tok and tok.strip("[]") != ":" and "(" not in tok:
            m = _XLIM.match(tok)
            if not m:
                raise HocSyntaxError(f"bad time range {tok}", hint="for example [5:20], 5:20, [5:] or [:20]")
            lo, hi = (float(g) if g else None for g in (m.group("a"), m.group("b")))
            if lo is not None and hi is not None and hi <= lo:
                raise HocSyntaxError(f"bad time range {tok}: the end must be after the start")
            items.append(("xlim", (lo, hi)))
            continue
        if tok in ("[:]", ":"):
            continue
        m = _LOCATION.match(tok)
        if m:
            try:
                items.append(("range", (m.group("var"), float(m.group("x")), m.group("sec"))))
            except ValueError:
                raise HocSyntaxError(f"bad location in {tok}", hint=USAGE) from None
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
    for t in titles:
        items.append(("title", (t,)))
    return items, target


def _check_location(session, section: str, var: str, x: float) -> None:
    """A clear error when section.var(x) cannot be read (before anything is recorded)."""
    model = introspect.model(session)
    sec = model.find(section) if model is not None and hasattr(model, "find") else None
    if sec is None or not hasattr(sec, "get_range"):
        return
    try:
        sec.get_range(var, x)
    except HocError as e:
        raise HocNameError(f"cannot plot {section}.{var}({x:g}): {e.message}",
                           hint=e.hint or f"is the mechanism that defines {var} inserted in {section}?") from None


def _arm_recording(session, section: str, var: str, x: float) -> str:
    """Record section.var(x) from the next run with a hidden Vector; returns its name."""
    existing = {n for n in introspect.names(session) if n.startswith(HIDDEN_PREFIX)}
    n = 0
    while f"{HIDDEN_PREFIX}{n}" in existing:
        n += 1
    name = f"{HIDDEN_PREFIX}{n}"
    try:
        session.execute(f"objref {name}\n{name} = new Vector()\n"
                               f"{{{name}.record(&{section}.{var}({x:g}))}}\n", "<plot>")
    except HocError as e:           # never show the hidden name: say what could not be recorded
        raise HocRuntimeError(f"cannot record {section}.{var}({x:g}): "
                              + e.message.replace(name, "a Vector"), hint=e.hint) from None
    return name


def drop_stale_recordings(engine) -> None:
    """Hidden recordings of sections deleted since: point them at t (a recording the simulator
    always has), so that no later run fails on a Vector the user never made."""
    model = introspect.model(engine.session)
    alive = {id(sec) for sec in getattr(model, "sections", ())}
    for rec in vectors(engine.session):
        sec = getattr(rec.source, "section", None)
        if rec.name.startswith(HIDDEN_PREFIX) and sec is not None and id(sec) not in alive:
            try:
                engine.session.execute(f"{{{rec.name}.record(&t)}}\n", "<plot>")
            except HocError:
                pass


def collect(session, items) -> tuple[list[Trace], list[str]]:
    """Traces for the parsed items, plus the locations that were not recorded yet."""
    traces: list[Trace] = []
    missing: list[str] = []
    sections = set(introspect.section_names(session))
    for kind, val in items:
        if kind in ("xlim", "title"):
            continue
        if kind == "vector":
            graph = introspect.get_value(session, val[0])
            if hasattr(graph, "figure"):          # a legacy Graph: the lines it was asked to draw
                traces.extend(graph_traces(session, val[0], graph))
                continue
            traces.append(named_trace(session, val[0]))
            continue
        var, x, sec = val
        if sections and sec not in sections:
            hint = suggest(sec, sections)
            raise HocNameError(f"{sec} is not a section", hint=f"did you mean '{hint}'?" if hint else None)
        tr = range_trace(session, sec, var, x)
        if tr is None:
            _check_location(session, sec, var, x)
            if not is_armed(session, sec, var, x):
                _arm_recording(session, sec, var, x)
            missing.append(f"{sec}.{var}({x:g})")
        else:
            tr.units = tr.units or var_units(session, var)
            traces.append(tr)
    return traces, missing


def graph_traces(session, name: str, graph) -> list[Trace]:
    """The curves of a Graph (``plot g``), with units when a curve plots one variable."""
    from ..figures import line_quantity

    registry = getattr(introspect.model(session), "registry", None)
    out = []
    for line in graph.figure()["lines"]:
        if len(line["x"]) and line["kind"] != "mark":
            quantity, units = line_quantity(registry, line["label"])
            out.append(Trace(line["label"] or line["kind"], np.asarray(line["x"], dtype=float),
                             np.asarray(line["y"], dtype=float), units, quantity))
    if not out:
        raise HocRuntimeError(f"{name} has nothing drawn yet",
                              hint="its addvar/addexpr curves get points during run() "
                                   "(addplot(g, 0) or graphList[0].append(g))")
    return out


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
        out.append(Trace(tr.label, tr.x[keep], tr.y[keep], tr.units, tr.quantity))
    return out


def traces_for(session, args: str, target: str | None = None) -> tuple[list[Trace], str | None, str | None]:
    """The traces ``plot ARGS`` draws (window applied), its title and its file name (``> f``
    in ARGS, else ``target``).  A location nothing records is an error (and is armed)."""
    items, to = parse(args)
    target = to or target
    if target:
        from ..figures import check_format
        check_format(target)
    traces, missing = collect(session, items)
    if missing:
        raise HocRuntimeError(
            f"{', '.join(missing)} not recorded yet: record it and run again",
            hint=("hocx records " + ("it" if len(missing) == 1 else "them")
                  + " from now on: run() and plot again"
                  + (f" (nothing written to {target})" if target else "")))
    for kind, (lo, hi) in (it for it in items if it[0] == "xlim"):
        traces = clip(traces, lo, hi)
    if not traces:
        raise HocRuntimeError("nothing to plot", hint=USAGE)
    title = next((val[0] for kind, val in items if kind == "title"), None)
    return traces, title, target


def plot_command(engine, args: str) -> None:
    traces, title, target = traces_for(engine.session, args)
    if target:
        save_png(traces, target, title=title)
        engine.message(f"wrote {target} ({len(traces)} trace{'s' * (len(traces) > 1)})")
        return
    width = engine.plot_defaults.get("width") or min(engine.console.width, 100)
    height = engine.plot_defaults.get("height", 16)
    engine.console.print(render(traces, width=width, height=height, title=title), soft_wrap=True)
