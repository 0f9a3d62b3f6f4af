"""A progress bar on stderr for long runs (only when stderr is a terminal)."""
from __future__ import annotations

import sys
import time


class Progress:
    """Shows ``t = ... ms [#####    ] 52%`` on stderr, after the run has taken ``delay`` s."""

    def __init__(self, nsteps: int, dt: float, stream=None, delay: float = 0.5):
        self.stream = stream or sys.stderr
        self.nsteps, self.dt = nsteps, dt
        self.start = time.perf_counter()
        self.delay = delay
        self.shown = False
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())

    def update(self, done: int, total: int) -> None:
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
        if self.shown:
            self.stream.write("\r" + " " * 70 + "\r")
            self.stream.flush()
