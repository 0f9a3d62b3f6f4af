"""The ``hocx`` command: file order, -c, stdin, exit codes, diagnostics, --save.

Most tests call the CLI in-process (``hocx.cli.main`` with captured streams);
those marked "subprocess" run the real ``python -m hocx`` command.
"""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]


def hocx(*args: str, cwd: Path, stdin: str = "") -> SimpleNamespace:
    """``hocx ARGS`` in-process, in ``cwd``: stdout, stderr and the exit status."""
    from hocx import cli

    out, err = io.StringIO(), io.StringIO()
    old = (os.getcwd(), sys.stdin, sys.stdout, sys.stderr)
    os.chdir(cwd)
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin), out, err
    try:
        status = cli.main(list(args))
    finally:
        os.chdir(old[0])
        sys.stdin, sys.stdout, sys.stderr = old[1:]
    return SimpleNamespace(stdout=out.getvalue(), stderr=err.getvalue(), returncode=status)


def hocx_process(*args: str, cwd: Path, stdin: str = "", timeout: int = 120) -> subprocess.CompletedProcess:
    """The real command, in a subprocess."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "hocx", *args], input=stdin, capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=timeout)


@pytest.fixture
def files(tmp_path: Path):
    (tmp_path / "a.hoc").write_text('print "a"\nx = 1\n')
    (tmp_path / "b.hoc").write_text('print "b", x\n')
    (tmp_path / "bad.hoc").write_text('print "before"\nproc p() { print zz }\np()\nprint "never"\n')
    (tmp_path / "syntax.hoc").write_text("x = 1\ny = 2; z = 3\n")
    (tmp_path / "quit3.hoc").write_text('print "q"\nquit(3)\nprint "not reached"\n')
    return tmp_path


def test_files_and_statements_run_in_order(files):
    r = hocx("a.hoc", "-c", 'print "c", x', "b.hoc", "-c", "x = 2", "-c", "print x", cwd=files)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "a\nc1 \nb1 \n2 \n"


def test_stdin_dash(files):
    r = hocx("a.hoc", "-", "b.hoc", cwd=files, stdin="x = 41 + 1\nx\n")
    assert r.stdout == "a\n\t42 \nb42 \n"
    assert r.returncode == 0


def test_runtime_error_exits_1_with_diagnostic_and_stops(files):
    r = hocx_process("bad.hoc", "b.hoc", cwd=files)   # subprocess
    assert r.returncode == 1
    assert r.stdout == "before\n"
    lines = r.stderr.splitlines()
    assert lines[0] == "bad.hoc:2:18: name error: undefined variable zz"
    assert lines[1] == " 2 | proc p() { print zz }"
    assert lines[2] == "   |                  ^~"
    assert "  in proc p() called from bad.hoc:3:1" in lines
    assert "Traceback" not in r.stderr


def test_syntax_error_exits_1_after_earlier_lines_ran(files):
    r = hocx("syntax.hoc", "-c", "print x", cwd=files)
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr.startswith("syntax.hoc:2:6: syntax error (unexpected ';')")


def test_quit_status(files):
    r = hocx_process("quit3.hoc", cwd=files)          # subprocess
    assert (r.returncode, r.stdout) == (3, "q\n")
    assert hocx("-c", "quit()", cwd=files).returncode == 0


def test_usage_errors_exit_2(files):
    r = hocx("--no-such-flag", cwd=files)
    assert r.returncode == 2
    assert r.stderr == "hocx: unknown option --no-such-flag; see hocx --help\n"   # one line, no usage dump
    assert hocx("-c", cwd=files).returncode == 2


def test_version_and_help(files):
    r = hocx("--version", cwd=files)
    assert r.returncode == 0 and r.stdout.startswith("hocx ")
    r = hocx("--help", cwd=files)
    assert r.returncode == 0 and "--save" in r.stdout and "-c STATEMENT" in r.stdout


def test_missing_file_is_an_error(files):
    r = hocx("nope.hoc", cwd=files)
    assert r.returncode == 1
    assert "can't open nope.hoc" in r.stderr


def test_save_writes_vectors_even_after_an_error(files):
    (files / "vec.hoc").write_text(
        "objref vec, w[2]\nvec = new Vector(3)\nvec.indgen()\nw[1] = new Vector(2)\nw[1].fill(7)\nx = 1/0\n")
    r = hocx("vec.hoc", "--save", "out.json", cwd=files)
    assert r.returncode == 1
    data = json.loads((files / "out.json").read_text())
    assert data == {"vectors": {"vec": [0.0, 1.0, 2.0], "w[1]": [7.0, 7.0]}}


def test_safe_mode_refuses_system(files):
    r = hocx("--safe", "-c", 'system("echo hi")', cwd=files)
    assert r.returncode == 1
    assert "disabled" in r.stderr
    r = hocx_process("-c", 'system("echo hi")', cwd=files)
    assert r.returncode == 0
    assert r.stdout == "hi\n\t0 \n"


def test_interactive_reads_stdin_after_files(files):
    r = hocx_process("a.hoc", "-i", "--simple-prompt", cwd=files, stdin="print x + 1\n")
    assert r.returncode == 0
    assert "2 \n" in r.stdout


def test_nrniv_compatible_flags_are_accepted(files):
    r = hocx("-nobanner", "a.hoc", "-c", "quit()", cwd=files)
    assert (r.returncode, r.stdout) == (0, "a\n")


def test_console_entry_point_is_declared():
    text = (ROOT / "pyproject.toml").read_text()
    assert 'hocx = "hocx.cli:main"' in text


def test_show_prints_the_model_table(files):
    r = hocx("--show", "-c", "create soma", cwd=files)
    assert r.returncode == 0
    assert "soma" in r.stdout
