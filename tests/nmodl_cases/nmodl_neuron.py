"""Live NEURON for the NMODL tests: compile mods with ``nrnivmodl`` in a scratch folder, run
one HOC model in NEURON (a subprocess) and the same HOC in hocx with the same mods loaded
(a Session in this process, as ``hocx --mod DIR model.hoc`` would run it), and hand back both
sets of ``rec_*`` vectors.

NEURON's own mod files are read at test time from the installed ``neuron`` package
(:func:`neuron_mod`); nothing of NEURON is copied into the repository.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import nmodl_harness as H


def neuron_share() -> Path | None:
    """``<site-packages>/neuron/.data/share`` of the installed neuron package (not imported)."""
    spec = importlib.util.find_spec("neuron")
    if spec is None or not spec.submodule_search_locations:
        return None
    share = Path(list(spec.submodule_search_locations)[0]) / ".data" / "share"
    return share if share.is_dir() else None


def neuron_mod(name: str) -> Path:
    """NEURON's mod ``name`` (``hh.mod``, ``passive.mod``: share/modfile; the demo channels
    and pumps, ``nachan.mod`` ...: share/nrn/demo/release); skips the test if absent."""
    share = neuron_share()
    if share is None:
        pytest.skip("the neuron package is not installed")
    for sub in ("modfile", "nrn/demo/release"):
        p = share / sub / name
        if p.is_file():
            return p
    pytest.skip(f"{name} is not in this neuron package")


def need_nrnivmodl() -> str:
    exe = shutil.which("nrnivmodl")
    if exe is None:
        pytest.skip("nrnivmodl is not on PATH")
    return exe


def rename_suffix(text: str, old: str, new: str) -> str:
    """The mod with ``SUFFIX old`` renamed (NEURON's own hh/pas clash with its built-ins)."""
    out, n = re.subn(rf"(\bSUFFIX\s+){re.escape(old)}\b", rf"\g<1>{new}", text)
    assert n == 1, f"SUFFIX {old} not found"
    return out


def build(mods: dict[str, str], base: Path) -> Path:
    """Compile ``mods`` (file name -> text) with nrnivmodl into ``base/<hash>`` (reused when
    the same set was built before) and return that folder (``load_mechanisms`` takes it)."""
    exe = need_nrnivmodl()
    digest = hashlib.sha256(json.dumps(sorted(mods.items())).encode()).hexdigest()[:16]
    folder = base / f"nrn_{digest}"
    lib = folder / "x86_64" / "libnrnmech.so"
    if lib.is_file():
        return folder
    src = folder / "src"
    src.mkdir(parents=True, exist_ok=True)
    for name, text in mods.items():
        (src / name).write_text(text, encoding="utf-8")
    proc = subprocess.run([exe, "src"], cwd=folder, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0 and lib.is_file(), (
        f"nrnivmodl failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return folder


_NEURON_DRIVER = textwrap.dedent("""
    import json, sys
    import neuron
    neuron.load_mechanisms(sys.argv[1])
    from neuron import h
    h.load_file(sys.argv[2])
    names = sys.argv[3].split(",")
    with open(sys.argv[4], "w") as f:
        json.dump({n: list(getattr(h, n)) for n in names}, f)
""")


def record_names(hoc: str) -> list[str]:
    return sorted(set(re.findall(r"\brec_\w+", hoc)))


def run_neuron(build_dir: Path, hoc: str, workdir: Path) -> dict:
    """Run ``hoc`` in NEURON with the mods of ``build_dir``; its ``rec_*`` vectors."""
    workdir.mkdir(parents=True, exist_ok=True)
    assert not (workdir / "x86_64").exists()     # NEURON would load that library by itself
    script = workdir / "model.hoc"
    script.write_text(hoc, encoding="utf-8")
    out = workdir / "neuron.json"
    proc = subprocess.run([sys.executable, "-c", _NEURON_DRIVER, str(build_dir), script.name,
                           ",".join(record_names(hoc)), str(out)],
                          cwd=workdir, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"NEURON failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return json.loads(out.read_text())


def run_hocx(mods: dict[str, str], hoc: str, workdir: Path) -> dict:
    """Run ``hoc`` in a hocx Session in this process (what ``hocx --mod <workdir>/mods
    model.hoc --save out.json`` does: ``Session.load_mod`` + ``execute_file``); its Vectors."""
    from hocx.api import Session
    from hocx.save import vectors_of

    mod_dir = workdir / "mods"
    mod_dir.mkdir(parents=True, exist_ok=True)
    for name, text in mods.items():
        (mod_dir / name).write_text(text, encoding="utf-8")
    script = workdir / "model.hoc"
    script.write_text(hoc, encoding="utf-8")
    out: list[str] = []
    s = Session(out=out.append)
    s.load_mod(str(mod_dir))
    old = os.getcwd()
    try:
        os.chdir(workdir)
        s.execute_file(script.name)
    finally:
        os.chdir(old)
    return vectors_of(s)


def assert_same_traces(got: dict, ref: dict) -> list[H.VectorResult]:
    """Every NEURON vector matched: voltages within 1e-6 mV, every vector within 1e-6 absolute
    and 1e-7 of its largest |value| (the harness's rule)."""
    res = H.compare(got, ref)
    assert res, "no vectors recorded"
    bad = [r for r in res if not r.ok]
    assert not bad, "\n" + "\n".join(r.line() for r in res)
    return res
