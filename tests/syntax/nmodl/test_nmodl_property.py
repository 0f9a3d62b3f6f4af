"""Garbage in, HocError out: random token soups and mutated real mod files either
parse and check, or fail with a HocError -- never another exception."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hocx.errors import HocError
from hocx.syntax.nmodl import parse_mod
from hocx.syntax.nmodl.check import check_mod

from nmodl_corpus_files import neuron_mods, shared_mods

VOCAB = [
    "NEURON", "SUFFIX", "POINT_PROCESS", "USEION", "na", "READ", "WRITE", "ena", "ina",
    "VALENCE", "RANGE", "GLOBAL", "NONSPECIFIC_CURRENT", "UNITS", "PARAMETER", "ASSIGNED",
    "STATE", "INITIAL", "BREAKPOINT", "SOLVE", "METHOD", "cnexp", "sparse", "DERIVATIVE",
    "KINETIC", "PROCEDURE", "FUNCTION", "LOCAL", "TABLE", "DEPEND", "FROM", "TO", "WITH",
    "if", "else", "while", "CONSERVE", "COMPARTMENT", "NET_RECEIVE", "WATCH", "VERBATIM",
    "ENDVERBATIM", "COMMENT", "ENDCOMMENT", "INCLUDE", '"x.inc"', "DEFINE", "m", "m'", "v",
    "x", "g", "exp", "rates", "states", "0", "1", "2.5", "1e-3", "-", "+", "*", "/", "^", "=",
    "==", "<", ">", "<=", "<->", "<<", "~", "(", ")", "{", "}", "[", "]", ",", "(mV)",
    "(mA/cm2)", "(faraday)", ":", "?", "\n", "\n", " ", "return 0;", "&&", "||", "!",
]

CORPUS = [p.read_text(errors="replace") for p in (shared_mods() + neuron_mods())[:30]]


def _run(text: str) -> None:
    try:
        check_mod(parse_mod(text, "fuzz.mod"))
    except HocError as e:
        assert e.span is None or e.span.line >= 1
        e.render()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(VOCAB), max_size=60))
def test_token_soup_only_hocerror(tokens):
    _run(" ".join(tokens))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_random_text_only_hocerror(text):
    _run(text)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_mods_only_hocerror(data):
    if not CORPUS:
        return
    text = data.draw(st.sampled_from(CORPUS))
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, max(len(text) - 1, 0)))
        op = data.draw(st.sampled_from(["delete", "insert", "swap"]))
        if op == "delete":
            j = data.draw(st.integers(i, min(i + 20, len(text))))
            text = text[:i] + text[j:]
        elif op == "insert":
            text = text[:i] + data.draw(st.sampled_from(VOCAB)) + text[i:]
        else:
            text = text[:i] + data.draw(st.sampled_from(VOCAB)) + text[i + 1:]
    _run(text)
