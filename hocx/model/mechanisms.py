"""Mechanism declarations: what NEURON's built-in mechanisms are called and what they hold.

A :class:`Mechanism` is the *declaration* of one NMODL mechanism as NEURON 9 ships it
(``capacitance``, ``pas``, ``hh``, the ions, ``IClamp``, ``ExpSyn``, ...): its kind, its
PARAMETER / ASSIGNED / STATE variables with NEURON's hoc names (``gnabar_hh``), their
defaults (numerics.md §1) and units, and the ions it uses.  Declarations are derived
(:func:`declare`) from the mechanism's :class:`hocx.spec.MechSpec`, the one object the
simulator also takes the dynamics from.

:class:`MechanismRegistry` answers the questions the interpreter and the model ask:
is ``hhh`` a mechanism (with a did-you-mean hint), which mechanism owns ``gnabar_hh``,
what are the range variables of a section with ``pas`` inserted.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import HocNameError, ModelError, Span, suggest
from ..spec import Kind, MechSpec, Role, SpecRegistry
from ..spec.builtin import BUILTIN_SPECS

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
    randoms: tuple[str, ...] = ()        # NMODL RANDOM variables (a Random123 stream per instance)

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
        """Every per-instance value with its default; an array variable of a density
        mechanism is one value per element, ``ca_cashell[0]`` ... (as HOC names them)."""
        out: dict[str, float] = {}
        for v in self.variables:
            if v.size > 1 and self.kind in (DENSITY, ION):
                out.update({element(v.name, i): v.default for i in range(v.size)})
            else:
                out[v.name] = v.default
        return out

    @property
    def is_point(self) -> bool:
        return self.kind in (POINT, ARTIFICIAL)


def element(name: str, i: int) -> str:
    """The HOC name of element ``i`` of array range variable ``name``: ``ca_cashell[2]``."""
    return f"{name}[{i}]"


def is_global(v) -> bool:
    """One value for every instance, the HOC global ``name_suffix``: a GLOBAL variable, or a
    PARAMETER not declared RANGE (NEURON makes those GLOBAL, ``km_naf``).  A hidden GLOBAL
    ASSIGNED is the dynamics' own."""
    return v.scope == "GLOBAL" and v.role is not Role.STATE and (v.role is Role.PARAMETER or v.visible)


def global_names(spec: MechSpec) -> list[tuple[str, object]]:
    """``(HOC name, Var)`` of a mechanism's HOC globals: always suffixed (``vhalf_hcn``),
    point processes too."""
    return [(f"{v.name}_{spec.name}", v) for v in spec.variables if is_global(v)]


def declare(spec: MechSpec) -> Mechanism:
    """The model's declaration of a mechanism, derived from its spec: HOC names (suffixed for
    density mechanisms), the RANGE-visible variables (per instance; GLOBALs are HOC globals,
    :func:`global_names`), ions brought in, currents."""
    variables = tuple(Variable(spec.range_name(v.name), v.role.value, v.default, v.units, v.size)
                      for v in spec.variables if v.visible and not is_global(v))
    current = "" if spec.kind is Kind.DENSITY else (spec.electrode_current or spec.nonspecific_current or "")
    return Mechanism(spec.name, spec.kind.value, variables, tuple(u.mechanism for u in spec.ions),
                     spec.ion_currents, current, spec.electrode, spec.doc, spec.net_receive,
                     tuple(getattr(spec, "randoms", ()) or ()))


# Mechanisms NEURON has but hocx does not simulate: named so the error can say so.
UNSUPPORTED = {
    "fastpas": "the fastpas mechanism is not supported by hocx",
}

# Variables that belong to a node rather than to a mechanism.
NODE_VARS = ("v",)


class MechanismRegistry:
    """The mechanisms a session knows: built-ins plus any registered later.

    It holds the session's :class:`~hocx.spec.SpecRegistry` (type order assigned at
    registration); :meth:`spec` gives the simulator the same object the declaration came from.
    """

    def __init__(self, specs=BUILTIN_SPECS, stdlib=None):
        self.specs = SpecRegistry()
        #: the standard-library mods among ``specs`` (a name there): name ->
        #: :class:`hocx.interp.stdlib_mods.StdlibMod`, this session's translation
        self.stdlib: dict = {}
        #: ion mechanism name -> charge (hocx/model/ions.py; VALENCE of a new ion)
        self.ion_charges: dict[str, float] = {}
        self._mechs: dict[str, Mechanism] = {}
        self._owner: dict[str, Mechanism] = {}
        self._failed: dict[str, str] = {}     # mechanism name -> why its .mod did not load
        for s in specs:
            if isinstance(s, str):
                if stdlib is None:
                    from ..interp.stdlib_mods import builtin_specs
                    stdlib = builtin_specs()
                self.stdlib[s] = stdlib[s]
                s = stdlib[s].spec
            self.register(s)

    def register(self, spec: MechSpec) -> None:
        """Add a mechanism (its declaration is derived from ``spec``); the ions it uses are
        registered first (lower type numbers, NEURON's defaults for a new ion)."""
        from .ions import register_ions
        register_ions(self, spec)
        self.specs.register(spec)
        mech = declare(spec)
        self._mechs[mech.name] = mech
        self._failed.pop(mech.name, None)
        if mech.kind in (DENSITY, ION):
            for v in mech.variables:
                self._owner[v.name] = mech
            for name in mech.defaults():      # the elements of array variables
                self._owner.setdefault(name, mech)

    def note_failure(self, name: str, why: str) -> None:
        """Mechanism ``name``'s .mod did not load (``why``): "not a MECHANISM" says so."""
        if name not in self._mechs:
            self._failed[name] = why

    def failure_hint(self, name: str) -> str | None:
        """The hint for "``name`` is not a MECHANISM": why its .mod did not load, else a
        did-you-mean, else how mods are loaded."""
        why = self._failed.get(name)
        if why is not None:
            return why
        best = suggest(name, self._mechs)
        if best:
            return f"did you mean '{best}'?"
        return ("a mechanism from a .mod file must be loaded first: hocx --mod DIR, "
                "nrn_load_dll(\"DIR\"), or run hocx in the folder of the .mod files")

    # ---- queries -------------------------------------------------------
    def __contains__(self, name: str) -> bool:
        return name in self._mechs

    def __iter__(self):
        return iter(self._mechs.values())

    def spec(self, name: str) -> MechSpec | None:
        """The spec of mechanism ``name`` (None if unknown)."""
        return self.specs.get(name)

    def type_order(self) -> dict[str, int]:
        """NEURON's mechanism type number of each registered mechanism."""
        return self.specs.order()

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
        return list(NODE_VARS) + [n for n in self._owner if "[" not in n]

    def get(self, name: str, span: Span | None = None) -> Mechanism:
        """The mechanism called ``name``; HocNameError "X is not a MECHANISM" otherwise."""
        m = self._mechs.get(name)
        if m is not None:
            return m
        if name in UNSUPPORTED:
            raise ModelError(UNSUPPORTED[name], span)
        raise HocNameError(f"{name} is not a MECHANISM", span, hint=self.failure_hint(name))

    def density(self, name: str, span: Span | None = None) -> Mechanism:
        """The insertable mechanism ``name`` (density or ion); errors for point processes."""
        m = self.get(name, span)
        if m.kind not in (DENSITY, ION):
            raise HocNameError(f"{name} is not a MECHANISM", span,
                               hint=f"{name} is a point process: use `objref p` and `p = new {name}(x)`")
        return m
