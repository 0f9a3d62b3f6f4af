"""Start-up and parsing beside nrniv: whole-process times and hocx/nrniv ratios.

    python benchmarks/parse_speed.py [--repeat N] [--full] [--hocx CMD] [--nrniv CMD]

Figures (each the best of ``--repeat`` runs, hocx and nrniv interleaved so that a busy
machine slows both alike):

* ``-c 'quit()'``: start-up of the whole process;
* parse + run of the generated 5,000-line script of ``parse_bench.py`` (templates, procs
  and funcs with locals, loops, if/else, strdefs, Vectors);
* parse + run of 100,000 simple lines (``x7 = 123 + 4 * 2``);
* a 10 MB line with a syntax error at its 5th column (hocx stops at the bad token);
* with ``--full``, the generated script at 100,000 lines too (nrniv alone takes ~25 s);
* hocx's parse alone, in microseconds per line, in this process.

hocx runs as an installed package does: with byte-compiled modules (a private
``PYTHONPYCACHEPREFIX`` is used when ``PYTHONDONTWRITEBYTECODE`` is set here, after a
warm-up run).  Not a test: nothing is asserted.
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
sys.path.insert(0, str(ROOT))

from benchmarks.parse_bench import generate  # noqa: E402


def simple_lines(n: int) -> str:
    return "".join(f"x{i % 100} = {i} + {i % 7} * 2\n" for i in range(n))


def nrniv_command() -> list[str] | None:
    exe = shutil.which("nrniv")
    if exe:
        return [exe, "-nobanner"]
    try:
        import neuron  # noqa: F401
    except ImportError:
        return None
    for cand in Path(neuron.__file__).parent.glob(".data/bin/nrniv"):
        return [str(cand), "-nobanner"]
    return None


def timed(cmd: list[str], env: dict | None = None, cwd: str | None = None) -> tuple[float, int]:
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd)
    return time.perf_counter() - t0, p.returncode


def hocx_env() -> dict:
    env = dict(os.environ)
    if env.get("PYTHONDONTWRITEBYTECODE"):
        env.pop("PYTHONDONTWRITEBYTECODE")
        env.setdefault("PYTHONPYCACHEPREFIX", os.path.join(tempfile.gettempdir(),
                                                           f"hocx-bench-pyc-{os.getuid()}"))
    return env


def parse_only_us_per_line(text: str, repeat: int) -> float:
    """Parsing alone, with the symbol table a run of ``text`` leaves (names have kinds)."""
    from hocx.api import Session
    from hocx.syntax import parse_text
    session = Session(out=lambda _s: None)
    session.execute(text, "bench.hoc")
    best = float("inf")
    n = text.count("\n")
    for _ in range(repeat):
        t0 = time.process_time()
        parse_text(text, "bench.hoc", session)
        best = min(best, time.process_time() - t0)
    return best / n * 1e6


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--full", action="store_true", help="also the generated script at 100,000 lines")
    ap.add_argument("--hocx", default=f"{sys.executable} -m hocx", help="hocx command line")
    ap.add_argument("--nrniv", default=None, help="nrniv command line (default: nrniv on PATH)")
    args = ap.parse_args()
    hocx = args.hocx.split()
    nrniv = args.nrniv.split() if args.nrniv else nrniv_command()
    env = hocx_env()
    with tempfile.TemporaryDirectory() as tmp:
        cases: list[tuple[str, list[str] | None]] = [("-c 'quit()'  (start-up)", None)]

        def script(name: str, text: str) -> list[str]:
            path = Path(tmp) / name
            path.write_text(text + "quit()\n", encoding="utf-8")
            return [str(path)]

        cases.append(("5,000-line generated script", script("gen5k.hoc", generate(5000))))
        cases.append(("100,000 simple lines", script("simple100k.hoc", simple_lines(100_000))))
        bad = "x = ) " + "1 + " * 2_500_000 + "1\n"
        cases.append(("10 MB line, error at column 5", script("longline.hoc", bad)))
        if args.full:
            cases.append(("100,000-line generated script", script("gen100k.hoc", generate(100_000))))
        timed(hocx + ["-c", "quit()"], env, tmp)                     # warm-up: byte-compile
        print(f"{'case':34} {'hocx s':>8} {'nrniv s':>8} {'ratio':>6}")
        for label, argv in cases:
            argv = argv if argv is not None else ["-c", "quit()"]
            th = tn = float("inf")
            for _ in range(args.repeat):
                th = min(th, timed(hocx + argv, env, tmp)[0])
                if nrniv:
                    tn = min(tn, timed(nrniv + argv, None, tmp)[0])
            tn_s = f"{tn:8.2f}" if nrniv else "       -"
            ratio = f"{th / tn:6.2f}" if nrniv else "     -"
            print(f"{label:34} {th:8.2f} {tn_s} {ratio}", flush=True)
    gen = generate(5000)
    print(f"parse only, generated script: {parse_only_us_per_line(gen, args.repeat):.1f} us/line")
    print(f"parse only, simple lines:     "
          f"{parse_only_us_per_line(simple_lines(20_000), args.repeat):.1f} us/line")
    if not nrniv:
        print("(nrniv not found: install neuron or pass --nrniv)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
