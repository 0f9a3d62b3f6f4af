"""Syntax real legacy scripts use (issue 14): help lines, DOS end-of-file, object
iterators, 2-D section arrays, chained object statements."""
from __future__ import annotations

import pytest

from hocx.api import Session
from hocx.errors import HocSyntaxError


def run(text: str) -> str:
    out: list[str] = []
    Session(out=out.append, err=lambda m: None).execute(text, "t.hoc")
    return "".join(out)


def test_help_line_at_top_level_is_ignored():
    assert run("print 1\nhelp ?0\nprint 2\n") == "1 \n2 \n"


def test_help_inside_a_definition_is_a_syntax_error():
    with pytest.raises(HocSyntaxError):
        run("proc p() {\nhelp foo\n}\n")


def test_ctrl_z_ends_the_file():
    assert run("print 1\n\x1a\nprint 2\n") == "1 \n"


ITER = """begintemplate C
public it, n
iterator it() { local i
  for i=1,$1 { n = i  iterator_statement }
}
endtemplate C
objref c
c = new C()
"""


def test_for_over_an_object_iterator():
    assert run(ITER + "for c.it(3) print c.n\n") == "1 \n2 \n3 \n"
    assert run(ITER + "for c.it(5) { if (c.n == 3) break  print c.n }\n") == "1 \n2 \n"


def test_object_iterator_without_arguments_takes_a_block():
    text = ITER.replace("$1", "2").replace("it(", "it2(").replace("public it,", "public it2,")
    assert run(text + "for c.it2 { print c.n }\n") == "1 \n2 \n"


def test_for_over_a_non_iterator_member_is_an_error():
    with pytest.raises(Exception) as e:
        run(ITER + "for c.n { print 1 }\n")
    assert "not an iterator" in str(e.value)


def test_two_dimensional_section_array_subscripts():
    got = run("create d[2][3]\nd[1][2] print secname()\nd[0][1].L = 7\nprint d[0][1].L\n"
              "access d[1][0]\nprint secname()\n")
    assert got == "d[1][2]\n7 \nd[1][0]\n"


def test_two_dimensional_subscript_out_of_range():
    with pytest.raises(Exception) as e:
        run("create d[2][3]\nd[1][3] print secname()\n")
    assert "out of range" in str(e.value)


def test_object_statements_chain_right_recursively():
    got = run("objref a, b, c\na = new Vector()\nb = new Vector()\nc = new Vector()\n"
              "a.resize(1)  b.resize(2)  c.resize(3)\nprint a.size(), b.size(), c.size()\n")
    assert got == "1 2 3 \n"
    with pytest.raises(HocSyntaxError):
        run("x = 1  y = 2\n")
