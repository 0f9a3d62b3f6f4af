"""NMODL ``RANDOM`` variables (NEURON 9's Random123 streams, hocx.interp.random123):
the random_* functions against a scalar nrnran123 reference, and the checker's errors."""
from __future__ import annotations

import math

import numpy as np
import pytest

from hocx.interp.builtins.random import Random123Stream
from hocx.interp.nmodl import LEGACY_RANDOM, translate
from hocx.syntax.nmodl.check import NmodlError

MOD = """
NEURON { ARTIFICIAL_CELL Rnd  RANDOM r  RANGE x }
PARAMETER { x = 0 }
FUNCTION u() { u = random_uniform(r) }
FUNCTION ab(a, b) { ab = random_uniform(r, a, b) }
FUNCTION e(m) { e = random_negexp(r, m) }
FUNCTION nrm() { nrm = random_normal(r) }
FUNCTION nms(mu, s) { nms = random_normal(r, mu, s) }
FUNCTION ip() { ip = random_ipick(r) }
FUNCTION dp() { dp = random_dpick(r) }
FUNCTION branch(c) {
    if (c > 0) { branch = random_negexp(r) } else { branch = -1 }
}
PROCEDURE ids(a, b, c) { random_setids(r, a, b, c)  random_setseq(r, 0) }
PROCEDURE seq(s) { random_setseq(r, s) }
NET_RECEIVE (w) { }
"""


@pytest.fixture(scope="module")
def rnd():
    return translate("rnd.mod", MOD)


class Ref:
    """nrnran123 on the scalar Random123 reference."""

    def __init__(self, ids):
        self.s = Random123Stream(*ids)

    def dbl(self):
        return self.s.next_double()

    def normal(self):
        while True:
            u1, u2 = 2.0 * self.dbl() - 1.0, 2.0 * self.dbl() - 1.0
            w = u1 * u1 + u2 * u2
            if not w > 1:
                break
        return u1 * math.sqrt((-2.0 * math.log(w)) / w)


def _call(t, st, name, *args):
    res, out = t.call(name, list(args), st)
    st.update({k: out[k] for k in st})
    return float(np.asarray(res).reshape(-1)[0])


def test_random_functions_draw_nrnran123s_values(rnd):
    assert rnd.spec.randoms == ("r",)
    st = {"r__seq": 0.0, "r__id1": 5.0, "r__id2": 6.0, "r__id3": 7.0}
    ref = Ref((5, 6, 7))
    got = [_call(rnd, st, "u"), _call(rnd, st, "ab", 2.0, 5.0), _call(rnd, st, "e", 3.0),
           _call(rnd, st, "nrm"), _call(rnd, st, "nms", 1.0, 0.5), _call(rnd, st, "ip"),
           _call(rnd, st, "dp"), _call(rnd, st, "branch", 1.0), _call(rnd, st, "branch", -1.0)]
    want = [ref.dbl(), 2.0 + ref.dbl() * 3.0, -math.log(ref.dbl()) * 3.0, ref.normal(),
            1.0 + ref.normal() * 0.5, float(ref.s.next_u32()), ref.dbl(), -math.log(ref.dbl()), -1.0]
    assert got == want
    assert st["r__seq"] == 4 * ref.s.seq + ref.s.which     # the branch not taken drew nothing
    _call(rnd, st, "ids", 1.0, 2.0, 3.0)
    assert [st[k] for k in ("r__id1", "r__id2", "r__id3", "r__seq")] == [1.0, 2.0, 3.0, 0.0]
    _call(rnd, st, "seq", 9.0)
    s123 = Random123Stream(1, 2, 3)
    assert _call(rnd, st, "u") == [s123.next_double() for _ in range(10)][9]


def test_random_functions_vectorised_per_instance(rnd):
    st = {"r__seq": np.array([0.0, 3.0]), "r__id1": np.array([1.0, 8.0]),
          "r__id2": np.zeros(2), "r__id3": np.array([2.0, 9.0])}
    res, out = rnd.call("e", [1.0], st)
    a, b = Random123Stream(1, 0, 2), Random123Stream(8, 0, 9)
    for _ in range(3):
        b.next_double()
    assert list(res) == [-math.log(a.next_double()), -math.log(b.next_double())]
    assert list(out["r__seq"]) == [1.0, 4.0]


def test_stream_is_carried_and_legacy_procedures():
    t = translate("ns.mod", MOD.replace("NET_RECEIVE (w) { }", """
PROCEDURE noiseFromRandom123() {
VERBATIM
    nrnran123_setids(r, 1, 2, 3);
ENDVERBATIM
}
NET_RECEIVE (w) { x = random_uniform(r) }"""))
    names = {v.name: v for v in t.spec.variables}
    assert all(names[k].stepped and not names[k].visible
               for k in ("r__seq", "r__id1", "r__id2", "r__id3"))
    assert t.functions["noiseFromRandom123"][0] == LEGACY_RANDOM


@pytest.mark.parametrize("body, msg", [
    ("FUNCTION f() { f = r + 1 }", "RANDOM variable r is not a number"),
    ("FUNCTION f() { f = random_negexp(x) }", "first argument must be a RANDOM variable"),
    ("FUNCTION f() { f = random_uniform(r, 1) }", "takes 1 or 3 arguments"),
    ("PROCEDURE noiseFromRandom123() {\nVERBATIM\n return 1;\nENDVERBATIM\n x = 1 }",
     "VERBATIM C code cannot be translated"),
    ("PROCEDURE other() {\nVERBATIM\n nrnran123_setseq(r, 0, 0);\nENDVERBATIM\n}",
     "VERBATIM C code cannot be translated"),
])
def test_checker_errors(body, msg):
    text = "NEURON { ARTIFICIAL_CELL Bad  RANDOM r  RANGE x }\nPARAMETER { x = 0 }\n" + body + \
        "\nNET_RECEIVE (w) { }\n"
    with pytest.raises(NmodlError, match=msg):
        translate("bad.mod", text)
