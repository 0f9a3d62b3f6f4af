"""NEURON's own mod files, read at test time from the installed neuron package, translated by
hocx and run against live NEURON (compiled with nrnivmodl in a scratch folder): every trace
within 1e-6 mV (other vectors: 1e-6 absolute and 1e-7 of their largest |value|).

``hh.mod`` and ``passive.mod`` are loaded under other suffixes (``hhn``, ``pasn``) on both
sides, since NEURON already has built-in ``hh``/``pas``; the stdlib test checks our own
stdlib/hh.mod and pas.mod."""
from __future__ import annotations

import pytest

import nmodl_neuron as N

pytestmark = pytest.mark.neuron


@pytest.fixture(scope="module")
def build_base(tmp_path_factory):
    return tmp_path_factory.mktemp("nrnivmodl")


def _mods(*names, rename=None):
    rename = rename or {}
    out = {}
    for name in names:
        text = N.neuron_mod(name).read_text(encoding="utf-8")
        if name in rename:
            old, new = rename[name]
            text = N.rename_suffix(text, old, new)
            name = f"{new}.mod"
        out[name] = text
    return out


def _compare(mods, hoc, build_base, tmp_path):
    ref = N.run_neuron(N.build(mods, build_base), hoc, tmp_path / "neuron")
    got = N.run_hocx(mods, hoc, tmp_path / "hocx")
    return N.assert_same_traces(got, ref)


HH_PAS = """load_file("stdrun.hoc")
create soma, dend
connect dend(0), soma(1)
soma { L = 20  diam = 20  nseg = 1  insert hhn }
dend { L = 300  diam = 2  nseg = 5  insert pasn  g_pasn = 2e-4  e_pasn = -65 }
forall { Ra = 120  cm = 1 }
objref stim
soma stim = new IClamp(0.5)
stim.del = 2
stim.dur = 25
stim.amp = 0.25
objref rec_v, rec_vd, rec_m, rec_h, rec_n, rec_ina, rec_ik, rec_il, rec_gna, rec_ipas
rec_v = new Vector()
rec_v.record(&soma.v(0.5))
rec_vd = new Vector()
rec_vd.record(&dend.v(0.9))
rec_m = new Vector()
rec_m.record(&soma.m_hhn(0.5))
rec_h = new Vector()
rec_h.record(&soma.h_hhn(0.5))
rec_n = new Vector()
rec_n.record(&soma.n_hhn(0.5))
rec_ina = new Vector()
rec_ina.record(&soma.ina(0.5))
rec_ik = new Vector()
rec_ik.record(&soma.ik(0.5))
rec_il = new Vector()
rec_il.record(&soma.il_hhn(0.5))
rec_gna = new Vector()
rec_gna.record(&soma.gna_hhn(0.5))
rec_ipas = new Vector()
rec_ipas.record(&dend.i_pasn(0.5))
celsius = CELSIUS
usetable_hhn = USETABLE
tstop = 40
run()
"""


@pytest.mark.parametrize("celsius,usetable", [(6.3, 1), pytest.param(22.0, 0, marks=pytest.mark.slow)])
def test_neuron_hh_and_passive(celsius, usetable, build_base, tmp_path):
    mods = _mods("hh.mod", "passive.mod",
                 rename={"hh.mod": ("hh", "hhn"), "passive.mod": ("pas", "pasn")})
    hoc = HH_PAS.replace("CELSIUS", str(celsius)).replace("USETABLE", str(usetable))
    _compare(mods, hoc, build_base, tmp_path)


DEMO_HH = """load_file("stdrun.hoc")
create soma
soma { L = 30  diam = 30  nseg = 1  Ra = 100  cm = 1
       insert HHna  insert HHk  insert pasn  g_pasn = 3e-4  e_pasn = -54.3 }
ek = -77
objref stim
soma stim = new IClamp(0.5)
stim.del = 3
stim.dur = 30
stim.amp = 0.6
objref rec_v, rec_m, rec_h, rec_n, rec_ina, rec_ik
rec_v = new Vector()
rec_v.record(&soma.v(0.5))
rec_m = new Vector()
rec_m.record(&soma.m_HHna(0.5))
rec_h = new Vector()
rec_h.record(&soma.h_HHna(0.5))
rec_n = new Vector()
rec_n.record(&soma.n_HHk(0.5))
rec_ina = new Vector()
rec_ina.record(&soma.ina(0.5))
rec_ik = new Vector()
rec_ik.record(&soma.ik(0.5))
celsius = 16
v_init = -65
tstop = 40
run()
"""


@pytest.mark.slow
def test_neuron_demo_hh_channels(build_base, tmp_path):
    """nachan.mod (HHna: FUNCTIONs with if/else on an index, expM1, TABLE) and khhchan.mod
    (HHk: ek as a PARAMETER, GLOBAL inf/tau)."""
    mods = _mods("nachan.mod", "khhchan.mod", "passive.mod",
                 rename={"passive.mod": ("pas", "pasn")})
    _compare(mods, DEMO_HH, build_base, tmp_path)


CALCIUM = """load_file("stdrun.hoc")
create soma
soma { L = 20  diam = 20  nseg = 1  Ra = 100  cm = 1
       insert HHna  insert HHk  insert pasn  g_pasn = 3e-4  e_pasn = -60
       insert cachan1  imax_cachan1 = 0.05
       insert cadifpmp
       insert capump  vmax_capump = 2e-4
       insert nacax  k_nacax = 1e-6 }
ek = -77
objref stim
soma stim = new IClamp(0.5)
stim.del = 3
stim.dur = 40
stim.amp = 0.4
objref rec_v, rec_cai, rec_ica, rec_ina, rec_eca, rec_S, rec_pump, rec_ca5, rec_icapmp
rec_v = new Vector()
rec_v.record(&soma.v(0.5))
rec_cai = new Vector()
rec_cai.record(&soma.cai(0.5))
rec_ica = new Vector()
rec_ica.record(&soma.ica(0.5))
rec_ina = new Vector()
rec_ina.record(&soma.ina(0.5))
rec_eca = new Vector()
rec_eca.record(&soma.eca(0.5))
rec_S = new Vector()
rec_S.record(&soma.S_cachan1(0.5))
rec_pump = new Vector()
rec_pump.record(&soma.pump_cadifpmp(0.5))
rec_ca5 = new Vector()
rec_ca5.record(&soma.ca_cadifpmp[5](0.5))
rec_icapmp = new Vector()
rec_icapmp.record(&soma.ica_pmp_cadifpmp(0.5))
celsius = 16
v_init = -65
tstop = 60
run()
"""


@pytest.mark.slow
def test_neuron_demo_calcium(build_base, tmp_path):
    """cachan1.mod (ca channel reading cai/cao, constants e and k from UNITS), cabpump.mod
    (cadifpmp: KINETIC radial diffusion + pump with arrays, COMPARTMENT, diam, FARADAY),
    capump.mod (file-level LOCALs caching a q10) and nacaex.mod (nacax: two ions, reads
    eca, which NEURON recomputes from the accumulated cai) in one cell with HH channels."""
    mods = _mods("nachan.mod", "khhchan.mod", "passive.mod", "cachan1.mod", "cabpump.mod",
                 "capump.mod", "nacaex.mod", rename={"passive.mod": ("pas", "pasn")})
    _compare(mods, CALCIUM, build_base, tmp_path)
