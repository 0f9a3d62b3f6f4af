"""Issue 18: the time limit (hocx/interp/limits.py) in-process: a HocError at the user's
line, not swallowed by execute1, gone after the block."""
from __future__ import annotations

import signal
import time

import pytest

from hocx.api import Session
from hocx.errors import HocError
from hocx.interp.limits import LimitReached, TimeLimit, memory_error


def session() -> Session:
    return Session(out=lambda _s: None, err=lambda _s: None)


def run_limited(s: Session, text: str, seconds: float) -> tuple[HocError, float]:
    t0 = time.monotonic()
    with pytest.raises(HocError) as e:
        with TimeLimit(s, seconds):
            s.execute(text, "t.hoc")
    return e.value, time.monotonic() - t0


def test_a_hoc_loop_stops_at_its_line():
    s = session()
    err, took = run_limited(s, "x = 0\nproc spin() {\n  while (1) { x += 1 }\n}\nspin()\n", 0.3)
    assert isinstance(err, LimitReached)
    assert err.message == "time limit of 0.3 s reached"
    assert (err.span.file, err.span.line) == ("t.hoc", 3)
    assert "--max-seconds 0.3" in err.hint
    assert err.frames and err.frames[0].name == "spin"
    assert 0.3 <= took < 2.0
    assert s.get_global("x") > 0


def test_execute1_does_not_swallow_the_limit():
    s = session()
    err, took = run_limited(s, 'ok = execute1("while (1) {}")\nafter = 1\n', 0.3)
    assert isinstance(err, LimitReached) and took < 2.0
    assert s.kind_of("after") is None            # the script did not go on


def test_code_without_loops_is_stopped_by_the_alarm():
    """Recursion without loops never reaches tick(): the second SIGALRM raises."""
    s = session()
    err, took = run_limited(s, "func fib() { if ($1 < 2) return $1  return fib($1-1) + fib($1-2) }\n"
                               "y = fib(60)\n", 0.3)
    assert isinstance(err, LimitReached) and err.span is not None
    assert err.span.file == "t.hoc"
    assert took < 0.3 + 3.0


def test_after_the_block_the_session_works_and_the_alarm_is_gone():
    s = session()
    old = signal.getsignal(signal.SIGALRM)
    run_limited(s, "while (1) {}\n", 0.2)
    assert s.deadline is None and not s.time_expired
    assert signal.getsignal(signal.SIGALRM) == old
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    s.interrupt_reset()
    s.execute("z = 0\nfor i = 1, 1000 z += i\n", "t.hoc")
    assert s.get_global("z") == 500500.0
    time.sleep(0.6)                               # no late alarm fires


def test_no_limit_is_a_no_op():
    s = session()
    with TimeLimit(s, None):
        s.execute("for i = 1, 100 { }\n", "t.hoc")
    with TimeLimit(s, 0):
        s.execute("for i = 1, 100 { }\n", "t.hoc")
    assert s.deadline is None


def test_memory_error_names_the_limit():
    s = session()
    assert "more memory than the machine has" in memory_error(s, None).hint
    s.max_memory_mb, s.max_memory_given = 512, True
    assert "memory limit of 512 MB (--max-memory 512)" in memory_error(s, None).hint
    s.max_memory_given = False
    assert "the --safe default" in memory_error(s, None).hint
