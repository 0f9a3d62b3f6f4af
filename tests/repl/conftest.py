"""Fixtures for REPL tests: a fake session, a history file in tmp, REPL drivers."""
from __future__ import annotations

import contextlib
import io
import os
import signal
import threading

import pytest

from .fakes import FakeSession


@pytest.fixture(autouse=True)
def _private_history(tmp_path, monkeypatch):
    """Never touch the user's real history file."""
    monkeypatch.setenv("HOCX_HISTORY", str(tmp_path / "history"))


@pytest.fixture
def fake():
    return FakeSession()


def real_session():
    """A fresh real hocx Session (a broken Session fails these tests; it is never skipped)."""
    from hocx.api import Session

    return Session()


def run_simple(session, text: str) -> str:
    """Feed text to the plain line reader; return everything it wrote."""
    from hocx.repl import run_repl

    out = io.StringIO()
    run_repl(session, simple=True, input=io.StringIO(text), output=out)
    return out.getvalue()


def run_piped(session, keys, *, history=None, pause: float = 0.25) -> tuple[int, str]:
    """Drive the prompt_toolkit REPL with typed keys; returns (status, program output).

    ``keys`` is a string sent at once, or a list of strings sent ``pause`` seconds
    apart (as a person types; history loads in the background between prompts).
    """
    import time

    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from hocx.repl import run_repl

    out = io.StringIO()
    with create_pipe_input() as pipe:
        chunks = [keys] if isinstance(keys, str) else list(keys)
        pipe.send_text(chunks[0])

        done = threading.Event()

        def typist():
            for chunk in chunks[1:]:
                time.sleep(pause)
                pipe.send_text(chunk)
            # a test that left the REPL waiting must fail, not hang: Ctrl-C, Ctrl-D
            for _ in range(20):
                if done.wait(1.0):
                    return
                pipe.send_text("\x03\x04")

        thread = threading.Thread(target=typist, daemon=True)
        thread.start()
        status = run_repl(session, simple=False, input=pipe, output=DummyOutput(), stdout=out,
                          history=history)
        done.set()
        thread.join()
    return status, out.getvalue()


@contextlib.contextmanager
def interrupt_main_when(predicate, *, delay: float = 0.0, timeout: float = 60.0):
    """While the block runs: send SIGINT ``delay`` s after predicate() first holds (polled every 10 ms).

    Used instead of a fixed timer so that a slow, loaded machine cannot deliver
    the Ctrl-C before the statement it is meant to stop has started.  After
    ``timeout`` it interrupts anyway, so a broken test fails instead of hanging;
    nothing is sent once the block has finished.
    """
    import time

    done = threading.Event()

    def holds() -> bool:
        try:
            return bool(predicate())
        except Exception:
            return False

    def watch() -> None:
        end = time.time() + timeout
        while time.time() < end and not holds():
            if done.wait(0.01):
                return
        if not done.wait(delay):
            os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=watch, daemon=True).start()
    try:
        yield
    finally:
        done.set()


def flag_when_executed(session, needle: str) -> threading.Event:
    """An Event set when ``session.execute`` is called with text containing ``needle``."""
    started = threading.Event()
    execute = session.execute

    def spy(text, origin="<string>"):
        if needle in text:
            started.set()
        return execute(text, origin)

    session.execute = spy
    return started
