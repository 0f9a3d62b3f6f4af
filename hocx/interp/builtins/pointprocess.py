"""Point processes and artificial cells: one HOC class per point mechanism in the registry.

``IClamp``, ``ExpSyn``, ``Exp2Syn``, ``AlphaSynapse``, ``SEClamp``, ``VClamp``,
``APCount``, ``NetStim``, ``IntFire1`` ... are generated from their declarations
(``hocx.model.mechanisms``) by ``hocx.model.points.point_class``: ``new IClamp(0.5)``
sits on the node of CAS(0.5); its variables are fields (``stim.del``, ``stim.amp``).
"""
from __future__ import annotations

from ...model.points import point_class


def install(interp) -> None:
    model = getattr(interp, "model", None)
    if model is None:
        return
    for mech in model.registry:
        if mech.is_point:
            interp.register_class(mech.name, point_class(mech), doc=mech.doc)
