"""Cases of shared/reference/legacy run as ``hocx <case>.hoc`` in a copy of their folder.

The cases hocx passes are copied into tests/legacy/data (cases/<case>/, expected/<case>.out,
traces/<case>.json where NEURON recorded rec_* vectors).  stdout must equal NEURON's byte
for byte and every rec_* vector must match within 1e-6.
"""
from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from hocx import cli

DATA = Path(__file__).parent / "data"
CASES = sorted(p.name for p in (DATA / "cases").iterdir() if p.is_dir())


def run_case(case: str, tmp_path: Path, monkeypatch):
    work = tmp_path / case
    shutil.copytree(DATA / "cases" / case, work)
    monkeypatch.chdir(work)
    monkeypatch.delenv("DISPLAY", raising=False)
    out, err = io.StringIO(), io.StringIO()
    saved = work / "hocx_vectors.json"
    opts = cli.parse_args([f"{case}.hoc", "--save", str(saved), "-c", "quit()"])
    status = cli.run(opts, out, err, io.StringIO())
    return status, out.getvalue(), err.getvalue(), saved


@pytest.mark.parametrize("case", CASES)
def test_legacy_case(case, tmp_path, monkeypatch):
    status, out, err, saved = run_case(case, tmp_path, monkeypatch)
    want = (DATA / "expected" / f"{case}.out").read_bytes().decode()   # keeps bare "\r" (Import3d)
    assert out == want, err[-2000:]
    assert status == 0, err[-2000:]
    assert "Traceback" not in err
    traces = DATA / "traces" / f"{case}.json"
    if traces.is_file():
        ref = json.loads(traces.read_text())["vectors"]
        got = json.loads(saved.read_text())["vectors"]
        for name, vec in ref.items():
            assert name in got, name
            a, b = np.asarray(got[name], float), np.asarray(vec, float)
            assert a.shape == b.shape, name
            assert np.max(np.abs(a - b), initial=0.0) <= 1e-6, name


def test_cases_are_copied_with_their_expected_output():
    assert CASES
    for case in CASES:
        assert (DATA / "cases" / case / f"{case}.hoc").is_file()
        assert (DATA / "expected" / f"{case}.out").is_file()
