"""``NetCon``: a connection that carries events from a source to a target (numerics.md §8).

``new NetCon(source, target[, threshold, delay, weight])`` as in NEURON:

* **source** — ``&sec.v(x)`` (a threshold detector on that node's voltage), an artificial
  cell (``NetStim``), or ``nil``.  A voltage source is kept as a :class:`RangeRef` on the
  *node* (x moved to the node's centre, and to the parent's node at the attached end), which
  is what NEURON's detector (PreSyn) remembers: ``preloc()`` reports that position.
* **target** — a point process or artificial cell whose mechanism has a NET_RECEIVE block
  (``Mechanism.net_receive`` > 0), or ``nil``.
* **threshold** lives in the source's detector: every NetCon on the same node (or the same
  artificial cell) shares it; setting it on one sets it on all, and a new NetCon made without
  a threshold argument takes the existing detector's value (verified in NEURON 9).

The simulator (``hocx/sim/events.py``) reads ``source``, ``target``, ``threshold``, ``delay``,
``weight``, ``active``, ``record_vec`` and ``pending`` of every NetCon in ``model.netcons``.
"""
from __future__ import annotations

import math
import weakref
from typing import Any, ClassVar

import numpy as np

from ..errors import HocRuntimeError, HocTypeError, Span
from ..interp.objects import HocObject, Pointer, as_float
from .mechanisms import ARTIFICIAL
from .points import PointProcess
from .refs import RangeRef

DEFAULT_THRESHOLD = 10.0
DEFAULT_DELAY = 1.0
SOURCES = "sources: &sec.v(x), an artificial cell such as a NetStim, or nil"


class NetCon(HocObject):
    """One NetCon: source → target with a delay, a weight vector and the source's threshold."""

    hoc_class = "NetCon"
    hoc_fields = ("threshold", "delay", "weight", "x")
    hoc_settable = hoc_fields
    hoc_objfuncs = frozenset({"pre", "syn", "precell", "postcell"})   # None from these is NULLobject
    hoc_doc: ClassVar[dict[str, str]] = {
        "threshold": "threshold (mV) of the source's detector, shared by all NetCons from that source",
        "delay": "delay (ms) from the source's spike to the target's event, >= 0",
        "weight": "weight[i] passed to NET_RECEIVE (wcnt() of them); weight = w sets weight[0]",
        "x": "the value at the source (its voltage); 0 for an artificial-cell source",
        "active": "active([bool]): with an argument switch delivery on/off; returns the previous state",
        "valid": "valid(): 1 if it has a target",
        "srcgid": "srcgid(): the source's global id (ParallelContext), or -1",
        "pre": "pre(): the source object (an artificial cell), NULLobject for a voltage source",
        "syn": "syn(): the target point process, or NULLobject",
        "preloc": "preloc(): x of the source node and PUSHES its section (pop_section() after); -1 if none",
        "postloc": "postloc(): x of the target and PUSHES its section (pop_section() after); -1 if none",
        "precell": "precell(): the cell (template object) owning the source section, or NULLobject",
        "postcell": "postcell(): the cell (template object) owning the target's section, or NULLobject",
        "record": "record(vec): record the source's spike times into vec; record() stops",
        "wcnt": "wcnt(): the number of weights (NET_RECEIVE arguments of the target)",
        "event": "event(te): deliver an event through this NetCon at time te (ms)",
        "setpost": "setpost(target): change the target (nil disconnects it)",
    }

    def __init__(self, interp: Any = None, args: list | None = None, span: Span | None = None):
        super().__init__(interp, args, span)
        args = list(args or [])
        self.model = getattr(interp, "model", None)
        if self.model is None:
            raise HocRuntimeError("NetCon: no cable model in this session", span)
        if len(args) < 2:
            raise HocTypeError("NetCon(source, target[, threshold, delay, weight]) needs a source and a "
                               "target (either may be nil)", span)
        self._source = _check_source(args[0], span)
        self._target = _check_target(args[1], span)
        self.weight = np.zeros(_wcnt(self._target), dtype=np.float64)
        self.delay = DEFAULT_DELAY
        self._thr = [DEFAULT_THRESHOLD]    # the detector's threshold, shared with its NetCons
        self.active = True
        self.record_vec = None
        self.record_ids = None      # (idvec, id) of record(tvec, idvec, id)
        self.pending: list[float] = []
        self.freed = False
        self._key = self._detector()
        group = _detectors(self.model).get(self._key) if self._key is not None else None
        threshold = _num(args[2], "threshold", span) if len(args) > 2 else None
        if len(args) > 3:
            delay = _num(args[3], "delay", span)
            if not 0.0 <= delay <= 1e15:
                raise HocRuntimeError("Arg out of range in user function", span,
                                      hint=f"NetCon: the delay (argument 4) is {delay:g}, must be in [0, 1e15]")
            self.delay = delay
        if len(args) > 4:
            self.weight[0] = _num(args[4], "weight", span)
        # all checks passed: join the source's detector (its threshold, or set it for all)
        if group:
            self._thr = group[0]._thr
        if threshold is not None:
            self._set_threshold(threshold)
        if self._key is not None:
            _detectors(self.model).setdefault(self._key, []).append(self)
        self.model.netcons.append(self)
        self.model._touch(structural=True)

    # ---- what the simulator reads ---------------------------------------------------------
    @property
    def source(self) -> RangeRef | PointProcess | None:
        """The source; None for nil, a freed artificial cell or a deleted section (as NEURON)."""
        src = self._source
        if isinstance(src, RangeRef):
            return src if src.section.exists else None
        if src is not None and getattr(src, "freed", False):
            return None
        return src

    @property
    def target(self) -> PointProcess | None:
        """The target; None for nil or a freed point process (NEURON then reports it invalid)."""
        tgt = self._target
        if tgt is not None and getattr(tgt, "freed", False):
            return None
        return tgt

    # ---- fields ---------------------------------------------------------------------------
    def hoc_get(self, name: str, index: float | None = None, span: Span | None = None) -> Any:
        if name == "weight":
            return float(self.weight[self._windex(index, span)])
        if name == "x":
            src = self.source
            return src.get() if isinstance(src, RangeRef) else 0.0
        if name in ("threshold", "delay"):
            return float(getattr(self, name))
        return super().hoc_get(name, index, span)

    def hoc_set(self, name: str, value: Any, index: float | None = None, span: Span | None = None) -> None:
        if name not in self.hoc_fields:
            return super().hoc_set(name, value, index, span)
        val = _num(value, name, span)
        if name == "weight":
            self.weight[self._windex(index, span)] = val
        elif name == "delay":
            if val < 0 or math.isnan(val):
                raise HocRuntimeError(f"{self.hoc_name()}.delay = {val:g}: a negative delay is not supported",
                                      span, hint="NEURON accepts it but its event would act before the "
                                                 "spike that caused it; use delay >= 0")
            self.delay = val
        elif name == "threshold":
            self._set_threshold(val)
        else:
            src = self.source
            if not isinstance(src, RangeRef):
                raise HocRuntimeError(f"{self.hoc_name()}.x: the source is not a voltage", span)
            src.set(val)
            self.model._touch()
            return
        self.model._touch()

    def has_member(self, name: str) -> bool:
        return name in self.hoc_fields or super().has_member(name)

    def _windex(self, index: float | None, span: Span | None) -> int:
        i = 0 if index is None else index
        if isinstance(i, tuple) or not 0 <= i < len(self.weight):
            shown = "][".join(f"{j:g}" for j in i) if isinstance(i, tuple) else f"{i:g}"
            raise HocRuntimeError(f"{self.hoc_name()}.weight[{shown}]: index out of range (wcnt "
                                  f"{len(self.weight)})", span)
        return int(i)

    # ---- the source's detector (NEURON's PreSyn) ------------------------------------------
    def _detector(self) -> tuple | None:
        """What identifies this NetCon's detector: the source node (its section and the node's
        position, fixed at creation as NEURON's PreSyn keeps its node) or the artificial cell."""
        src = self._source
        if src is None:
            return None
        if isinstance(src, RangeRef):
            return ("node", src.section, src.x)
        return ("cell", src)

    @property
    def threshold(self) -> float:
        return self._thr[0]

    def _set_threshold(self, value: float) -> None:
        """Set the detector's threshold: every NetCon on this source sees it (one shared box)."""
        self._thr[0] = float(value)

    # ---- methods --------------------------------------------------------------------------
    def m_active(self, args: list, span: Span | None = None) -> float:
        """``nc.active([bool])``: the previous state; with an argument, switch delivery."""
        before = 1.0 if self.active else 0.0
        if args:
            self.active = _num(args[0], "active", span) != 0.0
            self.model._touch(structural=True)
        return before

    def m_valid(self, args: list, span: Span | None = None) -> float:
        return 1.0 if self.target is not None else 0.0

    def m_wcnt(self, args: list, span: Span | None = None) -> float:
        return float(len(self.weight))

    def m_pre(self, args: list, span: Span | None = None) -> HocObject | None:
        src = self.source
        return src if isinstance(src, PointProcess) else None

    def m_syn(self, args: list, span: Span | None = None) -> HocObject | None:
        return self.target

    def m_preloc(self, args: list, span: Span | None = None) -> float:
        """x of the source node, pushing its section; -1 (nothing pushed) without one."""
        src = self.source
        if not isinstance(src, RangeRef):
            return -1.0
        self.model.push(src.section)
        return src.x

    def m_postloc(self, args: list, span: Span | None = None) -> float:
        """x of the target, pushing its section; -1 (nothing pushed) if it has no location."""
        tgt = self.target
        if tgt is None or tgt.node is None:
            return -1.0
        self.model.push(tgt.section)
        return self.model.loc(tgt)

    def m_precell(self, args: list, span: Span | None = None) -> HocObject | None:
        src = self.source
        return src.section.owner if isinstance(src, RangeRef) else None

    def m_postcell(self, args: list, span: Span | None = None) -> HocObject | None:
        tgt = self.target
        return tgt.section.owner if tgt is not None and tgt.node is not None else None

    def m_record(self, args: list, span: Span | None = None) -> float:
        """``nc.record(vec)``: the source's spike times go into vec; ``nc.record()`` stops."""
        vecs = [getattr(a, "hoc_class", None) == "Vector" for a in args]
        self.record_ids = None
        if not args:
            self.record_vec = None
        elif len(args) == 1 and vecs[0]:
            self.record_vec = args[0]
        elif len(args) == 3 and vecs[0] and vecs[1]:
            self.record_vec = args[0]
            self.record_ids = (args[1], _num(args[2], "record", span))
        else:
            raise HocRuntimeError(f"{self.hoc_name()}.record: supported forms are record(vec), "
                                  "record(tvec, idvec, id) and record() (not record(\"stmt\"))", span)
        self.model._touch(structural=True)
        return 0.0

    def m_event(self, args: list, span: Span | None = None) -> float:
        """``nc.event(te)``: an event at te through this NetCon (the simulator's hook, when
        installed, queues it; without one it waits in ``pending``)."""
        if len(args) != 1:
            raise HocTypeError(f"{self.hoc_name()}.event(te) takes one argument (event(te, flag) is "
                               "not supported)", span)
        te = _num(args[0], "event", span)
        hooks = getattr(self.interp, "hooks", None) or {}
        hook = hooks.get("netcon_event")
        if hook is not None:
            hook(self, te, span)
        else:
            self.pending.append(te)
        return 0.0

    def m_setpost(self, args: list, span: Span | None = None) -> float:
        """``nc.setpost(target)``: a new target (nil allowed); weights are kept when the count
        of NET_RECEIVE arguments is unchanged."""
        if len(args) != 1:
            raise HocTypeError(f"{self.hoc_name()}.setpost(target) takes one argument", span)
        self._target = _check_target(args[0], span)
        n = _wcnt(self._target)
        if n != len(self.weight):
            self.weight = np.zeros(n, dtype=np.float64)
        self.model._touch(structural=True)
        return 0.0

    # ---- lifetime -------------------------------------------------------------------------
    def hoc_free(self) -> None:
        self.freed = True
        group = _detectors(self.model).get(self._key)
        if group is not None and self in group:
            group.remove(self)
            if not group:
                del _detectors(self.model)[self._key]
        if self in self.model.netcons:
            self.model.netcons.remove(self)
            self.model._touch(structural=True)

    def describe(self) -> str:
        src = self.source
        pre = "nil" if src is None else src.describe() if isinstance(src, RangeRef) else src.hoc_name()
        post = "nil" if self.target is None else self.target.hoc_name()
        return f"{self.hoc_name()}: {pre} -> {post}, delay {self.delay:g}, weight {self.weight[0]:g}"


# NetCons per detector key, per model (NetCon creation stays O(1) in large networks)
_DETECTORS: "weakref.WeakKeyDictionary[Any, dict[tuple, list[NetCon]]]" = weakref.WeakKeyDictionary()


def _detectors(model) -> dict[tuple, list[NetCon]]:
    return _DETECTORS.setdefault(model, {})


# ---- argument checks ----------------------------------------------------------------------

def _num(value: Any, what: str, span: Span | None) -> float:
    try:
        return as_float(value)
    except HocTypeError:
        raise HocTypeError(f"NetCon {what}: expected a number", span) from None


def _check_source(src: Any, span: Span | None) -> RangeRef | PointProcess | None:
    if src is None:
        return None
    if isinstance(src, RangeRef):
        if src.var != "v":
            raise HocRuntimeError(f"NetCon source &{src.describe()} is not supported: hocx detects threshold "
                                  "crossings of a membrane voltage only", span, hint=SOURCES)
        return _node_ref(src)
    if isinstance(src, PointProcess):
        if src.mechanism.kind != ARTIFICIAL and src.mechanism.net_receive <= 0:
            raise HocRuntimeError(f"NetCon source {src.hoc_name()} is not supported: a point process as a "
                                  "source needs a NET_RECEIVE block that calls net_event", span,
                                  hint=SOURCES)
        return src
    if isinstance(src, Pointer):
        raise HocRuntimeError(f"NetCon source &{src.describe()} is not supported: not a range variable of "
                              "a section", span, hint=SOURCES)
    raise HocTypeError("NetCon source must be &sec.v(x), a point process / artificial cell or nil", span)


def _node_ref(ref: RangeRef) -> RangeRef:
    """``&sec.v(x)`` moved to its node: (the section owning the node, the node's position)."""
    owner, kind, k = ref.section.node_ref(ref.x)
    if kind == "seg":
        x = (k + 0.5) / owner.nseg
    elif kind == "end":
        x = owner.arc(1.0)
    else:
        x = owner.arc(0.0)
    return RangeRef(owner, "v", x)


def _check_target(tgt: Any, span: Span | None) -> PointProcess | None:
    if tgt is None:
        return None
    if not isinstance(tgt, PointProcess):
        raise HocTypeError("NetCon target must be a point process (ExpSyn, Exp2Syn, ...), an artificial "
                           "cell or nil", span)
    if tgt.mechanism.net_receive <= 0:
        raise HocRuntimeError(f"{tgt.hoc_name()} cannot receive events (it has no NET_RECEIVE)", span,
                              hint="targets: ExpSyn, Exp2Syn, NetStim, IntFire1, or nil")
    if tgt.mechanism.kind != ARTIFICIAL and tgt.node is None:
        raise HocRuntimeError(f"{tgt.hoc_name()} point process not located in a section", span,
                              hint=f"place it first, e.g. soma {tgt.hoc_name()}.loc(0.5)")
    return tgt


def _wcnt(tgt: PointProcess | None) -> int:
    return tgt.mechanism.net_receive if tgt is not None else 1
