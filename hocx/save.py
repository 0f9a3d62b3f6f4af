"""``--save OUT.json``: every top-level Vector, written so that nothing is lost.

* The file is written to a temporary file in the same folder, flushed with fsync and
  renamed over OUT.json (``os.replace``): a kill during the write leaves the old file
  intact, never a truncated one.
* NaN and ±Infinity are written as JSON ``null`` (standard JSON has no NaN).
* The CLI saves after a HocError, Ctrl-C and SIGTERM too (``sigterm_as_interrupt``
  makes SIGTERM unwind like Ctrl-C), with whatever was recorded.

Front-end layer (4): reads a Session's top-level names.
"""
from __future__ import annotations

import contextlib
import json
import math
import os
import signal
import tempfile
from typing import Any, Iterator, TextIO


def vectors_of(session) -> dict[str, list[float | None]]:
    """Every top-level Vector (and objref-array element as ``name[i]``)."""
    out: dict[str, list[float | None]] = {}
    ns = session.globals
    for name, kind in ns.kinds.items():
        v = ns.values.get(name)
        if kind == "obj" and _is_vector(v):
            out[name] = _vector_values(v)
        elif kind == "objarray":
            for k, o in v.stored():
                if _is_vector(o):
                    out[f"{name}[{k}]"] = _vector_values(o)
    return out


def _is_vector(v: Any) -> bool:
    return getattr(v, "hoc_class", None) == "Vector"


def _vector_values(v: Any) -> list[float | None]:
    import numpy as np

    data = getattr(v, "x", None)
    if data is None:
        data = getattr(v, "data", [])
    return [x if math.isfinite(x) else None for x in
            np.asarray(data, dtype=float).ravel().tolist()]


def write_json_atomic(path: str, obj: Any) -> None:
    """Write ``obj`` as strict JSON to ``path`` by temp file + fsync + rename; raises OSError."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(obj, f, allow_nan=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):       # make the rename itself durable
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def save_vectors(session, path: str, err: TextIO) -> bool:
    """Save; on failure say why on ``err`` and return False (the CLI then exits 1)."""
    try:
        with deferred_signals():
            write_json_atomic(path, {"vectors": vectors_of(session)})
    except (OSError, ValueError) as e:
        why = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        err.write(f"hocx: cannot write {path}: {why}\n")
        return False
    return True


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While active, SIGTERM unwinds like Ctrl-C (a SIGINT is raised in its place), so a
    running loop or simulation stops the way Ctrl-C stops it and ``--save`` still runs."""
    try:
        old = signal.signal(signal.SIGTERM, lambda _sig, _frame: signal.raise_signal(signal.SIGINT))
    except ValueError:                   # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


@contextlib.contextmanager
def deferred_signals() -> Iterator[None]:
    """Ignore SIGINT/SIGTERM while the save file is written (milliseconds): the
    process is about to exit anyway, and the write must not be cut short."""
    pending: list[int] = []
    try:
        old = {s: signal.signal(s, lambda sig, _f: pending.append(sig))
               for s in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:
        yield
        return
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)
