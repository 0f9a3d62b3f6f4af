"""hocx's variable step on NEURON's 14 CVode reference cases (../shared/reference/cvode/).

    python -m benchmarks.cvode_cases [CASE ...] [--ref DIR]

Each script runs in a fresh ``Session`` (cwd = the scripts folder) and every ``rec_*`` vector is
compared with NEURON 9.0.2's.  A case is

* **exact** when every vector has NEURON's length and lies within 1e-6 of it;
* **close** when every fixed-time vector (Dt / tvec records, spike times, the stored
  ``rec_scale`` / ``rec_tsample``) has NEURON's length and lies within max(1e-6, 2 × NEURON's own
  round-off figure for that vector in sensitivity.json: the same script with celsius and Ra
  × (1 + 1e-14)), and every every-step time vector ends at NEURON's last time within
  max(1e-6, 2 × the round-off run's shift of t_end);
* **off** otherwise; **error** when hocx refused or failed (the message is printed).

Prints one row per case: status, the largest |Δ| over fixed-time vectors (with the largest
ratio to its limit), the every-step lengths hocx / NEURON, and the CVODE step counts.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

DEFAULT_REF = Path(__file__).resolve().parents[2] / "shared" / "reference" / "cvode"
#: fixed-time vectors that sensitivity.json has no figure for (their limit is 1e-6)
FIXED_EXTRA = {"rec_scale", "rec_tsample"}


def limits(sens: dict) -> dict:
    """{vector: limit} for the fixed-time vectors of one case."""
    out = {}
    for kind, vecs in sens["roundoff"]["detail"].items():
        for name, d in vecs.items():
            if name.startswith("sensp_"):
                continue
            fig = d.get("max_abs_delta", d.get("max_abs_dt_ms", 0.0)) or 0.0
            out[name] = max(1e-6, 2.0 * fig)
    for name in FIXED_EXTRA:
        out.setdefault(name, 1e-6)
    return out


def run_case(case: str, ref_dir: Path) -> dict:
    from hocx.api import Session
    ref = json.loads((ref_dir / "traces" / f"{case}.json").read_text())
    sens = json.loads((ref_dir / "sensitivity.json").read_text())[case]
    script = ref_dir / "scripts" / f"{case}.hoc"
    s = Session()
    cwd = os.getcwd()
    os.chdir(script.parent)
    t0 = time.perf_counter()
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            s.execute(script.read_text(), origin=script.name)
    except Exception as e:  # noqa: BLE001 - a benchmark reports every failure and goes on
        return {"case": case, "status": "error", "msg": str(e).splitlines()[0][:100]}
    finally:
        os.chdir(cwd)
    wall = time.perf_counter() - t0
    lim = limits(sens)
    exact, close = True, True
    worst, worst_ratio, worst_name = 0.0, 0.0, ""
    step_len = []
    for name, want in ref["vectors"].items():
        want = np.asarray(want, dtype=float)
        got = np.asarray(s.get_global(name).x, dtype=float)
        same = len(got) == len(want)
        d = float(np.max(np.abs(got - want))) if same and len(want) else (0.0 if same else np.inf)
        if not (same and d < 1e-6):
            exact = False
        if name in lim:
            if not same or d > lim[name]:
                close = False
            if d > worst:
                worst = d
            r = d / lim[name]
            if r > worst_ratio:
                worst_ratio, worst_name = r, name
        else:
            step_len.append(f"{len(got)}/{len(want)}")
            is_t = name.startswith("rec_t") or name == "rec_dtloop"
            if is_t and name != "rec_dtloop":
                dt_end = abs(ref["meta"]["t_end"] - sens["roundoff"]["t_end"])
                tl = max(1e-6, 2.0 * dt_end)
                if not len(got) or abs(got[-1] - want[-1]) > tl:
                    close = False
    ctl = s.sim.cvode_control
    stats = ctl.statistics() if hasattr(ctl, "statistics") else ctl.run.statistics()
    status = "exact" if exact else ("close" if close else "off")
    return {"case": case, "status": status, "max_dv": worst, "worst": worst_name, "ratio": worst_ratio,
            "steps": f"{stats.n_steps}/{ref['meta']['statistics']['n_steps']}",
            "lengths": " ".join(step_len[:4]), "t_end": float(s.execute("t")),
            "t_end_ref": ref["meta"]["t_end"], "wall": wall}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("cases", nargs="*")
    ap.add_argument("--ref", type=Path, default=DEFAULT_REF)
    a = ap.parse_args(argv)
    cases = a.cases or sorted(p.stem for p in (a.ref / "traces").glob("*.json"))
    print(f"{'case':20} {'status':6} {'max|d| fixed':>12} {'/limit':>7}  {'worst':12} "
          f"{'steps hocx/NEURON':>17}  every-step lengths   t_end (ref)  wall")
    for case in cases:
        r = run_case(case, a.ref)
        if r["status"] == "error":
            print(f"{case:20} error  {r['msg']}", flush=True)
            continue
        print(f"{case:20} {r['status']:6} {r['max_dv']:12.3g} {r['ratio']:7.3f}  {r['worst']:12} "
              f"{r['steps']:>17}  {r['lengths']:20} {r['t_end']:.6f} ({r['t_end_ref']:.6f}) "
              f"{r['wall']:.0f}s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
