"""The anchor measurements (../shared/anchors.md), one function per model.

Each function returns ``(rows, checks)``: rows ``(figure, unit, NEURON, hocx, Jaxley)`` with
``None`` for a figure a system does not give (or an error text), and checks
``(target, value text, met)`` against the anchors' hocx targets.
"""
from __future__ import annotations

import shutil
import sys
import tempfile

from . import runner as R


def attempt(available: bool, fn, *args) -> dict | str:
    """``fn(*args)``'s result, "not installed" or the failure text (never raises)."""
    if not available:
        return "not installed"
    try:
        return fn(*args)
    except R.Failed as exc:
        return f"failed: {exc}"[:90]


def get(res, key: str, scale: float = 1.0):
    if isinstance(res, str):
        return res
    return res[key] * scale if res.get(key) is not None else None


def m1(sys_: dict, quick: bool):
    """Cell5: whole process (cold cache) and one run()."""
    nrn = attempt(sys_["neuron"], lambda: min((R.nrniv("neuron_m1.hoc") for _ in range(3)),
                                              key=lambda r: r["process_s"]))
    cold = attempt(True, lambda: R.hocx("neuron_m1.hoc", cache=tempfile.mkdtemp(prefix="hocx-cold-")))
    steady = attempt(True, R.hocx_steady, "neuron_m1.hoc")
    jx = attempt(sys_["jaxley"], R.jaxley, "jaxley_m1.py")
    rows = [("M1 whole process (cold)", "s", get(nrn, "process_s"), get(cold, "process_s"), get(jx, "process_s")),
            ("M1 peak memory", "MiB", get(nrn, "maxrss_mib"), get(cold, "maxrss_mib"), get(jx, "maxrss_mib")),
            ("M1 run() steady", "ms", get(nrn, "run_s", 1e3), get(steady, "run_s", 1e3),
             get(jx, "steady_median_s", 1e3))]
    checks = []
    if isinstance(cold, dict) and isinstance(jx, dict):
        r = jx["process_s"] / cold["process_s"]
        checks.append(("M1 whole process cold <= Jaxley/5", f"Jaxley/{r:.1f}", r >= 5))
    return rows, checks


def warm(sys_: dict, quick: bool):
    """Warm start: the second ``hocx neuron_m1.hoc`` with a persistent compile cache."""
    cache = tempfile.mkdtemp(prefix="hocx-warm-")
    try:
        attempt(True, lambda: R.hocx("neuron_m1.hoc", cache=cache))      # fills the cache
        runs = [attempt(True, lambda: R.hocx("neuron_m1.hoc", cache=cache)) for _ in range(3)]
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    good = [r for r in runs if isinstance(r, dict)]
    h = min(good, key=lambda r: r["process_s"]) if good else runs[0]
    nrn = attempt(sys_["neuron"], lambda: min((R.nrniv("neuron_m1.hoc") for _ in range(3)),
                                              key=lambda r: r["process_s"]))
    rows = [("M1 whole process (warm cache)", "s", get(nrn, "process_s"), get(h, "process_s"), None)]
    checks = [("M1 warm whole process <= 1 s", f"{h['process_s']:.2f} s", h["process_s"] <= 1.0)] if good else []
    return rows, checks


def m2(sys_: dict, quick: bool):
    """Net5 (needs NetCon): one run()."""
    nrn = attempt(sys_["neuron"], R.nrniv, "neuron_m2.hoc")
    h = attempt(True, R.hocx_steady, "neuron_m2.hoc")
    jx = attempt(sys_["jaxley"], R.jaxley, "jaxley_m2.py")
    return [("M2 run() steady", "ms", get(nrn, "run_s", 1e3), get(h, "run_s", 1e3),
             get(jx, "steady_median_s", 1e3))], []


def m3(sys_: dict, quick: bool):
    """Binary trees: one-time cost, steady ns per compartment-step, whole process, memory."""
    rows, checks, once = [], [], []
    for B in ([15, 63] if quick else [15, 63, 255, 1023]):
        b = f"B = {B}"
        nrn = attempt(sys_["neuron"], lambda: min((R.nrniv("neuron_m3.hoc", b) for _ in range(3)),
                                                  key=lambda r: r["run_s"]))
        st = attempt(True, R.hocx_steady, "neuron_m3.hoc", b)
        proc = attempt(True, R.hocx, "neuron_m3.hoc", b)
        jx = attempt(sys_["jaxley"], R.jaxley, "jaxley_m3.py", str(B))
        jx1 = attempt(sys_["jaxley"] and not quick, R.jaxley, "jaxley_m3.py", str(B), "--once")
        ns = lambda res, key: (res if isinstance(res, str) else
                               res[key] / (res["ncomp"] * res["nsteps"]) * 1e9)
        one_time = st if isinstance(st, str) else st["first_s"] - st["run_s"]
        jx_one = jx if isinstance(jx, str) else jx["build_s"] + jx["compile_s"]
        rows += [(f"M3 B={B} ns per comp-step", "ns", ns(nrn, "run_s"), ns(st, "run_s"), ns(jx, "steady_median_s")),
                 (f"M3 B={B} one-time (build+compile)", "s", None, one_time, jx_one),
                 (f"M3 B={B} whole process", "s", get(nrn, "process_s"), get(proc, "process_s"), get(jx1, "process_s")),
                 (f"M3 B={B} peak memory", "MiB", get(nrn, "maxrss_mib"), get(proc, "maxrss_mib"), get(jx1, "maxrss_mib"))]
        if not isinstance(st, str):
            once.append(one_time)
            if B == 1023:
                v = ns(st, "run_s")
                checks.append(("M3 B=1023 <= 30 ns per compartment-step", f"{v:.1f} ns", v <= 30))
    if once:
        checks.append(("M3 one-time cost <= 1 s", f"max {max(once):.2f} s", max(once) <= 1.0))
        checks.append(("M3 one-time cost flat within 2x across B", f"{max(once) / min(once):.2f}x",
                       max(once) / min(once) <= 2.0))
    return rows, checks


def m4(sys_: dict, quick: bool):
    """Sweep of K gnabar values: time per simulation (hocx sweep vs NEURON loop vs Jaxley vmap)."""
    rows, checks = [], []
    for K in ([64] if quick else [64, 1024]):
        k = f"K = {K}"
        nrn = attempt(sys_["neuron"], R.nrniv, "neuron_m4.hoc", k)
        h = attempt(True, R.hocx, "hocx_m4.hoc", k)
        jx = attempt(sys_["jaxley"], R.jaxley, "jaxley_m4.py", str(K))
        rows.append((f"M4 K={K} time per simulation", "ms", get(nrn, "per_sim_s", 1e3),
                     get(h, "per_sim_s", 1e3), get(jx, "per_sim_s", 1e3)))
        rows.append((f"M4 K={K} total spikes", "", get(nrn, "total_spikes"), get(h, "total_spikes"),
                     get(jx, "total_spikes")))
        rows.append((f"M4 K={K} first sweep (compile+run)", "s", None, get(h, "first_call_s"),
                     get(jx, "first_call_s")))
        if K == 1024 and isinstance(h, dict):
            v = h["per_sim_s"] * 1e3
            checks.append(("M4 <= 2 ms per simulation at K = 1024", f"{v:.2f} ms", v <= 2.0))
    return rows, checks


def m5(sys_: dict, quick: bool):
    """value_and_grad of an MSE on cell5's soma v w.r.t. one shared gnabar."""
    rows, checks = [], []
    for T in ([50] if quick else [50, 200]):
        try:
            out = R.run([sys.executable, str(R.HERE / "grad_bench.py"), str(T)], env=R.hocx_env(""))
            h = out
        except R.Failed as exc:
            h = f"failed: {exc}"[:90]
        jx = attempt(sys_["jaxley"], R.jaxley, "jaxley_m5.py", str(T))
        rows.append((f"M5 {T} ms gradient", "ms", None, get(h, "grad_ms"), get(jx, "grad_eval_median_s", 1e3)))
        jr = jx if isinstance(jx, str) else jx["grad_eval_median_s"] / jx["forward_median_s"]
        rows.append((f"M5 {T} ms gradient / forward", "x", None, get(h, "grad_over_forward"), jr))
        if isinstance(h, dict):
            checks.append((f"M5 {T} ms gradient <= 5x forward", f"{h['grad_over_forward']:.1f}x",
                           h["grad_over_forward"] <= 5))
    return rows, checks


def net1000(sys_: dict, quick: bool):
    """1,000 hh cells, 100,000 NetCons with threshold detection, 100 ms (issue 5's network)."""
    nrn = attempt(sys_["neuron"], R.nrniv, "net1000.hoc")
    h = attempt(True, R.hocx, "net1000.hoc")
    rows = [("net1000 whole process", "s", get(nrn, "process_s"), get(h, "process_s"), None),
            ("net1000 first run() (hocx: lower + compile + run)", "s", get(nrn, "run_s"),
             get(h, "run_s"), None),
            ("net1000 peak memory", "MiB", get(nrn, "maxrss_mib"), get(h, "maxrss_mib"), None),
            ("net1000 spikes (must be equal)", "", get(nrn, "spikes"), get(h, "spikes"), None)]
    return rows, []


def net_translated(sys_: dict, quick: bool):
    """net1000 with 100,000 NetCons onto a translated synapse with NET_RECEIVE state
    (benchmarks/net_translated.py, issue 13)."""
    from . import net_translated as NT
    nrn, h = NT.measure()
    if not sys_["neuron"]:
        nrn = "not installed"
    return [(name, unit, a, b, None) for name, unit, a, b in NT.rows(nrn, h)], []


MODELS = {"m1": m1, "warm": warm, "m2": m2, "m3": m3, "m4": m4, "m5": m5, "net1000": net1000,
          "net_translated": net_translated}
