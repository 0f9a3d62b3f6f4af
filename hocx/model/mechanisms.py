"""Mechanism declarations: what NEURON's built-in mechanisms are called and what they hold.

A :class:`Mechanism` is the *declaration* of one NMODL mechanism as NEURON 9 ships it
(``capacitance``, ``pas``, ``hh``, the ions, ``IClamp``, ``ExpSyn``, ...): its kind, its
PARAMETER / ASSIGNED / STATE variables with NEURON's hoc names (``gnabar_hh``), their
defaults (numerics.md §1) and units, and the ions it uses.  Dynamics live in
``hocx/sim/mechanisms/<name>.py``, keyed by the same name.

:class:`MechanismRegistry` answers the questions the interpreter and the model ask:
is ``hhh`` a mechanism (with a did-you-mean hint), which mechanism owns ``gnabar_hh``,
what are the range variables of a section with ``pas`` inserted.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from ..errors import HocNameError, ModelError, Span, suggest

DENSITY, POINT, ARTIFICIAL, ION = "density", "point", "artificial", "ion"


@dataclass(frozen=True)
class Variable:
    """One variable of a mechanism: ``name`` is the hoc name (``gnabar_hh``; ``del`` for a point process)."""

    name: str
    kind: str            # "parameter" | "assigned" | "state" | "pointer" (POINTER, set by setpointer)
    default: float = 0.0
    units: str = ""
    size: int = 1        # >1 for array variables (VClamp.dur[3])


@dataclass(frozen=True)
class Mechanism:
    """The declaration of one mechanism (density, point process, artificial cell or ion)."""

    name: str
    kind: str
    variables: tuple[Variable, ...] = ()
    ions: tuple[str, ...] = ()           # ion mechanisms brought in on insert ("na_ion", ...)
    writes: tuple[str, ...] = ()         # ion currents written ("ina", ...)
    current: str = ""                    # ELECTRODE_CURRENT / NONSPECIFIC_CURRENT name of a point process
    electrode: bool = False              # True for ELECTRODE_CURRENT (positive = into the cell)
    doc: str = ""
    net_receive: int = 0                 # number of NET_RECEIVE arguments (0: cannot receive events)

    @property
    def suffix(self) -> str:
        return self.name

    def names(self, kind: str | None = None) -> tuple[str, ...]:
        return tuple(v.name for v in self.variables if kind is None or v.kind == kind)

    @property
    def parameters(self) -> tuple[str, ...]:
        return self.names("parameter")

    @property
    def assigned(self) -> tuple[str, ...]:
        return self.names("assigned")

    @property
    def states(self) -> tuple[str, ...]:
        return self.names("state")

    @property
    def pointers(self) -> tuple[str, ...]:
        return self.names("pointer")

    def var(self, name: str) -> Variable | None:
        for v in self.variables:
            if v.name == name:
                return v
        return None

    def defaults(self) -> dict[str, float]:
        return {v.name: v.default for v in self.variables}

    @property
    def is_point(self) -> bool:
        return self.kind in (POINT, ARTIFICIAL)


def _v(name, kind, default=0.0, units="", size=1):
    return Variable(name, kind, float(default), units, size)


def _density(name, params=(), assigned=(), states=(), **kw) -> Mechanism:
    vs = [_v(n, "parameter", d, u) for n, d, u in params]
    vs += [_v(n, "assigned", d, u) for n, d, u in assigned]
    vs += [_v(n, "state", d, u) for n, d, u in states]
    return Mechanism(name, kw.pop("kind", DENSITY), tuple(vs), **kw)


def _graded(name, gs) -> Mechanism:
    """A graded synapse (Jaxley's IonotropicSynapse equations): ``vpre`` is a POINTER."""
    vs = [_v("gS", "parameter", gs, "uS"), _v("e_syn", "parameter", 0.0, "mV"),
          _v("k_minus", "parameter", 0.025, "/ms"), _v("v_th", "parameter", -35.0, "mV"),
          _v("delta", "parameter", 10.0, "mV"), _v("s0", "parameter", 0.2, ""),
          _v("i", "assigned", 0.0, "nA"), _v("g", "assigned", 0.0, "uS"),
          _v("s", "state", 0.0, ""), _v("vpre", "pointer", 0.0, "mV")]
    return Mechanism(name, POINT, tuple(vs), current="i",
                     doc="graded synapse driven by the presynaptic voltage (setpointer syn.vpre, pre.v(x))")


# Defaults as NEURON 9.0.2 reports them before finitialize (MechanismStandard, h.sec(x).var).
_ECA = 12.5 * math.log(2.0 / 5e-5)   # NEURON's ca_ion default eca (numerics.md §1)

BUILTIN_MECHANISMS: tuple[Mechanism, ...] = (
    _density("morphology", params=[("diam", 500.0, "um")], doc="section diameter"),
    _density("capacitance", params=[("cm", 1.0, "uF/cm2")], assigned=[("i_cap", 0.0, "mA/cm2")],
             doc="membrane capacitance (in every section)"),
    _density("pas", params=[("g_pas", 0.001, "S/cm2"), ("e_pas", -70.0, "mV")],
             assigned=[("i_pas", 0.0, "mA/cm2")], doc="passive leak"),
    _density("na_ion", kind=ION,
             params=[("ena", 50.0, "mV"), ("nai", 10.0, "mM"), ("nao", 140.0, "mM")],
             assigned=[("ina", 0.0, "mA/cm2")], doc="sodium ion"),
    _density("k_ion", kind=ION,
             params=[("ek", -77.0, "mV"), ("ki", 54.4, "mM"), ("ko", 2.5, "mM")],
             assigned=[("ik", 0.0, "mA/cm2")], doc="potassium ion"),
    _density("ca_ion", kind=ION,
             params=[("eca", _ECA, "mV"), ("cai", 5e-5, "mM"), ("cao", 2.0, "mM")],
             assigned=[("ica", 0.0, "mA/cm2")], doc="calcium ion"),
    _density("hh",
             params=[("gnabar_hh", 0.12, "S/cm2"), ("gkbar_hh", 0.036, "S/cm2"),
                     ("gl_hh", 0.0003, "S/cm2"), ("el_hh", -54.3, "mV")],
             assigned=[("gna_hh", 0.0, "S/cm2"), ("gk_hh", 0.0, "S/cm2"), ("il_hh", 0.0, "mA/cm2")],
             states=[("m_hh", 0.0, ""), ("h_hh", 0.0, ""), ("n_hh", 0.0, "")],
             ions=("na_ion", "k_ion"), writes=("ina", "ik"), doc="Hodgkin-Huxley squid channels"),
    _density("IClamp", kind=POINT,
             params=[("del", 0.0, "ms"), ("dur", 0.0, "ms"), ("amp", 0.0, "nA")],
             assigned=[("i", 0.0, "nA")], current="i", electrode=True, doc="current pulse"),
    _density("ExpSyn", kind=POINT, params=[("tau", 0.1, "ms"), ("e", 0.0, "mV")],
             assigned=[("i", 0.0, "nA")], states=[("g", 0.0, "uS")], current="i", net_receive=1,
             doc="synapse with single-exponential conductance"),
    _density("Exp2Syn", kind=POINT,
             params=[("tau1", 0.1, "ms"), ("tau2", 10.0, "ms"), ("e", 0.0, "mV")],
             assigned=[("i", 0.0, "nA"), ("g", 0.0, "uS")], states=[("A", 0.0, "uS"), ("B", 0.0, "uS")],
             current="i", net_receive=1, doc="synapse with double-exponential conductance"),
    _density("AlphaSynapse", kind=POINT,
             params=[("onset", 0.0, "ms"), ("tau", 0.1, "ms"), ("gmax", 0.0, "uS"), ("e", 0.0, "mV")],
             assigned=[("i", 0.0, "nA")], current="i", doc="alpha-function synaptic conductance"),
    _density("SEClamp", kind=POINT,
             params=[("rs", 1.0, "megohm"), ("dur1", 0.0, "ms"), ("amp1", 0.0, "mV"),
                     ("dur2", 0.0, "ms"), ("amp2", 0.0, "mV"), ("dur3", 0.0, "ms"), ("amp3", 0.0, "mV")],
             assigned=[("i", 0.0, "nA"), ("vc", 0.0, "mV")], current="i", electrode=True,
             doc="single-electrode voltage clamp"),
    Mechanism("VClamp", POINT, (
        _v("dur", "parameter", 0.0, "ms", 3), _v("amp", "parameter", 0.0, "mV", 3),
        _v("gain", "parameter", 1e5), _v("rstim", "parameter", 1.0, "megohm"),
        _v("tau1", "parameter", 0.001, "ms"), _v("tau2", "parameter", 0.0, "ms"),
        _v("e0", "parameter", 0.0, "mV"), _v("vo0", "parameter", 0.0, "mV"),
        _v("vi0", "parameter", 0.0, "mV"), _v("fac", "parameter", 0.0),
        _v("i", "assigned", 0.0, "nA"),
        _v("e", "state", 0.0, "mV"), _v("vo", "state", 0.0, "mV"), _v("vi", "state", 0.0, "mV"),
    ), current="i", electrode=True, doc="two-electrode voltage clamp"),
    _density("APCount", kind=POINT,
             params=[("n", 0.0, ""), ("thresh", -20.0, "mV"), ("time", 0.0, "ms")],
             assigned=[("firing", 0.0, "")], doc="action potential counter"),
    *(_graded(n, gs) for n, gs in (("IonotropicSynapse", 1e-4), ("GlutamateSynapse", 0.5 * 62.83185307179586e-5))),
    _density("NetStim", kind=ARTIFICIAL,
             params=[("interval", 10.0, "ms"), ("number", 10.0, ""), ("start", 50.0, "ms"),
                     ("noise", 0.0, "")], net_receive=1, doc="spike generator"),
    _density("IntFire1", kind=ARTIFICIAL, params=[("tau", 10.0, "ms"), ("refrac", 5.0, "ms")],
             assigned=[("m", 0.0, "")], net_receive=1, doc="leaky integrate-and-fire cell"),
)

# Mechanisms NEURON has but hocx does not simulate: named so the error can say so.
UNSUPPORTED = {
    "extracellular": "the extracellular mechanism is not supported by hocx",
    "fastpas": "the fastpas mechanism is not supported by hocx",
}

# Variables that belong to a node rather than to a mechanism.
NODE_VARS = ("v",)


class MechanismRegistry:
    """The mechanisms a session knows: built-ins plus any registered later."""

    def __init__(self, mechanisms=BUILTIN_MECHANISMS):
        self._mechs: dict[str, Mechanism] = {}
        self._owner: dict[str, Mechanism] = {}
        for m in mechanisms:
            self.register(m)

    def register(self, mech: Mechanism) -> None:
        self._mechs[mech.name] = mech
        if mech.kind in (DENSITY, ION):
            for v in mech.variables:
                self._owner[v.name] = mech

    # ---- queries -------------------------------------------------------
    def __contains__(self, name: str) -> bool:
        return name in self._mechs

    def __iter__(self):
        return iter(self._mechs.values())

    def names(self, kind: str | None = None) -> list[str]:
        return [m.name for m in self._mechs.values() if kind is None or m.kind == kind]

    def is_mechanism(self, name: str) -> bool:
        """True for a name ``insert`` accepts (density mechanisms and ions)."""
        m = self._mechs.get(name)
        return m is not None and m.kind in (DENSITY, ION) or name in UNSUPPORTED

    def is_point(self, name: str) -> bool:
        m = self._mechs.get(name)
        return m is not None and m.is_point

    def is_rangevar(self, name: str) -> bool:
        """True for a per-segment variable: ``v``, ``diam``, ``cm``, ``gnabar_hh``, ``ena`` ..."""
        return name in NODE_VARS or name in self._owner

    def owner_of(self, var: str) -> Mechanism | None:
        """The density/ion mechanism that declares range variable ``var`` (None for ``v``)."""
        return self._owner.get(var)

    def rangevars(self) -> list[str]:
        return list(NODE_VARS) + list(self._owner)

    def get(self, name: str, span: Span | None = None) -> Mechanism:
        """The mechanism called ``name``; HocNameError "X is not a MECHANISM" otherwise."""
        m = self._mechs.get(name)
        if m is not None:
            return m
        if name in UNSUPPORTED:
            raise ModelError(UNSUPPORTED[name], span)
        hint = suggest(name, self._mechs)
        raise HocNameError(f"{name} is not a MECHANISM", span,
                           hint=f"did you mean '{hint}'?" if hint else None)

    def density(self, name: str, span: Span | None = None) -> Mechanism:
        """The insertable mechanism ``name`` (density or ion); errors for point processes."""
        m = self.get(name, span)
        if m.kind not in (DENSITY, ION):
            raise HocNameError(f"{name} is not a MECHANISM", span,
                               hint=f"{name} is a point process: use `objref p` and `p = new {name}(x)`")
        return m
