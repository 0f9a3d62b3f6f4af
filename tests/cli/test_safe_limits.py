"""Issue 18 on the command line: ``--safe`` reads, ``--max-seconds``, ``--max-memory``
(real ``python -m hocx`` subprocesses: signals and rlimits are per process)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def hocx(*args: str, cwd: Path, stdin: str = "", timeout: int = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "hocx", *args], input=stdin, capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=timeout)


def no_internal_error(r: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr


# ------------------------------------------------------------------ --safe reads
def test_safe_script_cannot_read_outside_its_folder(tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    (model / "main.hoc").write_text('print "start"\nload_file("../secret.hoc")\nprint "never"\n')
    (tmp_path / "secret.hoc").write_text('print "SECRET"\n')
    r = hocx("--safe", "model/main.hoc", cwd=tmp_path)
    assert r.returncode == 1 and r.stdout == "start\n"
    no_internal_error(r)
    assert "model/main.hoc:2:1: runtime error: load_file: --safe refuses to read ../secret.hoc" in r.stderr
    assert f"hint: --safe allows reading only under {model.resolve()}" in r.stderr
    ok = hocx("model/main.hoc", cwd=tmp_path)        # without --safe it reads
    assert "SECRET" in ok.stdout


def test_safe_statements_read_only_the_stdlib(tmp_path):
    (tmp_path / "here.txt").write_text("1\n")
    r = hocx("--safe", "-c", 'ropen("/proc/self/environ")', cwd=tmp_path)
    assert r.returncode == 1 and "--safe refuses to read /proc/self/environ" in r.stderr
    r = hocx("--safe", "-c", 'ropen("here.txt")', cwd=tmp_path)   # no script: no script folder
    assert r.returncode == 1 and "refuses to read here.txt" in r.stderr
    r = hocx("--safe", "-c", 'load_file("stdrun.hoc")', "-c", "print tstop", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout == "\t1 \n5 \n", r.stderr


LEAK_MOD = """NEURON { SUFFIX leakx NONSPECIFIC_CURRENT i RANGE g, e }
UNITS { (mV) = (millivolt) (mA) = (milliamp) }
PARAMETER { g = 0.001 (S/cm2) e = -70 (mV) }
ASSIGNED { v (mV) i (mA/cm2) }
BREAKPOINT { i = g*(v - e) }
"""


def test_safe_mod_folder_is_readable(tmp_path):
    mods, model = tmp_path / "mods", tmp_path / "model"
    mods.mkdir()
    model.mkdir()
    (mods / "leakx.mod").write_text(LEAK_MOD)
    (mods / "table.txt").write_text("7\n")
    (tmp_path / "other.txt").write_text("8\n")
    (model / "main.hoc").write_text('ropen("../mods/table.txt")\nprint fscan()\n'
                                    'ropen("../other.txt")\n')
    r = hocx("--safe", "--mod", "../mods", "main.hoc", cwd=model)
    assert r.stdout == "\t1 \n7 \n", r.stderr
    assert r.returncode == 1 and "refuses to read ../other.txt" in r.stderr


# ------------------------------------------------------------------ --max-seconds
LOOP = """objref rec
rec = new Vector()
rec.append(1, 2, 3)
x = 0
proc spin() {
  while (1) { x += 1 }
}
spin()
print "never"
"""


def test_time_limit_in_a_hoc_loop_saves_and_reports_the_line(tmp_path):
    (tmp_path / "loop.hoc").write_text(LOOP)
    (tmp_path / "out.json").write_text('{"vectors": {"old": [0]}}')
    t0 = time.monotonic()
    r = hocx("--max-seconds", "1", "--save", "out.json", "loop.hoc", cwd=tmp_path)
    took = time.monotonic() - t0
    assert r.returncode == 1 and "never" not in r.stdout
    no_internal_error(r)
    assert "loop.hoc:6:3: runtime error: time limit of 1 s reached" in r.stderr
    assert "in proc spin() called from loop.hoc:8:1" in r.stderr
    assert json.loads((tmp_path / "out.json").read_text()) == {"vectors": {"rec": [1.0, 2.0, 3.0]}}
    assert took < 20


def test_time_limit_then_the_repl_still_works(tmp_path):
    (tmp_path / "loop.hoc").write_text(LOOP)
    r = hocx("--max-seconds", "0.5", "--simple-prompt", "-i", "loop.hoc", cwd=tmp_path,
             stdin="print 6 * 7\nfor i = 1, 100000 { }\nprint \"done\"\n")
    assert "time limit of 0.5 s reached" in r.stderr
    assert "42" in r.stdout and "done" in r.stdout, (r.stdout, r.stderr)
    no_internal_error(r)


def test_time_limit_during_a_simulation_keeps_the_recording(tmp_path):
    (tmp_path / "sim.hoc").write_text("""load_file("stdrun.hoc")
create soma
soma { L = 20 diam = 20 insert hh }
objref vrec
vrec = new Vector()
vrec.record(&soma.v(0.5))
tstop = 1e8
run()
print "never"
""")
    t0 = time.monotonic()
    r = hocx("--max-seconds", "10", "--save", "sim.json", "sim.hoc", cwd=tmp_path)
    took = time.monotonic() - t0
    assert r.returncode == 1 and "never" not in r.stdout
    no_internal_error(r)
    assert "runtime error: time limit of 10 s reached" in r.stderr
    saved = json.loads((tmp_path / "sim.json").read_text())["vectors"]["vrec"]
    assert len(saved) < 1e8 / 0.025
    if r.stderr.startswith("sim.hoc:8:1:"):     # stopped in run(), not while loading (busy machine)
        assert len(saved) > 1000 and all(x is None or -100 < x < 100 for x in saved[:1000])
    assert took < 40


@pytest.mark.parametrize("args, message", [
    (("--max-seconds", "abc"), "--max-seconds needs a number of seconds"),
    (("--max-seconds", "-1"), "--max-seconds needs a number of seconds"),
    (("--max-memory", "nan"), "--max-memory needs a number of MB"),
    (("--max-memory", "10"), "--max-memory 10 is too small"),
    (("--max-memory",), "--max-memory needs a number of MB"),
])
def test_limit_usage_errors(tmp_path, args, message):
    r = hocx(*args, cwd=tmp_path)
    assert r.returncode == 2 and message in r.stderr, r.stderr


# ------------------------------------------------------------------ --max-memory
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over fork+exec from the (big) pytest process
PEAK = """import runpy, sys
sys.argv = ["hocx", *sys.argv[1:]]
try:
    runpy.run_module("hocx", run_name="__main__")
finally:
    hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0].split()[1]
    sys.stderr.write("PEAK_KB %s\\n" % hwm)
"""


def test_memory_limit_is_a_hoc_error_with_bounded_memory(tmp_path):
    (tmp_path / "peak.py").write_text(PEAK)
    (tmp_path / "big.hoc").write_text("objref vv\nvv = new Vector(1e6)\nvv = new Vector(9e7)\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    r = subprocess.run([sys.executable, "peak.py", "--max-memory", "600", "big.hoc"],
                       capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert r.returncode == 1
    no_internal_error(r)
    assert "big.hoc:3:1: runtime error: out of memory" in r.stderr
    assert "memory limit of 600 MB (--max-memory 600)" in r.stderr
    peak_mb = int(r.stderr.split("PEAK_KB ")[1].split()[0]) / 1024
    assert peak_mb < 600, peak_mb


# ------------------------------------------------------------------ reference scripts
# every shared reference script also runs under --safe, with the same stdout and traces:
# tests/neuron/test_reference_traces.py (one subprocess pair per script, not two)


# ------------------------------------------------------------------ the compile cache
def test_trusted_compile_cache_folder(tmp_path):
    from hocx.private_files import trusted_folder

    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    os.chmod(home, 0o755)
    (home / "xla").mkdir()
    os.chmod(home / "xla", 0o755)
    assert trusted_folder(str(home / "xla"))
    assert trusted_folder(str(home / "not-yet"))           # JAX creates it under a trusted parent
    os.chmod(home / "xla", 0o777)
    assert not trusted_folder(str(home / "xla"))            # others could plant entries
    os.chmod(home / "xla", 0o755)
    os.symlink(home / "xla", home / "link")
    assert not trusted_folder(str(home / "link"))
    os.chmod(home, 0o777)
    assert not trusted_folder(str(home / "xla"))            # others could swap the folder
    os.chmod(home, 0o1777)
    assert trusted_folder(str(home / "xla"))                # sticky (as /tmp): they cannot
    os.chmod(home, 0o755)


def test_an_untrusted_compile_cache_is_refused_without_safe_too(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)
    r = hocx("--jit-cache", str(shared), "-c", "print 1", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout == "1 \n"
    assert f"not using the compile cache {shared}" in r.stderr


def test_safe_refuses_an_untrusted_compile_cache(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)
    r = hocx("--safe", "--jit-cache", str(shared), "-c", "print 1", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout == "1 \n"
    assert f"not using the compile cache {shared}" in r.stderr
