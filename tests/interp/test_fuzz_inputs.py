"""Issue 18: in-process fuzzing of hostile HOC: extreme numbers as indices, sizes and
arguments, nesting, wrong argument types and counts.  Anything but a HocError fails."""
from __future__ import annotations

import os
import random

from hocx.api import Session
from hocx.errors import HocError, HocQuit

NUMS = ["0", "1", "-1", "2.5", "-0.5", "1e309", "-1e309", "(1e309-1e309)", "1e20", "-1e20",
        "3e9", "2147483648", "1e-320", "0.9999999999999", "7"]
ARGS = NUMS + ['"s"', "vec", "nil", "&x", "lst"]
FUNCS = ["sin", "exp", "log", "sqrt", "int", "abs", "atan2", "pow", "printf", "sprint",
         "object_id", "execute", "fmod", "floor"]
METHODS = ["x", "resize", "get", "set", "fill", "indgen", "add", "mul", "div", "remove",
           "insrt", "sum", "mean", "var", "stdev", "max", "min", "sort", "reverse", "size",
           "buffer_size", "append", "c", "at"]


def _expr(rng: random.Random, depth: int = 0) -> str:
    r = rng.random()
    if depth > 3 or r < 0.35:
        return rng.choice(NUMS + ["x", "a[1]"])
    if r < 0.6:
        return f"({_expr(rng, depth + 1)} {rng.choice('+-*/%^<>')} {_expr(rng, depth + 1)})"
    if r < 0.75:
        return f"-{_expr(rng, depth + 1)}"
    return f"a[{_expr(rng, depth + 1)}]"


def _args(rng: random.Random) -> str:
    return ", ".join(rng.choice(ARGS) if rng.random() < 0.6 else _expr(rng, 2)
                     for _ in range(rng.randint(0, 4)))


def program(rng: random.Random) -> str:
    kind = rng.randrange(10)
    e = _expr(rng)
    if kind == 0:
        return f"double b[{e}]\n"
    if kind == 1:
        return f"objref o[{e}]\n"
    if kind == 2:
        return f"create s[{rng.choice(NUMS)}][{rng.choice(NUMS)}]\n"
    if kind == 3:
        return f"print vec.{rng.choice(METHODS)}({_args(rng)})\n"
    if kind == 4:
        return f"vec.x[{e}] = {_expr(rng)}\n"
    if kind == 5:
        return f"print {rng.choice(FUNCS)}({_args(rng)})\n"
    if kind == 6:
        return f"d[{e}] print secname()\n"
    if kind == 7:
        return "x = " + "(" * rng.randint(1, 200) + e + ")" * rng.randint(0, 200) + "\n"
    if kind == 8:
        return f"for i = {rng.choice(NUMS)}, {rng.choice(NUMS)} {{ a[i] = {e} }}\n"
    return f"print {e}\n"


SETUP = "objref vec, lst, nil\nvec = new Vector(3)\nlst = new List()\ndouble a[3]\ncreate d[2]\n"


def test_generated_programs_raise_only_hoc_errors():
    n = int(os.environ.get("HOCX_FUZZ_N", "20000"))
    rng = random.Random(int(os.environ.get("HOCX_FUZZ_SEED", "18")))
    s = Session(out=lambda _s: None, err=lambda _s: None, safe=True, budget=10 ** 9)
    s.execute(SETUP, "setup.hoc")
    failures = []
    for k in range(n):
        text = program(rng)
        s.budget = 20_000                 # loops end with a HocError, not a hang
        try:
            s.execute(text, f"fuzz{k}.hoc")
        except (HocError, HocQuit):
            pass
        except Exception as exc:  # noqa: BLE001 - the point of the test
            failures.append((text, repr(exc)))
            if len(failures) > 20:
                break
    assert not failures, "\n".join(f"{t!r}: {x}" for t, x in failures)
