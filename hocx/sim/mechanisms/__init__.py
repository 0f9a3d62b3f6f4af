"""The built-in mechanisms the integrator steps, as :class:`hocx.spec.MechSpec` objects.

Nothing is declared here: this is the simulated subset of :data:`hocx.spec.builtin.BUILTIN_SPECS`
in NEURON's type order, for code that lowers arrays without a session (tests built from the
real NEURON package).  ``pas`` and ``hh`` are the standard library's mods
(:mod:`hocx.interp.stdlib_mods`), translated when the mapping is first read.  A session's
lowering takes its specs from the model's registry.
"""
from __future__ import annotations

from collections.abc import Mapping

from ...spec import MechSpec
from ...spec.builtin import BUILTIN_SPECS


class _Builtins(Mapping):
    """name -> spec, built on first use (the stdlib mods need the translator's output)."""

    def __init__(self):
        self._d: dict[str, MechSpec] | None = None

    def _specs(self) -> dict[str, MechSpec]:
        if self._d is None:
            from ...interp.stdlib_mods import builtin_specs
            std = builtin_specs()
            specs = (std[s].spec if isinstance(s, str) else s for s in BUILTIN_SPECS)
            self._d = {s.name: s for s in specs if s.simulated}
        return self._d

    def __getitem__(self, name: str) -> MechSpec:
        return self._specs()[name]

    def __iter__(self):
        return iter(self._specs())

    def __len__(self) -> int:
        return len(self._specs())


#: NEURON's mechanism type order for the built-ins we simulate.
MECHANISMS: Mapping[str, MechSpec] = _Builtins()

__all__ = ["MechSpec", "MECHANISMS"]
