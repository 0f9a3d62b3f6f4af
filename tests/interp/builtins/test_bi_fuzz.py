"""Robustness: any method of any built-in class, called with arbitrary HOC values,
either succeeds or raises a HocError — never another Python exception."""
from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hocx.errors import HocError

CLASSES = ["Vector", "List", "File", "Matrix", "Random", "StringFunctions", "Graph"]
# methods that would touch the real filesystem with fuzzed names, or block
SKIP = {("File", "unlink"), ("File", "wopen"), ("File", "aopen"), ("File", "mktemp")}

numbers = st.one_of(
    st.sampled_from([0.0, 1.0, 2.0, -1.0, 3.0, 0.5, 1e10, -1e10, math.inf, -math.inf, math.nan]),
    st.floats(min_value=-20, max_value=20, allow_nan=False),
)


def values(interp, sdef):
    objs = st.sampled_from(["vec", "vec0", "list", "none", "matrix", "random"]).map(
        lambda k: {
            "vec": lambda: interp.new("Vector", 3.0, 1.5),
            "vec0": lambda: interp.new("Vector"),
            "list": lambda: interp.new("List"),
            "none": lambda: None,
            "matrix": lambda: interp.new("Matrix", 2.0, 2.0),
            "random": lambda: interp.new("Random"),
        }[k]())
    strings = st.sampled_from(["", "x", "%g", "%d %s", "==", "[]", "<", "sq", "a.b", "("])
    strrefs = strings.map(lambda s: sdef(s))
    return st.one_of(numbers, strings, strrefs, objs)


@pytest.mark.parametrize("cls_name", CLASSES)
def test_methods_raise_only_hoc_errors(interp, sdef, cls_name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    interp.procs["sq"] = lambda x: x * x
    cls = interp.classes[cls_name]
    methods = [m for m in cls.hoc_methods() if (cls_name, m) not in SKIP] or ["size", "flush"]

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(method=st.sampled_from(methods), args=st.lists(values(interp, sdef), max_size=4),
           ctor=st.lists(numbers, max_size=2))
    def run(method, args, ctor):
        try:
            obj = interp.new(cls_name, *([abs(c) % 5 for c in ctor if math.isfinite(c)]
                                         if cls_name in ("Vector", "Matrix") else []))
            obj.hoc_call(method, args)
        except HocError:
            pass

    run()


@given(fmt=st.text(alphabet="%dgsfexoc.-+ 0123456789l*i|\\n", max_size=12),
       args=st.lists(st.one_of(numbers, st.sampled_from(["s", None])), max_size=3))
@settings(max_examples=500, deadline=None)
def test_printf_engine_never_crashes(fmt, args):
    from hocx.interp.printf import sprint

    try:
        assert isinstance(sprint(fmt, args), str)
    except HocError:
        pass


def test_regressions_found_by_sweeps(interp):
    """Inputs that once escaped as Python exceptions (or crashed numpy)."""
    import math as m

    mat = interp.new("Matrix", 2.0, 2.0)
    v = interp.new("Vector", 3.0)
    cases = [
        lambda: mat.m_getdiag([1e10]),                      # numpy.diagonal segfaults on huge offsets
        lambda: v.m_indgen([0.0, m.inf, 2.0]),
        lambda: v.m_meansqerr([interp.new("Vector", 3.0), interp.new("Vector")]),
        lambda: v.m_resize([1e10]),
        lambda: interp.new("Random").m_weibull([0.0, 0.0]),
        lambda: interp.new("Random").m_lognormal([1e-194, 1.0]),
        lambda: interp.new("Random").m_geometric([1.0]),     # would never end (NEURON too)
        lambda: interp.new("Random").m_poisson([1e10]),      # would never end (NEURON too)
        lambda: interp.new("List").m_insrt([m.inf, None]),
    ]
    for case in cases:
        with pytest.raises(HocError):
            case()
