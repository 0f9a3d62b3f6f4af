"""NMODL benchmarks (issue 12; a program, not a test: it prints figures, never asserts a time).

Run from the repository root:  python benchmarks/nmodl_translate.py [--quick]

1. **Translation time per mod**: ``hocx.interp.nmodl.translate(path)`` (no disk cache) for every
   mod of the reference suite (tests/data/nmodl_reference/mod), stdlib/hh.mod, stdlib/pas.mod,
   NEURON's demo channels (read from the installed neuron package) and benchmarks/nmodl/km.mod;
   median of 3, in ms.
2. **Per-step cost of the translated hh vs the former hand-written one, and vs NEURON**:
   hocx's built-in ``hh`` IS stdlib/hh.mod translated; the hand-written spec it replaced is
   kept only here (benchmarks/_hh_handwritten.py, registered as ``hhH``).  A 1-compartment
   and an NSEG-compartment cable with hh, one session per model and variant in ONE process,
   the ``run()`` calls interleaved (translated, hand-written, translated, ...) and the fastest
   of REPS kept (shared machines drift); ns per compartment-step, and NEURON's (built-in hh,
   fastest of REPS in its own process) on the same HOC. Goal: translated / hand-written <= 1.1.
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
for _ in range(int(sys.argv[3]) if len(sys.argv) > 3 else 3):
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


def neuron_run(hoc: str, build: Path | None, work: Path, reps: int = 3) -> dict:
    f = work / f"nrn_{abs(hash(hoc))}.hoc"
    f.write_text(hoc + "\n")
    proc = subprocess.run([sys.executable, "-c", _NEURON_CHILD, f.name, str(build or ""), str(reps)],
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


_HH_CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[1] + "/benchmarks")
from hocx.api import Session
from _hh_handwritten import HH as HAND
hocs, reps = json.loads(sys.argv[2]), int(sys.argv[3])
sess = {}
for nseg, hoc in hocs.items():
    for name in ("hh", "hhH"):
        s = Session(out=lambda text: None)
        if name == "hhH":
            s.mod_loader.register(HAND)
        s.execute(hoc.replace("insert hh", "insert " + name), "<bench>")
        s.execute("run()", "<bench>")                  # compiles
        sess[(nseg, name)] = s
times = {k: [] for k in sess}
for _ in range(reps):
    for k, s in sess.items():
        t0 = time.perf_counter(); s.execute("run()", "<bench>"); times[k].append(time.perf_counter() - t0)
out = {}
for (nseg, name), s in sess.items():
    out[f"{nseg} {name}"] = dict(run_s=min(times[(nseg, name)]),
                                 ncomp=sum(sec.nseg for sec in s.model.sections),
                                 nsteps=int(round(s.get_global("tstop") / s.get_global("dt"))),
                                 vmax=max(s.get_global("rec_v").x), v=list(s.get_global("rec_v").x))
print("RESULT " + json.dumps(out))
"""


def hh_per_step(work: Path, sizes, tstop: float, reps: int) -> dict:
    """Section 2 (see the module docstring); returns the figures by label."""
    print(f"\n2. hh per-step cost: translated (built-in, stdlib/hh.mod) vs the former "
          f"hand-written spec vs NEURON; {tstop} ms, fastest of {reps} interleaved runs")
    hocs = {str(n): cable(n, "  insert hh", tstop, 0.3) for n in sizes}
    figures = {}
    try:
        proc = subprocess.run([sys.executable, "-c", _HH_CHILD, str(ROOT), json.dumps(hocs),
                               str(reps)], cwd=work, env=ENV, capture_output=True, text=True,
                              timeout=1800)
        res = _result(proc)
    except RuntimeError as e:
        print(f"   hocx failed: {str(e)[-800:]}")
        return figures
    print(f"   {'compartments':>12} {'translated':>11} {'hand-written':>13} {'NEURON':>9}"
          f"  {'transl/hand':>11} {'transl/NEURON':>13}  max|dv| (mV)")
    for n in sizes:
        a, b = res[f"{n} hh"], res[f"{n} hhH"]
        dv = max(abs(x - y) for x, y in zip(a["v"], b["v"]))
        try:
            c = neuron_run(hocs[str(n)], None, work, reps)
            cn = ns(c)
        except RuntimeError:
            cn = float("nan")
        figures[n] = (ns(a), ns(b), cn)
        print(f"   {n:>12} {ns(a):>8.1f} ns {ns(b):>10.1f} ns {cn:>6.1f} ns  {ns(a) / ns(b):>11.3f}"
              f" {ns(a) / cn:>13.2f}  {dv:.1e}")
    print("   (ns per compartment-step of steady run(); goal translated/hand-written <= 1.1)")
    return figures


def ns(r: dict) -> float:
    return r["run_s"] / (r["ncomp"] * r["nsteps"]) * 1e9


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    nseg, tstop = (50, 20.0) if quick else (200, 50.0)
    print("1. translation time per mod (ms, median of 3)")
    for name, ms, note in translation_times():
        print(f"   {name:<28} {ms:8.1f}  {note}")

    work = Path(tempfile.mkdtemp(prefix="hocx_nmodl_bench_"))
    reps = 5 if quick else 15
    hh_per_step(work, (1, 100 if not quick else 50), 50.0, reps)

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
