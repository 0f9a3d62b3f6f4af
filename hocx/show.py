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
                 keys: Sequence[str] = KEY_COLUMNS) -> str:
    """Render a table (a ModelTable/EdgeTable, or name → array) as text no wider than ``width``."""
    columns = dict(getattr(columns, "columns", columns))
    names = list(columns)
    if not names:
        return (title + "\n" if title else "") + "(empty table)\n"
    text_cols = {n: [_fmt(v) for v in columns[n]] for n in names}
    key_cols = [k for k in keys if k in columns]
    rest = [n for n in names if n not in key_cols]
    key_w = sum(_width_of(k, text_cols[k]) for k in key_cols) + 1
    blocks: list[list[str]] = []
    cur: list[str] = []
    used = key_w
    for n in rest:
        w = _width_of(n, text_cols[n])
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
            t.add_column(Text(n), overflow="fold",
                         justify="left" if n in ("section", "name", "type") else "right")
        for r in range(nrows):
            t.add_row(*[Text(text_cols[n][r]) for n in key_cols + block])
        console.print(t)
    return out.getvalue()


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


def show_text(model, filters: Sequence[Any] = (), *, width: int = 100, span: Span | None = None) -> str:
    """The text ``show(...)`` prints."""
    if not model.sections and not (filters and filters[0] == "edges"):
        return "(no sections)\n"
    cols, title, keys = model_view(model, filters, span)
    return render_table(cols, width=width, title=title, keys=keys)


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
