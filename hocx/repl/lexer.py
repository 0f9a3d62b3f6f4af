"""A small HOC tokenizer for highlighting, completion context and brace balance.

This is *not* the parser (that lives in hocx.syntax); it never fails, it only
labels spans of text so the REPL can colour them, find the word under the
cursor and tell whether a line is obviously unfinished when the parser's
completeness check is unavailable.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

KEYWORDS = frozenset(
    "proc func obfunc iterator iterator_statement return break continue stop if else while for "
    "print delete read debug double depvar eqn local localobj strdef help create connect "
    "setpointer access insert uninsert forall ifsec forsec begintemplate endtemplate objectvar "
    "objref public external new".split()
)

_TOKEN = re.compile(
    r"""
    (?P<comment>//[^\n]*|/\*(?:.|\n)*?(?:\*/|\Z))
  | (?P<string>"(?:\\.|\\\n|[^"\\\n])*(?:"|$))
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d*)?)
  | (?P<arg>\$[os&]?(?:\d+|i))
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<magic>^%[A-Za-z]+)
  | (?P<brace>[{}()\[\]])
  | (?P<op>==|!=|<=|>=|&&|\|\||[-+*/^%=<>!&,.:;])
  | (?P<newline>\n)
  | (?P<space>[ \t\\]+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.MULTILINE,
)


@dataclass(frozen=True)
class Token:
    """One lexical item: kind (comment, string, number, arg, name, brace, op, ...), text, offset."""

    kind: str
    text: str
    start: int


def tokenize(text: str) -> list[Token]:
    """Split text into tokens; never raises."""
    return [Token(m.lastgroup or "other", m.group(), m.start()) for m in _TOKEN.finditer(text)]


def brace_depth(text: str) -> int:
    """Net number of '{' minus '}' outside comments and strings."""
    depth = 0
    for tok in tokenize(text):
        if tok.kind == "brace":
            depth += {"{": 1, "}": -1}.get(tok.text, 0)
    return depth


def looks_incomplete(text: str) -> bool:
    """Heuristic completeness check (used only if the parser's is unavailable)."""
    if not text.strip():
        return False
    if text.rstrip("\n").endswith("\\"):
        return True
    toks = tokenize(text)
    if toks and toks[-1].kind == "comment" and toks[-1].text.startswith("/*") and not toks[-1].text.endswith("*/"):
        return True
    return template_open(text) or brace_depth(text) > 0


def template_open(text: str) -> bool:
    """True inside ``begintemplate`` ... before its ``endtemplate``."""
    names = [t.text for t in tokenize(text) if t.kind == "name"]
    return names.count("begintemplate") > names.count("endtemplate")
