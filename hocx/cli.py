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
from .interp.limits import memory_error
from .run_limits import LIMIT_OPTIONS, apply_memory_limit, parse_limit, time_limit
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
  --vi               vi key bindings in the REPL editor (also: HOCX_EDITING_MODE=vi); C-x C-e
                     (emacs) or v (vi normal mode) edits the input in $EDITOR
  --no-color         no colour in any output (also: the NO_COLOR environment variable)
  --save OUT.json    after the run, write every top-level Vector as JSON
  --show             show a model summary and the model and edge tables after the run
  --limit N          --show: at most N rows per table (0: all; default 50 on a terminal, else all)
  --plots DIR        at exit, write each legacy Graph of the run as DIR/Graph_N.png (+ .json data)
  --safe             for untrusted scripts: no system(), no file writes, reads only under the
                     script's folder and the stdlib, no $(VAR); see docs/SAFETY.md
  --max-seconds S    stop the files/-c/stdin with a HOC error after S seconds (0: no limit)
  --max-memory MB    limit hocx's memory to MB megabytes (0: none; --safe default: half the RAM)
  --mod PATH         load mechanisms from a folder of .mod files, a .mod file, or a NEURON
                     library (x86_64/libnrnmech.so) whose .mod files sit beside it (repeatable;
                     -dll PATH is the same).  The *.mod files of the current folder load always
  --emit-mod FILE.mod  print the Python code hocx generates for a .mod file, and exit
  --no-mod-cache     translate every .mod again (default: cached by content hash in
                     ~/.cache/hocx/mods, or $HOCX_MOD_CACHE)
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


KNOWN_OPTIONS = ("-c", "-i", "-h", "-V", "--help", "--version", "--check", "--simple-prompt", "--vi",
                 "--history-file", "--no-color", "--save", "--show", "--limit", "--plots",
                 "--safe", "--max-seconds", "--max-memory", "--device",
                 "--jit-cache", "--no-jit-cache", "--debug", "--mod", "-dll", "--emit-mod",
                 "--no-mod-cache", *sorted(_IGNORED))


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
    vi: bool = False                 # --vi: vi key bindings in the REPL editor
    mods: list = field(default_factory=list)         # --mod / -dll paths, in order
    emit_mod: list = field(default_factory=list)     # --emit-mod files
    mod_cache: bool = True                           # --no-mod-cache: False
    plots: str | None = None         # --plots DIR
    limit: int | None = None         # --limit N (rows per --show table)
    max_seconds: float | None = None  # --max-seconds S (run_limits.py)
    max_memory: float | None = None   # --max-memory MB


#: options that take the next argument, and what that argument is
_VALUE_OPTIONS = {"-c": "a statement", "--save": "a file name", "--history-file": "a file name",
                  "--device": "a value", "--jit-cache": "a value", "--plots": "a folder",
                  "--limit": "a number of rows", "--mod": "a folder or .mod file",
                  "-dll": "a library, folder or .mod file", "--emit-mod": "a .mod file",
                  "--max-seconds": "a number of seconds", "--max-memory": "a number of MB"}


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
            elif a in ("--mod", "-dll"):
                opts.mods.append(value)
            elif a == "--emit-mod":
                opts.emit_mod.append(value)
            elif a == "--plots":
                opts.plots = value
            elif a in LIMIT_OPTIONS:
                try:
                    setattr(opts, a[2:].replace("-", "_"), parse_limit(a, value))
                except ValueError as e:
                    raise UsageError(str(e)) from None
            elif a == "--limit":
                if not value.isdigit():
                    raise UsageError(f"--limit needs a number of rows (0 for all), not {value!r}")
                opts.limit = int(value)
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
        if a == "--no-mod-cache":
            opts.mod_cache = False
            i += 1
            continue
        if a.startswith(("--mod=", "--emit-mod=")):
            name, value = a.split("=", 1)
            (opts.mods if name == "--mod" else opts.emit_mod).append(value)
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
        elif a == "--vi":
            opts.vi = True
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
    mods_shown = False
    for kind, arg in opts.actions:
        session = Session(out=lambda _s: None, err=lambda _s: None, safe=True)
        # the mechanisms decide what `insert x` parses as; their errors are shown once
        if not load_mods(session, opts, None if mods_shown else stderr):
            status = 1
        mods_shown = True
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
            more = (f", {result.unchecked} unchecked inside object_push" if result.unchecked else "")
            stdout.write(f"{path}: ok ({result.items} items{more})\n")
    return status


def run(opts: Options, stdout: TextIO, stderr: TextIO, stdin: TextIO) -> int:
    from .api import Session
    from .progress_view import progress_context     # the run's progress line (terminals only)

    def write_out(s: str) -> None:
        stdout.write(s)

    session = Session(out=write_out, err=stderr.write, safe=opts.safe)
    status = 0
    mods_ok = True
    restore_memory_limit = apply_memory_limit(session, opts.max_memory, opts.safe, stderr)
    for m in opts.mods:                     # --safe may read the --mod folders
        session.allow_reads_under(m if os.path.isdir(m) else os.path.dirname(os.path.abspath(m)))
    try:
        try:
            with time_limit(session, opts.max_seconds), progress_context(session, stderr):
                mods_ok = load_mods(session, opts, stderr)
                for kind, arg in opts.actions:
                    if kind == "file":
                        session.execute_file(arg)
                    elif kind == "stmt":
                        session.execute(arg, "-c")
                    else:
                        session.execute(stdin.read(), "<stdin>")
            if opts.show:
                from .show import show_report
                stdout.write(show_report(session.model, limit=opts.limit, stream=stdout))
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
        except MemoryError:
            stdout.flush()
            report(memory_error(session, None), stderr)
            status = 1
    finally:
        if opts.save and not save_vectors(session, opts.save, stderr) and status == 0:
            status = 1
        if not mods_ok and status == 0:     # a .mod that did not load is an error of the run
            status = 1
        if opts.plots:
            from .figures import write_graphs
            stdout.flush()
            if not write_graphs(session, opts.plots, stderr) and status == 0:
                status = 1
        stdout.flush()
        restore_memory_limit()
    return status


def load_mods(session, opts: Options, stderr: TextIO | None) -> bool:
    """Load the mechanisms of the start: the current folder's ``*.mod`` (as nrniv loads
    ``./x86_64``), then every ``--mod`` path, as one load.  Errors are shown (on ``stderr``)
    and the session goes on without those mods; False if there were any."""
    from .interp.mod_loader import startup_paths

    loader = getattr(session, "mod_loader", None)
    if loader is None:
        return True
    if not opts.mod_cache:
        loader.cache = None
    paths = startup_paths(".", opts.mods)          # the current folder's mods by their names
    if not paths:
        return True
    include_check = None
    if getattr(session, "safe", False):     # --safe: the mods named load; what they INCLUDE
        from .interp.safety import add_read_root, check_read    # must lie in allowed folders
        for p in paths:
            add_read_root(session, p if os.path.isdir(p) else (os.path.dirname(p) or "."))
        include_check = lambda f: check_read(session, f, None, "INCLUDE")  # noqa: E731
    res = loader.load(paths, skip_loaded=True, include_check=include_check)
    if stderr is not None:
        for e in res.errors:
            report(e, stderr)
    return res.ok


def emit_mods(opts: Options, stdout: TextIO, stderr: TextIO) -> int:
    """``--emit-mod FILE.mod``: the generated Python of each file on stdout, the translator's
    notices on stderr; a mod that does not translate is its error and exit status 1."""
    from .interp.mod_loader import emit

    status = 0
    for path in opts.emit_mod:
        try:
            source, notices = emit(path)
        except HocError as e:
            report(e, stderr)
            status = 1
            continue
        for n in notices:
            stderr.write(str(n).rstrip("\n") + "\n")
        stdout.write(source if source.endswith("\n") else source + "\n")
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
    return int(run_repl(session, simple=opts.simple, history=history, vi=opts.vi or None) or 0)


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
    if not opts.check:           # with or without --safe: native code from a trusted folder only
        from .safe_start import guard_compile_cache
        guard_compile_cache(opts.jit_cache, opts.no_jit_cache, sys.stderr)
    if opts.check and not opts.actions:
        sys.stderr.write("hocx: --check needs a FILE (or -c STATEMENT, or -); see hocx --help\n")
        return 2
    if opts.emit_mod:
        return emit_mods(opts, sys.stdout, sys.stderr)
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
