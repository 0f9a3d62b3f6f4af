"""Give a Session the simulator and training built-ins without importing JAX yet.

The real plug-ins (:mod:`hocx.sim.plugin`, :mod:`hocx.train.plugin`) import JAX, which
costs about 1.5 s and 150 MB: a script that only computes or builds sections should not
pay that.  :func:`install` registers stand-ins under the same names, kinds and docs (and
the simulator globals ``t``, ``dt``, ...).  The first call of any stand-in -- or the
first ``Vector.record``, ``NetCon`` event, ``new CVode()``/``new Fit()``, or use of the
session's ``sim``/``train``/``sweeper`` attribute -- installs the real plug-ins, which
replace every stand-in, and then carries on with the real thing.

Both take the names, kinds and docs from one table, :mod:`hocx.interp.plugin_names`;
``tests/cli/test_startup.py`` checks that the real plug-ins register exactly that table.
"""
from __future__ import annotations

from typing import Any

from .errors import HocNameError
from .interp.objects import EXTENSION_METHODS, HocObject, extend_class
from .interp.plugin_names import ATTRIBUTES  # noqa: F401 - re-exported for hocx.api
from .interp.plugin_names import BUILTINS, CLASSES, EXTENSIONS, HOOKS, SIM_GLOBALS, register_startsw


def install(interp) -> None:
    """Register the stand-ins (called by :class:`hocx.api.Session`)."""
    for name, value in SIM_GLOBALS.items():
        interp.set_global(name, value)
    reg = interp.register_builtin
    for name, (kind, doc) in BUILTINS.items():
        reg(name, _standin(name), kind=kind, doc=doc)
    register_startsw(interp)
    if getattr(interp, "hooks", None) is None:
        interp.hooks = {}
    for hook in HOOKS:
        interp.hooks[hook] = _hook_standin(interp, hook)
    for name, doc in CLASSES.items():
        interp.register_class(name, _class_standin(name), doc=doc)
    for key in EXTENSIONS:
        extend_class(*key, _extension_standin(key))


def is_loaded(interp) -> bool:
    """True once the real plug-ins (and so JAX) are in."""
    return "sim" in vars(interp)


def load(interp) -> None:
    """Install the real simulator and training plug-ins (imports JAX); idempotent."""
    if is_loaded(interp):
        return
    for name in list(interp.builtins):        # the real ones take these names again
        if getattr(interp.builtins[name][0], "hocx_standin", False):
            del interp.builtins[name]
    for name in list(interp.classes):
        if getattr(interp.classes[name], "hocx_standin", False):
            del interp.classes[name]
    from .sim.plugin import install as install_sim
    from .train.plugin import install as install_train
    install_sim(interp)
    install_train(interp)
    # extend_class is process-wide: keep this session's methods on the session and route
    # the class method through it, so another Session cannot take them over
    for key in EXTENSIONS:
        fn = EXTENSION_METHODS.get(key)
        if fn is not None and not getattr(fn, "hocx_standin", False):
            interp.hooks[_ext_hook(key)] = fn
        extend_class(*key, _extension_standin(key))


def _standin(name: str):
    def call(interp, args, span):
        load(interp)
        return interp.builtins[name][0](interp, args, span)
    call.__name__ = f"lazy_{name}"
    call.hocx_standin = True
    return call


def _ext_hook(key: tuple[str, str]) -> str:
    return "method " + ".".join(key)


def _extension_standin(key: tuple[str, str]):
    def call(obj, args, span):
        interp = obj.interp
        load(interp)
        fn = interp.hooks.get(_ext_hook(key))
        if fn is None:
            raise HocNameError(f"{key[1]} not a public member of {obj.hoc_class}", span)
        return fn(obj, args, span)
    call.hocx_standin = True
    return call


def _hook_standin(interp, hook: str):
    def call(*args, **kw):
        load(interp)
        return interp.hooks[hook](*args, **kw)
    return call


def _class_standin(name: str) -> type:
    class Standin(HocObject):
        hoc_class = name
        hocx_standin = True

        def __new__(cls, interp: Any = None, args: list | None = None, span=None):
            load(interp)
            return interp.classes[name](interp, args, span)   # not a Standin: __init__ skipped

    Standin.__name__ = Standin.__qualname__ = f"Lazy{name}"
    return Standin
