"""NetCon as a HOC object (hocx.model.netcon) and the edge table's NetCon / synapse rows."""
from __future__ import annotations

import math

import numpy as np
import pytest

from hocx.api import Session
from hocx.errors import HocRuntimeError, HocTypeError
from hocx.model.refs import RangeRef

NET = """create pre, post, dend
connect dend(0), post(1)
objref syn, nc, ns, nil, sl
post syn = new ExpSyn(0.5)
nc = new NetCon(&pre.v(0.5), syn, -20, 2, 0.01)
ns = new NetStim()
sl = new SectionList()
pre sl.append()
"""


def session(text: str = NET) -> Session:
    s = Session(out=lambda t: None, err=lambda t: None)
    s.execute(text, "net.hoc")
    return s


def out_of(s: Session, text: str) -> str:
    buf: list[str] = []
    s.out = buf.append
    s.execute(text, "t.hoc")
    return "".join(buf)


def test_attributes_the_simulator_reads():
    s = session()
    (nc,) = s.model.netcons
    assert isinstance(nc.source, RangeRef) and nc.source.section.name() == "pre" and nc.source.var == "v"
    assert nc.target.hoc_name() == "ExpSyn[0]"
    assert (nc.threshold, nc.delay, nc.active, nc.record_vec, nc.pending) == (-20.0, 2.0, True, None, [])
    assert nc.weight.dtype == np.float64 and list(nc.weight) == [0.01]


def test_defaults_and_nil_ends():
    s = session(NET + "objref a\na = new NetCon(nil, nil)\n")
    a = s.model.netcons[-1]
    assert a.source is None and a.target is None
    assert (a.threshold, a.delay, list(a.weight)) == (10.0, 1.0, [0.0])
    assert out_of(s, "print a.valid(), a.preloc(), a.postloc(), a.wcnt()\n") == "0 -1 -1 1 \n"


def test_creating_and_freeing_touch_the_structure():
    s = session()
    v0 = s.model.structure_version
    s.execute("objref b\nb = new NetCon(ns, syn)\n")
    assert s.model.structure_version > v0 and len(s.model.netcons) == 2
    v1, sv1 = s.model.version, s.model.structure_version
    s.execute("b.weight = 0.5\nb.delay = 3\nb.threshold = 1\n")
    assert s.model.version > v1 and s.model.structure_version == sv1   # values only
    s.execute("b.active(0)\n")
    assert s.model.structure_version > sv1 and s.model.netcons[1].active is False
    s.execute("objref b\n")
    assert len(s.model.netcons) == 1 and s.model.structure_version > sv1


def test_weight_is_indexable_and_checked():
    s = session()
    s.execute("nc.weight = 0.2\n")
    assert out_of(s, "print nc.weight, nc.weight[0]\n") == "0.2 0.2 \n"
    s.execute("nc.weight[0] = 0.3\n")
    assert s.model.netcons[0].weight[0] == 0.3
    with pytest.raises(HocRuntimeError, match=r"weight\[1\]: index out of range") as e:
        s.execute("x = 1\nnc.weight[1] = 2\n", "w.hoc")
    assert e.value.span.line == 2


def test_threshold_is_shared_by_the_source_node():
    s = session(NET + "objref a, b, c\na = new NetCon(&pre.v(0.3), nil)\n")
    assert s.model.netcons[1].threshold == -20.0     # no threshold argument: the detector's
    s.execute("b = new NetCon(&pre.v(0.9), nil, 5)\nc = new NetCon(&post.v(0.5), nil)\n")
    nc, a, b, c = s.model.netcons                    # pre has one segment: one node
    assert nc.threshold == a.threshold == b.threshold == 5.0 and c.threshold == 10.0
    s.execute("a.threshold = -30\n")
    assert nc.threshold == b.threshold == -30.0 and c.threshold == 10.0
    with pytest.raises(HocRuntimeError, match="Arg out of range"):
        s.execute("a = new NetCon(&pre.v(0.5), nil, 99, -2, 1)\n")   # a failed constructor changes nothing
    assert nc.threshold == -30.0 and len(s.model.netcons) == 4


def test_source_moves_to_its_node_and_the_attached_end_to_the_parent():
    s = session(NET + "objref a\na = new NetCon(&dend.v(0), nil)\n")
    src = s.model.netcons[-1].source
    assert src.section.name() == "post" and src.x == 1.0
    assert out_of(s, "print a.preloc(), secname()\n{pop_section()}\n") == "1 post\n"
    assert out_of(s, "print nc.preloc()\n{pop_section()}\nprint nc.postloc(), secname()\n{pop_section()}\n") \
        == "0.5 \n0.5 post\n"


def test_netstim_source_and_target():
    s = session(NET + "objref a, ns2\nns2 = new NetStim()\na = new NetCon(ns, ns2, 0, 1, 1)\n")
    a = s.model.netcons[-1]
    assert a.source is s.model.artificial_cells[0] and a.target is s.model.artificial_cells[1]
    assert out_of(s, "print a.pre(), a.syn(), a.preloc(), a.postloc(), a.precell(), a.x\n") == \
        "NetStim[0] NetStim[1] -1 -1 NULLobject 0 \n"


def test_freed_target_leaves_the_netcon_invalid():
    s = session()
    s.execute("syn = nil\n")
    nc = s.model.netcons[0]
    assert nc.target is None and out_of(s, "print nc.valid(), nc.syn()\n") == "0 NULLobject \n"


def test_deleted_source_section_is_nil():
    s = session()
    s.execute("pre delete_section()\n")
    assert s.model.netcons[0].source is None
    assert out_of(s, "print nc.preloc()\n") == "-1 \n"


def test_record_stores_the_vector():
    s = session(NET + "objref vec\nvec = new Vector()\nnc.record(vec)\n")
    nc = s.model.netcons[0]
    assert nc.record_vec is not None and nc.record_vec.hoc_class == "Vector"
    s.execute("nc.record()\n")
    assert nc.record_vec is None
    with pytest.raises(HocRuntimeError, match="supported forms"):
        s.execute('nc.record("x = 1")\n')
    s.execute("objref ids\nids = new Vector()\nnc.record(vec, ids, 7)\n")
    assert nc.record_vec is s.get_global("vec") and nc.record_ids == (s.get_global("ids"), 7.0)


def test_event_calls_the_hook_or_queues():
    s = session()
    nc = s.model.netcons[0]
    interp = nc.interp
    calls = []
    old = interp.hooks.get("netcon_event")
    interp.hooks["netcon_event"] = lambda n, te, span: calls.append((n, te, span.line))
    try:
        s.execute("x = 0\nnc.event(3.5)\n")
        assert calls == [(nc, 3.5, 2)] and nc.pending == []
        del interp.hooks["netcon_event"]
        s.execute("nc.event(4)\n")
        assert nc.pending == [4.0]
    finally:
        if old is not None:
            interp.hooks["netcon_event"] = old


def test_list_of_netcons_and_names():
    s = session(NET + "objref a, l\na = new NetCon(ns, syn)\nl = new List(\"NetCon\")\n")
    assert out_of(s, "print l.count(), l.object(1), a\n") == "2 NetCon[1] NetCon[1] \n"


def test_precell_postcell_in_templates():
    s = session("""begintemplate Cell
public soma, syn
create soma
objref syn
proc init() { soma syn = new Exp2Syn(0.5) }
endtemplate Cell
objref c1, c2, nc
c1 = new Cell()
c2 = new Cell()
c1.soma nc = new NetCon(&v(0.5), c2.syn)
""")
    assert out_of(s, "print nc.precell(), nc.postcell(), nc.pre(), nc.syn()\n") == \
        "Cell[0] Cell[1] NULLobject Exp2Syn[1] \n"


def test_setpost_changes_the_target():
    s = session(NET + "objref e2\npost e2 = new Exp2Syn(0.2)\nnc.setpost(e2)\n")
    nc = s.model.netcons[0]
    assert nc.target.hoc_name() == "Exp2Syn[0]" and list(nc.weight) == [0.01]
    s.execute("nc.setpost(nil)\n")
    assert nc.target is None


@pytest.mark.parametrize("text, err, msg", [
    ("objref st\npost st = new IClamp(0.5)\na = new NetCon(&pre.v(0.5), st)\n", HocRuntimeError,
     "IClamp[0] cannot receive events (it has no NET_RECEIVE)"),
    ("objref ap\npost ap = new APCount(0.5)\na = new NetCon(&pre.v(0.5), ap)\n", HocRuntimeError,
     "APCount[0] cannot receive events"),
    ("objref s2\ns2 = new ExpSyn()\na = new NetCon(&pre.v(0.5), s2)\n", HocRuntimeError,
     "ExpSyn[1] point process not located in a section"),
    ("pre insert hh\na = new NetCon(&pre.m_hh(0.5), nil)\n", HocRuntimeError,
     "NetCon source &pre.m_hh(0.5) is not supported"),
    ("a = new NetCon(&x, nil)\n", HocRuntimeError, "not a range variable"),
    ("a = new NetCon(1, nil)\n", HocTypeError, "NetCon source must be"),
    ("a = new NetCon(nil, 2)\n", HocTypeError, "NetCon target must be"),
    ("a = new NetCon(nil)\n", HocTypeError, "needs a source and a target"),
    ("a = new NetCon(nil, nil, 0, -2, 1)\n", HocRuntimeError, "Arg out of range"),
])
def test_errors_name_the_object_and_point_at_the_statement(text, err, msg):
    s = session(NET + "objref a\nx = 1\n")
    with pytest.raises(err) as e:
        s.execute("\n" + text, "bad.hoc")
    assert msg in e.value.message
    assert e.value.span is not None and e.value.span.line == text.count("\n") + 1


def test_netstim_has_stream_ids():
    s = session(NET + "objref n2\nn2 = new NetStim()\nn2.noiseFromRandom123(4, 5)\n")
    a, b = s.model.artificial_cells
    assert a.stream_ids == [1, 0, 1] and b.stream_ids == [4, 5, 0]


# ---- the edge table -------------------------------------------------------------------------

def test_edge_rows_for_point_processes_netcons_and_synapses():
    s = session(NET + """objref gs, a
post gs = new IonotropicSynapse(0.5)
setpointer gs.vpre, pre.v(0.5)
a = new NetCon(ns, syn)
{a.delay = 3  a.weight = 0.2}
""")
    e = s.model.edges()
    assert list(e["kind"]) == ["point", "synapse", "point", "netcon", "netcon"]
    assert list(e["name"]) == ["ExpSyn[0]", "IonotropicSynapse[0]", "NetStim[0]", "NetCon[0]", "NetCon[1]"]
    assert list(e["mechanism"]) == ["ExpSyn", "IonotropicSynapse", "NetStim", "ExpSyn", "ExpSyn"]
    # the graded synapse's presynaptic side is its vpre pointer
    assert e["pre_section"][1] == "pre" and e["pre_x"][1] == 0.5 and e["post_section"][1] == "post"
    # NetCon rows: source and target sides, threshold, delay, weight
    assert list(e["pre_section"][3:]) == ["pre", ""] and list(e["pre"][3:]) == ["pre.v(0.5)", "NetStim[0]"]
    assert list(e["post_section"][3:]) == ["post", "post"] and list(e["post_x"][3:]) == [0.5, 0.5]
    assert list(e["threshold"][3:]) == [-20.0, 10.0] and list(e["delay"][3:]) == [2.0, 3.0]
    assert list(e["weight"][3:]) == [0.01, 0.2] and math.isnan(e["weight"][0])
    cells = s.model.table()
    assert e["pre_cell"][3] == cells["cell"][list(cells["section"]).index("pre")]
    assert e["post_cell"][3] == cells["cell"][list(cells["section"]).index("post")] and e["pre_cell"][4] == -1
    # the group columns: sl holds pre
    assert list(e["pre_sl"]) == [False, True, False, True, False]
    assert not e["post_sl"].any()
    # parameters of the point processes; the row's own location
    assert e["tau"][0] == 0.1 and e["gS"][1] == pytest.approx(1e-4) and e["section"][0] == "post"


def test_edges_follow_group_changes_without_model_changes():
    s = session()
    s.execute("objref other\nother = new SectionList()\npost other.append()\n")
    e = s.model.edges()
    assert list(e["post_other"]) == [True, False, True] and "pre_other" in e


def test_show_edges_lists_netcons():
    from hocx.show import show_text
    s = session()
    text = show_text(s.model, ["edges"], width=200)
    assert "NetCon[0]" in text and "ExpSyn[0]" in text and "netcon" in text


def test_a_point_process_source_is_accepted_as_neuron_accepts_it():
    """NEURON 9: ``new NetCon(syn, nil)`` with an ExpSyn source is a NetCon whose pre() is the
    ExpSyn (it fires only if the mechanism calls net_event); valid() is 0 without a target."""
    from hocx.api import Session

    out = []
    s = Session(out=out.append)
    s.execute("create soma\nobjref syn, a, nil\nsoma syn = new ExpSyn(0.5)\na = new NetCon(syn, nil)\n"
              "print a.pre(), a.valid()\n")
    assert "".join(out).split() == ["ExpSyn[0]", "0"]
