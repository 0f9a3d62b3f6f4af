"""Section built-ins, SectionList, SectionRef and point processes through a HOC Session."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from hocx.api import Session
from hocx.errors import HocError, HocRuntimeError, ModelError

CONF = Path(__file__).parent.parent / "conformance"
SECTION_SNIPPETS = ["c26_range_interp", "c27_for_x_variants", "c28_range_whole_section", "c29_topology",
                    "c30_psection", "c31_forsec_ifsec", "c32b_sectionref", "c39_point_process",
                    "c43_section_defaults", "c47_forall_ismembrane"]


def run(text: str) -> tuple[str, str, Session]:
    out: list[str] = []
    err: list[str] = []
    s = Session(out=out.append, err=err.append)
    s.execute(text, "test.hoc")
    return "".join(out), "".join(err), s


@pytest.mark.parametrize("name", SECTION_SNIPPETS)
def test_section_conformance_snippets(name):
    want = json.loads((CONF / f"{name}.json").read_text())
    got, _, _ = run((CONF / f"{name}.hoc").read_text())
    assert got == want["stdout"]


def test_reconnect_notice_goes_to_stderr():
    out, err, _ = run("create soma, dend[3]\nconnect dend[2](0), soma(1)\nconnect dend[2](0), soma(0.5)\n")
    assert out == ""
    assert err == "Notice: dend[2](0) had previously been connected to parent soma(1)\n"


@pytest.mark.parametrize("text, kind, message", [
    ("create s\ns insert nosuchmech\n", HocError, "nosuchmech is not a MECHANISM"),   # at parse time
    ("create s\ns.nseg = 0\n", HocRuntimeError, "nseg must be positive"),
    ("create s\ns.L = -5\n", ModelError, "L must be positive"),
    ("create s\nprint s.v(1.5)\n", HocRuntimeError, "x must be in the range [0, 1]"),
    ("create a, b\nconnect a(0), a(1)\n", ModelError, "itself"),
    ("create a, b\nconnect b(0), a(1)\nconnect a(0), b(1)\n", ModelError, "loop"),
    ("print area(0.5)\n", HocRuntimeError, "Section access unspecified"),
])
def test_bad_input_is_a_hoc_error_with_a_span(text, kind, message):
    with pytest.raises(kind) as e:
        run(text)
    assert message in e.value.message
    assert e.value.span is not None and e.value.span.file == "test.hoc"


def test_model_unchanged_after_failing_connect():
    s = Session(out=lambda t: None, err=lambda t: None)
    s.execute("create a, b\nconnect b(0), a(1)\n")
    v = s.model.structure_version
    with pytest.raises(HocError):
        s.execute("connect a(0), b(1)\n")
    assert s.model.structure_version == v
    assert s.model.find("a").parent is None


def test_sectionlist_and_sectionref():
    out, _, _ = run("""create soma, dend[3], axon
connect dend[0](0), soma(1)
connect dend[1](0), dend[0](1)
connect dend[2](0), soma(0.5)
connect axon(0), soma(0)
objref sl, sr
sl = new SectionList()
soma sl.wholetree()
{sl.printnames()}
dend[1] sr = new SectionRef()
print sr.parent.L, sr.root.nseg, sr.has_trueparent(), sr.is_cas(), sr.exists()
sr.root print secname()
sr.trueparent print secname()
dend[1] print sl.contains()
{sl.remove(sl)}
print sl.size()
""")
    assert out == ("soma\naxon\ndend[2]\ndend[0]\ndend[1]\n"
                   "100 1 1 0 1 \nsoma\ndend[0]\n1 \n0 \n")


def test_point_process_fields_and_location():
    out, _, s = run("""create soma, dend
connect dend(0), soma(1)
dend nseg = 4
objref stim, vc, ns
dend stim = new IClamp(0.3)
soma vc = new VClamp(0.5)
ns = new NetStim()
{stim.amp = 0.5  vc.dur[1] = 3  ns.interval = 4}
print stim.amp, vc.dur[1], vc.dur[0], ns.interval, stim.get_loc(), secname()
""")
    assert out == "0.5 3 0 4 0.375 dend\n"
    edges = s.model.edges()
    assert list(edges["type"]) == ["IClamp", "VClamp", "NetStim"]
    assert list(edges["section"]) == ["dend", "soma", ""]
    assert edges["amp"][0] == 0.5 and edges["dur[1]"][1] == 3 and edges["interval"][2] == 4
    g = s.model.geometry()
    assert edges["node"][0] == g.node_of(s.model.find("dend"), 0.3)


def test_point_process_leaves_model_when_freed():
    _, _, s = run("create soma\nobjref stim\nsoma stim = new IClamp(0.5)\n")
    assert len(s.model.point_processes) == 1
    s.execute("objref stim\n")
    assert s.model.point_processes == []


def test_pt3d_builtins_and_define_shape():
    out, _, _ = run("""create a, b
connect b(0), a(1)
a { L = 10  diam = 2 }
b { L = 5  diam = 1  nseg = 2 }
{define_shape()}
a print n3d(), x3d(0), x3d(2), diam3d(1)
b print n3d(), x3d(0), x3d(3), arc3d(3)
""")
    assert out == "3 0 10 2 \n4 10 15 5 \n"


def test_unknown_section_function_names_are_clear():
    with pytest.raises(HocRuntimeError, match="index 5 out of range"):
        run("create a\na { pt3dadd(0,0,0,1)  pt3dadd(1,0,0,1) }\na print x3d(5)\n")
