"""Issue 18: what ``--safe`` may read, and nrniv's ``$(VAR)`` expansion in file names
(hocx/interp/safety.py).  In-process: a Session(safe=True) that ran a script in a
temporary model folder, as ``hocx --safe model/main.hoc`` does."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from hocx._resources import stdlib_dir
from hocx.api import Session
from hocx.errors import HocError
from hocx.interp.safety import expand_env_var, is_readable


# ------------------------------------------------------------------ $(VAR) as nrniv
@pytest.mark.parametrize("name, expected", [
    ("plain.hoc", "plain.hoc"),
    ("$(A)/x.hoc", "/a/x.hoc"),
    ("$(A)$(B)", "/abee"),
    ("$(UNSET)/x.hoc", "/x.hoc"),            # unset: nothing (nrniv's getenv NULL)
    ("$()x", "x"),
    ("a$(A", "a"),                           # unterminated: dropped, as nrniv
    ("$A/x", "$A/x"),                         # only $( ) is expanded
    ("$(A)-$(A)", "/a-/a"),
    ("$(WEIRD NAME)", "w"),                   # anything up to ')' is the name
])
def test_expand_env_var_like_nrniv(name, expected):
    env = {"A": "/a", "B": "bee", "WEIRD NAME": "w"}
    assert expand_env_var(name, env) == expected


def test_expand_env_var_refuses_huge_names():
    with pytest.raises(HocError, match="too long"):
        expand_env_var("$(" + "X" * 300 + ")", {})


def test_var_expansion_outside_safe(tmp_path, monkeypatch):
    (tmp_path / "lib.hoc").write_text("libvalue = 7\n")
    monkeypatch.setenv("H5_MODELDIR", str(tmp_path))
    s = Session(out=lambda _s: None, err=lambda _s: None)
    s.execute('load_file("$(H5_MODELDIR)/lib.hoc")\n', "t.hoc")
    assert s.get_global("libvalue") == 7.0
    (tmp_path / "nums.txt").write_text("3.5 4\n")
    s.execute('ropen("$(H5_MODELDIR)/nums.txt")\ny = fscan()\n', "t.hoc")
    assert s.get_global("y") == 3.5


# ------------------------------------------------------------------ --safe reads
@pytest.fixture
def model(tmp_path):
    """tmp/model/{main.hoc, sub/inner.hoc, data.txt, links}, tmp/outside/{o.hoc, secret.txt}."""
    m, out = tmp_path / "model", tmp_path / "outside"
    (m / "sub").mkdir(parents=True)
    out.mkdir()
    (m / "sub" / "inner.hoc").write_text("inner = 1\n")
    (m / "data.txt").write_text("1.5 2.5\n")
    (m / "main.hoc").write_text("mainran = 1\n")
    (out / "o.hoc").write_text("outside = 1\n")
    (out / "secret.txt").write_text("42\n")
    os.symlink(out / "secret.txt", m / "leak.txt")          # points outside
    os.symlink(out / "o.hoc", m / "leak.hoc")
    os.symlink(m / "data.txt", m / "sub" / "alias.txt")       # points inside: fine
    return m


def safe_session(model: Path) -> Session:
    s = Session(out=lambda _s: None, err=lambda _s: None, safe=True)
    old = os.getcwd()
    os.chdir(model)
    try:
        s.execute_file(str(model / "main.hoc"))     # the front end's file: its folder is allowed
    finally:
        os.chdir(old)
    return s


def refused(s: Session, stmt: str, cwd: Path) -> HocError:
    old = os.getcwd()
    os.chdir(cwd)
    try:
        with pytest.raises(HocError) as e:
            s.execute(f"\n{stmt}\n", "attack.hoc")
    finally:
        os.chdir(old)
    err = e.value
    last = 1 + len(stmt.split("\n"))             # the refused call is the last line
    assert err.span is not None and (err.span.file, err.span.line) == ("attack.hoc", last), err.render()
    assert "--safe" in err.message
    return err


@pytest.mark.parametrize("stmt", [
    'load_file("/etc/passwd")',
    'xopen("/etc/passwd")',
    'ropen("/etc/passwd")',
    'objref f\nf = new File("/etc/passwd")\nf.ropen()',
    'load_file("../outside/o.hoc")',
    'xopen("sub/../../outside/o.hoc")',
    'ropen("../outside/secret.txt")',
    'xopen("leak.hoc")',                       # a symlink pointing outside
    'ropen("leak.txt")',
    'ropen("/proc/self/environ")',
    'ropen("/dev/zero")',
    'load_file("/nonexistent/nothing.hoc")',   # refused before asking whether it exists
    'nrn_load_dll("../outside")',
    'nrn_load_dll("/usr/lib/x86_64/libnrnmech.so")',
])
def test_safe_refuses_reads_outside(model, stmt):
    s = safe_session(model)
    err = refused(s, stmt, model)
    assert "refuses to read" in err.message
    assert err.hint == f"--safe allows reading only under {model.resolve()}, {stdlib_dir().resolve()}"
    assert s.kind_of("outside") is None


@pytest.mark.parametrize("stmt", [
    'load_file("$(HOME)/.bashrc")',
    'ropen("$(HOME)/x")',
    'nrn_load_dll("$(HOME)/x86_64/libnrnmech.so")',
    'objref f\nf = new File()\nf.ropen("$(PWD)/data.txt")',
])
def test_safe_does_not_expand_env_vars(model, stmt):
    err = refused(safe_session(model), stmt, model)
    assert "does not expand $(...)" in err.message


def test_safe_allows_the_model_tree_and_the_stdlib(model):
    s = safe_session(model)
    old = os.getcwd()
    os.chdir(model)
    try:
        s.execute('load_file("sub/inner.hoc")\n'
                  'ropen("data.txt")\na = fscan()\n'
                  'ropen("sub/alias.txt")\nb = fscan()\nropen()\n'
                  'objref f\nf = new File("data.txt")\nf.ropen()\nc = f.scanvar()\n'
                  'load_file("stdrun.hoc")\n'
                  'xopen("$(NEURONHOME)/lib/hoc/stdlib.hoc")\n', "ok.hoc")
    finally:
        os.chdir(old)
    assert (s.get_global("inner"), s.get_global("a"), s.get_global("b"), s.get_global("c")) == \
        (1.0, 1.5, 1.5, 1.5)
    assert s.kind_of("run") == "proc"             # stdrun.hoc ran


def test_safe_load_file_finds_files_beside_the_script_from_another_cwd(model, tmp_path):
    """hocx --safe model/main.hoc from the parent folder: load_file("sub/inner.hoc") in
    main.hoc resolves against the script's folder; the cwd candidate is skipped unasked."""
    (model / "main.hoc").write_text('load_file("sub/inner.hoc")\n')
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        s = Session(out=lambda _s: None, err=lambda _s: None, safe=True)
        s.execute_file("model/main.hoc")
    finally:
        os.chdir(old)
    assert s.get_global("inner") == 1.0


def test_safe_ignores_hoc_library_path(model, monkeypatch, tmp_path):
    monkeypatch.setenv("HOC_LIBRARY_PATH", str(tmp_path / "outside"))
    s = safe_session(model)
    warnings: list[str] = []
    s.err = warnings.append
    s.execute('r = load_file("o.hoc")\n', "t.hoc")
    assert s.get_global("r") == 0.0 and s.kind_of("outside") is None
    plain = Session(out=lambda _s: None, err=lambda _s: None)
    plain.execute('r = load_file("o.hoc")\n', "t.hoc")
    assert plain.get_global("outside") == 1.0


def test_execute1_cannot_hide_a_refusal_from_the_error_stream(model):
    s = safe_session(model)
    errs: list[str] = []
    s.err = errs.append
    s.execute('ok = execute1("ropen(\\"/etc/passwd\\")")\n', "t.hoc")
    assert s.get_global("ok") == 0.0
    assert any("--safe refuses to read /etc/passwd" in e for e in errs)


def test_allow_reads_under_adds_a_root(model, tmp_path):
    s = safe_session(model)
    outside = tmp_path / "outside"
    assert not is_readable(s, str(outside / "o.hoc"))
    s.allow_reads_under(str(outside))
    assert is_readable(s, str(outside / "o.hoc"))
    assert not is_readable(s, str(tmp_path / "elsewhere.hoc"))


def test_without_safe_nothing_is_refused(model):
    s = Session(out=lambda _s: None, err=lambda _s: None)
    s.execute(f'xopen("{model.parent / "outside" / "o.hoc"}")\n', "t.hoc")
    assert s.get_global("outside") == 1.0


def test_neuronhome_library_names_hocx_own_copy_even_when_neuronhome_is_set(tmp_path, monkeypatch):
    """``$(NEURONHOME)/lib/hoc/x.hoc`` is hocx's stdlib x.hoc when it has one, even with the
    environment's NEURONHOME pointing at an installed NEURON (``import neuron`` sets it), whose
    GUI library files hocx cannot run."""
    from hocx.api import Session

    lib = tmp_path / "nrn" / "lib" / "hoc"
    lib.mkdir(parents=True)
    (lib / "mkcurve.hoc").write_text('print "NEURON\'s own file"\n')
    (lib / "only_here.hoc").write_text('print "only in NEURONHOME"\n')
    monkeypatch.setenv("NEURONHOME", str(tmp_path / "nrn"))
    out = []
    s = Session(out=out.append, err=lambda _t: None)
    s.execute('{xopen("$(NEURONHOME)/lib/hoc/mkcurve.hoc")}\n{xopen("$(NEURONHOME)/lib/hoc/only_here.hoc")}\n')
    assert "".join(out) == "only in NEURONHOME\n"
