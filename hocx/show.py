"""``show``: the model table (or the edge table) as rich text tables (front-end layer).

In HOC / ``.hx``::

    show()                      every segment, every column that has a value
    show("edges")               point processes and artificial cells
    show("dend[0]")             rows of one section (any section name, ``forsec``-style)
    show(sl)                    rows of a SectionList (or a SectionRef's section)
    show("apical", "diam", "g_pas")   a named group's rows, only those columns

String arguments are tried in order as: ``"edges"``, a column name (select columns), a
named group (SectionList objref), a section name; anything else is an error listing what
would have worked.  Names from HOC go through ``rich.text.Text`` (markup would eat
``x[i]``).  Wide tables are split into column blocks that each fit the width, the
identifying columns repeated in every block.

Python: :func:`render_table` (a table → str at a fixed width) and :func:`show_text`.
"""
from __future__ import annotations

import io
import shutil
from typing import Any, Sequence

import numpy as np

from .errors import HocNameError, HocTypeError, Span
from .quantities import CORE_UNITS, label, point_units, units_of

KEY_COLUMNS = ("section", "seg")          # repeated in every block of a wide model table
EDGE_KEYS = ("name",)


def _fmt(v: Any) -> str:
    if isinstance(v, (bool, np.bool_)):
        return "✓" if v else ""
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        if np.isnan(v):
            return ""
        return "%.6g" % v
    return str(v)


def _width_of(name: str, vals: Sequence[str]) -> int:
    return max([len(name)] + [len(s) for s in vals]) + 3


def render_table(columns, *, width: int = 100, title: str | None = None,
                 keys: Sequence[str] = KEY_COLUMNS, units: dict[str, str] | None = None,
                 limit: int | None = None) -> str:
    """Render a table (a ModelTable/EdgeTable, or name → array) as text no wider than ``width``.

    ``units`` puts each column's unit in its header (``L (µm)``); ``limit`` shows only the
    first rows, with a line saying how many were left out."""
    columns = dict(getattr(columns, "columns", columns))
    names = list(columns)
    if not names:
        return (title + "\n" if title else "") + "(empty table)\n"
    total = len(columns[names[0]])
    if limit and total > limit:
        columns = {k: v[:limit] for k, v in columns.items()}
    units = units or {}
    text_cols = {n: [_fmt(v) for v in columns[n]] for n in names}
    key_cols = [k for k in keys if k in columns]
    rest = [n for n in names if n not in key_cols]
    heads = {n: label(n, units.get(n, "")) for n in names}
    key_w = sum(_width_of(heads[k], text_cols[k]) for k in key_cols) + 1
    blocks: list[list[str]] = []
    cur: list[str] = []
    used = key_w
    for n in rest:
        w = _width_of(heads[n], text_cols[n])
        if cur and used + w > width:
            blocks.append(cur)
            cur, used = [], key_w
        cur.append(n)
        used += w
    if cur or not blocks:
        blocks.append(cur)
    from rich.console import Console    # rich only when a table is shown (start-up time)
    from rich.table import Table
    from rich.text import Text

    out = io.StringIO()
    console = Console(file=out, width=width, color_system=None, force_terminal=False,
                      highlight=False, emoji=False)
    nrows = len(columns[names[0]])
    for b, block in enumerate(blocks):
        t = Table(title=Text(title) if title and b == 0 else None, show_lines=False,
                  title_justify="left", expand=False, pad_edge=False)
        for n in key_cols + block:
            t.add_column(Text(heads[n]), overflow="fold",
                         justify="left" if n in ("section", "name", "type") else "right")
        for r in range(nrows):
            t.add_row(*[Text(text_cols[n][r]) for n in key_cols + block])
        console.print(t)
    if limit and total > limit:
        out.write(f"... {total - limit} more row{'s' * (total - limit != 1)} of {total} "
                  "(show --limit 0 for all, or --limit N)\n")
    return out.getvalue()


def column_units(model, columns: Sequence[str], edges: bool = False) -> dict[str, str]:
    """The unit of each column, from the mechanism registry (edge columns: the point type's)."""
    registry = getattr(model, "registry", None)
    if not edges:
        return {n: units_of(registry, n) for n in columns}
    table = model.edges()
    types = list(dict.fromkeys(str(t) for t in table["mechanism"])) if "mechanism" in table else []
    out = {}
    for n in columns:
        u = units_of(registry, n) if n in CORE_UNITS else ""
        if not u and n in table and table[n].dtype.kind == "f":
            vals = table[n]
            for typ in types:
                rows = np.array([str(m) == typ for m in table["mechanism"]])
                if np.any(~np.isnan(vals[rows])):
                    u = point_units(registry, typ, n)
                    if u:
                        break
        out[n] = u
    return out


def summary(model) -> str:
    """One paragraph first: sections, compartments, mechanisms (and where), synapses, NetCons."""
    secs = model.sections
    ncomp = sum(int(s.nseg) for s in secs)
    mech_secs: dict[str, int] = {}
    for sec in secs:
        for m in sec.mechs:
            if m in ("morphology", "capacitance") or m.endswith("_ion"):
                continue
            mech_secs[m] = mech_secs.get(m, 0) + 1
    parts = [f"{len(secs)} section{'s' * (len(secs) != 1)}",
             f"{ncomp} compartment{'s' * (ncomp != 1)}"]
    ncells = len(model.roots()) if secs else 0
    if ncells > 1:
        parts.append(f"{ncells} cells (trees)")
    lines = ["model: " + ", ".join(parts)]
    if mech_secs:
        lines.append("mechanisms: " + ", ".join(f"{m} ({n} section{'s' * (n != 1)})"
                                                for m, n in mech_secs.items()))
    edges = model.edges()
    if len(edges):
        counts: dict[str, int] = {}
        for kind, typ in zip(edges["kind"], edges["type"]):
            key = "NetCon" if kind == "netcon" else str(typ)
            counts[key] = counts.get(key, 0) + 1
        nsyn = sum(1 for k, m in zip(edges["kind"], edges["mechanism"])     # graded ones, and
                   if k == "synapse" or (k == "point" and _receives_events(model, str(m))))  # event targets
        text = ", ".join(f"{n} {t}" for t, n in counts.items())
        lines.append(f"synapses: {nsyn}; point processes and NetCons: {text}")
    else:
        lines.append("synapses: 0")
    return "\n".join(lines) + "\n"


def _receives_events(model, mech: str) -> bool:
    try:
        decl = model.registry.get(mech)
    except Exception:   # noqa: BLE001 - unknown type: not a synapse
        return False
    return bool(getattr(decl, "net_receive", 0)) and getattr(decl, "kind", "") != "artificial"


def show_report(model, *, limit: int | None = None, stream=None, width: int | None = None) -> str:
    """``hocx --show``: the summary, the model table and the edge table (synapses, NetCons).

    ``limit`` rows per table; None means 50 when ``stream`` is a terminal, else all."""
    tty = bool(getattr(stream, "isatty", lambda: False)())
    if limit is None:
        limit = 50 if tty else 0
    if width is None:
        width = shutil.get_terminal_size((100, 24)).columns if tty else 100
    if not model.sections and not len(model.edges()):
        return "(no sections)\n"
    text = summary(model) + "\n"
    if model.sections:
        text += show_text(model, width=width, limit=limit, with_summary=False)
    if len(model.edges()):
        text += show_text(model, ["edges"], width=width, limit=limit)
    return text


def _drop_empty(columns: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Columns that are NaN everywhere say nothing: leave them out."""
    out = {}
    for k, v in columns.items():
        if v.dtype.kind == "f" and len(v) and np.all(np.isnan(v)):
            continue
        out[k] = v
    return out


def model_view(model, filters: Sequence[Any] = (), span: Span | None = None) -> tuple[dict, str, tuple]:
    """Apply show()'s filters; returns (columns, title, key columns)."""
    table = model.table()
    cols = dict(table.columns)
    mask = None
    selected: list[str] = []
    for f in filters:
        if isinstance(f, str) and f == "edges":
            edges = model.edges()
            return _drop_empty(dict(edges.columns)), "edges: point processes, synapses, NetCons", EDGE_KEYS
        rows = _rows_for(model, table, f, span)
        if rows is None:
            selected.append(f)
            continue
        mask = rows if mask is None else (mask | rows)
    if mask is not None:
        cols = {k: v[mask] for k, v in cols.items()}
    if selected:
        keep = [k for k in KEY_COLUMNS if k not in selected] + selected
        cols = {k: cols[k] for k in keep}
        return cols, "model", KEY_COLUMNS
    drop = {"section_index"} | set(table.groups)
    return _drop_empty({k: v for k, v in cols.items() if k not in drop}), "model", KEY_COLUMNS


def _rows_for(model, table, f: Any, span: Span | None):
    """A row mask for a filter, or None when ``f`` names a column."""
    sec_names = table["section"]
    secs = None
    if hasattr(f, "hoc_sections"):                 # SectionList
        secs = f.hoc_sections()
    elif hasattr(f, "section") and hasattr(f.section, "get_range"):   # SectionRef
        secs = [f.section]
    elif hasattr(f, "get_range"):                  # a Section
        secs = [f]
    elif isinstance(f, str):
        if f in table.columns and f not in table.groups:
            return None
        if f in table.groups:
            return np.asarray(table[f], dtype=bool)
        sec = model.find(f)
        if sec is None:
            raise HocNameError(f"show: '{f}' is not a column, a section list or a section", span,
                               hint="columns: " + ", ".join(table.names[:12]) + ", ...")
        secs = [sec]
    else:
        raise HocTypeError("show() takes strings, SectionLists or SectionRefs", span)
    names = {s.name() for s in secs}
    return np.array([n in names for n in sec_names], dtype=bool)


def show_text(model, filters: Sequence[Any] = (), *, width: int = 100, span: Span | None = None,
              limit: int | None = None, with_summary: bool = True) -> str:
    """The text ``show(...)`` prints: the summary first when there is no filter, then the table
    with units in its headers (``limit``: at most that many rows)."""
    if not model.sections and not (filters and filters[0] == "edges"):
        return "(no sections)\n"
    cols, title, keys = model_view(model, filters, span)
    units = column_units(model, list(cols), edges=keys == EDGE_KEYS)
    head = summary(model) + "\n" if with_summary and not filters else ""
    return head + render_table(cols, width=width, title=title, keys=keys, units=units, limit=limit)


def _show(interp, args, span):
    from .interp.objects import StrRef

    filters = [a.value if isinstance(a, StrRef) else a for a in args]
    width = shutil.get_terminal_size((100, 24)).columns
    interp.out(show_text(interp.model, filters, width=width, span=span))
    return 0.0


def install(interp) -> None:
    """Register the ``show`` built-in."""
    interp.register_builtin("show", _show, kind="proc",
                            doc="show(): the model table; show(\"edges\"), show(\"sec\"), show(sl), "
                                "show(\"col\", ...) to filter")
