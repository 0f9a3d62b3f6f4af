"""The built-in hh and pas are stdlib/hh.mod and stdlib/pas.mod compiled by hocx's translator
(hocx/interp/stdlib_mods.py): declared at session start from the generated source's SPEC
without running the translator, their functions loaded on first use, per session."""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hocx.api import Session
from hocx.interp import stdlib_mods
from hocx.interp.stdlib_mods import StdlibMod, key_of, mod_path, shipped, write_shipped

ROOT = Path(__file__).resolve().parents[2]


def test_declarations_are_the_translations_and_hooks_load_lazily():
    for name in stdlib_mods.STDLIB_MODS:
        std = StdlibMod(name)
        assert std._translation is None                  # nothing executed yet
        from hocx.interp.nmodl import translate
        real = translate(str(mod_path(name))).spec
        stdlib_mods._check_same(std.spec, real)          # every declared field equal
        assert std.spec.states == real.states and std.spec.flags == real.flags
        std.translation()                                # loads (and checks) once
        assert std._translation is not None and std.translation() is std._translation
    hh = StdlibMod("hh").spec
    assert hh.states == ("m", "h", "n")       # minf..ntau are not RANGE: not carried per step
    assert hh.flags == (("usetable", "usetable_hh", 1.0),) and hh.method == "cnexp"


def test_shipped_translation_is_checked_by_key_and_hash(tmp_path):
    files = write_shipped(tmp_path)
    assert sorted(f.name for f in files) == [
        "AlphaSynapse.mod.json", "Exp2Syn.mod.json", "ExpSyn.mod.json", "GlutamateSynapse.mod.json",
        "IClamp.mod.json", "IntFire1.mod.json", "IntFire2.mod.json", "IntFire4.mod.json",
        "IonotropicSynapse.mod.json", "NetStim.mod.json", "SEClamp.mod.json", "hh.mod.json",
        "pas.mod.json"]
    text = mod_path("hh").read_text(encoding="utf-8")
    key = key_of("hh", text)
    src = shipped("hh", key, tmp_path)
    assert src is not None and src == stdlib_mods.generated_source("hh")[1]
    assert shipped("hh", key_of("hh", text + "\n: edited\n"), tmp_path) is None   # stale
    d = json.loads((tmp_path / "hh.mod.json").read_text())
    d["source"] = d["source"].replace("0.12", "0.13")
    (tmp_path / "hh.mod.json").write_text(json.dumps(d))
    assert shipped("hh", key, tmp_path) is None                                    # tampered


def test_session_has_hh_functions_units_and_usetable():
    s = Session(out=lambda text: None)
    assert s.execute("rates_hh(-30)") == 1.0                  # the mod's PROCEDURE
    assert s.execute("vtrap_hh(1, 10)") == pytest.approx(1.0 / (math.exp(0.1) - 1.0), rel=1e-12)
    assert s.execute("usetable_hh") == 1.0
    s.execute("create soma\nsoma insert hh\nsoma insert pas\n")
    assert s.execute("soma.gnabar_hh") == 0.12 and s.execute("soma.g_pas") == 0.001
    reg = s.model.registry
    assert reg.get("hh").var("gnabar_hh").units == "S/cm2" and reg.get("hh").var("minf_hh") is None
    order = reg.type_order()
    assert order["pas"] < order["IClamp"] < order["na_ion"] < order["k_ion"] < order["hh"]
    assert reg.spec("hh") is not Session(out=lambda t: None).model.registry.spec("hh")


def test_session_start_does_not_run_the_translator(tmp_path):
    """With the translations cached, a session declares hh/pas without importing the
    translator or numpy's mechanism code (the hooks load at the first finitialize)."""
    env = dict(os.environ, HOCX_MOD_CACHE=str(tmp_path / "cache"),
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    code = ("import sys\nfrom hocx.api import Session\ns = Session(out=lambda t: None)\n"
            "s.execute('create soma\\nsoma insert hh\\n')\n"
            "print('translator' if 'hocx.interp.nmodl' in sys.modules else 'none')\n")
    out = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=120) for _ in range(2)]
    assert all(p.returncode == 0 for p in out), out[-1].stderr[-2000:]
    assert out[0].stdout.split()[-1] == "translator"         # a cold cache: translated once
    assert out[1].stdout.split()[-1] == "none"               # then only read

