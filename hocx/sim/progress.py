"""A progress display for long runs: the hook the simulator calls (sim side, no drawing policy).

The plug-in makes one :class:`Progress` per native run, calls ``update(done, total)``
after each chunk of steps and ``close()`` at the end (also on Ctrl-C and errors).  A
front end that wants its own display (a spinner while compiling, a bar with ms/s and
ETA: hocx/progress_view.py) sets ``hocx.interp.progress_hook.DISPLAY`` for the duration of
a run, as ``decimal.localcontext`` does: a factory ``(nsteps, dt) -> object with
update/close`` (or None for no display).  Without one, a plain bar goes to stderr when it is a terminal.
"""
from __future__ import annotations

import sys
import time

from ..interp.progress_hook import DISPLAY   # the front end's display factory (None: the plain bar)


class Progress:
    """Shows ``t = ... ms [#####    ] 52%`` on stderr, after the run has taken ``delay`` s."""

    def __init__(self, nsteps: int, dt: float, stream=None, delay: float = 0.5, display=None):
        factory = display or DISPLAY.get()
        self.view = factory(nsteps, dt) if factory is not None else None
        self.stream = stream or sys.stderr
        self.nsteps, self.dt = nsteps, dt
        self.start = time.perf_counter()
        self.delay = delay
        self.shown = False
        self.enabled = factory is None and bool(getattr(self.stream, "isatty", lambda: False)())

    def update(self, done: int, total: int) -> None:
        if self.view is not None:
            self.view.update(done, total)
            return
        if not self.enabled or time.perf_counter() - self.start < self.delay:
            return
        frac = done / max(total, 1)
        width = 30
        bar = "#" * int(frac * width)
        self.stream.write(f"\rhocx: run {bar:<{width}} {100 * frac:5.1f}% "
                          f"({done}/{total} steps)")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.view is not None:
            self.view.close()
            return
        if self.shown:
            self.stream.write("\r" + " " * 70 + "\r")
            self.stream.flush()
