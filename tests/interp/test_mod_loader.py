"""Loading .mod files into a session (hocx.interp.mod_loader, nrn_load_dll, the translation
cache), with a stand-in translator (mod_fake) so the loader is tested on its own."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import mod_fake  # noqa: E402

from hocx.errors import HocError  # noqa: E402
from hocx.interp.mod_cache import ModCache, mod_key  # noqa: E402
from hocx.interp.mod_loader import mod_files, startup_paths  # noqa: E402

HCN = """NEURON {
  SUFFIX hcn
  NONSPECIFIC_CURRENT ih
  RANGE gbar, eh
  GLOBAL vhalf, qinf
}
PARAMETER { gbar = 0.0001 eh = -30 vhalf = -81 kq = 7 }
STATE { q }
"""
KAP = """NEURON {
  SUFFIX kap
  USEION k READ ek WRITE ik
  RANGE gbar
  GLOBAL shift
}
PARAMETER { gbar = 0.01 shift = 0 }
STATE { a b }
"""
HHX = """NEURON { SUFFIX hhx RANGE gnabar }
PARAMETER { gnabar = 0.12 }
STATE { m }
PROCEDURE rates(v) { TABLE minf DEPEND celsius FROM -100 TO 100 WITH 200 }
"""
CAL = """NEURON {
  SUFFIX hvacl
  USEION caL READ ecaL WRITE icaL VALENCE 2
  RANGE gbar
}
PARAMETER { gbar = 0.001 }
"""
SYN = """NEURON {
  POINT_PROCESS Syn
  RANGE tau, e
  GLOBAL gmax
}
PARAMETER { tau = 2 e = 0 gmax = 3 }
"""
BAD = """NEURON { SUFFIX kslow }
DERIVATIVE states { n' = (ninf - n/tau @@ }
"""


@pytest.fixture
def fake(monkeypatch, tmp_path):
    monkeypatch.setenv("HOCX_MOD_CACHE", str(tmp_path / "cache"))
    return mod_fake.install(monkeypatch)


def write(folder: Path, **mods) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in mods.items():
        (folder / f"{name}.mod").write_text(text)
    return folder


def session(**kw):
    from hocx.api import Session
    out, err = [], []
    s = Session(out=out.append, err=err.append, **kw)
    s.test_out, s.test_err = out, err
    return s


def test_folder_loads_in_glob_order_and_gets_type_numbers_in_that_order(fake, tmp_path):
    d = write(tmp_path / "mod", kap=KAP, hcn=HCN, hhx=HHX)
    assert [os.path.basename(f) for f in mod_files(str(d))] == ["hcn.mod", "hhx.mod", "kap.mod"]
    s = session()
    assert s.load_mod(d) == ["hcn", "hhx", "kap"]
    order = s.model.registry.type_order()
    assert order["hcn"] < order["hhx"] < order["kap"]
    s.execute('objref mt\nmt = new MechanismType(0)\nstrdef nm\nmt.select("kap")\nx = mt.internal_type\n'
              'mt.select("hcn")\ny = mt.internal_type')
    assert s.get_global("x") > s.get_global("y") > 23          # after NEURON's own types


def test_range_globals_parameters_and_flags_become_hoc_names(fake, tmp_path):
    s = session(mods=write(tmp_path / "m", hcn=HCN, hhx=HHX))
    s.execute("create soma, dend\nsoma insert hcn\ndend insert hcn\nsoma.gbar_hcn = 0.002\n"
              "a = soma.gbar_hcn(0.5)\nb = dend.gbar_hcn(0.5)\nc = vhalf_hcn\nvhalf_hcn = -70\n"
              "d = kq_hcn\ne = qinf_hcn\nf = usetable_hhx\n")
    g = s.get_global
    assert (g("a"), g("b"), g("c"), g("vhalf_hcn"), g("d"), g("e"), g("f")) == (0.002, 0.0001, -81, -70, 7, 0, 1)
    assert "usetable_hcn" not in s.names()                    # only a mod with a TABLE has one
    # a GLOBAL is one value, not a range variable: soma.vhalf_hcn is not a section variable
    with pytest.raises(HocError):
        s.execute("x = soma.vhalf_hcn")
    s.execute('forall if (ismembrane("hcn")) { gbar_hcn *= 2 }\nz = dend.gbar_hcn')
    assert g("z") == 0.0002
    s.execute("soma psection()")
    text = "".join(s.test_out)
    assert "insert hcn { gbar_hcn=0.004 eh_hcn=-30}" in text


def test_mechanism_globals_are_visible_in_templates(fake, tmp_path):
    s = session(mods=write(tmp_path / "m", hcn=HCN))
    s.execute("begintemplate T\npublic f\nfunc f() { return vhalf_hcn }\nendtemplate T\n"
              "objref tt\ntt = new T()\nvhalf_hcn = -60\nx = tt.f()")
    assert s.get_global("x") == -60


def test_second_load_is_neurons_name_clash_and_keeps_the_first(fake, tmp_path):
    d = write(tmp_path / "m", hcn=HCN)
    s = session(mods=d)
    with pytest.raises(HocError, match="The user defined name already exists: hcn"):
        s.execute(f'nrn_load_dll("{d}")')
    s.execute("create soma\nsoma insert hcn\nx = soma.gbar_hcn")
    assert s.get_global("x") == 0.0001
    # a HOC variable of the same name as a mod's global clashes too
    s2 = session()
    s2.execute("vhalf_hcn = 1")
    with pytest.raises(HocError, match="already exists: vhalf_hcn"):
        s2.load_mod(d)
    assert "hcn" not in s2.model.registry


def test_nrn_load_dll_of_a_folder_a_mod_and_a_neuron_library(fake, tmp_path):
    d = write(tmp_path / "proj" / "mod", hcn=HCN, kap=KAP)
    arch = tmp_path / "proj" / "x86_64"
    arch.mkdir()
    (arch / "libnrnmech.so").write_bytes(b"\x7fELF")
    (arch / "mod_func.cpp").write_text('    fprintf(stderr, " \\"mod/hcn.mod\\"");\n'
                                       '    fprintf(stderr, " \\"mod/kap.mod\\"");\n')
    s = session()
    s.execute(f'x = nrn_load_dll("{arch}/libnrnmech.so")')
    assert s.get_global("x") == 1 and "hcn" in s.model.registry and "kap" in s.model.registry
    # NEURON 8's path (x86_64/.libs/libnrnmech.so) finds the same sources
    assert [Path(f).name for f in mod_files(str(arch / ".libs" / "libnrnmech.so"))] == ["hcn.mod", "kap.mod"]
    s = session()
    s.execute(f'x = nrn_load_dll("{d}/hcn.mod")\ny = nrn_load_dll("{tmp_path}/nowhere/libnrnmech.so")')
    assert (s.get_global("x"), s.get_global("y")) == (1, 0)
    assert "no such file" in "".join(s.test_err)
    lone = tmp_path / "lone" / "x86_64"
    lone.mkdir(parents=True)
    (lone / "libnrnmech.so").write_bytes(b"\x7fELF")
    with pytest.raises(HocError, match="cannot find the .mod files") as e:
        s.execute(f'nrn_load_dll("{lone}/libnrnmech.so")')
    assert "hocx translates .mod files" in e.value.render()


def test_library_sources_fall_back_to_the_mods_beside_the_build_folder(fake, tmp_path):
    write(tmp_path, hcn=HCN)
    (tmp_path / "x86_64").mkdir()
    assert [Path(f).name for f in mod_files(str(tmp_path / "x86_64" / "libnrnmech.so"))] == ["hcn.mod"]
    # at start: the cwd's *.mod; with none, the sources of ./x86_64
    assert [Path(f).name for f in startup_paths(str(tmp_path), ["x"])] == ["hcn.mod", "x"]


def test_a_mod_that_fails_does_not_stop_the_others_and_is_named_at_insert(fake, tmp_path):
    d = write(tmp_path / "m", hcn=HCN, kslow=BAD)
    s = session()
    res = s.mod_loader.load([str(d)])
    assert [m.name for m in res.loaded] == ["hcn"]
    assert len(res.errors) == 1 and res.errors[0].span.line == 2
    assert "kslow.mod:2:" in res.errors[0].render()
    with pytest.raises(HocError, match="kslow is not a MECHANISM") as e:
        s.execute("create soma\nsoma insert kslow")
    assert "kslow.mod did not translate" in e.value.render()
    with pytest.raises(HocError, match="kslow.mod:2"):
        s.load_mod(d / "kslow.mod")


def test_unknown_mechanism_hints_how_mods_load(fake, tmp_path):
    s = session()
    with pytest.raises(HocError, match="zzqq is not a MECHANISM") as e:
        s.execute("create soma\nsoma insert zzqq")
    assert "--mod" in e.value.render()


def test_point_process_mod_gets_a_class_and_suffixed_globals(fake, tmp_path):
    s = session(mods=write(tmp_path / "m", syn=SYN))
    s.execute("create soma\nobjref p\nsoma p = new Syn(0.5)\np.tau = 5\nx = p.tau\ny = gmax_Syn")
    assert (s.get_global("x"), s.get_global("y")) == (5, 3)


def test_a_new_ion_is_registered_before_the_mod_that_uses_it(fake, tmp_path):
    s = session(mods=write(tmp_path / "m", hvacl=CAL))
    order = s.model.registry.type_order()
    assert order["caL_ion"] < order["hvacl"]
    s.execute("create soma\nsoma insert hvacl\nx = ismembrane(\"caL_ion\")")
    assert s.get_global("x") == 1


# ---- the translation cache ----------------------------------------------------------
def test_cache_hit_miss_and_key(fake, tmp_path):
    d = write(tmp_path / "m", hcn=HCN, kap=KAP)
    session(mods=d)
    assert fake.calls == 2 and fake.loads == 0
    cache = tmp_path / "cache"
    assert oct(cache.stat().st_mode & 0o777) == "0o700" and len(list(cache.glob("*.json"))) == 2
    s = session(mods=d)
    assert fake.calls == 2 and fake.loads == 2               # both from the cache
    assert [m.cached for m in s.mod_loader.loaded.values()] == [True, True]
    assert not any("Notice" in e for e in s.test_err)         # notices come with a translation only
    (d / "hcn.mod").write_text(HCN.replace("-81", "-82"))     # new text: a new key
    s = session(mods=d)
    assert fake.calls == 3 and s.get_global("vhalf_hcn") == -82
    k1 = mod_key(HCN, "hcn.mod", "v1")
    assert k1 != mod_key(HCN, "hcn.mod", "v2") and k1 != mod_key(HCN + " ", "hcn.mod", "v1")


def test_cache_key_covers_included_files(tmp_path):
    (tmp_path / "vtrap.inc").write_text("FUNCTION vtrap(x) { vtrap = x }")
    text = 'NEURON { SUFFIX a }\nINCLUDE "vtrap.inc"\n'
    k1 = mod_key(text, str(tmp_path / "a.mod"), "v")
    (tmp_path / "vtrap.inc").write_text("FUNCTION vtrap(x) { vtrap = 2*x }")
    assert mod_key(text, str(tmp_path / "a.mod"), "v") != k1


def test_cache_refuses_tampered_foreign_and_linked_entries(fake, tmp_path):
    d = write(tmp_path / "m", hcn=HCN)
    session(mods=d)
    cache = tmp_path / "cache"
    (entry,) = cache.glob("*.json")
    head, body = entry.read_text().split("\n", 1)
    # the body changed without its hash: refused, translated again (and rewritten)
    entry.write_text(head + "\n" + body.replace("-81", "-99"))
    s = session(mods=d)
    assert fake.calls == 2 and s.get_global("vhalf_hcn") == -81 and s.mod_loader.cache.rejected == 1
    # a link in the entry's place is not followed
    target = tmp_path / "elsewhere.json"
    target.write_text(entry.read_text())
    entry.unlink()
    entry.symlink_to(target)
    session(mods=d)
    assert fake.calls == 3 and not entry.is_symlink()
    # a cache folder others can write is not used at all
    os.chmod(cache, 0o777)
    session(mods=d)
    session(mods=d)
    assert fake.calls == 5
    os.chmod(cache, 0o700)
    # an entry others can write is refused
    os.chmod(entry, 0o666)
    session(mods=d)
    assert fake.calls == 6


def test_safe_session_reads_verified_entries_and_writes_none(fake, tmp_path, monkeypatch):
    d = write(tmp_path / "m", hcn=HCN)
    monkeypatch.setenv("HOCX_MOD_CACHE", str(tmp_path / "safecache"))
    session(mods=d, safe=True)
    assert not (tmp_path / "safecache").exists() or not list((tmp_path / "safecache").glob("*.json"))
    session(mods=d)                      # an ordinary session writes the entry
    session(mods=d, safe=True)
    assert fake.calls == 2 and fake.loads == 1


def test_cache_entry_is_json_source_not_pickle(fake, tmp_path):
    session(mods=write(tmp_path / "m", hcn=HCN))
    (entry,) = (tmp_path / "cache").glob("*.json")
    head, body = entry.read_text().split("\n", 1)
    meta, data = json.loads(head), json.loads(body)
    assert meta["format"] == 1 and len(meta["key"]) == 64 and entry.name == meta["key"] + ".json"
    assert data["source"].startswith(mod_fake.SOURCE_HEAD) and data["name"] == "hcn"


def test_mod_cache_off(monkeypatch, tmp_path):
    monkeypatch.setenv("HOCX_MOD_CACHE", "off")
    assert not ModCache().enabled


CASHELL = """NEURON {
  SUFFIX shell
  RANGE k
}
PARAMETER { k = 2 }
STATE { ca[4] }
"""


def test_array_range_variables_by_element(fake, tmp_path):
    s = session(mods=write(tmp_path / "m", shell=CASHELL))
    s.execute("create soma, dend\nsoma { nseg = 3  insert shell }\n"
              "soma.ca_shell[2](0.5) = 3\nsoma ca_shell[1](0.9) = 4\nsoma.ca_shell[3] = 5\n"
              "a = soma.ca_shell[2](0.5)\nb = soma.ca_shell[2](0.1)\nsoma c = ca_shell[1](0.9)\n"
              "d = soma.ca_shell[3](0.1)\nsoma e = ca_shell[3]\n"
              "objref vec\nvec = new Vector()\n")
    g = s.get_global
    assert (g("a"), g("b"), g("c"), g("d"), g("e")) == (3, 0, 4, 5, 5)
    sec = s.model.sections[0]
    assert list(sec.seg["ca_shell[2]"]) == [0, 3, 0]
    from hocx.model.refs import RangeRef
    ptr = s.cable_pointer(s_parse_addr(s, "&soma.ca_shell[1](0.9)"))
    assert isinstance(ptr, RangeRef) and ptr.get() == 4
    with pytest.raises(HocError, match=r"ca_shell\[4\]"):
        s.execute("x = soma.ca_shell[4](0.5)")
    with pytest.raises(HocError, match="shell mechanism not inserted"):
        s.execute("x = dend.ca_shell[0](0.5)")
    s.execute("soma uninsert shell")
    assert not any(k.startswith("ca_shell") for k in sec.seg)


def s_parse_addr(s, text: str):
    """The AST of ``&expr`` (its operand), parsed as the argument of a call."""
    from hocx.syntax import ast as A
    from hocx.syntax.parser import parse_items
    (item,) = parse_items(f"print_addr({text})", "<t>", s)
    call = item.stmt.expr
    arg = call.args[0]
    return arg.target if isinstance(arg, A.AddrOf) else arg


# ---- with the real translator and the reference mods -----------------------------------
REF = Path("/work/shared/reference/nmodl")
if not REF.is_dir():
    REF = Path(__file__).resolve().parents[1] / "data" / "nmodl_reference"
real = pytest.mark.skipif(
    not (Path(__file__).resolve().parents[2] / "hocx" / "interp" / "nmodl" / "__init__.py").is_file()
    or not (REF / "mod").is_dir(), reason="the NMODL translator or the reference mods are missing")


@real
@pytest.mark.slow
def test_real_hoc_calls_of_mod_functions_match_neuron(tmp_path, monkeypatch):
    """The FUNCTION/PROCEDURE part of mod_functions.hoc (rates_hhx with the table on and off,
    its staleness after q10_hhx changes, linexp_hhx, vtrap_kdr, ghk_cat, km_naf) against
    NEURON's recorded values."""
    import numpy as np
    monkeypatch.setenv("HOCX_MOD_CACHE", str(tmp_path / "cache"))
    src = (REF / "scripts" / "mod_functions.hoc").read_text()
    src = src[:src.index("// a short run")]
    src = src.replace("soma syn = new NMDAmg(0.5)\nsyn.mg = 1.5\ncell = new LIFcell()\n", "")
    src = src.replace("    rec_mgblock.append(syn.mgblock(vv))\n", "")
    s = session(mods=REF / "mod")
    s.execute(src, "mod_functions_part.hoc")
    ref = json.loads((REF / "traces" / "mod_functions.json").read_text())["vectors"]
    for k in ("rec_minf_tab", "rec_mtau_tab", "rec_minf_direct", "rec_mtau_direct", "rec_ntau_stale",
              "rec_ntau_q10", "rec_linexp", "rec_vtrap", "rec_ghk", "rec_naf_minf"):
        got, want = np.array(s.get_global(k).x), np.array(ref[k])
        assert got.shape == want.shape and np.abs(got - want).max() <= 1e-9 * max(1, np.abs(want).max()), k
    assert s.execute("rates_hhx(-30)") == 1.0                  # a PROCEDURE returns 1
    with pytest.raises(HocError, match="1 argument expected"):
        s.execute("rates_hhx()")


@real
def test_real_cashell_array_and_globals(tmp_path, monkeypatch):
    monkeypatch.setenv("HOCX_MOD_CACHE", str(tmp_path / "cache"))
    s = session(mods=REF / "mod" / "cashell.mod")
    s.execute("create soma\nsoma insert cashell\nsoma.ca_cashell[2](0.5) = 1e-4\n"
              "x = soma.ca_cashell[2](0.5)\nn = vol_cashell[3]\nd = DCa_cashell")
    assert s.get_global("x") == 1e-4 and s.get_global("d") > 0
    assert s.globals.kinds["vol_cashell"] == "array"


#: what nrniv 9.0.2 lists (MechanismType internal_type) with the 24 reference mods in one
#: nrnivmodl library: ions come just before the first mod that uses them
NEURON_TYPE_NUMBERS = {"AMPAk": 24, "ca_ion": 25, "cabuf": 26, "cad": 27, "cat": 32, "FDSyn": 33,
                       "GapJ": 34, "hcn": 35, "hhx": 37, "caL_ion": 38, "hvacl": 39, "IzhPP": 40,
                       "kap": 41, "LIFcell": 45, "naf": 46, "nap": 47, "NMDAmg": 48, "RampI": 49}


@real
def test_real_mechanism_type_numbers_are_nrnivs(tmp_path, monkeypatch):
    monkeypatch.setenv("HOCX_MOD_CACHE", str(tmp_path / "cache"))
    s = session(mods=REF / "mod")
    got = {}
    for point in (0, 1):
        s.execute(f"objref mt\nmt = new MechanismType({point})\nn = mt.count")
        for i in range(int(s.get_global("n"))):
            s.execute(f'strdef nm\nmt.select({i})\nmt.selected(nm)\nk = mt.internal_type')
            got[s.get_global("nm")] = s.get_global("k")
    assert {k: got[k] for k in NEURON_TYPE_NUMBERS} == NEURON_TYPE_NUMBERS


@real
def test_real_include_is_found_in_another_folder_of_the_load(tmp_path, monkeypatch):
    monkeypatch.setenv("HOCX_MOD_CACHE", str(tmp_path / "cache"))
    (tmp_path / "a").mkdir()
    (tmp_path / "inc").mkdir()
    (tmp_path / "a" / "hhold.mod").write_text((REF / "mod" / "hhold.mod").read_text())
    (tmp_path / "inc" / "vtrap.inc").write_text((REF / "mod" / "vtrap.inc").read_text())
    with pytest.raises(HocError, match='INCLUDE file "vtrap.inc" not found'):
        session().load_mod(tmp_path / "a")
    s = session()
    assert s.load_mod(tmp_path / "a", tmp_path / "inc") == ["hhold"]    # a folder of includes only
    assert s.get_global("vtraub_hhold") == -63
