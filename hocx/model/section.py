"""A NEURON section: an unbranched cable with nseg segments and its range values.

A :class:`Section` stores what NEURON stores per section (``L``, ``Ra``, ``nseg``,
``rallbranch``, where it is connected, its 3-D points) and, per segment, every range
variable of the mechanisms inserted in it (``diam``, ``cm``, ``v``, ``g_pas`` ...).
Node quantities (``v``) also exist at the end node (x = 1) and, for a root section, at
the root node (x = 0); numerics.md §2.1–2.3 says which node a location ``x`` designates.

Every mutation reports to the owning :class:`~hocx.model.cable.CableModel` so its
``version`` / ``structure_version`` counters and cached geometry stay right.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import HocRuntimeError, ModelError, Span
from . import ions
from .mechanisms import Mechanism
from .pt3d import PI, Pt3d, integrate

if TYPE_CHECKING:  # pragma: no cover
    from .cable import CableModel

ALWAYS = ("morphology", "capacitance")   # in every section, never inserted by hand
NODE_VARS = ("v",)
V_DEFAULT = -65.0


def seg_index(nseg: int, x: float) -> int:
    """Segment containing arc position x: floor(nseg·x) clamped to [0, nseg-1] (numerics §2.3)."""
    return min(max(int(math.floor(nseg * x)), 0), nseg - 1)


def check_x(sec: "Section", x: float, span: Span | None = None) -> float:
    x = float(x)
    if not (0.0 <= x <= 1.0):
        raise HocRuntimeError(f"{sec.name()}({x:g}): x must be in the range [0, 1]", span)
    return x


class Section:
    """One section. Create it through :meth:`CableModel.create`, not directly."""

    def __init__(self, model: "CableModel", base: str, indices: tuple[int, ...] = (), owner: Any = None):
        self.model = model
        self.base = base
        self.indices = tuple(indices)
        self.owner = owner                    # HocObject for template sections, else None
        self.uid = model._new_uid()           # creation order (never reused)
        self.exists = True
        self._L = 100.0
        self._Ra = 35.4
        self._nseg = 1
        self._rallbranch = 1.0
        self.parent: Section | None = None
        self.parent_x = 1.0                   # where on the parent we hang
        self.child_end = 0.0                  # which end of this section hangs (0 or 1)
        self.children: list[Section] = []     # NEURON sibling order (see CableModel.connect)
        self.mechs: list[str] = []            # inserted density/ion mechanisms, insertion order
        # NEURON's property list of each segment node, head first (psection prints it reversed)
        self.props: list[list] = [["capacitance", "morphology"]]
        # each ion's iontype per segment (NEURON's style bits, hocx/model/ions.py)
        self.iontype: dict[str, np.ndarray] = {}
        reg = model.registry
        self.seg: dict[str, np.ndarray] = {}
        for m in ALWAYS:
            for var, d in reg.get(m).defaults().items():
                self.seg[var] = np.full(1, d)
        self.seg["v"] = np.full(1, V_DEFAULT)
        self.v_end = V_DEFAULT                # v of the end node (x = 1)
        self.v_root = V_DEFAULT               # v of the root node (x = 0 of a root section)
        self.pt3d = Pt3d()

    # ---- naming ---------------------------------------------------------
    def name(self) -> str:
        """NEURON's name: ``soma``, ``dend[2]``, ``Cell[0].dend[1]``."""
        s = self.base + "".join(f"[{i}]" for i in self.indices)
        if self.owner is not None:
            s = f"{self.owner.hoc_name()}.{s}"
        return s

    hoc_name = name          # the spellings the interpreter's section_name() looks for
    secname = name

    def __repr__(self) -> str:
        return f"<Section {self.name()}{'' if self.exists else ' (deleted)'}>"

    def _alive(self, span: Span | None = None) -> None:
        if not self.exists:
            raise HocRuntimeError("Accessing a deleted section", span)

    def _changed(self, structural: bool = False, geometric: bool = False) -> None:
        self.model._touch(structural, geometric)

    # ---- section properties --------------------------------------------
    @property
    def L(self) -> float:
        """Length in µm (NEURON's section_length: the last arc length when there are 3-D
        points; never below 1e-9)."""
        if self.pt3d.n:
            self._L = float(self.pt3d.arc[-1])
        if self._L <= 1e-9:
            self._L = 1e-9
        return self._L

    @L.setter
    def L(self, value: float) -> None:
        self.set_L(value)

    def set_L(self, value: float, span: Span | None = None) -> None:
        """``L = value``; with 3-D points NEURON rescales them about the first point."""
        value = float(value)
        if not value > 0:
            raise ModelError(f"{self.name()}.L = {value:g}: L must be positive", span)
        if self.pt3d.n:
            self.pt3d.rescale(value)
        self._L = value
        self._changed(geometric=True)

    @property
    def Ra(self) -> float:
        return self._Ra

    @Ra.setter
    def Ra(self, value: float) -> None:
        self._Ra = float(value)
        self._changed(geometric=True)

    @property
    def rallbranch(self) -> float:
        return self._rallbranch

    @rallbranch.setter
    def rallbranch(self, value: float) -> None:
        self._rallbranch = float(value)
        self._changed(geometric=True)

    @property
    def nseg(self) -> int:
        return self._nseg

    @nseg.setter
    def nseg(self, value: float) -> None:
        self.set_nseg(value)

    def set_nseg(self, value: float, span: Span | None = None) -> None:
        """Change nseg by NEURON's rule: each new segment copies the old segment holding its centre."""
        if not math.isfinite(value) or value < 1:
            raise HocRuntimeError(f"{self.name()}.nseg = {value:g}: nseg must be positive", span)
        n = int(value)
        if n > 32767:
            raise HocRuntimeError(f"{self.name()}.nseg = {n}: the maximum is 32767", span)
        if n == self._nseg:
            return
        old = self._nseg
        src, cloned, moved = node_realloc(old, n)
        if self.child_end == 1.0:      # NEURON works in node order: mirror into arc order
            src = [old - 1 - i for i in reversed(src)]
            cloned = cloned[::-1]
            moved = [(old - 1 - i1, n - 1 - i2) for i1, i2 in moved]
        for var, arr in self.seg.items():
            self.seg[var] = arr[src].copy()
        reg = self.model.registry
        old_props = self.props
        self.props = [props_clone(old_props[i], reg) if c else old_props[i]
                      for i, c in zip(src, cloned)]
        for i1, i2 in moved:        # point processes of dropped nodes move to a kept one
            pts = [p for p in old_props[i1] if not isinstance(p, str)]
            self.props[i2][:0] = pts[::-1]
        self._nseg = n
        ions.after_nseg(self, src, cloned, reg)
        self.model._relocate_points(self, src, cloned, moved)
        self._changed(structural=True)

    # ---- mechanisms -----------------------------------------------------
    def has_mech(self, mech: str) -> bool:
        return mech in ALWAYS or mech in self.mechs

    def insert(self, mech: str | Mechanism, span: Span | None = None) -> None:
        """``insert mech``: add it (and the ions it uses) with default values; no-op if present."""
        m = mech if isinstance(mech, Mechanism) else self.model.registry.density(mech, span)
        if m.name in ALWAYS or m.name in self.mechs:
            return
        new = [m]
        for ion in m.ions:
            if ion not in self.mechs:
                new.append(self.model.registry.get(ion))
        for mm in new:
            self.mechs.append(mm.name)
            for var, d in mm.defaults().items():
                self.seg[var] = np.full(self._nseg, d)
        for lst in self.props:
            prop_alloc(lst, m.name, self.model.registry)
        for mm in new[1:]:
            ions.promote_inserted(self, mm.name, self.model.registry)
        ions.promote_inserted(self, m.name, self.model.registry)
        self._changed(structural=True)

    def uninsert(self, mech: str, span: Span | None = None) -> None:
        """``uninsert mech``: remove it (ions stay, as in NEURON)."""
        m = self.model.registry.density(mech, span)
        if m.name in ALWAYS:
            raise ModelError(f"cannot uninsert {m.name}", span)
        if m.name not in self.mechs:
            return
        self.mechs.remove(m.name)
        for lst in self.props:
            lst.remove(m.name)
        for var in m.defaults():          # array variables: every element
            self.seg.pop(var, None)
        self._changed(structural=True)

    def _var_array(self, var: str, span: Span | None) -> np.ndarray:
        arr = self.seg.get(var)
        if arr is not None:
            return arr
        owner = self.model.registry.owner_of(var)
        if owner is None:
            raise self.model.unknown_rangevar(var, span)
        err = HocRuntimeError(f"{owner.name} mechanism not inserted in section {self.name()}", span,
                              hint=f"`{self.name()} insert {owner.name}` first")
        err.nrn_stdout = f"{owner.name} mechanism not inserted in section {self.name()}\n"
        raise err

    # ---- node mapping (numerics.md §2.2–2.3) ------------------------------
    def arc(self, x: float) -> float:
        """Position measured from the attached end (x for normal orientation, 1-x when hung by its 1-end)."""
        return 1.0 - x if self.child_end == 1.0 else x

    def phys(self, k: int) -> int:
        """Position of segment k (arc order) in NEURON's node order of this section."""
        return self._nseg - 1 - k if self.child_end == 1.0 else k

    def node_ref(self, x: float) -> tuple["Section", str, int]:
        """The node at location x as (section, kind, k): kind "seg" (segment k in arc order,
        the index of the range arrays), "end" or "root".  x equal to the attached end
        (``child_end``) is the node this section hangs on (NEURON's node_exact)."""
        if x == 0.0 or x == 1.0:
            if x == self.child_end:
                if self.parent is None:
                    return self, "root", -1
                return self.parent.node_ref(self.parent_x)
            return self, "end", self._nseg
        return self, "seg", seg_index(self._nseg, x)

    def attach_ref(self) -> tuple["Section", str, int]:
        """The node this section hangs on (its parent's node, or its own root node)."""
        return self.node_ref(self.child_end)

    def _node_v(self, ref) -> float:
        sec, kind, j = ref
        if kind == "seg":
            return float(sec.seg["v"][j])
        return sec.v_end if kind == "end" else sec.v_root

    def _set_node_v(self, ref, value: float) -> None:
        sec, kind, j = ref
        if kind == "seg":
            sec.seg["v"][j] = value
        elif kind == "end":
            sec.v_end = value
        else:
            sec.v_root = value

    # ---- range variables -------------------------------------------------
    def get_range(self, var: str, x: float = 0.5, span: Span | None = None) -> float:
        """Value of range variable ``var`` at x (x=0/1 are the end nodes for v)."""
        self._alive(span)
        x = check_x(self, x, span)
        if var == "v":
            return self._node_v(self.node_ref(x))
        arr = self._var_array(var, span)
        if var == "diam" and self.pt3d.n >= 2:
            self.sync_diam()           # 3-D points define diam
        return float(arr[seg_index(self._nseg, x)])

    def set_range(self, var: str, x: float, value: float, span: Span | None = None) -> None:
        """``var(x) = value``: the segment containing x (or the end node for v at 0/1)."""
        self._alive(span)
        x = check_x(self, x, span)
        value = float(value)
        if var == "v":
            self._set_node_v(self.node_ref(x), value)
        else:
            arr = self._var_array(var, span)
            self._before_diam(var)
            arr[seg_index(self._nseg, x)] = value
            self._after_diam(var)
        self._changed(geometric=var == "diam")

    def set_range_all(self, var: str, value: float, span: Span | None = None) -> None:
        """``var = value`` with no (x): every segment, plus both end nodes for v (C28)."""
        self._alive(span)
        value = float(value)
        if var == "v":
            self.seg["v"][:] = value
            self.v_end = value
            if self.parent is None:
                self.v_root = value
            else:
                self._set_node_v(self.attach_ref(), value)
        else:
            arr = self._var_array(var, span)
            self._before_diam(var)
            arr[:] = value
            self._after_diam(var)
        self._changed(geometric=var == "diam")

    def set_range_ramp(self, var: str, x1: float, x2: float, y1: float, y2: float,
                       span: Span | None = None) -> None:
        """``var(x1:x2) = y1:y2``: segments whose centre lies in [x1, x2] get the linear ramp (C26)."""
        self._alive(span)
        x1, x2 = check_x(self, x1, span), check_x(self, x2, span)
        arr = self.seg["v"] if var == "v" else self._var_array(var, span)
        self._before_diam(var)
        n = self._nseg
        for j in range(n):
            xc = (j + 0.5) / n
            if x1 <= xc <= x2:
                val = y1 if x2 == x1 else y1 + (y2 - y1) * (xc - x1) / (x2 - x1)
                arr[j] = val
        self._after_diam(var)
        self._changed(geometric=var == "diam")

    def segment_centres(self) -> list[float]:
        return [(j + 0.5) / self._nseg for j in range(self._nseg)]

    def range_vars(self) -> list[str]:
        """Names of the range variables this section has (diam, cm, v, then inserted mechanisms')."""
        return list(self.seg)

    # ---- 3-D points -----------------------------------------------------------
    def pt3d_edit(self, op: str, *args) -> None:
        """Apply a Pt3d edit (add, insert, change, change_diam, remove, clear); L follows the points."""
        self._alive()
        getattr(self.pt3d, op)(*args)
        if self.pt3d.n and op != "change_diam":
            self._L = self.pt3d.length()
        self._changed(geometric=True)

    def sync_diam(self) -> None:
        """With >= 2 points, diam is the points' mean diameter per segment (NEURON's rule)."""
        if self.pt3d.n >= 2:
            self.segment_geometry()

    def segment_geometry(self):
        """``(area, rleft, rright)`` per segment node in NEURON's node order (numerics §3):
        area in µm², half-segment resistances in MΩ, ``rleft`` on the attached side."""
        n = self._nseg
        if self.pt3d.n >= 2:
            # NEURON integrates from the first 3-D point along its node order
            self._L = self.pt3d.length()
            area, rl, rr, dm = integrate(self.pt3d, n, self._Ra)
            cur = self.seg["diam"]
            for j in range(n):
                k = self.phys(j)
                if abs(dm[j] - cur[k]) > 1e-9 or dm[j] < 1e-5:
                    cur[k] = dm[j]
            return area, rl, rr
        dx = self.L / n
        area = np.empty(n)
        rl = np.empty(n)
        for j in range(n):
            diam = float(self.seg["diam"][self.phys(j)])
            if diam <= 0.0:
                raise ModelError(f"{self.name()}: diameter diam = {diam:g} (must be positive)")
            area[j] = PI * diam * dx
            rl[j] = 1e-2 * self._Ra * (dx / 2) / np.float64(PI * diam * diam / 4.0)
        return area, rl, rl.copy()

    def _before_diam(self, var: str) -> None:
        if var == "diam" and self.pt3d.n >= 2:
            self.sync_diam()

    def _after_diam(self, var: str) -> None:
        if var == "diam" and self.pt3d.n:
            self.pt3d.diam_from_segments(self.seg["diam"], self._L)


def prop_alloc(lst: list, name: str, registry) -> None:
    """NEURON's prop_alloc on one node's list: prepend ``name``, then its ions via need_memb
    (an ion already present moves to the head, a missing one is prepended)."""
    lst.insert(0, name)
    for ion in registry.get(name).ions:
        if ion in lst:
            lst.remove(ion)
        lst.insert(0, ion)


def props_clone(lst: list, registry) -> list:
    """NEURON's node_clone: re-allocate every density mechanism of ``lst`` walking it from
    the head (point processes are not cloned)."""
    out: list = []
    for p in lst:
        if isinstance(p, str):
            if p in out:        # already allocated as an ion of an earlier mechanism
                out.remove(p)
            prop_alloc(out, p, registry)
    return out


def node_realloc(n1: int, n2: int) -> tuple[list[int], list[bool], list[tuple[int, int]]]:
    """NEURON's node_realloc (solve.cpp) for an nseg change n1 -> n2.

    Returns, per new segment, the old segment it comes from and whether it is a clone
    (a reused node keeps its property list and point processes), plus the (old, new)
    pairs of dropped old nodes whose point processes move to a new node.
    """
    src = [-1] * n2
    cloned = [False] * n2
    moved: list[tuple[int, int]] = []
    if n1 < n2:
        for i1 in range(n1):
            src[int(n2 * ((i1 + 0.5) / n1))] = i1
        for i2 in range(n2):
            if src[i2] < 0:
                src[i2] = int(n1 * ((i2 + 0.5) / n2))
                cloned[i2] = True
    else:
        used = set()
        for i2 in range(n2):
            src[i2] = int(n1 * ((i2 + 0.5) / n2))
            used.add(src[i2])
        i1 = 0
        for i2 in range(n2):
            x2 = (i2 + 1.0) / n2
            while i1 < n1:
                if (i1 + 0.5) / n1 > x2:
                    break
                if i1 not in used:
                    moved.append((i1, i2))
                i1 += 1
    return src, cloned, moved
