"""Live comparison with NEURON on hypothesis-generated cells.

Each example builds the same random cell in the real NEURON package and in hocx's
integrator (geometry taken from NEURON, so only the integrator is under test) and
compares v at every node, bare nodes included, at every step.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import nrn_lower
from hocx.sim.engine import Simulator
from hocx.sim.integrator import Env, RecSource

pytestmark = pytest.mark.neuron

TOL = 1e-6   # mV


@st.composite
def cells(draw):
    nsec = draw(st.integers(1, 5))
    secs = []
    for i in range(nsec):
        parent = draw(st.integers(0, i - 1)) if i else -1
        secs.append(dict(
            parent=parent,
            x=draw(st.sampled_from([1.0, 1.0, 0.0, 0.5, 0.35])),
            nseg=draw(st.integers(1, 6)),
            L=draw(st.floats(5, 300)),
            diam=draw(st.floats(0.5, 20)),
            Ra=draw(st.floats(30, 300)),
            cm=draw(st.floats(0.5, 2)),
            mechs=draw(st.sampled_from([("hh",), ("pas",), ("hh", "pas")])),
            gna_scale=draw(st.floats(0.3, 1.5)),
        ))
    stims = [dict(sec=draw(st.integers(0, nsec - 1)),
                  x=draw(st.sampled_from([0.5, 0.1, 0.9, 1.0, 0.0])),
                  delay=draw(st.floats(0, 5)), dur=draw(st.floats(0.1, 5)),
                  amp=draw(st.floats(-0.2, 1.0)))
             for _ in range(draw(st.integers(1, 2)))]
    env = dict(dt=draw(st.sampled_from([0.025, 0.0125, 0.05, 0.01])),
               celsius=draw(st.sampled_from([6.3, 16.3, 22.0])),
               secondorder=draw(st.sampled_from([0, 2])),
               usetable=draw(st.booleans()),
               v_init=draw(st.floats(-75, -55)))
    return secs, stims, env


def build_in_neuron(h, secs, stims, env):
    h("forall delete_section()")
    objs = [h.Section(name=f"s{i}") for i in range(len(secs))]
    for i, (sec, d) in enumerate(zip(objs, secs)):
        if d["parent"] >= 0:
            sec.connect(objs[d["parent"]](d["x"]), 0)
        sec.nseg, sec.L, sec.Ra = d["nseg"], d["L"], d["Ra"]
        for seg in sec:
            seg.diam, seg.cm = d["diam"], d["cm"]
        for m in d["mechs"]:
            sec.insert(m)
        if "hh" in d["mechs"]:
            for seg in sec:
                seg.hh.gnabar = 0.12 * d["gna_scale"]
        if "pas" in d["mechs"]:
            for seg in sec:
                seg.pas.e = -65.0
    clamps = []
    for s in stims:
        c = h.IClamp(objs[s["sec"]](s["x"]))
        c.delay, c.dur, c.amp = s["delay"], s["dur"], s["amp"]
        clamps.append(c)
    h.dt, h.celsius, h.secondorder = env["dt"], env["celsius"], env["secondorder"]
    h.usetable_hh = 1 if env["usetable"] else 0
    return objs, clamps


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells())
def test_random_cell_matches_neuron(h, cell):
    secs, stims, env = cell
    objs, clamps = build_in_neuron(h, secs, stims, env)
    low, locs = nrn_lower.build(h)
    tstop = 8.0
    t_ref, v_ref = nrn_lower.run_neuron(h, locs, tstop, env["v_init"])
    sim = Simulator()
    sim.load(low, Env(dt=env["dt"], celsius=env["celsius"], secondorder=env["secondorder"],
                      usetable=env["usetable"]),
             tuple(RecSource("v", index=i) for i in range(low.n)) + (RecSource("t"),))
    first = sim.finitialize(env["v_init"])
    rows = np.vstack([first, sim.advance(len(t_ref) - 1)])
    assert rows.shape[0] == len(t_ref)
    np.testing.assert_array_equal(rows[:, -1], t_ref)       # t accumulated exactly as NEURON
    err = np.abs(rows[:, :-1] - v_ref).max()
    assert err < TOL, f"max |dv| = {err:g} mV"
