"""Test support: compile small .mod files with nrnivmodl in a temp folder and run one
single-compartment NEURON model in a subprocess (so no library is loaded into pytest)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap

_SCRIPT = r'''
import json, sys
import neuron
neuron.load_mechanisms(sys.argv[1])
from neuron import h
cfg = json.loads(sys.argv[2])
h.load_file("stdrun.hoc")
soma = h.Section(name="soma")
soma.L = soma.diam = cfg.get("diam", 10.0)
soma.insert("pas")
soma.g_pas = 1e-4
soma.e_pas = -65
for m in cfg["mechs"]:
    soma.insert(m)
soma.diam = cfg.get("diam", soma.diam)
for name, val in cfg.get("params", {}).items():
    setattr(soma(0.5), name, val)
for name, val in cfg.get("globals", {}).items():
    setattr(h, name, val)
stims = []
for (delay, dur, amp) in cfg.get("stims", []):
    st = h.IClamp(soma(0.5)); st.delay = delay; st.dur = dur; st.amp = amp
    stims.append(st)
h.dt = cfg.get("dt", 0.025)
h.celsius = cfg.get("celsius", 6.3)
rec = {}
seg = soma(0.5)
for name in ["v"] + cfg["record"]:
    vec = h.Vector()
    if "[" in name:                      # "mech.var[j]": an ARRAY element
        mech, rest = name.split(".")
        var, idx = rest[:-1].split("[")
        vec.record(getattr(getattr(seg, mech), "_ref_" + var)[int(idx)])
    else:
        vec.record(getattr(seg, "_ref_" + name))
    rec[name] = vec
h.finitialize(cfg.get("v0", -65))
for k in range(cfg["nstep"]):
    h.fadvance()
print(json.dumps({k: list(v) for k, v in rec.items()}))
'''


def nrnivmodl_available() -> bool:
    try:
        import neuron  # noqa: F401
    except ImportError:
        return False
    return shutil.which("nrnivmodl") is not None


def compile_mods(tmpdir, mods: dict) -> str:
    """Write ``{name: text}`` into ``tmpdir`` and run nrnivmodl there; returns the folder."""
    os.makedirs(tmpdir, exist_ok=True)
    for name, text in mods.items():
        with open(os.path.join(tmpdir, name + ".mod"), "w") as f:
            f.write(textwrap.dedent(text))
    subprocess.run(["nrnivmodl"], cwd=tmpdir, check=True, capture_output=True)
    return str(tmpdir)


def run(libdir: str, cfg: dict) -> dict:
    out = subprocess.run([sys.executable, "-c", _SCRIPT, libdir, json.dumps(cfg)],
                         cwd=os.path.dirname(os.path.abspath(libdir)), check=True, capture_output=True, text=True)
    line = out.stdout.strip().splitlines()[-1]
    return json.loads(line)
