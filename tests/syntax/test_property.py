"""Garbage in, HocError out: random token soups and mutated valid programs either
run or fail with a ``HocError`` -- never another exception, never a hang.

Loops are bounded by the interpreter's instruction budget and deadline.
"""
from __future__ import annotations

import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hocx.api import Session
from hocx.errors import HocError, HocQuit

ROOT = Path(__file__).resolve().parents[2]

VOCAB = [
    "x", "y", "i", "s", "o", "v", "soma", "dend", "L", "nseg", "diam", "p", "f", "it",
    "Vector", "List", "sqrt", "print", "printf", "numarg", "secname", "hh", "pas",
    "proc", "func", "obfunc", "iterator", "iterator_statement", "return", "break",
    "continue", "stop", "if", "else", "while", "for", "local", "localobj", "strdef",
    "double", "objref", "create", "access", "insert", "uninsert", "connect", "forall",
    "forsec", "ifsec", "begintemplate", "endtemplate", "public", "external", "new",
    "delete", "setpointer", "read", "depvar", "0", "1", "2.5", "1e3", ".5", '"a"',
    '"dend"', "$1", "$o1", "$s1", "$&1", "$i", "+", "-", "*", "/", "%", "^", "=", "+=",
    "-=", "*=", "/=", "==", "!=", "<", "<=", ">", ">=", "&&", "||", "!", "&", "(", ")",
    "[", "]", "{", "}", ",", ".", ":", ";", "\n", "\n", "\n", "//c\n", "/*c*/", "\\\n",
]

SEEDS = [
    "x = 1\nprint x\n",
    "proc p() { local i\n for i = 0, $1 { print i } }\np(2)\n",
    "func f() { return $1 * 2 }\ny = f(3)\nprint y\n",
    "objref o\no = new Vector(3)\no.x[1] = 2\nprint o.sum()\n",
    "strdef s\ns = \"abc\"\nprint s\n",
    "create soma, dend[2]\nconnect dend[0](0), soma(1)\nsoma { nseg = 3  insert hh }\nforall print secname()\n",
    "iterator it() { local i\n for i = 1, $1 { $&2 = i  iterator_statement } }\nx = 0\nfor it(3, &x) print x\n",
    "begintemplate T\npublic a\nproc init() { a = $1 }\nendtemplate T\nobjref t1\nt1 = new T(4)\nprint t1.a\n",
    "i = 0\nwhile (i < 3) { i += 1 }\nfor (j = 0; j < 2; j += 1) { if (j) break }\nprint i, j\n",
]


def run(text: str) -> None:
    out: list[str] = []
    s = Session(out=out.append, err=out.append, safe=True, budget=2000,
                deadline=time.monotonic() + 5)
    try:
        s.execute(text, "fuzz.hoc")
    except (HocError, HocQuit):
        pass


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(VOCAB), max_size=30).map(" ".join))
def test_random_token_sequences(text):
    run(text)


@st.composite
def mutated(draw):
    src = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, len(src)))
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        tok = draw(st.sampled_from(VOCAB))
        if op == "insert":
            src = src[:pos] + " " + tok + " " + src[pos:]
        elif op == "delete":
            n = draw(st.integers(1, 5))
            src = src[:pos] + src[pos + n:]
        else:
            n = draw(st.integers(1, 3))
            src = src[:pos] + tok + src[pos + n:]
    return src


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_valid_programs(text):
    run(text)


def test_seeds_run_cleanly():
    for src in SEEDS:
        out: list[str] = []
        Session(out=out.append, err=out.append).execute(src, "seed.hoc")
        assert out, src


def test_budget_stops_an_endless_loop():
    s = Session(out=lambda t: None, budget=1000)
    try:
        s.execute("while (1) { }\n")
    except HocError as e:
        assert "budget" in e.message
    else:  # pragma: no cover
        raise AssertionError("an endless loop must hit the budget")
