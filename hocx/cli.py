"""``hocx`` on the command line, like ``nrniv``.

    hocx [options] [FILE | -c STMT | -] ...

Files, ``-c`` statements and ``-`` (stdin) run in the order given; then hocx
exits, unless ``-i`` was given or there was nothing to run, in which case the
REPL opens.  Exit status: 0 ok, 1 HOC error, 2 usage error, 130 Ctrl-C,
``quit(n)`` gives n.  Program output goes to stdout, diagnostics to stderr.
"""
from __future__ import annotations

import json
import sys
import traceback
from dataclasses import dataclass, field
from typing import Any, TextIO

from . import __version__
from .errors import HocError, HocQuit

USAGE = """\
usage: hocx [options] [FILE | -c STATEMENT | -] ...

Run NEURON HOC (.hoc) and hocx (.hx) scripts on hocx's JAX simulator.

  FILE               run a .hoc/.hx file (several run in order)
  -c STATEMENT       run one HOC statement (repeatable, in order with files)
  -                  read HOC from standard input
  -i                 open the interactive REPL after running the files
  --simple-prompt    plain line-reader REPL (no editor, colours or toolbar)
  --save OUT.json    after the run, write every top-level Vector as JSON
  --show             show the model tables after the run (needs the `show` built-in)
  --safe             disable system() and file writes (for untrusted scripts)
  --device cpu|gpu   run the simulator on this JAX platform (default: JAX's choice)
  --jit-cache DIR    keep compiled integrators in DIR (default ~/.cache/hocx/xla,
                     or $HOCX_JIT_CACHE / $HOCX_CACHE_DIR)
  --no-jit-cache     do not use the persistent compilation cache
  --debug            show Python tracebacks for internal errors
  --version          print the version and exit
  -h, --help         print this help and exit

Exit status: 0 ok, 1 HOC error, 2 usage error, 130 interrupted; quit(n) exits with n.
"""

# nrniv options accepted for compatibility and ignored
_IGNORED = {"-nobanner", "-isatty", "-notatty", "-nogui", "-NSTACK", "-NFRAME"}


class UsageError(Exception):
    pass


@dataclass
class Options:
    actions: list = field(default_factory=list)     # ("file", path) | ("stmt", text) | ("stdin", None)
    interactive: bool = False
    simple: bool | None = None
    save: str | None = None
    show: bool = False
    safe: bool = False
    debug: bool = False
    device: str | None = None
    jit_cache: str | None = None
    no_jit_cache: bool = False


def parse_args(argv: list[str]) -> Options | str:
    """Options, or "help"/"version" for the informational flags."""
    opts = Options()
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("-h", "--help"):
            return "help"
        if a == "--version":
            return "version"
        if a == "-c":
            if i + 1 >= len(argv):
                raise UsageError("-c needs a statement")
            opts.actions.append(("stmt", argv[i + 1]))
            i += 2
            continue
        if a == "--save":
            if i + 1 >= len(argv):
                raise UsageError("--save needs a file name")
            opts.save = argv[i + 1]
            i += 2
            continue
        if a in ("--device", "--jit-cache"):
            if i + 1 >= len(argv):
                raise UsageError(f"{a} needs a value")
            if a == "--device":
                if argv[i + 1] not in ("cpu", "gpu"):
                    raise UsageError(f"--device must be cpu or gpu, not {argv[i + 1]!r}")
                opts.device = argv[i + 1]
            else:
                opts.jit_cache = argv[i + 1]
            i += 2
            continue
        if a == "--no-jit-cache":
            opts.no_jit_cache = True
            i += 1
            continue
        if a.startswith("--save="):
            opts.save = a.split("=", 1)[1]
        elif a == "-":
            opts.actions.append(("stdin", None))
        elif a == "-i":
            opts.interactive = True
        elif a == "--simple-prompt":
            opts.simple = True
        elif a == "--show":
            opts.show = True
        elif a == "--safe":
            opts.safe = True
        elif a == "--debug":
            opts.debug = True
        elif a in _IGNORED:
            if a in ("-NSTACK", "-NFRAME"):
                i += 1
        elif a.startswith("-"):
            raise UsageError(f"unknown option {a}")
        else:
            opts.actions.append(("file", a))
        i += 1
    return opts


def vectors_of(session) -> dict[str, list[float]]:
    """Every top-level Vector (and objref-array element as ``name[i]``)."""
    out: dict[str, list[float]] = {}
    ns = session.globals
    for name, kind in ns.kinds.items():
        v = ns.values.get(name)
        if kind == "obj" and _is_vector(v):
            out[name] = _vector_values(v)
        elif kind == "objarray":
            for k, o in enumerate(v.data):
                if _is_vector(o):
                    out[f"{name}[{k}]"] = _vector_values(o)
    return out


def _is_vector(v: Any) -> bool:
    return getattr(v, "hoc_class", None) == "Vector"


def _vector_values(v: Any) -> list[float]:
    import numpy as np

    data = getattr(v, "x", None)
    if data is None:
        data = getattr(v, "data", [])
    return [float(x) for x in np.asarray(data, dtype=float).ravel()]


def save_vectors(session, path: str, err: TextIO) -> None:
    try:
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"vectors": vectors_of(session)}, f)
    except OSError as e:
        err.write(f"hocx: cannot write {path}: {e.strerror}\n")


def report(e: HocError, err: TextIO) -> None:
    err.write(e.render() + "\n")


def run(opts: Options, stdout: TextIO, stderr: TextIO, stdin: TextIO) -> int:
    from .api import Session

    def write_out(s: str) -> None:
        stdout.write(s)

    session = Session(out=write_out, err=stderr.write, safe=opts.safe)
    status = 0
    try:
        try:
            for kind, arg in opts.actions:
                if kind == "file":
                    session.execute_file(arg)
                elif kind == "stmt":
                    session.execute(arg, "-c")
                else:
                    session.execute(stdin.read(), "<stdin>")
            if opts.show and "show" in session.builtins:
                session.execute("{show()}", "--show")
            if opts.interactive or not opts.actions:
                stdout.flush()
                status = open_repl(session, opts)
        except HocQuit as q:
            status = q.status
        except HocError as e:
            stdout.flush()
            report(e, stderr)
            if opts.debug and e.__cause__ is not None:
                traceback.print_exception(e.__cause__, file=stderr)
            status = 1
        except KeyboardInterrupt:
            stdout.flush()
            stderr.write("hocx: interrupted\n")
            status = 130
        except RecursionError:
            stdout.flush()
            stderr.write("hocx: error: the program nests too deeply (Python recursion limit)\n")
            status = 1
    finally:
        if opts.save:
            save_vectors(session, opts.save, stderr)
        stdout.flush()
    return status


def open_repl(session, opts: Options) -> int:
    try:
        from .repl import run_repl
    except ImportError:
        return plain_repl(session)
    return int(run_repl(session, simple=opts.simple) or 0)


def plain_repl(session, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    """Fallback line reader: ``oc>`` prompt, continuation inside braces."""
    from .syntax import is_complete

    buf = ""
    while True:
        stdout.write("oc>" if not buf else ">\t")
        stdout.flush()
        line = stdin.readline()
        if not line:
            return 0
        buf += line
        if not is_complete(buf):
            continue
        text, buf = buf, ""
        try:
            session.execute(text, "<stdin>")
        except HocQuit as q:
            return q.status
        except HocError as e:
            sys.stderr.write(e.render() + "\n")
        except KeyboardInterrupt:
            session.interrupt_reset()
            sys.stderr.write("interrupted\n")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        opts = parse_args(argv)
    except UsageError as e:
        sys.stderr.write(f"hocx: {e}\n{USAGE}")
        return 2
    if opts == "help":
        sys.stdout.write(USAGE)
        return 0
    if opts == "version":
        sys.stdout.write(f"hocx {__version__}\n")
        return 0
    if opts.device or opts.jit_cache or opts.no_jit_cache:
        from .errors import HocError
        from .sim.jitcache import configure_devices, configure_jit_cache
        try:
            if opts.device:
                configure_devices(opts.device)
            if opts.no_jit_cache:
                configure_jit_cache(None)
            elif opts.jit_cache:
                configure_jit_cache(opts.jit_cache)
        except HocError as e:
            sys.stderr.write(f"hocx: {e.message}\n")
            return 2
    try:
        return run(opts, sys.stdout, sys.stderr, sys.stdin)
    except KeyboardInterrupt:
        return 130
    except Exception:  # noqa: BLE001 - last line of defence: never a traceback unless --debug
        if opts.debug:
            traceback.print_exc()
        else:
            sys.stderr.write("hocx: internal error (run with --debug for the Python traceback)\n")
        return 70


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
