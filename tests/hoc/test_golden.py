"""Golden HOC (and .hx) files: ``// expect: TEXT`` lines give stdout, ``// error:`` the failure.

* ``// expect: TEXT`` -- one line of stdout, exactly TEXT (trailing spaces count;
  ``\\t`` is a TAB, ``\\\\`` a backslash); the lines are expected in file order.
* ``// expect-partial: TEXT`` -- TEXT with no newline (output cut short by an error).
* ``// error: Kind LINE:COL message`` -- the run must end with a ``HocError`` of
  class ``Kind`` at LINE:COL whose message contains ``message``; without it the
  file must run cleanly.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import hocx.errors as errors
from hocx.api import Session

HERE = Path(__file__).parent
FILES = sorted([*HERE.glob("*.hoc"), *HERE.glob("*.hx")])
_ERROR = re.compile(r"//\s*error:\s*(\w+)\s+(\d+):(\d+)\s+(.*)$")


def decode(text: str) -> str:
    return re.sub(r"\\(t|\\)", lambda m: "\t" if m.group(1) == "t" else "\\", text)


def expectations(path: Path) -> tuple[str, tuple | None]:
    out: list[str] = []
    err = None
    for line in path.read_text().splitlines():
        s = line.lstrip()
        if s.startswith("// expect:"):
            body = s[len("// expect:"):]
            out.append(decode(body[1:] if body.startswith(" ") else body) + "\n")
        elif s.startswith("// expect-partial:"):
            body = s[len("// expect-partial:"):]
            out.append(decode(body[1:] if body.startswith(" ") else body))
        m = _ERROR.match(s)
        if m:
            err = (m.group(1), int(m.group(2)), int(m.group(3)), m.group(4).strip())
    return "".join(out), err


def run_file(path: Path) -> tuple[str, str, Exception | None]:
    out: list[str] = []
    errs: list[str] = []
    s = Session(out=out.append, err=errs.append, deadline=None, budget=10_000_000)
    caught = None
    try:
        s.execute_file(str(path))
    except errors.HocError as e:
        caught = e
    return "".join(out), "".join(errs), caught


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_golden(path: Path, monkeypatch):
    monkeypatch.chdir(HERE)
    want_out, want_err = expectations(path)
    assert want_out or want_err, f"{path.name} has no '// expect:' or '// error:' lines"
    got_out, got_err, caught = run_file(path)
    assert got_out == want_out
    if want_err is None:
        assert caught is None, caught.render() if caught else ""
        return
    kind, line, col, msg = want_err
    assert caught is not None, f"expected {kind} at {line}:{col}"
    assert type(caught).__name__ == kind, caught.render()
    assert (caught.span.line, caught.span.col) == (line, col), caught.render()
    assert msg in caught.message, caught.render()
    # every error renders as file:line:col: KIND: message (the kind names the class: "syntax
    # error", "name error", ...), the source line and a caret
    text = caught.render()
    kind_word = {"HocSyntaxError": "syntax error", "HocNameError": "name error",
                 "HocTypeError": "type error", "HocRuntimeError": "runtime error",
                 "ModelError": "model error", "NumericalError": "numerical error"}[kind]
    assert text.startswith(f"{path.name}:{line}:{col}: {kind_word}") or text.startswith(f"{path}:{line}:{col}: {kind_word}")
    assert ": error:" not in text.splitlines()[0]
    assert "^" in text.splitlines()[2]
