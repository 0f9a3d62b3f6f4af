"""Golden HOC files tests/hoc/builtins_*.hoc: stdout must equal their `// expect:` lines.

Each `// expect: TEXT` line stands for one output line `TEXT\\n`, in order.  The
files run through the interpreter with every built-in installed (no simulator
needed); with the `neuron` marker they also run through the real nrniv, which
proves the expectations are NEURON's own output.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from hocx.errors import HocError

GOLDEN = sorted((Path(__file__).resolve().parents[2] / "hoc").glob("builtins_*.hoc"))

# files hocx cannot run yet for reasons outside the built-ins
KNOWN_GAPS: dict[str, str] = {}


def expected_output(path: Path) -> str:
    """The stdout the file states (tests/hoc's convention: ``\\t`` is a TAB, ``\\\\`` a backslash)."""
    marker = "// expect: "
    lines = [line.split(marker, 1)[1] for line in path.read_text().split("\n") if line.startswith(marker)]
    return "".join(re.sub(r"\\(t|\\)", lambda m: "\t" if m.group(1) == "t" else "\\", x) + "\n" for x in lines)


def run_hocx(path: Path) -> tuple[str, str]:
    from hocx.interp.builtins import install_all
    from hocx.interp.interpreter import Interpreter

    out: list[str] = []
    err: list[str] = []
    interp = Interpreter(out=out.append, err=err.append)
    install_all(interp)
    try:
        interp.execute_file(str(path))
    except HocError as e:  # pragma: no cover - shown on failure
        pytest.fail(f"{path.name}: {e.render()}")
    return "".join(out), "".join(err)


def test_golden_files_exist():
    assert len(GOLDEN) >= 4


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.name)
def test_golden_hocx(path, request):
    if path.name in KNOWN_GAPS:
        request.applymarker(pytest.mark.xfail(reason=KNOWN_GAPS[path.name], strict=False))
    out, _ = run_hocx(path)
    assert out == expected_output(path)


@pytest.mark.neuron
@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.name)
def test_golden_expectations_are_nrniv_output(path, tmp_path):
    nrniv = shutil.which("nrniv")
    if nrniv is None:
        pytest.skip("nrniv not installed")
    res = subprocess.run([nrniv, "-nobanner", str(path), "-c", "quit()"], capture_output=True, text=True,
                         cwd=tmp_path, timeout=120)
    assert res.stdout == expected_output(path)
