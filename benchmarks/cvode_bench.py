"""CVode benchmark: M1 (neuron_m1.hoc) and net5 (net5.hoc) under the variable step.

    python -m benchmarks.cvode_bench [--repeats N]

For each model: NEURON 9's CVode (the installed ``neuron`` package), hocx's CVode and hocx's
fixed step at dt = 0.025 run the very same HOC file, with ``cvode.active(1)`` set before it
(NEURON's defaults: atol 1e-3, rtol 0) and ``run()`` as the script's stdrun calls it.  Each
system runs in its own process: ``first_s`` is the script's first ``run()`` (hocx: including
the compile), ``run_s`` the fastest of N more ``run()`` calls.  ``steps`` is the length of the
every-step ``t`` record minus one (= CVODE steps + restarts under CVode, fixed steps
otherwise); ``spikes`` counts upward 0 mV crossings at the recorded site (M1) or NetCon
spikes (net5).  A benchmark, not a test: it prints figures and asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODELS = {"M1": ("neuron_m1.hoc", "tvec", "vsoma"), "net5": ("net5.hoc", "tvec", "v0")}
CVODE_ON = "objref cvb_\ncvb_ = new CVode()\ncvb_.active(1)\n"


def _worker(system: str, model: str, cvode: bool, repeats: int) -> dict:
    script, tname, vname = MODELS[model]
    path = str(HERE / script)
    if system == "neuron":
        from neuron import h
        h("USETABLE = 1")
        if cvode:
            h(CVODE_ON)
        t0 = time.perf_counter()
        h.load_file(path)
        h.run()
        first = time.perf_counter() - t0
        run = lambda: h.run()
        get = lambda name: list(getattr(h, name))
    else:
        sys.path.insert(0, str(HERE.parent))
        from hocx.api import Session
        s = Session(out=lambda text: None)
        s.execute("USETABLE = 1")
        if cvode:
            s.execute(CVODE_ON)
        t0 = time.perf_counter()
        s.execute_file(path)
        s.execute("run()")
        first = time.perf_counter() - t0
        run = lambda: s.execute("run()")
        get = lambda name: list(s.get_global(name).x)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    tv, v = get(tname), get(vname)
    if model == "net5":
        spikes = len(get("spk"))
    else:
        spikes = sum(1 for a, b in zip(v[:-1], v[1:]) if a < 0 <= b)
    return dict(first_s=first, run_s=min(times), steps=len(tv) - 1, t_end=tv[-1], spikes=spikes)


CELL = """{load_file("stdrun.hoc")}
create soma, dend
connect dend(0), soma(1)
soma { L = 20  diam = 20  nseg = 1  insert %(mech)s }
dend { L = 200  diam = 2  nseg = 9  insert %(mech)s }
usetable_hh = 0
objref stim, vs, vd, cv
soma stim = new IClamp(0.5)
{ stim.del = 1  stim.dur = 3  stim.amp = 0.3 }
vs = new Vector()
vd = new Vector()
vs.record(&soma.v(0.5), 0.1)
vd.record(&dend.v(0.9), 0.1)
tstop = 10
cv = new CVode()
cv.active(1)
cv.atol(%(atol)g)
"""


def grad_check(mech: str, atol: float, h_rel: float = 1e-4) -> list[dict]:
    """d(samples)/d(parameter) by hocx.train.cvode (forward mode, control frozen, IFT corrector)
    against central differences of the same CVode run; relative error in the 2-norm over both
    recorded traces, and the accepted-step counts of the +h / -h / base runs."""
    import jax
    import jax.numpy as jnp
    import numpy as np
    from jax.flatten_util import ravel_pytree
    sys.path.insert(0, str(HERE.parent))
    from hocx.api import Session
    from hocx.train.cvode import CvodeSim
    s = Session(out=lambda text: None)
    s.execute(CELL % {"mech": mech, "atol": atol})
    if mech == "pas":
        s.execute("forall { g_pas = 0.001  e_pas = -65 }")
    name = "g_pas" if mech == "pas" else "gnabar_hh"
    s.execute(f'make_trainable("{name}")\nmake_trainable("Ra")')
    sim = CvodeSim(s, s.train.trainables, [s.get_global("vs"), s.get_global("vd")])
    data = sim.arrays()
    flat, unr = ravel_pytree(sim.initial_params())
    prim = jax.jit(lambda x, d: sim.checked(unr(x), (), d))
    tang = jax.jit(lambda x, e, d: jax.jvp(lambda xx: jnp.concatenate(sim.checked(unr(xx), (), d)[0]),
                                           (x,), (e,))[1])
    _, _, n0 = prim(flat, data)
    out = []
    for i, pname in enumerate([name, "Ra"]):
        e = jnp.zeros(flat.size).at[i].set(1.0)
        d = np.asarray(tang(flat, e, data))
        h = h_rel * abs(float(flat[i]))
        (ap, bp), _, npl = prim(flat.at[i].add(h), data)
        (am, bm), _, nmi = prim(flat.at[i].add(-h), data)
        fd = (np.concatenate([ap, bp]) - np.concatenate([am, bm])) / (2 * h)
        out.append(dict(model=mech, atol=atol, param=pname, rel_err=float(np.linalg.norm(d - fd) / np.linalg.norm(fd)),
                        steps=(int(n0), int(npl), int(nmi))))
    return out


def sweep_timing(K: int) -> list[dict]:
    """sweep("gnabar_hh", K values) on the hh cell under CVode: members one after the other
    (one compiled run) vs all members in one vmapped loop; first call and a second call."""
    import numpy as np
    sys.path.insert(0, str(HERE.parent))
    from hocx.api import Session
    out = []
    for mode in ("seq", "vmap"):
        s = Session(out=lambda text: None)
        s.execute(CELL % {"mech": "hh", "atol": 1e-3})
        s.execute(f"objref gv, res\ngv = new Vector({K})\ngv.indgen(0.08, 0.1 / {K})")
        s.sweeper.cvode_mode = mode
        t0 = time.perf_counter()
        s.execute('res = sweep("gnabar_hh", gv)')
        first = time.perf_counter() - t0
        t0 = time.perf_counter()
        s.execute('res = sweep("gnabar_hh", gv)')
        second = time.perf_counter() - t0
        steps = s.sweeper.last["steps"]
        out.append(dict(mode=mode, K=K, first_s=first, second_s=second, per_run_ms=1e3 * second / K,
                        steps_min=int(np.min(steps)), steps_max=int(np.max(steps))))
    return out


def measure(system: str, model: str, cvode: bool, repeats: int) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.cvode_bench", "--worker", system, model, str(int(cvode)),
           str(repeats)]
    out = subprocess.run(cmd, cwd=HERE.parent, capture_output=True, text=True, timeout=1800)
    for line in out.stdout.splitlines():
        if line.startswith("CVB "):
            return json.loads(line[4:])
    return {"error": (out.stderr or out.stdout)[-400:]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--worker", nargs=4)
    ap.add_argument("--grad", action="store_true", help="gradient check (pas and hh cells) instead")
    ap.add_argument("--sweep", type=int, default=0, help="sweep timing with K members instead")
    a = ap.parse_args()
    if a.grad:
        for mech, atol in (("pas", 1e-4), ("pas", 1e-6), ("hh", 1e-4), ("hh", 1e-6), ("hh", 1e-7)):
            for r in grad_check(mech, atol):
                print("GRAD " + json.dumps(r), flush=True)
        return
    if a.sweep:
        for r in sweep_timing(a.sweep):
            print("SWEEP " + json.dumps(r), flush=True)
        return
    if a.worker:
        system, model, cv, rep = a.worker
        print("CVB " + json.dumps(_worker(system, model, cv == "1", int(rep))), flush=True)
        return
    rows = []
    for model in MODELS:
        for system, cv, label in (("neuron", True, "NEURON CVode"), ("hocx", True, "hocx CVode"),
                                  ("hocx", False, "hocx fixed dt=0.025")):
            r = measure(system, model, cv, a.repeats)
            rows.append((model, label, r))
            print(model, label, r, file=sys.stderr, flush=True)
    print(f"{'model':6} {'run':22} {'steps':>7} {'t_end':>9} {'spikes':>6} {'run() ms':>10} {'first run s':>11}")
    for model, label, r in rows:
        if "error" in r:
            print(f"{model:6} {label:22} error: {r['error']!r}")
            continue
        print(f"{model:6} {label:22} {r['steps']:7d} {r['t_end']:9.3f} {r['spikes']:6d} "
              f"{1e3 * r['run_s']:10.2f} {r['first_s']:11.2f}")


if __name__ == "__main__":
    main()
