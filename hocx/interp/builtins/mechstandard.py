"""``MechanismStandard("name" [, vartype])``: a mechanism's variables by name, detached from any cell.

The GUI tools (PointProcessManager, CellBuild's membrane page) keep one per mechanism type:
``set("del", 1.5, 0)``/``get("del")`` read and write the stored values, ``in(pp)`` (or
``in(x)`` in a section for a density mechanism) copies the values from a point process or a
segment, ``out(pp)`` (``out(x)``/``out()``) copies them back.  ``vartype``: 1 PARAMETER (the
default), 2 ASSIGNED, 3 STATE, 0 all three, -1 GLOBAL (hocx: none).  ``panel``, ``action`` and
``save`` belong to the GUI: headless they do nothing (``save`` keeps nothing).
"""
from __future__ import annotations

from ...errors import HocRuntimeError, HocTypeError, Span
from ..objects import HocObject, StrRef, as_float, as_str

_KINDS = {1: ("parameter",), 2: ("assigned",), 3: ("state",), 0: ("parameter", "assigned", "state")}


class MechanismStandard(HocObject):
    hoc_class = "MechanismStandard"
    hoc_doc = {
        "set": 'set("name", value [, index]): store a value',
        "get": 'get("name" [, index]): a stored value',
        "in": "in(pp) or in(x): copy the values from a point process or a segment of the accessed section",
        "out": "out(pp) or out([x]): copy the stored values into a point process or the accessed section",
        "count": "the number of variables",
        "name": "name(strdef [, i]): the mechanism's name, or the name of variable i; returns the array size",
    }

    def __init__(self, interp=None, args=None, span: Span | None = None):
        super().__init__(interp, args, span)
        args = list(args or [])
        if not args or not isinstance(args[0], (str, StrRef)):
            raise HocTypeError('MechanismStandard("mechanism" [, vartype])', span)
        self.mname = as_str(args[0])
        vartype = int(as_float(args[1])) if len(args) > 1 else 1
        model = getattr(interp, "model", None)
        if model is None or self.mname not in model.registry:
            raise HocRuntimeError(f"{self.mname} is not a mechanism", span)
        self.mech = model.registry.get(self.mname, span)
        kinds = _KINDS.get(vartype, ())
        self.vars = [v for v in self.mech.variables if v.kind in kinds]
        self.values = {v.name: [float(v.default)] * v.size for v in self.vars}

    def _var(self, args: list, what: str, span):
        if not args:
            raise HocTypeError(f'MechanismStandard.{what}("name", ...)', span)
        name = as_str(args[0])
        if name not in self.values:
            raise HocRuntimeError(f"{name} is not a variable of {self.mname} in {self.hoc_name()}", span)
        return name

    def _index(self, name: str, args: list, k: int, span) -> int:
        i = int(as_float(args[k])) if len(args) > k else 0
        if not 0 <= i < len(self.values[name]):
            raise HocRuntimeError(f"{self.hoc_name()}: index {i} of {name} out of range", span)
        return i

    def m_set(self, args, span=None):
        name = self._var(args, "set", span)
        if len(args) < 2:
            raise HocTypeError('MechanismStandard.set("name", value [, index])', span)
        self.values[name][self._index(name, args, 2, span)] = as_float(args[1])
        return 0.0

    def m_get(self, args, span=None):
        name = self._var(args, "get", span)
        return self.values[name][self._index(name, args, 1, span)]

    def m_count(self, args, span=None):
        return float(len(self.vars))

    def m_name(self, args, span=None):
        if len(args) > 1:
            i = int(as_float(args[1]))
            if not 0 <= i < len(self.vars):
                raise HocRuntimeError(f"{self.hoc_name()}.name: index {i} out of range", span)
            v = self.vars[i]
            if isinstance(args[0], StrRef):
                args[0].set(v.name)
            return float(v.size)
        if args and isinstance(args[0], StrRef):
            args[0].set(self.mname)
        return 0.0

    # ---- copies to and from a cell --------------------------------------------------
    def _segment(self, args, span):
        model = self.interp.model
        x = as_float(args[0]) if args else 0.5
        return model.cas(span), x

    def m_in(self, args, span=None):
        src = args[0] if args else None
        if isinstance(src, HocObject):
            for name, vals in self.values.items():
                for i in range(len(vals)):
                    vals[i] = as_float(src.hoc_get(name, float(i) if len(vals) > 1 else None, span))
            return 0.0
        sec, x = self._segment(args, span)
        for name, vals in self.values.items():
            vals[0] = sec.get_range(name, x, span)
        return 0.0

    def m_out(self, args, span=None):
        dst = args[0] if args else None
        if isinstance(dst, HocObject):
            for name, vals in self.values.items():
                for i, val in enumerate(vals):
                    dst.hoc_set(name, val, float(i) if len(vals) > 1 else None, span)
            return 0.0
        model = self.interp.model
        sec = model.cas(span)
        for name, vals in self.values.items():
            if args:
                sec.set_range(name, as_float(args[0]), vals[0], span)
            else:
                sec.set_range_all(name, vals[0], span)
        return 0.0

    # ---- GUI: nothing headless -------------------------------------------------------
    def m_panel(self, args, span=None):
        return 0.0

    def m_action(self, args, span=None):
        return 0.0

    def m_save(self, args, span=None):
        return 0.0


def install(interp) -> None:
    interp.register_class("MechanismStandard", MechanismStandard,
                          doc="a mechanism's variables by name (set/get/in/out)")
