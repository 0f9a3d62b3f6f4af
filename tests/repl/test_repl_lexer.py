"""The REPL's HOC tokenizer and highlighter."""
from __future__ import annotations

from prompt_toolkit.document import Document

from hocx.repl.highlight import HocLexer
from hocx.repl.lexer import brace_depth, looks_incomplete, tokenize


def test_tokens_cover_the_text():
    text = 'proc p() { print "a{b", $1 } // c {\n x = 1.5e3'
    toks = tokenize(text)
    assert "".join(t.text for t in toks) == text
    kinds = {t.text: t.kind for t in toks}
    assert kinds['"a{b"'] == "string" and kinds["$1"] == "arg" and kinds["1.5e3"] == "number"
    assert kinds["// c {"] == "comment"


def test_brace_depth_ignores_strings_and_comments():
    assert brace_depth('proc p() { print "}" // }\n') == 1
    assert brace_depth("/* { */ x = 1") == 0


def test_looks_incomplete():
    assert looks_incomplete("proc p() {\n")
    assert looks_incomplete("x = 1 + \\\n")
    assert looks_incomplete("begintemplate A\npublic x\n")
    assert looks_incomplete("/* open comment")
    assert not looks_incomplete("x = 1\n")
    assert not looks_incomplete("begintemplate A\nendtemplate A\n")


def test_highlighting_uses_symbol_kinds():
    lexer = HocLexer(lambda: {"soma": "sec", "sqrt": "bfunc", "vec": "obj", "hh": "mech"})
    get_line = lexer.lex_document(Document("soma insert hh\nx = sqrt(2) // r"))
    first = dict((text, style) for style, text in get_line(0))
    assert first["soma"] == "class:hoc.section"
    assert first["insert"] == "class:hoc.keyword"
    assert first["hh"] == "class:hoc.mechanism"
    second = dict((text, style) for style, text in get_line(1))
    assert second["sqrt"] == "class:hoc.builtin" and second["2"] == "class:hoc.number"
    assert second["// r"] == "class:hoc.comment"
    assert second["x"] == ""
