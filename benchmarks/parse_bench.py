"""Parse + run a generated 5,000-line HOC file and print the time it takes.

    python benchmarks/parse_bench.py [--lines N]

The file mixes what real scripts contain: assignments, arithmetic, procs and
funcs with locals, short and C-style for loops, if/else, strdefs and printf-free
prints into a null sink, objrefs with Vectors, and a template.  Not a test.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def generate(n_lines: int, seed: int = 1) -> str:
    rnd = random.Random(seed)
    out = ["begintemplate Acc", "  public total, add", "  proc init() { total = 0 }",
           "  proc add() { total += $1 }", "endtemplate Acc", "objref acc", "acc = new Acc()",
           "strdef label", "objref vec", "vec = new Vector(10)", "z = 0", "double xs[50]"]
    k = 0
    while len(out) < n_lines:
        k += 1
        r = rnd.random()
        if r < 0.35:
            out.append(f"xs[{k % 50}] = {rnd.randint(1, 99)} * {rnd.random():.4f} + (xs[{(k + 7) % 50}] = {k % 13}) / 3")
        elif r < 0.5:
            out += [f"func f{k}() {{ local a, b", f"  a = $1 * {k % 7 + 1}  b = a ^ 2 % 17",
                    "  if (a > b) { return a - b } else { return b - a }", "}", f"y{k % 20} = f{k}({k % 11})"]
        elif r < 0.65:
            out += [f"proc p{k}() {{ local i", "  for i = 0, $1 { acc.add(i) }", "}", f"p{k}(5)"]
        elif r < 0.8:
            out.append(f"for (j = 0; j < 5; j += 1) {{ if (j == 3) continue  z = z + j * {k % 5} }}")
        elif r < 0.9:
            out += [f'label = "item {k}"', f"vec.x[{k % 10}] = {k}"]
        else:
            out.append(f"if (xs[{k % 50}] < 10) {{ w = 1 }} else if (xs[{k % 50}] < 50) {{ w = 2 }} else {{ w = 3 }}")
    return "\n".join(out) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=5000)
    args = ap.parse_args()
    text = generate(args.lines)
    from hocx.api import Session
    from hocx.syntax import parse_text

    s = Session(out=lambda _s: None)
    t0 = time.perf_counter()
    s.execute(text, "bench.hoc")
    t_run = time.perf_counter() - t0
    # parsing alone, with the symbol table the run left behind (names have their kinds)
    t0 = time.perf_counter()
    items = parse_text(text, "bench.hoc", s)
    t_parse = time.perf_counter() - t0
    print(f"{args.lines} lines, {len(items)} top-level items")
    print(f"parse + run:  {t_run:.3f} s   (acc.total = {s.get_global('acc').hoc_get('total'):g})")
    print(f"parse only:   {t_parse:.3f} s")


if __name__ == "__main__":
    main()
