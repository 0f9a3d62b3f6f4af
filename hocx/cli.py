"""``hocx`` on the command line, like ``nrniv``.

    hocx [options] [FILE | -c STMT | -] ...

Files, ``-c`` statements and ``-`` (stdin) run in the order given; then hocx
exits, unless ``-i`` was given or there was nothing to run, in which case the
REPL opens.  Exit status: 0 ok, 1 HOC error, 2 usage error, 130 Ctrl-C,
``quit(n)`` gives n.  Program output goes to stdout, diagnostics to stderr.
"""
from __future__ import annotations

import errno
import os
import sys
import traceback
import warnings
from dataclasses import dataclass, field
from typing import TextIO

from . import __version__
from .errors import HocError, HocQuit
from .save import save_vectors, sigterm_as_interrupt, vectors_of  # noqa: F401 (vectors_of: API)

USAGE = """\
usage: hocx [options] [FILE | -c STATEMENT | -] ...

Run NEURON HOC (.hoc) and hocx (.hx) scripts on hocx's JAX simulator.

  FILE               run a .hoc/.hx file (several run in order)
  -c STATEMENT       run one HOC statement (repeatable, in order with files)
  -                  read HOC from standard input
  -i                 open the interactive REPL after running the files (even after an error)
  --check            parse the FILEs (-c, -) without running them; report every syntax error (exit 1 if any)
  --simple-prompt    plain line-reader REPL (no editor, colours or toolbar)
  --history-file PATH  keep the REPL history in PATH (default $HOCX_HISTORY or ~/.local/share/hocx/history)
  --no-color         no colour in any output (also: the NO_COLOR environment variable)
  --save OUT.json    after the run, write every top-level Vector as JSON
  --show             show the model tables after the run (needs the `show` built-in)
  --safe             disable system() and file writes (for untrusted scripts)
  --device cpu|gpu   run the simulator on this JAX platform (default: JAX's choice)
  --jit-cache DIR    keep compiled integrators in DIR (default ~/.cache/hocx/xla,
                     or $HOCX_JIT_CACHE / $HOCX_CACHE_DIR)
  --no-jit-cache     do not use the persistent compilation cache
  --debug            show Python tracebacks for internal errors
  -V, --version      print the version and exit
  -nobanner -nogui -isatty -notatty   nrniv's flags, accepted and ignored
  -h, --help         print this help and exit

Exit status: 0 ok, 1 HOC error, 2 usage error, 130 interrupted; quit(n) exits with n.
"""

# nrniv options accepted for compatibility and ignored
_IGNORED = {"-nobanner", "-isatty", "-notatty", "-nogui", "-NSTACK", "-NFRAME"}


KNOWN_OPTIONS = ("-c", "-i", "-h", "-V", "--help", "--version", "--check", "--simple-prompt",
                 "--history-file", "--no-color", "--save", "--show", "--safe", "--device",
                 "--jit-cache", "--no-jit-cache", "--debug", *sorted(_IGNORED))


class UsageError(Exception):
    pass


def unknown_option(arg: str) -> str:
    """'unknown option --chek (did you mean --check?)'."""
    from .errors import suggest

    best = suggest(arg.split("=", 1)[0], KNOWN_OPTIONS)
    return f"unknown option {arg}" + (f" (did you mean {best}?)" if best else "")


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
    check: bool = False
    color: bool = True
    history_file: str | None = None


#: options that take the next argument, and what that argument is
_VALUE_OPTIONS = {"-c": "a statement", "--save": "a file name", "--history-file": "a file name",
                  "--device": "a value", "--jit-cache": "a value"}


def parse_args(argv: list[str]) -> Options | str:
    """Options, or "help"/"version" for the informational flags."""
    opts = Options()
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("-h", "--help"):
            return "help"
        if a in ("--version", "-V"):
            return "version"
        if a in _VALUE_OPTIONS:
            if i + 1 >= len(argv):
                raise UsageError(f"{a} needs {_VALUE_OPTIONS[a]}")
            value = argv[i + 1]
            if a == "-c":
                opts.actions.append(("stmt", value))
            elif a == "--save":
                opts.save = value
            elif a == "--history-file":
                opts.history_file = value
            elif a == "--device":
                if value not in ("cpu", "gpu"):
                    raise UsageError(f"--device must be cpu or gpu, not {value!r}")
                opts.device = value
            else:
                opts.jit_cache = value
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
        elif a == "--check":
            opts.check = True
        elif a in ("--no-color", "--no-colour"):
            opts.color = False
        elif a in _IGNORED:
            if a in ("-NSTACK", "-NFRAME"):
                i += 1
        elif a.startswith("-"):
            raise UsageError(unknown_option(a))
        else:
            if a.endswith(".py"):
                raise UsageError(f"{a} is a Python file; hocx runs HOC (.hoc, .hx). Run it with "
                                 "python (from hocx import Session), not hocx")
            opts.actions.append(("file", a))
        i += 1
    return opts


def report(e: HocError, err: TextIO) -> None:
    err.write(e.render() + "\n")


def run_check(opts: Options, stdout: TextIO, stderr: TextIO, stdin: TextIO) -> int:
    """``--check``: every syntax error of every file (and -c statement, and stdin), exit 1 if any."""
    from .api import Session
    from .check import check_file, check_text

    status = 0
    for kind, arg in opts.actions:
        session = Session(out=lambda _s: None, err=lambda _s: None, safe=True)
        path = arg if kind == "file" else ("-c" if kind == "stmt" else "<stdin>")
        try:
            if kind == "file":
                result = check_file(path, session)
            else:
                result = check_text(arg if kind == "stmt" else stdin.read(), path, session)
        except OSError as e:
            stderr.write(f"hocx: can't open {path}: {e.strerror}\n")
            status = 1
            continue
        for e in result.errors:
            report(e, stderr)
        n = len(result.errors)
        if n:
            status = 1
            stdout.write(f"{path}: {n} syntax error{'s' if n > 1 else ''}\n")
        else:
            stdout.write(f"{path}: ok ({result.items} items)\n")
    return status


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
            if opts.interactive:          # like python -i: look around after the error
                try:
                    status = open_repl(session, opts)
                except HocQuit as q:
                    status = q.status
        except KeyboardInterrupt:
            stdout.flush()
            stderr.write("hocx: interrupted\n")
            status = 130
        except RecursionError:
            stdout.flush()
            stderr.write("hocx: error: the program nests too deeply (Python recursion limit)\n")
            status = 1
    finally:
        if opts.save and not save_vectors(session, opts.save, stderr) and status == 0:
            status = 1
        stdout.flush()
    return status


def open_repl(session, opts: Options) -> int:
    try:
        from .repl import run_repl
    except ImportError:
        return plain_repl(session)
    history = None
    if opts.history_file and not opts.simple:
        from pathlib import Path

        from .repl.prompt import open_history
        history = open_history(Path(opts.history_file).expanduser())
    return int(run_repl(session, simple=opts.simple, history=history) or 0)


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
    # numpy's overflow/invalid RuntimeWarnings are IEEE results HOC gives silently, as C does
    warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"(hocx|numpy)(\.|$)")
    try:
        opts = parse_args(argv)
    except UsageError as e:
        sys.stderr.write(f"hocx: {e}; see hocx --help\n")
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
    if opts.check and not opts.actions:
        sys.stderr.write("hocx: --check needs a FILE (or -c STATEMENT, or -); see hocx --help\n")
        return 2
    old_no_color = os.environ.get("NO_COLOR")
    if not opts.color:              # rich, prompt_toolkit and our renderers all read NO_COLOR
        os.environ["NO_COLOR"] = "1"
    try:
        if opts.check:
            return run_check(opts, sys.stdout, sys.stderr, sys.stdin)
        with sigterm_as_interrupt():      # SIGTERM unwinds like Ctrl-C, so --save still runs
            return run(opts, sys.stdout, sys.stderr, sys.stdin)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:           # `hocx model.hoc | head`: end quietly, as SIGPIPE would
        _drop_stdout()
        return 141
    except OSError as e:
        if e.errno not in _OUTPUT_ERRNOS:
            raise
        _drop_stdout()                # full disk (ENOSPC) and the like on stdout
        sys.stderr.write(f"hocx: cannot write the output: {e.strerror}\n")
        return 1
    except Exception:  # noqa: BLE001 - last line of defence: never a traceback unless --debug
        if opts.debug:
            traceback.print_exc()
        else:
            sys.stderr.write("hocx: internal error (run with --debug for the Python traceback)\n")
        return 70
    finally:
        if old_no_color is None:
            os.environ.pop("NO_COLOR", None)
        else:
            os.environ["NO_COLOR"] = old_no_color


_OUTPUT_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG)


def _drop_stdout() -> None:
    """Point stdout at /dev/null so Python's exit-time flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
