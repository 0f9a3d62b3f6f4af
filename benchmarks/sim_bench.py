"""hocx's simulator against NEURON on the anchor models (../shared/anchors.md).

Run from the repository root:  python benchmarks/sim_bench.py [--quick]

Figures, each beside NEURON's from the same run (absolute times drift ~30 % on shared
machines; compare within one run, as ratios):

* time to first trace, whole process: ``nrniv neuron_m1.hoc`` vs ``hocx neuron_m1.hoc``
  (hocx cold = empty persistent compile cache, warm = second run with the cache);
* steady-state ns per compartment-step on M1 and on M3 (B = 15, 63, 255, 1023): hocx times
  repeated ``run()`` calls in one session after the first (which compiles); NEURON's is the
  ``run_s`` its script reports;
* compile count after a parameter change (must stay the same: no recompile).

Jaxley is run too (``benchmarks/jaxley/jaxley_m*.py``, copied from the anchors) with the
Python named by ``HOCX_BENCH_JAXLEY_PYTHON`` (a separate virtual environment with
``pip install jaxley``, so its JAX pin cannot disturb hocx's), or with this Python when
it can import jaxley; otherwise the Jaxley columns say "not installed".
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
ENV = dict(os.environ, PYTHONPATH=str(ROOT))


def wall(cmd: list[str], env=None) -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=HERE, env=env or ENV, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return dt, proc.stdout


def result(stdout: str) -> dict:
    m = re.search(r"RESULT (\{.*\})", stdout)
    return json.loads(m.group(1)) if m else {}


def nrniv(script: str, *defs: str) -> tuple[float, dict]:
    cmd = ["nrniv", "-nobanner"]
    for d in defs:
        cmd += ["-c", d]
    dt, out = wall(cmd + [script, "-c", "quit()"])
    return dt, result(out)


def hocx_process(script: str, *defs: str, cache: str | None) -> tuple[float, dict]:
    """Whole-process time of ``hocx script`` (via _hocx_run.py, same as the CLI)."""
    cmd = [sys.executable, str(HERE / "_hocx_run.py"), script, *defs]
    env = dict(ENV, HOCX_CACHE_DIR=cache if cache is not None else "")
    dt, out = wall(cmd, env)
    return dt, result(out)


def jaxley_python() -> str | None:
    """The interpreter that has jaxley, or None."""
    py = os.environ.get("HOCX_BENCH_JAXLEY_PYTHON")
    if py:
        return py
    probe = subprocess.run([sys.executable, "-c", "import jaxley"], capture_output=True)
    return sys.executable if probe.returncode == 0 else None


def jaxley(script: str, *args: str) -> dict:
    """One Jaxley anchor program's RESULT (steady_median_s, compile_s, build_s, ...)."""
    py = jaxley_python()
    if py is None:
        return {}
    out = tempfile.mkdtemp(prefix="hocx-bench-jx-")
    env = dict(os.environ, ANCHOR_OUT=out)
    env.pop("PYTHONPATH", None)
    t0 = time.perf_counter()
    proc = subprocess.run([py, str(HERE / "jaxley" / script), *args], cwd=HERE / "jaxley",
                          env=env, capture_output=True, text=True)
    res = result(proc.stdout)
    if res:
        res["process_s"] = time.perf_counter() - t0
    return res


def best_of(k: int, fn):
    """Run ``fn()`` k times; keep the fastest (first element of its tuple)."""
    runs = [fn() for _ in range(k)]
    return min(runs, key=lambda r: r[0])


def nrniv_best(script: str, *defs: str, k: int = 3) -> tuple[float, dict]:
    """Fastest of k nrniv processes by the run time the script reports."""
    runs = [nrniv(script, *defs) for _ in range(k)]
    return min(runs, key=lambda r: r[1].get("run_s", r[0]))


def hocx_steady(script: str, defs: list[str], repeats: int = 5) -> dict:
    """Run the script in one session, then time ``run()`` again; ns per compartment-step."""
    sys.path.insert(0, str(ROOT))
    from hocx.api import Session

    os.chdir(HERE)
    s = Session(out=lambda text: None)
    for d in defs:
        s.execute(d, "<-c>")
    t0 = time.perf_counter()
    s.execute_file(script)
    first = time.perf_counter() - t0
    compiles = s.sim.compiles
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        s.execute("run()", "<bench>")
        times.append(time.perf_counter() - t0)
    ncomp = sum(sec.nseg for sec in s.model.sections)
    nsteps = int(round(s.get_global("tstop") / s.get_global("dt")))
    run_s = min(times)          # shared machines: the fastest run is the least disturbed
    # a parameter change must not recompile
    s.execute("forall gnabar_hh = 0.1", "<bench>")
    s.execute("run()", "<bench>")
    return dict(first_s=first, run_s=run_s, ncomp=ncomp, nsteps=nsteps,
                ns_per_comp_step=run_s / (ncomp * nsteps) * 1e9,
                compiles=compiles, compiles_after_param_change=s.sim.compiles)


def main() -> None:
    quick = "--quick" in sys.argv
    Bs = [15, 63] if quick else [15, 63, 255, 1023]
    rows = []
    if shutil.which("nrniv") is None:
        print("nrniv not found: NEURON columns left empty")

    # ---- time to first trace (whole process), M1 ----
    cache = tempfile.mkdtemp(prefix="hocx-bench-cache-")
    n_t, n_res = best_of(3, lambda: nrniv("neuron_m1.hoc"))
    colds = []
    for _ in range(2):      # a fresh, empty compile cache each time
        c = tempfile.mkdtemp(prefix="hocx-bench-cold-")
        colds.append(hocx_process("neuron_m1.hoc", cache=c))
        shutil.rmtree(c, ignore_errors=True)
    h_cold, h_res = min(colds, key=lambda r: r[0])
    hocx_process("neuron_m1.hoc", cache=cache)
    h_warm, _ = best_of(3, lambda: hocx_process("neuron_m1.hoc", cache=cache))
    shutil.rmtree(cache, ignore_errors=True)
    jx1 = jaxley("jaxley_m1.py")
    jx_t = jx1.get("process_s")
    jx_txt = (f" | Jaxley {jx_t:.2f} s (hocx cold = Jaxley/{jx_t / h_cold:.1f})" if jx_t
              else " | Jaxley not installed")
    print(f"M1 whole process: NEURON {n_t:.2f} s | hocx cold {h_cold:.2f} s ({h_cold / n_t:.1f}x) "
          f"| hocx warm cache {h_warm:.2f} s ({h_warm / n_t:.1f}x){jx_txt}")
    print(f"   spikes at site 0: NEURON {n_res.get('spikes_site0')} hocx {h_res.get('spikes_site0')}")

    # ---- steady state ----
    st = hocx_steady("neuron_m1.hoc", [])
    _, n_res = nrniv_best("neuron_m1.hoc")
    n_ns = n_res["run_s"] / (n_res["ncomp"] * n_res["nsteps"]) * 1e9
    rows.append(("M1", st, n_res["run_s"], n_ns, jx1))
    for B in Bs:
        _, nres = nrniv_best("neuron_m3.hoc", f"B = {B}")
        st = hocx_steady("neuron_m3.hoc", [f"B = {B}"])
        n_ns = nres["run_s"] / (nres["ncomp"] * nres["nsteps"]) * 1e9
        rows.append((f"M3 B={B}", st, nres["run_s"], n_ns, jaxley("jaxley_m3.py", str(B))))

    print()
    print(f"{'model':<12} {'ncomp':>6} {'NEURON run':>11} {'hocx run':>10} {'ratio':>6} "
          f"{'NEURON ns/cs':>13} {'hocx ns/cs':>11} {'Jaxley ns/cs':>13} {'hocx/Jaxley':>12} "
          f"{'hocx first':>11} {'Jaxley 1st':>11} {'compiles':>9}")
    for name, st, n_run, n_ns, jx in rows:
        if jx.get("steady_median_s"):
            j_ns = jx["steady_median_s"] / (jx["ncomp"] * jx["nsteps"]) * 1e9
            j_first = jx.get("build_s", 0.0) + jx.get("first_call_s", 0.0)
            jcols = f"{j_ns:>13.1f} {st['ns_per_comp_step'] / j_ns:>12.2f} "
            jfirst = f"{j_first:>10.2f}s"
        else:
            jcols, jfirst = f"{'-':>13} {'-':>12} ", f"{'-':>11}"
        print(f"{name:<12} {st['ncomp']:>6} {n_run * 1e3:>9.1f}ms {st['run_s'] * 1e3:>8.1f}ms "
              f"{st['run_s'] / n_run:>6.2f} {n_ns:>13.1f} {st['ns_per_comp_step']:>11.1f} {jcols}"
              f"{st['first_s']:>10.2f}s {jfirst} {st['compiles']:>4} -> {st['compiles_after_param_change']}")
    print("\n(compiles: after the first run -> after `forall gnabar_hh = 0.1  run()`; equal = no recompile)")


if __name__ == "__main__":
    main()
