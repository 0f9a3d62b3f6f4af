"""Run one HOC file with hocx the way ``hocx FILE`` does, for timing whole processes.

Usage: python _hocx_run.py FILE [STATEMENT ...]  (statements run first, like ``-c``).
If the interpreter lacks ``name_declared`` (which the anchor scripts use), a minimal
stand-in is registered -- BENCHMARK SHIM ONLY, clearly not part of hocx.
"""
import sys
import time

T0 = time.perf_counter()


def main() -> None:
    sys.path.insert(0, __file__.rsplit("/", 2)[0])
    from hocx.api import Session

    s = Session()
    if "name_declared" not in s.names():
        s.register_builtin("name_declared",
                           lambda interp, args, span: 1.0 if str(args[0]) in interp.names() else 0.0,
                           kind="func")
    for stmt in sys.argv[2:]:
        s.execute(stmt, "<-c>")
    s.execute_file(sys.argv[1])
    sys.stdout.flush()
    print(f"HOCX_WALL {time.perf_counter() - T0:.4f}", file=sys.stderr)


if __name__ == "__main__":
    main()
