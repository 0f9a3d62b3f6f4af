"""Resource limits for a run: ``--max-seconds`` (time) and ``--max-memory`` (memory).

Time (``TimeLimit``).  For the duration of the ``with`` block the interpreter has a
deadline.  It is enforced in three ways, from the cleanest to the bluntest:

1. every HOC loop iteration calls ``Interpreter.tick``, which raises ``LimitReached``
   ("time limit of S s reached") at the loop's statement once the deadline has passed;
2. a SIGALRM timer (main thread only) fires at the deadline and again every
   ``RECHECK_S`` seconds after it.  From the second firing on, when the code running
   is not a HOC loop (a long built-in, the parser, recursion without loops), the
   handler raises ``LimitReached`` where Python is;
3. while the simulator advances in chunks it owns SIGINT (Ctrl-C stops at the next
   chunk boundary and keeps what was computed); the handler then delivers an interrupt
   the same way (a second one after ``CHUNK_GRACE_S`` when the chunk boundary does not
   come), and ``Interpreter.run_toplevel`` turns the resulting
   KeyboardInterrupt into ``LimitReached`` at the user's statement.

``execute1`` does not swallow ``LimitReached``.  When the block ends the timer and the
deadline are gone: the REPL (``-i``) and ``--save`` work as after any error.  A single C
call (one XLA compilation, one simulator chunk) is not cut short: the limit takes effect
when it returns.

Memory (``set_memory_limit``): ``RLIMIT_DATA`` (heap and private anonymous mappings:
what numpy, Python and XLA allocate) is set for the whole process.  ``RLIMIT_AS`` is not
used: JAX reserves several GB of address space it never touches and would not start.
An allocation past the limit is a MemoryError, which ``run_toplevel`` reports as a
HocError naming the limit (``memory_error``).  An allocation that fails inside native
code that does not expect it (XLA's thread pools) can still abort the process.

Layer 2 (interpreter): imports only hocx.errors.
"""
from __future__ import annotations

import os
import resource
import signal
import threading
import time
from typing import Any, Callable

from ..errors import HocRuntimeError, Span

#: seconds between SIGALRM firings once the deadline has passed
RECHECK_S = 0.5

#: how long a simulator chunk may take to reach its boundary before it is interrupted
CHUNK_GRACE_S = 5.0

#: the smallest --max-memory hocx accepts (JAX needs about 200 MB of heap to start)
MIN_MEMORY_MB = 300


class LimitReached(HocRuntimeError):
    """--max-seconds ran out.  Not caught by execute1()."""


def time_limit_error(interp: Any, span: Span | None) -> LimitReached:
    seconds = interp.time_limit_s
    return LimitReached(f"time limit of {seconds:g} s reached", span,
                        hint=f"hocx was started with --max-seconds {seconds:g}")


def memory_error(interp: Any, span: Span | None) -> HocRuntimeError:
    mb = interp.max_memory_mb
    if mb:
        hint = (f"hocx runs with a memory limit of {mb} MB (--max-memory {mb}"
                f"{'' if interp.max_memory_given else ', the --safe default'}); "
                "give a larger --max-memory if the model really needs it")
    else:
        hint = "this statement asked for more memory than the machine has"
    return HocRuntimeError("out of memory", span, hint=hint)


def physical_memory_mb() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1 << 20)
    except (ValueError, OSError, AttributeError):
        return None


def default_safe_memory_mb() -> int | None:
    """--safe without --max-memory: half the machine's memory (at least MIN_MEMORY_MB)."""
    total = physical_memory_mb()
    return None if total is None else max(MIN_MEMORY_MB, total // 2)


def set_memory_limit(interp: Any, mb: int, *, given: bool = True) -> Callable[[], None]:
    """Limit the process's data segment to ``mb`` MiB (soft limit; never raised above the
    hard limit); returns the function that restores the previous limit.  Raises
    ValueError when the system refuses."""
    old = resource.getrlimit(resource.RLIMIT_DATA)
    hard = old[1]
    limit = mb << 20
    if hard != resource.RLIM_INFINITY and limit > hard:
        limit = hard
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    interp.max_memory_mb = mb
    interp.max_memory_given = given

    def restore() -> None:
        resource.setrlimit(resource.RLIMIT_DATA, old)
        interp.max_memory_mb = None

    return restore


class TimeLimit:
    """``with TimeLimit(interp, seconds):`` -- see the module doc.  ``seconds`` None or 0:
    no limit (the block runs unchanged)."""

    def __init__(self, interp: Any, seconds: float | None):
        self.interp = interp
        self.seconds = seconds if seconds else None
        self._old_handler = None
        self._armed = False
        self._fired = 0
        self._delivered: float | None = None   # when the simulator was told to stop

    def __enter__(self) -> "TimeLimit":
        if self.seconds is None:
            return self
        interp = self.interp
        interp.time_limit_s = self.seconds
        interp.time_expired = False
        interp.deadline = time.monotonic() + self.seconds
        if threading.current_thread() is threading.main_thread():
            self._old_handler = signal.signal(signal.SIGALRM, self._alarm)
            signal.setitimer(signal.ITIMER_REAL, self.seconds, RECHECK_S)
            self._armed = True
        return self

    def __exit__(self, *exc) -> bool:
        if self.seconds is None:
            return False
        if self._armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._old_handler or signal.SIG_DFL)
            self._armed = False
        self.interp.deadline = None
        self.interp.time_expired = False
        return False

    def _alarm(self, signum, frame) -> None:
        self.interp.time_expired = True
        self._fired += 1
        if self._fired == 1:          # first firing: let the loops' tick() stop cleanly
            return
        current = signal.getsignal(signal.SIGINT)
        if callable(current) and current is not signal.default_int_handler:
            # the simulator's chunk loop: stop at the next chunk boundary, keeping the
            # recording; a second delivery (after CHUNK_GRACE_S) gives up waiting for it
            now = time.monotonic()
            if self._delivered is None or now - self._delivered >= CHUNK_GRACE_S:
                self._delivered = now
                current(signal.SIGINT, frame)
            return
        if _safe_point(frame):
            raise time_limit_error(self.interp, None)
        # elsewhere (a gc callback, a finalizer, a library's internals) an exception would
        # be printed and dropped: wait for the next firing


#: packages whose running code may be interrupted: hocx itself and its parser
_INTERRUPTIBLE = tuple(os.path.dirname(m.__file__) + os.sep
                       for m in (__import__("hocx"), __import__("lark")))


def _safe_point(frame) -> bool:
    """Is ``frame`` (where the signal arrived) code that may get an exception?"""
    if frame is None:
        return False
    code = frame.f_code
    return code.co_filename.startswith(_INTERRUPTIBLE) and code.co_name not in ("__del__", "__exit__")
