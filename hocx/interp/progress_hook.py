"""Where a front end hands the simulator its run-progress display (JAX-free, so the CLI and
the REPL can set it without importing the simulation layer).

:data:`DISPLAY` holds, for the runs started in the current context, a factory
``(nsteps, dt) -> object with update(done, total) and close()`` (or returning None for no
display); ``hocx/sim/progress.py`` reads it, ``hocx/progress_view.py`` sets it around each
input, as ``decimal.localcontext`` does.  None (the default) keeps the simulator's plain bar.
"""
from __future__ import annotations

from contextvars import ContextVar
from typing import Any, Callable

DISPLAY: ContextVar[Callable[[int, float], Any] | None] = ContextVar("hocx_progress_display",
                                                                    default=None)
