"""The README cannot lie: every fenced code block in it is run.

* ``hoc`` blocks run through a Session and must finish without a HocError;
* ``python`` blocks are executed in order in one namespace, like notebook cells (in the
  repository root), here and in docs/PYTHON_API.md; ``# -> VALUE`` comments are checked;
* ``sh`` blocks: every ``hocx ...`` command must be accepted by the option parser, and the
  ones whose files exist in the repository (and that do not open the REPL) are run and must
  exit 0;
* ``text`` blocks that show a diagnostic (``FILE:LINE:COL: ...``) are reproduced: a file of
  that name whose line LINE is the line shown is run, and hocx's stderr must be the block.
"""
from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import re
import shlex
import sys
from pathlib import Path

import pytest

from hocx import cli
from hocx.api import Session

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)


def blocks(lang: str, doc: Path = README) -> list[str]:
    return [body for tag, body in _FENCE.findall(doc.read_text()) if tag == lang]


def test_readme_has_the_blocks_we_check():
    # no untagged fences: each block says what it is, so this test knows how to run it
    tags = [tag for tag, _ in _FENCE.findall(README.read_text())]
    assert "" not in tags
    assert blocks("hoc") and blocks("python") and blocks("sh") and blocks("text")


@pytest.mark.parametrize("i", range(len(blocks("hoc"))))
def test_hoc_block_runs(i, monkeypatch):
    monkeypatch.chdir(ROOT)
    out: list[str] = []
    s = Session(out=out.append, err=lambda _t: None)
    s.execute(blocks("hoc")[i], f"README.md hoc block {i}")
    if "vsoma.record" in blocks("hoc")[i]:
        assert "".join(out).split() == ["1601"]     # what the block's comment says it prints


def run_cells(doc: Path, monkeypatch) -> None:
    """Run a page's python blocks in order in one namespace (notebook cells); each
    ``print(...)  # -> VALUE`` comment states a line the cells print, in order (``VALUE...``:
    a line starting with VALUE)."""
    monkeypatch.chdir(ROOT)
    ns: dict = {}
    for i, body in enumerate(blocks("python", doc)):
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            exec(compile(body, f"{doc.name} python block {i}", "exec"), ns)
        got = buf.getvalue().splitlines()
        if "_frame()" in body and importlib.util.find_spec("pandas") is None:
            # the DataFrame cells need the optional pandas: without it they must say so
            assert any("pip install pandas" in g for g in got), got
            continue
        for want in re.findall(r"^\s*print\(.*\)\s*#\s*->\s*(.*?)\s*$", body, re.M):
            pos = next((k for k, g in enumerate(got)
                        if (g.startswith(want[:-3]) if want.endswith("...") else g == want)), None)
            assert pos is not None, f"{doc.name} block {i}: no line {want!r} in {got}"
            got = got[pos + 1:]


def test_readme_python_cells_run(monkeypatch):
    run_cells(README, monkeypatch)


def test_python_api_doc_cells_run(monkeypatch):
    run_cells(ROOT / "docs" / "PYTHON_API.md", monkeypatch)


def hocx_commands() -> list[list[str]]:
    cmds = []
    for body in blocks("sh"):
        for line in body.splitlines():
            line = line.split(" #")[0]
            for part in line.split("&&"):
                words = shlex.split(part)
                if words and words[0] == "hocx":
                    cmds.append(words[1:])
    return cmds


def test_sh_blocks_mention_hocx():
    assert len(hocx_commands()) >= 6


@pytest.mark.parametrize("args", hocx_commands(), ids=lambda a: " ".join(a) or "(repl)")
def test_sh_hocx_command(args, monkeypatch, capsys):
    opts = cli.parse_args(args)                      # raises UsageError on an unknown option
    if isinstance(opts, str):
        return
    files = [a for kind, a in opts.actions if kind == "file"]
    if opts.interactive or not opts.actions or not all((ROOT / f).exists() for f in files):
        return                                       # the REPL, or placeholder names like model.hoc
    monkeypatch.chdir(ROOT)
    status = cli.main(list(args))
    assert status == 0, capsys.readouterr().err


def test_text_diagnostic_blocks_are_what_hocx_prints(tmp_path, monkeypatch, capsys):
    checked = 0
    for body in blocks("text"):
        m = re.match(r"(\S+):(\d+):(\d+): ", body)
        if not m:
            continue
        name, line = m.group(1), int(m.group(2))
        src = re.search(rf"^ {line} \| (.*)$", body, re.M).group(1)
        lines = ["create soma"] + [""] * (line - 2) + [src]
        (tmp_path / name).write_text("\n".join(lines) + "\n")
        monkeypatch.chdir(tmp_path)
        assert cli.main(["--no-color", name]) == 1
        assert capsys.readouterr().err == body
        checked += 1
    assert checked >= 1


@pytest.mark.neuron
@pytest.mark.parametrize("i", range(len(blocks("hoc"))))
def test_hoc_block_prints_what_nrniv_prints(i, tmp_path):
    import shutil
    import subprocess

    nrniv = shutil.which("nrniv")
    if nrniv is None:
        pytest.skip("nrniv not installed")
    (tmp_path / "block.hoc").write_text(blocks("hoc")[i])
    want = subprocess.run([nrniv, "-nobanner", "block.hoc", "-c", "quit()"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL).stdout
    out: list[str] = []
    Session(out=out.append, err=lambda _t: None).execute(blocks("hoc")[i], "block.hoc")
    assert "".join(out) == want
