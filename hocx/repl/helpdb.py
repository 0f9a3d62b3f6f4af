"""The REPL's help database: ``help NAME`` and ``NAME?``.

Static entries (built-ins, stdlib procs, classes, keywords, GUI stubs) come
from ``helptext``; mechanisms and their range variables (``gnabar_hh``) are
described from the live mechanism registry; object members (``vec.record``)
from the class's ``hoc_doc``; REPL commands from their own table.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rich.text import Text

from ..errors import HocNameError, suggest
from . import introspect
from .helptext import ENTRIES, GUI_CLASSES, GUI_FUNCTIONS


@dataclass(frozen=True)
class HelpEntry:
    """What ``help NAME`` prints: signature, one-line summary, units and one example."""

    name: str
    signature: str
    summary: str
    units: str = ""
    example: str = ""
    topic: str = ""


REPL_COMMANDS = {
    "plot": HelpEntry("plot", 'plot VECTOR... | plot VAR(x) SECTION... | plot SEC.VAR(x)... [T0:T1] '
                              '["title"] [> file.png|.svg|.pdf]',
                      "REPL command: plot recorded traces against time in the terminal (or to an image); "
                      "one y axis per unit",
                      "", "plot v(0.5) soma dend [0:20]", "repl"),
    "show": HelpEntry("show", "show [edges | section | column | sectionlist ...] [--limit N | --all]  "
                              "or show(...)",
                      "the model table (one row per segment) or edge table, filtered by the words given",
                      "", "show dend diam g_pas", "repl"),
}


@lru_cache(maxsize=1)
def static_entries() -> dict[str, HelpEntry]:
    """Every entry of the static table, by name."""
    out: dict[str, HelpEntry] = {}
    topic = ""
    for raw in ENTRIES.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            topic = line.strip("#- ").strip()
            continue
        parts = [p.strip() for p in line.split("¦")]
        if len(parts) != 5:
            raise ValueError(f"malformed help entry: {raw!r}")
        out[parts[0]] = HelpEntry(parts[0], parts[1], parts[2], parts[3], parts[4], topic)
    for name in GUI_FUNCTIONS:
        out.setdefault(name, HelpEntry(name, f"{name}(...)", "GUI call: accepted and ignored headless "
                                       "(returns NEURON's headless value, warns once on stderr)",
                                       "", f"{{{name}()}}", "gui"))
    for name in GUI_CLASSES:
        out.setdefault(name, HelpEntry(name, f"new {name}(...)", "GUI class: objects exist but draw "
                                       "nothing headless; methods return 0", "", f"objref g  g = new {name}()",
                                       "gui"))
    return out


def _mechanism_entry(session, name: str) -> HelpEntry | None:
    mechs = introspect.mechanisms(session)
    if name in mechs:
        decl = mechs[name]
        kind = introspect.mechanism_kind(decl) or "mechanism"
        doc = getattr(decl, "doc", "") or ""
        vars_ = introspect.mechanism_vars(decl, name)
        if kind in ("point", "artificial"):
            sig, example = f"new {name}(x)", f"objref pp  soma pp = new {name}(0.5)"
        else:
            sig, example = f"insert {name}", f"soma insert {name}"
        listing = ", ".join(v.name + (f" ({v.units})" if v.units else "") for v in vars_)
        summary = f"{kind} mechanism" + (f": {doc}" if doc else "") + (f"; variables: {listing}" if listing else "")
        return HelpEntry(name, sig, summary, "", example, "mechanism")
    for mech_name, decl in mechs.items():
        for v in introspect.mechanism_vars(decl, mech_name):
            if v.name == name:
                default = f"; default {v.default:g}" if v.default is not None else ""
                role = v.role.lower() or "variable"
                kind = introspect.mechanism_kind(decl)
                if kind in ("point", "artificial"):
                    return HelpEntry(name, f"obj.{name}", f"{role} of {mech_name}{default}", v.units,
                                     f"pp.{name}", "mechanism")
                return HelpEntry(name, f"{name}(x)", f"range {role} of {mech_name}{default}", v.units,
                                 f"soma {name} = {v.default:g}" if v.default is not None and role == "parameter"
                                 else f"soma print {name}(0.5)", "mechanism")
    return None


def _member_entry(session, dotted: str) -> HelpEntry | None:
    obj_name, _, member = dotted.partition(".")
    target = introspect.get_value(session, obj_name)
    owner = target if hasattr(target, "hoc_members") else _class(session, obj_name)
    if owner is None:
        return None
    members = owner.hoc_members()
    cls_name = getattr(owner, "hoc_class", obj_name)
    if member not in members:
        hint = suggest(member, members)
        raise HocNameError(f"{member} is not a member of {cls_name}",
                           hint=f"did you mean '{hint}'?" if hint else None)
    doc = (getattr(owner, "hoc_doc", {}) or {}).get(member, "")
    kind = "method" if member in owner.hoc_methods() else "field"
    sig = f"{obj_name}.{member}(...)" if kind == "method" else f"{obj_name}.{member}"
    summary = doc or f"{kind} of {cls_name}"
    head, sep, rest = doc.partition(": ")
    if sep and head.startswith(member):          # hoc_doc written as "name(args): what it does"
        sig, summary = f"{obj_name}.{head}", rest
    return HelpEntry(dotted, sig, summary, "", "", "member")


def _class(session, name: str):
    for attr in ("classes", "_classes", "templates"):
        table = getattr(session, attr, None)
        if isinstance(table, dict) and name in table:
            val = table[name]
            val = getattr(val, "cls", val)
            if hasattr(val, "hoc_members"):
                return val
    return None


def _registered_doc(session, name: str) -> str:
    for attr in ("builtins", "_builtins"):
        table = getattr(session, attr, None)
        if isinstance(table, dict) and name in table:
            entry = table[name]
            if isinstance(entry, tuple) and len(entry) >= 3:
                return str(entry[2] or "")
            return str(getattr(entry, "doc", "") or "")
    docs = getattr(session, "class_docs", None)
    if isinstance(docs, dict):
        return str(docs.get(name, "") or "")
    return ""


def lookup(session, name: str) -> HelpEntry | None:
    """The help entry for a name, or None when nothing is known about it."""
    if "." in name:
        return _member_entry(session, name)
    if name in REPL_COMMANDS:
        return REPL_COMMANDS[name]
    entry = static_entries().get(name)
    if entry is not None:
        return entry
    entry = _mechanism_entry(session, name)
    if entry is not None:
        return entry
    doc = _registered_doc(session, name)
    kind = introspect.names(session).get(name)
    if name.startswith("hocx_") and kind is not None:
        return HelpEntry(name, name, "internal helper of hocx's standard library (not for direct use)"
                         + (f": {doc}" if doc else ""), "", "", "internal")
    if doc or kind:
        return HelpEntry(name, name, doc or f"a {kind}", "", "", "session")
    return None


def format_entry(entry: HelpEntry) -> Text:
    out = Text()
    out.append(entry.signature, style="bold")
    out.append("\n  " + entry.summary)
    if entry.units:
        out.append("\n  units: ", style="dim")
        out.append(entry.units)
    if entry.example:
        out.append("\n  example: ", style="dim")
        out.append(entry.example, style="green")
    return out


def render_help(engine, name: str | None) -> None:
    """Print help for a name, or the overview when name is None."""
    if not name:
        engine.console.print(Text(
            "hocx REPL — HOC as in NEURON, plus:\n"
            "  help NAME / NAME?     signature, units and an example (e.g. help finitialize)\n"
            "  plot VEC... | plot v(0.5) soma dend [T0:T1] [> file.png]   plots after run()\n"
            "  show [filter]         the model as a table;  %tree  topology as a tree\n"
            "  %who %time %run %save %history %reset %export %magic\n"
            "  Tab completes; Ctrl-R searches history; Up recalls by prefix\n"
            "  Ctrl-C stops a run or clears the line; Ctrl-D exits"))
        return
    entry = lookup(engine.session, name)
    if entry is None:
        known = list(static_entries()) + list(introspect.names(engine.session)) + list(
            introspect.mechanisms(engine.session))
        hint = suggest(name, known)
        raise HocNameError(f"no help for {name}", hint=f"did you mean '{hint}'?" if hint else None)
    text = format_entry(entry)
    cls = _class(engine.session, name)
    if cls is not None and cls.hoc_members():
        text.append("\n  members: ", style="dim")
        text.append(", ".join(cls.hoc_members()))
        text.append(f"  (help {name}.MEMBER for one)", style="dim")
    engine.console.print(text)
