"""The public Python API: Session, its model and edge tables as numpy columns."""
from __future__ import annotations

import numpy as np

from hocx import HocError, Session


def test_session_table_is_columnar_numpy():
    s = Session()
    s.execute("create soma, dend\nconnect dend(0), soma(1)\ndend nseg = 3\nsoma insert hh\n")
    t = s.table
    assert len(t["x"]) == 4                      # 1 soma + 3 dendrite segments
    assert np.allclose(t["x"][1:], [1 / 6, 0.5, 5 / 6])
    assert t["gnabar_hh"][0] == 0.12
    assert np.isnan(t["gnabar_hh"][1:]).all()     # hh is not in the dendrite
    assert t["parent_row"][1] == 0               # the first dendrite segment hangs on the soma row


def test_session_edges_lists_point_processes():
    s = Session()
    s.execute("create soma\nobjref st\nsoma st = new IClamp(0.3)\nst.amp = 0.2\n")
    e = s.edges
    assert list(e["type"]) == ["IClamp"]
    assert e["amp"][0] == 0.2


def test_errors_are_hoc_errors():
    s = Session()
    try:
        s.execute("soma insert hhh\n", "m.hoc")
    except HocError as err:
        assert "m.hoc:1:" in err.render()
    else:  # pragma: no cover
        raise AssertionError("expected a HocError")
