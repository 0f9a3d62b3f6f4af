"""NetStim (stdlib/netstim.mod, its noise a RANDOM Random123 stream) bit-exact against live
NEURON 9.

The same script runs in hocx and in a fresh NEURON process (whose per-process Random123 id3
counter starts at 1, as hocx's per-session one); spike times are recorded with
``NetCon(ns, nil).record(vec)`` and compared with ``==``.  It covers

* self-driven NetStims (run on the host by hocx.sim.hostcells): defaults, noise, the
  noiseFromRandom123 / noiseFromRandom streams, interval 0, start < 0, number 0, noise > 1;
* NetStims receiving events (the compiled general NET_RECEIVE path, noise drawn there): a
  positive weight starts an idle one, a negative weight stops a running one;
* NEURON's own share/modfile/netstim.mod, renamed NetStimN and translated by hocx, against
  NEURON's built-in NetStim (the same mod compiled).
"""
from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from hocx.api import Session
from hocx.interp.builtins.random import Random123Stream, philox4x32
from hocx.interp.random123 import Streams, negexp_draws, philox_blocks

TSTOP = 300.0
DT = 0.025

# Two scripts: "host" (no NetCon reaches a NetStim: all run on the host) and "events" (NetStims
# receiving events: their blocks take the compiled general path).  Each: statements configuring
# ns[i] (NetStim) and m[j] (NEURON's own mod: NetStimN in hocx, the built-in NetStim in NEURON,
# its streams on the same counter), one per line in creation order, then the NetCons.
HOST = ([
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
], [
    "m[0].start = 2  m[0].interval = 3  m[0].number = 80  m[0].noise = 0.8",
    "m[1].start = 1  m[1].interval = 2  m[1].number = 50  m[1].noise = 1  m[1].noiseFromRandom123(9, 8, 7)",
], "")
# ns[0] drives: ns[1] idle (start < 0) until an event starts it (w > 0; again while on: ignored;
# after its train: a new train), ns[2] runs until an event stops it (w < 0), m[0] likewise
# started; ns[3] runs on its own in the same (general) block
EVENTS = ([
    "ns[0].start = 20  ns[0].number = 3  ns[0].interval = 60",
    "ns[1].start = -1  ns[1].interval = 2.5  ns[1].number = 6  ns[1].noise = 0.6",
    "ns[2].start = 0  ns[2].interval = 1.7  ns[2].number = 1e9  ns[2].noise = 0.4",
    "ns[3].start = 3  ns[3].interval = 4  ns[3].number = 1e9  ns[3].noise = 0.3  ns[3].noiseFromRandom123(5, 6, 7)",
], [
    "m[0].start = -1  m[0].interval = 4  m[0].number = 5  m[0].noise = 0.5",
], """objref cin, cstop, cmn
cin = new NetCon(ns[0], ns[1])
{cin.weight = 1  cin.delay = 1.25}
cstop = new NetCon(ns[0], ns[2])
{cstop.weight = -1  cstop.delay = 30}
cmn = new NetCon(ns[0], m[0])
{cmn.weight = 2  cmn.delay = 0.5}
""")
SCRIPTS = {"host": HOST, "events": EVENTS}


def _script(which: str, own_class: str) -> str:
    cfg, own, nets = SCRIPTS[which]
    n, k = len(cfg), len(own)
    hoc = ("create soma\nobjref ns[%d], m[%d], r, nil\nr = new Random()\n"
           "for i = 0, %d ns[i] = new NetStim()\n" % (n, k, n - 1))
    hoc += "\n".join("{%s}" % c for c in cfg if c) + "\n"
    hoc += "for i = 0, %d m[i] = new %s()\n" % (k - 1, own_class)
    hoc += "\n".join("{%s}" % c for c in own) + "\n" + nets
    hoc += "objref vecs[%d], recs[%d]\n" % (n + k, n + k)
    hoc += ("for i = 0, %d { vecs[i] = new Vector()  recs[i] = new NetCon(ns[i], nil)  "
            "recs[i].record(vecs[i]) }\n" % (n - 1))
    hoc += ("for i = 0, %d { vecs[%d + i] = new Vector()  recs[%d + i] = new NetCon(m[i], nil)  "
            "recs[%d + i].record(vecs[%d + i]) }\n" % (k - 1, n, n, n, n))
    return hoc


def _count(which: str) -> int:
    return len(SCRIPTS[which][0]) + len(SCRIPTS[which][1])


RUN = "dt = %r\nfinitialize(-65)\ncontinuerun(%r)\n" % (DT, TSTOP)


def _neuron_mod() -> str | None:
    try:
        import neuron
    except ImportError:
        return None
    p = os.path.join(os.path.dirname(neuron.__file__), ".data", "share", "modfile", "netstim.mod")
    return p if os.path.isfile(p) else None


def _neuron_spikes(which: str) -> list[list[float]]:
    """Run the script in a fresh NEURON process; spike times per NetStim (as float.hex)."""
    code = textwrap.dedent(f"""
        import json
        from neuron import h
        h.load_file("stdrun.hoc")
        h({_script(which, "NetStim") + RUN!r})
        print("RESULT" + json.dumps([[x.hex() for x in h.vecs[i]] for i in range({_count(which)})]))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("RESULT")]
    assert line, out.stderr
    return [[float.fromhex(x) for x in v] for v in json.loads(line[0][6:])]


def _hocx_spikes(which: str, tmp_path) -> tuple[list[list[float]], Session]:
    text = open(_neuron_mod()).read()
    text, n = re.subn(r"(\bARTIFICIAL_CELL\s+)NetStim\b", r"\g<1>NetStimN", text)
    assert n == 1
    mod = tmp_path / "netstimn.mod"
    mod.write_text(text)
    s = Session(out=lambda t: None, err=lambda t: None)
    s.execute('load_file("stdrun.hoc")\nnrn_load_dll("%s")\n' % mod, "load.hoc")
    s.execute(_script(which, "NetStimN") + RUN, "netstims.hoc")
    vecs = dict(s.h.vecs.stored())
    return [[float(x) for x in np.asarray(vecs[i])] for i in range(_count(which))], s


@pytest.mark.neuron
@pytest.mark.slow
@pytest.mark.parametrize("which", ["host", "events"])
def test_spike_times_bit_exact_with_neuron(which, tmp_path):
    if _neuron_mod() is None:
        pytest.skip("neuron (with share/modfile/netstim.mod) is not installed")
    nrn = _neuron_spikes(which)
    ours, s = _hocx_spikes(which, tmp_path)
    cfg, own, _ = SCRIPTS[which]
    labels = cfg + own
    for i, (ref, got) in enumerate(zip(nrn, ours)):
        assert got == ref, (i, labels[i], len(got), len(ref))
    n = len(cfg)
    if which == "host":
        assert sum(len(v) for v in nrn) > 1000          # the comparison covers many spikes
        assert nrn[2][0] == 0.10000000000000003          # (start + interval) - interval
        assert nrn[9] == [] and nrn[10] == []
        assert dict(s.h.ns.stored())[11].noise == 1.0                   # INITIAL clamped it, as NEURON does
    else:
        # the events did something: ns[1] fired only after ns[0]'s first spike (and again
        # after its second), ns[2] stopped 30 ms after it; NEURON's own mod likewise
        assert nrn[0] == [20.0, 80.0, 140.0]
        assert nrn[1][0] >= 20.0 + 1.25 and len(nrn[1]) == 3 * 6     # three trains of 6
        assert nrn[2][-1] < 20.0 + 30 and len(nrn[2]) > 5
        assert nrn[n][0] >= 20.5 and len(nrn[n]) == 3 * 5
        assert len(nrn[3]) > 50


def _session(text: str) -> Session:
    s = Session(out=lambda t: None, err=lambda t: None)
    s.execute(text, "a.hoc")
    return s


def test_stream_ids_count_netstims_and_follow_noise_calls():
    cfg = HOST[0]
    s = _session("objref ns[%d], r\nr = new Random()\nfor i = 0, %d ns[i] = new NetStim()\n"
                 % (len(cfg), len(cfg) - 1) + "\n".join("{%s}" % c for c in cfg if c) + "\n")
    ids = [list(ns.stream_ids) for ns in s.model.artificial_cells]
    assert ids[0] == [1, 0, 1] and ids[1] == [1, 0, 2] and ids[4] == [1, 0, 5]
    assert ids[5] == [5, 6, 7]                       # noiseFromRandom123(5, 6, 7)
    assert ids[6] == [3, 4, 0]                       # noiseFromRandom123(3, 4): id3 = 0
    assert ids[7] == [11, 12, 13]                    # noiseFromRandom(r) after r.Random123(11, 12, 13)
    # seed(x) sets the draw index (nrnran123_setseq(double): 4*seq + which)
    s.execute("ns[0].seed(7)\n", "b.hoc")
    assert s.model.artificial_cells[0].hidden["ranvar__seq"] == 7.0


def test_noise_from_random_needs_random123():
    s = _session("objref ns, r\nns = new NetStim()\nr = new Random()\n")
    with pytest.raises(Exception, match="Random123 generator is required"):
        s.execute("ns.noiseFromRandom(r)\n", "b.hoc")


def test_vectorised_philox_matches_the_scalar_one():
    blocks = philox_blocks(np.arange(6, dtype=np.uint64), (7, 3, 9), globalindex=2)
    for i in range(6):
        assert tuple(int(w) for w in blocks[i]) == philox4x32((i, 9, 7, 3), (2, 0))
    st = Random123Stream(7, 3, 9, 0)
    ref = [-math.log(st.next_double()) for _ in range(23)]
    assert list(negexp_draws(0, 23, (7, 3, 9))) == ref
    assert list(negexp_draws(5, 10, (7, 3, 9))) == ref[5:15]
    # the generated code's stream, numpy and jax.numpy: the same draws, the same bits
    import jax.numpy as jnp
    for xp in (np, jnp):
        state = {"r__seq": xp.asarray([0.0, 5.0]), "r__id1": xp.asarray([7.0, 7.0]),
                 "r__id2": xp.asarray([3.0, 3.0]), "r__id3": xp.asarray([9.0, 9.0])}
        got = [np.asarray(Streams(xp, state).negexp("r")) for _ in range(10)]
        assert [float(g[0]) for g in got] == ref[:10], xp.__name__
        assert [float(g[1]) for g in got] == ref[5:15], xp.__name__
        assert float(np.asarray(state["r__seq"])[1]) == 15.0


def test_setseq_is_nrnran123s_double_form():
    st = {"r__seq": np.zeros(4), "r__id1": np.ones(4), "r__id2": np.zeros(4), "r__id3": np.ones(4)}
    Streams(np, st).setseq("r", np.array([-3.0, 9.7, 2.0**41, float(2**34 + 5)]))
    assert list(st["r__seq"]) == [0.0, 9.0, 0.0, 5.0]
