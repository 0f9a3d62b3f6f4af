"""NMODL benchmarks (issue 12; a program, not a test: it prints figures, never asserts a time).

Run from the repository root:  python benchmarks/nmodl_translate.py [--quick]

1. **Translation time per mod**: ``hocx.interp.nmodl.translate(path)`` (no disk cache) for every
   mod of the reference suite (tests/data/nmodl_reference/mod), stdlib/hh.mod, stdlib/pas.mod,
   NEURON's demo channels (read from the installed neuron package) and benchmarks/nmodl/km.mod;
   median of 3, in ms.
2. **Per-step cost of translated hh vs the hand-written spec**: one cable (NSEG compartments)
   with ``hh``, then the same with stdlib/hh.mod loaded under the suffix ``hhS``; steady
   ``run()`` time (fastest of 3 after the compiling one) in ns per compartment-step, and
   NEURON's on the same HOC (built-in hh). Goal: translated / hand-written <= 1.1.
3. **A 10-channel cell**: Na (naf), Kdr (kdr), KA (kap), Km (benchmarks/nmodl/km.mod), CaL
   (cal), CaT (cat), KCa (kca), Ih (hcn), Ca pool (cad), leak (pas) on every compartment of a
   NSEG-compartment cable: ns per compartment-step in hocx and in NEURON (nrnivmodl build).

Every hocx and NEURON measurement runs in its own process.  Absolute times drift on shared
machines; compare ratios within one run.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))       # this checkout's hocx, not an installed copy
MODS = ROOT / "tests" / "data" / "nmodl_reference" / "mod"
ENV = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
DEMO = ("nachan.mod", "khhchan.mod", "cachan1.mod", "cabpump.mod", "capump.mod", "nacaex.mod",
        "hh.mod", "passive.mod")
TEN = ("naf", "kdr", "kap", "km", "cal", "cat", "kca", "hcn", "cad")


def neuron_share() -> Path | None:
    import importlib.util
    spec = importlib.util.find_spec("neuron")
    if spec is None or not spec.submodule_search_locations:
        return None
    p = Path(list(spec.submodule_search_locations)[0]) / ".data" / "share"
    return p if p.is_dir() else None


def neuron_demo_mods() -> list[Path]:
    share = neuron_share()
    if share is None:
        return []
    out = []
    for name in DEMO:
        for sub in ("nrn/demo/release", "modfile"):
            if (share / sub / name).is_file():
                out.append(share / sub / name)
                break
    return out


# ---- 1. translation time -----------------------------------------------------------------
def translation_times() -> list[tuple[str, float, str]]:
    from hocx.interp.nmodl import translate
    paths = sorted(MODS.glob("*.mod")) + [ROOT / "stdlib" / "hh.mod", ROOT / "stdlib" / "pas.mod",
                                          HERE / "nmodl" / "km.mod"] + neuron_demo_mods()
    rows = []
    for p in paths:
        times, note = [], ""
        for _ in range(3):
            t0 = time.perf_counter()
            try:
                translate(str(p))
            except Exception as e:   # noqa: BLE001 - a benchmark reports, it does not stop
                note = f"{type(e).__name__}: {str(e).splitlines()[0][:70]}"
                break
            times.append(time.perf_counter() - t0)
        label = p.name if p.parent in (MODS, HERE / "nmodl") else f"{p.parent.name}/{p.name}"
        rows.append((label, statistics.median(times) * 1e3 if times else float("nan"), note))
    return rows


# ---- models --------------------------------------------------------------------------------
def cable(nseg: int, inserts: str, tstop: float, stim: float) -> str:
    return f"""load_file("stdrun.hoc")
create cab
cab {{ L = {nseg * 10}  diam = 4  nseg = {nseg}  Ra = 100  cm = 1
{inserts}
}}
objref stim, rec_v
cab stim = new IClamp(0.05)
stim.del = 2
stim.dur = {tstop}
stim.amp = {stim}
rec_v = new Vector()
rec_v.record(&cab.v(0.05))
celsius = 34
v_init = -70
tstop = {tstop}
"""


TEN_INSERTS = """  insert pas  g_pas = 4e-5  e_pas = -70
  insert naf  gbar_naf = 600
  insert kdr  gbar_kdr = 0.02
  insert kap  gbar_kap = 0.002
  insert km   gbar_km = 0.0003
  insert cal  gbar_cal = 0.0002
  insert cat  pcabar_cat = 2e-5
  insert kca  gbar_kca = 0.0003
  insert hcn  gbar_hcn = 2e-5
  insert cad  depth_cad = 1  taur_cad = 100
  ena = 55  ek = -90"""

_HOCX_CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from hocx.api import Session
s = Session(out=lambda text: None)
mods = json.loads(sys.argv[3])
if mods:
    s.load_mod(*mods)
s.execute(open(sys.argv[2]).read(), "<bench>")
t0 = time.perf_counter(); s.execute("run()", "<bench>"); first = time.perf_counter() - t0
times = []
for _ in range(3):
    t0 = time.perf_counter(); s.execute("run()", "<bench>"); times.append(time.perf_counter() - t0)
ncomp = sum(sec.nseg for sec in s.model.sections)
nsteps = int(round(s.get_global("tstop") / s.get_global("dt")))
print("RESULT " + json.dumps(dict(first_s=first, run_s=min(times), ncomp=ncomp, nsteps=nsteps,
                                  vmax=max(s.get_global("rec_v").x))))
"""

_NEURON_CHILD = r"""
import json, sys, time
import neuron
if sys.argv[2]:
    neuron.load_mechanisms(sys.argv[2])
from neuron import h
h.load_file(sys.argv[1])
h.run()
times = []
for _ in range(3):
    t0 = time.perf_counter(); h.run(); times.append(time.perf_counter() - t0)
ncomp = sum(sec.nseg for sec in h.allsec())
print("RESULT " + json.dumps(dict(run_s=min(times), ncomp=ncomp, nsteps=int(round(h.tstop / h.dt)),
                                  vmax=max(h.rec_v))))
"""


def _result(proc) -> dict:
    m = re.search(r"RESULT (\{.*\})", proc.stdout)
    if proc.returncode != 0 or not m:
        raise RuntimeError(proc.stdout[-1500:] + proc.stderr[-1500:])
    return json.loads(m.group(1))


def hocx_run(hoc: str, mods: list[str], work: Path) -> dict:
    f = work / f"model_{abs(hash(hoc))}.hoc"
    f.write_text(hoc)
    proc = subprocess.run([sys.executable, "-c", _HOCX_CHILD, str(ROOT), str(f), json.dumps(mods)],
                          cwd=work, env=ENV, capture_output=True, text=True, timeout=1200)
    return _result(proc)


def neuron_run(hoc: str, build: Path | None, work: Path) -> dict:
    f = work / f"nrn_{abs(hash(hoc))}.hoc"
    f.write_text(hoc + "\n")
    proc = subprocess.run([sys.executable, "-c", _NEURON_CHILD, f.name, str(build or "")],
                          cwd=work, capture_output=True, text=True, timeout=1200)
    return _result(proc)


def nrnivmodl(mods: list[Path], work: Path) -> Path | None:
    exe = shutil.which("nrnivmodl")
    if exe is None:
        return None
    folder = work / "nrnbuild"
    src = folder / "src"
    src.mkdir(parents=True, exist_ok=True)
    for m in mods:
        shutil.copy(m, src / m.name)
    proc = subprocess.run([exe, "src"], cwd=folder, capture_output=True, text=True)
    return folder if proc.returncode == 0 else None


def ns(r: dict) -> float:
    return r["run_s"] / (r["ncomp"] * r["nsteps"]) * 1e9


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    nseg, tstop = (50, 20.0) if quick else (200, 50.0)
    print("1. translation time per mod (ms, median of 3)")
    for name, ms, note in translation_times():
        print(f"   {name:<28} {ms:8.1f}  {note}")

    work = Path(tempfile.mkdtemp(prefix="hocx_nmodl_bench_"))
    print(f"\n2. hh per-step cost, one cable of {nseg} compartments, {tstop} ms")
    hh_dir = work / "hhS"
    hh_dir.mkdir()
    (hh_dir / "hhS.mod").write_text(re.sub(r"\bSUFFIX\s+hh\b", "SUFFIX hhS",
                                           (ROOT / "stdlib" / "hh.mod").read_text()))
    rows = {}
    try:
        rows["hand-written hh"] = hocx_run(cable(nseg, "  insert hh", tstop, 2.0), [], work)
        rows["translated hh (stdlib/hh.mod)"] = hocx_run(cable(nseg, "  insert hhS", tstop, 2.0),
                                                       [str(hh_dir)], work)
    except RuntimeError as e:
        print(f"   hocx failed: {str(e)[-800:]}")
    try:
        rows["NEURON built-in hh"] = neuron_run(cable(nseg, "  insert hh", tstop, 2.0), None, work)
    except RuntimeError as e:
        print(f"   NEURON failed: {str(e)[-400:]}")
    for k, r in rows.items():
        extra = f"  first run() {r['first_s']:.2f} s" if "first_s" in r else ""
        print(f"   {k:<32} {ns(r):8.1f} ns/comp-step  (vmax {r['vmax']:.2f} mV){extra}")
    if "hand-written hh" in rows and "translated hh (stdlib/hh.mod)" in rows:
        print(f"   translated / hand-written: "
              f"{ns(rows['translated hh (stdlib/hh.mod)']) / ns(rows['hand-written hh']):.3f}"
              f"  (goal <= 1.1)")

    print(f"\n3. 10-channel cell ({', '.join(TEN)}, pas) on {nseg} compartments, {tstop} ms")
    mods = [MODS / f"{m}.mod" for m in TEN if m != "km"] + [HERE / "nmodl" / "km.mod"]
    hoc = cable(nseg, TEN_INSERTS, tstop, 2.0)
    res = {}
    try:
        res["hocx"] = hocx_run(hoc, [str(m) for m in mods], work)
    except RuntimeError as e:
        print(f"   hocx failed: {str(e)[-800:]}")
    build = nrnivmodl(mods, work)
    if build is not None:
        try:
            res["NEURON"] = neuron_run(hoc, build, work)
        except RuntimeError as e:
            print(f"   NEURON failed: {str(e)[-400:]}")
    for k, r in res.items():
        extra = f"  first run() {r['first_s']:.2f} s" if "first_s" in r else ""
        print(f"   {k:<8} {ns(r):8.1f} ns/comp-step  (vmax {r['vmax']:.2f} mV){extra}")
    if len(res) == 2:
        print(f"   hocx / NEURON: {ns(res['hocx']) / ns(res['NEURON']):.2f}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
