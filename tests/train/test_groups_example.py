"""The seeds' groups example (examples/groups_network.hx) with its exact parameter counts."""
from __future__ import annotations

import os

import numpy as np

EXAMPLE = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "groups_network.hx")


def test_groups_network_counts(hoc):
    with open(EXAMPLE) as f:
        out = hoc.run(f.read())
    lines = [l for l in out.splitlines() if l.startswith("Number of")]
    assert lines == [
        "Number of newly added trainable parameters: 1. Total number of trainable parameters: 1",
        "Number of newly added trainable parameters: 3. Total number of trainable parameters: 4",
        "Number of newly added trainable parameters: 1. Total number of trainable parameters: 5",
    ]
    s = hoc.session
    table = s.model.table()
    assert len(table) == 5 * 5 * 8
    gna, ra, gk = s.train.trainables
    # one shared gnabar for all 120 compartments of cells 0, 1, 3, initialised to their 0.4
    assert len(gna.rows) == 120 and set(table["cell"][gna.rows]) == {0, 1, 3}
    assert gna.size == 1 and abs(gna.value[0] - 0.4) < 1e-12
    assert (gna.sharing, ra.sharing, gk.sharing) == ("fast_spiking", "cells 0,1,3", "apical")
    # per-cell Ra: each scalar controls exactly one cell's 40 compartments
    for g, cell in enumerate((0, 1, 3)):
        assert set(table["cell"][ra.rows[ra.group == g]]) == {cell}
        assert np.sum(ra.group == g) == 40
    # apical: branches 1 and 3 of every cell, one bounded parameter
    assert len(gk.rows) == 5 * 2 * 8 and gk.bounds == (0.01, 0.1)
    assert "show" not in out and "gkbar_hh" in out          # show_trainables() printed the table


def test_forsec_gives_one_parameter_per_section(hoc):
    with open(EXAMPLE) as f:
        hoc.run(f.read())
    out = hoc.run("delete_trainables()\nforsec apical make_trainable(\"gl_hh\")\n")
    assert out.count("Number of newly added trainable parameters: 1.") == 10
    assert hoc.session.train.total == 10
