"""The CLI's ``--max-seconds S`` and ``--max-memory MB`` (front-end layer 4).

The mechanisms live in hocx/interp/limits.py; this module reads the options' values
and applies them to a Session (docs/SAFETY.md):

* ``--max-seconds S`` covers the files, ``-c`` statements and stdin given on the command
  line, together; the REPL (``-i``) that may follow is not limited, and ``--save`` still
  writes what was recorded.  No default, even with ``--safe`` (models legitimately run
  for hours; Ctrl-C stops them).
* ``--max-memory MB`` limits the whole process from the start.  ``--safe`` without it
  uses half the machine's memory, so a hostile model cannot drive the machine into swap;
  ``--max-memory 0`` means no limit.
"""
from __future__ import annotations

import math
from typing import Callable, TextIO

from .interp.limits import MIN_MEMORY_MB, TimeLimit, default_safe_memory_mb, set_memory_limit

LIMIT_OPTIONS = ("--max-seconds", "--max-memory")


def parse_limit(option: str, value: str) -> float:
    """The value of ``--max-seconds``/``--max-memory``; ValueError with the reason."""
    try:
        x = float(value)
    except ValueError:
        x = math.nan
    if not math.isfinite(x) or x < 0:
        unit = "seconds" if option == "--max-seconds" else "MB"
        raise ValueError(f"{option} needs a number of {unit} (0: no limit), not {value!r}")
    if option == "--max-memory" and 0 < x < MIN_MEMORY_MB:
        raise ValueError(f"--max-memory {value} is too small: hocx needs at least "
                         f"{MIN_MEMORY_MB} MB to start JAX (0: no limit)")
    return x


def apply_memory_limit(session, max_memory: float | None, safe: bool,
                       stderr: TextIO) -> Callable[[], None]:
    """Set the process's memory limit: the given one, or the --safe default.  Returns the
    function that puts the previous limit back (``cli.run`` calls it at the end, so an
    in-process caller such as the test suite is not left limited)."""
    given = max_memory is not None
    mb = int(max_memory) if given else (default_safe_memory_mb() if safe else None)
    if not mb:
        return lambda: None
    try:
        return set_memory_limit(session, mb, given=given)
    except (ValueError, OSError) as e:
        stderr.write(f"hocx: warning: cannot set the memory limit of {mb} MB ({e})\n")
        return lambda: None


def time_limit(session, max_seconds: float | None) -> TimeLimit:
    """The ``with`` block the command line's files run in."""
    return TimeLimit(session, max_seconds)
