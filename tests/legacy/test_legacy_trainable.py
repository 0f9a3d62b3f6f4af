"""examples/legacy_trainable.hx: a CellBuild-exported template, a Network Builder network and
an Import3d cell, made trainable (gnabar_hh shared by all, NetCon.weight) and swept."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from hocx.api import Session

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "legacy_trainable.hx"


@pytest.mark.slow
def test_legacy_tools_are_trainable_and_sweepable(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out: list[str] = []
    s = Session(out=out.append, err=lambda m: None)
    s.execute(EXAMPLE.read_text(), str(EXAMPLE))
    text = "".join(out)
    # the three legacy tools built their cells: template instance, created network, Import3d
    assert s.get_global("ball").hoc_name() == "BallStick[0]"
    net = s.get_global("ng").hoc_get("net")
    assert net.hoc_get("created_") == 1.0
    assert net.hoc_get("sources").m_count([]) == 3 and net.hoc_get("edges").m_count([]) == 2
    assert "Pyr_Ball[1].soma" in {sec.name() for sec in s.model.sections}
    assert {"soma[0]", "dend[0]"} <= {sec.name() for sec in s.model.sections}    # Import3d's
    assert len(s.train.trainables) == 2
    # gradients: finite, nonzero, and the gnabar_hh one equals a central finite difference
    g = np.asarray(s.get_global("g").x, dtype=float)
    assert g.shape == (2,) and np.all(np.isfinite(g)) and np.all(g != 0.0)
    m = re.search(r"grad (\S+), finite difference (\S+)", text)
    assert m is not None, text[-2000:]
    assert float(m.group(1)) == pytest.approx(g[0], rel=1e-5)
    fd = float(s.get_global("fd"))
    assert fd == pytest.approx(g[0], rel=1e-4)
    # the sweep: one trace per gnabar_hh value, each recording; every member differs
    res = s.get_global("res")
    assert res.m_count([]) == 3
    for k in range(3):
        rec = res.m_o([float(k)])
        mat = np.asarray([rec.m_getrow([float(i)]).x for i in range(3)], dtype=float)
        assert mat.shape == (3, 321) and np.all(np.isfinite(mat))
        for i in range(3):
            for j in range(i + 1, 3):
                assert np.max(np.abs(mat[i] - mat[j])) > 1.0, (k, i, j)
    assert "sweep: 3 recordings, 3 runs x 321 samples" in text
