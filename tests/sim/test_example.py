"""examples/ball_and_stick.hx runs through the CLI and prints what NEURON prints for it."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# nrniv 9.0.2 on the same file (it is plain HOC) prints exactly this
EXPECTED = """samples:          1601 (t = 0 .. 40 ms, dt = 0.025 ms)
soma spikes:      3
soma peak v:      39.248 mV at t = 6.425 ms
dendrite tip max: -59.477 mV
"""


def test_ball_and_stick_example_runs():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "hocx", "examples/ball_and_stick.hx"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == EXPECTED
