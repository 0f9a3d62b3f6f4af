"""Where HOC names live: namespaces, arrays, procedures, call frames, pointers.

* ``Namespace``: one kind and one value per name (top level, or one object's fields).
  Kinds: var, array, str, obj, objarray, sec, secarray, proc, func, obfunc,
  iterator, template.
* ``HocArray``: ``double a[n][m]`` / ``objref o[n]`` storage (flat, row major).
* ``Proc``: a user proc/func/obfunc/iterator definition.
* ``CallFrame``: one activation (arguments, locals, the object it runs in).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..errors import HocRuntimeError, Span
from .indices import flat_position, subscript
from .objects import CellPointer


class Namespace:
    """Names of one scope: ``kinds[name]`` and ``values[name]``."""

    __slots__ = ("kinds", "values")

    def __init__(self):
        self.kinds: dict[str, str] = {}
        self.values: dict[str, Any] = {}

    def declare(self, name: str, kind: str, value: Any) -> None:
        self.kinds[name] = kind
        self.values[name] = value


class PagedCells:
    """List-like storage for a big array: pages are allocated on first write,
    so ``double x[1e9]`` costs nothing until it is used."""

    PAGE = 1 << 16
    __slots__ = ("size", "fill", "pages")

    def __init__(self, size: int, fill: Any):
        self.size, self.fill, self.pages = size, fill, {}

    def __len__(self) -> int:
        return self.size

    def _check(self, i: int) -> int:
        if i < 0:
            i += self.size
        if not 0 <= i < self.size:
            raise IndexError(i)
        return i

    def __getitem__(self, i: int) -> Any:
        i = self._check(i)
        page = self.pages.get(i >> 16)
        return self.fill if page is None else page[i & 0xFFFF]

    def __setitem__(self, i: int, value: Any) -> None:
        i = self._check(i)
        page = self.pages.get(i >> 16)
        if page is None:
            if value is self.fill or (value.__class__ is float and self.fill.__class__ is float
                                      and repr(value) == repr(self.fill)):
                return            # writing the fill value allocates nothing
            page = self.pages[i >> 16] = [self.fill] * self.PAGE
        page[i & 0xFFFF] = value

    def stored(self):
        """(index, value) of every element on an allocated page."""
        for p in sorted(self.pages):
            base = p << 16
            for k, v in enumerate(self.pages[p]):
                if base + k < self.size:
                    yield base + k, v

    def __iter__(self):
        for i in range(self.size):
            yield self[i]


class HocArray:
    """A fixed-shape array of doubles or objrefs (``double a[2][3]``, ``objref o[4]``).

    Dimensions come from ``indices.shape`` (at most 2e9 elements in all);
    arrays above ``LAZY`` elements use ``PagedCells``."""

    __slots__ = ("name", "dims", "data")
    LAZY = 1 << 20

    def __init__(self, name: str, dims: tuple[int, ...], fill: Any):
        self.name = name
        self.dims = dims
        size = 1
        for d in dims:
            size *= d
        self.data = [fill] * size if size <= self.LAZY else PagedCells(size, fill)

    def stored(self):
        """(index, value) pairs worth visiting (all of them unless the array is paged)."""
        if isinstance(self.data, PagedCells):
            return self.data.stored()
        return enumerate(self.data)

    def flat(self, idx: list[float], eps: float, span: Span | None) -> int:
        """Row-major position of ``a[i][j]``; indices are ``(int)(x + eps)`` as in C."""
        if len(idx) == 0:
            return 0
        if len(idx) != len(self.dims):
            raise HocRuntimeError(f"wrong # of subscripts for {self.name}", span)
        return flat_position([subscript(x, eps) for x in idx], self.dims, self.name, span)


class ArrayPointer(CellPointer):
    """``&a[i]``: a pointer that ``$&1[k]`` can offset from."""

    def __init__(self, array: HocArray, pos: int, name: str):
        self.array, self.pos = array, pos
        super().__init__(lambda: array.data[pos], self._store, name)

    def _store(self, value: float) -> None:
        self.array.data[self.pos] = value

    def offset(self, k: int, span: Span | None) -> "ArrayPointer":
        p = self.pos + k
        if p < 0 or p >= len(self.array.data):
            raise HocRuntimeError(f"pointer index {k} out of range for {self.name}", span)
        return ArrayPointer(self.array, p, f"{self.array.name}[{p}]")


@dataclass(eq=False)
class Proc:
    """A user-defined proc / func / obfunc / iterator."""

    kind: str
    name: str
    locals: tuple
    localobjs: tuple
    body: tuple
    span: Span
    template: Any = None          # TemplateDef when defined inside a template


@dataclass(eq=False)
class CallFrame:
    """One activation of a Proc (or the top level when ``proc`` is None)."""

    proc: Proc | None
    args: list
    slots: list                   # per argument: setter for `$oN = ...` (or None)
    lns: Namespace = field(default_factory=Namespace)      # local / localobj names
    obj: Any = None               # TemplateInstance the code runs in, or None
    iter_body: Any = None         # (stmt, caller frame) while running an iterator
    call_site: Span | None = None
    pushes: int = 0               # sections pushed by push_section() in this frame


@dataclass(eq=False)
class TemplateDef:
    """A ``begintemplate`` ... ``endtemplate`` class."""

    name: str
    span: Span
    ns: Namespace = field(default_factory=Namespace)       # kinds + definition-time values
    decls: dict = field(default_factory=dict)              # name -> (kind, dims) for instances
    publics: set = field(default_factory=set)
    externals: set = field(default_factory=set)
    complete: bool = False
    counter: int = 0
    live: dict = field(default_factory=dict)

    def proc(self, name: str) -> Proc | None:
        if self.ns.kinds.get(name) in ("proc", "func", "obfunc", "iterator"):
            return self.ns.values[name]
        return None


def value_setter(ns: Namespace, name: str) -> Callable[[Any], None]:
    def set_(v: Any) -> None:
        ns.values[name] = v
    return set_
