"""The plain line reader (no TTY, ``--simple-prompt``): same semantics as the editor, no frills.

Lines are collected until the parser says the input is complete, then handed
to the engine.  Prompts are written only when the input is a terminal, so
piped sessions produce just the program's output and diagnostics.  Errors do
not stop the session; with piped input the exit status is 1 if any input
failed (0 otherwise, or quit(n)'s n).
"""
from __future__ import annotations

import sys
from typing import TextIO

from .engine import CONTINUATION, PROMPT


def run_simple(engine, *, input: TextIO | None = None, prompts: bool | None = None) -> int:
    """Read lines from ``input`` until EOF or quit(); returns the exit status."""
    stream = input if input is not None else sys.stdin
    if prompts is None:
        try:
            prompts = stream.isatty()
        except (AttributeError, ValueError):
            prompts = False
    pending: list[str] = []
    while True:
        if prompts:
            engine.write(CONTINUATION if pending else PROMPT)
        try:
            line = stream.readline()
        except KeyboardInterrupt:           # Ctrl-C while typing: drop the input
            pending.clear()
            engine.write("\n")
            continue
        if not line:                        # EOF (Ctrl-D)
            if pending:
                engine.submit("".join(pending))
            break
        pending.append(line if line.endswith("\n") else line + "\n")
        text = "".join(pending)
        if engine.needs_more(text):
            continue
        pending.clear()
        if engine.submit(text).status == "quit":
            break
    if prompts:
        engine.write("\n")
    if engine.exit_status is not None:
        return engine.exit_status
    # piped input (scripts, CI): like the CLI on files, report errors in the exit status
    return 1 if engine.errors and not prompts else 0
