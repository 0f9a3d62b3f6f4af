"""Gradient benchmark (anchor M5): value_and_grad of the MSE between the soma voltage of
cell5 (anchor M1, ``neuron_m1.hoc``) and a fixed target w.r.t. one shared gnabar_hh.

For each simulated time it reports compile time, the median time per value_and_grad and
per forward run, and the temporary device memory XLA allocates for the gradient
(``memory_analysis().temp_size_in_bytes``), with the checkpointed scan (hocx's default) and
a plain scan.  Prints one ``RESULT {json}`` line per configuration.

Usage: python benchmarks/grad_bench.py [--exact] [TSTOP_MS ...]   (default: 50 500)
``--exact`` sets usetable_hh = 0 (exact hh rates, as Jaxley computes them) instead of
NEURON's default rate tables.
"""
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))


def build_session(usetable=1):
    from hocx.api import Session
    s = Session(out=lambda text: None)
    if "name_declared" not in s.names():   # BENCHMARK SHIM ONLY (as in _hocx_run.py)
        s.register_builtin("name_declared",
                           lambda interp, args, span: 1.0 if str(args[0]) in interp.names() else 0.0,
                           kind="func")
    s.execute(f"USETABLE = {usetable}\n")
    s.execute_file(os.path.join(HERE, "neuron_m1.hoc"))
    s.execute('make_trainable("gnabar_hh")\n')
    return s


def median_time(fn, reps):
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2]


def bench(s, tstop, checkpoint):
    import jax
    import jax.numpy as jnp
    from hocx.train.simulate import DiffSim
    sim = DiffSim(s, s.train.trainables, [s.get_global("vsoma")], tstop=tstop, checkpoint=checkpoint)
    p0 = sim.initial_params()
    target = jnp.full((sim.nsteps + 1, 1), -65.0)
    loss = lambda p: jnp.mean((sim(p) - target) ** 2)
    vg = jax.jit(jax.value_and_grad(loss))
    fwd = jax.jit(loss)
    t0 = time.perf_counter()
    compiled = vg.lower(p0).compile()
    compile_s = time.perf_counter() - t0
    mem = compiled.memory_analysis()
    temp = getattr(mem, "temp_size_in_bytes", None) if mem is not None else None
    jax.block_until_ready(vg(p0))
    jax.block_until_ready(fwd(p0))
    reps = 5 if tstop <= 100 else 3
    t_grad = median_time(lambda: jax.block_until_ready(vg(p0)), reps)
    t_fwd = median_time(lambda: jax.block_until_ready(fwd(p0)), reps)
    return {"model": "M5", "system": "hocx", "usetable": int(sim.env.usetable), "tstop_ms": tstop, "nsteps": sim.nsteps,
            "checkpoint": checkpoint, "chunk": sim.chunk if checkpoint else None,
            "compile_s": round(compile_s, 3), "grad_ms": round(1e3 * t_grad, 2),
            "forward_ms": round(1e3 * t_fwd, 2), "grad_over_forward": round(t_grad / t_fwd, 2),
            "grad_temp_MiB": round(temp / 2**20, 2) if temp is not None else None}


def main():
    args = sys.argv[1:]
    exact = "--exact" in args
    tstops = [float(a) for a in args if a != "--exact"] or [50.0, 500.0]
    s = build_session(0 if exact else 1)
    for tstop in tstops:
        for checkpoint in (True, False):
            print("RESULT " + json.dumps(bench(s, tstop, checkpoint)), flush=True)


if __name__ == "__main__":
    main()
