"""Issue 13 "Must show": hypothesis-generated networks of TRANSLATED synapses and artificial
cells against live NEURON.

* **TMDSyn** (tests/data/mods/tmdsyn.mod, our own Tsodyks-Markram style depressing /
  facilitating synapse: per-NetCon state ``R, u, tsyn`` in the weight vector, an INITIAL block
  inside NET_RECEIVE, a ``net_send(trel, 1)`` self event that does the release, possibly with
  ``trel = 0``) onto hh or pas somata, wired at random (weights, delays, U, tau_rec,
  tau_facil, trel, reversal), driven by NetStims; compiled once with nrnivmodl for NEURON and
  loaded in hocx with ``load_mod`` (as ``hocx --mod DIR``).  Every voltage within 1e-6 mV,
  every other trace and the final weight-vector states within the harness's 1e-6 / 1e-7
  rule, spike times identical (``==``).
* **IntFire1/2/4** (hocx's stdlib/intfire*.mod) networks with NetStim drivers.  IntFire1's
  spike times are identical; IntFire2's and IntFire4's are solved with exp/log/pow, which
  XLA's CPU kernels round differently from glibc (by an ulp or so), so their spike times and
  M()/states are compared within 1e-11 (measured ~1e-13) with the same spike counts.

CI cost: each hypothesis example is SEVERAL independent small networks put into ONE model
(one NEURON run, one hocx compile), few derandomized examples, one nrnivmodl build.

Known gap (tests/sim/test_end_of_step_delivery.py): NEURON delivers the events due by the end
of the LAST step inside run(); hocx delivers them at the start of the next step, so a state
read after run() can miss them.  The TMDSyn networks' drivers therefore stop well before
tstop, so that the final weight-vector states compared here are not affected."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

import nmodl_neuron as N

pytestmark = [pytest.mark.neuron, pytest.mark.slow]

TMDSYN = Path(__file__).resolve().parents[1] / "data" / "mods" / "tmdsyn.mod"
SETTINGS = dict(deadline=None, derandomize=True, database=None,
                phases=[Phase.explicit, Phase.generate],      # no shrinking: each run compiles
                suppress_health_check=list(HealthCheck))
#: examples per test (TMDSyn, IntFire): few, for CI's time budget; HOCX_NET_EXAMPLES=N runs N
#: of each (e.g. locally, 20)
EXAMPLES = ((int(os.environ["HOCX_NET_EXAMPLES"]),) * 2 if os.environ.get("HOCX_NET_EXAMPLES")
            else (2, 1))


def _num(lo: float, hi: float, digits: int = 3):
    """A float in [lo, hi] with few decimals (exact in the HOC text both simulators parse)."""
    return st.floats(lo, hi, allow_nan=False).map(lambda x: round(x, digits))


# ---- TMDSyn networks ---------------------------------------------------------------------
@dataclasses.dataclass
class Net:
    kinds: list          # per cell: "hh" | "pas"
    syn: list            # per cell: dict of TMDSyn parameters
    edges: list          # (pre cell, post cell, weight, delay)
    stims: list          # (start, interval, number, [(cell, weight, delay), ...])


@st.composite
def tm_net(draw) -> Net:
    n = draw(st.integers(2, 6))
    kinds = draw(st.lists(st.sampled_from(["hh", "hh", "pas"]), min_size=n, max_size=n))
    syn = [dict(tau=draw(_num(1, 8)), e=draw(st.sampled_from([0.0, 0.0, -80.0])),
                U=draw(_num(0.2, 0.9)), tau_rec=draw(_num(5, 300)),
                tau_facil=draw(st.one_of(st.just(0.0), _num(1, 200))),
                trel=draw(st.one_of(st.just(0.0), _num(0.01, 2.0))))
           for _ in range(n)]
    pairs = [(i, j) for i in range(n) for j in range(n) if i != j]
    chosen = draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=2 * n))
    edges = [(i, j, draw(_num(0.02, 0.1, 4)), draw(_num(0.3, 5))) for i, j in chosen]
    stims = []
    for _ in range(draw(st.integers(1, 2))):
        targets = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n))
        # drivers stop by ~40 ms, 20 ms before tstop: no event is due in the last step, whose
        # end-of-step delivery hocx defers to the next step (see the module docstring)
        stims.append((draw(_num(0.5, 8)), draw(_num(2, 8)), draw(st.integers(3, 5)),
                      [(c, draw(_num(0.05, 0.2, 4)), draw(_num(0.2, 3))) for c in targets]))
    return Net(kinds, syn, edges, stims)


def tm_hoc(nets: list[Net], tstop: float = 60.0) -> tuple[str, int]:
    """One HOC model holding every network of ``nets`` (disjoint); (text, number of cells)."""
    ncell = sum(len(n.kinds) for n in nets)
    nconn = sum(len(n.edges) + sum(len(s[3]) for s in n.stims) for n in nets)
    nstim = sum(len(n.stims) for n in nets)
    L = ['load_file("stdrun.hoc")', f"create c[{ncell}]",
         f"objref syn[{ncell}], nc[{nconn}], ns[{nstim}], det[{ncell}], nil",
         "objref rec_final"]
    base = k = s_i = 0
    for net in nets:
        for i, kind in enumerate(net.kinds):
            c = base + i
            mech = "insert hh" if kind == "hh" else "insert pas  g_pas = 2e-4  e_pas = -65"
            L.append(f"c[{c}] {{ L = 20  diam = 20  nseg = 1  {mech} }}")
            L.append(f"c[{c}] syn[{c}] = new TMDSyn(0.5)")
            L += [f"syn[{c}].{p} = {x!r}" for p, x in net.syn[i].items()]
            L += [f"objref rec_v{c}, rec_g{c}, rec_spk{c}",
                  f"rec_v{c} = new Vector()", f"rec_v{c}.record(&c[{c}].v(0.5))",
                  f"rec_g{c} = new Vector()", f"rec_g{c}.record(&syn[{c}].g)",
                  f"rec_spk{c} = new Vector()", f"c[{c}] det[{c}] = new NetCon(&v(0.5), nil)",
                  f"det[{c}].threshold = -20", f"det[{c}].record(rec_spk{c})"]
        for pre, post, w, d in net.edges:
            L += [f"c[{base + pre}] nc[{k}] = new NetCon(&v(0.5), syn[{base + post}], -20, {d!r}, {w!r})"]
            k += 1
        for start, interval, number, targets in net.stims:
            L += [f"ns[{s_i}] = new NetStim()", f"ns[{s_i}].start = {start!r}",
                  f"ns[{s_i}].interval = {interval!r}", f"ns[{s_i}].number = {number}",
                  f"ns[{s_i}].noise = 0"]
            for cell, w, d in targets:
                L.append(f"nc[{k}] = new NetCon(ns[{s_i}], syn[{base + cell}], 0, {d!r}, {w!r})")
                k += 1
            s_i += 1
        base += len(net.kinds)
    L += [f"tstop = {tstop!r}", "v_init = -65", "run()", "rec_final = new Vector()",
          f"for i = 0, {nconn - 1} {{ rec_final.append(nc[i].weight[1], nc[i].weight[2], "
          "nc[i].weight[3]) }",
          f"for i = 0, {ncell - 1} {{ rec_final.append(syn[i].nrel, syn[i].g) }}"]
    return "\n".join(L) + "\n", ncell


@pytest.fixture(scope="module", autouse=True)
def _small_compact():
    """Threshold spikes go through netreceive's compacted insertion (COMPACT connections of
    the detectors that fired) when few fire, else the full list: with COMPACT = 3 these small
    networks take both paths (and the no-spike one)."""
    from hocx.sim import netreceive
    old, netreceive.COMPACT = netreceive.COMPACT, 3
    yield
    netreceive.COMPACT = old


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    mods = {"tmdsyn.mod": TMDSYN.read_text()}
    return mods, N.build(mods, tmp_path_factory.mktemp("nrnivmodl"))


@settings(max_examples=EXAMPLES[0], **SETTINGS)
@given(nets=st.lists(tm_net(), min_size=3, max_size=4))
def test_tmdsyn_networks_match_neuron(built, tmp_path_factory, nets):
    mods, folder = built
    hoc, ncell = tm_hoc(nets)
    note(hoc)
    work = tmp_path_factory.mktemp("tm")
    ref = N.run_neuron(folder, hoc, work / "neuron")
    got = N.run_hocx(mods, hoc, work / "hocx")
    for c in range(ncell):
        assert list(got[f"rec_spk{c}"]) == list(ref[f"rec_spk{c}"]), c
    N.assert_same_traces(got, ref)
    # the model did release and spike (else the comparison would say little)
    assert sum(ref["rec_final"][-2 * ncell::2]) > 10
    assert sum(len(ref[f"rec_spk{c}"]) for c in range(ncell)) > 3


# ---- IntFire1/2/4 networks ---------------------------------------------------------------
KINDS = ("IntFire1", "IntFire2", "IntFire4")


@st.composite
def if_net(draw) -> dict:
    n = draw(st.integers(3, 6))
    # cell i is KINDS[i + shift_i]: even hypothesis's first (simplest) example mixes all three
    kinds = [KINDS[(i + draw(st.integers(0, 2))) % 3] for i in range(n)]
    params = []
    for kind in kinds:
        if kind == "IntFire1":
            params.append(dict(tau=draw(_num(3, 15)), refrac=draw(_num(0.5, 6))))
        elif kind == "IntFire2":
            params.append(dict(taum=draw(_num(3, 8)), taus=draw(_num(10, 25)),
                               ib=draw(st.sampled_from([0.0, 0.5, 1.2]))))
        else:
            taue = draw(_num(1, 5))
            taui1 = draw(_num(taue + 1, 10))
            params.append(dict(taue=taue, taui1=taui1, taui2=draw(_num(taui1 + 1, 25)),
                               taum=draw(_num(6, 40))))
    edges = []
    for j, kind in enumerate(kinds):
        # IntFire1 hears only IntFire1 and NetStims: its spike times stay exact event times
        pool = [i for i in range(n) if i != j and (kind != "IntFire1" or kinds[i] == "IntFire1")]
        for i in draw(st.lists(st.sampled_from(pool), min_size=1, max_size=2)) if pool else []:
            lo, hi = (-1.0, 0.2) if kind == "IntFire4" else (-0.3, 0.9)
            edges.append((i, j, draw(_num(lo, hi)), draw(_num(0.5, 4))))
    stims = [(draw(_num(0, 5)), draw(_num(1.5, 6)),
              [(j, draw(_num(0.5, 1.2) if kinds[j] == "IntFire4" else _num(0.5, 0.9)),
                draw(_num(0.3, 3))) for j in range(n)])]
    return dict(kinds=kinds, params=params, edges=edges, stims=stims)


def if_hoc(nets: list[dict], tstop: float = 80.0) -> tuple[str, list[str]]:
    """One HOC model of every network; (text, per cell its kind)."""
    kinds = [k for n in nets for k in n["kinds"]]
    nconn = sum(len(n["edges"]) + sum(len(s[2]) for s in n["stims"]) for n in nets)
    L = ['load_file("stdrun.hoc")', "create soma",
         f"objref cell[{len(kinds)}], nc[{nconn}], ns[{len(nets)}], det[{len(kinds)}], nil",
         "objref rec_final"]
    base = k = 0
    for ni, net in enumerate(nets):
        for i, (kind, par) in enumerate(zip(net["kinds"], net["params"])):
            c = base + i
            L.append(f"cell[{c}] = new {kind}()")
            L += [f"cell[{c}].{p} = {x!r}" for p, x in par.items()]
            L += [f"objref rec_spk{c}", f"rec_spk{c} = new Vector()",
                  f"det[{c}] = new NetCon(cell[{c}], nil)", f"det[{c}].record(rec_spk{c})"]
        for pre, post, w, d in net["edges"]:
            L.append(f"nc[{k}] = new NetCon(cell[{base + pre}], cell[{base + post}], 0, {d!r}, {w!r})")
            k += 1
        for start, interval, targets in net["stims"]:
            L += [f"ns[{ni}] = new NetStim()", f"ns[{ni}].start = {start!r}",
                  f"ns[{ni}].interval = {interval!r}", "ns[%d].number = 30" % ni,
                  f"ns[{ni}].noise = 0"]
            for j, w, d in targets:
                L.append(f"nc[{k}] = new NetCon(ns[{ni}], cell[{base + j}], 0, {d!r}, {w!r})")
                k += 1
        base += len(net["kinds"])
    L += [f"tstop = {tstop!r}", "run()", "rec_final = new Vector()"]
    for c, kind in enumerate(kinds):
        if kind == "IntFire1":
            L.append(f"rec_final.append(cell[{c}].M(), cell[{c}].m)")
        elif kind == "IntFire2":
            L.append(f"rec_final.append(cell[{c}].M(), cell[{c}].I(), cell[{c}].m, cell[{c}].i)")
        else:
            L.append(f"rec_final.append(cell[{c}].M(), cell[{c}].E(), cell[{c}].I(), cell[{c}].m, "
                     f"cell[{c}].nself, cell[{c}].nexcite, cell[{c}].ninhibit)")
    return "\n".join(L) + "\n", kinds


@settings(max_examples=EXAMPLES[1], **SETTINGS)
@given(nets=st.lists(if_net(), min_size=2, max_size=3))
def test_intfire_networks_match_neuron(built, tmp_path_factory, nets):
    """IntFire1 spike times ``==``; IntFire2/4 spike times and every M()/state within 1e-11
    (XLA's exp/log/pow are not glibc's; measured ~1e-13), same spike counts."""
    mods, folder = built
    hoc, kinds = if_hoc(nets)
    note(hoc)
    work = tmp_path_factory.mktemp("if")
    ref = N.run_neuron(folder, hoc, work / "neuron")
    got = N.run_hocx(mods, hoc, work / "hocx")
    for c, kind in enumerate(kinds):
        a, b = got[f"rec_spk{c}"], ref[f"rec_spk{c}"]
        if kind == "IntFire1":
            assert list(a) == list(b), c
        else:
            assert len(a) == len(b), c
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-11, err_msg=f"rec_spk{c}")
    a, b = np.asarray(got["rec_final"]), np.asarray(ref["rec_final"])
    assert a.shape == b.shape
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-11)
    assert sum(len(ref[f"rec_spk{c}"]) for c in range(len(kinds))) > 5
