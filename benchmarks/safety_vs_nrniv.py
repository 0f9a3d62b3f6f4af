"""Hostile-input sizes, hocx beside nrniv: how long and how much memory (issue 18).  Not a test.

    python benchmarks/safety_vs_nrniv.py [--lines N] [--terms N] [--no-nrniv] [--only NAME,...]

Each case is a generated .hoc file run in its own process (``python -m hocx`` and
``nrniv -nobanner -nogui``), timed wall-clock, with the child's peak RSS:

* ``lines``: N simple lines (``x17 = 12345``), default 100,000;
* ``long-sum``: one valid line ``x = 1+1+...+1`` of N terms (default 200,000: 400 KB);
* ``bad-line``: one invalid line ``x = 1 1 1 ...`` of N terms (a syntax error at column 7);
  also reports how long the error message is (it must show a window, not the line);
* ``safe-lines``: the ``lines`` file under ``hocx --safe --max-seconds 600``.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def cases(lines: int, terms: int) -> dict[str, tuple[str, list[str]]]:
    return {
        "lines": ("".join(f"x{i % 100} = {i}\n" for i in range(lines)), []),
        "long-sum": ("x = " + "+".join(["1"] * terms) + "\nprint x\n", []),
        "bad-line": ("x = " + " ".join(["1"] * terms) + "\n", []),
        "safe-lines": ("".join(f"x{i % 100} = {i}\n" for i in range(lines)),
                       ["--safe", "--max-seconds", "600"]),
    }


def run(cmd: list[str], cwd: str) -> tuple[float, float, int, int]:
    """(seconds, peak RSS MB, exit status, stderr bytes) of one child process."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _pid, status, usage = os.wait4(p.pid, 0)
        took = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0, os.SEEK_END)
        return took, usage.ru_maxrss / 1024, p.returncode, err.tell()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--terms", type=int, default=200_000)
    ap.add_argument("--no-nrniv", action="store_true")
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    nrniv = None if a.no_nrniv else shutil.which("nrniv")
    only = set(filter(None, a.only.split(",")))
    print(f"{'case':<12} {'size':>9} {'system':<7} {'seconds':>8} {'peak MB':>8} {'exit':>4} {'stderr B':>8}")
    with tempfile.TemporaryDirectory() as d:
        for name, (text, flags) in cases(a.lines, a.terms).items():
            if only and name not in only:
                continue
            path = Path(d) / f"{name}.hoc"
            path.write_text(text)
            size = f"{len(text) / 1e6:.2f} MB"
            systems = [("hocx", [sys.executable, "-m", "hocx", *flags, str(path)])]
            if nrniv and not flags:
                systems.append(("nrniv", [nrniv, "-nobanner", "-nogui", str(path)]))
            for label, cmd in systems:
                took, peak, rc, errlen = run(cmd, d)
                print(f"{name:<12} {size:>9} {label:<7} {took:8.2f} {peak:8.0f} {rc:4d} {errlen:8d}",
                      flush=True)


if __name__ == "__main__":
    main()
