"""The hocx interactive shell.

``run_repl(session)`` is what ``hocx`` (no file) and ``hocx -i FILE`` call.  It
opens the prompt_toolkit editor on a terminal and a plain line reader
otherwise; both hand complete inputs to the same ``Engine``, which runs HOC
through ``Session.execute`` and adds the REPL's own commands (help, plot,
show, %-commands).

Modules: engine (one input), prompt (editor), simple (line reader), lexer
(tokens), highlight, completer, toolbar, helpdb/helptext, magics, views,
plot/plotcmd/traces, introspect (tolerant reads of the session).
"""
from __future__ import annotations

import sys
from typing import Any, TextIO

__all__ = ["run_repl"]


def _is_tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def run_repl(session, *, simple: bool | None = None, input=None, output=None,
             stdout: TextIO | None = None, history=None, vi: bool | None = None) -> int:
    """Run an interactive session until EOF or quit(); return the exit status.

    simple   None: plain line reader when stdin is not a TTY; True/False force it.
    input    simple mode: a text stream (default sys.stdin); editor mode: a
             prompt_toolkit Input (e.g. ``create_pipe_input()`` in tests).
    output   simple mode: a text stream for everything (default sys.stdout);
             editor mode: a prompt_toolkit Output (e.g. ``DummyOutput()``).
    stdout   editor mode: where program output and REPL views go (default sys.stdout).
    history  editor mode: a prompt_toolkit History (default: the history file).
    vi       editor mode: vi key bindings (None: HOCX_EDITING_MODE=vi in the environment).
    """
    from .engine import Engine

    if simple is None:
        pt_input = type(input).__module__.startswith("prompt_toolkit.")   # e.g. create_pipe_input()
        simple = not pt_input and not (_is_tty(input if input is not None else sys.stdin)
                                       and _is_tty(sys.stdout))
    if simple:
        from .simple import run_simple

        stream = output if output is not None else (stdout or sys.stdout)
        engine = Engine(session, stdout=stream, color=False)     # plain: never colour escapes
        return run_simple(engine, input=input)

    from .prompt import run_prompt

    engine = Engine(session, stdout=stdout)
    engine.message("hocx — NEURON's HOC on JAX.  help · NAME? · Tab completes · Ctrl-D exits", "dim")
    return run_prompt(engine, input=input, output=output, history=history, vi=vi)
