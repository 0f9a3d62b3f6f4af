"""End to end in a real terminal: tmux types a ball-and-stick model, runs it, plots it, reads the screen."""
from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")]

MODEL = """\
load_file("stdrun.hoc")
create soma, dend
connect dend(0), soma(1)
soma { nseg = 1  L = 20  diam = 20  insert hh }
dend { nseg = 11  L = 500  diam = 2  insert pas  g_pas = 0.001  e_pas = -65 }
forall Ra = 100
objref stim, rv
soma stim = new IClamp(0.5)
stim.del = 5
stim.dur = 1
stim.amp = 0.5
rv = new Vector()
{rv.record(&soma.v(0.5))}
tstop = 40
"""


class Terminal:
    """A tmux session running one command, typed into and read back as text."""

    def __init__(self, command: str, env: dict[str, str], width=110, height=50):
        self.name = f"hocx-test-{uuid.uuid4().hex[:8]}"
        envs = " ".join(f"{k}={v}" for k, v in env.items())
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height),
                        f"cd {ROOT} && env {envs} {command}; sleep 60"], check=True)

    def screen(self) -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name],
                              capture_output=True, text=True, check=True).stdout

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        end = time.time() + timeout
        while time.time() < end:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear on screen:\n{self.screen()}")

    def prompts(self) -> int:
        return sum(1 for line in self.screen().splitlines() if line.startswith("oc>"))

    def type_line(self, line: str, keys: tuple[str, ...] = ("Enter",)) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, "-l", line], check=True)
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def terminal(tmp_path):
    env = {"HOCX_HISTORY": str(tmp_path / "history"), "PYTHONPATH": str(ROOT), "TERM": "xterm-256color"}
    term = Terminal(f"{sys.executable} -m hocx", env)
    try:
        term.wait_for("oc>")
        yield term
    finally:
        term.close()


def test_ball_and_stick_typed_run_and_plotted(terminal, tmp_path):
    for line in MODEL.splitlines():
        before = terminal.prompts()
        terminal.type_line(line)
        end = time.time() + 20
        while terminal.prompts() <= before and time.time() < end:
            time.sleep(0.05)
    screen = terminal.wait_for("2 sections/12 compartments")
    assert "tstop=40 ms" in screen
    # Tab completes a range variable of an inserted mechanism
    terminal.type_line("soma.gnab", ("Tab",))
    terminal.wait_for("soma.gnabar_hh")
    terminal.type_line("", ("Enter",))
    terminal.wait_for("0.12")
    terminal.type_line("run()")
    screen = terminal.wait_for("t=40 ms", timeout=60)
    terminal.type_line("plot rv")
    screen = terminal.wait_for("t (ms)")
    assert "rv = soma.v(0.5) (mV)" in screen
    assert "(mV)" in screen
    assert sum(1 for ch in screen if 0x2800 < ord(ch) <= 0x28FF) > 50     # a braille curve
    axis = next(line for line in screen.splitlines() if "└" in line)
    labels = screen.splitlines()[screen.splitlines().index(axis) + 1].split()
    assert labels[0] == "0" and labels[-1] == "40"
    # a structural change shows in the toolbar
    terminal.type_line("dend.nseg = 5")
    screen = terminal.wait_for("model changed")
    assert "2 sections/6 compartments" in screen
    # Ctrl-C stops a long run; the prompt comes back with t where it stopped
    terminal.type_line("tstop = 1e5")
    terminal.type_line("run()")
    time.sleep(4)
    subprocess.run(["tmux", "send-keys", "-t", terminal.name, "C-c"], check=True)
    screen = terminal.wait_for("KeyboardInterrupt: stopped at t =")
    terminal.type_line("t < tstop")
    time.sleep(1.0)
    lines = terminal.screen().splitlines()
    after = lines[next(i for i, ln in enumerate(lines) if "KeyboardInterrupt: stopped" in ln):]
    assert any(ln.startswith("oc> t < tstop") for ln in after)
    assert any(ln.strip() == "1" for ln in after)            # echoed value: the run stopped early
    # history persists to the file
    terminal.type_line("", ("C-d",))
    time.sleep(0.5)
    history = (tmp_path / "history").read_text()
    assert "plot rv" in history and "run()" in history
