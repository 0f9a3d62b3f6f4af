"""Unit tests of the CableModel / Section Python API (language.md §3, numerics.md §1–2)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from hocx.errors import HocNameError, HocRuntimeError, ModelError
from hocx.model import CableModel


@pytest.fixture
def model():
    notices: list[str] = []
    m = CableModel(notice=notices.append)
    m.notices = notices
    return m


def test_defaults_match_neuron(model):
    s, = model.create("s")
    assert (s.L, s.Ra, s.nseg, s.rallbranch) == (100.0, 35.4, 1, 1.0)
    assert s.get_range("diam") == 500.0 and s.get_range("cm") == 1.0 and s.get_range("v") == -65.0
    assert s.name() == "s"


def test_arrays_and_2d_arrays_are_named_and_ordered(model):
    d = model.create("dend", (3,))
    g = model.create("grid", (2, 3))
    assert [s.name() for s in d] == ["dend[0]", "dend[1]", "dend[2]"]
    assert g[5].name() == "grid[1][2]"
    assert model.lookup("grid", (1, 2)) is g[5]
    assert model.lookup("dend") is d[0]          # `dend` means dend[0]
    with pytest.raises(HocRuntimeError, match="out of range"):
        model.lookup("dend", (3,))


def test_recreate_discards_old_sections(model):
    old, = model.create("soma")
    old.L = 5
    new, = model.create("soma")
    assert not old.exists and new.exists and new.L == 100.0
    assert model.sections == [new]
    with pytest.raises(HocRuntimeError, match="deleted"):
        old.get_range("v", 0.5)


def test_owner_gives_template_names(model):
    class Obj:
        def hoc_name(self):
            return "Cell[1]"
    s, = model.create("soma", owner=Obj())
    assert s.name() == "Cell[1].soma"


def test_nseg_rebuild_copies_the_old_segment_holding_each_centre(model):
    s, = model.create("s")
    s.nseg = 2
    s.set_range("diam", 0.25, 1.25)
    s.set_range("diam", 0.75, 1.75)
    s.nseg = 4
    assert list(s.seg["diam"]) == [1.25, 1.25, 1.75, 1.75]
    s.nseg = 3
    assert list(s.seg["diam"]) == [1.25, 1.75, 1.75]
    s.nseg = 2.9                              # truncated
    assert s.nseg == 2
    with pytest.raises(HocRuntimeError, match="nseg"):
        s.nseg = 0
    assert s.nseg == 2


def test_range_variable_location_rules(model):
    s, = model.create("s")
    s.nseg = 4
    s.set_range("diam", 0.25, 3.0)           # boundary goes to the upper segment
    assert s.get_range("diam", 0.2499) == 500.0 and s.get_range("diam", 0.25) == 3.0
    s.set_range_all("v", 5.0)
    s.set_range("v", 0.9, 1.0)
    assert (s.get_range("v", 0), s.get_range("v", 0.1), s.get_range("v", 0.9), s.get_range("v", 1)) == (5, 5, 1, 5)
    s.set_range("v", 0.0, 7.0)               # root node only
    assert s.get_range("v", 0.0) == 7.0 and s.get_range("v", 0.1) == 5.0
    with pytest.raises(HocRuntimeError, match="range"):
        s.get_range("v", 1.5)


def test_child_v0_is_the_parent_node(model):
    soma, dend = model.create("soma")[0], model.create("dend")[0]
    model.connect(dend, 0, soma, 1)
    dend.set_range("v", 0, 12.0)
    assert soma.v_end == 12.0 and soma.get_range("v", 1) == 12.0
    mid, = model.create("mid")
    model.connect(mid, 0, soma, 0.5)
    mid.set_range("v", 0, 3.0)
    assert soma.get_range("v", 0.5) == 3.0


def test_ramp(model):
    a, = model.create("axon")
    a.nseg = 5
    a.set_range_ramp("diam", 0, 1, 2, 1)
    assert np.allclose(a.seg["diam"], [1.9, 1.7, 1.5, 1.3, 1.1])


def test_insert_brings_ions_and_errors_name_the_problem(model):
    s, = model.create("s")
    s.insert("hh")
    assert s.mechs == ["hh", "na_ion", "k_ion"]
    assert s.get_range("ena") == 50.0 and s.get_range("ek") == -77.0
    assert s.get_range("gnabar_hh") == 0.12
    with pytest.raises(HocNameError, match="hhh is not a MECHANISM") as e:
        s.insert("hhh")
    assert "hh" in e.value.hint
    with pytest.raises(ModelError, match="not supported"):
        s.insert("fastpas")
    s.insert("extracellular")          # declared as in NEURON (a run with it is refused)
    assert s.get_range("xraxial") == 1e9
    with pytest.raises(HocRuntimeError, match="pas mechanism not inserted in section s"):
        s.get_range("g_pas")
    with pytest.raises(HocNameError, match="not a range variable"):
        s.get_range("g_pass")
    s.uninsert("hh")
    assert not s.has_mech("hh") and s.has_mech("na_ion")


def test_connect_rules(model):
    soma, d0, d1 = model.create("soma")[0], *model.create("dend", (2,))
    model.connect(d0, 0, soma, 1)
    model.connect(d1, 0, d0, 1)
    v = model.structure_version
    with pytest.raises(ModelError, match="itself"):
        model.connect(soma, 0, soma, 0.5)
    with pytest.raises(ModelError, match="loop"):
        model.connect(soma, 0, d1, 1)
    with pytest.raises(HocRuntimeError, match="position 0 or 1"):
        model.connect(d1, 0.5, soma, 1)
    assert model.structure_version == v and soma.parent is None      # unchanged
    model.connect(d1, 0, soma, 0.5)
    assert model.notices == ["Notice: dend[1](0) had previously been connected to parent dend[0](1)\n"]
    assert d1.parent is soma and d1 not in d0.children
    model.disconnect(d1)
    assert d1.parent is None and model.roots() == [soma, d1]


def test_sibling_order_is_neurons(model):
    soma, = model.create("soma")
    a, b, c = model.create("d", (3,))
    model.connect(a, 0, soma, 1)
    model.connect(b, 0, soma, 0.5)
    model.connect(c, 0, soma, 1)
    assert soma.children == [b, c, a]          # by position; newest first among ties


def test_cas_semantics(model):
    with pytest.raises(HocRuntimeError, match="Section access unspecified"):
        model.cas()
    a, b = model.create("a")[0], model.create("b")[0]
    assert model.cas() is a                    # first created
    model.access(b)
    assert model.cas() is b
    model.push(a)
    assert model.cas() is a
    depth = model.stack_depth()
    model.push(b)
    model.restore(depth)
    assert model.cas() is a
    model.pop()
    assert model.pop() is None                 # popping an empty stack is harmless (nrniv)
    model.delete(b)
    assert model.cas() is a


def test_delete_section_makes_children_roots(model):
    soma, dend = model.create("soma")[0], model.create("dend")[0]
    model.connect(dend, 0, soma, 1)
    model.delete(soma)
    assert dend.parent is None and model.sections == [dend]


def test_versions(model):
    s, = model.create("s")
    v, sv = model.version, model.structure_version
    s.set_range("diam", 0.5, 2.0)
    assert model.version > v and model.structure_version == sv
    s.insert("pas")
    assert model.structure_version > sv
    g1 = model.geometry()
    assert model.geometry() is g1              # cached
    s.L = 10
    assert model.geometry() is not g1


def test_L_must_be_positive(model):
    s, = model.create("s")
    with pytest.raises(ModelError, match="L must be positive"):
        s.L = -5
    assert s.L == 100.0


def test_pt3d_float32_storage_and_L(model):
    s, = model.create("s")
    s.pt3d_edit("add", 0, 0, 0, 1.1)
    s.pt3d_edit("add", 20, 0, 0, 1.1)
    assert s.pt3d.d.dtype == np.float32
    assert s.L == 20.0
    assert s.get_range("diam") == float(np.float32(1.1))      # 1.100000023841858
    s.L = 40
    assert s.L == 40.0 and float(s.pt3d.x[1]) == 40.0


def test_range_and_member_refs(model):
    from hocx.model import MemberRef, RangeRef

    soma, dend = model.create("soma")[0], model.create("dend")[0]
    model.connect(dend, 0, soma, 1)
    r = RangeRef(dend, "v", 0.0)
    r.set(-20.0)
    assert soma.get_range("v", 1) == -20.0 and r.get() == -20.0
    assert r.node() == model.geometry().node_of(soma, 1)
    assert r == RangeRef(dend, "v", 0.0) and r.describe() == "dend.v(0)"

    class Obj:
        def __init__(self):
            self.vals = {"amp": 1.0}

        def hoc_get(self, f, i=None):
            return self.vals[f]

        def hoc_set(self, f, v, i=None):
            self.vals[f] = v

        def hoc_name(self):
            return "IClamp[0]"
    o = Obj()
    m = MemberRef(o, "amp")
    m.set(3)
    assert m.get() == 3.0 and m.describe() == "IClamp[0].amp"
