"""Run one HOC file with hocx, then ``run()`` again N times: the steady-state run time.

Usage: python _hocx_steady.py FILE N [STATEMENT ...]  (statements run first, like ``-c``).
Prints one ``RESULT {json}``: ``first_s`` (the whole file: build + first run incl. compile),
``run_s`` (fastest later run), ``ncomp``, ``nsteps``, ``compiles`` (before → after a
``gnabar_hh`` change and another run: equal = no recompile).
"""
import json
import sys
import time


def main() -> None:
    sys.path.insert(0, __file__.rsplit("/", 2)[0])
    from hocx.api import Session

    s = Session(out=lambda text: None)
    for stmt in sys.argv[3:]:
        s.execute(stmt, "<-c>")
    t0 = time.perf_counter()
    s.execute_file(sys.argv[1])
    first = time.perf_counter() - t0
    compiles = s.sim.compiles
    times = []
    for _ in range(int(sys.argv[2])):
        t0 = time.perf_counter()
        s.execute("run()", "<bench>")
        times.append(time.perf_counter() - t0)
    s.execute("forall gnabar_hh = 0.1\nrun()\n", "<bench>")
    ncomp = sum(sec.nseg for sec in s.model.sections)
    nsteps = int(round(s.get_global("tstop") / s.get_global("dt")))
    print("RESULT " + json.dumps(dict(first_s=first, run_s=min(times), ncomp=ncomp, nsteps=nsteps,
                                      compiles=[compiles, s.sim.compiles])), flush=True)


if __name__ == "__main__":
    main()
