"""``KSChan``: Hodgkin-Huxley-style and kinetic-scheme channels defined from HOC.

``ks = new KSChan(0)`` (a density channel); ``ks.name("kscat")`` makes it a mechanism
(``insert kscat``; ``gmax_kscat``, ``e_kscat``, ``g_kscat``, ``i_kscat`` and one range
variable per state, ``o_kscat``); ``add_hhstate(name)`` adds an HH-style state with its own
gate and transition; ``add_ksstate(gate | nil, name)`` a kinetic state (nil: a new gate);
``add_transition(src, target)`` joins two kinetic states; ``trans(i)`` / ``trans(s1, s2)``,
``state(i)``, ``gate(i)`` give the KSTrans / KSState / KSGate objects (``set_f(i, type,
Vector)``, ``type``, ``ftype``, ``f(i, v)``, ``src``, ``target``; ``frac``, ``name``, ``gate``;
``power``, ``nstate``, ``sindex``); ``pr()`` prints NEURON's summary.  HH-style states must
be added before kinetic ones (NEURON 9.0.2 asserts otherwise; hocx says so).

The channel is simulated as a generated :class:`~hocx.spec.MechSpec`
(:mod:`hocx.spec.kschan`), re-registered after every change, so it runs in the same kernel as
the translated mods (differentiable).
"""
from __future__ import annotations

from ...errors import HocRuntimeError, HocTypeError, Span
from ...spec.kschan import KSDef, KSFunc, KSTransDef, inftau, kfunc, kschan_spec
from ..objects import HocObject, StrRef, as_float, as_str
from .list import hold


class _Rec:
    """A state / gate / transition record of one channel (its HOC wrapper made on demand)."""

    def __init__(self, **kw):
        self.__dict__.update(kw)
        self.obj = None


class KSChan(HocObject):
    hoc_class = "KSChan"
    hoc_objfuncs = ("add_hhstate", "add_ksstate", "add_transition", "trans", "state", "gate")
    hoc_doc = {"pr": "print the channel's structure", "name": "name([\"suffix\"])",
               "add_hhstate": "add_hhstate(\"name\"): an HH-style state (before kinetic ones)",
               "add_ksstate": "add_ksstate(gate | nil, \"name\"): a kinetic state",
               "add_transition": "add_transition(src, target): kinetic transition"}

    def __init__(self, interp=None, args=None, span: Span | None = None):
        super().__init__(interp, args, span)
        self.point = bool(args and as_float(args[0]) != 0)
        if self.point:
            raise HocRuntimeError("KSChan(1) (a point-process channel) is not supported by hocx yet",
                                  span, hint="use KSChan(0), a density channel")
        self.name_ = ""
        self.ion_ = "NonSpecific"
        self.cond_model = 0
        self.gmax_ = 0.0
        self.erev_ = 0.0
        self.hh: list[_Rec] = []          # HH states (each: gate + transition)
        self.kgates: list[_Rec] = []      # kinetic gates: .states list of _Rec
        self.ktrans: list[_Rec] = []      # kinetic transitions
        self.registered = False

    # ---- structure ------------------------------------------------------------------
    def states(self) -> list:
        return [r for r in self.hh] + [s for g in self.kgates for s in g.states]

    def gates(self) -> list:
        return [r.gate for r in self.hh] + list(self.kgates)

    def transitions(self) -> list:
        return [r.trans for r in self.hh] + list(self.ktrans)

    def state_index(self, st) -> int:
        return self.states().index(st)

    def gate_of(self, st):
        if st in self.hh:
            return st.gate
        return next(g for g in self.kgates if st in g.states)

    def sindex(self, gate) -> int:
        k = 0
        for g in self.gates():
            if g is gate:
                return k
            k += len(g.states) if hasattr(g, "states") else 1
        return -1

    def definition(self) -> KSDef:
        sts = self.states()
        idx = {id(s): i for i, s in enumerate(sts)}
        gates = [(self.sindex(g), len(g.states) if hasattr(g, "states") else 1, g.power)
                 for g in self.gates()]
        trans = [KSTransDef(idx[id(t.src)], idx[id(t.target)], t.type, t.f0, t.f1)
                 for t in self.transitions()]
        return KSDef(self.name_, self.ion_, self.gmax_, self.erev_, [s.name for s in sts],
                     [s.frac for s in sts], gates, len(self.hh), trans)

    def changed(self, span=None) -> None:
        """Re-register the mechanism after a change (once it has a name and its rates)."""
        if not self.name_:
            return
        model = getattr(self.interp, "model", None)
        if model is None:
            return
        spec = kschan_spec(self.definition())
        if not self.registered:
            loader = getattr(self.interp, "mod_loader", None)
            if loader is not None:
                loader.register(spec, span)
            else:
                model.registry.register(spec)
            self.registered = True
            kinds = self.interp.hooks.setdefault("kschan_types", [])
            kinds.append(self.name_)
        else:
            model.registry.register(spec)
        touch = getattr(model, "_touch", None)
        if touch is not None:
            touch(structural=True)

    # ---- HOC methods ------------------------------------------------------------------
    def m_name(self, args, span=None):
        if args:
            name = as_str(args[0])
            if self.registered and name != self.name_:
                raise HocRuntimeError(f"KSChan: renaming {self.name_} to {name} is not supported by hocx",
                                      span)
            self.name_ = name
            self.changed(span)
        return self.name_

    def m_ion(self, args, span=None):
        if args:
            ion = as_str(args[0])
            self.ion_ = "NonSpecific" if ion in ("", "NonSpecific") else ion
            self.changed(span)
        return self.ion_

    def m_iv_type(self, args, span=None):
        if args:
            self.cond_model = int(as_float(args[0]))
            if self.cond_model != 0:
                raise HocRuntimeError("KSChan.iv_type: only 0 (ohmic) is supported by hocx", span)
        return float(self.cond_model)

    def m_gmax(self, args, span=None):
        if args:
            self.gmax_ = as_float(args[0])
            self.changed(span)
        return self.gmax_

    def m_erev(self, args, span=None):
        if args:
            self.erev_ = as_float(args[0])
            self.changed(span)
        return self.erev_

    def m_ngate(self, args, span=None):
        return float(len(self.gates()))

    def m_nstate(self, args, span=None):
        return float(len(self.states()))

    def m_ntrans(self, args, span=None):
        return float(len(self.transitions()))

    def m_nligand(self, args, span=None):
        return 0.0

    def m_is_point(self, args, span=None):
        return 1.0 if self.point else 0.0

    def m_usetable(self, args, span=None):
        return 0.0

    def m_add_hhstate(self, args, span=None):
        if self.kgates:
            raise HocRuntimeError("KSChan.add_hhstate after a kinetic state (NEURON 9.0.2 aborts on "
                                  "this order)", span, hint="add the HH-style states first")
        name = as_str(args[0]) if args else ""
        st = _Rec(name=name, frac=1.0)
        st.gate = _Rec(power=1, chan=self)
        st.trans = _Rec(src=st, target=st, type=0, f0=KSFunc(), f1=KSFunc())
        self.hh.append(st)
        self.changed(span)
        return self._wrap_state(st)

    def m_add_ksstate(self, args, span=None):
        if len(args) < 2:
            raise HocTypeError("KSChan.add_ksstate(gate or nil, \"name\")", span)
        gobj = args[0]
        if isinstance(gobj, KSGate):
            gate = gobj.rec
            if gate not in self.kgates:
                raise HocRuntimeError("KSChan.add_ksstate: the gate is not a kinetic gate of this channel", span)
        else:
            gate = _Rec(power=1, chan=self, states=[])
            self.kgates.append(gate)
        st = _Rec(name=as_str(args[1]), frac=0.0)
        gate.states.append(st)
        self.changed(span)
        return self._wrap_state(st)

    def _state_arg(self, a, span):
        if isinstance(a, KSState):
            return a.rec
        i = int(as_float(a))
        sts = self.states()
        if not 0 <= i < len(sts):
            raise HocRuntimeError(f"KSChan: state index {i} out of range", span)
        return sts[i]

    def m_add_transition(self, args, span=None):
        if len(args) < 2:
            raise HocTypeError("KSChan.add_transition(src, target)", span)
        src, tgt = self._state_arg(args[0], span), self._state_arg(args[1], span)
        if src in self.hh or tgt in self.hh:
            raise HocRuntimeError("KSChan.add_transition: both states must be kinetic states", span)
        tr = _Rec(src=src, target=tgt, type=0, f0=KSFunc(), f1=KSFunc())
        self.ktrans.append(tr)
        self.changed(span)
        return self._wrap_trans(tr)

    def m_trans(self, args, span=None):
        trs = self.transitions()
        if len(args) == 1:
            i = int(as_float(args[0]))
            if not 0 <= i < len(trs):
                raise HocRuntimeError(f"KSChan.trans({i}): index out of range", span)
            return self._wrap_trans(trs[i])
        src, tgt = self._state_arg(args[0], span), self._state_arg(args[1], span)
        for tr in trs:
            if tr.src is src and tr.target is tgt:
                return self._wrap_trans(tr)
        raise HocRuntimeError(f"no transition between state index {self.state_index(src)} and "
                              f"{self.state_index(tgt)}", span)

    def m_state(self, args, span=None):
        return self._wrap_state(self._state_arg(args[0], span))

    def m_gate(self, args, span=None):
        i = int(as_float(args[0]))
        gs = self.gates()
        if not 0 <= i < len(gs):
            raise HocRuntimeError(f"KSChan.gate({i}): index out of range", span)
        return self._wrap_gate(gs[i])

    def m_pr(self, args, span=None):
        out = self.interp.out
        sts, gs, trs = self.states(), self.gates(), self.transitions()
        nhh = len(self.hh)
        out(f"{self.hoc_name()} type properties\n")
        out(f"name={self.name_} is_point_={'true' if self.point else 'false'} ion_={self.ion_} "
            f"cond_model_={self.cond_model}\n")
        out(f"  ngate={len(gs)} nstate={len(sts)} nhhstate={nhh} nligand=0 ntrans={len(trs)} "
            f"ivkstrans={nhh} iligtrans={len(trs)}\n")
        out("  default gmax=%s erev=%s\n" % (_g(self.gmax_), _g(self.erev_)))
        for i, g in enumerate(gs):
            n = len(g.states) if hasattr(g, "states") else 1
            out(f"    gate {i} index={self.sindex(g)} nstate={n} power={int(g.power)}\n")
        for i, tr in enumerate(trs):
            out(f"    trans {i} src={self.state_index(tr.src)} target={self.state_index(tr.target)} "
                f"type={tr.type}\n")
            out(f"        f0 type={tr.f0.ftype}   f1 type={tr.f1.ftype}\n")
        out("    state names and fractional conductance\n")
        for i, st in enumerate(sts):
            out("    %d %s %s\n" % (i, st.name, _g(st.frac)))
        return 1.0

    # ---- wrappers ---------------------------------------------------------------------
    def _register(self, obj):
        obj = self.interp.objects.register(obj)
        hold(self.interp, obj)           # the channel keeps its parts alive
        return obj

    def _wrap_state(self, st):
        if st.obj is None:
            st.obj = self._register(KSState(self.interp, [], None, chan=self, rec=st))
        return st.obj

    def _wrap_gate(self, g):
        if g.obj is None:
            g.obj = self._register(KSGate(self.interp, [], None, chan=self, rec=g))
        return g.obj

    def _wrap_trans(self, tr):
        if tr.obj is None:
            tr.obj = self._register(KSTrans(self.interp, [], None, chan=self, rec=tr))
        return tr.obj


def _g(x: float) -> str:
    return "%g" % x


class _Part(HocObject):
    def __init__(self, interp=None, args=None, span=None, chan=None, rec=None):
        super().__init__(interp, args, span)
        if chan is None:
            raise HocRuntimeError(f"{self.hoc_class} objects come from a KSChan", span)
        self.chan, self.rec = chan, rec


class KSState(_Part):
    hoc_class = "KSState"
    hoc_objfuncs = ("gate",)

    def m_frac(self, args, span=None):
        if args:
            self.rec.frac = as_float(args[0])
            self.chan.changed(span)
        return self.rec.frac

    def m_index(self, args, span=None):
        return float(self.chan.state_index(self.rec))

    def m_name(self, args, span=None):
        if args:
            self.rec.name = as_str(args[0])
            self.chan.changed(span)
        return self.rec.name

    def m_gate(self, args, span=None):
        return self.chan._wrap_gate(self.chan.gate_of(self.rec))


class KSGate(_Part):
    hoc_class = "KSGate"

    def m_nstate(self, args, span=None):
        return float(len(self.rec.states) if hasattr(self.rec, "states") else 1)

    def m_power(self, args, span=None):
        if args:
            self.rec.power = int(as_float(args[0]))
            self.chan.changed(span)
        return float(self.rec.power)

    def m_sindex(self, args, span=None):
        return float(self.chan.sindex(self.rec))

    def m_index(self, args, span=None):
        return float(self.chan.gates().index(self.rec))


class KSTrans(_Part):
    hoc_class = "KSTrans"
    hoc_objfuncs = ("src", "target", "parm")

    def m_set_f(self, args, span=None):
        if len(args) < 3:
            raise HocTypeError("KSTrans.set_f(0|1, type, Vector)", span)
        i, ftype = int(as_float(args[0])), int(as_float(args[1]))
        vec = args[2]
        coef = tuple(float(x) for x in getattr(vec, "x", ()))
        need = {1: 1, 2: 3, 3: 3, 4: 3}.get(ftype)
        if need is None:
            raise HocRuntimeError(f"KSTrans.set_f: function type {ftype} is not supported by hocx "
                                  "(1 constant, 2 exp, 3 linoid, 4 sigmoid)", span)
        if len(coef) < need:
            raise HocRuntimeError(f"KSTrans.set_f: type {ftype} needs {need} parameters", span)
        setattr(self.rec, "f0" if i == 0 else "f1", KSFunc(ftype, coef))
        self.chan.changed(span)
        return 0.0

    def m_type(self, args, span=None):
        if args:
            t = int(as_float(args[0]))
            if t not in (0, 1):
                raise HocRuntimeError(f"KSTrans.type({t}): ligand transitions are not supported by hocx",
                                      span)
            self.rec.type = t
            self.chan.changed(span)
        return float(self.rec.type)

    def m_ftype(self, args, span=None):
        f = self.rec.f0 if int(as_float(args[0])) == 0 else self.rec.f1
        return float(f.ftype)

    def m_index(self, args, span=None):
        return float(self.chan.transitions().index(self.rec))

    def m_f(self, args, span=None):
        import numpy as np
        f = self.rec.f0 if int(as_float(args[0])) == 0 else self.rec.f1
        if f.ftype < 0:
            raise HocRuntimeError("KSTrans.f: the function is not set (set_f first)", span)
        return float(kfunc(np, f, np.float64(as_float(args[1]))))

    def m_inftau_at(self, args, span=None):
        import numpy as np
        inf, tau = inftau(np, KSTransDef(0, 0, self.rec.type, self.rec.f0, self.rec.f1),
                          np.float64(as_float(args[0])))
        return float(inf)

    def m_parm(self, args, span=None):
        """``parm(i)``: a new Vector of rate function i's parameters."""
        f = self.rec.f0 if int(as_float(args[0])) == 0 else self.rec.f1
        vec = self.interp.new_object("Vector", [], span)
        vec.assign(list(f.coef))
        return vec

    def m_src(self, args, span=None):
        return self.chan._wrap_state(self.rec.src)

    def m_target(self, args, span=None):
        return self.chan._wrap_state(self.rec.target)


def _ion_register(interp, args, span):
    """``ion_register("name", charge)``: declare ion ``name_ion`` (if new) with that charge;
    returns its mechanism type number (the Channel Builder's sessions call it)."""
    from ...spec.ions import ion_spec
    if len(args) < 2 or not isinstance(args[0], (str, StrRef)):
        raise HocTypeError("ion_register(\"name\", charge)", span)
    name, charge = as_str(args[0]), as_float(args[1])
    model = getattr(interp, "model", None)
    if model is None:
        raise HocRuntimeError("ion_register needs the cable model", span)
    mech = f"{name}_ion"
    if mech not in model.registry:
        model.registry.register(ion_spec(name))
    model.registry.ion_charges.setdefault(mech, charge)
    return float(model.registry.type_order().get(mech, -1))


def install(interp) -> None:
    interp.register_builtin("ion_register", _ion_register, kind="func",
                            doc="ion_register(\"name\", charge): declare an ion")
    interp.register_class("KSChan", KSChan, doc="a channel of HH-style and kinetic-scheme states")
    for cls in (KSState, KSGate, KSTrans):
        interp.register_class(cls.hoc_class, cls, doc=f"{cls.hoc_class}: part of a KSChan")
    if hasattr(interp, "hooks") and interp.hooks is not None:
        interp.hooks.setdefault("mechtype_extra", lambda: tuple(interp.hooks.get("kschan_types", ())))
