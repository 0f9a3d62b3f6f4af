"""``HOCX_JIT_CACHE`` (advertised by ``hocx --help``) chooses the persistent compile cache."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODEL = ("create soma\nsoma insert hh\nobjref rv\nrv = new Vector()\nrv.record(&soma.v(0.5))\n"
         "finitialize(-65)\nwhile (t < 1) { fadvance() }\nprint rv.size()\n")


@pytest.mark.slow
def test_hocx_jit_cache_env_is_used(tmp_path):
    (tmp_path / "m.hoc").write_text(MODEL)
    env = {k: v for k, v in os.environ.items() if k not in ("HOCX_CACHE_DIR", "HOCX_JIT_CACHE")}
    env.update(PYTHONPATH=str(ROOT), HOCX_JIT_CACHE=str(tmp_path / "jit"), HOME=str(tmp_path / "home"))
    proc = subprocess.run([sys.executable, "-m", "hocx", "m.hoc"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split()[-1] == "41"
    entries = list((tmp_path / "jit").iterdir())
    assert entries, "nothing was written to $HOCX_JIT_CACHE"
    assert not (tmp_path / "home" / ".cache" / "hocx" / "xla").exists() or \
        not list((tmp_path / "home" / ".cache" / "hocx" / "xla").iterdir())


def test_hocx_jit_cache_env_sets_jax_config(tmp_path):
    code = ("import jax, hocx.sim\nprint(jax.config.jax_compilation_cache_dir)\n")
    env = {k: v for k, v in os.environ.items() if k not in ("HOCX_CACHE_DIR", "HOCX_JIT_CACHE")}
    env.update(PYTHONPATH=str(ROOT), HOCX_JIT_CACHE=str(tmp_path / "a"), HOCX_CACHE_DIR=str(tmp_path / "b"))
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(tmp_path / "a")
    assert (tmp_path / "a").is_dir() and not (tmp_path / "b").exists()
