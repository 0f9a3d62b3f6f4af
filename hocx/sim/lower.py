"""Lowering: a cable model → plain float64 arrays plus a hashable structure key.

:class:`Lowered` is the simulator's whole input.  It can be made from the interpreter's
``CableModel`` (:mod:`hocx.sim.from_model`) or directly from arrays (tests build it from
the real NEURON package).  :meth:`Lowered.structure_key` captures everything that changes
the shape of the compiled step — node count and tree, which nodes carry capacitance, the
mechanism instances per node, the recording set and the rate-table switch — and nothing
that is merely a value (conductances, stimulus times, geometry, dt, celsius), so changing a
value never recompiles.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from ..spec import MechSpec
from .mechanisms import MECHANISMS
from .pointers import PointerSource


def _pointer_index(x):
    """A POINTER's lowering: node indices (it points at v) or a :class:`PointerSource`."""
    return x if isinstance(x, PointerSource) else np.asarray(x, dtype=np.int64)


@dataclass
class MechBlock:
    """All instances of one mechanism: the node each sits on and per-instance values."""

    mech: MechSpec
    nodes: np.ndarray                       # int node index per instance
    params: dict[str, np.ndarray]           # unsuffixed names, plus ion values (ena, ek)
    states: dict[str, np.ndarray] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)   # e.g. "IClamp[0]" (point processes)
    #: POINTER variables: name -> node index per instance (the node whose v it points at), or
    #: a :class:`~hocx.sim.pointers.PointerSource` (other targets)
    pointers: dict[str, np.ndarray] = field(default_factory=dict)
    #: POINTERs to HOC variables: name -> [(instance, getter)], read when parameters are packed
    ptr_host: dict = field(default_factory=dict)

    def __post_init__(self):
        self.nodes = np.asarray(self.nodes, dtype=np.int64)
        k = len(self.nodes)
        full = {}
        for name, default in {**self.mech.params, **self.mech.ion_reads}.items():
            val = self.params.get(name, default)
            full[name] = np.broadcast_to(np.asarray(val, dtype=np.float64), (k,)).copy()
        self.params = full
        self.pointers = {name: _pointer_index(self.pointers[name]) for name in self.mech.pointers}
        sizes = {v.name: v.size for v in self.mech.variables}
        for s in self.mech.states:
            if s in self.states:
                shape = (k,) if sizes.get(s, 1) == 1 else (sizes[s], k)   # ARRAY: index leading
                self.states[s] = np.broadcast_to(np.asarray(self.states[s], np.float64), shape).copy()

    @property
    def count(self) -> int:
        return len(self.nodes)


@dataclass
class Lowered:
    """The cable equations of a whole model in NEURON node order (parents first).

    ``parent`` (−1 for root nodes), ``area`` (µm², 100 for bare nodes), ``a``/``b``
    (numerics.md §4.1; 0 for roots), ``cm`` and ``has_cap`` per node, current ``v``,
    ``node_section`` (a section name per node, for messages), and mechanism ``blocks``
    in NEURON's type order.
    """

    parent: np.ndarray
    area: np.ndarray
    a: np.ndarray
    b: np.ndarray
    cm: np.ndarray
    has_cap: np.ndarray
    v: np.ndarray
    blocks: list[MechBlock]
    node_section: list[str] = field(default_factory=list)
    #: the NetCon network (:class:`hocx.sim.events.NetLowered`), None without NetCons
    net: object = None
    #: mechanism name -> NEURON type number (the session registry's); None: the built-ins'
    type_order: dict | None = None
    #: diameter per node (µm; what a mechanism that uses ``diam`` reads), None: unknown
    diam: np.ndarray | None = None

    def __post_init__(self):
        self.parent = np.asarray(self.parent, dtype=np.int64)
        for name in ("area", "a", "b", "cm", "v"):
            setattr(self, name, np.asarray(getattr(self, name), dtype=np.float64).copy())
        self.has_cap = np.asarray(self.has_cap, dtype=bool)
        order = self.type_order or {name: i for i, name in enumerate(MECHANISMS)}
        self.blocks = sorted((b for b in self.blocks if b.count), key=lambda b: order[b.mech.name])
        if self.diam is not None:
            self.diam = np.asarray(self.diam, dtype=np.float64)
        self._ion_plan = None

    def ion_plan(self):
        """(links, index arrays) per block: how each mechanism meets the ion blocks
        (:func:`hocx.sim.ions.plan`)."""
        if self._ion_plan is None:
            from .ions import plan
            self._ion_plan = plan(self.blocks)
        return self._ion_plan

    @property
    def n(self) -> int:
        return len(self.parent)

    def block(self, name: str) -> MechBlock | None:
        for b in self.blocks:
            if b.mech.name == name:
                return b
        return None

    def topology_key(self) -> tuple:
        """Tree, capacitance mask and mechanism placement (what shapes the step)."""
        h = hashlib.sha1()
        h.update(self.parent.tobytes())
        h.update(self.has_cap.tobytes())
        for b in self.blocks:
            h.update(b.mech.name.encode())
            h.update(b.nodes.tobytes())
            for name, idx in b.pointers.items():
                h.update(name.encode())
                h.update(idx.key() if isinstance(idx, PointerSource) else idx.tobytes())
        if self.net is not None:
            for part in self.net.key():
                h.update(repr(part).encode() if not isinstance(part, bytes) else part)
        return (self.n, tuple((b.mech.name, b.count) for b in self.blocks), h.hexdigest())

    def structure_key(self, record_spec: tuple = (), usetable=True) -> tuple:
        flags = tuple(usetable) if isinstance(usetable, (tuple, list)) else bool(usetable)
        return (self.topology_key(), tuple(record_spec), flags)


def describe_change(old: tuple | None, new: tuple) -> str:
    """Why a new structure key needs a new compile, in words."""
    if old is None:
        return "first run of this model"
    (otopo, orec, otab), (ntopo, nrec, ntab) = old, new
    reasons = []
    if otopo[0] != ntopo[0]:
        reasons.append(f"number of nodes changed ({otopo[0]} -> {ntopo[0]})")
    if otopo[1] != ntopo[1]:
        reasons.append(f"mechanism instances changed ({dict(otopo[1])} -> {dict(ntopo[1])})")
    if not reasons and otopo != ntopo:
        reasons.append("topology, nseg or mechanism placement changed")
    if orec != nrec:
        reasons.append(f"recording set changed ({len(orec)} -> {len(nrec)} recorded variables)")
    if otab != ntab:
        if isinstance(otab, tuple) and isinstance(ntab, tuple):
            o, n = dict(otab), dict(ntab)
            for k in sorted(set(o) | set(n)):
                if o.get(k) != n.get(k):
                    reasons.append(f"{k} changed ({_num(o.get(k))} -> {_num(n.get(k))})")
        else:
            reasons.append(f"usetable (every TABLE's usetable_<suffix>) changed "
                           f"({_num(otab)} -> {_num(ntab)})")
    return "; ".join(reasons) or "structure changed"


def _num(x) -> str:
    if isinstance(x, tuple):          # the flags by HOC name: all on, all off, or mixed
        vals = {float(v) for _k, v in x}
        x = vals.pop() if len(vals) == 1 else None
    return "?" if x is None else f"{float(x):g}"
