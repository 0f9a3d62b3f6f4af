"""File names as HOC sees them: nrniv's ``$(VAR)`` expansion, and what ``--safe`` may read.

Every built-in that opens a file for reading (``load_file``, ``xopen``, ``ropen``,
``File.ropen`` and, through the File, ``Vector.scanf``/``vread``, ``getstr``, ``fscan``,
``Fit`` target files, ``nrn_load_dll`` when it lands) turns the name it was given into
a path with ``expand_file_name`` and checks that path with ``check_read`` before it
touches the file system.

Without ``--safe`` (``interp.safe`` false) names are expanded exactly as nrniv's
``expand_env_var`` does and nothing is refused.

With ``--safe`` (docs/SAFETY.md):

* ``$(VAR)`` is not expanded: the environment is not the script's to read
  (``$(NEURONHOME)/lib/hoc/x.hoc`` still names hocx's own copy of ``x.hoc``);
* a file may be read only when its real path (symlinks and ``..`` resolved) lies under
  one of ``interp.read_roots`` (the folders of the files the front end ran: the main
  script's folder tree, the ``--mod`` folders) or hocx's stdlib folder; ``/proc``,
  ``/dev`` and ``/sys`` are refused even under a root;
* a refusal is a HocRuntimeError at the call, with a hint naming the allowed folders.

Layer 2 (interpreter): imports only hocx.errors and hocx._resources.
"""
from __future__ import annotations

import os
from typing import Any, Mapping

from .._resources import stdlib_dir
from ..errors import HocRuntimeError, Span

#: never readable under --safe, wherever the script lives
_SYSTEM_TREES = ("/proc", "/dev", "/sys")

#: nrniv asserts a variable name inside $( ) is shorter than 200 bytes
_MAX_VAR_NAME = 199


def expand_env_var(name: str, environ: Mapping[str, str] | None = None) -> str:
    """nrniv's ``expand_env_var``: every ``$(VAR)`` becomes the variable's value, or nothing
    when it is unset; an unterminated ``$(VAR`` at the end is dropped.  ``$(NEURONHOME)``
    is the environment's NEURONHOME (empty when unset: ``find_file`` then maps
    ``…/lib/hoc/x.hoc`` to hocx's stdlib)."""
    if "$(" not in name:
        return name
    env = os.environ if environ is None else environ
    out: list[str] = []
    i, n = 0, len(name)
    while i < n:
        if name.startswith("$(", i):
            close = name.find(")", i + 2)
            if close < 0:                       # nrniv copies nothing of an unterminated $(
                break
            var = name[i + 2:close]
            if len(var) > _MAX_VAR_NAME:
                raise HocRuntimeError(f"environment variable name too long in {name[:60]!r}")
            out.append(env.get(var, "") if var else "")
            i = close + 1
        else:
            j = name.find("$(", i)
            j = n if j < 0 else j
            out.append(name[i:j])
            i = j
    return "".join(out)


_STDLIB_PREFIX = "$(NEURONHOME)/lib/hoc/"


def expand_file_name(interp: Any, name: str, span: Span | None, what: str) -> str:
    """The path a file-reading or -writing built-in opens for ``name``.

    Under --safe a ``$(VAR)`` is refused, except ``$(NEURONHOME)/lib/hoc/x``, which names
    hocx's stdlib copy of ``x``."""
    if "$(" not in name:
        return name
    if not interp.safe:
        return expand_env_var(name)
    if name.startswith(_STDLIB_PREFIX) and "$(" not in name[len(_STDLIB_PREFIX):]:
        return os.path.join(str(stdlib_dir()), name[len(_STDLIB_PREFIX):])
    raise HocRuntimeError(f"{what}: --safe does not expand $(...) in file names: {_short(name)}", span,
                          hint="--safe keeps the environment from the script; "
                               "give the file's path relative to the script")


def allowed_roots(interp: Any) -> list[str]:
    """The folders --safe lets ``interp`` read under (real paths)."""
    return [*interp.read_roots, os.path.realpath(str(stdlib_dir()))]


def is_readable(interp: Any, path: str) -> bool:
    """True when ``path`` may be read: always without --safe; under --safe when its real
    path lies under an allowed root and outside /proc, /dev and /sys."""
    if not interp.safe:
        return True
    real = os.path.realpath(path)
    if any(_under(real, t) for t in _SYSTEM_TREES):
        return False
    return any(_under(real, root) for root in allowed_roots(interp))


def escapes(interp: Any, name: str, path: str) -> bool:
    """Is refusing ``path`` (a candidate for ``name``) an attack rather than a search place
    outside the allowed folders?  True when ``name`` is absolute or climbs with ``..``, or
    ``path`` lies in an allowed folder but resolves outside it (a symlink)."""
    if os.path.isabs(name) or ".." in name.replace("\\", "/").split("/"):
        return True
    plain = os.path.normpath(os.path.abspath(path))
    return any(_under(plain, root) for root in allowed_roots(interp))


def check_read(interp: Any, path: str, span: Span | None, what: str) -> None:
    """Raise a HocRuntimeError at ``span`` when --safe forbids reading ``path``."""
    if not is_readable(interp, path):
        real = os.path.realpath(path)
        shown = _short(path) if real == path else f"{_short(path)} ({_short(real)})"
        raise HocRuntimeError(f"{what}: --safe refuses to read {shown}", span,
                              hint=f"--safe allows reading only under {_roots_text(interp)}")


def add_read_root(interp: Any, folder: str) -> None:
    """Let --safe read ``folder`` and everything under it (the front end calls this for the
    folders of the scripts it runs and for --mod folders)."""
    real = os.path.realpath(folder)
    if real not in interp.read_roots:
        interp.read_roots.append(real)


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _roots_text(interp: Any) -> str:
    return ", ".join(allowed_roots(interp))


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
