"""Rich views for the REPL: ``show``, ``%tree`` (topology), ``%who`` and ``%trainables``.

HOC values are always printed through ``rich.text.Text`` (never markup), because
rich markup would eat text such as ``dend[0]``.
"""
from __future__ import annotations

import numpy as np
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from ..errors import HocNameError, HocSyntaxError
from . import introspect

_HIDDEN = ("hocx_",)
#: rows per table that ``show`` prints in the REPL unless given --limit N or --all
REPL_SHOW_LIMIT = 50


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.8g}"
    if v is None:
        return "NULLobject"
    items = introspect.array_items(v)
    if items is not None:
        dims = getattr(v, "dims", None) or (len(items),)
        return "array " + "".join(f"[{d}]" for d in dims)
    name = getattr(v, "hoc_name", None)
    if callable(name):
        try:
            return name()
        except Exception:
            pass
    return str(v)


def _range(sec, var: str, x: float = 0.5):
    try:
        return float(sec.get_range(var, x))
    except Exception:
        return None


def section_mechs(session, sec) -> list[str]:
    has = getattr(sec, "has_mech", None)
    if has is None:
        return []
    out = []
    for name, decl in introspect.mechanisms(session).items():
        if name in ("morphology", "capacitance") or introspect.mechanism_kind(decl) in ("point", "artificial", "ion"):
            continue
        try:
            if has(name):
                out.append(name)
        except Exception:
            pass
    return out


# ---- show -----------------------------------------------------------------
def show_command(engine, args: str) -> None:
    """``show [filter...] [--limit N | --all]``: the summary and the model/edge table (hocx.show),
    else a section summary.

    Filters are words: ``edges``, a column name, a section name, or a SectionList objref.
    Big tables stop after REPL_SHOW_LIMIT rows, with a line saying how many more there are.
    """
    try:
        from ..show import show_text
    except ImportError:
        show_text = None
    model = introspect.model(engine.session)
    if show_text is None or model is None:
        engine.console.print(section_table(engine.session, args.split()))
        return
    filters = []
    limit: int | None = REPL_SHOW_LIMIT
    words = args.replace(",", " ").split()
    while words:
        word = words.pop(0)
        if word in ("--all", "-a"):
            limit = None
            continue
        if word == "--limit" or word.startswith("--limit="):
            value = word.split("=", 1)[1] if "=" in word else (words.pop(0) if words else "")
            if not value.isdigit():
                raise HocSyntaxError("show --limit needs a number of rows (0 for all)",
                                     hint="show --limit 20, show --all")
            limit = int(value) or None
            continue
        value = introspect.get_value(engine.session, word)
        filters.append(value if hasattr(value, "hoc_class") else word.strip('"'))
    engine.write(show_text(model, filters, width=engine.console.width, limit=limit))


def section_table(session, filters: list[str] | None = None) -> Table:
    """One row per section: geometry, segments, mechanisms, parent; filtered by name or mechanism."""
    filters = filters or []
    secs = introspect.sections(session)
    table = Table(title=Text("sections"), show_lines=False)
    for col, just in (("section", "left"), ("nseg", "right"), ("L (µm)", "right"), ("diam (µm)", "right"),
                      ("Ra (Ω·cm)", "right"), ("mechanisms", "left"), ("parent", "left")):
        table.add_column(col, justify=just)
    shown = 0
    for sec in secs:
        name = introspect.section_name(sec)
        mechs = section_mechs(session, sec)
        if filters and not any(f == name or name.startswith(f + "[") or f in mechs for f in filters):
            continue
        parent = getattr(sec, "parent", None)
        where = ""
        if parent is not None:
            where = f"{introspect.section_name(parent)}({_fmt(float(getattr(sec, 'parent_x', 1.0)))})"
        table.add_row(Text(name), str(getattr(sec, "nseg", "")), _fmt(float(getattr(sec, "L", 0.0))),
                      _fmt(_range(sec, "diam")) if _range(sec, "diam") is not None else "",
                      _fmt(float(getattr(sec, "Ra", 0.0))), Text(" ".join(mechs)), Text(where))
        shown += 1
    if secs and not shown:
        raise HocNameError("no section matches " + " ".join(filters),
                           hint="filter by section name or mechanism, e.g. show soma, show hh")
    if not secs:
        table.caption = "no sections yet (create soma)"
    return table


# ---- topology tree ------------------------------------------------------------
def topology_tree(session) -> Tree | Text:
    """``topology()`` as a tree: each section with its connection point, nseg, L and mechanisms."""
    secs = introspect.sections(session)
    if not secs:
        return Text("no sections")
    children: dict[int, list] = {}
    roots = []
    for sec in secs:
        parent = getattr(sec, "parent", None)
        if parent is None:
            roots.append(sec)
        else:
            children.setdefault(id(parent), []).append(sec)
    root = Tree(Text("model", style="bold"), guide_style="dim")

    def label(sec) -> Text:
        name = introspect.section_name(sec)
        t = Text(name, style="bold yellow")
        parent = getattr(sec, "parent", None)
        if parent is not None:
            cx = float(getattr(sec, "child_end", 0.0) or 0.0)
            t.append(f"({cx:g}) → {introspect.section_name(parent)}({float(getattr(sec, 'parent_x', 1.0)):g})",
                     style="dim")
        t.append(f"  nseg={getattr(sec, 'nseg', '?')}  L={_fmt(float(getattr(sec, 'L', 0.0)))} µm")
        d = _range(sec, "diam")
        if d is not None:
            t.append(f"  diam={_fmt(d)} µm")
        mechs = section_mechs(session, sec)
        if mechs:
            t.append("  " + " ".join(mechs), style="cyan")
        return t

    def add(node, sec, depth=0):
        branch = node.add(label(sec))
        if depth < 200:
            kids = sorted(children.get(id(sec), []), key=lambda s: -float(getattr(s, "parent_x", 1.0)))
            for kid in kids:
                add(branch, kid, depth + 1)

    for sec in roots:
        add(root, sec)
    return root


# ---- who ----------------------------------------------------------------------
def who_table(session) -> Table:
    """The user's names: kind and value, like IPython's %who."""
    table = Table(title=Text("names"))
    table.add_column("name")
    table.add_column("kind")
    table.add_column("value")
    rows = 0
    provided = introspect.builtin_names(session)
    for name, kind in sorted(introspect.names(session).items()):
        cls = introspect.kind_class(kind)
        if cls in ("builtin", "mechanism", "rangevar") or name.startswith(_HIDDEN) or name in provided:
            continue
        if cls == "section":
            value = ""
        elif cls in ("proc", "template"):
            value = ""
        else:
            value = _fmt(introspect.get_value(session, name))
        table.add_row(Text(name), Text(kind), Text(value))
        rows += 1
    if not rows:
        table.caption = "no user names yet"
    return table


def trainables_view(session) -> Table | Text:
    """Trainable parameters (hocx/train): its own table when it offers one, else ours."""
    items = introspect.trainables(session)
    if not items:
        return Text("no trainable parameters (mark some with make_trainable(\"gnabar_hh\"))")
    table_text = getattr(getattr(session, "train", None), "table_text", None)
    if callable(table_text):
        try:
            return Text(table_text())
        except Exception:
            pass
    table = Table(title=Text("trainable parameters"))
    for col, just in (("parameter", "left"), ("values", "right"), ("value range", "right")):
        table.add_column(col, justify=just)
    for tr in items:
        values = np.atleast_1d(np.asarray(getattr(tr, "value", np.nan), dtype=float))
        span = f"{values.min():.6g}" if values.size == 1 else f"{values.min():.6g} .. {values.max():.6g}"
        table.add_row(Text(str(getattr(tr, "name", tr))), str(values.size), span)
    return table
