"""The signature hint shown while typing a call: ``vec.record(`` → ``vec.record(&var[, Dt | tvec]) …``.

:func:`open_call` finds the innermost call whose ``(`` is still open before the cursor
(strings and comments skipped); :func:`hint` looks it up in the help database.
"""
from __future__ import annotations

import re

from ..errors import HocError
from . import helpdb

_NAME_BEFORE = re.compile(r"([A-Za-z_]\w*(?:\[[^\[\]]*\])?(?:\.[A-Za-z_]\w*)*)\s*$")
#: '(' after these opens no call
_KEYWORDS = frozenset({"if", "while", "for", "return", "print", "forall", "forsec", "ifsec",
                       "iterator_statement", "else", "local"})


def open_call(text: str) -> tuple[str, int] | None:
    """(name, index of the argument the cursor is in) of the innermost open call in
    ``text`` (everything before the cursor), or None."""
    stack: list[list[int]] = []            # [position of '(', commas seen]
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':                        # a string: skip to its closing quote
            j = text.find('"', i + 1)
            if j < 0:
                return None                 # the cursor is inside a string
            i = j + 1
            continue
        if c == "/" and text.startswith("//", i):
            j = text.find("\n", i)
            if j < 0:
                return None
            i = j
            continue
        if c == "/" and text.startswith("/*", i):
            j = text.find("*/", i + 2)
            if j < 0:
                return None
            i = j + 2
            continue
        if c == "(":
            stack.append([i, 0])
        elif c == ")" and stack:
            stack.pop()
        elif c == "," and stack:
            stack[-1][1] += 1
        elif c in "{};" and stack:        # a new statement: no call is open across it
            stack.clear()
        i += 1
    while stack:
        pos, commas = stack.pop()
        m = _NAME_BEFORE.search(text[:pos])
        if m is None:
            continue
        name = re.sub(r"\[[^\[\]]*\]", "", m.group(1))     # cell[3].soma -> cell.soma
        if name.split(".")[-1] in _KEYWORDS or name in _KEYWORDS:
            continue
        return name, commas
    return None


def hint(session, text: str) -> str | None:
    """One line for the toolbar: the signature and summary of the call being typed."""
    call = open_call(text)
    if call is None:
        return None
    name, arg = call
    try:
        entry = helpdb.lookup(session, name)
    except HocError:
        return None
    if entry is None:
        return None
    sig = entry.signature if "(" in entry.signature else f"{entry.signature}(...)"
    return f"{sig} — {entry.summary}" if entry.summary else sig
