"""The simulator seen from HOC: finitialize/fadvance/run, write-back, recording, errors."""
import os
import signal

import numpy as np
import pytest

from hocx.api import Session
from hocx.errors import HocError, ModelError, NumericalError
from hocx.sim.engine import Interrupted
from hocx.sim.progress import Progress

CELL = """
{load_file("stdrun.hoc")}
create soma, dend
connect dend(0), soma(1)
soma { L = 20  diam = 20  insert hh }
dend { L = 300  diam = 2  nseg = 5  insert pas  e_pas = -65 }
objref stim, vs, tv
soma stim = new IClamp(0.5)
{ stim.del = 1  stim.dur = 3  stim.amp = 0.4 }
vs = new Vector()
tv = new Vector()
{ vs.record(&soma.v(0.5))  tv.record(&t) }
"""


def session(extra=""):
    out = []
    s = Session(out=out.append, err=out.append)
    s.execute(CELL + extra, "<test>")
    return s, out


def vec(s, name):
    return np.array(s.get_global(name).x)


def test_run_records_and_writes_back():
    s, _ = session("tstop = 6\nrun()\n")
    v = vec(s, "vs")
    assert len(v) == 241 and v.max() > 0                        # it spikes
    s.execute("x = soma.v(0.5)\ny = t\nz = stim.i\nw = dend.v(1)", "<t>")
    assert s.get_global("x") == v[-1]                          # v written back
    assert s.get_global("y") == vec(s, "tv")[-1]
    assert s.get_global("z") == 0.0                            # stim over: i written back
    assert s.get_global("w") != -65.0


def test_hand_loop_equals_run_and_continuerun_resumes():
    a, _ = session("tstop = 4\nrun()\ncontinuerun(7)\n")
    b, _ = session("finitialize(-65)\nwhile (t < 7 - dt/2) { fadvance() }\n")
    c, _ = session("tstop = 7\nrun()\n")
    np.testing.assert_array_equal(vec(a, "vs"), vec(c, "vs"))
    # the one-step kernel may round differently from the chunk kernel (~1e-11 mV)
    np.testing.assert_allclose(vec(b, "vs"), vec(c, "vs"), rtol=0, atol=1e-9)
    assert a.sim.native_runs == 2 and b.sim.native_runs == 0


def test_initial_states_and_assigned_after_finitialize():
    s, _ = session("finitialize(-65)\nm = soma.m_hh(0.5)\nx_ina = soma.ina(0.5)\n")
    assert s.get_global("m") == pytest.approx(0.0529325, abs=1e-6)      # minf(-65) from the table
    assert s.get_global("x_ina") < 0                                    # fcurrent filled ina


def test_parameter_change_does_not_recompile_but_nseg_does():
    s, _ = session("tstop = 3\nrun()\n")
    n = s.sim.compiles
    s.execute("soma gnabar_hh = 0.2\nstim.amp = 0.1\ncelsius = 12\ntstop = 5\nrun()\n", "<t>")
    assert s.sim.compiles == n
    s.execute("dend nseg = 9\nrun()\n", "<t>")
    assert s.sim.compiles == n + 1
    assert "number of nodes changed" in s.sim.engine.cache.last_reason


def test_setdt_changes_dt_and_prints():
    s, out = session("dt = 0.01\ntstop = 1\nrun()\nprint t, dt\n")
    assert "Changed dt\n" in "".join(out)
    assert s.get_global("dt") == 0.0125 and len(vec(s, "vs")) == 81


def test_runaway_voltage_is_a_numerical_error_naming_the_section():
    s, _ = session()
    with pytest.raises(NumericalError) as exc:
        s.execute("stim.amp = 1e7\ntstop = 5\nrun()\n", "<t>")
    e = exc.value
    assert "soma" in e.message or "dend" in e.message
    assert "t = " in e.message and e.hint and "dt" in e.hint
    v = vec(s, "vs")
    assert len(v) > 1 and np.all(np.abs(v) <= 1e4)             # no NaN-filled vectors


def test_errors_for_bad_settings():
    s, _ = session()
    with pytest.raises(HocError):
        s.execute("dt = 0\nfadvance()\n", "<t>")
    s2 = Session(out=lambda x: None)
    s2.execute("t = 3\nfinitialize(-65)\n", "<t>")     # no sections: NEURON just sets t = 0
    assert s2.get_global("t") == 0.0
    s3, _ = session()
    with pytest.raises(HocError):
        s3.execute("secondorder = 3\nfinitialize(-65)\n", "<t>")
    with pytest.raises(HocError):
        s3.execute("secondorder = 0\nobjref q\nq = new Vector()\nq.record(&soma.v(0.5), -1)\n", "<t>")


def test_ctrl_c_stops_at_a_chunk_boundary_keeping_state():
    s, _ = session("tstop = 2\nrun()\n")
    sim = s.sim.engine
    sim.cache.chunk = 50
    from hocx.sim.integrator import Program
    prog = sim.program
    prog.chunk = 50
    calls = []

    def hit(done, total):
        calls.append(done)
        if len(calls) == 2:
            os.kill(os.getpid(), signal.SIGINT)

    t0 = sim.t
    with pytest.raises(Interrupted):
        sim.advance(400, on_chunk=hit, interruptible=True)
    assert len(sim.partial) == 100 and calls == [50, 100]      # stopped after the 2nd chunk
    assert sim.t == pytest.approx(t0 + 100 * 0.025)
    rows = sim.advance(10)                                     # and it carries on from there
    assert rows.shape[0] == 10


def test_progress_bar_only_on_a_terminal():
    class Tty:
        def __init__(self, tty):
            self.text, self.tty = [], tty

        def isatty(self):
            return self.tty

        def write(self, x):
            self.text.append(x)

        def flush(self):
            pass

    for tty in (True, False):
        stream = Tty(tty)
        p = Progress(1000, 0.025, stream=stream, delay=0.0)
        p.update(500, 1000)
        p.close()
        assert ("50.0%" in "".join(stream.text)) == tty


def test_divergence_inside_a_batched_hand_loop():
    s, _ = session("stim.amp = 1e7\nfinitialize(-65)\nn = 0\n")
    with pytest.raises(NumericalError):
        s.execute("while (t < 5) { fadvance()  n += 1 }\n", "<t>")
    n = int(s.get_global("n"))
    v = vec(s, "vs")
    assert len(v) == n + 1 and np.all(np.abs(v) <= 1e4)      # every step handed out was good
    assert s.get_global("t") == vec(s, "tv")[-1]
