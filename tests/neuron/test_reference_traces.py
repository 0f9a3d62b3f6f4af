"""NEURON 9.0.2's recorded traces (tests/reference) reproduced through the CLI:
``python -m hocx SCRIPT --save out.json``; every ``rec_*`` vector within 1e-6 at every sample.

Each script also runs under ``--safe``: the same stdout and the same traces (issue 18: a
sandboxed run of a legitimate script is indistinguishable from a plain one)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
REF = ROOT / "tests" / "reference"
SCRIPTS = ["passive_single", "hh_soma", "hh_notable", "ball_and_stick", "branched_cell5",
           "tapered_range", "pt3d_geometry", "sectionlists", "crank_nicolson", "alpha_synapse",
           "seclamp", "expsyn_netstim", "exp2syn_pair", "template_ring"]
TOL = 1e-6


def run_cli(script: Path, out: Path, *options: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "hocx", *options, str(script), "--save", str(out)],
                          cwd=script.parent, env=env, capture_output=True, text=True, timeout=300)


def check_traces(out: Path, name: str) -> None:
    got = json.loads(out.read_text())["vectors"]
    ref = json.loads((REF / "traces" / f"{name}.json").read_text())
    assert ref["vectors"]
    for vec, values in ref["vectors"].items():
        assert vec in got, f"{vec} missing from --save output"
        a, b = np.asarray(got[vec]), np.asarray(values)
        assert a.shape == b.shape, f"{vec}: {a.shape} samples, NEURON has {b.shape}"
        err = np.abs(a - b).max()
        assert err < TOL, f"{vec}: max |diff| = {err:g}"


@pytest.mark.parametrize("name", SCRIPTS)
def test_reference_trace(name, tmp_path):
    script = REF / "scripts" / f"{name}.hoc"
    plain = run_cli(script, tmp_path / "plain.json")
    assert plain.returncode == 0, plain.stderr
    check_traces(tmp_path / "plain.json", name)
    safe = run_cli(script, tmp_path / "safe.json", "--safe")
    assert safe.returncode == 0, safe.stderr
    assert safe.stdout == plain.stdout
    check_traces(tmp_path / "safe.json", name)
