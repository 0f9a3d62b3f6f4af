"""The parser: kinds from the symbol table, layout rules, AST shapes, completeness."""
from __future__ import annotations

import pytest

from hocx.errors import HocSyntaxError
from hocx.syntax import ast as A
from hocx.syntax import is_complete, parse_text
from hocx.syntax.parser import classify, split_items
from hocx.syntax.lexer import tokenize


class Syms:
    """A fixed symbol table for parsing without an interpreter."""

    def __init__(self, **kinds):
        self.kinds = kinds

    def kind_of(self, name):
        return self.kinds.get(name)

    def is_mechanism(self, name):
        return name in ("hh", "pas")


def one(text, **kinds):
    items = parse_text(text, "t.hoc", Syms(**kinds))
    assert len(items) == 1
    return items[0]


def syntax_error(text, **kinds) -> HocSyntaxError:
    with pytest.raises(HocSyntaxError) as e:
        parse_text(text, "t.hoc", Syms(**kinds))
    return e.value


def test_assignment_is_not_echoed_expression_is():
    assert one("x = 1\n").echo == ""
    assert one("x + 1\n").echo == "value"
    assert one("(x = 5)\n").echo == "value"
    assert one('"s"\n').echo == "text"
    assert one("s\n", s="str").echo == "text"


def test_precedence_shapes():
    e = one("y = -2^2\n").stmt.expr.value
    assert isinstance(e, A.Neg) and isinstance(e.operand, A.BinOp) and e.operand.op == "^"
    e = one("y = 2^3^2\n").stmt.expr.value
    assert e.op == "^" and isinstance(e.right, A.BinOp) and e.right.op == "^"
    e = one("y = 1 || 0 && 0\n").stmt.expr.value
    assert e.op == "||" and e.right.op == "&&"
    e = one("y = 1 < 2 == 1\n").stmt.expr.value
    assert e.op == "==" and e.left.op == "<"


def test_proc_call_is_a_statement_func_call_an_expression():
    assert isinstance(one("p(1)\n", p="proc").stmt, A.ProcCall)
    st = one("f(1)\n", f="func")
    assert isinstance(st.stmt, A.ExprStmt) and st.echo == "value"
    syntax_error("x = p()\n", p="proc")


def test_new_needs_an_objref():
    assert isinstance(one("o = new Vector()\n", o="obj", Vector="template").stmt.expr.value, A.New)
    err = syntax_error("o = new Vector()\n", Vector="template")
    assert err.span.col == 5


def test_string_assignment_needs_a_strdef():
    syntax_error('x = "a"\n')
    one('s = "a"\n', s="str")


def test_strdef_declares_at_parse_time():
    item = one('{ strdef q  q = "x" }\n')
    assert isinstance(item.stmt, A.Block)


def test_locals_shadow_other_kinds():
    d = one("proc p() { localobj o\n o = new Vector() }\n", Vector="template")
    assert d.localobjs == ("o",)
    d = one("proc p() { local s\n s = 1 }\n", s="str")
    assert d.locals == ("s",)


def test_layout_rules():
    assert syntax_error("x = 1 y = 2\n").span.col == 7
    assert syntax_error("x = 1; y = 2\n").span.col == 6
    syntax_error("{ print 1 } { print 2 }\n")
    syntax_error("if (1) { print 1 } print 2\n")
    syntax_error("proc p() { } p()\n", p="proc")
    syntax_error("if (x)\nprint 1\n")
    syntax_error("proc p() { print 1\nlocal i\n}\n")
    one("{ x = 1  y = 2 }\n")
    one("if (1) print 1 else print 2\n")
    one("if (1) { print 1 } else if (2) { print 2 } else { print 3 }\n")


def test_statement_at_a_time_split():
    items = list(split_items(tokenize("x = 1\nproc p() {\n print 1\n}\ny = 2\n")))
    assert len(items) == 3


def test_insert_needs_a_mechanism():
    err = syntax_error("insert hhh\n")
    assert err.message == "hhh is not a MECHANISM"
    assert isinstance(one("insert hh\n").stmt, A.Insert)


def test_section_forms():
    k = dict(soma="sec", dend="secarray")
    st = one("soma insert hh\n", **k).stmt
    assert isinstance(st, A.Prefixed) and isinstance(st.section, A.SectionRef)
    st = one("dend[1] { nseg = 5  diam(0:1) = 2:1 }\n", nseg="secprop", diam="range", **k).stmt
    assert isinstance(st, A.Prefixed) and isinstance(st.body.body[1], A.Ramp)
    st = one("connect dend[0](0), soma(1)\n", **k).stmt
    assert isinstance(st.child, A.SecAt) and isinstance(st.parent, A.SecAt)
    st = one("soma connect dend(0), 1\n", **k).stmt
    assert isinstance(st.body.parent, A.Num)
    st = one("soma.diam(0:1) = 2:1\n", **k).stmt
    assert isinstance(st, A.Ramp) and st.name == "diam"
    st = one("x = soma.v(0.5)\n", **k).stmt.expr.value
    assert isinstance(st, A.MemberCall)
    st = one("for (x) print x\n").stmt
    assert isinstance(st, A.ForX) and st.ends is None
    st = one("for (x, 0) print x\n").stmt
    assert isinstance(st, A.ForX) and st.ends is not None
    one('forsec "dend" print 1\n')
    one("forall { insert pas }\n")
    one("access soma\n", **k)
    st = one("sr.sec { print 1 }\n", sr="obj").stmt
    assert isinstance(st, A.Prefixed)
    st = one("cell.soma diam = 2\n", cell="obj", diam="range").stmt
    assert isinstance(st, A.Prefixed) and isinstance(st.section, A.Member)


def test_pointer_arguments():
    c = one("setit(&y, &a[2], &soma.v(0.5))\n", setit="proc", a="array", soma="sec").stmt
    assert all(isinstance(a, A.AddrOf) for a in c.args)


def test_template_lines_and_definitions():
    assert one("begintemplate Cell\n").what == "begintemplate"
    assert one("public a, b\n").names == ("a", "b")
    d = one("iterator it() { local i\n for i = 1, $1 { iterator_statement } }\n")
    assert d.kind == "iterator"


def test_member_chains_and_indices():
    e = one("x = o.list.o(0).x[2]\n", o="obj").stmt.expr.value
    assert isinstance(e, A.Member) and len(e.indices) == 1
    e = one("m.x[1][2] = 3\n", m="obj").stmt.expr.target
    assert len(e.indices) == 2


def test_hx_sectionlist_sugar():
    items = parse_text("sectionlist apical\n", "t.hx", Syms(), hx=True)
    assert items[0].stmt.what == "sectionlist"


def test_incomplete_input():
    assert not is_complete("proc p() {\n")
    assert not is_complete("{ x = 1\n")
    assert not is_complete('print "abc')
    assert not is_complete("/* open comment")
    assert not is_complete("x = 1 + \\\n")
    assert is_complete("x = 1\n")
    assert is_complete("proc p() { }\n")
    err = syntax_error("proc p() {\n print 1\n")
    assert err.incomplete


def test_classify_marks_undefined_names_as_plain_variables():
    toks = classify(next(split_items(tokenize("foo(1)\n"))), Syms(), "t", [""])
    assert toks[0].type == "N_VAR"
