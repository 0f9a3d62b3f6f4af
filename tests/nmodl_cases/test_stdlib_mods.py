"""stdlib/hh.mod and stdlib/pas.mod: hocx's own NMODL for NEURON's built-in ``hh`` and ``pas``.

* They parse and pass the NMODL checks, declaring what NEURON's built-ins declare.
* Compiled by NEURON's nrnivmodl, they are bit-identical to NEURON's own hh.mod/passive.mod
  compiled the same way (so the equations, defaults, units and TABLE are NEURON's).
* They ARE hocx's built-in ``hh`` and ``pas`` (hocx/interp/stdlib_mods.py; the hand-written
  specs are gone).  Translated by hocx, their spec functions agree with NEURON's own
  hh.mod/passive.mod translated by hocx to rounding, and a hocx model runs them (loaded again
  as hhS/pasS) side by side with the built-ins to 1e-10 mV.
* Unlike NEURON's hh.mod, stdlib/hh.mod does not declare minf..ntau RANGE (as the former
  hand-written hh did not expose them): carried from step to step they would cost ~20% of
  an hh model's step (benchmarks/README.md, "NMODL").
"""
from __future__ import annotations

import inspect
import re

import numpy as np
import pytest

import nmodl_harness as H
import nmodl_neuron as N
from hocx import _resources
from hocx.syntax.nmodl import check_mod, parse_mod_file

HH_MOD = H.ROOT / "stdlib" / "hh.mod"
PAS_MOD = H.ROOT / "stdlib" / "pas.mod"


# ---- front end (fast) -----------------------------------------------------------------------
def test_stdlib_mods_are_found_as_resources():
    assert _resources.stdlib_path("hh.mod") == HH_MOD or _resources.stdlib_path("hh.mod").is_file()
    assert _resources.stdlib_path("pas.mod") is not None


def test_hh_mod_declares_neurons_hh():
    c = check_mod(parse_mod_file(str(HH_MOD)))
    assert c.name == "hh" and c.kind.name == "DENSITY" and c.threadsafe
    ions = {u.ion: (u.read, u.write) for u in c.ions}
    assert ions == {"na": (("ena",), ("ina",)), "k": (("ek",), ("ik",))}
    assert c.nonspecific == ("il",)
    assert c.range_names == ("gnabar", "gkbar", "gl", "el", "gna", "gk")
    assert c.global_names == ()
    (solve,) = c.solves
    assert solve.method == "cnexp" and [f.state for f in solve.cnexp] == ["m", "h", "n"]
    assert not any(f.nonlinear for f in solve.cnexp)
    text = HH_MOD.read_text()
    assert re.search(r"TABLE minf, mtau, hinf, htau, ninf, ntau DEPEND celsius "
                     r"FROM -100 TO 100 WITH 200", text)
    for name, default in (("gnabar", "0.12"), ("gkbar", "0.036"), ("gl", "0.0003"),
                          ("el", "-54.3")):
        assert re.search(rf"^\s*{name} = {re.escape(default)} ", text, re.M), name


def test_pas_mod_declares_neurons_pas():
    c = check_mod(parse_mod_file(str(PAS_MOD)))
    assert c.name == "pas" and c.kind.name == "DENSITY"
    assert c.ions == () and c.nonspecific == ("i",) and c.range_names == ("g", "e")
    assert c.solves == ()


# ---- NEURON compiles ours and its own the same (live) ------------------------------------------
STDLIB_VS_NEURON = """load_file("stdrun.hoc")
create a, b
forall { L = 20  diam = 20  nseg = 3  Ra = 100  cm = 1 }
a { insert hhA  insert pasA  g_pasA = 1e-4 }
b { insert hhB  insert pasB  g_pasB = 1e-4 }
objref s1, s2
a s1 = new IClamp(0.5)
b s2 = new IClamp(0.5)
s1.del = 2
s2.del = 2
s1.dur = 30
s2.dur = 30
s1.amp = 0.3
s2.amp = 0.3
objref rec_va, rec_vb, rec_ma, rec_mb, rec_na, rec_nb, rec_ila, rec_ilb, rec_ipa, rec_ipb
objref rec_gnaa, rec_gnab
rec_va = new Vector()
rec_va.record(&a.v(0.5))
rec_vb = new Vector()
rec_vb.record(&b.v(0.5))
rec_ma = new Vector()
rec_ma.record(&a.m_hhA(0.5))
rec_mb = new Vector()
rec_mb.record(&b.m_hhB(0.5))
rec_na = new Vector()
rec_na.record(&a.n_hhA(0.5))
rec_nb = new Vector()
rec_nb.record(&b.n_hhB(0.5))
rec_ila = new Vector()
rec_ila.record(&a.il_hhA(0.5))
rec_ilb = new Vector()
rec_ilb.record(&b.il_hhB(0.5))
rec_ipa = new Vector()
rec_ipa.record(&a.i_pasA(0.5))
rec_ipb = new Vector()
rec_ipb.record(&b.i_pasB(0.5))
rec_gnaa = new Vector()
rec_gnaa.record(&a.gna_hhA(0.5))
rec_gnab = new Vector()
rec_gnab.record(&b.gna_hhB(0.5))
celsius = CELSIUS
usetable_hhA = USETABLE
usetable_hhB = USETABLE
tstop = 35
run()
"""


@pytest.mark.neuron
@pytest.mark.parametrize("celsius,usetable", [(6.3, 1), (18.5, 1), (18.5, 0)])
def test_stdlib_mods_compile_to_neurons_own(celsius, usetable, tmp_path_factory, tmp_path):
    """nrnivmodl on stdlib/hh.mod (as hhA) and NEURON's hh.mod (as hhB), likewise pas: the
    traces are identical to the last bit (NEURON's precompiled built-in hh differs from any
    nrnivmodl build by ~1e-11 mV, compiler flags; so we compare like with like)."""
    mods = {
        "hhA.mod": N.rename_suffix(HH_MOD.read_text(), "hh", "hhA"),
        "pasA.mod": N.rename_suffix(PAS_MOD.read_text(), "pas", "pasA"),
        "hhB.mod": N.rename_suffix(N.neuron_mod("hh.mod").read_text(), "hh", "hhB"),
        "pasB.mod": N.rename_suffix(N.neuron_mod("passive.mod").read_text(), "pas", "pasB"),
    }
    hoc = STDLIB_VS_NEURON.replace("CELSIUS", str(celsius)).replace("USETABLE", str(usetable))
    build = N.build(mods, tmp_path_factory.mktemp("nrn_stdlib"))
    got = N.run_neuron(build, hoc, tmp_path)
    assert max(got["rec_va"]) > 0                    # it spikes
    for a in [k for k in got if k.endswith("a")]:
        b = a[:-1] + "b"
        assert got[a] == got[b], (a, float(np.max(np.abs(np.subtract(got[a], got[b])))))


# ---- hocx's translation of ours vs of NEURON's -----------------------------------------------
def _translate(path):
    nmodl = pytest.importorskip("hocx.interp.nmodl")
    if not hasattr(nmodl, "translate"):
        pytest.skip("the NMODL translator (hocx.interp.nmodl.translate) is not there yet")
    return nmodl.translate(str(path)).spec


def _env(spec, celsius, usetable):
    env = {"dt": 0.025, "celsius": celsius, "t": 0.0}
    if spec.tables is not None:
        env.update(spec.tables(dict(spec.globals), celsius))
    for name, _hoc, _default in spec.flags:
        env[name] = bool(usetable)
    return env


def _initial(spec, p, s, v, env):
    n = len(inspect.signature(spec.initial).parameters)
    return spec.initial(np, p, s, v, env) if n == 5 else spec.initial(np, p, v, env)


def _cnexp_step(spec, p, s, v, env):
    """One state update as the integrator does it (hocx.sim.methods: cnexp's
    x + (1 − e^{b·dt})(−a/b − x) from the spec's coefficients)."""
    from hocx.sim.methods import stepper
    return stepper(spec)(np, p, s, v, env)


VGRID = np.concatenate([np.linspace(-120.0, 120.0, 2401), [-40.0, -55.0, -35.0, -65.0, -100.0,
                        100.0, -40.000001, -54.9999999, 37.123456789]])


@pytest.mark.parametrize("celsius,usetable", [(6.3, 1), (6.3, 0), (18.5, 1), (30.0, 0)])
def test_translated_hh_matches_neurons_hh_mod(celsius, usetable):
    HH = _translate(N.neuron_mod("hh.mod"))
    ours = _translate(HH_MOD)
    assert ours.name == "hh" and ours.method == "cnexp"
    assert {u.ion: (u.read, u.write) for u in ours.ions} == {
        u.ion: (u.read, u.write) for u in HH.ions}
    assert ours.nonspecific_current == "il"
    assert [f for f, _, _ in ours.flags] == ["usetable"] and ours.flags[0][1] == "usetable_hh"
    ours_p = dict(ours.params)
    assert {k: ours_p[k] for k in HH.params} == HH.params          # same defaults
    v = VGRID.copy()
    rng = np.random.default_rng(1)
    ion = {"ena": np.full_like(v, 50.0), "ek": np.full_like(v, -77.0)}
    results = []
    for spec in (HH, ours):
        p = {k: np.full_like(v, x) for k, x in spec.params.items()} | ion
        env = _env(spec, celsius, usetable)
        s0 = {k: np.zeros_like(v) for k in ("m", "h", "n")}
        init = _initial(spec, p, s0, v, env)
        # what initial returns is carried as state (a translation also keeps ASSIGNEDs there)
        s = dict(init) | {k: rng.uniform(0.0, 1.0, v.shape) for k in ("m", "h", "n")}
        rng = np.random.default_rng(1)              # the same random states for both specs
        total, assigned = spec.current(np, p, s, v, 0.0, env)
        results.append((init, total, assigned, _cnexp_step(spec, p, s, v, env),
                        spec.derivative(np, p, s, v, env)))
    (i0, t0, a0, c0, d0), (i1, t1, a1, c1, d1) = results

    def same(x, y, what):
        x, y = np.broadcast_to(x, v.shape), np.broadcast_to(y, v.shape)
        err = np.max(np.abs(x - y) / np.maximum(np.abs(x), 1e-300))
        assert err <= 1e-12, f"{what}: max relative difference {err:.3g}"

    for k in ("m", "h", "n"):
        same(i0[k], i1[k], f"initial {k}")
        same(d0[k], d1[k], f"{k}'")
        same(c0[k], c1[k], f"cnexp step of {k}")
    same(t0, t1, "total current")
    for k in ("gna", "gk", "ina", "ik", "il"):
        same(a0[k], a1[k], k)


def test_translated_pas_matches_neurons_passive_mod():
    PAS = _translate(N.neuron_mod("passive.mod"))
    ours = _translate(PAS_MOD)
    assert ours.name == "pas" and ours.params == PAS.params and ours.nonspecific_current == "i"
    v = VGRID.copy()
    p = {"g": np.full_like(v, 3e-4), "e": np.full_like(v, -65.0)}
    t0, a0 = PAS.current(np, p, {}, v, 0.0, {"dt": 0.025, "celsius": 6.3, "t": 0.0})
    t1, a1 = ours.current(np, p, {}, v, 0.0, _env(ours, 6.3, 1))
    assert np.array_equal(np.broadcast_to(t0, v.shape), np.broadcast_to(t1, v.shape))
    assert np.array_equal(a0["i"], a1["i"])


SIDE_BY_SIDE = """load_file("stdrun.hoc")
create a, b
forall { L = 20  diam = 20  nseg = 3  Ra = 100  cm = 1 }
a { insert hh  insert pas  g_pas = 1e-4 }
b { insert hhS  insert pasS  g_pasS = 1e-4 }
objref s1, s2
a s1 = new IClamp(0.5)
b s2 = new IClamp(0.5)
s1.del = 2
s2.del = 2
s1.dur = 30
s2.dur = 30
s1.amp = 0.3
s2.amp = 0.3
objref rec_va, rec_vb, rec_ma, rec_mb, rec_ina_a, rec_ina_b, rec_ila, rec_ilb
rec_va = new Vector()
rec_va.record(&a.v(0.5))
rec_vb = new Vector()
rec_vb.record(&b.v(0.5))
rec_ma = new Vector()
rec_ma.record(&a.m_hh(0.5))
rec_mb = new Vector()
rec_mb.record(&b.m_hhS(0.5))
rec_ina_a = new Vector()
rec_ina_a.record(&a.ina(0.5))
rec_ina_b = new Vector()
rec_ina_b.record(&b.ina(0.5))
rec_ila = new Vector()
rec_ila.record(&a.il_hh(0.5))
rec_ilb = new Vector()
rec_ilb.record(&b.il_hhS(0.5))
celsius = CELSIUS
usetable_hh = USETABLE
usetable_hhS = USETABLE
tstop = 35
run()
"""


@pytest.mark.slow
@pytest.mark.parametrize("celsius,usetable", [(6.3, 1), (18.5, 0)])
def test_translated_stdlib_runs_like_builtin(celsius, usetable, tmp_path):
    """hocx runs stdlib/hh.mod and pas.mod loaded as user mods (hhS/pasS) beside its built-in
    hh/pas (the same files, registered at session start): the traces agree to 1e-10 mV."""
    mods = {"hhS.mod": N.rename_suffix(HH_MOD.read_text(), "hh", "hhS"),
            "pasS.mod": N.rename_suffix(PAS_MOD.read_text(), "pas", "pasS")}
    hoc = SIDE_BY_SIDE.replace("CELSIUS", str(celsius)).replace("USETABLE", str(usetable))
    got = {k: np.asarray(x, dtype=float) for k, x in N.run_hocx(mods, hoc, tmp_path).items()}
    assert got["rec_va"].max() > 0
    for a, b in (("rec_va", "rec_vb"), ("rec_ma", "rec_mb"), ("rec_ina_a", "rec_ina_b"),
                 ("rec_ila", "rec_ilb")):
        assert got[a].shape == got[b].shape
        err = float(np.max(np.abs(got[a] - got[b])))
        assert err <= 1e-10, f"{a} vs {b}: {err:.3g}"
