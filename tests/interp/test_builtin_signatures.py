"""Built-ins check their arguments as nrniv does (hocx/interp/builtins/signatures.py)."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from hocx import errors as E
from hocx.api import Session
from hocx.interp.builtins.signatures import MATH1, SIGNATURES

# statement, the error hocx raises, part of its message, part of what nrniv 9 prints
CASES = [
    ("x = sin(1, 2)", E.HocSyntaxError, "sin takes exactly one argument, not 2", "syntax error"),
    ("x = exp()", E.HocSyntaxError, "exp takes exactly one argument, not 0", "syntax error"),
    ("x = cos(1, 2, 3)", E.HocSyntaxError, "cos takes exactly one argument", "syntax error"),
    ("x = sqrt(\"a\")", E.HocSyntaxError, "sqrt takes a number, not a string", "syntax error"),
    ("x = tanh(1, 2)", E.HocSyntaxError, "tanh takes exactly one", "syntax error"),
    ("x = int(1, 2)", E.HocSyntaxError, "int takes exactly one", "syntax error"),
    ("x = atan2(1)", E.HocRuntimeError, "atan2 not enough arguments", "atan2 not enough arguments"),
    ("x = atan2(\"a\", 1)", E.HocTypeError, "atan2: argument 1 must be a number", "expecting double"),
    ("x = strcmp(\"a\")", E.HocRuntimeError, "strcmp not enough arguments", "strcmp not enough arguments"),
    ("x = strcmp(1, \"a\")", E.HocTypeError, "Expecting string argument", "Expecting string argument"),
    ("printf()", E.HocRuntimeError, "printf not enough arguments", "printf not enough arguments"),
    ("printf(1)", E.HocTypeError, "Expecting string argument", "Expecting string argument"),
    ("execute(1)", E.HocTypeError, "Expecting string argument", "Expecting string argument"),
    ("system()", E.HocRuntimeError, "system not enough arguments", "system not enough arguments"),
    ("x = name_declared(1)", E.HocTypeError, "Expecting string argument", "Expecting string argument"),
    ("x = object_id()", E.HocRuntimeError, "object_id not enough arguments", "object_id not enough arguments"),
    ("quit(\"a\")", E.HocTypeError, "quit: argument 1 must be a number", "expecting double"),
    ("x = sscanf(\"1\")", E.HocRuntimeError, "sscanf not enough arguments", "sscanf not enough arguments"),
    ("create soma\nx = area()", E.HocRuntimeError, "area not enough arguments", "area not enough arguments"),
    ("create soma\nx = ri(\"a\")", E.HocTypeError, "ri: argument 1 must be a number", "expecting double"),
    ("create soma\nx = pt3dadd(1, 2)", E.HocRuntimeError, "pt3dadd not enough arguments",
     "pt3dadd not enough arguments"),
]
OK = [("x = atan2(1, 2, 3)", "print x", "0.46364761"),       # extra arguments are ignored, as in nrniv
      ("x = sin(PI/2)", "print x", "1"), ("x = strcmp(\"a\", \"b\")", "print x", "-1"),
      ("x = sqrt(16)", "print int(x)", "4")]


def session(out=None):
    return Session(out=(out.append if out is not None else lambda _t: None), err=lambda _t: None)


@pytest.mark.parametrize("stmt,cls,msg,_nrn", CASES, ids=[c[0] for c in CASES])
def test_bad_arguments_are_errors(stmt, cls, msg, _nrn):
    with pytest.raises(E.HocError) as info:
        session().execute(stmt, "t.hoc")
    assert type(info.value) is cls, info.value.render()
    assert msg in info.value.message
    assert info.value.span is not None and info.value.span.line == stmt.count("\n") + 1


@pytest.mark.parametrize("stmt,show,want", OK)
def test_good_arguments_still_work(stmt, show, want):
    out: list[str] = []
    s = session(out)
    s.execute(stmt + "\n" + show, "t.hoc")
    assert "".join(out).split() == [want]


def test_table_covers_math_and_common_builtins():
    s = session()
    for name in MATH1:
        assert name in s.builtins
    assert {"printf", "strcmp", "execute", "load_file", "atan2", "quit"} <= set(SIGNATURES)
    missing = [n for n in SIGNATURES if n not in s.builtins]
    assert missing == []


@pytest.mark.neuron
@pytest.mark.parametrize("stmt,_cls,_msg,nrn", CASES, ids=[c[0] for c in CASES])
def test_nrniv_also_refuses(stmt, _cls, _msg, nrn, tmp_path):
    nrniv = shutil.which("nrniv")
    if nrniv is None:
        pytest.skip("nrniv not installed")
    (tmp_path / "t.hoc").write_text(stmt + "\n")
    r = subprocess.run([nrniv, "-nobanner", "t.hoc"], cwd=tmp_path, capture_output=True, text=True,
                       timeout=60, stdin=subprocess.DEVNULL)
    assert nrn in r.stderr + r.stdout
