"""Syntax highlighting for the editor: token kinds and the session's symbol kinds to styles."""
from __future__ import annotations

from typing import Callable

from prompt_toolkit.document import Document
from prompt_toolkit.lexers import Lexer

from .introspect import kind_class
from .lexer import KEYWORDS, tokenize

# token kind -> prompt_toolkit style class
STYLE_OF = {
    "comment": "class:hoc.comment",
    "string": "class:hoc.string",
    "number": "class:hoc.number",
    "arg": "class:hoc.arg",
    "op": "class:hoc.op",
    "brace": "class:hoc.brace",
    "magic": "class:hoc.magic",
}

NAME_STYLE = {
    "keyword": "class:hoc.keyword",
    "section": "class:hoc.section",
    "builtin": "class:hoc.builtin",
    "mechanism": "class:hoc.mechanism",
    "rangevar": "class:hoc.rangevar",
    "objref": "class:hoc.objref",
    "template": "class:hoc.template",
    "proc": "class:hoc.proc",
    "strdef": "class:hoc.strdef",
}

STYLE = {
    "hoc.comment": "italic #7f8c8d",
    "hoc.string": "#2e9c4a",
    "hoc.number": "#d19a66",
    "hoc.arg": "#c678dd",
    "hoc.keyword": "bold #c678dd",
    "hoc.section": "bold #e5c07b",
    "hoc.builtin": "#61afef",
    "hoc.mechanism": "#56b6c2",
    "hoc.rangevar": "#56b6c2",
    "hoc.objref": "#e06c75",
    "hoc.template": "bold #e06c75",
    "hoc.proc": "#61afef",
    "hoc.strdef": "#98c379",
    "hoc.magic": "bold #d19a66",
    "bottom-toolbar": "noreverse bg:#222222 #bbbbbb",
    "bottom-toolbar.changed": "bg:#222222 bold #e5c07b",
    "bottom-toolbar.signature": "bg:#222222 #8fbcbb",
}


def classify_name(word: str, kinds: dict[str, str]) -> str | None:
    """Highlight class of an identifier given the session's name kinds."""
    if word in KEYWORDS:
        return "keyword"
    kind = kinds.get(word)
    if kind is None:
        return None
    cls = kind_class(kind)
    return cls if cls in NAME_STYLE else None


class HocLexer(Lexer):
    """prompt_toolkit lexer colouring HOC by token kind and by the session's symbol table."""

    def __init__(self, kinds: Callable[[], dict[str, str]]):
        self._kinds = kinds

    def lex_document(self, document: Document):
        kinds = self._kinds()
        lines: list[list[tuple[str, str]]] = [[]]
        for tok in tokenize(document.text):
            if tok.kind == "name":
                cls = classify_name(tok.text, kinds)
                style = NAME_STYLE.get(cls, "") if cls else ""
            else:
                style = STYLE_OF.get(tok.kind, "")
            parts = tok.text.split("\n")
            for i, part in enumerate(parts):
                if i:
                    lines.append([])
                if part:
                    lines[-1].append((style, part))

        def get_line(n: int):
            return lines[n] if n < len(lines) else []

        return get_line
