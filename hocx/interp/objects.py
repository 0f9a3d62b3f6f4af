"""The object protocol shared by every HOC class (built-in or template).

Values in the interpreter are:
  * ``float``                   every HOC number
  * ``str``                     string literals / strdef contents
  * ``HocObject`` or ``None``   object references (``None`` is NULLobject)
  * ``Pointer``                 an ``&var`` argument
  * ``StrRef``                  a strdef (or ``$s``) passed by reference

A built-in class subclasses ``HocObject``; its HOC methods are Python methods
named ``m_<name>(self, args, span)`` and its data members are Python properties
listed in ``hoc_fields``.  The interpreter numbers objects per class
(``Vector[0]``) and reuses freed indices (conformance C23).
"""
from __future__ import annotations

from typing import Any, Callable, ClassVar

from ..errors import HocNameError, HocTypeError, Span


class Pointer:
    """Something ``&expr`` produced: a settable, readable double.

    Subclasses identify what they point at so the simulator can record it
    (``RangeRef`` in hocx.model, ``MemberRef`` for point-process fields, ...).
    """

    def get(self) -> float:  # pragma: no cover - interface
        raise NotImplementedError

    def set(self, value: float) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def describe(self) -> str:
        return "pointer"


class CellPointer(Pointer):
    """Pointer to a plain interpreter variable or array element, via callbacks."""

    def __init__(self, getter: Callable[[], float], setter: Callable[[float], None], name: str):
        self._get, self._set, self.name = getter, setter, name

    def get(self) -> float:
        return self._get()

    def set(self, value: float) -> None:
        self._set(float(value))

    def describe(self) -> str:
        return self.name


class StrRef:
    """A strdef (or ``$s``) passed by reference: builtins like sprint() write through it."""

    def __init__(self, getter: Callable[[], str], setter: Callable[[str], None]):
        self._get, self._set = getter, setter

    @property
    def value(self) -> str:
        return self._get()

    def set(self, value: str) -> None:
        self._set(str(value))

    def __str__(self) -> str:
        return self._get()


def as_str(v: Any) -> str:
    if isinstance(v, StrRef):
        return v.value
    if isinstance(v, str):
        return v
    raise HocTypeError("expected a string argument")


def as_float(v: Any) -> float:
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, Pointer):
        return v.get()
    raise HocTypeError("expected a number argument")


# Methods that later layers add to existing classes (e.g. hocx.train adds
# SectionList.make_trainable): {(hoc_class, method): fn(obj, args, span)}.
EXTENSION_METHODS: dict[tuple[str, str], Callable[..., Any]] = {}


def extend_class(hoc_class: str, name: str, fn: Callable[..., Any]) -> None:
    """Register ``fn(obj, args, span)`` as method ``name`` of every ``hoc_class`` object."""
    EXTENSION_METHODS[(hoc_class, name)] = fn


class HocObject:
    """Base of all HOC objects."""

    hoc_class: ClassVar[str] = "Object"
    # data members readable (and, if in hoc_settable, writable) as obj.name
    hoc_fields: ClassVar[tuple[str, ...]] = ()
    hoc_settable: ClassVar[tuple[str, ...]] = ()
    # one-line descriptions of members, for REPL completion and help
    hoc_doc: ClassVar[dict[str, str]] = {}

    def __init__(self, interp: Any = None, args: list | None = None, span: Span | None = None):
        self.interp = interp
        self.hoc_index: int = -1   # assigned by the interpreter's object registry
        self.refcount: int = 0     # objref references, maintained by the interpreter

    # ---- naming -------------------------------------------------------
    def hoc_name(self) -> str:
        return f"{self.hoc_class}[{self.hoc_index}]"

    def __repr__(self) -> str:          # what NEURON's Python shows: Vector[0], List[2], ...
        return self.hoc_name() if self.hoc_index >= 0 else f"{self.hoc_class}[?] (not yet referenced from HOC)"

    # ---- members ------------------------------------------------------
    @classmethod
    def hoc_methods(cls) -> list[str]:
        ext = {m for (c, m) in EXTENSION_METHODS if c == cls.hoc_class}
        return sorted({n[2:] for n in dir(cls) if n.startswith("m_")} | ext)

    @classmethod
    def hoc_members(cls) -> list[str]:
        return sorted(set(cls.hoc_methods()) | set(cls.hoc_fields))

    def has_member(self, name: str) -> bool:
        return (hasattr(self, "m_" + name) or name in self.hoc_fields
                or (self.hoc_class, name) in EXTENSION_METHODS)

    def hoc_call(self, name: str, args: list, span: Span | None = None) -> Any:
        fn = getattr(self, "m_" + name, None)
        if fn is None and (self.hoc_class, name) in EXTENSION_METHODS:
            return EXTENSION_METHODS[(self.hoc_class, name)](self, args, span)
        if fn is None:
            if name in self.hoc_fields:
                raise HocTypeError(f"{self.hoc_class}.{name} is not a function", span)
            raise self._unknown(name, span)
        return fn(args, span)

    def hoc_get(self, name: str, index: float | None = None, span: Span | None = None) -> Any:
        if name in self.hoc_fields:
            val = getattr(self, name)
            if index is not None:
                return val[int(index)]
            return val
        # HOC allows `vec.size` for `vec.size()`, and `list.object[i]` for `list.object(i)`
        args = [] if index is None else [float(index)]
        fn = getattr(self, "m_" + name, None)
        if fn is not None:
            return fn(args, span)
        ext = EXTENSION_METHODS.get((self.hoc_class, name))
        if ext is not None:
            return ext(self, args, span)
        raise self._unknown(name, span)

    def hoc_set(self, name: str, value: Any, index: float | None = None, span: Span | None = None) -> None:
        if name in self.hoc_settable:
            if index is not None:
                getattr(self, name)[int(index)] = value
            else:
                setattr(self, name, value)
            return
        if self.has_member(name):
            raise HocTypeError(f"{self.hoc_class}.{name} cannot be assigned", span)
        raise self._unknown(name, span)

    def _unknown(self, name: str, span: Span | None) -> HocNameError:
        from ..errors import suggest

        hint = suggest(name, self.hoc_members())
        return HocNameError(
            f"{name} not a public member of {self.hoc_class}",
            span,
            hint=f"did you mean '{hint}'?" if hint else None,
        )

    # called when the last reference goes away (point processes leave the model)
    def hoc_free(self) -> None:
        pass
