"""A tiny stand-in for the interpreter, so built-in classes can be tested directly.

It implements only the part of the Interpreter API (docs/ARCHITECTURE.md) that
built-ins use: out/err, register_builtin/register_class, get_global,
call_proc, names, hooks and the object registry (``objects``).
"""
from __future__ import annotations

import pytest

from hocx.interp.objects import StrRef


class FakeRegistry:
    """The part of the interpreter's object registry built-ins use."""

    def __init__(self):
        self.counters: dict[str, int] = {}
        self.live: dict[str, dict[int, object]] = {}

    def register(self, obj):
        if obj.hoc_index < 0:
            i = self.counters.get(obj.hoc_class, 0)
            self.counters[obj.hoc_class] = i + 1
            obj.hoc_index = i
            self.live.setdefault(obj.hoc_class, {})[i] = obj
        return obj

    def ref(self, obj):
        self.register(obj)
        obj.refcount += 1

    def unref(self, obj):
        obj.refcount -= 1
        if obj.refcount <= 0:
            self.live.get(obj.hoc_class, {}).pop(obj.hoc_index, None)
            obj.hoc_free()

    def instances(self, cls):
        return [o for _, o in sorted(self.live.get(cls, {}).items())]


class FakeInterp:
    def __init__(self):
        self.objects = FakeRegistry()
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self.builtins: dict[str, tuple] = {}
        self.classes: dict[str, type] = {}
        self.globals: dict[str, float] = {"float_epsilon": 1e-11}
        self.procs: dict = {}
        self.hooks: dict = {}
        self.safe = False

    # output
    def out(self, text: str) -> None:
        self.stdout.append(text)

    def err(self, text: str) -> None:
        self.stderr.append(text)

    @property
    def text(self) -> str:
        return "".join(self.stdout)

    # registration
    def register_builtin(self, name, fn, *, kind="func", doc=""):
        self.builtins[name] = (fn, kind)

    def register_class(self, name, cls, *, doc=""):
        self.classes[name] = cls

    # helpers for tests
    def new(self, cls_name, *args):
        return self.objects.register(self.classes[cls_name](self, list(args), None))

    def call(self, name, *args):
        fn, _ = self.builtins[name]
        return fn(self, list(args), None)

    def get_global(self, name):
        return self.globals[name]

    def set_global(self, name, value):
        self.globals[name] = value

    def call_proc(self, name, args):
        if name not in self.procs:          # as the interpreter does for an unknown name
            from hocx.errors import HocNameError
            raise HocNameError(f"{name} is not a procedure or function")
        return self.procs[name](*args)

    def names(self):
        return {n: "builtin" for n in self.builtins} | {n: "template" for n in self.classes}


def strdef(value: str = "") -> StrRef:
    box = [value]
    ref = StrRef(lambda: box[0], lambda v: box.__setitem__(0, v))
    return ref


@pytest.fixture
def interp():
    from hocx.interp.builtins import file, gui, list as list_mod, matrix, random, strings, vector

    it = FakeInterp()
    for mod in (strings, vector, list_mod, file, matrix, random, gui):
        mod.install(it)
    return it


@pytest.fixture
def sdef():
    """Factory for strdef references: ``s = sdef("text")``; ``s.value`` reads it back."""
    return strdef
