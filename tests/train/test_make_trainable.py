"""make_trainable: selections, sharing keys, initial values, messages and bad input."""
from __future__ import annotations

import numpy as np
import pytest

from hocx.errors import HocError, HocNameError, HocRuntimeError, HocTypeError

from .conftest import BRANCHED

MSG = "Number of newly added trainable parameters: {}. Total number of trainable parameters: {}\n"


def test_whole_model_section_list_and_cas(hoc):
    hoc.run(BRANCHED)
    assert hoc.run('make_trainable("gnabar_hh")') == MSG.format(1, 1)
    assert hoc.run('{apical.make_trainable("gkbar_hh")}') == MSG.format(1, 2)
    assert hoc.run('soma make_trainable("gl_hh")') == MSG.format(1, 3)
    assert hoc.run('forsec apical make_trainable("el_hh")') == MSG.format(1, 4) + MSG.format(1, 5)
    trs = hoc.session.train.trainables
    assert [t.name for t in trs] == ["gnabar_hh", "gkbar_hh", "gl_hh", "el_hh", "el_hh"]
    assert len(trs[0].rows) == 7          # 1 + 3 + 3 segments
    assert len(trs[1].rows) == 6 and len(trs[2].rows) == 1


def test_sharing_keys(hoc):
    hoc.run(BRANCHED)
    assert hoc.run('make_trainable("gnabar_hh", "per", "segment")') == MSG.format(7, 7)
    assert hoc.run('make_trainable("gkbar_hh", "per", "section")') == MSG.format(3, 10)
    assert hoc.run('make_trainable("gl_hh", "per", "cell")') == MSG.format(1, 11)
    assert hoc.run('make_trainable("el_hh", "per", "x")') == MSG.format(3, 14)   # any column
    assert hoc.session.train.total == 14


def test_init_is_mean_unless_given(hoc):
    hoc.run(BRANCHED)
    hoc.run("dend[0].gnabar_hh = 0.2\n")
    hoc.run('make_trainable("gnabar_hh")')
    tr = hoc.session.train.trainables[0]
    assert tr.value[0] == pytest.approx((0.12 * 4 + 0.2 * 3) / 7)
    hoc.run('make_trainable("gkbar_hh", "per", "section", "init", 0.05)')
    assert list(hoc.session.train.trainables[1].value) == [0.05, 0.05, 0.05]
    hoc.run('objref iv\niv = new Vector()\n{iv.append(0.1, 0.2, 0.3)}\n')
    hoc.run('make_trainable("gl_hh", "per", "section", "init", iv)')
    assert list(hoc.session.train.trainables[2].value) == [0.1, 0.2, 0.3]
    hoc.run('make_trainable("v")')
    assert hoc.session.train.trainables[3].value[0] == -65.0      # v_init, not the present v


def test_get_parameters_show_and_delete(hoc):
    hoc.run(BRANCHED)
    hoc.run('make_trainable("gnabar_hh", "bounds", 0.05, 0.5)\nmake_trainable("diam", "per", "section")')
    hoc.run("objref p\np = get_parameters()\n")
    assert list(hoc.session.get_global("p").x) == [0.12, 15.0, 2.0, 2.0]
    text = hoc.run("show_trainables()")
    assert "gnabar_hh" in text and "(0.05, 0.5)" in text and "sigmoid" in text
    assert hoc.session.train.trainables[1].transform == "softplus"
    hoc.run("delete_trainables()")
    assert hoc.session.trainables == [] and hoc.session.train.total == 0


@pytest.mark.parametrize("stmt, err, words", [
    ('make_trainable("gnabar_xx")', HocNameError, "not a trainable parameter"),
    ('make_trainable("ina_hh")', HocTypeError, "ASSIGNED"),
    ('make_trainable("g_pas")', HocRuntimeError, "has g_pas"),
    ('make_trainable("gnabar_hh", "bounds", 0.5, 0.1)', HocRuntimeError, "must be below"),
    ('make_trainable("gnabar_hh", "bounds", 0.2, 0.5)', HocRuntimeError, "outside the bounds"),
    ('make_trainable("gnabar_hh", "per", "nonsense")', HocNameError, "sharing key"),
    ('make_trainable("gnabar_hh", "colour", 1)', HocTypeError, "unknown or incomplete option"),
    ('make_trainable("Ra", "per", "segment")', HocRuntimeError, "section property"),
    ('make_trainable(3)', HocTypeError, "parameter name first"),
])
def test_bad_input(hoc, stmt, err, words):
    hoc.run(BRANCHED)
    with pytest.raises(err) as info:
        hoc.run(stmt)
    assert words in info.value.message
    assert info.value.span is not None and info.value.span.line == 1


def test_parameter_nobody_in_selection_has(hoc):
    hoc.run(BRANCHED + "create axon\naxon insert pas\nobjref sl\nsl = new SectionList()\naxon sl.append()\n")
    with pytest.raises(HocRuntimeError, match="no segment in this selection has gnabar_hh"):
        hoc.run('{sl.make_trainable("gnabar_hh")}')


def test_init_list_of_wrong_length(hoc):
    hoc.run(BRANCHED + "objref iv\niv = new Vector(2)\n")
    with pytest.raises(HocRuntimeError, match="init has 2 values but 3 parameters"):
        hoc.run('make_trainable("gnabar_hh", "per", "section", "init", iv)')


def test_pt3d_geometry_is_refused(hoc):
    hoc.run(BRANCHED + "dend[0] { pt3dclear() pt3dadd(0,0,0,2) pt3dadd(40,0,0,2) }\n")
    with pytest.raises(HocError, match="3-D points"):
        hoc.run('make_trainable("diam")')
    hoc.run('soma make_trainable("diam")')       # a cylinder section is fine


def test_write_back_of_values(hoc):
    from hocx.train.trainables import write_back
    hoc.run(BRANCHED)
    hoc.run('{apical.make_trainable("gnabar_hh")}\nmake_trainable("Ra", "per", "section")')
    a, ra = hoc.session.train.trainables
    a.value = np.array([0.3])
    ra.value = np.array([50.0, 60.0, 70.0])
    hoc.session.train.write_back()
    out = hoc.run("print soma.gnabar_hh, dend[0].gnabar_hh(0.9), dend[1].Ra, soma.Ra\n")
    assert out.split() == ["0.12", "0.3", "70", "50"]
    assert callable(write_back)
