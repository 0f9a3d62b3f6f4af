"""The KINETIC rewrite (hocx.interp.nmodl.kinetic): nocmodl's equation order, CONSERVE rows,
linflag, its matrix and right-hand side (checked against what nocmodl 9.0.2 emits for the same
scheme) and the rate-text concatenation quirk."""
from __future__ import annotations

import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "sim"))
import kinetic_eval as ke  # noqa: E402

from hocx.interp.nmodl import kinetic as K  # noqa: E402
from hocx.syntax.nmodl.parser import parse_mod  # noqa: E402

REF = "/work/shared/reference/nmodl/mod"

# the scheme whose nocmodl output (x86_64/kt.cpp) the numbers below were read from
KT = """
NEURON { SUFFIX kt RANGE a, b }
PARAMETER { a = 0.1 b = 0.2 }
STATE { A B C D }
BREAKPOINT { SOLVE sch METHOD sparse }
KINETIC sch {
  ~ A <-> B (a + b, b - a)
  ~ 2 B + A <-> C (a, b)
  ~ C -> (a)
  ~ D << (a*D)
  CONSERVE A + B + 2C = 1
}
"""


def _rw(text, **kw):
    mod = parse_mod(text, "t.mod")
    return K.rewrite(ke.block(mod, "KINETIC"), ke.state_sizes(mod), **kw)


def _system(text, s, **params):
    kin, rw, _, _ = ke.kinetic_spec(text, np, params=params)
    out = kin.system(np, {}, {k: np.array([x]) for k, x in s.items()}, np.array([-65.0]),
                     {"dt": 0.025})
    flat = {k: np.array([np.broadcast_to(x, (1,))[0] for x in out[k]]) for k in K.KineticRewrite.outputs}
    return rw, flat


def test_nocmodls_order_and_conserve_rows_on_the_reference_mods():
    def unknowns(name):
        with open(os.path.join(REF, name + ".mod")) as f:
            text = f.read()
        mod = parse_mod(text, name + ".mod")
        return K.rewrite(ke.block(mod, "KINETIC"), ke.state_sizes(mod), text=text)
    kvm = unknowns("kvm")          # kvm.cpp: _slist1 = I C3 C2 C1 C0 O
    assert [u[0] for u in kvm.unknowns] == ["I", "C3", "C2", "C1", "C0", "O"]
    assert kvm.ncons == 1 and kvm.linflag
    cabuf = unknowns("cabuf")      # cabuf.cpp: CaB B cai, _linmat1 0
    assert [u[0] for u in cabuf.unknowns] == ["CaB", "B", "cai"]
    assert cabuf.ncons == 1 and not cabuf.linflag
    shell = unknowns("cashell")    # cashell.cpp: ca[0..3], _linmat1 1
    assert shell.unknowns == tuple(("ca", j) for j in range(4)) and shell.linflag
    assert shell.ncons == 0


def test_matrix_and_rhs_are_nocmodls():
    rw, f = _system(KT, {"A": 0.3, "B": 0.5, "C": 0.1, "D": 0.7})
    assert [u[0] for u in rw.unknowns] == ["C", "A", "B", "D"] and not rw.linflag
    # f_flux = a + b * A (text concatenation), b_flux = b - a * B; a*A*B*B; (a)*C; << a*D
    np.testing.assert_allclose(f["_kF"], [-0.0225, 0.0025, 0.035, 0.07], rtol=1e-12)
    J = f["_kJ"].reshape(4, 4)
    want = np.zeros((4, 4))
    want[1] = [-0.2, 0.3 + 0.025, -(0.2 - 0.1) + 0.1 * 2 * 0.3 * 0.5, 0]
    want[2] = [-2 * 0.2, -0.3 + 2 * 0.025, (0.2 - 0.1) + 2 * 0.03, 0]
    np.testing.assert_allclose(J, want, rtol=1e-12, atol=1e-15)   # row 0 (CONSERVE) and the
    # << flux row get no matrix terms, as in kt.cpp
    np.testing.assert_allclose(f["_kCJ"], [2, 1, 1, 0])
    assert f["_kC"][0] == pytest.approx(1 - 2 * 0.1 - 0.5 - 0.3, abs=1e-15)


def test_rate_text_concatenation_quirk_and_its_notice():
    rw, f = _system(KT, {"A": 0.3, "B": 0.5, "C": 0.1, "D": 0.7})
    assert any("NEURON multiplies only the last term" in n for n in rw.notices)
    wrapped = KT.replace("(a + b, b - a)", "((a + b), (b - a))")
    rw2, f2 = _system(wrapped, {"A": 0.3, "B": 0.5, "C": 0.1, "D": 0.7})
    assert not rw2.notices
    # forward flux (a+b)*A = 0.09, backward (b-a)*B = 0.05: net 0.04 instead of 0.01
    assert f2["_kF"][1] - f["_kF"][1] == pytest.approx(-(0.04 - 0.01), rel=1e-12)


def test_compartment_weights_conserve_and_is_evaluated_first():
    text = """
    NEURON { SUFFIX cb }
    PARAMETER { depth = 0.2 kon = 10 koff = 1 Btot = 0.05 }
    STATE { c B CaB }
    KINETIC k {
        COMPARTMENT depth {c B CaB}
        ~ c + B <-> CaB (kon*depth, koff*depth)
        CONSERVE B + CaB = Btot*depth
    }
    """
    rw, f = _system(text, {"c": 1e-3, "B": 0.04, "CaB": 0.01})
    assert [u[0] for u in rw.unknowns] == ["CaB", "B", "c"]
    np.testing.assert_allclose(f["_kV"], [0.2, 0.2, 0.2])
    np.testing.assert_allclose(f["_kCJ"], [0.2, 0.2, 0.0])
    assert f["_kC"][0] == pytest.approx(0.05 * 0.2 - 0.01 * 0.2 - 0.04 * 0.2, abs=1e-16)


def test_array_reactions_in_from_loops_and_indexed_compartment():
    text = """
    DEFINE N 3
    NEURON { SUFFIX sh }
    PARAMETER { Dc = 2 }
    ASSIGNED { diam }
    STATE { ca[N] }
    KINETIC k {
        COMPARTMENT j, diam*(j + 1) {ca}
        FROM j = 0 TO N - 2 {
            ~ ca[j] <-> ca[j + 1] (Dc, Dc)
        }
    }
    """
    kin, rw, _, _ = ke.kinetic_spec(text, np, params={"diam": 2.0})
    out = kin.system(np, {}, {"ca": np.array([[1.0], [0.5], [0.0]])}, np.zeros(1), {"dt": 1})
    flat = lambda xs: np.array([np.broadcast_to(x, (1,))[0] for x in xs])  # noqa: E731
    np.testing.assert_allclose(flat(out["_kV"]), [2, 4, 6])
    np.testing.assert_allclose(flat(out["_kF"]), [-1, 0, 1])
    J = flat(out["_kJ"]).reshape(3, 3)
    np.testing.assert_allclose(J, [[2, -2, 0], [-2, 4, -2], [0, -2, 2]])


@pytest.mark.parametrize("body, message", [
    ("~ B << (1)\n CONSERVE A + B = 1", "is conserved and has a flux"),
    ("~ A <-> B (1, 1)\n CONSERVE A + x = 1", r"only \(solved\) STATE"),
    ("x = 1", "no reactions"),
    ("~ ca <-> A (1, 1)", "needs an index"),
    ("~ A <-> B (1, 1)\n CONSERVE A + B = 1\n CONSERVE B = 1\n CONSERVE A = 1",
     "Failed to diagonalize"),
])
def test_schemes_nocmodl_refuses(body, message):
    text = f"""
    NEURON {{ SUFFIX bad }}
    ASSIGNED {{ x }}
    STATE {{ A B ca[2] }}
    KINETIC k {{
        {body}
    }}
    """
    with pytest.raises(K.KineticError, match=message) as e:
        _rw(text)
    assert e.value.span is not None


def test_linflag_follows_nocmodl():
    base = """
    NEURON {{ SUFFIX lf }}
    PARAMETER {{ k = 1 cao = 2 }}
    STATE {{ A B }}
    KINETIC s {{
        {r}
    }}
    """
    assert _rw(base.format(r="~ A <-> B (k, k)\n ~ A << (A*A)")).linflag       # << ignored
    assert not _rw(base.format(r="~ 2A <-> B (k, k)")).linflag
    # a non-state factor on a side with a state makes it "nonlinear" too (genmatterms)
    assert not _rw(base.format(r="~ A + cao <-> B (k, k)")).linflag
