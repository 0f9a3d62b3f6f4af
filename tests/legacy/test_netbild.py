"""The Network Builder's headless classes (stdlib/netbild*.hoc) without a simulation, and the
HOC semantics they rely on (each checked against nrniv 9.0.2)."""
from __future__ import annotations

from hocx.api import Session


def run(text: str) -> str:
    out: list[str] = []
    Session(out=out.append, err=lambda m: None).execute(text, "t.hoc")
    return "".join(out)


def test_dollar_o_assignment_sets_the_callers_objref():
    # nrniv: a method of B assigns $o1 while its own names are in scope; the caller's
    # template member `real` (not B's) is what changes
    text = ("begintemplate B\npublic mk\nobjref tobj\nproc mk() { tobj = new Vector(3)  $o1 = tobj }\n"
            "endtemplate B\nbegintemplate A\npublic real, go\nobjref real, b\n"
            "proc go() { b = new B()  b.mk(real)  print real }\nendtemplate A\n"
            "objref a\na = new A()\n{a.go()}\n")
    assert run(text) == "Vector[0] \n"


def test_execute_does_not_echo_and_method_brackets_call():
    text = ('{execute("1+1")}\nobjref l\nl = new List()\n{l.append(new Vector(1))  l.append(new Vector(2))}\n'
            'print l.object[1], l.object(1)\n')
    assert run(text) == "Vector[1] Vector[1] \n"


NET = """{load_file("netbild.hoc")}
objref ms, acg, ng, f
acg = new ArtCellGUI(1)
{ms = new MechanismStandard("IntFire1")  ms.set("tau", 4, 0)}
{acg.append(ms, "A")}
{ms = new MechanismStandard("NetStim")  ms.set("number", 2, 0)}
{acg.append(ms, "S")}
ng = new NetGUI(1)
{object_push(ng)}
{mapold2new = new Vector()  missing = new List()}
original_type("S")
original_type("Gone")
original_type("A")
newnode(0, 1, 2)
newnode(2, 3, 4)
newnode(2, 5, 6)
newedge(0, 1, 0, 0.5, 2)
newedge(2, 1, 0, -1, 3)
{object_pop()}
{ng.map()}
"""


def test_netgui_restores_types_by_name_and_writes_the_network():
    out = run(NET + "{printf(\"created=%d cells=%d targets=%d edges=%d\\n\", ng.net.created_, "
                    "ng.net.sources.count, ng.net.targets.count, ng.net.edges.count)}\n"
                    "f = new File()\n{f.mktemp()  f.wopen()  ng.save_hoc_data(f)  f.close()}\n"
                    "strdef line\n{f.ropen()}\nwhile (!f.eof()) { f.gets(line)  if (strcmp(line, \"\\n\")) "
                    "printf(\"%s\", line) }\n{f.close()  f.unlink()}\n")
    # the saved type order is mapped to the types by name ("Gone" is missing, never used)
    assert "restored" not in out
    assert "created=0 cells=3 targets=3 edges=2" in out
    assert "  /* S0 */  cell_append(new S_NetStim(),\t1,\t 2, 0)\n" in out
    assert "  /* A2 */  cell_append(new A_IntFire1(),\t5,\t 6, 0)\n" in out
    assert "  /* S0 -> A1    */  nc_append(0, 1, -1,  0.5,2)\n" in out
    assert "  /* A2 -> A1    */  nc_append(2, 1, -1,  -1,3)\n" in out
    # the class of a type writes only the parameters that differ from the defaults
    cls = run(NET + "f = new File()\n{f.mktemp()  f.wopen()  ng.save_hoc_templates(f)  f.close()}\n"
                    "strdef line\n{f.ropen()}\nwhile (!f.eof()) { f.gets(line)  printf(\"%s\", line) }\n"
                    "{f.close()  f.unlink()}\n")
    assert "begintemplate A_IntFire1\n" in cls and "    pp.tau = 4\n" in cls and "pp.refrac" not in cls
    assert "begintemplate S_NetStim\n" in cls and "    pp.number = 2\n" in cls


def test_netgui_drops_the_connections_when_a_type_is_missing():
    text = NET.replace("newnode(2, 5, 6)\n", "newnode(2, 5, 6)\nnewnode(1, 7, 8)\n")
    out = run(text + "{printf(\"cells=%d edges=%d\\n\", ng.net.sources.count, ng.net.edges.count)}\n")
    assert out.endswith("cells=3 edges=0\n")          # a headless dialog prints nothing
