"""The ion layer: NEURON's ion mechanisms (style bits, Nernst, summed currents, concentration
writers) with hand-written mechanism specs, against live NEURON running the same HOC with
equivalent mods compiled by nrnivmodl."""
from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from hocx import Session
from hocx.errors import HocError, ModelError
from hocx.spec import A, IonUse, Kind, MechSpec, P, S
from hocx.spec import ions as I

F = I.FARADAY


# ---- hand-written specs (what the translator will generate for the mods below) ----------

def _pool_coeffs(xp, p, s, v, env):
    a = -(10000.0) * p["ica"] / (2.0 * F * p["depth"]) + p["cainf"] / p["tau"]
    return {"cai": (a, -1.0 / p["tau"])}


POOL = MechSpec(   # USEION ca READ ica WRITE cai: cai is a STATE
    "h2pool", Kind.DENSITY,
    (P("tau", 20.0, "ms"), P("depth", 0.1, "um"), P("cainf", 5e-5, "mM"), S("cai", "mM", visible=False)),
    ions=(IonUse("ca", read=("ica",), write=("cai",)),),
    current=lambda xp, p, s, v, t, env: (0.0 * v, {}),
    initial=lambda xp, p, s, v, env: {"cai": p["cainf"] + 0.0 * v},
    method="cnexp", cnexp_coeffs=_pool_coeffs,
    derivative=lambda xp, p, s, v, env: {"cai": -(10000.0) * p["ica"] / (2.0 * F * p["depth"])
                                         + (p["cainf"] - s["cai"]) / p["tau"]})


def _cah_current(xp, p, s, v, t, env):
    ica = p["gbar"] * (v - p["eca"]) / (1.0 + xp.exp(-(v + 20.0) / 5.0))
    return ica, {"ica": ica}


CAH = MechSpec(    # USEION ca READ eca WRITE ica
    "h2cah", Kind.DENSITY, (P("gbar", 0.002, "S/cm2"),),
    ions=(IonUse("ca", read=("eca",), write=("ica",)),), current=_cah_current)


def _k_current(name):
    def current(xp, p, s, v, t, env):
        ik = p["g"] * (v - p["ek"])
        return ik, {"ik": ik}
    return current


KA = MechSpec(     # USEION k READ ek WRITE ik, RANGE ik (its own copy ik_h2ka)
    "h2ka", Kind.DENSITY, (P("g", 0.001, "S/cm2"), A("ik", "mA/cm2")),
    ions=(IonUse("k", read=("ek",), write=("ik",)),), current=_k_current("h2ka"))
KB = MechSpec(
    "h2kb", Kind.DENSITY, (P("g", 0.002, "S/cm2"),),
    ions=(IonUse("k", read=("ek",), write=("ik",)),), current=_k_current("h2kb"))


def _cacai_current(xp, p, s, v, t, env):
    i = p["g"] * (v - 0.0) * p["cai"] / (p["cai"] + 1e-3)
    return i, {"i": i}


CAI_READER = MechSpec(  # USEION ca READ cai; NONSPECIFIC_CURRENT i
    "h2rd", Kind.DENSITY, (P("g", 1e-4, "S/cm2"), A("i", "mA/cm2")),
    ions=(IonUse("ca", read=("cai",)),), nonspecific_current="i", current=_cacai_current)


XION = MechSpec(   # USEION xx READ exx WRITE ixx VALENCE 3: a new ion
    "h2xx", Kind.DENSITY, (P("g", 1e-3, "S/cm2"),),
    ions=(IonUse("xx", read=("exx",), write=("ixx",), valence=3.0),),
    current=lambda xp, p, s, v, t, env: (p["g"] * (v - p["exx"]), {"ixx": p["g"] * (v - p["exx"])}))

SPECS = (POOL, CAH, KA, KB, CAI_READER, XION)

MODS = {
    "h2pool": """
        NEURON { SUFFIX h2pool  USEION ca READ ica WRITE cai  RANGE tau, depth, cainf }
        UNITS { (mA) = (milliamp) (mM) = (milli/liter) (um) = (micron) }
        PARAMETER { tau = 20 (ms)  depth = 0.1 (um)  cainf = 5e-5 (mM) }
        ASSIGNED { ica (mA/cm2) }
        STATE { cai (mM) }
        INITIAL { cai = cainf }
        BREAKPOINT { SOLVE state METHOD cnexp }
        UNITSOFF
        DERIVATIVE state { cai' = -(10000)*ica/(2*96485.33212331001*depth) + (cainf - cai)/tau }
        UNITSON
    """,
    "h2cah": """
        NEURON { SUFFIX h2cah  USEION ca READ eca WRITE ica  RANGE gbar }
        UNITS { (mA) = (milliamp) (mV) = (millivolt) }
        PARAMETER { gbar = 0.002 (S/cm2) }
        ASSIGNED { v (mV) eca (mV) ica (mA/cm2) }
        BREAKPOINT { ica = gbar*(v - eca)/(1 + exp(-(v + 20)/5)) }
    """,
    "h2ka": """
        NEURON { SUFFIX h2ka  USEION k READ ek WRITE ik  RANGE g, ik }
        UNITS { (mA) = (milliamp) (mV) = (millivolt) }
        PARAMETER { g = 0.001 (S/cm2) }
        ASSIGNED { v (mV) ek (mV) ik (mA/cm2) }
        BREAKPOINT { ik = g*(v - ek) }
    """,
    "h2kb": """
        NEURON { SUFFIX h2kb  USEION k READ ek WRITE ik  RANGE g }
        UNITS { (mA) = (milliamp) (mV) = (millivolt) }
        PARAMETER { g = 0.002 (S/cm2) }
        ASSIGNED { v (mV) ek (mV) ik (mA/cm2) }
        BREAKPOINT { ik = g*(v - ek) }
    """,
    "h2rd": """
        NEURON { SUFFIX h2rd  USEION ca READ cai  NONSPECIFIC_CURRENT i  RANGE g, i }
        UNITS { (mA) = (milliamp) (mV) = (millivolt) (mM) = (milli/liter) }
        PARAMETER { g = 1e-4 (S/cm2) }
        ASSIGNED { v (mV) cai (mM) i (mA/cm2) }
        BREAKPOINT { i = g*(v - 0)*cai/(cai + 1e-3) }
    """,
    "h2xx": """
        NEURON { SUFFIX h2xx  USEION xx READ exx WRITE ixx VALENCE 3  RANGE g }
        UNITS { (mA) = (milliamp) (mV) = (millivolt) }
        PARAMETER { g = 1e-3 (S/cm2) }
        ASSIGNED { v (mV) exx (mV) ixx (mA/cm2) }
        BREAKPOINT { ixx = g*(v - exx) }
    """,
}


def session(*specs) -> Session:
    s = Session(out=lambda text: None)
    for spec in specs or SPECS:
        s.model.registry.register(spec)
    return s


def vectors(s: Session, names) -> dict:
    return {n: np.array(s.get_global(n).x) for n in names}


# ---- layer 1: style bits and Nernst -------------------------------------------------------

def test_promote_follows_nrn_promote():
    # cad-like (WRITE cai): conc STATE, e promoted to 2, cinit + einit + eadvance
    assert I.promote(0, 3, 0) == 3 + 0o20 + I.CINIT + I.EADVANCE + I.EINIT
    # hh (READ ena): e constant, no initialisation
    assert I.promote(0, 0, 1) == 0o10
    # cat (READ cai): e is computed at finitialize only
    assert I.promote(0, 1, 0) == 1 + 0o20 + I.EINIT
    # precedence: a later reader keeps the writer's style
    assert I.promote(I.promote(0, 3, 0), 0, 1) == I.promote(0, 3, 0)
    assert I.use_codes(IonUse("ca", read=("ica",), write=("cai",))) == (3, 0)
    assert I.use_codes(IonUse("ca", read=("cai", "cao"), write=("ica",))) == (1, 0)
    assert I.use_codes(IonUse("na", read=("ena",), write=("ina",))) == (0, 1)


def test_nernst_formula():
    kt = 1000.0 * I.GASCONSTANT * (30 + 273.15) / I.FARADAY
    assert I.nernst_scalar(5e-5, 2.0, 2.0, 30.0) == kt / 2.0 * math.log(2.0 / 5e-5)
    x = I.nernst(np, np.array([5e-5, 0.0, 1.0, 1.0]), np.array([2.0, 1.0, 0.0, 1.0]),
                 np.array([2.0, 2.0, 2.0, 0.0]), I.ktf(30.0))
    assert x[0] == I.nernst_scalar(5e-5, 2.0, 2.0, 30.0)
    assert list(x[1:]) == [1e6, -1e6, 0.0]


# ---- the model layer: new ions, charges, styles -------------------------------------------

def test_new_ion_registered_before_its_user_with_valence():
    s = session(XION)
    order = s.model.registry.type_order()
    assert order["xx_ion"] < order["h2xx"]
    s.execute("create a\na insert h2xx\nx = ion_charge(\"xx_ion\")\ny = a.xxi(0.5) + a.xxo(0.5)\n")
    assert s.get_global("x") == 3.0 and s.get_global("y") == 2.0
    with pytest.raises(ModelError, match="charge defined differently"):
        s.model.registry.register(MechSpec("h2xx2", Kind.DENSITY, ions=(IonUse("xx", valence=1.0),)))


def test_ion_style_reads_and_sets_the_bits():
    s = session()
    s.execute("create a\na insert h2pool\na { x = ion_style(\"ca_ion\") }\n"
              "a { y = ion_style(\"ca_ion\", 1, 2, 1, 0, 0) }\na { z = ion_style(\"ca_ion\") }\n"
              "a { w = ion_style(\"na_ion\") }\n")
    assert s.get_global("x") == I.CI_WRITTEN + I.promote(0, 3, 0)
    assert s.get_global("y") == s.get_global("x")
    assert s.get_global("z") == I.CI_WRITTEN + 1 + 0o20 + I.EINIT
    assert s.get_global("w") == -1.0
    with pytest.raises(HocError, match="not an ion"):
        s.execute("a { ion_style(\"h2pool\") }\n")


# ---- the simulator, self-contained ----------------------------------------------------------

SCRIPT = """
create soma
soma { L = 10  diam = 10  insert pas  g_pas = 1e-4  e_pas = -65
       insert hh  insert h2ka  insert h2kb  insert h2cah  insert h2pool  insert h2rd }
celsius = CELSIUS
cai0_ca_ion = 7e-5
objref stim
soma stim = new IClamp(0.5)
stim.del = 1
stim.dur = 3
stim.amp = 0.3
objref rec_v, rec_ik, rec_ika, rec_ica, rec_cai, rec_eca, rec_ina
rec_v = new Vector()
rec_v.record(&soma.v(.5))
rec_ik = new Vector()
rec_ik.record(&soma.ik(.5))
rec_ika = new Vector()
rec_ika.record(&soma.ik_h2ka(.5))
rec_ica = new Vector()
rec_ica.record(&soma.ica(.5))
rec_cai = new Vector()
rec_cai.record(&soma.cai(.5))
rec_eca = new Vector()
rec_eca.record(&soma.eca(.5))
rec_ina = new Vector()
rec_ina.record(&soma.ina(.5))
finitialize(-65)
while (t < 8) fadvance()
"""
NAMES = ("rec_v", "rec_ik", "rec_ika", "rec_ica", "rec_cai", "rec_eca", "rec_ina")


def hocx_run(celsius=30.0, script=SCRIPT, names=NAMES):
    s = session()
    s.execute(script.replace("CELSIUS", repr(celsius)))
    return s, vectors(s, names)


def test_currents_summed_conc_written_and_nernst_each_step():
    s, r = hocx_run()
    soma = s.model.find("soma")
    ek = -77.0
    v = r["rec_v"]
    # two writers of ik plus hh: the ion's ik is the sum; ik_h2ka is h2ka's own share
    # (the currents of step n are evaluated at v(t_{n-1}), before the voltage update)
    assert np.allclose(r["rec_ika"][1:], 0.001 * (v[:-1] - ek), rtol=0, atol=1e-15)
    assert np.abs(r["rec_ik"] - r["rec_ika"]).max() > 1e-4
    # the pool writes cai, so eca follows it by Nernst at celsius, every step
    kt = I.ktf(30.0)
    # (ion_cur computes it at the start of a step from the cai of the step before)
    nern = kt / 2.0 * np.log(2.0 / r["rec_cai"])
    assert np.allclose(r["rec_eca"][1:], nern[:-1], rtol=1e-12, atol=0)
    assert r["rec_eca"][0] == pytest.approx(nern[0], rel=1e-13)
    assert r["rec_cai"][0] == 5e-5          # INITIAL cai = cainf overrides cai0_ca_ion (cinit first)
    assert r["rec_cai"].max() > 1e-4        # inward ica fills the pool
    assert soma.seg["cai"][0] == r["rec_cai"][-1]
    assert soma.seg["ica"][0] == pytest.approx(r["rec_ica"][-1], rel=1e-12)
    assert s.get_global("cai0_ca_ion") == 7e-5


def test_value_change_reuses_the_compile_and_sweeps_match():
    s, r = hocx_run()
    n0 = s.sim.compiles
    s.execute("cai0_ca_ion = 1e-4\nsoma.cainf_h2pool = 1e-4\nfinitialize(-65)\nwhile (t < 8) fadvance()\n")
    assert s.sim.compiles == n0
    assert np.array(s.get_global("rec_cai").x)[0] == 1e-4


# ---- against NEURON --------------------------------------------------------------------------

_NRN = r'''
import json, sys
import neuron
neuron.load_mechanisms(sys.argv[1])
from neuron import h
h(sys.argv[2])
print("JSON" + json.dumps({k: list(getattr(h, k)) for k in sys.argv[3].split(",")}))
'''


def _have_nrnivmodl() -> bool:
    try:
        import neuron  # noqa: F401
    except ImportError:
        return False
    return shutil.which("nrnivmodl") is not None


@pytest.fixture(scope="module")
def nrnlib(tmp_path_factory):
    if not _have_nrnivmodl():
        pytest.skip("NEURON's nrnivmodl is not available")
    d = tmp_path_factory.mktemp("h2mods")
    for name, text in MODS.items():
        (d / f"{name}.mod").write_text(textwrap.dedent(text))
    subprocess.run(["nrnivmodl"], cwd=d, check=True, capture_output=True)
    return str(d)


def neuron_run(lib, script, names):
    out = subprocess.run([sys.executable, "-c", _NRN, lib, script, ",".join(names)],
                         cwd=os.path.dirname(lib), check=True, capture_output=True, text=True)
    line = [x for x in out.stdout.splitlines() if x.startswith("JSON")][-1]
    return {k: np.array(v) for k, v in json.loads(line[4:]).items()}


def _compare(a, b, names):
    for n in names:
        assert a[n].shape == b[n].shape, n
        scale = max(np.abs(b[n]).max(), 1e-300)
        err = np.abs(a[n] - b[n]).max()
        assert err <= 1e-9 * scale + 1e-12, f"{n}: {err:g} (max {scale:g})"


@pytest.mark.neuron
@pytest.mark.parametrize("celsius", [6.3, 30.0])
def test_ion_layer_matches_neuron(nrnlib, celsius):
    script = SCRIPT.replace("CELSIUS", repr(celsius))
    ref = neuron_run(nrnlib, script, NAMES)
    _, got = hocx_run(celsius)
    _compare(got, ref, NAMES)


STYLE_SCRIPT = """
create soma
soma { L = 10  diam = 10  insert pas  g_pas = 1e-4  e_pas = -65  insert h2cah  insert h2rd  insert h2xx }
celsius = 20
cai0_ca_ion = 2e-4
soma.cai = 1e-4
soma.exx = -20
objref stim
soma stim = new IClamp(0.5)
stim.del = 1
stim.dur = 3
stim.amp = 0.2
objref rec_v, rec_eca, rec_cai, rec_ica, rec_ion
rec_v = new Vector()
rec_v.record(&soma.v(.5))
rec_eca = new Vector()
rec_eca.record(&soma.eca(.5))
rec_cai = new Vector()
rec_cai.record(&soma.cai(.5))
rec_ica = new Vector()
rec_ica.record(&soma.ica(.5))
finitialize(-65)
while (t < 3) fadvance()
x1 = soma.cai(.5)
soma ion_style("ca_ion", 3, 2, 1, 1, 1)
finitialize(-65)
while (t < 6) fadvance()
rec_ion = new Vector()
rec_ion.append(ion_charge("xx_ion"), soma.xxi(.5), soma.exx(.5), soma.cai(.5), soma.eca(.5))
"""
STYLE_NAMES = ("rec_v", "rec_eca", "rec_cai", "rec_ica", "rec_ion")


def test_cai_reader_style_and_new_ion():
    s = session()
    s.execute(STYLE_SCRIPT)
    r = vectors(s, STYLE_NAMES)
    # READ cai only: cai stays as set (no cinit) until ion_style asks for cinit
    assert r["rec_ion"][0] == 3.0 and r["rec_ion"][2] == -20.0
    assert r["rec_ion"][3] == 2e-4
    assert s.get_global("x1") == 1e-4
    assert r["rec_cai"][0] == 2e-4          # after ion_style(..., cinit = 1): cai0_ca_ion


@pytest.mark.neuron
def test_ion_style_matches_neuron(nrnlib):
    ref = neuron_run(nrnlib, STYLE_SCRIPT, STYLE_NAMES)
    s = session()
    s.execute(STYLE_SCRIPT)
    _compare(vectors(s, STYLE_NAMES), ref, STYLE_NAMES)
