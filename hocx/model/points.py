"""Point processes and artificial cells as HOC objects (``IClamp``, ``ExpSyn``, ``NetStim`` ...).

An instance of a mechanism with NMODL ``RANDOM`` variables owns a Random123 stream per
variable (ids and draw index in ``hidden``, carried by the simulator like the other hidden
values); NEURON's legacy ``noiseFromRandom123`` / ``noiseFromRandom`` act on it
(:func:`legacy_random_method`).

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
from ..interp.random123 import keys as random_keys
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
        for r in self.mechanism.randoms:
            self._new_stream(r)
        args = args or []
        if self.mechanism.kind == ARTIFICIAL:
            if self.model is not None:
                self.model.artificial_cells.append(self)
                self.model._touch(structural=True)
        elif args:
            self.m_loc(args[:1], span)

    # ---- RANDOM variables: a Random123 stream each (hocx.interp.random123) ---------
    def _new_stream(self, name: str) -> None:
        """NEURON's nrnran123_newstream(): ids (1, 0, n), n counting the streams made in this
        session (NEURON counts per process, from 1), at draw 0."""
        n = 1
        if self.model is not None:
            self.model.random123_streams += 1
            n = self.model.random123_streams
        seq, i1, i2, i3 = random_keys(name)
        self.hidden.update({seq: 0.0, i1: 1.0, i2: 0.0, i3: float(n & 0xFFFFFFFF)})

    def random_ids(self, name: str | None = None) -> list[int] | None:
        """[id1, id2, id3] of RANDOM variable ``name`` (default: the mechanism's first)."""
        name = name or (self.mechanism.randoms[0] if self.mechanism.randoms else None)
        if name is None:
            return None
        _seq, *ids = random_keys(name)
        return [int(self.hidden.get(k, 0.0)) for k in ids]

    @property
    def stream_ids(self) -> list[int] | None:
        return self.random_ids()

    def set_random(self, name: str, ids=None, seq: float | None = None) -> None:
        """Set RANDOM ``name``'s ids (three unsigned 32-bit ints) and/or its draw index."""
        k = random_keys(name)
        if ids is not None:
            self.hidden.update({kk: float(int(i) & 0xFFFFFFFF) for kk, i in zip(k[1:], ids)})
        if seq is not None:
            self.hidden[k[0]] = float(seq)
        if self.model is not None:
            self.model._touch()

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
        if name in self.pointers and getattr(getattr(self.pointers[name], "section", None), "exists", True):
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


#: HOC classes with behaviour beyond their mechanism's variables
_BASES: dict[str, type[PointProcess]] = {}


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


def legacy_random_method(proc: str, ranvar: str):
    """``fn(pp, args, span)``: NEURON's legacy Random123 PROCEDURE ``proc`` (C code in
    NEURON's netstim.mod) on RANDOM variable ``ranvar`` of the instance:

    * ``noiseFromRandom123(id1, id2[, id3])``: ids (id3 default 0), draw index 0; fewer than
      two arguments change nothing;
    * ``noiseFromRandom(r)``: the ids and position of Random ``r``, which must use Random123.
    """
    if proc == "noiseFromRandom123":
        def call(pp, args, span):
            if len(args) >= 2:
                ids = [as_float(a) for a in args[:3]] + [0.0]
                for v in ids[:3]:
                    if not (0 <= v < 2.0**32):
                        raise HocRuntimeError(f"{pp.hoc_name()}.noiseFromRandom123: stream id "
                                              f"{v:g} is not an unsigned 32-bit integer", span)
                pp.set_random(ranvar, [int(v) for v in ids[:3]], 0.0)
            return 1.0
        return call

    def call(pp, args, span):
        if not args:
            return 1.0
        r = args[0]
        gen = getattr(r, "gen", None)
        if getattr(r, "generator_name", None) != "Random123" or not hasattr(gen, "ids"):
            what = r.hoc_name() if isinstance(r, HocObject) else "the argument"
            raise HocRuntimeError(f"{pp.hoc_class}: Random.Random123 generator is required "
                                  f"({what} is not a Random on which Random123(...) was called)",
                                  span)
        pos = getattr(gen, "get_position", None)
        pp.set_random(ranvar, list(gen.ids), float(pos()) if callable(pos) else 0.0)
        return 1.0
    return call
