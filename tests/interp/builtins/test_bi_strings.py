"""printf/sprint/fprint/strcmp and StringFunctions (values measured with nrniv 9.0.2)."""
import pytest

from hocx.errors import HocError


def test_printf_writes_and_returns_length(interp):
    assert interp.call("printf", "abc\n") == 4.0
    assert interp.call("printf", "%d:%s\n", 2.5, "x") == 4.0
    assert interp.text == "abc\n2:x\n"


def test_sprint_writes_the_strdef_and_returns_1(interp, sdef):
    s = sdef()
    assert interp.call("sprint", s, "x=%g y=%s n=%d", 1.5, "q", 7.9) == 1.0
    assert s.value == "x=1.5 y=q n=7"
    assert interp.text == ""


def test_sprint_needs_a_strdef(interp):
    with pytest.raises(HocError, match="strdef"):
        interp.call("sprint", "literal", "%g", 1.0)


@pytest.mark.parametrize("a,b,expected", [
    ("a", "b", -1), ("b", "a", 1), ("a", "a", 0), ("a", "c", -2), ("abc", "ab", 99), ("ab", "abc", -99),
])
def test_strcmp_is_the_c_byte_difference(interp, a, b, expected):
    assert interp.call("strcmp", a, b) == expected


def test_fprint_goes_to_stdout_then_to_the_wopen_file(interp, tmp_path):
    assert interp.call("fprint", "%d\n", 12) == 3.0
    path = tmp_path / "out.txt"
    assert interp.call("wopen", str(path)) == 1.0
    interp.call("fprint", "a %g\n", 0.5)
    assert interp.call("wopen") == 1.0          # closes, back to stdout
    assert path.read_text() == "a 0.5\n"
    assert interp.text == "12\n"


def test_stringfunctions(interp, sdef):
    sf = interp.new("StringFunctions")
    s, r = sdef("  hello world.txt  "), sdef()
    assert sf.m_len([s]) == 19 and sf.m_substr([s, "world"]) == 8 and sf.m_substr([s, "zz"]) == -1
    assert sf.m_head([s, "wor", r]) == 8 and r.value == "  hello "
    assert sf.m_tail([s, "wor", r]) == 11 and r.value == "ld.txt  "
    assert sf.m_head(["a.b.c", "z", r]) == -1 and r.value == ""
    assert sf.m_tail(["a.b.c", "\\.", r]) == 2 and r.value == "b.c"
    sf.m_right([s, 3.0])
    assert s.value == "ello world.txt  "
    t = sdef("abcdef")
    sf.m_left([t, 2.0])
    assert t.value == "ab"
    with pytest.raises(HocError, match="Arg out of range"):
        sf.m_left([t, 5.0])
    sf.m_rtrim(["  ab  ", r])
    assert r.value == "  ab"
    sf.m_ltrim(["  ab  ", r])
    assert r.value == "ab  "
    sf.m_rtrim(["  x  ", r, " x"])
    assert r.value == ""
    assert sf.m_len(["héllo"]) == 6          # bytes, as C strlen


def test_is_name_uses_the_interpreter_names(interp):
    sf = interp.new("StringFunctions")
    assert sf.m_is_name(["Vector"]) == 1.0
    assert sf.m_is_name(["no_such_name"]) == 0.0
