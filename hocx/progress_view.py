"""The run progress line on a terminal (front-end layer): a spinner while the simulator traces
and compiles, then a bar with simulated ms, ms/s and an ETA; erased when the run ends,
fails or is interrupted; nothing at all when the stream is not a terminal.

    ⠹ hocx: compiling (structure changed: first run of this model)  3.1 s
    hocx: run [##########··········]  50%  t = 100/200 ms  812 ms/s  ETA 0.1 s

The simulator calls the hook in hocx/sim/progress.py (``Progress``) once per native
run; :func:`progress_context` makes that hook draw this line for runs started inside
it (the CLI and the REPL wrap each input in it).  A background thread redraws the line
ten times a second, because the main thread is busy inside XLA while compiling.
"""
from __future__ import annotations

import contextlib
import shutil
import threading
import time
from typing import Callable, Iterator, TextIO

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


def is_tty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def _secs(s: float) -> str:
    if s < 60:
        return f"{s:.1f} s"
    m, s = divmod(int(s + 0.5), 60)
    return f"{m}:{s:02d} min" if m < 60 else f"{m // 60}:{m % 60:02d} h"


class RunProgress:
    """One run's line.  ``update`` comes from the simulator after each chunk; the text is
    written by :meth:`tick` (from the thread, or by hand in tests with ``threaded=False``)."""

    def __init__(self, stream: TextIO, nsteps: int, dt: float, *, t0: float = 0.0,
                 compiling: str | None = None, delay: float = 0.4, interval: float = 0.1,
                 threaded: bool = True, clock: Callable[[], float] = time.monotonic,
                 width: int | None = None):
        self.stream, self.nsteps, self.dt, self.t0 = stream, nsteps, dt, t0
        self.compiling = compiling
        self.delay, self.interval, self.clock = delay, interval, clock
        self.width = width
        self.start = clock()
        self.done = 0
        self.first: tuple[float, int] | None = None     # (time, steps) of the first chunk
        self.last: tuple[float, int] | None = None
        self.shown = 0                                    # length of the text on the line
        self.closed = False
        self._frame = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = None
        if threaded:
            self._thread = threading.Thread(target=self._loop, name="hocx-progress", daemon=True)
            self._thread.start()

    # ---- from the simulator --------------------------------------------------------
    def update(self, done: int, total: int) -> None:
        now = self.clock()
        with self._lock:
            self.done, self.nsteps = done, total
            if self.first is None:
                self.first = (now, done)
            self.last = (now, done)

    def close(self) -> None:
        """Stop redrawing and erase the line (idempotent)."""
        if self.closed:
            return
        self.closed = True
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=1.0)
        with self._lock:
            if self.shown:
                self._write("\r" + " " * self.shown + "\r")
                self.shown = 0

    # ---- drawing ---------------------------------------------------------------------
    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.tick()

    def text(self, now: float | None = None) -> str:
        """What the line says now."""
        now = self.clock() if now is None else now
        with self._lock:
            first, last, done, total = self.first, self.last, self.done, self.nsteps
        if first is None:
            spin = SPINNER[self._frame % len(SPINNER)]
            what = f"compiling ({self.compiling})" if self.compiling else "starting the run"
            return f"{spin} hocx: {what}  {_secs(now - self.start)}"
        frac = done / max(total, 1)
        bar_w = 20
        filled = int(frac * bar_w)
        bar = "#" * filled + "·" * (bar_w - filled)
        t_now, t_end = self.t0 + done * self.dt, self.t0 + total * self.dt
        parts = [f"hocx: run [{bar}] {100 * frac:3.0f}%", f"t = {t_now:g}/{t_end:g} ms"]
        rate = None
        if last is not None and last[1] > first[1] and last[0] > first[0]:
            rate = (last[1] - first[1]) * self.dt / (last[0] - first[0])   # simulated ms per s
        elif first[0] > self.start:
            rate = first[1] * self.dt / (first[0] - self.start)           # includes the compile
        if rate:
            parts.append(f"{rate:.3g} ms/s")
            parts.append(f"ETA {_secs(max(t_end - t_now, 0.0) / rate)}")
        return "  ".join(parts)

    def tick(self, now: float | None = None) -> None:
        """Redraw the line (after ``delay``: short runs show nothing)."""
        now = self.clock() if now is None else now
        if self.closed or now - self.start < self.delay:
            return
        self._frame += 1
        line = self.text(now)
        width = self.width or shutil.get_terminal_size((80, 24)).columns
        line = line[:max(width - 1, 10)]
        with self._lock:
            if self.closed:
                return
            pad = " " * max(self.shown - len(line), 0)
            self._write("\r" + line + pad)
            self.shown = max(len(line), self.shown)

    def _write(self, s: str) -> None:
        try:
            self.stream.write(s)
            self.stream.flush()
        except (OSError, ValueError):
            self.closed = True


def pending_compile(session) -> str | None:
    """Why the run about to start compiles (``structure changed: ...``), None if it does not."""
    engine = getattr(getattr(session, "sim", None), "engine", None)
    program = getattr(engine, "program", None)
    if program is None or getattr(program, "compiles", 1):
        return None
    reason = getattr(getattr(engine, "cache", None), "last_reason", None)
    if not reason or reason == "structure changed":
        return "structure changed"
    return reason if reason.startswith("first run") else f"structure changed: {reason}"


@contextlib.contextmanager
def progress_context(session, stream: TextIO, **options) -> Iterator[list]:
    """Runs started inside draw their progress on ``stream`` (nothing unless it is a terminal);
    every line still open at the end (Ctrl-C, an error) is erased.  ``options`` go to
    :class:`RunProgress` (``delay``, ``interval``, ``threaded``, ``width``)."""
    from .interp.progress_hook import DISPLAY     # JAX-free: no simulator import here

    views: list[RunProgress] = []
    tty = is_tty(stream)

    def factory(nsteps: int, dt: float):
        if not tty:
            return None
        try:
            t0 = float(session.get_global("t"))
        except Exception:   # noqa: BLE001 - no clock yet: count from 0
            t0 = 0.0
        view = RunProgress(stream, nsteps, dt, t0=t0, compiling=pending_compile(session), **options)
        views.append(view)
        return view

    token = DISPLAY.set(factory)
    try:
        yield views
    finally:
        DISPLAY.reset(token)
        for view in views:
            view.close()
