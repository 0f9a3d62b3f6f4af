"""``Impedance``: NEURON's input/transfer impedance class (src/nrniv/impedanc.cpp).

``sec imp.loc(x)`` sets the current-injection site (``loc(-1)``: none);
``imp.compute(freq [, extended [, maxiter]])`` linearises the model at its present state
and solves at ``freq`` Hz -- the passive form (each mechanism's conductance, as the fixed
step sees it) or, with ``extended = 1``, with the channel states' dynamics too; ``sec
imp.input(x)``, ``transfer(x)``, ``ratio(x)``, ``input_phase(x)``, ``transfer_phase(x)``
read the result (MΩ, radians) at ``sec(x)``; ``deltafac([d])`` is the finite-difference
step of the extended form.  The numerics live in :mod:`hocx.sim.impedance`, reached through
``interp.hooks["impedance"]``.
"""
from __future__ import annotations

import cmath

from ...errors import HocRuntimeError, Span
from ..objects import HocObject, as_float


class Impedance(HocObject):
    hoc_class = "Impedance"
    hoc_doc = {
        "loc": "sec imp.loc(x): the current-injection site (x < 0: none)",
        "compute": "compute(freq [, extended [, maxiter]]): solve at freq Hz; extended = 1 "
                   "includes the channel state dynamics; returns 0",
        "input": "sec imp.input(x): |input impedance| at sec(x) (MΩ)",
        "transfer": "sec imp.transfer(x): |transfer impedance| between the loc site and sec(x) (MΩ)",
        "ratio": "sec imp.ratio(x): |v(loc)/v(x)| for current injected at x",
        "input_phase": "sec imp.input_phase(x): phase of the input impedance (radians)",
        "transfer_phase": "sec imp.transfer_phase(x): phase of the transfer impedance (radians)",
        "deltafac": "deltafac([d]): the extended form's finite-difference step (default 0.001)",
    }

    def __init__(self, interp=None, args=None, span: Span | None = None):
        super().__init__(interp, args, span)
        self.site = None          # (section, x)
        self.result = None
        self.deltafac = 0.001

    def m_loc(self, args, span=None):
        if not args:
            raise HocRuntimeError("Impedance.loc(x): needs the location x", span)
        x = as_float(args[0])
        if not -1.0 <= x <= 1.0:
            raise HocRuntimeError(f"Impedance.loc: x = {x:g} must be in the range -1 to 1", span)
        self.site = (self.interp.model.cas(span), x) if x >= 0.0 else None
        return 0.0

    def m_compute(self, args, span=None):
        if not args:
            raise HocRuntimeError("Impedance.compute(freq [, extended]): needs the frequency", span)
        freq = as_float(args[0])
        ext = len(args) > 1 and as_float(args[1]) != 0.0
        if len(args) > 2 and not 1.0 <= as_float(args[2]) <= 1e9:
            raise HocRuntimeError("Impedance.compute: maxiter must be in the range 1 to 1e9", span)
        site = self.site
        if site is not None and not site[0].exists:
            site = self.site = None
        if site is None:
            raise HocRuntimeError("Impedance stimulus location is not specified.", span,
                                  hint="call `sec imp.loc(x)` before compute()")
        self.result = self.interp.hooks["impedance"](site[0], site[1], freq, ext,
                                                     self.deltafac, span)
        return 0.0

    def _res(self, what, args, span):
        if self.result is None:
            raise HocRuntimeError(f"Impedance.{what}: call compute(freq) first", span)
        return self.result

    def _at(self, what, args, span):
        x = as_float(args[0]) if args else 0.5
        if not 0.0 <= x <= 1.0:
            raise HocRuntimeError(f"Impedance.{what}: x = {x:g} must be in the range 0 to 1", span)
        return self.result.node_of(self.interp.model.cas(span), x, span)

    def m_input(self, args, span=None):
        return abs(self._res("input", args, span).input_z(self._at("input", args, span)))

    def m_transfer(self, args, span=None):
        return abs(self._res("transfer", args, span).transfer_z(self._at("transfer", args, span)))

    def m_ratio(self, args, span=None):
        return self._res("ratio", args, span).ratio(self._at("ratio", args, span))

    def m_input_phase(self, args, span=None):
        return cmath.phase(self._res("input_phase", args, span).input_z(self._at("input_phase", args, span)))

    def m_transfer_phase(self, args, span=None):
        return cmath.phase(self._res("transfer_phase", args, span).transfer_z(self._at("transfer_phase", args, span)))

    def m_deltafac(self, args, span=None):
        if args:
            d = as_float(args[0])
            if not 1e-10 <= d <= 1.0:
                raise HocRuntimeError(f"Impedance.deltafac: {d:g} must be in the range 1e-10 to 1", span)
            self.deltafac = d
        return self.deltafac


def install(interp) -> None:
    interp.register_class("Impedance", Impedance,
                          doc="input/transfer impedance at one frequency (passive or extended)")
