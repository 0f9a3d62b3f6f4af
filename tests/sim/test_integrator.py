"""The compiled step on hand-built cables: chunking, compile counts, divergence, tables."""
import numpy as np
import pytest

import cables
from hocx.errors import NumericalError
from hocx.sim.engine import Simulator
from hocx.sim.integrator import Env, RecSource
from hocx.interp.stdlib_mods import StdlibMod


def ball_and_stick(gnabar=0.12, amp=0.3, dend_nseg=5):
    secs = [dict(parent=-1, nseg=1, L=20, diam=20, mechs=("hh",)),
            dict(parent=0, x=1.0, nseg=dend_nseg, L=300, diam=2, Ra=150, mechs=("pas",))]
    return cables.build(secs, [dict(sec=0, x=0.5, **{"del": 1.0, "dur": 5.0, "amp": amp})],
                        mech_params={"hh": {"gnabar": gnabar}})


def run(sim, low, node_of, nsteps, env=Env(), v_init=-65.0):
    rec = (RecSource("t"), RecSource("v", index=node_of(0, 0.5)), RecSource("v", index=node_of(1, 1.0)))
    sim.load(low, env, rec)
    first = sim.finitialize(v_init)
    return np.vstack([first, sim.advance(nsteps)])


def test_spikes_and_time_accumulation():
    low, node_of = ball_and_stick()
    rows = run(Simulator(), low, node_of, 400)
    t = rows[:, 0]
    # t is accumulated in half steps exactly as NEURON does: t_{n+1} = (t_n + dt/2) + dt/2
    expect = [0.0]
    for _ in range(400):
        expect.append((expect[-1] + 0.0125) + 0.0125)
    np.testing.assert_array_equal(t, expect)
    assert rows[:, 1].max() > 20            # the soma fires
    assert rows[0, 1] == -65.0


def test_chunks_give_identical_results():
    low, node_of = ball_and_stick()
    whole = run(Simulator(chunk=1000), low, node_of, 700)
    sim = Simulator(chunk=64)
    pieces = [run(sim, low, node_of, 0)]
    for n in (1, 63, 200, 436):
        pieces.append(sim.advance(n))
    np.testing.assert_array_equal(np.vstack(pieces), whole)


def test_parameter_change_does_not_recompile():
    sim = Simulator()
    low, node_of = ball_and_stick()
    a = run(sim, low, node_of, 300)
    assert sim.cache.compiles == 1
    low2, _ = ball_and_stick(gnabar=0.05, amp=0.8)
    b = run(sim, low2, node_of, 300, env=Env(dt=0.0125, celsius=20.0, secondorder=2))
    assert sim.cache.compiles == 1
    assert not np.allclose(a[:, 1], b[:, 1])


def test_structure_change_recompiles_and_says_why():
    sim = Simulator()
    low, node_of = ball_and_stick()
    run(sim, low, node_of, 10)
    low2, node_of2 = ball_and_stick(dend_nseg=7)
    run(sim, low2, node_of2, 10)
    assert sim.cache.compiles == 2
    assert "number of nodes changed" in sim.cache.last_reason
    run(sim, low2, node_of2, 10, env=Env(usetable=False))
    assert "usetable" in sim.cache.last_reason


def test_runaway_voltage_raises_numerical_error_and_keeps_state():
    secs = [dict(parent=-1, nseg=1, L=5, diam=5, mechs=())]
    low, node_of = cables.build(secs, [dict(sec=0, x=0.5, **{"del": 0.5, "dur": 100.0, "amp": 1e5})])
    sim = Simulator(chunk=50)
    sim.load(low, Env(), (RecSource("t"), RecSource("v", index=node_of(0, 0.5))))
    sim.finitialize(-65)
    with pytest.raises(NumericalError) as exc:
        sim.advance(400)
    err = exc.value
    assert "sec0" in err.message and "t = " in err.message
    assert "insert pas" in err.hint
    assert abs(float(np.asarray(sim.state["v"]).max())) <= 1e4     # stopped before the blow-up
    assert len(sim.partial) > 0 and np.all(np.abs(sim.partial[:, 1]) <= 1e4)


def test_hh_table_interpolates_inf_and_tau():
    """The built-in hh (stdlib/hh.mod) and its TABLE: 201 points from -100 to 100 mV at the
    present celsius, linear interpolation between them, clamped at both ends, NaN passed on."""
    hh = StdlibMod("hh").translation()
    names = ("minf", "mtau", "hinf", "htau", "ninf", "ntau")

    def rates(v, use, celsius=6.3):
        env = {"celsius": celsius, "usetable": use,
               **(hh.spec.tables({}, celsius) if use else {})}
        _, st = hh.call("rates", [np.asarray(v, dtype=float)], {}, env)
        return [np.asarray(st[k]) for k in names]

    grid = np.array([-100.0, -65.0, 0.0, 100.0])
    for e, g in zip(rates(grid, False), rates(grid, True)):   # on the grid: the table entries
        np.testing.assert_allclose(g, e, rtol=1e-15)
    lo, hi = rates([-65.0], False)[0][0], rates([-64.0], False)[0][0]
    assert rates([-64.5], True)[0][0] == pytest.approx(0.5 * (lo + hi), rel=1e-15)
    assert rates([-64.5], False)[0][0] != pytest.approx(0.5 * (lo + hi), rel=1e-9)
    assert rates([150.0], True)[0][0] == rates([100.0], False)[0][0]   # clamped, no extrapolation
    assert np.isnan(rates([np.nan], True)[1][0])
    # q10 = 3^((celsius - 6.3)/10): the time constants at 16.3 degC are a third
    assert rates([-65.0], False, 16.3)[1][0] == pytest.approx(rates([-65.0], False)[1][0] / 3.0,
                                                            rel=1e-14)


def test_usetable_changes_the_trace():
    low, node_of = ball_and_stick()
    a = run(Simulator(), low, node_of, 400)
    b = run(Simulator(), low, node_of, 400, env=Env(usetable=False))
    assert 1e-3 < np.abs(a[:, 1] - b[:, 1]).max() < 20
