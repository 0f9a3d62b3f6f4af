"""The model table, the edge table and `show` rendered at a fixed width."""
from __future__ import annotations

import math

import numpy as np
import pytest

from hocx.api import Session
from hocx.errors import HocNameError
from hocx.show import render_table, show_text

MODEL = """create soma, dend[2]
access soma
soma { L = 20  diam = 20  insert hh }
dend[0] { nseg = 3  insert pas }
connect dend[0](0), soma(1)
connect dend[1](0), soma(0.5)
objref stim, apical
dend[0] stim = new IClamp(0.3)
{stim.amp = 0.2}
apical = new SectionList()
dend[0] apical.append()
"""


@pytest.fixture
def session():
    s = Session(out=lambda t: None, err=lambda t: None)
    s.execute(MODEL, "model.hoc")
    return s


def test_one_row_per_segment_with_neuron_names(session):
    t = session.model.table()
    assert len(t) == 5
    assert list(t["section"]) == ["soma", "dend[0]", "dend[0]", "dend[0]", "dend[1]"]
    assert list(t["seg"]) == [0, 0, 1, 2, 0]
    assert np.allclose(t["x"], [0.5, 1 / 6, 0.5, 5 / 6, 0.5])
    assert list(t["parent_row"]) == [-1, 0, 1, 2, 0]
    assert t["gnabar_hh"][0] == 0.12 and math.isnan(t["gnabar_hh"][1])
    assert t["g_pas"][1] == 0.001 and math.isnan(t["g_pas"][0])
    assert t["area"][0] == pytest.approx(math.pi * 20 * 20)
    assert list(t["apical"]) == [False, True, True, True, False]
    assert "apical" in t.groups


def test_table_is_cached_and_follows_changes(session):
    m = session.model
    t1 = m.table()
    assert m.table().columns["area"] is t1.columns["area"]       # cached base columns
    session.execute("soma diam = 10\n")
    assert m.table()["diam"][0] == 10


def test_group_column_tracks_new_lists(session):
    session.execute("objref basal\nbasal = new SectionList()\ndend[1] basal.append()\n")
    assert list(session.model.table()["basal"]) == [False, False, False, False, True]


def test_edges(session):
    e = session.model.edges()
    assert list(e["type"]) == ["IClamp"] and e["amp"][0] == 0.2 and e["x"][0] == pytest.approx(1 / 6)
    assert e["row"][0] == 1


def test_render_keeps_brackets_and_fits_width(session):
    text = render_table(session.model.table().select(["section", "seg", "diam"]), width=60, title="t")
    assert "dend[0]" in text and "dend[1]" in text           # no markup eaten
    assert all(len(line) <= 60 for line in text.splitlines())


def test_wide_table_is_split_into_blocks_with_keys_repeated(session):
    text = show_text(session.model, width=70)
    lines = text.splitlines()
    assert all(len(line) <= 70 for line in lines)
    headers = [l for l in lines if "section" in l and "seg" in l]
    assert len(headers) >= 3                                 # several blocks, each with the keys
    assert "gnabar_hh" in text and "g_pas" in text


def test_show_filters(session):
    text = show_text(session.model, ["apical", "diam"], width=80)
    assert "dend[0]" in text and "soma" not in text and "dend[1]" not in text
    assert "diam" in text and "area" not in text
    edges = show_text(session.model, ["edges"], width=80)
    assert "IClamp[0]" in edges and "0.2" in edges
    with pytest.raises(HocNameError, match="not a column"):
        show_text(session.model, ["nosuch"], width=80)


def test_show_builtin_prints(session):
    out: list[str] = []
    session.out = out.append
    session.execute('show("dend[1]", "L")\n')
    text = "".join(out)
    assert "dend[1]" in text and "100" in text and "soma" not in text


def test_hx_sectionlist_declaration_is_a_group():
    s = Session(out=lambda t: None, err=lambda t: None)
    s.execute("create soma, dend[2]\nsectionlist apical\ndend[1] apical.append()\n", "m.hx")
    t = s.model.table()
    assert "apical" in t.groups and list(t["apical"]) == [False, False, True]
    assert "dend[1]" in show_text(s.model, ["apical"], width=80)
