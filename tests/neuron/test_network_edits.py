"""Editing a network between continuerun() calls, as users do at the REPL, against live NEURON:
events in flight survive the network being lowered again (a new NetCon, a new synapse, a changed
weight), a NetStim created after finitialize stays silent, and the new NetCon sees only future
spikes."""
from __future__ import annotations

import pytest

from hoc_compare import compare

pytestmark = pytest.mark.neuron

NETSTIM = """{load_file("stdrun.hoc")}
create soma
soma { L = 20 diam = 20 insert hh }
objref syn, s2, ns, nc, nc2, nc3, ns2, rec_v, rec_g2
soma syn = new ExpSyn(0.5)
soma s2 = new ExpSyn(0.5)
syn.tau = 2
ns = new NetStim()
{ ns.start = 1  ns.interval = 2  ns.number = 5 }
nc = new NetCon(ns, syn, 0, 1.5, 0.01)
rec_v = new Vector()
rec_g2 = new Vector()
rec_v.record(&soma.v(0.5))
rec_g2.record(&s2.g)
tstop = 12
stdinit()
continuerun(3.3)
nc2 = new NetCon(ns, s2, 0, 1, 0.02)
nc.weight = 0.005
ns2 = new NetStim()
{ ns2.start = 0  ns2.interval = 1  ns2.number = 3 }
nc3 = new NetCon(ns2, s2, 0, 0.5, 0.03)
continuerun(12)
objref nc, nc2, nc3, ns, ns2, syn, s2
"""

THRESHOLD = """{load_file("stdrun.hoc")}
create a, b
forall { L = 20 diam = 20 insert hh }
objref stim, syn, syn2, nc, nc2, rec_va, rec_vb, rec_spk
a stim = new IClamp(0.5)
{ stim.del = 1  stim.dur = 1  stim.amp = 0.5 }
b syn = new ExpSyn(0.5)
nc = new NetCon(&a.v(0.5), syn, -20, 4, 0.01)
rec_spk = new Vector()
nc.record(rec_spk)
rec_va = new Vector()
rec_vb = new Vector()
rec_va.record(&a.v(0.5))
rec_vb.record(&b.v(0.5))
tstop = 15
stdinit()
continuerun(3.5)
// a's spike (about 2.4 ms) is in flight until about 6.4 ms: add a synapse and a NetCon now
b syn2 = new Exp2Syn(0.3)
nc2 = new NetCon(&a.v(0.5), syn2, -20, 1, 0.02)
continuerun(15)
objref nc, nc2, syn, syn2, stim
"""


@pytest.mark.parametrize("text", [NETSTIM, THRESHOLD], ids=["netstim", "threshold"])
def test_network_edited_mid_run_matches_neuron(h, text):
    compare(h, text)
