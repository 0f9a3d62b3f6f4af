"""Point processes and artificial cells as HOC objects (``IClamp``, ``ExpSyn``, ``NetStim`` ...).

:class:`PointProcess` is the HocObject behind ``new IClamp(0.5)``: it holds the values
of its mechanism's variables (``stim.del``, ``stim.amp``, ``vc.dur[1]``) and, for a
point process, its location -- the node of ``CAS(x)`` (numerics.md §2.3) -- which the
model keeps in ``model.point_processes`` (creation order) for the edge table and the
simulator.  :func:`point_class` makes the subclass for one mechanism declaration.
"""
from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ..errors import HocRuntimeError, HocTypeError, Span
from ..interp.objects import HocObject, as_float
from .mechanisms import ARTIFICIAL, Mechanism


class PointProcess(HocObject):
    """One instance of a point mechanism; located on a node unless it is an artificial cell."""

    mechanism: ClassVar[Mechanism]
    hoc_doc: ClassVar[dict[str, str]] = {
        "get_loc": "position x of the node it sits on; PUSHES its section (pop_section() after)",
        "has_loc": "1 if it is located in a section",
        "loc": "loc(x): move it to CAS(x)",
    }

    def __init__(self, interp: Any = None, args: list | None = None, span: Span | None = None):
        super().__init__(interp, args, span)
        self.values: dict[str, Any] = {}
        for v in self.mechanism.variables:
            self.values[v.name] = np.full(v.size, v.default) if v.size > 1 else v.default
        self.section = None
        self.node = None
        self.pointers: dict = {}          # POINTER name -> RangeRef (setpointer)
        self.hidden: dict = {}            # hidden values after a run (LIFcell t0)
        self.model = getattr(interp, "model", None)
        args = args or []
        if self.mechanism.kind == ARTIFICIAL:
            if self.model is not None:
                self.model.artificial_cells.append(self)
                self.model._touch(structural=True)
        elif args:
            self.m_loc(args[:1], span)

    # ---- the mod's FUNCTIONs / PROCEDUREs as methods (syn.mgblock(v), cell.M()) ----------
    #: name -> fn(pp, args, span); set per class by :meth:`add_mod_method`
    mod_methods: ClassVar[dict] = {}

    @classmethod
    def add_mod_method(cls, name: str, fn, doc: str = "") -> None:
        """Make ``fn(pp, args, span)`` the HOC method ``name`` of this class."""
        cls.mod_methods = {**cls.mod_methods, name: fn}
        if doc:
            cls.hoc_doc = {**cls.hoc_doc, name: doc}

    @classmethod
    def hoc_methods(cls) -> list[str]:
        return sorted(set(super().hoc_methods()) | set(cls.mod_methods))

    def hoc_call(self, name: str, args: list, span: Span | None = None) -> Any:
        fn = self.mod_methods.get(name)
        if fn is not None and not hasattr(self, "m_" + name):
            return fn(self, args, span)
        return super().hoc_call(name, args, span)

    # ---- members ------------------------------------------------------------
    def hoc_get(self, name: str, index: float | None = None, span: Span | None = None) -> Any:
        if name in self.pointers and self.pointers[name].section.exists:
            return self.pointers[name].get()      # a POINTER reads the value it points at
        if name in self.values:
            val = self.values[name]
            if isinstance(val, np.ndarray):
                if index is None:
                    return float(val[0])
                return float(val[self._index(name, index, span)])
            return val
        return super().hoc_get(name, index, span)

    def hoc_set(self, name: str, value: Any, index: float | None = None, span: Span | None = None) -> None:
        if name in self.values:
            val = self.values[name]
            if isinstance(val, np.ndarray):
                val[0 if index is None else self._index(name, index, span)] = as_float(value)
            else:
                self.values[name] = as_float(value)
            if self.model is not None:
                self.model._touch()
            return
        super().hoc_set(name, value, index, span)

    def has_member(self, name: str) -> bool:
        return name in self.values or name in self.mod_methods or super().has_member(name)

    # ---- Python attribute access (``s.h.stim.amp = 0.4``, as neuron.h) -------
    def __getattr__(self, name: str) -> Any:
        vals = self.__dict__.get("values")
        if vals is not None and name in vals:
            return self.hoc_get(name)
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        vals = self.__dict__.get("values")
        if vals is not None and name in vals and name not in self.__dict__:
            self.hoc_set(name, value)       # a mechanism variable: the HOC field, not a Python attribute
        else:
            object.__setattr__(self, name, value)

    def _index(self, name: str, index: float, span: Span | None) -> int:
        n = len(self.values[name])
        if not 0 <= index < n:
            raise HocRuntimeError(f"{self.hoc_name()}.{name}[{index:g}]: index out of range (size {n})", span)
        return int(index)

    # ---- location -----------------------------------------------------------
    def _need_model(self, span: Span | None):
        if self.model is None:
            raise HocRuntimeError(f"{self.hoc_class}: no cable model in this session", span)
        return self.model

    def m_loc(self, args: list, span: Span | None = None) -> float:
        """``pp.loc(x)``: place it at x of the currently accessed section."""
        if self.mechanism.kind == ARTIFICIAL:
            raise HocTypeError(f"{self.hoc_class} is an artificial cell and has no location", span)
        if len(args) != 1:
            raise HocTypeError(f"{self.hoc_class}.loc(x) takes one argument", span)
        model = self._need_model(span)
        model.place(self, model.cas(span), as_float(args[0]), span)
        return model.loc(self)

    def m_get_loc(self, args: list, span: Span | None = None) -> float:
        """``pp.get_loc()``: its position; pushes its section (the script must pop_section())."""
        if self.node is None:
            raise HocRuntimeError(f"{self.hoc_name()} is not located in a section", span)
        model = self._need_model(span)
        model.push(self.section)
        return model.loc(self)

    def m_has_loc(self, args: list, span: Span | None = None) -> float:
        return 1.0 if self.node is not None else 0.0

    def hoc_free(self) -> None:
        self.freed = True                  # NetCons to or from it become invalid (as in NEURON)
        if self.model is None:
            return
        self.model.unplace(self)
        if self in self.model.artificial_cells:
            self.model.artificial_cells.remove(self)
            self.model._touch(structural=True)

    def describe(self) -> str:
        where = "not located" if self.node is None else f"{self.section.name()}({self.model.loc(self):g})"
        return f"{self.hoc_name()} at {where}"


class NetStimCell(PointProcess):
    """NetStim: an artificial cell owning a Random123 stream for its noise (numerics.md §7.11).

    ``stream_ids`` = [id1, id2, id3]: by default (1, 0, n) where n counts the streams made in
    this session (NEURON counts per process, from 1); the simulator draws the noise from it
    (:mod:`hocx.sim.netstim`).  finitialize restarts the stream at sequence 0.
    """

    hoc_doc: ClassVar[dict[str, str]] = {
        **PointProcess.hoc_doc,
        "noiseFromRandom123": "noiseFromRandom123(id1, id2[, id3]): draw the noise from Random123 stream "
                              "(id1, id2, id3) (id3 default 0)",
        "noiseFromRandom": "noiseFromRandom(r): use the stream ids of Random r (after r.Random123(...))",
    }

    def __init__(self, interp: Any = None, args: list | None = None, span: Span | None = None):
        super().__init__(interp, args, span)
        if self.model is not None:
            self.model.random123_streams += 1
            n = self.model.random123_streams
        else:
            n = 1
        self.stream_ids = [1, 0, n & 0xFFFFFFFF]

    def _set_ids(self, ids: list[int]) -> None:
        self.stream_ids = [int(i) & 0xFFFFFFFF for i in ids]
        if self.model is not None:
            self.model._touch()

    def m_noiseFromRandom123(self, args: list, span: Span | None = None) -> float:
        """``ns.noiseFromRandom123(a, b[, c])``: stream ids (a, b, c); fewer than two arguments
        change nothing (as NEURON)."""
        if len(args) >= 2:
            ids = [as_float(a) for a in args[:3]] + [0.0]
            for v in ids[:3]:
                if not (0 <= v < 2.0**32):
                    raise HocRuntimeError(f"{self.hoc_name()}.noiseFromRandom123: stream id {v:g} "
                                          "is not an unsigned 32-bit integer", span)
            self._set_ids([int(v) for v in ids[:3]])
        return 0.0

    def m_noiseFromRandom(self, args: list, span: Span | None = None) -> float:
        """``ns.noiseFromRandom(r)``: copy the ids of Random ``r``, which must use Random123."""
        if not args:
            return 0.0
        r = args[0]
        gen = getattr(r, "gen", None)
        if getattr(r, "generator_name", None) != "Random123" or not hasattr(gen, "ids"):
            what = r.hoc_name() if isinstance(r, HocObject) else "the argument"
            raise HocRuntimeError(f"NetStim: Random.Random123 generator is required ({what} is not a "
                                  "Random on which Random123(...) was called)", span)
        self._set_ids(list(gen.ids))
        return 0.0


#: HOC classes with behaviour beyond their mechanism's variables
_BASES: dict[str, type[PointProcess]] = {"NetStim": NetStimCell}


def point_class(mech: Mechanism) -> type[PointProcess]:
    """The HOC class for point mechanism ``mech`` (fields = its variables)."""
    names = mech.names()
    base = _BASES.get(mech.name, PointProcess)
    return type(mech.name, (base,), {
        "mechanism": mech,
        "hoc_class": mech.name,
        "hoc_fields": names,
        "hoc_settable": names,
        "hoc_doc": {**base.hoc_doc,
                    **{v.name: f"{v.kind} ({v.units or '1'}), default {v.default:g}" for v in mech.variables}},
        "__doc__": f"{mech.name}: {mech.doc}",
    })
