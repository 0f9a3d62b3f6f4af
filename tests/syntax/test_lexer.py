"""The tokenizer: numbers, strings, comments, continuation, newline tokens."""
from __future__ import annotations

import pytest

from hocx.errors import HocSyntaxError
from hocx.syntax.lexer import tokenize


def kinds(text: str) -> list[str]:
    return [t.type for t in tokenize(text)]


def values(text: str) -> list:
    return [t.value for t in tokenize(text) if t.type != "NL"]


def test_numbers():
    assert values("1 2.5 .5 2.e3 1e-2 007 1e") == [1.0, 2.5, 0.5, 2000.0, 0.01, 7.0, 1.0]


def test_number_running_into_name_is_an_error():
    with pytest.raises(HocSyntaxError) as e:
        list(tokenize("x = 3x"))
    assert (e.value.span.line, e.value.span.col) == (1, 6)


def test_string_escapes():
    assert values(r'"a\tb\nc\"d\\e\qf"') == ['a\tb\nc"d\\eqf']


def test_unterminated_string_is_incomplete_only_at_eof():
    with pytest.raises(HocSyntaxError) as e:
        list(tokenize('print "abc'))
    assert e.value.incomplete
    with pytest.raises(HocSyntaxError) as e:
        list(tokenize('print "abc\nx = 1\n'))
    assert not e.value.incomplete
    assert e.value.message == "missing quote"


def test_comments():
    assert kinds("x = 1 // note\n") == ["NAME", "ASSIGN", "NUMBER", "NL"]
    assert values("1/**/+2") == [1.0, "+", 2.0]
    toks = list(tokenize("/* a\nb */ x\n"))
    assert toks[0].type == "NAME" and toks[0].line == 2


def test_line_continuation_joins_lines():
    toks = list(tokenize("x = 1 + \\\n 2\n"))
    assert [t.type for t in toks] == ["NAME", "ASSIGN", "NUMBER", "PLUS", "NUMBER", "NL"]
    assert toks[-2].line == 2


def test_keywords_members_and_dollars():
    toks = list(tokenize("proc p() { $1 $o2 $s3 $&4 $i o.proc }"))
    types = [t.type for t in toks]
    assert types[:2] == ["K_PROC", "NAME"]
    assert "DOLLAR" in types and "DOLLAR_O" in types and "DOLLAR_S" in types and "DOLLAR_P" in types
    assert toks[-3].type == "MEMBER" and toks[-3].value == "proc"


def test_two_char_operators():
    assert kinds("a&&b||c==d!=e<=f>=g+=h-=i*=j/=k")[1::2][:10] == [
        "AND", "OR", "EQ", "NE", "LE", "GE", "ADDEQ", "SUBEQ", "MULEQ", "DIVEQ"]


def test_positions_are_one_based():
    toks = list(tokenize("x\n  yy = 3\n"))
    y = toks[2]
    assert (y.line, y.column, y.end_column) == (2, 3, 5)


def test_crlf_and_eof_newline():
    assert kinds("x = 1\r\ny = 2") == ["NAME", "ASSIGN", "NUMBER", "NL", "NAME", "ASSIGN", "NUMBER", "NL"]


def test_sectionlist_keyword_only_in_hx():
    assert kinds("sectionlist sl")[0] == "NAME"
    assert [t.type for t in tokenize("sectionlist sl", hx=True)][0] == "K_SECTIONLIST"


def test_bad_dollar():
    with pytest.raises(HocSyntaxError):
        list(tokenize("$0"))
