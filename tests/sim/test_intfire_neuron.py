"""NEURON's IntFire1, IntFire2 and IntFire4, built in from hocx's own stdlib/intfire1.mod,
intfire2.mod and intfire4.mod, against live NEURON: a small seeded network of them driven by NetStims with
random weights and delays (and connections between the cells).  IntFire1's spike times are
identical (``==``); IntFire2's and IntFire4's spike times (solved with exp, log and pow,
which XLA's CPU kernels round differently from libm), IntFire1's recorded ``m`` and the
``M()``/``I()``/``E()``/states at the end agree to 1e-11 (measured: ~1e-13), with the same
spike counts and the same IntFire4 nself/nexcite/ninhibit counts."""
from __future__ import annotations

import json
import random
import subprocess
import sys

import numpy as np
import pytest

pytestmark = pytest.mark.neuron


def network(seed: int = 7) -> str:
    rng = random.Random(seed)
    n1, n2, n4, ns = 4, 4, 4, 3
    lines = ['load_file("stdrun.hoc")', "create soma",
             f"objref c1[{n1}], c2[{n2}], c4[{n4}], ns[{ns}], nc[100], spk[{n1 + n2 + n4}], nil",
             "objref rec_m0, rec_m1, rec_t, rec_final"]
    for i in range(n1):
        lines += [f"c1[{i}] = new IntFire1()", f"c1[{i}].tau = {rng.uniform(3, 15):.6g}",
                  f"c1[{i}].refrac = {rng.uniform(1, 6):.6g}"]
    for i in range(n2):
        lines += [f"c2[{i}] = new IntFire2()", f"c2[{i}].taum = {rng.uniform(3, 8):.6g}",
                  f"c2[{i}].taus = {rng.uniform(10, 25):.6g}",
                  f"c2[{i}].ib = {rng.choice([0, 0.5, 1.2]):.6g}"]
    for i in range(n4):
        lines += [f"c4[{i}] = new IntFire4()", f"c4[{i}].taue = {rng.uniform(2, 5):.6g}",
                  f"c4[{i}].taui1 = {rng.uniform(5, 10):.6g}",
                  f"c4[{i}].taui2 = {rng.uniform(12, 25):.6g}",
                  f"c4[{i}].taum = {rng.uniform(6, 40):.6g}"]
    for i in range(ns):
        lines += [f"ns[{i}] = new NetStim()", f"ns[{i}].start = {rng.uniform(0, 5):.6g}",
                  f"ns[{i}].interval = {rng.uniform(1.5, 6):.6g}", f"ns[{i}].number = 40",
                  f"ns[{i}].noise = 0"]
    cells = ([f"c1[{i}]" for i in range(n1)] + [f"c2[{i}]" for i in range(n2)]
             + [f"c4[{i}]" for i in range(n4)])
    k = 0
    for tgt in cells:                      # every cell: two NetStim inputs, one from a cell
        # (IntFire1 from IntFire1 only: its spike times are event times, exact; IntFire2's
        # solve exp/log/pow, which XLA rounds differently from libm by an ulp or so)
        pool = cells[:n1] if tgt.startswith("c1") else cells
        for src in rng.sample([f"ns[{i}]" for i in range(ns)], 2) + [rng.choice(pool)]:
            w = rng.uniform(-0.3, 0.9) if src.startswith("c") else rng.uniform(0.1, 0.7)
            if tgt.startswith("c4"):
                w = rng.uniform(-1, 0.2) if src.startswith("c") else rng.uniform(0.3, 1.2)
            lines += [f"nc[{k}] = new NetCon({src}, {tgt})", f"nc[{k}].weight = {w:.6g}",
                      f"nc[{k}].delay = {rng.uniform(0.5, 4):.6g}"]
            k += 1
    for i, c in enumerate(cells):
        lines += [f"spk[{i}] = new Vector()", f"nc[{60 + i}] = new NetCon({c}, nil)",
                  f"nc[{60 + i}].record(spk[{i}])"]
    lines += ["rec_m0 = new Vector()", "rec_m0.record(&c1[0].m)", "rec_m1 = new Vector()",
              "rec_m1.record(&c1[1].m)", "rec_t = new Vector()", "rec_t.record(&t)",
              "tstop = 100", "run()", "rec_final = new Vector()"]
    for i in range(n1):
        lines.append(f"rec_final.append(c1[{i}].M(), c1[{i}].m)")
    for i in range(n2):
        lines.append(f"rec_final.append(c2[{i}].M(), c2[{i}].I(), c2[{i}].m, c2[{i}].i)")
    for i in range(n4):
        lines.append(f"rec_final.append(c4[{i}].M(), c4[{i}].E(), c4[{i}].I(), c4[{i}].m)")
        lines.append(f"rec_final.append(c4[{i}].nself, c4[{i}].nexcite, c4[{i}].ninhibit)")
        lines.append(f"rec_final.append(c4[{i}].ae, c4[{i}].ai1, c4[{i}].ai2, c4[{i}].taum)")
    for i in range(n1 + n2 + n4):
        lines.append(f"objref rec_spk{i}\nrec_spk{i} = spk[{i}]")
    return "\n".join(lines) + "\n"


_DRIVER = r"""
import json, sys
from neuron import h
h(open(sys.argv[1]).read())
names = sys.argv[2].split(",")
json.dump({n: list(getattr(h, n)) for n in names}, open(sys.argv[3], "w"))
"""


def test_intfire_network_matches_neuron(tmp_path):
    pytest.importorskip("neuron")
    from hocx.api import Session
    from hocx.save import vectors_of

    hoc = network()
    names = ["rec_m0", "rec_m1", "rec_t", "rec_final"] + [f"rec_spk{i}" for i in range(12)]
    (tmp_path / "net.hoc").write_text(hoc)
    proc = subprocess.run([sys.executable, "-c", _DRIVER, "net.hoc", ",".join(names), "n.json"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    ref = json.loads((tmp_path / "n.json").read_text())
    s = Session(out=lambda _s: None)
    s.execute(hoc)
    vecs = vectors_of(s)
    nspikes = 0
    for n in names:
        got = np.asarray(vecs[n], float)
        want = np.asarray(ref[n], float)
        assert got.shape == want.shape, n
        if n.startswith("rec_spk") and int(n[7:]) < 4:
            assert got.tolist() == want.tolist(), n        # IntFire1 spike times: ==
        else:                   # IntFire2 spike times, m, M(), I(): to the ulps of exp/log/pow
            np.testing.assert_allclose(got, want, rtol=0, atol=1e-11, err_msg=n)
        nspikes += len(want) if n.startswith("rec_spk") else 0
    assert nspikes > 40                     # the network is active
    for first in (0, 4, 8):                 # each kind fires
        assert sum(len(ref[f"rec_spk{first + i}"]) for i in range(4)) > 5, first
