"""Loading ``.mod`` files from HOC: ``nrn_load_dll(path)``, and the session's mod loader.

``install`` gives the interpreter its :class:`~hocx.interp.mod_loader.ModLoader`
(``interp.mod_loader``, with the disk cache of translations) and makes the HOC globals of
the mechanisms already registered (the built-ins' GLOBALs and flags, ``usetable_hh``).

``nrn_load_dll(path)`` takes what NEURON takes -- a compiled library
(``x86_64/libnrnmech.so``, ``x86_64/.libs/libnrnmech.so``), whose ``.mod`` sources hocx finds
beside it and translates -- and also a folder of ``.mod`` files or one ``.mod`` file.  It
returns 1 when the mechanisms were registered.  A path that does not exist returns 0, as in
NEURON (with a warning); a library whose sources cannot be found, a mod that does not
translate, or a second load of the same mechanisms ("The user defined name already exists:
hcn") is an error.
"""
from __future__ import annotations

import os

from ...errors import HocError
from ..mod_cache import ModCache
from ..mod_loader import ARCH_DIRS, ModLoader, install_functions, install_globals
from ..mod_methods import install_methods
from ..objects import as_str
from ..safety import check_read, expand_file_name


def install(interp) -> None:
    interp.mod_loader = ModLoader(interp, cache=ModCache(safe=bool(getattr(interp, "safe", False))))
    model = getattr(interp, "model", None)
    if model is not None:
        for spec in model.registry.specs:
            install_globals(interp, spec)
        for std in getattr(model.registry, "stdlib", {}).values():   # rates_hh(v), vtrap_hh(x, y)
            install_functions(interp, std)
            install_methods(interp, std)                               # IntFire1's c.M()
    interp.register_builtin("nrn_load_dll", _nrn_load_dll, kind="func",
                            doc='nrn_load_dll("path"): load mechanisms: a folder of .mod files, a '
                                '.mod file, or a NEURON library (x86_64/libnrnmech.so) whose '
                                '.mod files sit beside it; 1 when loaded')


def _nrn_load_dll(interp, args, span):
    if len(args) != 1:
        raise HocError("nrn_load_dll(\"path\"): one argument", span)
    try:
        path = as_str(args[0])
    except HocError as e:
        raise e.with_span(span)
    path = expand_file_name(interp, path, span, "nrn_load_dll")      # --safe: safety.py
    check_read(interp, os.path.expanduser(path), span, "nrn_load_dll")
    if not _exists(path):
        interp.warn(f"nrn_load_dll: {path}: no such file or folder (nothing loaded)", span)
        return 0.0
    res = interp.mod_loader.load([path], span, check=_safe_check(interp, span))
    if res.errors:
        e = res.errors[0]
        if e.span is None:
            raise e.with_span(span)
        raise e
    return 1.0


def _safe_check(interp, span):
    """Under --safe: refuse a path the script may not read (hocx.interp.safety)."""
    if not getattr(interp, "safe", False):
        return None
    return lambda p: check_read(interp, p, span, "nrn_load_dll")


def _exists(path: str) -> bool:
    """Does ``path`` name something?  A library path in an existing nrnivmodl folder counts
    (``x86_64/.libs/libnrnmech.so`` of NEURON 8 scripts: NEURON 9 has no ``.libs``)."""
    p = os.path.expanduser(path)
    if os.path.exists(p) or os.path.isfile(p + ".mod"):
        return True
    folder = os.path.dirname(os.path.abspath(p))
    if os.path.basename(folder) == ".libs":
        folder = os.path.dirname(folder)
    return os.path.basename(folder) in ARCH_DIRS and os.path.isdir(folder)
