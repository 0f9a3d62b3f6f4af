"""The cable model of one session: sections, their tree, the section stack, point processes.

:class:`CableModel` is what HOC's ``create``/``connect``/``access``/``insert`` statements
build.  It owns every :class:`~hocx.model.section.Section` (creation order), the section
stack that decides the currently accessed section (CAS), the point processes placed on
nodes, and two counters: ``version`` (any change, values included) and
``structure_version`` (topology, nseg, mechanism set, point-process set).  Derived views
-- :meth:`geometry` (the node arrays of numerics.md §2–4) and :meth:`table` (the model
table) -- are cached on ``version``.
"""
from __future__ import annotations

import sys
from typing import Any, Callable

import numpy as np

from ..errors import HocNameError, HocRuntimeError, ModelError, Span, suggest
from .mechanisms import MechanismRegistry
from .section import Section, check_x


def _fmt(x: float) -> str:
    return f"{x:g}"


class CableModel:
    """Sections, connections, the CAS stack and point processes of one HOC session."""

    def __init__(self, registry: MechanismRegistry | None = None,
                 notice: Callable[[str], None] | None = None):
        self.registry = registry or MechanismRegistry()
        self.notice: Callable[[str], None] = notice or sys.stderr.write   # stderr notices
        self.sections: list[Section] = []           # alive, creation order
        self.point_processes: list[Any] = []        # located point processes, creation order
        self.artificial_cells: list[Any] = []       # NetStim, IntFire1 ... (no location)
        self.netcons: list[Any] = []                # NetCon objects, creation order
        self.random123_streams = 0                  # Random123 streams made (NetStim id3 counter)
        self.version = 0
        self.structure_version = 0
        self.geometry_version = 0                   # topology or areas/resistances changed
        self._geo: tuple[int, int, Any] | None = None
        self._uid = 0
        self._arrays: dict[tuple[int, str], tuple[tuple[int, ...], list[Section]]] = {}
        self._stack: list[Section] = []
        self._accessed: Section | None = None
        self._cache: dict[str, tuple[int, Any]] = {}
        self.distance_origin: tuple[Section, float] | None = None
        # () -> {name: [Section, ...]}: named section groups (top-level SectionList objrefs,
        # `sectionlist NAME` declarations); the interpreter may replace this callback.
        self.named_groups: Callable[[], dict[str, list[Section]]] = lambda: dict(self.groups)
        self.groups: dict[str, list[Section]] = {}

    # ---- bookkeeping -------------------------------------------------------
    def _new_uid(self) -> int:
        self._uid += 1
        return self._uid

    def _touch(self, structural: bool = False, geometric: bool = False) -> None:
        self.version += 1
        if structural:
            self.structure_version += 1
        if structural or geometric:
            self.geometry_version += 1

    def mark_values_changed(self) -> None:
        """Range values were written directly into the sections (the simulator's vectorised
        write-back): bump ``version`` only; geometry and structure are unchanged."""
        self._touch()

    def cached(self, key: str, build: Callable[[], Any]) -> Any:
        """``build()`` cached until the next change of ``version``."""
        hit = self._cache.get(key)
        if hit is not None and hit[0] == self.version:
            return hit[1]
        value = build()
        self._cache[key] = (self.version, value)
        return value

    # ---- create / lookup / delete -------------------------------------------------
    def create(self, name: str, dims: tuple[int, ...] | list = (), owner: Any = None) -> list[Section]:
        """``create name[d1][d2]``: (re)make the sections; old ones of that name are deleted."""
        for d in dims:
            if not 1 <= float(d) < 1e7:
                raise HocRuntimeError(f"create {name}: array dimension {float(d):g} must be at least 1 and less than 1e7")
        dims = tuple(int(d) for d in dims)
        key = (id(owner) if owner is not None else 0, name)
        old = self._arrays.pop(key, None)
        if old is not None:
            for sec in old[1]:
                if sec.exists:
                    self.delete(sec)
        secs: list[Section] = []
        for flat in range(int(np.prod(dims)) if dims else 1):
            idx = tuple(np.unravel_index(flat, dims)) if dims else ()
            secs.append(Section(self, name, tuple(int(i) for i in idx), owner))
        self._arrays[key] = (dims, secs)
        self.sections.extend(secs)
        self._touch(structural=True)
        return secs

    def section_array(self, name: str, owner: Any = None) -> tuple[tuple[int, ...], list[Section]] | None:
        """``(dims, sections)`` created under ``name`` (and owner), or None."""
        return self._arrays.get((id(owner) if owner is not None else 0, name))

    def lookup(self, name: str, indices: tuple = (), owner: Any = None, span: Span | None = None) -> Section:
        """The section ``name[i][j]``; a missing index means 0 (NEURON: ``a`` is ``a[0]``)."""
        got = self.section_array(name, owner)
        if got is None:
            raise HocNameError(f"{name} is not a section", span)
        dims, secs = got
        idx = [int(i) for i in indices] + [0] * (len(dims) - len(indices))
        if len(idx) > len(dims):
            raise HocRuntimeError(f"{name}: too many subscripts", span)
        flat = 0
        for i, d in zip(idx, dims):
            if not 0 <= i < d:
                raise HocRuntimeError(f"{name}[{i}]: subscript out of range (size {d})", span)
            flat = flat * d + i
        sec = secs[flat]
        if not sec.exists:
            raise HocRuntimeError(f"Accessing a deleted section {sec.name()}", span)
        return sec

    def find(self, name: str) -> Section | None:
        """The live section whose full name is ``name`` (``dend[2]``, ``Cell[0].soma``)."""
        for sec in self.sections:
            if sec.name() == name:
                return sec
        return None

    def delete(self, sec: Section) -> None:
        """``delete_section()``: remove it; its children become roots, its point processes unlocated."""
        if not sec.exists:
            return
        if sec.parent is not None:
            sec.parent.children.remove(sec)
        for ch in list(sec.children):
            ch.parent = None
            ch.parent_x = 1.0
        sec.children.clear()
        sec.parent = None
        sec.exists = False
        self.sections.remove(sec)
        for pp in list(self.point_processes):
            if pp.section is sec or (pp.node is not None and pp.node[0] is sec):
                self.unplace(pp)
        self._stack = [s for s in self._stack if s is not sec]
        if self._accessed is sec:
            self._accessed = None
        if self.distance_origin is not None and self.distance_origin[0] is sec:
            self.distance_origin = None
        for lst in self.groups.values():
            lst[:] = [s for s in lst if s is not sec]
        self._touch(structural=True)

    def delete_owned(self, owner: Any) -> None:
        """Delete every section of a template instance (called when the object is freed)."""
        for key in [k for k in self._arrays if k[0] == id(owner)]:
            for sec in self._arrays.pop(key)[1]:
                self.delete(sec)

    # ---- connect ------------------------------------------------------------
    def connect(self, child: Section, child_end: float, parent: Section, parent_x: float,
                span: Span | None = None) -> None:
        """``connect child(child_end), parent(parent_x)``."""
        child._alive(span)
        parent._alive(span)
        child_end = float(child_end)
        if child_end not in (0.0, 1.0):
            raise HocRuntimeError(f"{child.name()} must connect at position 0 or 1 (not {child_end:g})", span)
        parent_x = check_x(parent, parent_x, span)
        if child is parent:
            raise ModelError(f"cannot connect {child.name()} to itself", span)
        anc = parent
        while anc is not None:
            if anc is child:
                raise ModelError(f"connecting {child.name()} to {parent.name()}({parent_x:g}) would make a loop",
                                 span, hint=f"{parent.name()} is already in the subtree of {child.name()}")
            anc = anc.parent
        if child.parent is not None:
            self.notice(f"Notice: {child.name()}({_fmt(child.child_end)}) had previously been connected "
                        f"to parent {child.parent.name()}({_fmt(child.parent_x)})\n")
            child.parent.children.remove(child)
        if child.child_end != child_end:
            child.children.reverse()          # NEURON's reverse_sibling_list
        child.parent = parent
        child.parent_x = parent_x
        child.child_end = child_end
        # NEURON's sibling list: increasing position on the parent, newest first among ties
        pos = parent.arc(parent_x)
        at = next((i for i, s in enumerate(parent.children) if pos <= parent.arc(s.parent_x)),
                  len(parent.children))
        parent.children.insert(at, child)
        self._touch(structural=True)

    def disconnect(self, sec: Section) -> None:
        """``disconnect()``: make ``sec`` a root (no-op for a root)."""
        sec._alive()
        if sec.parent is None:
            return
        sec.parent.children.remove(sec)
        sec.parent = None
        sec.parent_x = 1.0
        sec.child_end = 0.0
        self._touch(structural=True)

    def root(self, sec: Section) -> Section:
        while sec.parent is not None:
            sec = sec.parent
        return sec

    def roots(self) -> list[Section]:
        return [s for s in self.sections if s.parent is None]

    def subtree(self, sec: Section) -> list[Section]:
        """``sec`` and all its descendants, depth-first in NEURON's child order."""
        out = [sec]
        for ch in sec.children:
            out.extend(self.subtree(ch))
        return out

    # ---- section stack (CAS) ---------------------------------------------------
    def push(self, sec: Section) -> None:
        sec._alive()
        self._stack.append(sec)

    def pop(self, span: Span | None = None) -> Section | None:
        """Pop the section stack; like NEURON, popping an empty stack does nothing."""
        if not self._stack:
            return None
        return self._stack.pop()

    def stack_depth(self) -> int:
        return len(self._stack)

    def restore(self, depth: int) -> None:
        """Drop sections pushed above ``depth`` (end of a statement, return, error)."""
        del self._stack[depth:]

    def access(self, sec: Section) -> None:
        """``access sec``: the new default section."""
        sec._alive()
        self._accessed = sec

    def cas(self, span: Span | None = None) -> Section:
        """The currently accessed section: top of the stack, else the default section."""
        if self._stack:
            sec = self._stack[-1]
            if not sec.exists:
                raise HocRuntimeError("Accessing a deleted section", span)
            return sec
        if self._accessed is not None and self._accessed.exists:
            return self._accessed
        if self.sections:
            return self.sections[0]
        raise HocRuntimeError("Section access unspecified", span)

    def has_cas(self) -> bool:
        return bool(self._stack) or bool(self.sections)

    # ---- point processes ------------------------------------------------------
    def place(self, pp: Any, sec: Section, x: float, span: Span | None = None) -> None:
        """Put point process ``pp`` on the node of ``sec(x)`` (numerics §2.3)."""
        sec._alive(span)
        x = check_x(sec, x, span)
        if pp.node is not None:
            self._detach(pp)
        else:
            self.point_processes.append(pp)
        pp.section = sec
        pp.node = sec.node_ref(x)
        self._attach(pp)
        self._touch(structural=True)

    def unplace(self, pp: Any) -> None:
        """Take ``pp`` out of the model (freed object, deleted section)."""
        if pp in self.point_processes:
            self._detach(pp)
            self.point_processes.remove(pp)
            pp.node = None
            pp.section = None
            self._touch(structural=True)

    def _attach(self, pp: Any) -> None:
        owner, kind, j = pp.node
        if kind == "seg":
            owner.props[j].insert(0, pp)

    def _detach(self, pp: Any) -> None:
        owner, kind, j = pp.node
        if kind == "seg":
            lst = owner.props[j]
            for i, p in enumerate(lst):
                if p is pp:
                    del lst[i]
                    break

    def _relocate_points(self, sec: Section, src, cloned, moved) -> None:
        """After ``sec.nseg`` changed: move point processes to the node NEURON moves them to."""
        for pp in self.point_processes:
            owner, kind, j = pp.node
            if owner is not sec or kind != "seg":
                continue
            new = next((i2 for i2, (s, c) in enumerate(zip(src, cloned)) if s == j and not c), None)
            if new is None:
                new = next(i2 for i1, i2 in moved if i1 == j)
            pp.node = (owner, kind, new)

    def point_node(self, pp: Any) -> int:
        """Index in :meth:`geometry` of the node a located point process sits on."""
        return self.geometry().node_of_ref(pp.node)

    def loc(self, pp: Any) -> float:
        """``get_loc()`` position of a located point process: node centre, 0 or 1."""
        owner, kind, j = pp.node
        sec = pp.section
        if owner is not sec:
            return sec.arc(0.0)
        if kind == "end":
            return sec.arc(1.0)
        if kind == "root":
            return 0.0
        return (j + 0.5) / sec.nseg

    # ---- errors ------------------------------------------------------------
    def unknown_rangevar(self, var: str, span: Span | None = None) -> HocNameError:
        hint = suggest(var, self.registry.rangevars())
        return HocNameError(f"{var} is not a range variable", span,
                            hint=f"did you mean '{hint}'?" if hint else None)

    # ---- derived views --------------------------------------------------------
    def geometry(self):
        """Node arrays in NEURON's order (numerics.md §2–4).

        Rebuilt when ``geometry_version`` changes (topology, L, diam, Ra, rallbranch, 3-D
        points); a change of values only (v, cm, mechanism parameters) just refreshes the
        ``cm`` and ``v`` arrays of the cached geometry.
        """
        from .geometry import build_geometry, refresh_values
        hit = self._geo
        if hit is None or hit[0] != self.geometry_version:
            geo = build_geometry(self)
        else:
            geo = hit[2]
            if hit[1] != self.version:
                refresh_values(geo)
        self._geo = (self.geometry_version, self.version, geo)
        return geo

    def table(self):
        """The model table: one row per segment, columnar numpy; cached on ``version``."""
        from .table import build_table, with_groups
        return with_groups(self.cached("table", lambda: build_table(self)), self)

    def edges(self):
        """The edge table: one row per point process, graded synapse and NetCon."""
        from .table import build_edges, edges_with_groups
        return edges_with_groups(self.cached("edges", lambda: build_edges(self)), self)

    def write_back(self, var: str, values_per_node) -> None:
        """Store simulator results (``v`` or a mechanism variable) given per node of :meth:`geometry`."""
        geo = self.geometry()
        vals = np.asarray(values_per_node, dtype=float)
        if vals.shape != (geo.n,):
            raise ValueError(f"write_back({var!r}): expected {geo.n} values, got shape {vals.shape}")
        for sec in geo.sections:
            i0 = geo._first[id(sec)]
            n = sec.nseg
            k = np.array([sec.phys(j) for j in range(n)])     # node j holds segment k
            if var == "v":
                sec.seg["v"][k] = vals[i0:i0 + n]
                sec.v_end = float(vals[i0 + n])
                root = geo._root.get(id(sec))
                if root is not None:
                    sec.v_root = float(vals[root])
            elif var in sec.seg:
                sec.seg[var][k] = vals[i0:i0 + n]
        if var == "v":
            geo.v[:] = vals
        self._touch()
