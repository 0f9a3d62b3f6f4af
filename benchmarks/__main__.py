"""``python -m benchmarks [--quick] [--only m1,warm,m2,m3,m4,m5,net1000,net_translated]`` (from the repository root).

Runs hocx, NEURON (``nrniv``) and Jaxley (``HOCX_BENCH_JAXLEY_PYTHON``, the sibling venv
``../jxenv`` or this Python) on the anchor models in one run, each program in its own
process, and prints one table of figures with hocx's ratios to both peers, then the anchors'
hocx targets with the measured value.  A missing peer is reported and skipped.
``--quick``: B = 15, 63, K = 64, gradients at 50 ms only, no Jaxley one-shot processes.
"""
from __future__ import annotations

import argparse
import os
import platform
import time

from . import runner as R
from .suite import MODELS


def cell(x, unit: str) -> str:
    if x is None:
        return "-"
    if isinstance(x, str):
        return x
    if unit in ("", "x") and float(x).is_integer():
        return f"{int(x)}"
    return f"{x:.3g}" if abs(x) < 100 else f"{x:.0f}"


def ratio(a, b) -> str:
    ok = lambda v: isinstance(v, (int, float)) and v > 0
    return f"{a / b:.2f}" if ok(a) and ok(b) else "-"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, < 3 minutes")
    ap.add_argument("--only", default=",".join(MODELS), help="comma-separated: " + ",".join(MODELS))
    args = ap.parse_args(argv)
    chosen = [m.strip().lower() for m in args.only.split(",") if m.strip()]
    unknown = [m for m in chosen if m not in MODELS]
    if unknown:
        ap.error(f"unknown model(s) {', '.join(unknown)}; choose from {', '.join(MODELS)}")
    systems = {"neuron": R.has_nrniv(), "jaxley": R.jaxley_python() is not None}
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}")
    print("NEURON: " + ("nrniv found" if systems["neuron"] else "not installed, skipped"))
    print("Jaxley: " + (R.jaxley_python() if systems["jaxley"] else "not installed, skipped"))
    t0 = time.perf_counter()
    rows, checks = [], []
    for name in chosen:
        t1 = time.perf_counter()
        r, c = MODELS[name](systems, args.quick)
        rows += r
        checks += c
        print(f"  {name}: {time.perf_counter() - t1:.0f} s", flush=True)
    w = max(len(r[0]) for r in rows) + 2
    print(f"\n{'figure':<{w}}{'unit':>5} {'NEURON':>10} {'hocx':>10} {'Jaxley':>10} "
          f"{'hocx/NEURON':>12} {'hocx/Jaxley':>12}")
    for fig, unit, n, h, j in rows:
        line = f"{fig:<{w}}{unit:>5} {cell(n, unit):>10} {cell(h, unit):>10} {cell(j, unit):>10} "
        line += f"{ratio(h, n):>12} {ratio(h, j):>12}" if unit not in ("",) else ""
        print(line)
    if checks:
        print(f"\n{'hocx target (../shared/anchors.md)':<48} {'measured':>14}  met")
        for target, value, met in checks:
            print(f"{target:<48} {value:>14}  {'yes' if met else 'no'}")
    print(f"\nwhole suite: {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
