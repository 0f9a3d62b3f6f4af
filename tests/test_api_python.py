"""The Python API of issue 17: execute's return value, s.h, Vector as numpy, reprs, DataFrames."""
from __future__ import annotations

import sys

import numpy as np
import pytest

from hocx import errors as E
from hocx.api import Session


@pytest.fixture
def s():
    out: list[str] = []
    sess = Session(out=out.append, err=lambda _t: None)
    sess.printed = out
    return sess


def test_execute_returns_the_last_echoed_value(s):
    assert s.execute("1 + 1") == 2.0
    assert "".join(s.printed) == "\t2 \n"                  # still echoed, as nrniv does
    assert s.execute("x = 3") is None                     # assignments do not echo
    assert s.execute("x\nx * 2\nx = 4") == 6.0
    assert s.echoed_values == [3.0, 6.0]
    assert s.execute('"text"') == "text"
    s.execute("objref vec\nvec = new Vector(2)")
    assert s.execute("vec") is s.h.vec


def test_files_loaded_by_execute_do_not_add_echoes(s, tmp_path):
    (tmp_path / "f.hoc").write_text("1 + 1\n")
    assert s.execute(f'load_file("{tmp_path / "f.hoc"}")') == 1.0    # load_file's own value only
    assert s.echoed_values == [1.0]


def test_h_gets_and_sets_hoc_names(s):
    s.execute('{load_file("stdrun.hoc")}\ncreate soma\nsoma insert hh\nobjref vsoma\n'
              'vsoma = new Vector()\n{vsoma.record(&soma.v(0.5))}')
    assert s.h.tstop == 5.0
    s.h.tstop = 2
    assert s.execute("tstop") == 2.0
    s.h.newname = 7
    assert s.execute("newname + 1") == 8.0
    assert s.h.soma.name() == "soma"
    s.h.run()
    v = np.asarray(s.h.vsoma)
    assert v.shape == (81,) and v[0] == -65.0
    assert s.h.sin(0.5) == pytest.approx(np.sin(0.5))
    w = s.h.Vector(3)
    assert len(w) == 3 and repr(w).endswith("(size 3)")


def test_h_unknown_name_is_a_hoc_name_error_and_an_attribute_error(s):
    s.execute("{load_file(\"stdrun.hoc\")}")
    with pytest.raises(AttributeError) as info:
        s.h.tsop
    assert isinstance(info.value, E.HocNameError)
    assert info.value.hint == "did you mean 'tstop'?"
    assert not hasattr(s.h, "nosuch")
    assert "tstop" in dir(s.h)


def test_vector_is_a_numpy_array(s):
    s.execute("objref vec\nvec = new Vector(4)\nvec.indgen(2)")
    a = np.asarray(s.h.vec)
    assert a.tolist() == [0.0, 2.0, 4.0, 6.0]
    a[0] = 9                                       # a view: writes go to the Vector
    assert s.execute("vec.x[0]") == 9.0
    assert np.array(s.h.vec, dtype=np.float32).dtype == np.float32
    assert np.mean(s.h.vec) == pytest.approx(5.25)       # (9 + 2 + 4 + 6) / 4


def test_reprs_say_what_an_object_is(s):
    s.execute("objref vec, l\nvec = new Vector(3)\nl = new List()")
    assert repr(s.h.vec) == "Vector[0] (size 3)"
    assert repr(s.h.l) == "List[0]"
    assert repr(s.h.sin) == "<HOC function sin>"


def test_table_and_edges_frames(s):
    pd = pytest.importorskip("pandas")
    s.execute("create soma, dend\nconnect dend(0), soma(1)\ndend nseg = 3\nforall insert pas\n"
              "objref st\nsoma st = new IClamp(0.5)")
    t = s.table_frame()
    assert isinstance(t, pd.DataFrame)
    assert list(t["section"]) == ["soma", "dend", "dend", "dend"]
    assert "g_pas" in t.columns
    e = s.edges_frame()
    assert list(e["type"]) == ["IClamp"] and e["section"][0] == "soma"


def test_frames_without_pandas_say_so(s, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)          # import pandas -> ImportError
    with pytest.raises(ImportError) as info:
        s.table_frame()
    assert isinstance(info.value, E.HocError)
    assert "needs pandas" in info.value.message and "pip install pandas" in info.value.hint


def test_point_process_variables_are_python_attributes(s):
    s.execute("create soma\nobjref stim\nsoma stim = new IClamp(0.5)")
    s.h.stim.amp = 0.4                                   # writes the HOC field, not a Python attribute
    assert s.execute("stim.amp") == 0.4
    s.execute("stim.dur = 25")
    assert s.h.stim.dur == 25.0
    assert "amp" not in vars(s.h.stim)
    with pytest.raises(AttributeError):
        s.h.stim.no_such_variable


RUN = """load_file("stdrun.hoc")
create soma
soma { insert hh  L = 20  diam = 20 }
objref st, rv
st = new IClamp(0.5)
st.del = 1
st.dur = 5
st.amp = 0.3
rv = new Vector()
rv.record(&soma.v(0.5))
tstop = 10
run()
"""


def test_plot_returns_a_figure_of_the_recorded_traces(tmp_path):
    pytest.importorskip("matplotlib")
    s = Session(out=lambda _t: None, err=lambda _t: None)
    s.execute(RUN)
    fig = s.plot('rv [2:8] "step"')
    (ax,) = fig.axes
    assert ax.get_ylabel() == "v (mV)" and fig._suptitle.get_text() == "step"
    x, y = ax.lines[0].get_data()
    assert x.min() >= 2 and x.max() <= 8
    want = np.asarray(s.h.rv)[(np.arange(401) * 0.025 >= 2 - 1e-9) & (np.arange(401) * 0.025 <= 8 + 1e-9)]
    assert len(y) == len(want) and np.allclose(y, want)
    png = tmp_path / "v.png"
    s.plot("rv", path=str(png))
    assert png.stat().st_size > 1000


def test_plot_of_an_unrecorded_location_says_so(tmp_path):
    pytest.importorskip("matplotlib")
    s = Session(out=lambda _t: None, err=lambda _t: None)
    s.execute(RUN)
    with pytest.raises(E.HocRuntimeError, match="not recorded yet"):
        s.plot("soma.m_hh(0.5)", path=str(tmp_path / "m.png"))
    assert not (tmp_path / "m.png").exists()
    s.execute("run()")
    fig = s.plot("soma.m_hh(0.5)")         # armed by the first call: recorded by this run
    assert len(fig.axes[0].lines[0].get_data()[1]) == 401
