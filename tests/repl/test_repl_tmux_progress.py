"""In a real terminal (tmux): a long run shows the compile spinner, then the bar with simulated
ms, ms/s and ETA; Ctrl-C leaves no junk on the line."""
from __future__ import annotations

import shutil
import subprocess
import sys
import time

import pytest

from .test_repl_tmux import ROOT, Terminal

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")]


def test_progress_line_and_clean_ctrl_c(tmp_path):
    env = {"HOCX_HISTORY": str(tmp_path / "history"), "PYTHONPATH": str(ROOT),
           "TERM": "xterm-256color", "HOCX_JIT_CACHE": str(tmp_path / "jit")}
    term = Terminal(f"{sys.executable} -m hocx", env)
    try:
        term.wait_for("oc>")
        for line in ('load_file("stdrun.hoc")', "create soma, dend[4]", "soma insert hh",
                     "for i = 0, 3 connect dend[i](0), soma(1)", "forall nseg = 9", "tstop = 1e5"):
            term.type_line(line)
            time.sleep(0.3)
        term.type_line("run()")
        screen = term.wait_for("hocx: compiling (first run of this model)", timeout=60)
        screen = term.wait_for("ms/s", timeout=90)
        bar = next(ln for ln in screen.splitlines() if "hocx: run [" in ln)
        assert "t = " in bar and "/100000 ms" in bar and "ETA" in bar
        subprocess.run(["tmux", "send-keys", "-t", term.name, "C-c"], check=True)
        screen = term.wait_for("KeyboardInterrupt: stopped at t =")
        time.sleep(0.5)
        lines = term.screen().splitlines()
        k = next(i for i, ln in enumerate(lines) if "KeyboardInterrupt: stopped" in ln)
        assert not any("hocx: run [" in ln or "compiling" in ln for ln in lines[k:])
        assert "hocx: run [" not in lines[k]
    finally:
        term.close()
