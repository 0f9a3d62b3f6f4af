"""``!cmd`` in the REPL: run a shell command (as IPython does).

HOC's own ``!`` (logical not) still wins: ``!x`` with ``x`` a declared name, ``!(a > b)``
and ``!1`` are HOC expressions; ``!ls -l`` (``ls`` not a HOC name) goes to the shell.
Under ``--safe`` shell commands are refused, as ``system()`` is.
"""
from __future__ import annotations

import re
import subprocess

from ..errors import HocRuntimeError
from . import introspect

_BANG = re.compile(r"^\s*!(?P<cmd>\S.*)$", re.S)
_WORD = re.compile(r"[A-Za-z_]\w*")


def shell_command(session, text: str) -> str | None:
    """The command of a ``!cmd`` input, or None when the input is HOC."""
    m = _BANG.match(text)
    if m is None:
        return None
    cmd = m.group("cmd").strip()
    w = _WORD.match(cmd)
    if w is None:                       # !(…), !1, !!x: a HOC expression
        return None
    if w.group(0) in introspect.names(session):
        return None
    return cmd


def run_shell(engine, cmd: str) -> None:
    """Run ``cmd`` with the shell; its output goes where the REPL's output goes."""
    if getattr(engine.session, "safe", False):
        raise HocRuntimeError("shell commands (!cmd) are disabled in safe mode",
                              hint="run without --safe to allow them")
    engine.stdout.flush()
    proc = subprocess.run(cmd, shell=True, capture_output=True, text=True)
    if proc.stdout:
        engine.write(proc.stdout)
    if proc.stderr:
        engine.write(proc.stderr)
    if proc.returncode:
        engine.message(f"(exit status {proc.returncode})", "dim")
