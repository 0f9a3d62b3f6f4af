"""Every shared reference mod and every mod shipped with NEURON parses and checks."""
from __future__ import annotations

import pytest

from hocx.errors import HocError
from hocx.syntax.nmodl import ast as A
from hocx.syntax.nmodl import parse_mod_file
from hocx.syntax.nmodl.check import MechKind, check_mod

from nmodl_corpus_files import neuron_mods, shared_mods

# NEURON's own mods whose VERBATIM blocks hold real C: they parse, and check refuses them
# (netstim.mod's VERBATIM is only in its legacy noiseFromRandom123 / noiseFromRandom
# procedures, which hocx implements on its RANDOM variable: it checks)
VERBATIM_C = {"pattern.mod"}


@pytest.mark.parametrize("path", shared_mods(), ids=lambda p: p.name)
def test_shared_mod_parses_and_checks(path):
    mod = parse_mod_file(path)
    checked = check_mod(mod)
    assert checked.name
    assert any(isinstance(it, A.NeuronBlock) for it in mod.items)


@pytest.mark.parametrize("path", neuron_mods(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_neuron_mod_parses_and_checks(path):
    mod = parse_mod_file(path)
    assert mod.items
    if path.name in VERBATIM_C:
        with pytest.raises(HocError, match="VERBATIM C code cannot be translated"):
            check_mod(mod)
    else:
        checked = check_mod(mod)
        assert checked.kind in MechKind
        if path.name == "netstim.mod":
            assert checked.legacy_random == {"noiseFromRandom": "ranvar",
                                             "noiseFromRandom123": "ranvar"}


def test_corpus_counts():
    shared, shipped = shared_mods(), neuron_mods()
    assert len(shared) == 24
    parsed = checked = 0
    for p in shared + shipped:
        mod = parse_mod_file(p)
        parsed += 1
        try:
            check_mod(mod)
            checked += 1
        except HocError as e:
            assert "VERBATIM" in e.message, e.render()
    total = len(shared) + len(shipped)
    assert parsed == total
    assert checked == total - sum(p.name in VERBATIM_C for p in shipped)
    print(f"\nNMODL corpus: {parsed}/{total} parse, {checked}/{total} check")


def test_hh_facts():
    hh = [p for p in neuron_mods() if p.name == "hh.mod" and p.parent.name == "modfile"]
    if not hh:
        pytest.skip("neuron's hh.mod not found")
    c = check_mod(parse_mod_file(hh[0]))
    assert c.name == "hh" and c.kind is MechKind.DENSITY
    assert {u.ion for u in c.ions} == {"na", "k"}
    na = next(u for u in c.ions if u.ion == "na")
    assert na.read == ("ena",) and na.write == ("ina",)
    assert set(c.range_names) >= {"gnabar", "gkbar", "gl", "el", "gna", "gk"}
    assert c.nonspecific == ("il",)
    assert [s.name for s in c.of_kind(c.symbols["m"].kind)] == ["m", "h", "n"]
    assert c.solves[0].method == "cnexp" and len(c.solves[0].cnexp) == 3
    assert all(f.kind == "cnexp" and not f.nonlinear for f in c.solves[0].cnexp)
    assert c.symbols["gnabar"].value == 0.12 and c.symbols["gnabar"].unit == "S/cm2"
    assert c.symbols["gnabar"].decl.limits == (0.0, 1e9)


def test_include_is_resolved_next_to_the_file(shared_dir):
    mod = parse_mod_file(shared_dir / "mod" / "hhold.mod")
    inc = [it for it in mod.items if isinstance(it, A.Include)]
    assert len(inc) == 1 and inc[0].filename == "vtrap.inc"
    funcs = [it for it in inc[0].items if isinstance(it, A.CodeBlock)]
    assert [f.name for f in funcs] == ["vtrap"]
    assert funcs[0].span.file.endswith("vtrap.inc")
    c = check_mod(mod)
    assert "vtrap" in c.blocks and c.solves[0].method is None


def test_shared_quirks_are_reported(shared_dir):
    capool = check_mod(parse_mod_file(shared_dir / "mod" / "capool.mod"))
    assert capool.solves[0].method == "derivimplicit"
    assert any("Could not translate" in n.message for n in capool.notices)
    caq = check_mod(parse_mod_file(shared_dir / "mod" / "caq.mod"))
    (form,) = caq.solves[0].cnexp
    assert form.nonlinear and form.steady is None
    assert any("not linear" in n.message for n in caq.notices)
    cad = check_mod(parse_mod_file(shared_dir / "mod" / "cad.mod"))
    assert cad.unit_constants["FARADAY"] == 96485.33212331001
    assert cad.symbols["cai"].ion == "ca"


def test_tables_ship_as_json_and_load(tmp_path):
    """setup.py writes the NMODL parser's tables like hoc's; a parser built from them works."""
    from hocx import _resources
    from hocx.syntax.nmodl import parser as P
    from hocx.syntax.tables import build_parser, write_tables

    out = write_tables(tmp_path, _resources.grammar_text(P.GRAMMAR), P.GRAMMAR, **P.PARSER_OPTIONS)
    assert out.name == "nmodl.lark.tables.json" and out.read_text().startswith("{")
    lark = build_parser(_resources.grammar_text(P.GRAMMAR), P.GRAMMAR, packaged_dir=tmp_path,
                        use_cache=True, cache_dir=tmp_path / "nocache", **P.PARSER_OPTIONS)
    tree = lark.parse("NEURON { SUFFIX a }\nPARAMETER { g = 1 (S/cm2) <0, 1> }\n")
    assert tree.data == "start" and tree.children[1].meta.line == 2   # positions kept
    assert not (tmp_path / "nocache").exists() or not list((tmp_path / "nocache").iterdir())
