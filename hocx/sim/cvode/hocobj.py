"""The HOC ``CVode`` class (NEURON's cvodeobj.cpp interface), backed by :class:`CvodeControl`."""
from __future__ import annotations

import numpy as np

from ...errors import HocRuntimeError
from ...interp.objects import HocObject, StrRef, as_float, as_str
from .runner import CvodeControl


def control(interp) -> CvodeControl:
    """The session's CVode control (one per simulator plug-in, as NEURON has one NetCvode)."""
    plugin = interp.sim
    ctl = getattr(plugin, "cvode_control", None)
    if ctl is None:
        ctl = CvodeControl(plugin)
        plugin.cvode_control = ctl
    return ctl


def _num(args, i=0):
    return as_float(args[i]) if len(args) > i else None


class CVode(HocObject):
    """NEURON's CVode control object: the variable time step of hocx.sim.cvode."""

    hoc_class = "CVode"

    @property
    def ctl(self) -> CvodeControl:
        return control(self.interp)

    def m_active(self, args, span=None):
        ctl = self.ctl
        if args:
            on = as_float(args[0]) != 0
            if on and not ctl.active:
                ctl.started = False
            ctl.active = on
        return 1.0 if ctl.active else 0.0

    def _setting(self, name, args, span, check=None, cast=float):
        st = self.ctl.settings
        if args:
            x = as_float(args[0])
            if check is not None:
                check(x)
            setattr(st, name, cast(x))       # used from the next initialisation on, as in NEURON
        return float(getattr(st, name))

    def m_atol(self, args, span=None):
        def check(x):
            if not x > 0:
                raise HocRuntimeError(f"cvode.atol({x:g}): the absolute tolerance must be positive", span)
        return self._setting("atol", args, span, check)

    def m_rtol(self, args, span=None):
        def check(x):
            if x < 0:
                raise HocRuntimeError(f"cvode.rtol({x:g}): the relative tolerance must not be negative", span)
        return self._setting("rtol", args, span, check)

    def m_maxstep(self, args, span=None):
        def check(x):
            if x < 0:
                raise HocRuntimeError(f"cvode.maxstep({x:g}) must not be negative", span)
        return self._setting("maxstep", [1e9 if args and as_float(args[0]) == 0 else args[0]] if args else [],
                             span, check)

    def m_minstep(self, args, span=None):
        def check(x):
            if x < 0:
                raise HocRuntimeError(f"cvode.minstep({x:g}) must not be negative", span)
        return self._setting("minstep", args, span, check)

    def m_maxorder(self, args, span=None):
        def check(x):
            if not 1 <= x <= 5 or x != int(x):
                raise HocRuntimeError(f"cvode.maxorder({x:g}): the BDF order is 1 to 5", span)
        return self._setting("maxorder", args, span, check, cast=int)

    def m_use_local_dt(self, args, span=None):
        """The local variable time step: one integrator per cell (hocx.sim.cvode.local)."""
        ctl = self.ctl
        if args:
            on = as_float(args[0]) != 0
            if on != ctl.local:
                ctl.local = on
                ctl.started = False          # the integrators are rebuilt at the next init
        return 1.0 if ctl.local else 0.0

    def m_condition_order(self, args, span=None):
        if args:
            x = as_float(args[0])
            if x not in (1.0, 2.0):
                raise HocRuntimeError(f"cvode.condition_order({x:g}): must be 1 or 2", span)
            self.ctl.settings.condition_order = int(x)
        return float(self.ctl.settings.condition_order)

    def m_atolscale(self, args, span=None):
        if not args:
            raise HocRuntimeError("cvode.atolscale needs a state name or pointer", span)
        name = self._state_name(args[0], span)
        st = self.ctl.settings
        if len(args) > 1:
            x = as_float(args[1])
            if not x > 0:
                raise HocRuntimeError(f"cvode.atolscale: the scale {x:g} must be positive", span)
            st.atolscale[name] = x
        return float(np.float32(st.atolscale.get(name, 1.0)))

    @staticmethod
    def _state_name(arg, span):
        if isinstance(arg, str):
            return arg
        var = getattr(arg, "var", None)
        if isinstance(var, str):
            return var
        obj, fld = getattr(arg, "obj", None), getattr(arg, "field", None)
        if obj is not None and fld is not None:
            return f"{getattr(obj, 'hoc_class', '')}.{fld}"
        raise HocRuntimeError("cvode.atolscale: give a state name (\"m_hh\") or a pointer", span)

    def m_use_daspk(self, args, span=None):
        if args and as_float(args[0]) != 0:
            raise HocRuntimeError("cvode.use_daspk(1): the IDA/DASPK integrator is not supported by "
                                  "hocx (it has only CVODE's BDF method)", span)
        return 0.0

    def m_stiff(self, args, span=None):
        if args and as_float(args[0]) != 2:
            raise HocRuntimeError("cvode.stiff: hocx supports only the default stiff(2)", span)
        return 2.0

    def m_jacobian(self, args, span=None):
        if args and as_float(args[0]) != 0:
            raise HocRuntimeError("cvode.jacobian: hocx supports only NEURON's own solver (0)", span)
        return 0.0

    def m_use_long_double(self, args, span=None):
        return 0.0

    def m_cache_efficient(self, args, span=None):
        return 0.0

    def m_re_init(self, args, span=None):
        ctl = self.ctl
        if ctl.active:
            ctl.re_init(span)
        else:
            plugin = getattr(self.interp, "sim", None)
            if plugin is not None:
                plugin.fcurrent(self.interp, [], span)
        return 0.0

    def m_solve(self, args, span=None):
        ctl = self.ctl
        if not ctl.active:
            raise HocRuntimeError("cvode.solve: CVode is not active (cvode.active(1) first)", span)
        tout = _num(args)
        if tout is None:
            ctl.fadvance(span)
        else:
            ctl.solve(tout, span)
        return 0.0

    def m_statistics(self, args, span=None):
        self.interp.out(self.ctl.statistics_text())
        return 0.0

    def m_event(self, args, span=None):
        """``cvode.event(te, "stmt")`` with the fixed step: stmt runs at the step boundary that
        reaches te (hocx/sim/hocevents.py)."""
        plugin = getattr(self.interp, "sim", None)
        events = getattr(plugin, "hoc_events", None)
        if events is not None and not self.ctl.active and len(args) >= 2 and isinstance(args[1], (str, StrRef)):
            obj = args[2] if len(args) > 2 and isinstance(args[2], HocObject) else None
            events.schedule(as_float(args[0]), as_str(args[1]), obj)
        return 0.0

    def m_simgraph_remove(self, args, span=None):
        return 0.0
