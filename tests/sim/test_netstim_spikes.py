"""NetStim spike trains (hocx.sim.netstim) bit-exact against live NEURON 9.

The NetStims are made in hocx (so their Random123 stream ids come from hocx's counter) and,
with the same script, in a fresh NEURON process (whose per-process id3 counter starts at 1);
NEURON's spike times are recorded with ``NetCon(ns, nil).record(vec)`` and compared with ``==``.
"""
from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from hocx.api import Session
from hocx.interp.builtins.random import Random123Stream, philox4x32
from hocx.sim.netstim import SpikeTrain, negexp_draws, philox_blocks

TSTOP = 300.0
DT = 0.025

# (statements configuring NetStim ns[i]); one NetStim per line, in creation order
CONFIGS = [
    "",                                                                   # defaults: 50, 10, 10, 0
    "ns[1].start = 5  ns[1].interval = 7  ns[1].number = 1e9  ns[1].noise = 1",
    "ns[2].start = 0.1  ns[2].interval = 0.3  ns[2].number = 500",      # 0.10000000000000003
    "ns[3].start = 0.1  ns[3].interval = 0.3  ns[3].number = 50  ns[3].noise = 0.5",
    "ns[4].start = 0  ns[4].interval = 2  ns[4].number = 40  ns[4].noise = 0.3",
    "ns[5].start = 3  ns[5].interval = 4  ns[5].number = 1e9  ns[5].noise = 1  ns[5].noiseFromRandom123(5, 6, 7)",
    "ns[6].start = 1  ns[6].interval = 3  ns[6].number = 100  ns[6].noise = 0.7  ns[6].noiseFromRandom123(3, 4)",
    "ns[7].start = 2  ns[7].interval = 5  ns[7].number = 60  ns[7].noise = 1  r.Random123(11, 12, 13)  ns[7].noiseFromRandom(r)",
    "ns[8].start = 1  ns[8].interval = 0  ns[8].number = 2.5  ns[8].noise = 0.2",   # interval 0 -> 0.01
    "ns[9].start = -1  ns[9].number = 5",                                # start < 0: no spikes
    "ns[10].start = 10  ns[10].interval = 1  ns[10].number = 0",         # number 0: no spikes
    "ns[11].start = 0  ns[11].interval = 1.5  ns[11].number = 400  ns[11].noise = 2",   # noise clamped to 1
]

HOC = "objref ns[%d], r\nr = new Random()\nfor i = 0, %d ns[i] = new NetStim()\n" % (len(CONFIGS), len(CONFIGS) - 1)
HOC += "\n".join("{%s}" % c for c in CONFIGS if c) + "\n"


def _neuron_spikes() -> list[list[float]]:
    """Run the script in a fresh NEURON process; spike times per NetStim (as float.hex)."""
    code = textwrap.dedent(f"""
        import json
        from neuron import h
        h.load_file("stdrun.hoc")
        h({HOC!r})
        vecs, ncs = [], []
        for i in range({len(CONFIGS)}):
            v = h.Vector()
            nc = h.NetCon(h.ns[i], None)
            nc.record(v)
            vecs.append(v); ncs.append(nc)
        h.dt = {DT}
        h.finitialize(-65)
        h.continuerun({TSTOP})
        print("RESULT" + json.dumps([[x.hex() for x in v] for v in vecs]))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("RESULT")]
    assert line, out.stderr
    return [[float.fromhex(x) for x in v] for v in json.loads(line[0][6:])]


def _hocx_trains() -> list[SpikeTrain]:
    s = Session(out=lambda t: None, err=lambda t: None)
    s.execute(HOC, "netstims.hoc")
    trains = []
    for ns in s.model.artificial_cells:          # creation order = ns[0], ns[1], ...
        v = ns.values
        trains.append(SpikeTrain(v["start"], v["interval"], v["number"], v["noise"], tuple(ns.stream_ids)))
    return trains


@pytest.mark.neuron
@pytest.mark.slow
def test_spike_times_bit_exact_with_neuron():
    pytest.importorskip("neuron")
    nrn = _neuron_spikes()
    trains = _hocx_trains()
    assert sum(len(v) for v in nrn) > 1000          # the comparison covers many spikes
    for i, (ref, train) in enumerate(zip(nrn, trains)):
        ours = train.until(TSTOP + 1.0)
        n = len(ref)
        assert list(ours[:n]) == ref, (i, CONFIGS[i])
        # NEURON stops at tstop: every spike of ours before tstop - dt is in its record
        assert len(train.until(TSTOP - DT)) <= n, (i, CONFIGS[i])
    assert nrn[2][0] == 0.10000000000000003          # (start + interval) - interval
    assert nrn[9] == [] and nrn[10] == []


def test_stream_ids_count_netstims_and_follow_noise_calls():
    s = Session(out=lambda t: None, err=lambda t: None)
    s.execute(HOC, "netstims.hoc")
    ids = [list(ns.stream_ids) for ns in s.model.artificial_cells]
    assert ids[0] == [1, 0, 1] and ids[1] == [1, 0, 2] and ids[4] == [1, 0, 5]
    assert ids[5] == [5, 6, 7]                       # noiseFromRandom123(5, 6, 7)
    assert ids[6] == [3, 4, 0]                       # noiseFromRandom123(3, 4): id3 = 0
    assert ids[7] == [11, 12, 13]                    # noiseFromRandom(r) after r.Random123(11, 12, 13)


def test_noise_from_random_needs_random123():
    s = Session(out=lambda t: None, err=lambda t: None)
    s.execute("objref ns, r\nns = new NetStim()\nr = new Random()\n", "a.hoc")
    with pytest.raises(Exception, match="Random123 generator is required"):
        s.execute("ns.noiseFromRandom(r)\n", "b.hoc")


def test_vectorised_philox_matches_the_scalar_one():
    blocks = philox_blocks(np.arange(6, dtype=np.uint64), (7, 3, 9), globalindex=2)
    for i in range(6):
        assert tuple(int(w) for w in blocks[i]) == philox4x32((i, 9, 7, 3), (2, 0))
    st = Random123Stream(7, 3, 9, 2)
    ref = [-math.log(st.next_double()) for _ in range(23)]
    assert list(negexp_draws(0, 23, (7, 3, 9), 2)) == ref
    assert list(negexp_draws(5, 10, (7, 3, 9), 2)) == ref[5:15]


def test_lazy_extension_gives_the_same_train():
    whole = SpikeTrain(0.1, 0.7, 1e9, 0.8, (1, 0, 4)).until(500.0)
    lazy = SpikeTrain(0.1, 0.7, 1e9, 0.8, (1, 0, 4))
    parts = [lazy.until(t) for t in (0.0, 0.05, 3.0, 3.0, 40.0, 41.0, 200.0, 500.0)]
    assert list(parts[-1]) == list(whole)
    for p, t in zip(parts, (0.0, 0.05, 3.0, 3.0, 40.0, 41.0, 200.0, 500.0)):
        assert list(p) == list(whole[whole <= t])
    # a running sum, exactly: s_{k+1} = s_k + interval without noise
    t = SpikeTrain(0.0, 0.1, 20, 0.0).until(10.0)
    acc = [0.0]
    for _ in range(19):
        acc.append(acc[-1] + 0.1)
    assert list(t) == acc


def test_number_and_start_limits():
    assert len(SpikeTrain(1.0, 1.0, 2.5, 0.0).until(100.0)) == 3    # ispike >= number stops it
    assert len(SpikeTrain(1.0, 1.0, 0.0, 0.0).until(100.0)) == 0
    assert len(SpikeTrain(-0.5, 1.0, 5, 0.0).until(100.0)) == 0
    # the first spike is never before 0, even when noise draws it earlier
    first = SpikeTrain(0.0, 10.0, 1, 1.0, (1, 0, 3)).until(1e6)
    assert len(first) == 1 and first[0] >= 0.0
