"""Issue 18: --save loses nothing: atomic write, saved on errors, Ctrl-C and SIGTERM,
strict JSON (NaN/Infinity as null), exit 1 when it cannot write."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from hocx.cli import main
from hocx.save import write_json_atomic

def test_nan_and_infinity_are_null(tmp_path):
    out = tmp_path / "o.json"
    code = main(["-c", "objref vec\nvec = new Vector(4)\nvec.x[0] = 1\nvec.x[1] = 1e309\n"
                       "vec.x[2] = 1e309 - 1e309\nvec.x[3] = -1e309", "--save", str(out)])
    assert code == 0
    text = out.read_text()
    assert json.loads(text) == {"vectors": {"vec": [1.0, None, None, None]}}
    assert "NaN" not in text and "Infinity" not in text


def test_saved_after_a_hoc_error(tmp_path, capsys):
    out = tmp_path / "o.json"
    code = main(["-c", "objref vec\nvec = new Vector(2)\nvec.x[1] = 7\nundefined_thing()", "--save", str(out)])
    assert code == 1
    assert json.loads(out.read_text())["vectors"]["vec"] == [0.0, 7.0]


def test_cannot_write_exits_non_zero(tmp_path, capsys):
    code = main(["-c", "x = 1", "--save", str(tmp_path / "missing" / "o.json")])
    assert code == 1
    assert "cannot write" in capsys.readouterr().err


def test_old_file_intact_after_an_interrupted_write(tmp_path, monkeypatch):
    out = tmp_path / "o.json"
    out.write_text('{"vectors": {"old": [1]}}')

    def killed(_fd):
        raise KeyboardInterrupt            # the write is cut short before the rename
    monkeypatch.setattr(os, "fsync", killed)
    with pytest.raises(KeyboardInterrupt):
        write_json_atomic(str(out), {"vectors": {"new": [2]}})
    assert json.loads(out.read_text()) == {"vectors": {"old": [1]}}
    assert os.listdir(tmp_path) == ["o.json"]          # no temp file left behind


def test_old_file_intact_after_sigkill_mid_write(tmp_path):
    out = tmp_path / "o.json"
    out.write_text('{"vectors": {"old": [1]}}')
    code = ("import sys; from hocx.save import write_json_atomic\n"
            "write_json_atomic(sys.argv[1], {'vectors': {'big': list(range(30_000_000))}})\n")
    p = subprocess.Popen([sys.executable, "-c", code, str(out)])
    deadline = time.time() + 60
    while time.time() < deadline and not any(n.endswith(".tmp") for n in os.listdir(tmp_path)):
        time.sleep(0.01)
    p.kill()
    p.wait()
    assert json.loads(out.read_text()) == {"vectors": {"old": [1]}}


def _spawn(tmp_path, hoc: str):
    script = tmp_path / "m.hoc"
    script.write_text(hoc)
    out = tmp_path / "o.json"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    p = subprocess.Popen([sys.executable, "-m", "hocx", str(script), "--save", str(out)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    return p, out


def test_sigterm_during_a_hoc_loop_saves(tmp_path):
    p, out = _spawn(tmp_path, 'objref vec\nvec = new Vector(2)\nvec.x[0] = 5\nprint "go"\n'
                              "while (1) { vec.x[1] += 1 }\n")
    assert p.stdout.readline().strip() == "go"
    time.sleep(0.3)
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 130, err
    data = json.loads(out.read_text())["vectors"]["vec"]
    assert data[0] == 5.0 and data[1] > 0


@pytest.mark.slow
def test_sigterm_during_a_run_saves_what_was_recorded(tmp_path):
    p, out = _spawn(tmp_path, '{load_file("stdrun.hoc")}\ncreate soma\nsoma insert hh\n'
                              "objref vec\nvec = new Vector()\nvec.record(&soma.v(0.5))\n"
                              'tstop = 1e7\nprint "go"\nrun()\n')
    while p.stdout.readline().strip() != "go":
        pass
    time.sleep(8)
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 130, err
    data = json.loads(out.read_text())["vectors"]["vec"]
    assert isinstance(data, list) and len(data) > 0    # the chunks run before the signal
