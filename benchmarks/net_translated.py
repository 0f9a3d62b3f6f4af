"""net1000 with translated synapses (issue 13; a program, not a test: it prints figures).

Run from the repository root:  python benchmarks/net_translated.py

``net_translated.hoc``: 1,000 hh cells, each with one TMDSyn (tests/data/mods/tmdsyn.mod, a
depressing synapse with NET_RECEIVE state: per-NetCon R, u, tsyn, an INITIAL block in
NET_RECEIVE, a net_send release) receiving 100 NetCons (100,000 in all), 100 ms.  The mod is
compiled once with nrnivmodl in a scratch folder; NEURON (``nrniv``) and hocx run the SAME
HOC file, which loads that library with ``nrn_load_dll(mechlib)`` (hocx translates the .mod
beside the library).  Each system runs in its own process: whole-process wall time and peak
RSS (``wait4``), the ``run()`` time the script itself measures, and the spike / release
counts (which must be equal).  Also available as ``python -m benchmarks --only net_translated``.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks import runner as R  # noqa: E402

MOD = HERE.parent / "tests" / "data" / "mods" / "tmdsyn.mod"


def build(folder: Path) -> Path:
    """nrnivmodl of tmdsyn.mod in ``folder``; the library's path."""
    shutil.copy(MOD, folder / MOD.name)
    subprocess.run(["nrnivmodl"], cwd=folder, check=True, capture_output=True)
    return folder / "x86_64" / "libnrnmech.so"


def measure() -> tuple[dict | str, dict | str]:
    """(NEURON's figures or why not, hocx's figures or why not)."""
    folder = Path(tempfile.mkdtemp(prefix="hocx-bench-nettr-"))
    try:
        lib = build(folder) if R.has_nrniv() and shutil.which("nrnivmodl") else None
        if lib is None:         # hocx alone: it takes the .mod folder
            set_lib = ("strdef mechlib", f'mechlib = "{MOD.parent}"')
            nrn = "not installed"
        else:
            set_lib = ("strdef mechlib", f'mechlib = "{lib}"')
            nrn = _attempt(lambda: R.nrniv("net_translated.hoc", *set_lib))
        h = _attempt(lambda: R.hocx("net_translated.hoc", *set_lib))
        return nrn, h
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _attempt(fn):
    try:
        return fn()
    except R.Failed as exc:
        return f"failed: {exc}"[:200]


def rows(nrn, h) -> list[tuple]:
    get = lambda r, k: r.get(k) if isinstance(r, dict) else r
    return [("net_translated whole process", "s", get(nrn, "process_s"), get(h, "process_s")),
            ("net_translated run() (hocx: lower + compile + run)", "s", get(nrn, "run_s"),
             get(h, "run_s")),
            ("net_translated peak memory", "MiB", get(nrn, "maxrss_mib"), get(h, "maxrss_mib")),
            ("net_translated spikes (must be equal)", "", get(nrn, "spikes"), get(h, "spikes")),
            ("net_translated releases (must be equal)", "", get(nrn, "releases"), get(h, "releases")),
            ("net_translated sum of spike times", "ms", get(nrn, "spike_time_sum"),
             get(h, "spike_time_sum"))]


def main() -> None:
    nrn, h = measure()
    print(f"{'figure':<52} {'unit':>4} {'NEURON':>12} {'hocx':>12} {'hocx/NEURON':>12}")
    for name, unit, a, b in rows(nrn, h):
        ratio = (f"{b / a:.3g}" if isinstance(a, (int, float)) and isinstance(b, (int, float))
                 and a and "must" not in name and "sum" not in name else "")
        fmt = lambda x: f"{x:.6g}" if isinstance(x, (int, float)) else str(x)[:40]
        print(f"{name:<52} {unit:>4} {fmt(a):>12} {fmt(b):>12} {ratio:>12}")


if __name__ == "__main__":
    main()
