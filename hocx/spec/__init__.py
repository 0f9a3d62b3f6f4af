"""Mechanism specs (layer 1): one object per mechanism, read by both the model and the simulator.

A :class:`MechSpec` is plain data plus pure ``xp`` functions (``numpy`` on the host,
``jax.numpy`` in the compiled step): name, :class:`Kind`, variables (:class:`Var`: PARAMETER
RANGE/GLOBAL with units, defaults, limits and array sizes; ASSIGNED; STATE; POINTER), the
ions it uses (:class:`IonUse`: READ/WRITE/VALENCE), NET_RECEIVE's argument count, the
ELECTRODE_CURRENT / NONSPECIFIC_CURRENT name, and the functions ``initial``, ``current``
(the integrator takes the secant conductance), and EITHER ``derivative`` / ``cnexp_coeffs``
with a ``method`` (SOLVE of a DERIVATIVE block: the integrator's :mod:`hocx.sim.methods`
does the update) OR ``update`` (SOLVE of a PROCEDURE: the explicit new states), plus
``after_solve``, ``receive`` and ``init_params``.
A mechanism declares its own step-wide ``tables`` (built on the host from
(globals, celsius) and handed to its functions in ``env``) and static ``flags`` (a flag
name and the HOC global that sets it, ``usetable`` ← ``usetable_hh``).

The model layer derives its declarations (HOC names, units, defaults) from the spec
(:mod:`hocx.model.mechanisms`), the simulator its arrays and dynamics.  A
:class:`SpecRegistry` is per session and assigns NEURON's type order at registration.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable

from ..errors import ModelError


class Kind(str, Enum):
    """What a mechanism is (the string values are the model layer's kind names)."""

    DENSITY = "density"
    POINT_PROCESS = "point"
    ARTIFICIAL_CELL = "artificial"
    ION = "ion"


class Role(str, Enum):
    PARAMETER = "parameter"
    ASSIGNED = "assigned"
    STATE = "state"
    POINTER = "pointer"


@dataclass(frozen=True)
class Var:
    """One variable, named as in the mod file (unsuffixed).

    ``scope``: ``"RANGE"`` or ``"GLOBAL"``.  ``visible``: named in NEURON's RANGE/GLOBAL (so
    HOC can read it); a hidden ASSIGNED is only the dynamics' own.  ``stepped``: a PARAMETER
    the dynamics rewrite every step (VClamp's ``e0``), carried by the integrator like a STATE;
    a stepped ASSIGNED is a translated mod's value kept from call to call (set in INITIAL
    or by the state update, read later), carried and recorded like a STATE.
    ARRAY variables (``size > 1``) of a translated mod are stacked arrays in ``p``/``s``
    (element index on the leading axis), except PARAMETER arrays, flattened as ``params``.
    """

    name: str
    role: Role
    default: float = 0.0
    units: str = ""
    size: int = 1
    scope: str = "RANGE"
    limits: tuple[float, float] | None = None
    visible: bool = True
    stepped: bool = False


def P(name, default=0.0, units="", **kw) -> Var:
    return Var(name, Role.PARAMETER, float(default), units, **kw)


def A(name, units="", **kw) -> Var:
    return Var(name, Role.ASSIGNED, 0.0, units, **kw)


def S(name, units="", **kw) -> Var:
    return Var(name, Role.STATE, 0.0, units, **kw)


def PTR(name, units="", **kw) -> Var:
    return Var(name, Role.POINTER, 0.0, units, **kw)


@dataclass(frozen=True)
class IonUse:
    """``USEION ion READ ... WRITE ... VALENCE z``."""

    ion: str
    read: tuple[str, ...] = ()
    write: tuple[str, ...] = ()
    valence: float | None = None

    @property
    def mechanism(self) -> str:
        return f"{self.ion}_ion"


#: NEURON 9's ion defaults (numerics.md §1): reversal potentials and concentrations (mM)
ION_DEFAULTS: dict[str, float] = {
    "ena": 50.0, "nai": 10.0, "nao": 140.0,
    "ek": -77.0, "ki": 54.4, "ko": 2.5,
    "eca": 12.5 * math.log(2.0 / 5e-5), "cai": 5e-5, "cao": 2.0,
}


@dataclass(frozen=True)
class MechSpec:
    """Everything about one mechanism (see the module docstring)."""

    name: str
    kind: Kind
    variables: tuple[Var, ...] = ()
    ions: tuple[IonUse, ...] = ()
    net_receive: int = 0
    electrode_current: str | None = None
    nonspecific_current: str | None = None
    doc: str = ""
    current: Callable[..., tuple[Any, dict]] | None = None
    initial: Callable[..., dict] | None = None
    update: Callable[..., dict] | None = None
    #: ``SOLVE states METHOD m`` for a DERIVATIVE block: "cnexp", "euler", "derivimplicit"
    method: str | None = None
    #: dx/dt of each state: ``derivative(xp, p, s, v, env) -> {state: x'}``
    derivative: Callable[..., dict] | None = None
    #: cnexp's linear coefficients: ``cnexp_coeffs(xp, p, s, v, env) -> {state: (a, b)}`` for
    #: ``x' = a + b·x`` (what nocmodl derives symbolically; the translator generates it)
    cnexp_coeffs: Callable[..., dict] | None = None
    after_solve: Callable[..., dict] | None = None
    #: GLOBAL ASSIGNED variables a step writes (``minf`` of ``rates(v)``) as ``(name, where)``,
    #: where = "state" (the SOLVE block, run last in a step) or "breakpoint" (reported among
    #: ``current``'s assigned values): NEURON holds ONE such variable, so HOC reads what its
    #: last instance computed; ``state_globals(xp, p, s, v, env) -> {name: value}`` runs the
    #: SOLVE block for the "state" ones (hocx.sim.last_globals)
    last_globals: tuple = ()
    state_globals: Callable[..., dict] | None = None
    #: KINETIC (``method == "sparse"``): the reaction system for the sparse solver
    #: (:class:`hocx.spec.kinetic.KineticSpec`); ``derivative`` still gives F/vol per state
    kinetic: Any = None
    #: ``SOLVE scheme STEADYSTATE sparse`` (or ``derivimplicit``) inside INITIAL: that method's
    #: name.  Before calling ``initial`` the simulator puts ``env["steadystate"] =
    #: hocx.sim.methods.steadystate(spec)``, a function ``(xp, p, s, v, env) -> {state: value}``
    #: the generated INITIAL calls at the SOLVE with the states as they are at that point
    initial_solve: str | None = None
    receive: Callable[..., dict] | None = None
    init_params: Callable[..., dict] | None = None
    #: NET_RECEIVE of a translated mod (NMODL II, /work/notes/NMODL2_CONTRACT.md): the
    #: argument names (``("weight", "R", "u", "tsyn")``; ``net_receive`` is their count),
    #: ``receive_event(xp, p, s, args, flag, t, v, env) -> dict`` (keys "s", "a", "args",
    #: "v", "sends", "events", "moves", "watch"), ``receive_init(xp, p, s, args, t, env) ->
    #: args`` (its INITIAL block; None: none), ``watches``: per WATCH site ``(cond, flag)``
    #: with ``cond(xp, p, s, v, env)`` nocmodl's ``_watch_cond`` value (> 0: true), and
    #: ``additive_receive``: the block only adds weight multiples to STATEs (ExpSyn-like)
    net_receive_args: tuple[str, ...] = ()
    receive_event: Callable[..., dict] | None = None
    receive_init: Callable[..., Any] | None = None
    watches: tuple = ()
    additive_receive: bool = False
    #: NMODL ``RANDOM`` variables (Random123 streams; hocx.interp.random123): each is
    #: carried as hidden stepped ASSIGNEDs ``<name>__seq``, ``__id1``, ``__id2``, ``__id3``
    randoms: tuple[str, ...] = ()
    #: ``tables(globals, celsius) -> dict`` of step-wide values (host side), None: none
    tables: Callable[[dict, float], dict] | None = None
    #: the mechanism's GLOBAL values (name -> default), passed to ``tables``
    globals: dict[str, float] = field(default_factory=dict)
    #: static flags: (flag name in env, HOC global that sets it, default)
    flags: tuple[tuple[str, str, float], ...] = ()
    #: HOC names carry the suffix (``gnabar_hh``); False for ``cm``, ``diam``
    suffixed: bool = True
    #: geometry the functions read from ``p`` (``"diam"``, ``"area"``; the simulator supplies
    #: them per instance)
    uses: tuple[str, ...] = ()
    #: why this mechanism cannot be instantiated yet (``"NET_RECEIVE (NMODL II)"``); None: it can
    unsupported: str | None = None

    def __post_init__(self):
        if self.update is not None and self.method is not None:
            raise ModelError(f"{self.name}: a mechanism gives either an explicit update or a "
                             f"METHOD ({self.method}) for its derivatives, not both")
        if self.method is not None and self.derivative is None and self.cnexp_coeffs is None:
            raise ModelError(f"{self.name}: METHOD {self.method} needs the state derivatives")

    # -- names ----------------------------------------------------------------------
    @property
    def suffix(self) -> str:
        return self.name

    def range_name(self, var: str) -> str:
        """NEURON's HOC name of a density mechanism variable: ``gnabar`` -> ``gnabar_hh``."""
        return f"{var}_{self.name}" if self.kind is Kind.DENSITY and self.suffixed else var

    def of(self, role: Role) -> tuple[Var, ...]:
        return tuple(v for v in self.variables if v.role is role)

    # -- what the simulator reads -----------------------------------------------------
    @property
    def simulated(self) -> bool:
        """Does the integrator step it (it has a BREAKPOINT current)?"""
        return self.current is not None

    @property
    def electrode(self) -> bool:
        """ELECTRODE_CURRENT: positive current flows into the cell."""
        return self.electrode_current is not None

    @property
    def params(self) -> dict[str, float]:
        """Per-instance parameters (unsuffixed; arrays flattened ``dur0``, ``dur1``, ...).
        GLOBAL parameters are not per instance: see :attr:`global_params`."""
        out = {}
        for v in self.of(Role.PARAMETER):
            if v.stepped or v.scope == "GLOBAL":
                continue
            if v.size > 1:
                out.update({f"{v.name}{k}": v.default for k in range(v.size)})
            else:
                out[v.name] = v.default
        return out

    @property
    def global_params(self) -> dict[str, float]:
        """GLOBAL parameters (unsuffixed name -> default): one value for every instance, the
        HOC global ``name_suffix``; the simulator passes each into ``p`` as a scalar."""
        return {v.name: v.default for v in self.of(Role.PARAMETER) if v.scope == "GLOBAL"}

    @property
    def states(self) -> tuple[str, ...]:
        """What the integrator carries from step to step: STATEs, then stepped PARAMETERs,
        then stepped (carried) ASSIGNEDs."""
        return tuple(v.name for v in self.of(Role.STATE)) + tuple(
            v.name for v in self.of(Role.PARAMETER) if v.stepped) + tuple(
            v.name for v in self.of(Role.ASSIGNED) if v.stepped)

    @property
    def assigned(self) -> tuple[str, ...]:
        """Names ``current`` reports besides the total: ASSIGNED, then written ion currents."""
        return tuple(dict.fromkeys(tuple(v.name for v in self.of(Role.ASSIGNED))
                                   + self.ion_currents))

    @property
    def ion_currents(self) -> tuple[str, ...]:
        return tuple(w for u in self.ions for w in u.write)

    @property
    def ion_reads(self) -> dict[str, float]:
        """Ion variables read per instance (``ena``) with their defaults."""
        return {r: ION_DEFAULTS.get(r, 0.0) for u in self.ions for r in u.read}

    @property
    def pointers(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.of(Role.POINTER))

    def env_tables(self, celsius: float) -> dict:
        """This mechanism's step-wide tables at ``celsius`` (host side)."""
        return {} if self.tables is None else self.tables(dict(self.globals), float(celsius))


class SpecRegistry:
    """The mechanisms one session knows, numbered in registration order (NEURON's type order)."""

    def __init__(self, specs=()):
        self._specs: dict[str, MechSpec] = {}
        self._type: dict[str, int] = {}
        for s in specs:
            self.register(s)

    def register(self, spec: MechSpec) -> int:
        """Add ``spec`` (replacing one of the same name keeps its type number)."""
        if spec.name not in self._type:
            self._type[spec.name] = len(self._type)
        self._specs[spec.name] = spec
        return self._type[spec.name]

    def __contains__(self, name: str) -> bool:
        return name in self._specs

    def __iter__(self):
        return iter(sorted(self._specs.values(), key=lambda s: self._type[s.name]))

    def get(self, name: str) -> MechSpec | None:
        return self._specs.get(name)

    def type_of(self, name: str) -> int:
        return self._type[name]

    def order(self) -> dict[str, int]:
        return dict(self._type)
