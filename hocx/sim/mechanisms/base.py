"""What a simulated mechanism is: parameter/state names and three pure functions.

The functions take an array module ``xp`` (``numpy`` for finitialize on the host,
``jax.numpy`` inside the compiled step) so one definition serves both, and they follow the C
that NEURON 9's ``nocmodl`` writes for the ``.mod`` file operation by operation, because
parity with NEURON is checked to 1e-6 mV.

Per-instance values are passed as dicts of equal-length arrays: ``p`` (parameters, named as
in the mod file without the suffix, plus any ion values the mechanism reads such as ``ena``),
``s`` (states).  ``env`` holds step-wide values: ``dt``, ``celsius``, ``q10`` and lookup
tables, plus the static flag ``usetable``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass(frozen=True)
class Mechanism:
    """A mechanism the integrator knows how to step.

    ``kind``: ``"density"`` (currents in mA/cm², row of a segment node), ``"electrode"``
    (point process, current in nA positive *into* the cell: IClamp) or ``"point"``
    (point process, nA positive outward: ExpSyn).
    ``params``: NEURON parameter names (unsuffixed) with defaults.
    ``states``: STATE names.  ``assigned``: names ``current`` reports besides the total.
    ``ions``: ion variables read per instance (``ena``, ``ek``) with their defaults.
    """

    name: str
    kind: str
    params: dict[str, float]
    states: tuple[str, ...]
    assigned: tuple[str, ...]
    current: Callable[..., tuple[Any, dict]]
    initial: Callable[..., dict] | None = None
    advance: Callable[..., dict] | None = None
    #: recomputes assigned values after the voltage update (``SOLVE ... METHOD after_cvode``)
    after_solve: Callable[..., dict] | None = None
    ions: dict[str, float] = field(default_factory=dict)
    #: assigned variables written into the node's ion current (``ina`` of na_ion, ...)
    ion_currents: tuple[str, ...] = ()
    #: NET_RECEIVE for additive receivers: ``receive(xp, p, s, w) -> s`` applies the summed
    #: ``weight[0]`` of the events delivered to each instance before a step (None: not a target)
    receive: Callable[..., dict] | None = None
    #: POINTER variables (``vpre``): the step passes the pointed-to voltage in ``p[name]``
    pointers: tuple[str, ...] = ()
    #: INITIAL code that changes PARAMETERs (Exp2Syn's tau1): ``init_params(xp, p) -> dict``
    init_params: Callable[..., dict] | None = None

    @property
    def suffix(self) -> str:
        return self.name

    def range_name(self, var: str) -> str:
        """NEURON's HOC name of a density mechanism variable: ``gnabar`` -> ``gnabar_hh``."""
        return f"{var}_{self.name}" if self.kind == "density" else var
