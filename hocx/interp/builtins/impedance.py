"""``Impedance``: NEURON's input/transfer impedance class, declared so library files load.

hocx does not compute impedances yet: ``loc(x)`` records the injection site, and
``compute()`` (and every method that needs a computed impedance) is a clear error.
"""
from __future__ import annotations

from ...errors import HocRuntimeError, Span
from ..objects import HocObject, as_float


class Impedance(HocObject):
    hoc_class = "Impedance"
    hoc_doc = {"loc": "loc(x): the injection site, x of the accessed section",
               "compute": "compute(freq [, extended]): not implemented by hocx"}

    def __init__(self, interp=None, args=None, span: Span | None = None):
        super().__init__(interp, args, span)
        self.site = None

    def m_loc(self, args, span=None):
        model = self.interp.model
        self.site = (model.cas(span), as_float(args[0]) if args else 0.5)
        return 0.0

    def _missing(self, what, span):
        raise HocRuntimeError(f"Impedance.{what}: impedance calculations are not implemented by hocx",
                              span, hint="hocx runs time-domain simulations only")

    def m_compute(self, args, span=None):
        self._missing("compute", span)

    def m_input(self, args, span=None):
        self._missing("input", span)

    def m_transfer(self, args, span=None):
        self._missing("transfer", span)

    def m_ratio(self, args, span=None):
        self._missing("ratio", span)

    def m_input_phase(self, args, span=None):
        self._missing("input_phase", span)

    def m_transfer_phase(self, args, span=None):
        self._missing("transfer_phase", span)


def install(interp) -> None:
    interp.register_class("Impedance", Impedance, doc="input/transfer impedance (not computed by hocx)")
