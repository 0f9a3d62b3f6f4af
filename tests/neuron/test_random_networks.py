"""Random networks written as HOC and run by both NEURON and hocx: cells with hh, ExpSyn or
Exp2Syn synapses, NetCons with random wiring, delays, weights and thresholds, NetStims with and
without noise (Random123 streams seeded explicitly), spike times recorded with NetCon.record.
Voltages, conductances and spike times must agree at every sample (1e-6)."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from hoc_compare import compare

pytestmark = pytest.mark.neuron


@st.composite
def hoc_networks(draw):
    ncell = draw(st.integers(2, 4))
    lines = [f"create soma[{ncell}], dend[{ncell}]",
             f"objref syn[{ncell}], ncs[12], stims[2], ic, nil",
             "objref rec_v0, rec_v1, rec_g, rec_s0, rec_s1"]
    for i in range(ncell):
        nseg = draw(st.integers(1, 3))
        lines.append(f"connect dend[{i}](0), soma[{i}](1)")
        lines.append(f"soma[{i}] {{ L = 20  diam = 20  insert hh }}")
        lines.append(f"dend[{i}] {{ L = {draw(st.integers(50, 300))}  diam = 1  nseg = {nseg}  insert pas }}")
        kind = draw(st.sampled_from(["ExpSyn", "Exp2Syn"]))
        where = draw(st.sampled_from(["soma", "dend"]))
        x = draw(st.sampled_from(["0.5", "0.9", "0.1"]))
        lines.append(f"{where}[{i}] syn[{i}] = new {kind}({x})")
        if kind == "ExpSyn":
            lines.append(f"syn[{i}].tau = {draw(st.floats(0.3, 5)):.3f}")
        else:
            t1, t2 = draw(st.floats(0.1, 3)), draw(st.floats(0.1, 8))
            lines.append(f"{{ syn[{i}].tau1 = {t1:.3f}  syn[{i}].tau2 = {t2:.3f} }}")
        lines.append(f"syn[{i}].e = {draw(st.sampled_from([0, -80, 10]))}")
    lines.append("soma[0] ic = new IClamp(0.5)")
    lines.append(f"{{ ic.del = {draw(st.floats(0, 2)):.3f}  ic.dur = 3  ic.amp = {draw(st.floats(0.3, 1)):.3f} }}")
    k = 0
    for _ in range(draw(st.integers(1, 6))):
        pre, post = draw(st.integers(0, ncell - 1)), draw(st.integers(0, ncell - 1))
        delay = draw(st.sampled_from([0, 0.3, 1, 1.7, 2.5, 0.0125, draw(st.floats(0, 4))]))
        thr = draw(st.floats(-40, 10))
        w = draw(st.floats(0, 0.03))
        lines.append(f"soma[{pre}] ncs[{k}] = new NetCon(&v(0.5), syn[{post}], {thr:.3f}, {delay:.4f}, {w:.5f})")
        k += 1
    nstim = draw(st.integers(0, 2))
    for j in range(nstim):
        noise = draw(st.sampled_from([0, 0, 0.5, 1]))
        lines.append(f"stims[{j}] = new NetStim()")
        lines.append(f"{{ stims[{j}].start = {draw(st.floats(0, 5)):.3f}  stims[{j}].interval = "
                     f"{draw(st.floats(0.5, 6)):.3f}  stims[{j}].number = {draw(st.integers(1, 6))}"
                     f"  stims[{j}].noise = {noise} }}")
        lines.append(f"stims[{j}].noiseFromRandom123({j + 3}, 7, {draw(st.integers(0, 5))})")
        post = draw(st.integers(0, ncell - 1))
        lines.append(f"ncs[{k}] = new NetCon(stims[{j}], syn[{post}], 0, {draw(st.floats(0, 3)):.3f}, "
                     f"{draw(st.floats(0.001, 0.03)):.4f})")
        k += 1
    lines.append("{ rec_v0 = new Vector()  rec_v1 = new Vector()  rec_g = new Vector() }")
    lines.append("{ rec_s0 = new Vector()  rec_s1 = new Vector() }")
    lines.append("rec_v0.record(&soma[0].v(0.5))")
    lines.append(f"rec_v1.record(&soma[{ncell - 1}].v(0.5))")
    lines.append(f"rec_g.record(&syn[{ncell - 1}].i)")
    lines.append("ncs[0].record(rec_s0)")
    if nstim:
        lines.append(f"ncs[{k - 1}].record(rec_s1)")
    lines.append(f"dt = {draw(st.sampled_from([0.025, 0.0125]))}")
    lines.append(f"steps_per_ms = 1/dt")
    lines.append("tstop = 15")
    lines.append("run()")
    # free the NetCons and point processes before the next example deletes the sections
    # (NEURON, shared by the whole test session, must not keep them pointing at dead sections)
    lines.append(f"objref ncs[12], stims[2], ic, syn[{ncell}]")
    return "{load_file(\"stdrun.hoc\")}\n" + "\n".join(lines) + "\n"


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(hoc_networks())
def test_random_network_matches_neuron(h, text):
    compare(h, text)
