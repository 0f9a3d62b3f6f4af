"""``hocx`` and .mod files: the current folder's mods, --mod/-dll, --emit-mod, --no-mod-cache,
errors at start-up.  In-process with the stand-in translator (tests/interp/mod_fake.py); the
tests marked "real" run the real translator in a subprocess on the reference mods."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from test_cli import ROOT, hocx, hocx_process

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "interp"))
import mod_fake  # noqa: E402

REF = Path("/work/shared/reference/nmodl")
if not REF.is_dir():
    REF = ROOT / "tests" / "data" / "nmodl_reference"

HCN = """NEURON {
  SUFFIX hcn
  RANGE gbar
  GLOBAL vhalf
}
PARAMETER { gbar = 0.0001 vhalf = -81 }
"""
KAP = """NEURON {
  SUFFIX kap
  RANGE gbar
}
PARAMETER { gbar = 0.01 shift = 2 }
"""
BAD = """NEURON { SUFFIX kslow }
DERIVATIVE states { n' = (ninf - n/tau @@ }
"""


@pytest.fixture
def fake(monkeypatch, tmp_path):
    monkeypatch.setenv("HOCX_MOD_CACHE", str(tmp_path / "cache"))
    return mod_fake.install(monkeypatch)


def test_mods_of_the_current_folder_load_at_start(fake, tmp_path):
    (tmp_path / "hcn.mod").write_text(HCN)
    r = hocx("-c", "print vhalf_hcn", "-c", "create soma", "-c", "soma insert hcn",
             "-c", "print soma.gbar_hcn(0.5)", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["-81", "0.0001"]
    assert "Notice: fake translation of hcn" in r.stderr       # nocmodl's notices, on a translation


def test_mod_option_repeatable_folder_and_file_and_dll(fake, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "hcn.mod").write_text(HCN)
    (tmp_path / "kap.mod").write_text(KAP)
    run = tmp_path / "run"
    run.mkdir()
    r = hocx("--mod", "../a", "--mod", "../kap.mod", "-c", "print vhalf_hcn, shift_kap", cwd=run)
    assert (r.returncode, r.stdout) == (0, "-81 2 \n"), r.stderr
    r = hocx("-dll", "../a", "--mod=../kap.mod", "-c", "print vhalf_hcn, shift_kap", cwd=run)
    assert (r.returncode, r.stdout) == (0, "-81 2 \n"), r.stderr
    # the same folder named twice, or the current folder named again, loads once
    r = hocx("--mod", ".", "--mod", "./kap.mod", "-c", "print shift_kap", cwd=tmp_path)
    assert (r.returncode, r.stdout) == (0, "2 \n"), r.stderr


def test_nrn_load_dll_twice_is_neurons_error(fake, tmp_path):
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "hcn.mod").write_text(HCN)
    (tmp_path / "s.hoc").write_text('x = nrn_load_dll("m")\nprint x\nx = nrn_load_dll("m")\nprint "after"\n')
    r = hocx("s.hoc", cwd=tmp_path)
    assert r.returncode == 1 and r.stdout == "1 \n"
    assert "s.hoc:3:" in r.stderr and "The user defined name already exists: hcn" in r.stderr


def test_a_bad_mod_at_start_is_shown_and_the_script_still_runs(fake, tmp_path):
    (tmp_path / "hcn.mod").write_text(HCN)
    (tmp_path / "kslow.mod").write_text(BAD)
    r = hocx("-c", "print vhalf_hcn", cwd=tmp_path)
    assert r.stdout == "-81 \n"
    assert "kslow.mod:2:" in r.stderr and "^" in r.stderr and "Traceback" not in r.stderr
    assert r.returncode == 1                         # the run had an error
    r = hocx("-c", "create soma", "-c", "soma insert kslow", cwd=tmp_path)
    assert r.returncode == 1 and "kslow is not a MECHANISM" in r.stderr
    assert "kslow.mod did not translate" in r.stderr
    # --check knows the mods too (insert hcn parses), and shows the bad one
    (tmp_path / "ok.hoc").write_text("create soma\nsoma insert hcn\n")
    r = hocx("--check", "ok.hoc", cwd=tmp_path)
    assert "ok.hoc: ok" in r.stdout and "kslow.mod:2:" in r.stderr


def test_a_bad_mod_does_not_end_the_repl(fake, tmp_path):
    (tmp_path / "hcn.mod").write_text(HCN)
    (tmp_path / "kslow.mod").write_text(BAD)
    r = hocx("--simple-prompt", cwd=tmp_path, stdin="print vhalf_hcn\n")
    assert "-81" in r.stdout and "kslow.mod:2:" in r.stderr


def test_emit_mod_prints_the_source_and_fails_on_a_bad_mod(fake, tmp_path):
    (tmp_path / "hcn.mod").write_text(HCN)
    (tmp_path / "kslow.mod").write_text(BAD)
    r = hocx("--emit-mod", "hcn.mod", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.startswith(mod_fake.SOURCE_HEAD)
    assert "Notice: fake translation of hcn" in r.stderr
    r = hocx("--emit-mod", "kslow.mod", cwd=tmp_path)
    assert r.returncode == 1 and r.stdout == "" and "kslow.mod:2:" in r.stderr
    r = hocx("--emit-mod", "nothere.mod", cwd=tmp_path)
    assert r.returncode == 1 and "can't open nothere.mod" in r.stderr


def test_safe_nrn_load_dll_reads_only_allowed_folders(fake, tmp_path):
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "hcn.mod").write_text(HCN)
    run = tmp_path / "run"
    run.mkdir()
    (run / "kap.mod").write_text(KAP)
    (run / "s.hoc").write_text(f'print nrn_load_dll("{tmp_path}/other")\n')
    r = hocx("--safe", "--no-mod-cache", "s.hoc", cwd=run)
    assert r.returncode == 1 and "--safe refuses to read" in r.stderr
    r = hocx("--safe", "--no-mod-cache", "--mod", "../other", "-c", "print vhalf_hcn, shift_kap", cwd=run)
    assert (r.returncode, r.stdout) == (0, "-81 2 \n"), r.stderr      # what the user named loads


def test_safe_refuses_an_include_outside_the_allowed_folders(fake, tmp_path):
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "rates.inc").write_text("FUNCTION f(x) { f = x }\n")
    run = tmp_path / "run"
    run.mkdir()
    (run / "hcn.mod").write_text(f'INCLUDE "{tmp_path}/secret/rates.inc"\n' + HCN)
    (run / "local.inc").write_text("FUNCTION g(x) { g = x }\n")
    (run / "kap.mod").write_text('INCLUDE "local.inc"\n' + KAP)
    r = hocx("--safe", "--no-mod-cache", "-c", "print shift_kap", cwd=run)
    assert "INCLUDE: --safe refuses to read" in r.stderr and "rates.inc" in r.stderr
    assert r.stdout == "2 \n"                # the mod whose INCLUDE is next to it loads
    assert fake.calls == 1                    # hcn.mod was never translated
    r = hocx("--no-mod-cache", "-c", "print vhalf_hcn, shift_kap", cwd=run)
    assert (r.returncode, r.stdout) == (0, "-81 2 \n"), r.stderr     # without --safe: both


def test_no_mod_cache_translates_every_time(fake, tmp_path):
    (tmp_path / "hcn.mod").write_text(HCN)
    hocx("-c", "x = 1", cwd=tmp_path)
    hocx("-c", "x = 1", cwd=tmp_path)
    assert (fake.calls, fake.loads) == (1, 1)
    hocx("--no-mod-cache", "-c", "x = 1", cwd=tmp_path)
    assert fake.calls == 2


def test_mod_option_errors(fake, tmp_path):
    r = hocx("--mod", cwd=tmp_path)
    assert r.returncode == 2 and "--mod needs a folder or .mod file" in r.stderr
    r = hocx("--mod", "nowhere", "-c", "print 1", cwd=tmp_path)
    assert r.returncode == 1 and "nowhere" in r.stderr and r.stdout == "1 \n"


# ---- the real translator, in a subprocess ----------------------------------------------
def _real_translator() -> bool:
    return importlib.util.find_spec("hocx.interp.nmodl") is not None and \
        (ROOT / "hocx" / "interp" / "nmodl" / "__init__.py").is_file()


real = pytest.mark.skipif(not _real_translator() or not REF.is_dir(),
                          reason="the NMODL translator (hocx.interp.nmodl) or the reference mods are missing")


@real
@pytest.mark.slow
def test_real_load_whole_reference_folder_and_its_hoc_names(tmp_path, monkeypatch):
    monkeypatch.setenv("HOCX_MOD_CACHE", str(tmp_path / "cache"))
    code = ('print vhalf_hcn, shift_kap, usetable_hhx, km_naf\n'
            'create soma\nsoma insert hcn\nprint soma.gbar_hcn(0.5)\n'
            'objref mt\nmt = new MechanismType(0)\nprint mt.count > 10\n')
    for _ in range(2):                                   # translated, then from the cache
        r = hocx_process("--mod", str(REF / "mod"), "-", cwd=tmp_path, stdin=code)
        assert r.returncode == 0, r.stderr
        assert r.stdout.split() == ["-81", "0", "1", "7", "0.0001", "1"], r.stdout
    assert len(list((tmp_path / "cache").glob("*.json"))) == 24


@real
def test_real_emit_mod_and_the_fail_cases(tmp_path):
    r = hocx_process("--emit-mod", str(REF / "mod" / "hcn.mod"), cwd=tmp_path)
    assert r.returncode == 0 and "def " in r.stdout, r.stderr
    r = hocx_process("--emit-mod", str(REF / "fail" / "syntax_error.mod"), cwd=tmp_path)
    assert r.returncode == 1 and "syntax_error.mod:4" in r.stderr and "^" in r.stderr
    assert "Traceback" not in r.stderr
    r = hocx_process("--emit-mod", str(REF / "fail" / "verbatim_block.mod"), cwd=tmp_path)
    assert r.returncode == 1 and "VERBATIM" in r.stderr and "verbatim_block.mod:" in r.stderr
