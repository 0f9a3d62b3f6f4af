"""The run progress line: a spinner with the compile reason, then a bar with simulated ms,
ms/s and ETA; erased at the end and on Ctrl-C; nothing at all on a stream that is not a
terminal."""
from __future__ import annotations

import io

import pytest

from hocx.api import Session
from hocx.progress_view import RunProgress, progress_context
from hocx.sim.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_spinner_then_bar_with_rate_and_eta():
    out, clock = Terminal(), Clock()
    p = RunProgress(out, 4000, 0.025, t0=0.0, compiling="structure changed: nseg of soma",
                    threaded=False, clock=clock, delay=0.4, width=200)
    clock.now += 0.2
    p.tick()
    assert out.getvalue() == ""                               # short runs show nothing
    clock.now += 1.0
    p.tick()
    assert "compiling (structure changed: nseg of soma)" in out.getvalue()
    assert "1.2 s" in out.getvalue()
    p.update(1000, 4000)                                      # first chunk: after the compile
    clock.now += 0.5
    p.update(2000, 4000)                                      # 25 ms simulated in 0.5 s
    p.tick()
    line = out.getvalue().split("\r")[-1]
    assert "[##########··········]  50%" in line
    assert "t = 50/100 ms" in line and "50 ms/s" in line and "ETA 1.0 s" in line
    p.close()
    assert out.getvalue().endswith("\r" + " " * p_len(out) + "\r")


def p_len(out: Terminal) -> int:
    frames = out.getvalue().split("\r")
    return max(len(f) for f in frames[:-2])


def test_nothing_on_a_stream_that_is_not_a_terminal():
    out = io.StringIO()
    s = Session(out=lambda _t: None)
    s.execute('load_file("stdrun.hoc")\ncreate soma\nsoma insert hh\ntstop = 5\n')
    with progress_context(s, out, delay=0.0, interval=0.01) as views:
        s.execute("run()")
    assert out.getvalue() == "" and views == []


def test_a_real_run_shows_the_compile_then_cleans_the_line():
    out = Terminal()
    s = Session(out=lambda _t: None)
    s.execute('load_file("stdrun.hoc")\ncreate soma, dend\nconnect dend(0), soma(1)\n'
              "soma insert hh\ndend.nseg = 7\ntstop = 2\n")
    with progress_context(s, out, delay=0.0, interval=0.01, width=200) as views:
        s.execute("run()")
    text = out.getvalue()
    assert len(views) == 1 and views[0].closed
    assert "hocx: compiling (first run of this model)" in text
    assert text.endswith("\r") and text.split("\r")[-2].strip() == ""      # erased
    # same structure again: nothing to compile, so no compile message
    out2 = Terminal()
    with progress_context(s, out2, delay=0.0, interval=0.01, width=200):
        s.execute("run()")
    assert "compiling" not in out2.getvalue()
    s.execute("dend.nseg = 9")
    out3 = Terminal()
    with progress_context(s, out3, delay=0.0, interval=0.01, width=200):
        s.execute("run()")
    assert "compiling (structure changed: number of nodes changed" in out3.getvalue()


def test_ctrl_c_leaves_a_clean_line():
    out = Terminal()
    s = Session(out=lambda _t: None)
    with pytest.raises(KeyboardInterrupt):
        with progress_context(s, out, delay=0.0, threaded=False, width=100) as views:
            hook = Progress(100, 0.025)            # what the simulator makes for a run
            hook.update(10, 100)
            views[0].tick()
            raise KeyboardInterrupt
    text = out.getvalue()
    assert "hocx: run [" in text
    assert text.endswith("\r") and text.split("\r")[-2].strip() == "" and views[0].closed
