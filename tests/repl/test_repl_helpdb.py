"""The help database covers every registered built-in, class and stdlib proc."""
from __future__ import annotations

import pytest

from hocx.repl.helpdb import HelpEntry, lookup, static_entries
from hocx.repl.helptext import ENTRIES

from .conftest import real_session

BUILTIN_KINDS = ("bfunc", "bproc", "bstrfunc", "bobjfunc", "template")


def test_static_table_is_well_formed():
    entries = static_entries()
    rows = [ln for ln in ENTRIES.splitlines() if ln.strip() and not ln.startswith("#")]
    names = [ln.split("¦")[0].strip() for ln in rows]
    assert len(names) == len(set(names)), "duplicate help entries"
    for name in names:
        e = entries[name]
        assert e.signature and e.summary and e.example, name


@pytest.mark.parametrize("name", ["finitialize", "fadvance", "Vector", "IClamp", "run", "load_file",
                                  "topology", "xpanel", "Graph", "proc"])
def test_core_entries_have_signature_and_example(name):
    e = static_entries()[name]
    assert isinstance(e, HelpEntry)
    assert name in e.signature and e.example


def test_every_registered_builtin_and_stdlib_proc_has_an_entry():
    session = real_session()
    session.execute('{load_file("stdrun.hoc")}\n', "<test>")
    missing = []
    for name, kind in session.names().items():
        curated = name in static_entries()
        if name.startswith("hocx_"):      # hocx's own stdrun internals: a generic entry
            if lookup(session, name) is None or "internal" not in lookup(session, name).summary:
                missing.append(name)
        elif kind in BUILTIN_KINDS and not curated:
            missing.append(name)
        elif kind in ("proc", "func", "obfunc", "iterator") and not curated and not name.startswith("hocx_"):
            missing.append(name)          # every stdlib proc (nothing user-defined ran yet)
        elif lookup(session, name) is None:
            missing.append(name)
    assert not missing, f"no help entry for: {sorted(missing)}"


def test_member_help_from_hoc_doc():
    session = real_session()
    session.execute("objref vv\nvv = new Vector()\n", "<test>")
    e = lookup(session, "vv.record")
    assert e is not None and "record" in e.summary


def test_mechanism_help(fake):
    e = lookup(fake, "hh")
    assert e.signature == "insert hh" and "gnabar_hh (S/cm2)" in e.summary
    e = lookup(fake, "IClamp")          # a curated class entry wins over the registry
    assert "new IClamp" in e.signature
    e = lookup(fake, "e_pas")
    assert e.units == "mV" and "-70" in e.summary


@pytest.mark.parametrize("cls", ["Vector", "List", "File", "Random", "Matrix", "NetCon", "SectionRef",
                                 "StringFunctions"])
def test_every_method_of_the_core_classes_has_a_one_line_description(cls):
    from hocx.api import Session

    s = Session()
    table = s.classes if cls in s.classes else s.templates
    c = getattr(table[cls], "cls", table[cls])
    doc = c.hoc_doc
    missing = [m for m in c.hoc_methods() if not doc.get(m)]
    assert not missing, missing
    assert all("\n" not in doc[m] for m in c.hoc_methods())
