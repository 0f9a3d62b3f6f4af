"""Every error kind of the NMODL front end, with its exact file:line:col."""
from __future__ import annotations

import pytest

from hocx.errors import HocError, HocSyntaxError
from hocx.syntax.nmodl import parse_mod, parse_mod_file
from hocx.syntax.nmodl.check import NmodlError, check_mod

HEAD = """NEURON {
    SUFFIX leak
    NONSPECIFIC_CURRENT i
    RANGE g, e
}
PARAMETER {
    g = 0.001 (S/cm2)
    e = -65 (mV)
}
ASSIGNED {
    v (mV)
    i (mA/cm2)
}
"""   # 13 lines


def check(text, path="t.mod"):
    return check_mod(parse_mod(text, path))


def where(err: HocError) -> str:
    return f"{err.span.file}:{err.span.line}:{err.span.col}"


def test_valid_head_checks():
    c = check(HEAD + "BREAKPOINT {\n    i = g*(v - e)\n}\n")
    assert c.name == "leak" and c.breakpoint is not None


def test_syntax_error_position_and_render():
    with pytest.raises(HocSyntaxError) as ei:
        parse_mod(HEAD + "BREAKPOINT {\n    i = g*(v - e) +\n}\n", "leak.mod")
    e = ei.value
    assert where(e) == "leak.mod:16:1"
    assert "unexpected '}'" in e.message
    text = e.render()
    assert text.splitlines()[0] == "leak.mod:16:1: syntax error: unexpected '}'"
    assert " 16 | }" in text and "^" in text


def test_unexpected_character():
    with pytest.raises(HocSyntaxError) as ei:
        parse_mod("NEURON { SUFFIX a }\nPARAMETER { x = 1 $ }\n", "u.mod")
    assert where(ei.value) == "u.mod:2:19"
    assert "'$'" in ei.value.message


def test_missing_paren_points_at_the_line_where_it_is_missing(shared_dir):
    path = shared_dir / "fail" / "syntax_error.mod"
    with pytest.raises(HocSyntaxError) as ei:
        parse_mod_file(path)
    e = ei.value
    assert (e.span.line, e.span.col) == (47, 23)     # just after "n' = (ninf - n/tau"
    assert e.span.file == str(path)
    assert "missing ')'" in e.message and ":47:10" in e.hint


def test_unclosed_block_hint():
    with pytest.raises(HocSyntaxError) as ei:
        parse_mod("NEURON { SUFFIX a\n", "b.mod")
    assert "end of file" in ei.value.message and ei.value.incomplete
    assert "'}' is missing" in ei.value.hint


def test_verbatim_fail_case(shared_dir):
    path = shared_dir / "fail" / "verbatim_block.mod"
    mod = parse_mod_file(path)          # parses: VERBATIM is a node
    with pytest.raises(NmodlError) as ei:
        check_mod(mod)
    e = ei.value
    assert (e.span.file, e.span.line, e.span.col) == (str(path), 35, 1)
    assert "VERBATIM C code cannot be translated" in e.message
    assert "BREAKPOINT" in e.message and "verbatim_block.mod line 35" in e.message
    assert "VERBATIM" in e.render().splitlines()[1]


def test_trivial_verbatim_is_dropped():
    c = check(HEAD + "BREAKPOINT {\n    i = f(v)\n}\nFUNCTION f(x) {\n    f = g*(x - e)\n"
              "VERBATIM\n    return 0;\nENDVERBATIM\n}\n")
    assert len(c.dropped_verbatim) == 1 and c.dropped_verbatim[0].span.line == 19
    assert c.dropped_verbatim[0].text.strip() == "return 0;"


def test_verbatim_in_procedure_names_the_block():
    with pytest.raises(NmodlError) as ei:
        check(HEAD + "PROCEDURE p() {\nVERBATIM\n  x = 1;\nENDVERBATIM\n}\n")
    assert where(ei.value) == "t.mod:15:1" and "PROCEDURE p" in ei.value.message


def test_unknown_variable():
    with pytest.raises(NmodlError) as ei:
        check(HEAD + "BREAKPOINT {\n    i = g*(v - e)*celsus\n}\n")
    e = ei.value
    assert where(e) == "t.mod:15:19" and "unknown variable 'celsus'" in e.message
    assert e.hint == "did you mean 'celsius'?"
    assert "BREAKPOINT" in e.message


def test_unknown_function():
    with pytest.raises(NmodlError) as ei:
        check(HEAD + "BREAKPOINT {\n    i = g*(v - e)*expp(v)\n}\n")
    assert where(ei.value) == "t.mod:15:19" and "unknown function 'expp'" in ei.value.message
    assert "exp" in ei.value.hint


def test_wrong_argument_count():
    with pytest.raises(NmodlError, match="exp takes 1 argument, 2 given"):
        check(HEAD + "BREAKPOINT {\n    i = exp(v, 2)\n}\n")
    with pytest.raises(NmodlError, match="f takes 2 arguments, 1 given"):
        check(HEAD + "BREAKPOINT {\n    i = f(v)\n}\nFUNCTION f(a, b) { f = a + b }\n")


def test_local_and_argument_scopes():
    c = check(HEAD + "BREAKPOINT {\n    LOCAL q\n    q = f(v)\n    i = q\n}\n"
              "FUNCTION f(x (mV)) (mA/cm2) {\n    FROM j = 0 TO 2 { f = f + x*j }\n}\n")
    assert "f" in c.blocks
    with pytest.raises(NmodlError) as ei:   # a LOCAL of one block is unknown in another
        check(HEAD + "INITIAL {\n    LOCAL q\n    q = 1\n}\nBREAKPOINT {\n    i = q\n}\n")
    assert where(ei.value) == "t.mod:19:9"


def test_ion_current_written_without_useion():
    with pytest.raises(NmodlError) as ei:
        check(HEAD + "BREAKPOINT {\n    i = 0\n    ina = g*(v - e)\n}\n")
    e = ei.value
    assert where(e) == "t.mod:16:5"
    assert "writes the ion variable 'ina'" in e.message and "no USEION na" in e.message
    assert e.hint == "add 'USEION na WRITE ina' to the NEURON block"


def test_ion_variable_read_without_useion():
    with pytest.raises(NmodlError) as ei:
        check(HEAD + "BREAKPOINT {\n    i = g*(v - ek)\n}\n")
    assert where(ei.value) == "t.mod:15:16"
    assert "reads the ion variable 'ek'" in ei.value.message
    assert ei.value.hint == "add 'USEION k READ ek' to the NEURON block"


def test_ion_current_written_when_only_read():
    text = HEAD.replace("    RANGE g, e\n", "    USEION ca READ ica\n") + \
        "BREAKPOINT {\n    i = 0\n    ica = 1\n}\n"
    with pytest.raises(NmodlError) as ei:
        check(text)
    assert where(ei.value) == "t.mod:16:5"
    assert "only READs it" in ei.value.message


def test_ion_variable_not_of_that_ion():
    with pytest.raises(NmodlError, match="'ek' is not a variable of ion na"):
        check("NEURON { SUFFIX a USEION na READ ek }\n")


def test_solve_unknown_block():
    with pytest.raises(NmodlError) as ei:
        check(HEAD + "BREAKPOINT {\n    SOLVE stats METHOD cnexp\n    i = 0\n}\n"
              "DERIVATIVE states { }\n")
    e = ei.value
    assert where(e) == "t.mod:15:11" and "SOLVE stats: no such block" in e.message
    assert e.hint == "did you mean states?"


def test_solve_unknown_method():
    with pytest.raises(NmodlError) as ei:
        check(HEAD + "STATE { m }\nBREAKPOINT {\n    SOLVE states METHOD cnexpp\n}\n"
              "DERIVATIVE states { m' = -m }\n")
    assert where(ei.value) == "t.mod:16:5" and "unknown integration method 'cnexpp'" in ei.value.message


def test_prime_of_a_non_state():
    with pytest.raises(NmodlError) as ei:
        check(HEAD + "BREAKPOINT {\n    SOLVE states METHOD cnexp\n}\nDERIVATIVE states {\n"
              "    g' = -g\n}\n")
    assert where(ei.value) == "t.mod:18:5" and "'g' is not a STATE" in ei.value.message


def test_missing_suffix():
    with pytest.raises(NmodlError) as ei:
        check("PARAMETER { x = 1 }\nNEURON {\n  RANGE x\n}\n", "nosuf.mod")
    assert where(ei.value) == "nosuf.mod:2:1"
    assert "no SUFFIX, POINT_PROCESS or ARTIFICIAL_CELL" in ei.value.message
    with pytest.raises(NmodlError) as ei:
        check("PARAMETER { x = 1 }\n", "none.mod")
    assert where(ei.value) == "none.mod:1:1"


def test_range_of_undeclared_name():
    with pytest.raises(NmodlError) as ei:
        check("NEURON {\n  SUFFIX a\n  RANGE x, y\n}\nPARAMETER { x = 1 }\n")
    assert where(ei.value) == "t.mod:3:12" and "'y'" in ei.value.message


def test_duplicate_function():
    with pytest.raises(NmodlError) as ei:
        check(HEAD + "FUNCTION f() { f = 1 }\nFUNCTION f() { f = 2 }\n")
    assert where(ei.value) == "t.mod:15:10" and "defined twice" in ei.value.message


def test_assign_to_constant():
    with pytest.raises(NmodlError, match="cannot assign to q10"):
        check(HEAD + "CONSTANT { q10 = 3 }\nINITIAL { q10 = 2 }\n")


def test_reaction_outside_kinetic():
    with pytest.raises(NmodlError) as ei:
        check(HEAD + "STATE { a b }\nINITIAL {\n    ~ a <-> b (1, 2)\n}\n")
    assert where(ei.value) == "t.mod:16:5" and "KINETIC" in ei.value.message


def test_unknown_unit_in_units_block():
    with pytest.raises(HocError) as ei:
        check(HEAD + "UNITS {\n    (mA) = (milliamp)\n    X = (furlong) (m)\n}\n")
    e = ei.value
    assert where(e) == "t.mod:16:5" and "unknown unit 'furlong'" in e.message
    assert e.source_line == "    X = (furlong) (m)"


def test_unconformable_units():
    with pytest.raises(HocError, match="not conformable"):
        check(HEAD + "UNITS {\n    X = (volt) (m)\n}\n")


def test_include_not_found(tmp_path):
    p = tmp_path / "a.mod"
    p.write_text("NEURON { SUFFIX a }\nINCLUDE \"nothere.inc\"\n")
    with pytest.raises(HocError) as ei:
        parse_mod_file(p)
    assert where(ei.value) == f"{p}:2:1" and "nothere.inc" in ei.value.message


def test_include_search_dirs_and_cycle(tmp_path):
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "f.inc").write_text("FUNCTION sq(x) { sq = x*x }\n")
    p = tmp_path / "a.mod"
    p.write_text("NEURON { SUFFIX a }\nINCLUDE \"f.inc\"\nINITIAL { LOCAL y\n y = sq(2) }\n")
    with pytest.raises(HocError):
        parse_mod_file(p)
    c = check_mod(parse_mod_file(p, include_dirs=[lib]))
    assert "sq" in c.blocks
    (tmp_path / "loop.inc").write_text("INCLUDE \"loop.inc\"\n")
    q = tmp_path / "b.mod"
    q.write_text("INCLUDE \"loop.inc\"\n")
    with pytest.raises(HocError, match="includes itself"):
        parse_mod_file(q)


def test_syntax_error_in_included_file_names_that_file(tmp_path):
    (tmp_path / "bad.inc").write_text("FUNCTION f() {\n  f = (1\n}\n")
    p = tmp_path / "a.mod"
    p.write_text("NEURON { SUFFIX a }\nINCLUDE \"bad.inc\"\n")
    with pytest.raises(HocSyntaxError) as ei:
        parse_mod_file(p)
    assert ei.value.span.file.endswith("bad.inc") and ei.value.span.line == 2


def test_spans_point_at_tokens():
    mod = parse_mod(HEAD + "BREAKPOINT {\n    i = g*(v - e)\n}\n", "s.mod")
    from hocx.syntax.nmodl import ast as A
    bp = [it for it in mod.items if isinstance(it, A.CodeBlock)][0]
    asg = bp.body.stmts[0]
    assert (asg.span.line, asg.span.col, asg.span.end_col) == (15, 5, 18)
    assert (asg.target.span.col, asg.target.span.end_col) == (5, 6)
    mul = asg.value
    assert mul.op == "*" and (mul.left.span.col, mul.right.span.col) == (9, 12)
    nb = mod.items[0]
    assert nb.stmts[2].name_spans[1].col == 14      # RANGE g, e -> 'e'


def test_declared_ion_current_without_useion_is_a_warning():
    c = check(HEAD.replace("    i (mA/cm2)\n", "    i (mA/cm2)\n    ina (mA/cm2)\n") +
              "BREAKPOINT {\n    i = 0\n    ina = g*(v - e)\n}\n")
    (n,) = c.notices
    assert (n.span.line, n.span.col) == (17, 5)
    assert "no USEION na WRITE ina" in n.message and "private variable" in n.message
