"""Reference harness for the NMODL translator (issue 12): NEURON 9.0.2's traces of the
density-mechanism cases of ``/work/shared/reference/nmodl``, kept in
``tests/data/nmodl_reference`` (see COPY.md there).

Each case is run the way the issue says, in the scripts folder::

    hocx --mod ../mod CASE.hoc --save out.json

and every ``rec_*`` vector NEURON recorded is compared with hocx's: the same length, and
the largest difference within 1e-6 absolute **and** within 1e-7 of the vector's largest
|value| (concentrations are ~1e-4 mM, so the relative bound is the one that bites there).

Run as a script to see where the translator stands, one line per vector::

    python tests/nmodl_cases/nmodl_harness.py [--inprocess] [CASE ...]

(it prints the max error of every vector and a pass/fail summary; exit status 1 if any
case fails).  The tests in this folder use the same functions.
"""
from __future__ import annotations

import dataclasses
import gzip
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "nmodl_reference"
MOD_DIR = DATA / "mod"
SCRIPTS = DATA / "scripts"
TRACES = DATA / "traces"
FAIL_DIR = DATA / "fail"

#: the cases whose mechanisms are all density mechanisms (issue 12 "Must show")
DENSITY_CASES = (
    "cabuf_kinetic", "cad_pump", "cal_valence", "cashell_diffusion", "cat_rebound",
    "cnexp_pitfalls", "global_vs_range", "hcn_sag", "hhold_explicit", "hhx_notable_warm",
    "hhx_table", "hhx_table_warm", "kap_vclamp", "kca_ahp", "kvm_markov", "naf_kdr_axon",
)
#: the point-process cases of issue 13 (NMODL II); traces copied here too
POINT_CASES = (
    "ampa_kinetic", "nmda_mgblock", "fdsyn_tm", "lif_net", "gap_pair", "izh_watch",
    "dend_synapses", "nap_ramp", "mod_functions", "pyramidal_mix",
)
ABS_TOL = 1e-6
REL_TOL = 1e-7
TIMEOUT_S = 600


@dataclasses.dataclass
class VectorResult:
    name: str
    n_ref: int
    n_got: int | None        # None: hocx did not save this vector
    max_err: float           # largest |hocx - NEURON| (inf: length mismatch / missing / NaN)
    ref_scale: float         # largest |NEURON value|
    tol: float               # min(ABS_TOL, REL_TOL * ref_scale)
    worst_index: int | None = None

    @property
    def ok(self) -> bool:
        return self.n_got == self.n_ref and self.max_err <= self.tol

    @property
    def rel_err(self) -> float:
        return self.max_err / self.ref_scale if self.ref_scale > 0 else self.max_err

    def line(self) -> str:
        if self.n_got is None:
            return f"  {self.name:<14} MISSING (NEURON has {self.n_ref} samples)"
        if self.n_got != self.n_ref:
            return f"  {self.name:<14} LENGTH {self.n_got} != NEURON's {self.n_ref}"
        mark = "ok  " if self.ok else "FAIL"
        where = f" at [{self.worst_index}]" if self.worst_index is not None and not self.ok else ""
        return (f"  {mark} {self.name:<14} max|err| {self.max_err:9.3g}  rel {self.rel_err:9.3g}"
                f"  (tol {self.tol:.3g}, |ref| <= {self.ref_scale:.4g}){where}")


@dataclasses.dataclass
class CaseResult:
    case: str
    returncode: int | None
    stderr: str
    vectors: list[VectorResult]
    seconds: float

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and bool(self.vectors) and all(v.ok for v in self.vectors)

    def worst(self) -> VectorResult | None:
        bad = [v for v in self.vectors if not v.ok] or self.vectors
        return max(bad, key=lambda v: v.max_err / v.tol if v.tol > 0 else v.max_err,
                   default=None)

    def report(self) -> str:
        head = (f"{self.case}: {'PASS' if self.ok else 'FAIL'} "
                f"(exit {self.returncode}, {self.seconds:.1f} s)")
        lines = [head] + [v.line() for v in self.vectors]
        if self.returncode != 0:
            tail = self.stderr.strip().splitlines()[-8:]
            lines += ["  stderr: " + s for s in tail]
        return "\n".join(lines)


# ---- reference data ----------------------------------------------------------------------
def reference(case: str) -> dict:
    """NEURON's trace file for ``case``: ``{"meta": ..., "vectors": {name: [...]}}``."""
    with gzip.open(TRACES / f"{case}.json.gz", "rt", encoding="utf-8") as f:
        return json.load(f)


def _as_array(values) -> np.ndarray:
    return np.asarray([np.nan if x is None else x for x in values], dtype=np.float64)


def compare(got: dict, ref: dict) -> list[VectorResult]:
    """One :class:`VectorResult` per vector NEURON recorded (``got``/``ref``: name -> list)."""
    out = []
    for name, values in ref.items():
        b = _as_array(values)
        scale = float(np.nanmax(np.abs(b))) if b.size else 0.0
        tol = min(ABS_TOL, REL_TOL * scale)
        if name not in got:
            out.append(VectorResult(name, b.size, None, math.inf, scale, tol))
            continue
        a = _as_array(got[name])
        if a.shape != b.shape:
            out.append(VectorResult(name, b.size, a.size, math.inf, scale, tol))
            continue
        diff = np.abs(a - b)
        diff[np.isnan(diff) & ~(np.isnan(a) & np.isnan(b))] = np.inf   # a NaN only one side has
        diff[np.isnan(a) & np.isnan(b)] = 0.0
        k = int(np.argmax(diff)) if diff.size else None
        out.append(VectorResult(name, b.size, a.size, float(diff.max()) if diff.size else 0.0,
                                scale, tol, k))
    return out


# ---- running hocx --------------------------------------------------------------------------
def hocx_env() -> dict:
    return dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))


def run_hocx(args: list[str], cwd: Path, timeout: float = TIMEOUT_S) -> subprocess.CompletedProcess:
    """``hocx ARGS`` (as ``python -m hocx``) in ``cwd``."""
    return subprocess.run([sys.executable, "-m", "hocx", *args], cwd=cwd, env=hocx_env(),
                          capture_output=True, text=True, timeout=timeout)


def run_case(case: str, out_dir: Path | None = None) -> CaseResult:
    """Run ``hocx --mod ../mod CASE.hoc --save out.json`` in the scripts folder and compare."""
    ref = reference(case)["vectors"]
    with tempfile.TemporaryDirectory(prefix=f"hocx_{case}_") as tmp:
        out = Path(out_dir or tmp) / f"{case}.json"
        t0 = time.perf_counter()
        try:
            proc = run_hocx(["--mod", "../mod", f"{case}.hoc", "--save", str(out)], SCRIPTS)
            rc, err = proc.returncode, proc.stderr
        except subprocess.TimeoutExpired as e:
            rc, err = None, f"timed out after {e.timeout} s"
        seconds = time.perf_counter() - t0
        got = {}
        if out.is_file():
            try:
                got = json.loads(out.read_text(encoding="utf-8")).get("vectors", {})
            except ValueError as e:
                err += f"\n--save output unreadable: {e}"
    return CaseResult(case, rc, err, compare(got, ref), seconds)


def run_case_inprocess(case: str) -> CaseResult:
    """The same run in this process (``Session.load_mod("../mod")`` + ``execute_file``): no
    JAX start-up per case, so a full table is quicker; the tests use :func:`run_case`."""
    from hocx.api import Session
    from hocx.errors import HocError
    from hocx.save import vectors_of

    ref = reference(case)["vectors"]
    out: list[str] = []
    old = os.getcwd()
    t0 = time.perf_counter()
    rc, err, got = 0, "", {}
    try:
        os.chdir(SCRIPTS)
        s = Session(out=out.append)
        try:
            s.load_mod("../mod")
            s.execute_file(f"{case}.hoc")
        except HocError as e:
            rc, err = 1, str(e)
        got = vectors_of(s)
    finally:
        os.chdir(old)
    return CaseResult(case, rc, err, compare(got, ref), time.perf_counter() - t0)


def summary(results: list[CaseResult]) -> str:
    passed = [r.case for r in results if r.ok]
    lines = [f"{len(passed)}/{len(results)} cases pass"]
    for r in results:
        w = r.worst()
        detail = "no vectors" if w is None else (
            f"worst {w.name} max|err| {w.max_err:.3g} (tol {w.tol:.3g})")
        lines.append(f"  {'PASS' if r.ok else 'FAIL'} {r.case:<18} exit {r.returncode}  {detail}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    inprocess = "--inprocess" in argv
    argv = [a for a in argv if a != "--inprocess"]
    cases = argv or list(DENSITY_CASES)
    known = DENSITY_CASES + POINT_CASES
    unknown = [c for c in cases if c not in known]
    if unknown:
        print(f"unknown case(s): {' '.join(unknown)}; the cases are: {' '.join(known)}",
              file=sys.stderr)
        return 2
    results = []
    for case in cases:
        if inprocess:
            try:
                r = run_case_inprocess(case)
            except Exception:   # noqa: BLE001 - a report tool: show it, go on with the others
                import traceback
                r = CaseResult(case, None, traceback.format_exc(),
                               compare({}, reference(case)["vectors"]), 0.0)
        else:
            r = run_case(case)
        print(r.report(), flush=True)
        results.append(r)
    print()
    print(summary(results))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))       # this checkout's hocx, not an installed copy
    sys.exit(main(sys.argv[1:]))
