"""``session.h``: HOC's top-level names as Python attributes, as ``neuron.h`` (front-end layer).

    s.h.tstop = 100          # set a HOC variable (declared if new, as in HOC)
    s.h.tstop                # -> 100.0
    s.h.soma                 # the section object
    s.h.vsoma                # a Vector (numpy: np.asarray(s.h.vsoma))
    s.h.run()                # call a proc/func or built-in with Python arguments

An unknown name raises ``HocAttributeError``: a HocError (a name error with a did-you-mean
hint) that is also an AttributeError, so ``hasattr`` and ``getattr(h, name, default)`` work.
"""
from __future__ import annotations

from typing import Any

from .errors import HocNameError, suggest

_CALLABLE_KINDS = ("proc", "func", "obfunc", "iterator")


class HocAttributeError(HocNameError, AttributeError):
    """``s.h.nosuch``: an unknown HOC name."""


class HocNames:
    """The top-level HOC names of one session."""

    __slots__ = ("_session",)

    def __init__(self, session):
        object.__setattr__(self, "_session", session)

    def __getattr__(self, name: str) -> Any:
        s = self._session
        kind = s.globals.kinds.get(name)
        if kind in _CALLABLE_KINDS or (kind is None and name in s.builtins):
            return _HocCallable(s, name)
        if kind is None:
            if name in s.classes or name in s.templates:
                return _HocClass(s, name)
            best = suggest(name, list(s.globals.kinds) + list(s.builtins))
            raise HocAttributeError(f"{name} is not a HOC name in this session",
                                    hint=f"did you mean '{best}'?" if best else None)
        return s.get_global(name)

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, bool):
            value = float(value)
        elif isinstance(value, int):
            value = float(value)
        self._session.set_global(name, value)

    def __dir__(self) -> list[str]:
        s = self._session
        return sorted(set(s.globals.kinds) | set(s.builtins) | set(s.classes) | set(s.templates))

    def __repr__(self) -> str:
        return f"<HOC names of {self._session.__class__.__name__} ({len(self._session.globals.kinds)} defined)>"


class _HocCallable:
    """A HOC proc/func or built-in, callable from Python: ``s.h.run()``."""

    __slots__ = ("_session", "name")

    def __init__(self, session, name: str):
        self._session, self.name = session, name

    def __call__(self, *args: Any) -> Any:
        conv = [float(a) if isinstance(a, (int, float)) and not isinstance(a, bool) else a for a in args]
        return self._session.call_proc(self.name, conv)

    def __repr__(self) -> str:
        return f"<HOC function {self.name}>"


class _HocClass:
    """A HOC class or template: ``s.h.Vector(3)`` makes one, like ``new Vector(3)``."""

    __slots__ = ("_session", "name")

    def __init__(self, session, name: str):
        self._session, self.name = session, name

    def __call__(self, *args: Any) -> Any:
        conv = [float(a) if isinstance(a, (int, float)) and not isinstance(a, bool) else a for a in args]
        return self._session.new_object(self.name, conv, None)

    def __repr__(self) -> str:
        return f"<HOC class {self.name}>"
