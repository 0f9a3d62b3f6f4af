"""GlutamateSynapse: the graded glutamate synapse of the seeds' groups tutorial.

Jaxley 0.14 no longer ships it; its last version (jaxley/synapses/glutamate.py, removed when
``IonotropicSynapse`` took over) had exactly IonotropicSynapse's equations with ``v_th = −35``,
``delta = 10``, ``k_minus = 1/40`` hard-coded, ``e_syn = 0``, ``s`` starting at 0.2 and
``gS = 0.5``.  That ``gS`` was a conductance per membrane area (mS/cm²) of the postsynaptic
compartment; as a point process (µS) it is 0.5 mS/cm² × the seed compartment's area
(2π·1 µm·10 µm = 62.83 µm²) = 3.1416e-4 µS, the default here.  The fixed constants are
ordinary parameters so they can be changed or trained.
"""
from __future__ import annotations

import math

from .ionotropic import IONOTROPIC_PARAMS, graded

#: 0.5 mS/cm² over a 10 µm × 1 µm-radius compartment, in µS
GLUTAMATE_GS = 0.5 * (2.0 * math.pi * 1.0 * 10.0) * 1e-8 * 1e3

GLUTAMATE = graded("GlutamateSynapse", {**IONOTROPIC_PARAMS, "gS": GLUTAMATE_GS, "k_minus": 1.0 / 40.0})
