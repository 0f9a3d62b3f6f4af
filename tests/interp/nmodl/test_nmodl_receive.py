"""NMODL II, translator side: the generated NET_RECEIVE hooks (receive_event, receive_init,
WATCH conditions, INITIAL's net_send) called with numpy on a few instances at once and
checked against the mod's equations computed by hand; the additive test; the errors for
what is refused; point-process FUNCTIONs as HOC methods."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from hocx.errors import HocError
from hocx.interp.nmodl import translate
from hocx.spec import Kind

MOD = Path(__file__).resolve().parents[2] / "data" / "nmodl_reference" / "mod"
ENV = {"dt": 0.025, "celsius": 6.3}


def mod(name):
    return translate(str(MOD / f"{name}.mod"))


def _share(*parts):
    import importlib.util
    spec = importlib.util.find_spec("neuron")
    if spec is None or not spec.submodule_search_locations:
        return None
    p = Path(list(spec.submodule_search_locations)[0]).joinpath(".data", "share", *parts)
    return p if p.is_file() else None


def params(spec, n, **over):
    p = {k: np.full(n, v) for k, v in spec.params.items()}
    p.update({k: np.asarray(v, dtype=float) for k, v in over.items()})
    p.update({k: v for k, v in spec.global_params.items() if k not in p})
    return p


def arr(*x):
    return np.array(x, dtype=float)


@pytest.fixture(scope="module")
def fdsyn():
    return mod("fdsyn").spec


@pytest.fixture(scope="module")
def lif():
    return mod("lifcell").spec


@pytest.fixture(scope="module")
def izh():
    return mod("izhpp").spec


# ------------------------------------------------------------------------- FDSyn
def test_fdsyn_weight_vector_state_and_net_receive_initial(fdsyn):
    sp = fdsyn
    assert sp.kind is Kind.POINT_PROCESS and sp.unsupported is None
    assert sp.net_receive == 4 and sp.net_receive_args == ("weight", "R", "u", "tsyn")
    assert not sp.additive_receive and sp.receive_init is not None
    p = params(sp, 2, tau_fac=arr(200.0, 0.0))
    w = arr(0.1, 0.2)
    a = sp.receive_init(np, p, {"g": np.zeros(2)}, (w, arr(9, 9), arr(9, 9), arr(9, 9)),
                        np.zeros(2), ENV)
    np.testing.assert_array_equal(np.stack(a), [w, [1, 1], [0, 0], [0, 0]])
    s, args = {"g": np.zeros(2)}, a
    # two events, at 10 and 30 ms, computed by hand (U 0.2, tau_rec 150, tau_fac 200 / 0)
    g, R, u, ts = [0.0, 0.0], [1.0, 1.0], [0.0, 0.0], [0.0, 0.0]
    for te in (10.0, 30.0):
        out = sp.receive_event(np, p, s, args, np.zeros(2), np.full(2, te), np.zeros(2), ENV)
        for j, tf in enumerate((200.0, 0.0)):
            R[j] = 1 - (1 - R[j]) * math.exp(-(te - ts[j]) / 150.0)
            u[j] = u[j] * math.exp(-(te - ts[j]) / tf) if tf > 0 else 0.0
            u[j] = u[j] + 0.2 * (1 - u[j])
            g[j] = g[j] + w[j] * u[j] * R[j]
            R[j] = R[j] - u[j] * R[j]
            ts[j] = te
        np.testing.assert_allclose(out["s"]["g"], g, rtol=1e-15)
        np.testing.assert_allclose(np.stack(out["args"][1:]), [R, u, ts], rtol=1e-15)
        assert out["v"] is None and out["sends"] == [] and out["events"] == []
        s, args = out["s"], out["args"]
    assert 0 < g[0] and g[1] > 0


def test_receive_event_traces_under_jax(fdsyn):
    jax = pytest.importorskip("jax")
    import jax.numpy as jnp
    jax.config.update("jax_enable_x64", True)
    sp = fdsyn
    p = params(sp, 3)
    a = (arr(0.1, 0.2, 0.3), np.ones(3), np.zeros(3), np.zeros(3))
    f = jax.jit(lambda p, s, a, fl, t, v: sp.receive_event(jnp, p, s, a, fl, t, v, ENV)["s"])
    got = f(p, {"g": np.zeros(3)}, a, np.zeros(3), np.full(3, 5.0), np.zeros(3))
    ref = sp.receive_event(np, p, {"g": np.zeros(3)}, a, np.zeros(3), np.full(3, 5.0),
                           np.zeros(3), ENV)["s"]
    np.testing.assert_array_equal(np.asarray(got["g"]), ref["g"])


# ------------------------------------------------------------------------- LIFcell
def test_lifcell_events_self_events_and_refractoriness(lif):
    sp = lif
    assert sp.kind is Kind.ARTIFICIAL_CELL and sp.net_receive_args == ("w",)
    assert set(sp.states) == {"m", "t0", "refractory", "nspike"}   # carried (stepped) ASSIGNEDs
    assert all(v.stepped for v in sp.variables if v.name in ("m", "t0"))
    init = sp.initial(np, params(sp, 3), {}, np.zeros(3), {**ENV, "t": 0.0})
    assert "__sends" not in init
    np.testing.assert_array_equal(init["m"], 0.0)
    p = params(sp, 3)          # tau 10, refrac 5, thresh 1
    s = {"m": arr(0.5, 0.9, 0.7), "t0": arr(1.0, 1.0, 1.0), "refractory": arr(0, 0, 1),
         "nspike": arr(0, 3, 1)}
    t = np.full(3, 2.5)
    out = sp.receive_event(np, p, s, (arr(0.2, 0.3, 5.0),), np.zeros(3), t, np.zeros(3), ENV)
    m0 = 0.5 * math.exp(-1.5 / 10) + 0.2          # below threshold
    np.testing.assert_allclose(out["s"]["m"], [m0, 0.0, 0.7], rtol=1e-15)
    np.testing.assert_array_equal(out["s"]["t0"], [2.5, 2.5, 1.0])
    np.testing.assert_array_equal(out["s"]["refractory"], [0, 1, 1])
    np.testing.assert_array_equal(out["s"]["nspike"], [0, 4, 1])
    assert set(out["a"]) == {"m", "t0", "refractory", "nspike"}
    (emask, etime), = out["events"]
    np.testing.assert_array_equal(emask, [False, True, False])
    np.testing.assert_array_equal(etime[1], 2.5)
    (smask, delay, flag), = out["sends"]
    np.testing.assert_array_equal(smask, [False, True, False])
    assert delay[1] == 5.0 and flag[1] == 1.0
    # the end of the refractory period (flag 1)
    out2 = sp.receive_event(np, p, out["s"], (np.zeros(3),), np.ones(3), np.full(3, 7.5),
                            np.zeros(3), ENV)
    np.testing.assert_array_equal(out2["s"]["refractory"], [0, 0, 0])
    np.testing.assert_array_equal(out2["s"]["m"], 0.0)
    assert not np.any(out2["events"][0][0]) and not np.any(out2["sends"][0][0])


# ------------------------------------------------------------------------- IzhPP
def test_izh_initial_net_send_watch_and_v_reset(izh):
    sp = izh
    assert len(sp.watches) == 1
    cond, flag = sp.watches[0]
    assert flag == 2.0
    p = params(sp, 3)          # vpeak 35, c -50, d 100
    v = arr(-65.0, -40.0, -60.0)
    init = sp.initial(np, p, {}, v, {**ENV, "t": 0.0})
    (mask, delay, fl), = init["__sends"]
    assert mask.all() and (delay == 0).all() and (fl == 1).all()
    np.testing.assert_allclose(init["u"], -2.0 * (v + 60.0))
    s = {"u": arr(1.0, 2.0, 3.0), "isyn": arr(0.0, 0.0, 10.0), "nspike": arr(0, 0, 0)}
    np.testing.assert_array_equal(cond(np, p, s, arr(30.0, 36.5, 35.0), ENV), [-5.0, 1.5, 0.0])
    out = sp.receive_event(np, p, s, (arr(0, 0, 7.0),), arr(1, 2, 0), np.full(3, 4.0),
                           arr(-60.0, 36.0, -55.0), ENV)
    (wmask, on), = out["watch"]
    assert on is True
    np.testing.assert_array_equal(wmask, [True, False, False])
    (emask, et), = out["events"]
    np.testing.assert_array_equal(emask, [False, True, False])
    np.testing.assert_array_equal(out["v"], [-60.0, -50.0, -55.0])       # v = c on flag 2
    np.testing.assert_array_equal(out["s"]["u"], [1.0, 102.0, 3.0])
    np.testing.assert_array_equal(out["s"]["isyn"], [0.0, 0.0, 17.0])
    np.testing.assert_array_equal(out["s"]["nspike"], [0, 1, 0])


# ------------------------------------------------------------------------- AMPAk, NMDAmg
def test_ampak_pulse_self_event_and_clamp():
    sp = mod("ampak").spec
    assert "T" in sp.states and not sp.additive_receive
    p = params(sp, 2, Tmax=arr(1.0, 2.0))
    s = {"C": np.ones(2), "O": np.zeros(2), "D": np.zeros(2), "T": arr(0.5, 0.1)}
    out = sp.receive_event(np, p, s, (arr(0.3, 0.3),), arr(0, 1), np.full(2, 1.0),
                           np.zeros(2), ENV)
    np.testing.assert_allclose(out["s"]["T"], [0.5 + 0.3, 0.0])   # 0.1 - 0.6 clamped to 0
    (mask, delay, flag), = out["sends"]
    np.testing.assert_array_equal(mask, [True, False])
    assert delay[0] == 1.0 and flag[0] == 1.0       # net_send(Cdur, 1)


def test_nmdamg_is_additive_and_its_summed_receive():
    sp = mod("nmdamg").spec
    assert sp.additive_receive and sp.receive is not None
    assert "factor" in sp.states          # set in INITIAL, read by NET_RECEIVE: carried
    p = params(sp, 2)
    ini = sp.initial(np, p, {}, np.zeros(2), {**ENV, "t": 0.0})
    tp = 3 * 70 / (70 - 3) * math.log(70 / 3)
    factor = 1 / (math.exp(-tp / 70) - math.exp(-tp / 3))
    np.testing.assert_allclose(ini["factor"], factor, rtol=1e-14)
    s = {"A": arr(0.0, 1.0), "B": arr(0.0, 2.0), "factor": ini["factor"]}
    out = sp.receive(np, p, s, arr(0.01, 0.02))
    np.testing.assert_allclose(out["A"], [0.01 * factor, 1 + 0.02 * factor], rtol=1e-15)
    np.testing.assert_allclose(out["B"], [0.01 * factor, 2 + 0.02 * factor], rtol=1e-15)


def test_neuron_expsyn_exp2syn_and_invlfire_translate():
    paths = [_share("modfile", "expsyn.mod"), _share("modfile", "exp2syn.mod"),
             _share("nrn", "demo", "release", "invlfire.mod")]
    if any(p is None for p in paths):
        pytest.skip("the neuron package's share folder is not installed")
    ex, ex2, inv = (translate(str(p)).spec for p in paths)
    assert ex.additive_receive and ex2.additive_receive and not inv.additive_receive
    out = ex.receive_event(np, params(ex, 1), {"g": arr(0.5)}, (arr(0.25),), arr(0), arr(1),
                           arr(0), ENV)
    assert out["s"]["g"][0] == 0.75
    # IntervalFire: net_send(firetime(), 1) in INITIAL; net_move on a NetCon event
    p = params(inv, 1)                    # tau 5, invl 10
    ini = inv.initial(np, p, {}, arr(0), {**ENV, "t": 0.0})
    minf = 1 / (1 - math.exp(-10 / 5))
    (_m, delay, flag), = ini["__sends"]
    np.testing.assert_allclose(delay, 5 * math.log(minf / (minf - 1)), rtol=1e-14)
    assert flag[0] == 1.0
    s = {k: np.asarray(ini[k]) for k in inv.states}
    out = inv.receive_event(np, p, s, (arr(0.1),), arr(0), arr(2.0), arr(0), ENV)
    m = minf + (0 - minf) * math.exp(-2 / 5) + 0.1
    np.testing.assert_allclose(out["s"]["m"], m, rtol=1e-14)
    (mm, mt, nsend), = out["moves"]
    assert nsend == 0                     # no net_send before the net_move in the block
    np.testing.assert_allclose(mt, 2.0 + 5 * math.log((minf - m) / (minf - 1)), rtol=1e-13)
    assert mm[0] and not out["events"][0][0][0]


# ------------------------------------------------------------------------- errors
DENSITY_SEND = """NEURON { SUFFIX dsend }
STATE { x }
INITIAL { x = 0 net_send(1, 1) }
BREAKPOINT { SOLVE s METHOD cnexp }
DERIVATIVE s { x' = -x }
"""
FORNETCONS = """NEURON { POINT_PROCESS FN }
STATE { g }
BREAKPOINT { SOLVE s METHOD cnexp }
DERIVATIVE s { g' = -g }
NET_RECEIVE(w, k) {
    FOR_NETCONS(ww, kk) { kk = 0 }
    g = g + w
}
"""
SEND_IN_PROC = """NEURON { POINT_PROCESS SP }
STATE { g }
BREAKPOINT { SOLVE s METHOD cnexp }
DERIVATIVE s { g' = -g }
PROCEDURE later() { net_send(1, 1) }
NET_RECEIVE(w) { g = g + w later() }
"""


@pytest.mark.parametrize("text, line, words", [
    (DENSITY_SEND, 3, "net_send in a density mechanism"),
    (FORNETCONS, 6, "FOR_NETCONS is not supported"),
    (SEND_IN_PROC, 5, "net_send in PROCEDURE later"),
], ids=["density", "fornetcons", "procedure"])
def test_refused_constructs_are_errors_at_their_line(tmp_path, text, line, words):
    f = tmp_path / "x.mod"
    f.write_text(text)
    if "SUFFIX" in text:
        with pytest.raises(HocError) as ei:
            translate(str(f))
        msg = str(ei.value)
    else:       # a point process still loads (declarations only), to fail when instantiated
        tr = translate(str(f))
        assert tr.spec.current is None and words in (tr.spec.unsupported or "")
        msg = "\n".join(tr.notices)
    assert words in msg and f"x.mod:{line}:" in msg, msg


# ------------------------------------------------------------------------- HOC methods
def test_point_process_functions_are_hoc_methods():
    from hocx.api import Session
    s = Session(out=lambda *_: None)
    s.load_mod(str(MOD / "nmdamg.mod"))
    s.load_mod(str(MOD / "lifcell.mod"))
    s.execute("create soma\nobjref syn, syn2, cell\nsoma syn = new NMDAmg(0.5)\n"
              "soma syn2 = new NMDAmg(0.5)\nsyn.mg = 1.5\ncell = new LIFcell()\n"
              "cell.m = 0.5\nt = 4\nb1 = syn.mgblock(-20)\nb2 = syn2.mgblock(-20)\nm = cell.M()")
    assert s.get_global("b1") == pytest.approx(1 / (1 + math.exp(0.062 * 20) * 1.5 / 3.57),
                                               rel=1e-15)
    assert s.get_global("b2") == pytest.approx(1 / (1 + math.exp(0.062 * 20) / 3.57), rel=1e-15)
    assert s.get_global("m") == pytest.approx(0.5 * math.exp(-4 / 10), rel=1e-15)
    with pytest.raises(HocError, match="1 argument expected"):
        s.execute("x = syn.mgblock()")


# ------------------------------------------------------------------------- a small event loop
def _netstim_times(start, interval, number):
    """NetStim with noise 0 (netstim.mod): the first spike at 0 + start, then t += interval."""
    out, t = [], 0.0 + start
    for _ in range(int(number)):
        out.append(t)
        t = t + interval
    return out


def test_lif_net_artificial_cells_by_a_python_event_loop_match_neuron(lif):
    """lif_net's two LIFcells driven through the generated hooks by a plain time-ordered
    queue (the event semantics NEURON's queue has for artificial cells: exact times,
    net_send at t + delay with the sender's weight, net_event(t) to the NetCons): the spike
    times are NEURON's bit for bit, and so are the counts and M() at the end."""
    import gzip
    import heapq
    import json
    with gzip.open(MOD.parent / "traces" / "lif_net.json.gz", "rt") as f:
        ref = json.load(f)["vectors"]
    sp = lif
    cells = {1: params(sp, 1, tau=arr(8.0), refrac=arr(4.0)),
             2: params(sp, 1, tau=arr(15.0), refrac=arr(2.0), thresh=arr(1.0))}
    S = {c: {k: np.asarray(x) for k, x in sp.initial(np, p, {}, np.zeros(1),
                                                      {**ENV, "t": 0.0}).items()}
         for c, p in cells.items()}
    queue, seq = [], [0]

    def push(te, cell, flag, w):
        seq[0] += 1
        heapq.heappush(queue, (te, seq[0], cell, flag, w))
    for ts in _netstim_times(5.0, 2.5, 60):
        push(ts + 0.37, 1, 0.0, 0.5)
    for ts in _netstim_times(30.0, 17.0, 8):
        push(ts + 1.13, 1, 0.0, -0.6)
    spikes = {1: [], 2: []}
    while queue and queue[0][0] <= 200.0:
        te, _, c, flag, w = heapq.heappop(queue)
        out = sp.receive_event(np, cells[c], S[c], (arr(w),), arr(flag), arr(te), np.zeros(1),
                               ENV)
        S[c] = out["s"]
        for mask, time in out["events"]:
            if mask[0]:
                spikes[c].append(float(time[0]))
                if c == 1:
                    push(float(time[0]) + 2.21, 2, 0.0, 0.6)
        for mask, delay, fl in out["sends"]:
            if mask[0]:
                push(te + float(delay[0]), c, float(fl[0]), w)
    assert spikes[1] == ref["rec_spk1"] and spikes[2] == ref["rec_spk2"]
    tr = mod("lifcell")
    t_end = ref["rec_final"][4]
    final = [float(S[1]["nspike"][0]), float(S[2]["nspike"][0])]
    for c in (1, 2):
        vals = {k: float(np.asarray(x)[0]) for k, x in S[c].items()}
        vals.update({k: float(x[0]) for k, x in cells[c].items() if np.ndim(x)})
        m, _st = tr.call("M", [], vals, {**ENV, "t": t_end})
        final.append(float(m))
    assert final == ref["rec_final"][:4]


def test_fdsyn_tm_weight_vectors_after_the_run_match_neuron(fdsyn):
    """fdsyn_tm's rec_wstate (each NetCon's weight, R, u, tsyn after the run) depends only on
    its own event times: receive_init at finitialize, then receive_event at every arrival."""
    import gzip
    import json
    with gzip.open(MOD.parent / "traces" / "fdsyn_tm.json.gz", "rt") as f:
        ref = json.load(f)["vectors"]["rec_wstate"]
    sp = fdsyn
    fac = params(sp, 1, U=arr(0.1), tau_rec=arr(100.0), tau_fac=arr(300.0))
    dep = params(sp, 1, U=arr(0.5), tau_rec=arr(400.0), tau_fac=arr(0.0), tau=arr(5.0),
                 e=arr(-80.0))
    got = []
    for p, (start, interval, number), delay, w in (
            (fac, (10.0, 20.0, 8), 1.07, 0.004), (fac, (100.0, 6.0, 6), 1.31, 0.002),
            (dep, (10.0, 20.0, 8), 3.19, 0.003)):
        s = {"g": np.zeros(1)}
        args = sp.receive_init(np, p, s, (arr(w), arr(0), arr(0), arr(0)), np.zeros(1), ENV)
        for ts in _netstim_times(start, interval, number):
            out = sp.receive_event(np, p, s, args, np.zeros(1), arr(ts + delay), np.zeros(1), ENV)
            s, args = out["s"], out["args"]
        got += [float(a[0]) for a in args]
    assert got == ref


PP_METHODS = """NEURON { POINT_PROCESS PM  RANGE gmax, last  GLOBAL scale  POINTER vp }
PARAMETER { gmax = 1  scale = 2 }
ASSIGNED { last  vp }
PROCEDURE setg(x) { gmax = x*scale  last = vp }
FUNCTION twice() { twice = 2*gmax }
"""


def test_point_process_procedure_writes_back_into_the_instance(tmp_path):
    from hocx.api import Session
    (tmp_path / "pm.mod").write_text(PP_METHODS)
    s = Session(out=lambda *_: None)
    s.load_mod(str(tmp_path / "pm.mod"))
    s.execute("create a, b\nobjref p1, p2\na p1 = new PM(0.5)\na p2 = new PM(0.5)\n"
              "b.v(0.5) = -42\nsetpointer p1.vp, b.v(0.5)\nscale_PM = 3\n"
              "r = p1.setg(5)\ng1 = p1.gmax\ng2 = p2.gmax\nl1 = p1.last\nw = p1.twice()")
    assert [s.get_global(n) for n in ("r", "g1", "g2", "l1", "w")] == [1.0, 15.0, 1.0, -42.0, 30.0]
