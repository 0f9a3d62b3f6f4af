"""Ions (layer 1): the ion mechanisms ``X_ion``, NEURON's ion style bits and the Nernst formula.

NEURON (src/nrnoc/eion.cpp) keeps, per ion and node, the reversal potential ``eX``, the
concentrations ``Xi``/``Xo``, the total current ``iX`` (summed over every writer in type
order after the ion's own ``ion_cur`` zeroed it) and an integer *iontype* whose bits say
what the ion does:

====== ==========================================================================
``03``   concentration style: unused 0, constant 1, DEP 2, STATE 3
``04``   cinit: ``finitialize`` sets ``Xi = Xi0_X_ion``, ``Xo = Xo0_X_ion``
``030``  reversal style (same codes, shifted by 3)
``040``  einit: ``finitialize`` (and a concentration write in INITIAL) sets e by Nernst
``0100`` eadvance: e by Nernst at the start of every step (ion_cur)
``0200`` / ``0400``: Xi / Xo written by a model
====== ==========================================================================

Each mechanism instance calls :func:`promote` with the codes of its ``USEION``
(:func:`use_codes`); ``ion_style("X_ion", c, e, einit, eadvance, cinit)`` sets the bits
directly (:func:`style_bits`).  :func:`ion_spec` makes the ion's :class:`MechSpec` (its
variables in NEURON's names; hidden parameters carry the style flags and the charge to the
simulator), :func:`nernst` is ``nrn_nernst`` for any ``xp``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from . import A, ION_DEFAULTS, IonUse, Kind, MechSpec, P

#: CODATA 2018, as NEURON 9 compiles them in (nrnunits.h)
FARADAY = 96485.33212331001
GASCONSTANT = 8.3144626181532
#: "charge not defined yet" (eion.cpp's VAL_SENTINAL)
NO_CHARGE = -10000.0

CINIT, EINIT, EADVANCE, CI_WRITTEN, CO_WRITTEN = 0o4, 0o40, 0o100, 0o200, 0o400

#: NEURON's defaults per ion: (e, ci, co, charge); any other ion: e 0 mV, 1 mM, 1 mM
KNOWN = {
    "na": (ION_DEFAULTS["ena"], ION_DEFAULTS["nai"], ION_DEFAULTS["nao"], 1.0),
    "k": (ION_DEFAULTS["ek"], ION_DEFAULTS["ki"], ION_DEFAULTS["ko"], 1.0),
    "ca": (ION_DEFAULTS["eca"], ION_DEFAULTS["cai"], ION_DEFAULTS["cao"], 2.0),
}
OTHER = (0.0, 1.0, 1.0, NO_CHARGE)

#: the hidden per-instance parameters of an ion block (style flags and charge)
HIDDEN = ("_cinit", "_einit", "_eadvance", "_charge")


@dataclass(frozen=True)
class IonNames:
    """The variable names of ion ``ion``: ``ena``, ``nai``, ``nao``, ``ina``, and the HOC
    globals ``nai0_na_ion`` / ``nao0_na_ion``."""

    ion: str

    @property
    def mechanism(self) -> str:
        return f"{self.ion}_ion"

    @property
    def e(self) -> str:
        return "e" + self.ion

    @property
    def ci(self) -> str:
        return self.ion + "i"

    @property
    def co(self) -> str:
        return self.ion + "o"

    @property
    def cur(self) -> str:
        return "i" + self.ion

    @property
    def ci0(self) -> str:
        return f"{self.ion}i0_{self.ion}_ion"

    @property
    def co0(self) -> str:
        return f"{self.ion}o0_{self.ion}_ion"

    def field(self, var: str) -> str | None:
        """Which of e/ci/co/cur ``var`` is (None: not this ion's)."""
        for f in ("e", "ci", "co", "cur"):
            if getattr(self, f) == var:
                return f
        return None


def ion_of(mechanism: str) -> str:
    """``"ca_ion"`` -> ``"ca"``."""
    return mechanism[:-4] if mechanism.endswith("_ion") else mechanism


def defaults(ion: str) -> tuple[float, float, float, float]:
    """(e, ci, co, charge) NEURON gives a new instance of ion ``ion`` (and the i0/o0 globals)."""
    return KNOWN.get(ion, OTHER)


def is_ion(spec) -> bool:
    return spec.kind is Kind.ION


def ion_spec(ion: str, doc: str = "") -> MechSpec:
    """The mechanism ``<ion>_ion``: e, ci, co are carried by the integrator from step to step
    (``stepped``), the total current is assigned; the style flags and charge are hidden."""
    n = IonNames(ion)
    e, ci, co, _ = defaults(ion)
    return MechSpec(n.mechanism, Kind.ION, (
        P(n.e, e, "mV", stepped=True), P(n.ci, ci, "mM", stepped=True),
        P(n.co, co, "mM", stepped=True), A(n.cur, "mA/cm2"),
        *(P(h, 0.0, visible=False) for h in HIDDEN)),
        doc=doc or f"{ion} ion", suffixed=False)


# ---- nrn_promote and ion_style ---------------------------------------------------------

def use_codes(use: IonUse) -> tuple[int, int]:
    """(conc, rev) of one USEION as nocmodl passes them to nrn_promote: 3 written, 1 read,
    0 unused."""
    n = IonNames(use.ion)
    concs = (n.ci, n.co)
    conc = 3 if any(w in concs for w in use.write) else int(any(r in concs for r in use.read))
    rev = 3 if n.e in use.write else int(n.e in use.read)
    return conc, rev


def promote(it: int, conc: int, rev: int) -> int:
    """NEURON's nrn_promote on one iontype value."""
    oldconc = max(it & 0o3, conc)
    oldrev = max((it & 0o30) >> 3, rev)
    if oldconc > 0 and oldrev < 2:
        oldrev = 2
    it &= ~0o177
    it += oldconc + 0o10 * oldrev
    if oldconc == 3:
        it += CINIT
        if oldrev == 2:
            it += EADVANCE
    if oldconc > 0 and oldrev == 2:
        it += EINIT
    return it


def style_bits(c_style: int, e_style: int, einit: int, eadvance: int, cinit: int) -> int:
    """The bits ``ion_style(name, c_style, e_style, einit, eadvance, cinit)`` sets."""
    return int(c_style) + 0o10 * int(e_style) + EINIT * int(einit) + EADVANCE * int(eadvance) \
        + CINIT * int(cinit)


def restyle(it: int, bits: int) -> int:
    """ion_style keeps only the 'written' bits of the old value."""
    return (it & (CI_WRITTEN + CO_WRITTEN)) + bits


def written_bits(use: IonUse) -> int:
    """nrn_check_conc_write's bits for one USEION (0200 ci written, 0400 co written)."""
    n = IonNames(use.ion)
    return (CI_WRITTEN if n.ci in use.write else 0) + (CO_WRITTEN if n.co in use.write else 0)


# ---- Nernst -------------------------------------------------------------------------------

def ktf(celsius: float) -> float:
    """``1000·R·(celsius + 273.15)/F`` (mV), in eion.cpp's operation order."""
    return 1000.0 * GASCONSTANT * (float(celsius) + 273.15) / FARADAY


def nernst_scalar(ci: float, co: float, z: float, celsius: float) -> float:
    """nrn_nernst for Python floats."""
    if z == 0:
        return 0.0
    if ci <= 0.0:
        return 1e6
    if co <= 0.0:
        return -1e6
    return ktf(celsius) / z * math.log(co / ci)


def nernst(xp, ci, co, z, kt):
    """nrn_nernst elementwise: ``kt/z·log(co/ci)``; 0 for z = 0, 1e6 for ci ≤ 0, −1e6 for
    co ≤ 0 (the unused branches kept finite for gradients)."""
    okc = (ci > 0.0) & (co > 0.0) & (z != 0)
    ci_s = xp.where(okc, ci, 1.0)
    co_s = xp.where(okc, co, 1.0)
    z_s = xp.where(z != 0, z, 1.0)
    val = kt / z_s * xp.log(co_s / ci_s)
    val = xp.where(co <= 0.0, -1e6, val)
    val = xp.where(ci <= 0.0, 1e6, val)
    return xp.where(z == 0, 0.0, val)


def ghk_scalar(v: float, ci: float, co: float, z: float, celsius: float) -> float:
    """nrn_ghk (the HOC ``ghk(v, ci, co, z)``), in mA/cm2 per unit permeability."""
    def efun(x):
        return 1.0 - x / 2.0 if abs(x) < 1e-4 else x / (math.exp(x) - 1.0)
    temp = z * v / ktf(celsius)
    eco = co * efun(temp)
    eci = ci * efun(-temp)
    return 0.001 * z * FARADAY * (eci - eco)
