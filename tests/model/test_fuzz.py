"""Robustness: section built-ins and section classes, called with arbitrary HOC values,
either work or raise a HocError -- never another Python exception."""
from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from hocx.api import Session
from hocx.errors import HocError
from hocx.interp.builtins.cable import FUNCS
from hocx.interp.objects import StrRef

numbers = st.one_of(
    st.sampled_from([0.0, 1.0, 0.5, -1.0, 2.0, 3.0, 1e10, math.inf, -math.inf, math.nan, 1e-300]),
    st.floats(min_value=-5, max_value=50, allow_nan=False),
)

SETUP = """create soma, dend[2]
connect dend[0](0), soma(1)
connect dend[1](0), dend[0](0.3)
soma insert hh
dend[0] { nseg = 3  pt3dadd(0,0,0,1)  pt3dadd(5,0,0,2) }
objref sl, stim, sr
sl = new SectionList()
soma sl.subtree()
dend[0] stim = new IClamp(0.5)
dend[1] sr = new SectionRef()
"""


def _session() -> Session:
    s = Session(out=lambda t: None, err=lambda t: None)
    s.execute(SETUP)
    return s


def _values(s: Session):
    box = {"v": ""}
    strs = st.sampled_from(["", "soma", "dend[1]", "hh", "pas", "<", "[", "nosuch", "g_pas"])
    objs = st.sampled_from(["sl", "stim", "sr", "none"]).map(
        lambda k: None if k == "none" else s.get_global(k))
    return st.one_of(numbers, strs, strs.map(lambda t: StrRef(lambda: box["v"], lambda v: box.update(v=v))), objs)


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_section_builtins_raise_only_hoc_errors(data):
    s = _session()
    for _ in range(4):
        name = data.draw(st.sampled_from(sorted(FUNCS) + ["secname"]))
        args = data.draw(st.lists(_values(s), max_size=5))
        fn = s.builtins[name][0]
        if not s.model.sections:         # every section was deleted by an earlier draw
            break
        try:
            s.model.push(data.draw(st.sampled_from(s.model.sections)))
            fn(s, args, None)
            s.model.geometry()
            s.model.table()
        except HocError:
            pass
        finally:
            s.model.restore(0)


@pytest.mark.parametrize("obj", ["sl", "stim", "sr"])
def test_section_class_methods_raise_only_hoc_errors(obj):
    s = _session()
    o = s.get_global(obj)
    methods = o.hoc_methods()
    fields = list(o.hoc_fields)

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(m=st.sampled_from(methods + fields), args=st.lists(_values(s), max_size=3),
           index=st.one_of(st.none(), numbers))
    def run(m, args, index):
        try:
            if m in fields:
                o.hoc_get(m, index)
                if m in o.hoc_settable and args:
                    o.hoc_set(m, args[0], index)
            else:
                o.hoc_call(m, args)
        except HocError:
            pass
        finally:
            s.model.restore(0)

    run()


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(prop=st.sampled_from(["L", "Ra", "nseg", "rallbranch", "diam", "cm", "v", "gnabar_hh", "g_pas"]),
       value=numbers, x=st.one_of(st.none(), numbers))
def test_section_assignments_raise_only_hoc_errors(prop, value, x):
    s = _session()
    sec = s.model.find("dend[0]")
    try:
        if prop in ("L", "nseg"):
            getattr(sec, "set_" + prop)(value)
        elif prop in ("Ra", "rallbranch"):
            setattr(sec, prop, value)
        elif x is None:
            sec.set_range_all(prop, value)
        else:
            sec.set_range(prop, x, value)
        s.model.geometry()
        s.model.table()
    except HocError:
        pass
