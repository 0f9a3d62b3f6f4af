"""Start-up: JAX is imported only when something simulates (issue 16)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = "create soma, dend[2]\nsoma { L = 20 diam = 20 insert hh }\nx = 0\nfor i = 0, 4 { x += i }\nprint x, soma.L, secname()\n"
RUN = "objref rv\nrv = new Vector()\nrv.record(&soma.v(0.5))\nfinitialize(-65)\nwhile (t < 0.5) { fadvance() }\nprint rv.size()\n"


def _py(code: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=300, env=env, cwd=cwd)


def test_session_builds_without_jax_and_runs_with_it():
    code = f"""
import sys, json
from hocx import Session
s = Session()
s.execute({BUILD!r})
before = "jax" in sys.modules
names = set(s.names())
s.execute({RUN!r})
print(json.dumps(dict(before=before, after="jax" in sys.modules, has=sorted(n for n in ("finitialize", "fadvance", "t", "dt", "CVode", "Fit", "sweep") if n in names))))
"""
    proc = _py(code)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    info = json.loads(lines[-1])
    assert info["before"] is False
    assert info["after"] is True
    assert info["has"] == sorted(["finitialize", "fadvance", "t", "dt", "CVode", "Fit", "sweep"])
    assert lines[0].split()[:2] == ["10", "20"]
    assert "21" in [ln.strip() for ln in lines]          # 0.5 ms / 0.025 + 1 samples recorded


def test_cli_script_without_simulation_does_not_import_jax(tmp_path):
    (tmp_path / "m.hoc").write_text(BUILD)
    code = ("import sys\nfrom hocx import cli\nrc = cli.main(['m.hoc', '-c', 'print 3*7'])\n"
            "print('JAX', 'jax' in sys.modules, 'prompt_toolkit' in sys.modules, rc)\n")
    proc = _py(code, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "21" in proc.stdout.split()
    assert proc.stdout.strip().splitlines()[-1] == "JAX False False 0"


def test_cli_run_still_works(tmp_path):
    (tmp_path / "m.hoc").write_text(BUILD + RUN)
    proc = subprocess.run([sys.executable, "-m", "hocx", "m.hoc"], capture_output=True, text=True,
                          timeout=300, cwd=tmp_path,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1].strip() == "21"


def test_standins_match_the_real_plugins():
    """hocx/lazy_plugins.py must register what hocx.sim/hocx.train register."""
    from hocx import lazy_plugins
    from hocx.interp.interpreter import Interpreter
    from hocx.sim.plugin import GLOBALS
    from hocx.sim.plugin import install as install_sim
    from hocx.train.plugin import install as install_train

    real = Interpreter()
    b0, c0 = dict(real.builtins), dict(real.classes)
    install_sim(real)
    install_train(real)
    added = {k: (v[1], v[2]) for k, v in real.builtins.items() if k not in b0 and k != "startsw"}
    assert added == lazy_plugins.BUILTINS
    assert {k: real.class_docs[k] for k in real.classes if k not in c0} == lazy_plugins.CLASSES
    assert GLOBALS == lazy_plugins.SIM_GLOBALS
    assert set(real.hooks) >= set(lazy_plugins.HOOKS)
    from hocx.interp.objects import EXTENSION_METHODS
    for key in lazy_plugins.EXTENSIONS:
        assert not getattr(EXTENSION_METHODS[key], "hocx_standin", False)
    for attr in lazy_plugins.ATTRIBUTES:
        assert attr in vars(real)


def test_new_cvode_and_attribute_load_the_plugins():
    from hocx import Session, lazy_plugins

    s = Session()
    assert not lazy_plugins.is_loaded(s)
    assert s.trainables == []
    s.execute("objref cv\ncv = new CVode()\nprint cv.active()\n")
    assert lazy_plugins.is_loaded(s)
    assert type(s.get_global("cv")).__name__ == "CVode"
    s2 = Session()
    assert s2.sim.native_runs == 0                      # attribute access loads too


def test_sectionlist_make_trainable_stays_with_its_session():
    from hocx import Session

    a, b = Session(), Session()
    a.execute("create soma\nsoma insert hh\nobjref sl\nsl = new SectionList()\nsoma sl.append()\n"
              "sl.make_trainable(\"gnabar_hh\")\n")
    Session()                                            # a later session must not take it over
    a.execute("sl.make_trainable(\"gkbar_hh\")\n")
    assert len(a.trainables) == 2
    assert b.trainables == []
