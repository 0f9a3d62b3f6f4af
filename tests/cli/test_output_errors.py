"""Issue 18: stdout errors end quietly; invalid UTF-8 is located; no numpy warnings leak."""
from __future__ import annotations

import subprocess
import sys

from hocx.cli import main


def test_broken_pipe_ends_quietly():
    p = subprocess.run(f"{sys.executable} -m hocx -c 'for i=1,200000 print i' | head -1",
                       shell=True, capture_output=True, text=True, timeout=120,
                       executable="/bin/bash")
    assert p.stdout == "1 \n"
    assert "internal error" not in p.stderr and "Traceback" not in p.stderr
    p = subprocess.run(f"{sys.executable} -m hocx -c 'for i=1,200000 print i' | head -1; "
                       "echo ${PIPESTATUS[0]}", shell=True, capture_output=True, text=True,
                       timeout=120, executable="/bin/bash")
    assert p.stdout.splitlines()[-1] == "141"


def test_full_disk_on_stdout_is_exit_1():
    with open("/dev/full", "w") as full:
        p = subprocess.run([sys.executable, "-m", "hocx", "-c", "for i=1,1000 print i"],
                           stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert p.returncode == 1
    assert "No space left on device" in p.stderr and "Traceback" not in p.stderr


def test_invalid_utf8_names_the_byte_offset(tmp_path, capsys):
    f = tmp_path / "bad.hoc"
    f.write_bytes(b"x = 1\nx = 2 \xff\xfe\n")
    assert main([str(f)]) == 1
    err = capsys.readouterr().err
    assert f"{f}:2:7:" in err and "byte offset 12" in err and "\\377" in err


def test_numpy_overflow_warning_does_not_leak(capsys):
    code = main(["-c", "objref vec\nvec = new Vector(3)\nvec.x[0] = -1e308\nvec.x[1] = 1e308\n"
                       "vec.mul(1e308)\nprint vec.var()"])
    assert code == 0
    captured = capsys.readouterr()
    assert "-nan" in captured.out and "Warning" not in captured.err


def test_latin1_bytes_in_comments_and_strings_are_accepted(tmp_path, capsys):
    # old models often carry Latin-1 comments; nrniv passes such bytes through
    f = tmp_path / "latin1.hoc"
    f.write_bytes(b'x = 1 // caf\xe9\n/* \xff */ print x\nprint "na\xefve"\n')
    assert main([str(f)]) == 0
    out = capsys.readouterr().out
    assert out == "1 \nna\u00efve\n"
