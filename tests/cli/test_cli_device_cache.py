"""--device, --jit-cache and --no-jit-cache."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hocx import cli

ROOT = Path(__file__).resolve().parents[2]
ENV = dict(os.environ, PYTHONPATH=str(ROOT))


def test_options_parse():
    o = cli.parse_args(["--device", "cpu", "--jit-cache", "/tmp/x", "a.hoc"])
    assert (o.device, o.jit_cache, o.no_jit_cache) == ("cpu", "/tmp/x", False)
    assert cli.parse_args(["--no-jit-cache"]).no_jit_cache
    with pytest.raises(cli.UsageError):
        cli.parse_args(["--device", "tpu"])
    with pytest.raises(cli.UsageError):
        cli.parse_args(["--jit-cache"])


def test_jit_cache_dir_is_filled_by_a_run(tmp_path):
    cache = tmp_path / "cache"
    src = "create soma\nsoma insert hh\nfinitialize(-65)\nfor i = 1, 10 fadvance()\nprint t\n"
    p = subprocess.run([sys.executable, "-m", "hocx", "--jit-cache", str(cache), "-"], input=src,
                       capture_output=True, text=True, env=ENV, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ["1", "0.25"]   # finitialize echoes 1, as in nrniv
    assert any(cache.iterdir()), "the compiled integrator should be in the cache folder"


def test_missing_gpu_is_a_clean_usage_error(tmp_path):
    p = subprocess.run([sys.executable, "-m", "hocx", "--device", "gpu", "-c", "print 1"],
                       capture_output=True, text=True, env=ENV, cwd=tmp_path)
    if p.returncode == 0:
        pytest.skip("this machine has a GPU")
    assert p.returncode == 2
    assert "no gpu device available" in p.stderr
    assert "Traceback" not in p.stderr
