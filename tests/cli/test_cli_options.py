"""CLI options from issue 17: --check, -V, --no-color/NO_COLOR, --history-file, nrniv's flags,
one-line usage errors with a hint, -i after an error, .py refused, --simple-prompt colourless."""
from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_cli import ROOT, hocx, hocx_process

BAD = """create soma
soma insert hh
x = 1; y = 2
proc p() {
  print "in p"
}
soma insert hhh
objref o
o = new Vector(3)
print o.size(
"unterminated
z = 3
"""


def test_check_reports_every_syntax_error_and_runs_nothing(tmp_path):
    (tmp_path / "bad.hoc").write_text(BAD + 'print "ran"\n')
    r = hocx("--check", "bad.hoc", cwd=tmp_path)
    assert r.returncode == 1
    assert "ran" not in r.stdout
    heads = [ln for ln in r.stderr.splitlines() if ln.startswith("bad.hoc:")]
    assert [h.split(": ")[0] for h in heads] == ["bad.hoc:3:6", "bad.hoc:7:13", "bad.hoc:10:14", "bad.hoc:11:1"]
    assert "hhh is not a MECHANISM" in r.stderr and "did you mean 'hh'?" in r.stderr
    assert r.stdout == "bad.hoc: 4 syntax errors\n"


def test_check_knows_declarations_but_does_not_run(tmp_path):
    # sections, objrefs, templates and load_file'd procs are known to later lines; nothing runs
    (tmp_path / "ok.hoc").write_text(
        'load_file("stdrun.hoc")\nn = 3\ncreate dend[n]\nobjref v\nbegintemplate C\npublic x\nx = 1\n'
        'endtemplate C\nforall insert pas\ndend[1] { nseg = 3 }\nv = new Vector()\nprint "ran"\nrun()\n')
    r = hocx("--check", "ok.hoc", cwd=tmp_path)
    assert (r.returncode, r.stdout) == (0, "ok.hoc: ok (13 items)\n"), r.stderr


def test_check_counts_object_push_items_as_unchecked(tmp_path):
    """Inside object_push(obj) names are the object's, known only when it runs: an item there
    that does not parse is reported as unchecked, not as a syntax error (session files);
    outside, a syntax error is still one."""
    (tmp_path / "s.ses").write_text('objref cb\ncb = new List()\n{object_push(cb)}\n'
                                    '{first = 0  sname = "dend"}\n{object_pop()}\nx = 1 +\n')
    r = hocx("--check", "s.ses", cwd=tmp_path)
    assert r.returncode == 1 and "s.ses:6" in r.stderr and "s.ses:4" not in r.stderr, r.stderr
    (tmp_path / "s.ses").write_text('objref cb\ncb = new List()\n{object_push(cb)}\n'
                                    '{first = 0  sname = "dend"}\n{object_pop()}\n')
    r = hocx("--check", "s.ses", cwd=tmp_path)
    assert (r.returncode, r.stdout) == (0, "s.ses: ok (4 items, 1 unchecked inside object_push)\n"), r.stderr


@pytest.mark.parametrize("example", sorted((ROOT / "examples").glob("*.hx")), ids=lambda p: p.name)
def test_check_passes_on_every_example(example):
    r = hocx("--check", str(example), cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.endswith("ok (" + r.stdout.split("ok (")[1])


def test_check_needs_a_file(tmp_path):
    r = hocx("--check", cwd=tmp_path)
    assert r.returncode == 2 and "--check needs a FILE" in r.stderr


def test_V_and_version(tmp_path):
    for flag in ("-V", "--version"):
        r = hocx(flag, cwd=tmp_path)
        assert r.returncode == 0 and r.stdout.startswith("hocx 0.")


def test_unknown_option_is_one_line_with_a_hint(tmp_path):
    r = hocx("--chek", "x.hoc", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr == "hocx: unknown option --chek (did you mean --check?); see hocx --help\n"
    r = hocx("--no-colr", cwd=tmp_path)
    assert "did you mean --no-color?" in r.stderr and len(r.stderr.splitlines()) == 1


def test_python_files_are_refused(tmp_path):
    (tmp_path / "x.py").write_text("print('hi')\n")
    r = hocx("x.py", cwd=tmp_path)
    assert r.returncode == 2
    assert "x.py is a Python file" in r.stderr and r.stdout == ""


def test_nrniv_flags_accepted(tmp_path):
    r = hocx("-nobanner", "-nogui", "-isatty", "-notatty", "-c", 'print "ok"', cwd=tmp_path)
    assert (r.returncode, r.stdout) == (0, "ok\n"), r.stderr


def test_i_opens_the_repl_after_an_error(tmp_path):
    (tmp_path / "bad.hoc").write_text("x = 5\ny = 1/0\n")
    r = hocx_process("-i", "bad.hoc", "--simple-prompt", cwd=tmp_path, stdin="print x * 2\n")
    assert "division by zero" in r.stderr
    assert "10 \n" in r.stdout                 # the REPL ran after the error, with x still there
    assert r.returncode == 0


def test_no_color_restores_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    r = hocx("--no-color", "-c", 'print "x"', cwd=tmp_path)
    assert r.returncode == 0 and "NO_COLOR" not in os.environ


def _pty_run(args: list[str], text: str, env: dict) -> str:
    """Run hocx ARGS on a pseudo-terminal (so colour would be on), feed TEXT, return the output."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "hocx", *args], stdin=slave, stdout=slave,
                            stderr=slave, env=env, cwd=ROOT, close_fds=True)
    os.close(slave)
    os.write(master, text.encode())
    chunks, deadline = [], time.monotonic() + 90
    while time.monotonic() < deadline:
        r, _, _ = select.select([master], [], [], 0.5)
        if r:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    proc.wait(timeout=30)
    os.close(master)
    return b"".join(chunks).decode(errors="replace")


@pytest.mark.slow
@pytest.mark.parametrize("args,extra_env", [(["--simple-prompt"], {}),
                                            (["--simple-prompt", "--no-color"], {}),
                                            (["--simple-prompt"], {"NO_COLOR": "1"}),
                                            (["--no-color"], {}),
                                            ([], {"NO_COLOR": "1"})])
def test_no_colour_escapes_on_a_tty(args, extra_env):
    env = dict(os.environ, PYTHONPATH=str(ROOT), TERM="xterm-256color", **extra_env)
    env.pop("NO_COLOR", None) if not extra_env else None
    out = _pty_run(args, "print 1+1\nnosuch\nquit()\n", env)
    assert "2" in out and "undefined variable nosuch" in out, out
    sgr = re.findall(r"\x1b\[([0-9;]*)m", out)
    if "--simple-prompt" in args:
        assert [s for s in sgr if s not in ("", "0")] == [], out[:2000]     # no escapes at all
    # NO_COLOR: no colour (30-49, 90-107); bold/dim may stay, as the NO_COLOR convention allows
    colour = [s for s in sgr for code in s.split(";") if code and (30 <= int(code) <= 49 or 90 <= int(code) <= 107)]
    assert colour == [], out[:2000]


@pytest.mark.slow
def test_history_file_keeps_the_repl_history_there(tmp_path):
    hist = tmp_path / "sub" / "hist.txt"
    env = dict(os.environ, PYTHONPATH=str(ROOT), TERM="xterm-256color")
    out = _pty_run(["--history-file", str(hist)], "xhist = 42\nprint xhist\nquit()\n", env)
    assert "42" in out, out
    assert hist.is_file() and "xhist = 42" in hist.read_text()
    default = Path(env["HOCX_HISTORY"])
    assert not default.exists() or "xhist = 42" not in default.read_text()


def test_history_file_needs_a_name(tmp_path):
    r = hocx("--history-file", cwd=tmp_path)
    assert r.returncode == 2 and "--history-file needs a file name" in r.stderr


def test_check_agrees_with_nrniv_on_the_conformance_snippets():
    """--check finds a syntax error exactly in the snippets where nrniv 9 said 'syntax error'
    (their recorded stderr), and none in the others (no false alarms from skipped statements)."""
    import json

    from hocx.api import Session
    from hocx.check import check_file

    cases = sorted((ROOT / "tests" / "conformance").glob("*.hoc"))
    assert len(cases) >= 40
    for hoc in cases:
        nrn = json.loads(hoc.with_suffix(".json").read_text()).get("neuron_stderr", "")
        result = check_file(str(hoc), Session(out=lambda _s: None, err=lambda _s: None, safe=True))
        assert bool(result.errors) == ("syntax error" in nrn), (hoc.name, [e.render() for e in result.errors])
        if result.errors:
            m = re.search(r"near line (\d+)", nrn)
            assert m and result.errors[0].span.line == int(m.group(1)), hoc.name


def test_check_also_takes_statements_and_stdin(tmp_path):
    r = hocx("--check", "-c", "x = 1; y = 2", "-", cwd=tmp_path, stdin="print 1\nprint (\n")
    assert r.returncode == 1
    assert r.stdout == "-c: 1 syntax error\n<stdin>: 1 syntax error\n"
    assert r.stderr.startswith("-c:1:6: syntax error (unexpected ';')")
    assert "<stdin>:2:8: syntax error" in r.stderr
