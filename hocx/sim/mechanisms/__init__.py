"""Mechanism dynamics (BREAKPOINT currents, INITIAL, state updates), one module per mechanism.

Each module defines one :class:`~hocx.sim.mechanisms.base.Mechanism` object; ``MECHANISMS``
maps NEURON's mechanism name to it, in NEURON's type order (the order currents are summed
into the right-hand side and states are updated).
"""
from __future__ import annotations

from .base import Mechanism
from .pas import PAS
from .hh import HH
from .iclamp import ICLAMP
from .alphasyn import ALPHASYNAPSE
from .seclamp import SECLAMP
from .expsyn import EXPSYN
from .exp2syn import EXP2SYN
from .ionotropic import IONOTROPIC
from .glutamate import GLUTAMATE
from .vclamp import VCLAMP

#: NEURON's mechanism type order for the built-ins we simulate.
MECHANISMS: dict[str, Mechanism] = {m.name: m for m in (PAS, HH, ICLAMP, ALPHASYNAPSE, EXPSYN, EXP2SYN, SECLAMP, VCLAMP,
                                                  IONOTROPIC, GLUTAMATE)}

__all__ = ["Mechanism", "MECHANISMS", "PAS", "HH", "ICLAMP", "ALPHASYNAPSE", "SECLAMP", "EXPSYN", "EXP2SYN",
           "IONOTROPIC", "GLUTAMATE", "VCLAMP"]
