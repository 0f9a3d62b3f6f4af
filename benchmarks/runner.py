"""Running the three systems as separate processes and reading back their figures.

Every program prints one ``RESULT {json}`` line; :func:`run` adds the whole-process wall
time and the peak resident memory of that process (``wait4``'s rusage, so each figure
belongs to one child, not to the suite).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


class Failed(RuntimeError):
    """A benchmark program exited non-zero; the message is its last error line."""


def run(cmd: list[str], *, cwd: Path = HERE, env: dict | None = None, timeout: float = 1800) -> dict:
    """Run ``cmd``; its RESULT dict plus ``process_s`` and ``maxrss_mib``."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=err, text=True)
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            lines = [ln for ln in err.read().decode(errors="replace").splitlines() if ln.strip()]
            errs = [ln for ln in lines if "error" in ln.lower()]
            raise Failed((errs or lines or [f"exit status {proc.returncode}"])[-1].strip())
    m = re.search(r"RESULT (\{.*\})", out)
    res = json.loads(m.group(1)) if m else {}
    res.update(process_s=wall, maxrss_mib=usage.ru_maxrss / 1024.0)
    return res


def hocx_env(cache: str = "") -> dict:
    """This checkout's hocx; ``cache``: persistent compile cache folder ('' = off)."""
    return dict(os.environ, PYTHONPATH=str(ROOT), HOCX_CACHE_DIR=cache)


def hocx(script: str, *stmts: str, cache: str = "") -> dict:
    """Whole process ``hocx script`` (statements first, like ``-c``)."""
    return run([sys.executable, str(HERE / "_hocx_run.py"), script, *stmts], env=hocx_env(cache))


def hocx_steady(script: str, *stmts: str, repeats: int = 5) -> dict:
    """The script, then ``run()`` ``repeats`` more times in the same process (no disk cache)."""
    return run([sys.executable, str(HERE / "_hocx_steady.py"), script, str(repeats), *stmts],
               env=hocx_env(""))


def nrniv(script: str, *stmts: str) -> dict:
    cmd = ["nrniv", "-nobanner"]
    for s in stmts:
        cmd += ["-c", s]
    return run(cmd + [script, "-c", "quit()"])


def has_nrniv() -> bool:
    return shutil.which("nrniv") is not None


def jaxley_python() -> str | None:
    """``HOCX_BENCH_JAXLEY_PYTHON``, else the sibling virtual environment ``../jxenv``,
    else this Python if it can import jaxley; None when Jaxley is not installed."""
    py = os.environ.get("HOCX_BENCH_JAXLEY_PYTHON")
    if py:
        return py
    venv = ROOT.parent / "jxenv" / "bin" / "python"
    if venv.exists():
        return str(venv)
    probe = subprocess.run([sys.executable, "-c", "import jaxley"], capture_output=True)
    return sys.executable if probe.returncode == 0 else None


def jaxley(script: str, *args: str) -> dict:
    """One anchor Jaxley program (benchmarks/jaxley/) in its own interpreter."""
    env = dict(os.environ, ANCHOR_OUT=tempfile.mkdtemp(prefix="hocx-bench-jx-"))
    env.pop("PYTHONPATH", None)
    return run([jaxley_python(), str(HERE / "jaxley" / script), *args], cwd=HERE / "jaxley", env=env)
