"""Interpreter core: lifetime, errors, API, hooks, interrupts, files."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from hocx.api import Session
from hocx.errors import HocError, HocNameError, HocRuntimeError, HocSyntaxError


def session(**kw):
    out: list[str] = []
    err: list[str] = []
    s = Session(out=out.append, err=err.append, **kw)
    return s, out, err


def run(text: str, **kw) -> str:
    s, out, _ = session(**kw)
    s.execute(text, "t.hoc")
    return "".join(out)


# ------------------------------------------------------------------ objects
def test_index_reuse_and_reset():
    assert run("objref a, b\na = new Vector()\n{a = new Vector()  b = new List()  print a, b}\n"
               "objref a\n{a = new Vector()  print a}\n") == "Vector[1] List[0] \nVector[0] \n"


def test_list_membership_keeps_objects_alive():
    s, out, _ = session()
    s.execute("objref l\nl = new List()\nl.append(new Vector())\nobjref v2\nv2 = new Vector()\nprint v2\n")
    assert out[-2:] == ["Vector[1] ", "\n"]
    assert [o.hoc_name() for o in s.objects.instances("Vector")] == ["Vector[0]", "Vector[1]"]


def test_unreferenced_temporaries_are_freed_after_the_statement():
    s, out, _ = session()
    s.execute("proc p() { }\np(new Vector(3))\n")
    assert s.objects.instances("Vector") == []


def test_localobj_released_but_returned_object_survives():
    s, out, _ = session()
    s.execute("obfunc mk() { localobj a, b\n a = new Vector(1)  b = new Vector(2)  return b }\n"
              "objref keep\nkeep = mk()\nprint keep, keep.size()\n")
    assert "".join(out) == "Vector[1] 2 \n"
    assert [o.hoc_name() for o in s.objects.instances("Vector")] == ["Vector[1]"]


def test_template_instances_are_numbered_and_freed():
    s, out, _ = session()
    s.execute("begintemplate C\npublic x\nobjref this\nproc init() { x = $1 }\nendtemplate C\n"
              "objref a, b\na = new C(1)\nb = new C(2)\nprint a, b, a.x + b.x\nobjref a, b\n"
              "a = new C(3)\nprint a\n")
    assert "".join(out) == "C[0] C[1] 3 \nC[0] \n"


def test_template_sections_are_per_instance():
    s, out, _ = session()
    s.execute("begintemplate Cell\npublic soma, dend, n\ncreate soma, dend[2]\n"
              "proc init() { soma.L = $1 }\nfunc n() { local k\n k = 0\n forall k += 1\n return k }\n"
              "endtemplate Cell\nobjref c1, c2\nc1 = new Cell(10)\nc2 = new Cell(20)\n"
              "print c1.soma.L, c2.soma.L, c1.n()\nc2.dend[1] print secname()\n")
    assert "".join(out) == "10 20 3 \nCell[1].dend[1]\n"


def test_template_does_not_see_user_globals_without_external():
    s, _, _ = session()
    with pytest.raises(HocNameError) as e:
        s.execute("gv = 1\nbegintemplate T\npublic get\nfunc get() { return gv }\nendtemplate T\n"
                  "objref o\no = new T()\nx = o.get()\n")
    assert e.value.message == "undefined variable gv"


# ------------------------------------------------------------------ errors
def test_runtime_error_carries_the_call_chain():
    s, _, _ = session()
    with pytest.raises(HocRuntimeError) as e:
        s.execute("proc inner() { x = 1/0 }\nproc outer() { inner() }\nouter()\n", "chain.hoc")
    err = e.value
    assert [(f.name, f.call_site.line) for f in err.frames] == [("inner", 2), ("outer", 3)]
    text = err.render()
    assert text.splitlines()[0] == "chain.hoc:1:20: runtime error: division by zero"
    assert "  in proc inner() called from chain.hoc:2:16" in text


def test_unknown_names_suggest_the_closest():
    s, _, _ = session()
    s.execute("counter = 1\n")
    with pytest.raises(HocNameError) as e:
        s.execute("print countr\n")
    assert e.value.hint == "did you mean 'counter'?"
    with pytest.raises(HocNameError) as e:
        s.execute("x = sqr(2)\n")
    assert "did you mean" in e.value.hint


def test_syntax_error_leaves_earlier_statements_executed():
    s, out, _ = session()
    with pytest.raises(HocSyntaxError):
        s.execute('print "one"\nx = 1 y = 2\nprint "three"\n')
    assert "".join(out) == "one\n"


def test_state_survives_an_error():
    s, out, _ = session()
    with pytest.raises(HocError):
        s.execute("create soma\nx = 5\nsoma { y = 1/0 }\n")
    s.execute("print x\n")
    assert out[-2:] == ["5 ", "\n"]
    assert s.model.stack_depth() == 0


# ------------------------------------------------------------------ API
def test_builtin_kinds_echo_as_nrniv():
    s, out, _ = session()
    s.register_builtin("myfunc", lambda i, a, sp: 2.5)
    s.register_builtin("myproc", lambda i, a, sp: None, kind="proc")
    s.register_builtin("mystr", lambda i, a, sp: "txt", kind="strfunc")
    s.register_builtin("myobj", lambda i, a, sp: None, kind="objfunc")
    s.execute("myfunc()\nmyproc()\nmystr()\nmyobj()\n")
    assert "".join(out) == "\t2.5 \ntxt\n\tNULLobject \n"


def test_globals_and_call_proc():
    s, out, _ = session()
    s.set_global("tstop_test", 5)
    s.execute("func twice() { return 2 * $1 }\nproc hello() { print \"hello \", $1 }\n")
    assert s.get_global("tstop_test") == 5.0
    assert s.call_proc("twice", [4.0]) == 8.0
    s.call_proc("hello", [1.0])
    assert "".join(out) == "hello 1 \n"
    names = s.names()
    assert names["twice"] == "func" and names["sin"] == "bfunc" and names["Vector"] == "template"


def test_builtin_globals_are_visible_in_templates():
    s, out, _ = session()
    s.set_global("simtime", 3.0)
    s.execute("begintemplate T\npublic get\nfunc get() { return simtime + PI - PI }\nendtemplate T\n"
              "objref o\no = new T()\nprint o.get()\n")
    assert "".join(out) == "3 \n"


def test_hooks_are_a_plain_dict():
    s, _, _ = session()
    assert isinstance(s.hooks, dict)


def test_keyboard_interrupt_leaves_the_interpreter_usable():
    s, out, _ = session()

    def boom(interp, args, span):
        raise KeyboardInterrupt

    s.register_builtin("boom", boom)
    s.execute("create soma\n")
    with pytest.raises(KeyboardInterrupt):
        s.execute("proc p() { soma { x = boom() } }\nfor i = 0, 10 { p() }\n")
    s.interrupt_reset()
    assert s.frame is s.top and s.stack == []
    assert s.model.stack_depth() == 0
    s.execute("print 1 + 1\n")
    assert out[-2:] == ["2 ", "\n"]


def test_budget_and_deadline():
    s, _, _ = session(budget=100)
    with pytest.raises(HocRuntimeError, match="budget"):
        s.execute("for i = 0, 1e9 { }\n")
    s, _, _ = session(deadline=time.monotonic() - 1)
    with pytest.raises(HocRuntimeError, match="time limit"):
        s.execute("while (1) { }\n")


def test_execute_and_execute1():
    s, out, err = session()
    s.execute('proc p() { execute("zz = 3") }\np()\nprint zz\n')
    s.execute('print execute1("1/0"), execute1("q = 1")\n')
    assert "".join(out) == "3 \n0 1 \n"
    assert "division by zero" in "".join(err)


def test_stop_abandons_only_the_current_statement():
    assert run('proc p() { print "a"  stop  print "b" }\np()\nprint "c"\n') == "a\nc\n"


def test_hx_sectionlist_declaration():
    s, out, _ = session()
    s.execute("create a, b\nsectionlist group\na group.append()\nprint group\n", "t.hx")
    assert "".join(out) == "SectionList[0] \n"


def test_loop_speed():
    s, _, _ = session()
    t0 = time.perf_counter()
    s.execute("x = 0\nfor i = 0, 99999 { x += i }\n")
    elapsed = time.perf_counter() - t0
    assert s.get_global("x") == 4999950000.0
    assert elapsed < 3.0, f"1e5 loop iterations took {elapsed:.2f}s"


# ------------------------------------------------------------------ files
def test_load_file_dedup_search_and_missing(tmp_path: Path, monkeypatch):
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "helper.hoc").write_text("nloads = nloads + 1\nfunc helper_f() { return 7 }\n")
    (lib / "main.hoc").write_text('nloads = 0\nload_file("helper.hoc")\nload_file("helper.hoc")\n'
                                  'print nloads, helper_f()\nload_file(1, "helper.hoc")\nprint nloads\n'
                                  'print load_file("helper.hoc", "helper_f")\nprint load_file("missing.hoc")\n')
    monkeypatch.chdir(tmp_path)
    s, out, err = session()
    s.execute_file(str(lib / "main.hoc"))
    assert "".join(out) == "\t1 \n\t1 \n1 7 \n\t1 \n2 \n0 \n0 \n"
    assert "Couldn't find: missing.hoc" in "".join(err)


def test_load_file_finds_the_stdlib():
    s, out, _ = session()
    s.execute('{load_file("stdrun.hoc")}\nprint tstop\n')
    assert "".join(out) == "5 \n"


def test_xopen_runs_every_time(tmp_path: Path, monkeypatch):
    (tmp_path / "inc.hoc").write_text("count = count + 1\n")
    monkeypatch.chdir(tmp_path)
    s, out, _ = session()
    s.execute('count = 0\nxopen("inc.hoc")\n{xopen("inc.hoc")}\nprint count\n')
    assert "".join(out) == "\t1 \n2 \n"


def test_python_errors_in_builtins_become_hoc_errors():
    s, _, _ = session()

    def broken(interp, args, span):
        raise ValueError("bad value")

    s.register_builtin("broken", broken)
    with pytest.raises(HocRuntimeError) as e:
        s.execute("x = broken(1)\n")
    assert e.value.message == "broken(): bad value"
    assert (e.value.span.line, e.value.span.col) == (1, 5)


def test_execute_in_an_object_context():
    s, out, _ = session()
    s.execute("begintemplate T\npublic x\nproc init() { x = 1 }\nendtemplate T\n"
              "objref o\no = new T()\nexecute(\"x = 42\", o)\nprint o.x, execute1(\"x = 7\", o), o.x\n")
    assert "".join(out) == "42 1 7 \n"
