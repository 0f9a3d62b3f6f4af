"""Run one HOC file with hocx the way ``hocx FILE`` does, for timing whole processes.

Usage: python _hocx_run.py FILE [STATEMENT ...]  (statements run first, like ``-c``).
"""
import sys
import time

T0 = time.perf_counter()


def main() -> None:
    sys.path.insert(0, __file__.rsplit("/", 2)[0])
    from hocx.api import Session

    s = Session()
    for stmt in sys.argv[2:]:
        s.execute(stmt, "<-c>")
    s.execute_file(sys.argv[1])
    sys.stdout.flush()
    print(f"HOCX_WALL {time.perf_counter() - T0:.4f}", file=sys.stderr)


if __name__ == "__main__":
    main()
