"""The built-in mechanisms the integrator steps, as :class:`hocx.spec.MechSpec` objects.

Nothing is declared here: this is the simulated subset of :data:`hocx.spec.builtin.BUILTIN_SPECS`
in NEURON's type order, for code that lowers arrays without a session (tests built from the
real NEURON package).  A session's lowering takes its specs from the model's registry.
"""
from __future__ import annotations

from ...spec import MechSpec
from ...spec.builtin import BUILTIN_SPECS

#: NEURON's mechanism type order for the built-ins we simulate.
MECHANISMS: dict[str, MechSpec] = {s.name: s for s in BUILTIN_SPECS if s.simulated}

__all__ = ["MechSpec", "MECHANISMS"]
