"""Issue 18: extreme numbers as indices and sizes, deep nesting, memory: always a
HocError with file:line:col, never an internal error, with bounded memory."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from hocx.api import Session
from hocx.errors import HocError, render_diagnostic
from hocx.interp.indices import c_int, dimension, shape, subscript


def session():
    out: list[str] = []
    s = Session(out=out.append, err=lambda _s: None)
    return s, out


def run(text: str) -> str:
    s, out = session()
    s.execute(text, "t.hoc")
    return "".join(out)


def error_of(text: str) -> HocError:
    s, _ = session()
    with pytest.raises(HocError) as e:
        s.execute(text, "t.hoc")
    assert e.value.span is not None and e.value.span.file == "t.hoc"
    return e.value


# ------------------------------------------------------------ conversions
def test_c_int_follows_x86():
    assert c_int(2.9) == 2 and c_int(-2.9) == -2
    for x in (float("nan"), float("inf"), -float("inf"), 3e9, -3e9):
        assert c_int(x) == -2147483648
    assert c_int(2147483647.5) == 2147483647
    assert c_int(1e300, 64) == -(2 ** 63)
    assert subscript(0.9999999999999, 1e-11) == 1


def test_dimension_and_total_limits():
    assert dimension(2.7, 1e-11, "a", None) == 2
    for bad in (0.0, -1.0, float("nan"), -float("inf"), float("inf"), 1e20):
        with pytest.raises(HocError):
            dimension(bad, 1e-11, "a", None)
    assert shape([1e4, 1e5], 1e-11, "a", None) == (10000, 100000)
    with pytest.raises(HocError, match="total subscript too large"):
        shape([50000, 50000], 1e-11, "a", None)     # 2.5e9 > 2e9, as nrniv
    with pytest.raises(HocError, match="too many sections"):
        shape([1e4, 1e4], 1e-11, "s", None, sections=True)


# ------------------------------------------------------------ the reproducers
@pytest.mark.parametrize("text, line, col, message", [
    ("double a[1e309]\n", 1, 10, "a :total subscript too large"),
    ("x = 1e309 - 1e309\ndouble a[x]\n", 2, 10, "subscript < 1 a"),
    ("double a[1e20]\n", 1, 10, "a :total subscript too large"),
    ("objref o[1e20]\n", 1, 10, "o :total subscript too large"),
    ("double a[0]\n", 1, 10, "subscript < 1 a"),
    ("double a[-1e309]\n", 1, 10, "subscript < 1 a"),
    ("create d[2]\nd[-1e309] print secname()\n", 2, 1, "index -2147483648 of d out of range 2"),
    ("objref vv\nvv = new Vector(3)\nprint vv.x[1e309]\n", 3, 7, "index -2147483648 of x out of range 3"),
    ("double a[3]\nprint a[1e309-1e309]\n", 2, 7, "index -2147483648 of a out of range 3"),
    ("double a[3]\na[1e309] = 1\n", 2, 1, "index -2147483648 of a out of range 3"),
    ("create s[1e6][1e6]\n", 1, 10, "s :total subscript too large"),
    ("create s[1e4][1e4]\n", 1, 10, "too many sections"),
    ("objref o[2]\nprint o[1e309]\n", 2, 7, "out of range"),
])
def test_reproducer_is_a_located_hoc_error(text, line, col, message):
    e = error_of(text)
    assert message in e.message
    assert (e.span.line, e.span.col) == (line, col)


def test_modulus_follows_ieee_like_nrniv():
    # values printed by nrniv 9.0.2 for the same line
    out = run("x = 1e309 - 1e309\n"
              "print -5%3, 5.5%3, -1e-20%3, 5%1e309, -5%1e309, x%3, 3%x\n"
              "print -1e309%3, 1e309%3, 7%3, 6%3\n")
    assert out == "1 2.5 3 5 inf -nan 3 \n-nan -nan 1 0 \n"
    assert "b<=0" in error_of("print 5 % -3\n").message


def test_big_legal_array_is_lazy():
    out = run("double x[1e9]\nx[5e8] = 3\nx[999999999] = -1\nprint x[5e8], x[2], x[999999999]\n"
              "objref o[1e9]\no[7] = new Vector(2)\nprint o[7].size(), object_id(o[8])\n")
    assert out == "3 0 -1 \n2 0 \n"


def _peak_rss_of(script: str, limit_mb: int = 2000) -> tuple[int, str, float]:
    """Run ``script`` with hocx in a child under an address-space limit; returns
    (exit status, stderr, peak RSS in MB)."""
    code = textwrap.dedent(f"""
        import resource, subprocess, sys
        p = subprocess.run([sys.executable, "-m", "hocx", "-c", {script!r}],
                           capture_output=True, text=True, timeout=120,
                           preexec_fn=lambda: resource.setrlimit(
                               resource.RLIMIT_AS, ({limit_mb} << 20, {limit_mb} << 20)))
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(p.returncode, peak)
        sys.stderr.write(p.stderr)
    """)
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    status, peak = p.stdout.split()
    return int(status), p.stderr, float(peak)


@pytest.mark.slow
@pytest.mark.parametrize("script, message, max_mb", [
    ("double x[1e9]\nx[3] = 1\nprint x[3]", None, 300),     # eager: 8000 MB
    ("double a[1e20]", "total subscript too large", 300),
    ("create s[1e6][1e6]", "total subscript too large", 300),
    # grows until the 2000 MB limit: MemoryError must become a located HocError
    ('strdef s\ns = "xxxxxxxx"\nfor i=1,100 { sprint(s, "%s%s", s, s) }', "out of memory", 2000),
])
def test_peak_memory_is_bounded(script, message, max_mb):
    status, err, peak = _peak_rss_of(script)
    assert "internal error" not in err and "Traceback" not in err
    if message is None:
        assert status == 0, err
    else:
        assert status == 1 and message in err and "-c:" in err, err
    assert peak < max_mb, peak


# ------------------------------------------------------------ nesting
def test_self_loading_file_stops_with_location(tmp_path):
    f = tmp_path / "self.hoc"
    f.write_text(f'load_file(1, "{f}")\n')
    s, _ = session()
    with pytest.raises(HocError) as e:
        s.execute_file(str(f))
    assert "nested too deeply" in e.value.message
    assert e.value.span is not None and e.value.span.file == str(f) and e.value.span.line == 1


def test_deep_recursion_folds_repeated_frames():
    e = error_of("func f() { return f() }\nf()\n")
    text = render_diagnostic(e)
    assert "nested too deeply" in text
    assert text.count("in func f()") == 3          # two shown, the caller's, and a fold line
    assert "  ... 509 more f()" in text
    assert len(text.splitlines()) < 12


def test_memory_error_becomes_located_hoc_error(monkeypatch):
    s, _ = session()
    s.execute("proc p() { print 1 }\n", "t.hoc")

    def boom(*_a, **_k):
        raise MemoryError
    monkeypatch.setattr(type(s.interp) if hasattr(s, "interp") else type(s), "exec_body", boom,
                        raising=False)
    with pytest.raises(HocError) as e:
        s.execute("p()\n", "u.hoc")
    assert e.value.message == "out of memory" and e.value.span.file == "u.hoc"


def test_excerpt_is_cut_around_the_caret():
    line = "x = " + "1+" * 50_000 + "@"
    e = error_of(line + "\n")
    text = render_diagnostic(e)
    assert len(text) < 1000
    src, caret = text.splitlines()[1:3]
    assert src.rstrip().endswith("@") or "@" in src
    assert src[caret.index("^")] == "@"
