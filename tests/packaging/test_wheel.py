"""The wheel must carry the grammar and the HOC stdlib (they are loaded with importlib.resources)."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wheel_ships_grammar_and_stdlib(tmp_path):
    pytest.importorskip("build")
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path), str(ROOT)],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    wheels = list(tmp_path.glob("hocx-*.whl"))
    assert len(wheels) == 1
    names = set(zipfile.ZipFile(wheels[0]).namelist())
    assert "hocx/_data/grammar/hoc.lark" in names
    stdlib = {n for n in names if n.startswith("hocx/_data/stdlib/")}
    assert "hocx/_data/stdlib/stdrun.hoc" in stdlib
    for src in [*(ROOT / "stdlib").glob("*.hoc"), *(ROOT / "stdlib").glob("*.mod")]:
        assert f"hocx/_data/stdlib/{src.name}" in stdlib
    assert any(n.endswith("entry_points.txt") for n in names)


def test_resources_found_in_source_tree():
    from hocx import _resources

    assert "start" in _resources.grammar_text() or len(_resources.grammar_text()) > 100
    assert _resources.stdlib_path("stdrun.hoc") is not None
    for mod in ("hh.mod", "pas.mod"):       # the built-in density mechanisms, as NMODL
        assert _resources.stdlib_path(mod) is not None
