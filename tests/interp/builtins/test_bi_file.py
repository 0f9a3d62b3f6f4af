"""File, old-style wopen/ropen/fscan/getstr, getcwd: behaviour measured with nrniv 9.0.2."""
import os

import pytest

from hocx.errors import HocError


@pytest.fixture
def data(tmp_path):
    p = tmp_path / "data.txt"
    p.write_text("1.5 2.5\nabc def\n  3e2 x\n")
    return str(p)


def test_reading_like_nrniv(interp, sdef, data):
    f = interp.new("File", data)
    s = sdef()
    assert f.m_isopen([]) == 0.0 and f.m_ropen([]) == 1.0 and f.m_isopen([]) == 1.0
    assert f.m_scanvar([]) == 1.5 and f.m_scanvar([]) == 2.5
    assert f.m_scanstr([s]) == 3.0 and s.value == "abc"
    assert f.m_gets([s]) == 5.0 and s.value == " def\n"
    assert f.m_scanvar([]) == 300.0
    assert f.m_eof([]) == 0.0
    assert f.m_gets([s]) == 2.0 and s.value == "x\n"
    assert f.m_eof([]) == 1.0
    assert f.m_gets([s]) == -1.0 and s.value == "x\n"      # unchanged at EOF
    assert f.m_getname([s]) == data and s.value == data
    with pytest.raises(HocError, match="EOF in fscan"):
        f.m_scanvar([])


def test_seek_tell_and_scanvar_skips_words(interp, tmp_path):
    p = tmp_path / "n.txt"
    p.write_text("nan x 7 inf 8\n")
    f = interp.new("File")
    f.m_ropen([str(p)])
    assert f.m_scanvar([]) == 7.0 and f.m_scanvar([]) == 8.0
    assert f.m_seek([0.0]) == 0.0 and f.m_tell([]) == 0.0


def test_writing_appending_and_errors(interp, sdef, tmp_path):
    path = str(tmp_path / "out.txt")
    g = interp.new("File")
    assert g.m_wopen([path]) == 1.0
    assert g.m_printf(["%d %s\n", 3.0, "x"]) == 0.0
    assert g.m_tell([]) == 4.0
    g.m_close([])
    assert g.m_aopen([path]) == 1.0
    g.m_printf(["y\n"])
    g.m_close([])
    assert open(path).read() == "3 x\ny\n"
    assert g.m_ropen([str(tmp_path / "missing.txt")]) == 0.0
    with pytest.raises(HocError, match="not open"):
        g.m_printf(["a"])
    assert g.m_unlink([]) == 0.0 or not os.path.exists(str(tmp_path / "missing.txt"))


def test_safe_mode_refuses_writes(interp, tmp_path):
    interp.safe = True
    with pytest.raises(HocError, match="--safe"):
        interp.new("File").m_wopen([str(tmp_path / "x")])
    with pytest.raises(HocError, match="--safe"):
        interp.call("wopen", str(tmp_path / "x"))


def test_old_style_ropen_fscan_getstr(interp, sdef, data):
    s = sdef()
    assert interp.call("ropen", data) == 1.0
    assert interp.call("fscan") == 1.5
    assert interp.call("getstr", s) == 4.0 and s.value == "2.5\n"   # fscan ate the blank
    assert interp.call("getstr", s, 1.0) == 3.0 and s.value == "abc"
    assert interp.call("ropen", "/nonexistent/file") == 0.0
    with pytest.raises(HocError, match="no file open"):
        interp.call("fscan")


def test_getcwd_ends_with_slash(interp):
    cwd = interp.call("getcwd")
    assert cwd.endswith("/") and os.path.samefile(cwd, os.getcwd())
