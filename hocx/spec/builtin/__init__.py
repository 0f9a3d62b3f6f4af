"""NEURON's built-in mechanisms as specs, in NEURON's type order.

``VClamp`` has its dynamics in its own module (``vclamp.py``);
the density mechanisms ``pas`` and ``hh`` are ``.mod`` files of the standard library
(``stdlib/pas.mod``, ``stdlib/hh.mod``) compiled by the NMODL translator: here they are only
their names (:data:`STDLIB`), at their place in the type order, and each session's registry
puts their translations there (:mod:`hocx.interp.stdlib_mods`);
the artificial cells ``IntFire1``, ``IntFire2``, ``IntFire4`` are ``stdlib/intfire1.mod``,
``intfire2.mod``, ``intfire4.mod`` the same way, and so are the point processes ``IClamp``,
``AlphaSynapse``, ``ExpSyn``, ``Exp2Syn``, ``SEClamp`` and hocx's graded ``IonotropicSynapse``,
``GlutamateSynapse`` (``stdlib/iclamp.mod``, ``alphasynapse.mod``, ``expsyn.mod``, ``exp2syn.mod``,
``seclamp.mod``, ``ionotropicsynapse.mod``, ``glutamatesynapse.mod``), and the artificial
cell ``NetStim`` (``stdlib/netstim.mod``, its noise a NMODL ``RANDOM`` Random123 stream);
``morphology``, ``capacitance``, the ions and ``APCount`` are
declared here (capacitance and the ions are handled by the integrator itself).  Defaults are the ones NEURON 9.0.2 reports before finitialize.
"""
from __future__ import annotations

from .. import A, Kind, MechSpec, P
from ..ions import ion_spec
from .vclamp import VCLAMP


def _ion(ion: str, inside: str, outside: str, doc: str) -> MechSpec:
    return ion_spec(ion, doc)


MORPHOLOGY = MechSpec("morphology", Kind.DENSITY, (P("diam", 500.0, "um"),), doc="section diameter",
                      suffixed=False)
CAPACITANCE = MechSpec("capacitance", Kind.DENSITY, (P("cm", 1.0, "uF/cm2"), A("i_cap", "mA/cm2")),
                       doc="membrane capacitance (in every section)", suffixed=False)
NA_ION = _ion("na", "nai", "nao", "sodium ion")
K_ION = _ion("k", "ki", "ko", "potassium ion")
CA_ION = _ion("ca", "cai", "cao", "calcium ion")
#: declared (insertable, listed, printed by psection) but not simulated: a run with it says so
EXTRACELLULAR = MechSpec("extracellular", Kind.DENSITY, (
    P("xraxial", 1e9, "MOhm/cm"), P("xg", 1e9, "S/cm2"), P("xc", 0.0, "uF/cm2"),
    P("e_extracellular", 0.0, "mV")),
    doc="extracellular fields (declared only: hocx does not simulate it)", suffixed=False)
APCOUNT = MechSpec("APCount", Kind.POINT_PROCESS, (
    P("n", 0.0, ""), P("thresh", -20.0, "mV"), P("time", 0.0, "ms"), A("firing", "")),
    doc="action potential counter")

#: the built-in mechanisms that are .mod files of the standard library (stdlib/<name>.mod)
#: (and NEURON's artificial cells IntFire1, IntFire2, IntFire4: stdlib/intfire1.mod, ...)
#: (and the point processes IClamp, AlphaSynapse, ExpSyn, Exp2Syn, SEClamp and hocx's graded
#: IonotropicSynapse, GlutamateSynapse: stdlib/iclamp.mod, ..., ionotropicsynapse.mod)
STDLIB: tuple[str, ...] = ("pas", "hh", "IntFire1", "IntFire2", "IntFire4", "IClamp", "AlphaSynapse",
                           "ExpSyn", "Exp2Syn", "SEClamp", "IonotropicSynapse", "GlutamateSynapse", "NetStim")

#: the built-ins in NEURON's type order (the order currents are summed and states updated)
#: (NEURON 9: morphology 2, capacitance 3, pas 4, IClamp 7, ..., na_ion 15, k_ion 16, hh 17, NetStim 18)
#: (a str is a standard-library mod, translated per session: see the module docstring)
BUILTIN_SPECS: tuple[MechSpec | str, ...] = (
    MORPHOLOGY, CAPACITANCE, "pas", EXTRACELLULAR, "IClamp", "AlphaSynapse", "ExpSyn", "Exp2Syn", "SEClamp",
    VCLAMP, APCOUNT,
    NA_ION, K_ION, "hh", "NetStim", "IntFire1", "IntFire2", "IntFire4", CA_ION, "IonotropicSynapse",
    "GlutamateSynapse",
)

__all__ = ["BUILTIN_SPECS", "STDLIB", "VCLAMP", "EXTRACELLULAR", "APCOUNT", "MORPHOLOGY",
           "CAPACITANCE", "NA_ION", "K_ION", "CA_ION"]
