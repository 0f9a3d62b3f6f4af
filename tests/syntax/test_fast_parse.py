"""The fast parse path (hocx.syntax.lalr / fastnew / streaming items) gives lark's results.

Speed itself is measured by benchmarks/parse_speed.py, never asserted here.
"""
from __future__ import annotations

import dataclasses

import pytest
from lark import Token
from lark.exceptions import UnexpectedToken

from hocx.errors import HocSyntaxError, Span
from hocx.syntax import ast as A
from hocx.syntax import fastnew
from hocx.syntax import parser as P
from hocx.syntax.lexer import tokenize


def dump(x):
    if dataclasses.is_dataclass(x):
        return (type(x).__name__,) + tuple(dump(getattr(x, f.name)) for f in dataclasses.fields(x))
    if isinstance(x, (list, tuple)):
        return tuple(dump(y) for y in x)
    return (type(x).__name__, x)


class Kinds(P.NoSymbols):
    KINDS = {"o": "obj", "s": "str", "soma": "sec", "dend": "secarray", "f": "func",
             "p": "proc", "sin": "bfunc", "printf": "bfunc", "Vector": "template",
             "diam": "range", "L": "secprop", "v": "range", "a": "array"}

    def kind_of(self, name):
        return self.KINDS.get(name)

    def is_mechanism(self, name):
        return name in ("hh", "pas")


SOURCES = [
    "x = 1 + 2 * 3 - 4 / 5 % 6 ^ 7\n",
    "x = -(y + 1) * !z && a[1][2] || b >= c\n",
    "o = new Vector(10)  o.x[3] = 2  print o.size(), o.x[3]\n",
    "proc q() { local i, j\n  for i = 0, $1 { j += i }\n  if (j > 2) { return } else print j\n}\n",
    "func g() { return sin($1) + $&2[0] }\n",
    "for (i = 0; i < 3; i += 1) { if (i == 1) continue  x = x + i }\n",
    "soma { insert hh  diam = 3  L = 10 }\n",
    "dend[2] diam(0:1) = 2:1\n",
    "forall { v = -65 }  soma.diam(0.5) = 4\n",
    's = "a\\tb"  printf("%s %g\\n", s, 3)\n',
    "create soma, dend[3]\nobjref o, oo[2]\ndouble w[4][2]\nstrdef t, u\n",
    "begintemplate C\npublic f\nproc init() { }\nendtemplate C\n",
    "x = 1 +\n",                     # unexpected end of line
    "x = ) 1\n",                     # bad token early
    "1 = 2\n",                       # not an lvalue (raised by a callback)
    "if (x) {\n  y = 1\n",           # unexpected end of input
    "x = 1 y = 2\n",                 # two statements on one top-level line
    "\n\n   \n",
]


def _items(text):
    lines = text.split("\n")
    sym = Kinds()
    return [P.classify(it, sym, "t.hoc", lines) for it in P.split_items(tokenize(text, "t.hoc"))], lines


def _outcome(fn, toks):
    try:
        return dump(fn(toks))
    except UnexpectedToken as e:
        return ("unexpected", e.token.type, e.token.line, e.token.column)
    except HocSyntaxError as e:
        return ("error", e.message, dump(e.span))


@pytest.mark.parametrize("text", SOURCES)
def test_fast_driver_matches_larks_own_loop(text):
    items, lines = _items(text)
    P._BUILDER.origin, P._BUILDER.lines = "t.hoc", lines
    lark_parse, fast = P.lark_parser().parse, P.fast_parse()
    for toks in items:
        assert _outcome(fast, list(toks)) == _outcome(lark_parse, list(toks))


@pytest.mark.parametrize("text", [s for s in SOURCES if "\n" in s])
def test_streaming_items_match_whole_item_parsing(text):
    items, lines = _items(text)

    def whole():
        out = []
        for toks in items:
            try:
                out.append(dump(P.parse_tokens(toks, "t.hoc", lines)))
            except HocSyntaxError as e:
                out.append(("error", e.message, dump(e.span), e.hint, e.incomplete))
                break
        return out

    def streamed():
        out = []
        try:
            for node in P.parse_items(text, "t.hoc", Kinds()):
                out.append(dump(node))
        except HocSyntaxError as e:
            out.append(("error", e.message, dump(e.span), e.hint, e.incomplete))
        return out

    assert streamed() == whole()


def test_parse_error_before_a_later_tokenizer_error_wins_as_in_nrniv():
    # nrniv: "syntax error" at the ')' (its yacc reads tokens one at a time)
    for text, col in (('x = ) 1 + "abc\n', 5), ("x = 1 + ) $0\n", 9)):
        with pytest.raises(HocSyntaxError) as e:
            list(P.parse_items(text, "t.hoc"))
        assert e.value.message == "syntax error" and e.value.span.col == col


def test_a_bad_token_early_in_a_long_line_stops_tokenizing_there():
    text = "x = ) " + "1 + " * 100_000 + "1\n"
    pulled = 0

    def counting():
        nonlocal pulled
        for tok in tokenize(text, "t.hoc"):
            pulled += 1
            yield tok

    with pytest.raises(HocSyntaxError) as e:
        for _ in P.parse_stream(counting(), P.NoSymbols(), "t.hoc", text.split("\n")):
            pass
    assert e.value.span.col == 5
    assert pulled < 10


def test_parse_stream_gives_each_items_last_token():
    text = "x = 1\nproc p() {\n  y = 2\n}\nz = 3"
    lasts = [(last.type, last.line) for _node, last in
             P.parse_stream(tokenize(text, "t.hoc"), P.NoSymbols(), "t.hoc", text.split("\n"))]
    assert lasts == [("NL", 1), ("NL", 4), ("NL", 5)]


@pytest.mark.parametrize("text", ["é = 1\n", "x = ²\n", "x = .²\n"])
def test_non_ascii_letters_and_digits_are_syntax_errors(text):
    with pytest.raises(HocSyntaxError, match="unexpected character"):
        list(tokenize(text, "t.hoc"))


def test_unicode_decimal_digits_still_read_as_numbers():
    toks = list(tokenize("x = 1\u0663\n", "t.hoc"))       # ARABIC-INDIC DIGIT THREE
    assert toks[2].type == "NUMBER" and toks[2].value == 13.0


def test_fast_token_is_larks_token():
    a = fastnew.make_token("NUMBER", 1.5, 2, 3, 2, 6, 10)
    b = Token("NUMBER", 1.5, start_pos=10, line=2, column=3, end_line=2, end_column=6, end_pos=10)
    assert type(a) is Token and a == b and str(a) == str(b)
    assert [getattr(a, s) for s in Token.__slots__] == [getattr(b, s) for s in Token.__slots__]


def test_fast_span_is_a_span():
    a, b = fastnew.make_span("f.hoc", 1, 2, 3, 4), Span("f.hoc", 1, 2, 3, 4)
    assert type(a) is Span and a == b and hash(a) == hash(b) and repr(a) == repr(b)
    assert fastnew.make_span("f", 0, 0) == Span("f", 0, 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.line = 5


def test_node_factory_builds_the_dataclass_itself():
    sp = Span("f", 1, 1, 1, 2)
    make = fastnew.node_factory(A.BinOp, "span", "op", "left", "right")
    assert make is not A.BinOp
    n = A.Num(sp, 1.0)
    a, b = make(sp, "+", n, n), A.BinOp(sp, "+", n, n)
    assert type(a) is A.BinOp and dump(a) == dump(b) and vars(a) == vars(b)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.op = "-"


def test_node_factory_falls_back_when_the_class_is_not_plain():
    @dataclasses.dataclass(frozen=True)
    class Checked:
        span: Span
        value: float

        def __post_init__(self):
            raise ValueError

    assert fastnew.node_factory(Checked, "span", "value") is Checked
    assert fastnew.node_factory(A.Num, "span", "wrong") is A.Num
