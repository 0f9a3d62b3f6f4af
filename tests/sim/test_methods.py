"""The integrator's methods (hocx.sim.methods): cnexp as nocmodl writes it, euler, and the
method a spec names is the one that runs."""
from __future__ import annotations

import numpy as np
import pytest

from hocx.errors import ModelError
from hocx.sim import methods
from hocx.spec import A, Kind, MechSpec, P, S
from hocx.interp.stdlib_mods import StdlibMod

HH_MOD = StdlibMod("hh")            # the built-in hh: stdlib/hh.mod, translated
HH = HH_MOD.spec
ENV = {"dt": 0.025, "usetable": False, "celsius": 6.3}
PAR = {"gnabar": 0.12, "gkbar": 0.036, "gl": 0.0003, "el": -54.3, "ena": 50.0, "ek": -77.0}


def _rates_exact(v):
    """(minf, mtau, hinf, htau, ninf, ntau) from hh.mod's PROCEDURE rates, table off."""
    _, st = HH_MOD.call("rates", [v], {}, {"celsius": 6.3, "usetable": False})
    return tuple(st[k] for k in ("minf", "mtau", "hinf", "htau", "ninf", "ntau"))


def _nocmodl_hh(x, xinf, xtau, dt):
    """The literal expression nocmodl emits in hh.c."""
    return x + (1. - np.exp(dt * ((-1.0) / xtau))) * (-(xinf / xtau) / ((-1.0) / xtau) - x)


def test_hh_cnexp_is_bit_for_bit_nocmodl():
    rng = np.random.default_rng(1)
    v = rng.uniform(-90, 40, 500)
    s = {k: rng.uniform(0, 1, 500) for k in ("m", "h", "n")}
    got = methods.stepper(HH)(np, PAR, s, v, ENV)
    rates = _rates_exact(v)
    for k, (xinf, xtau) in zip(("m", "h", "n"), (rates[0:2], rates[2:4], rates[4:6])):
        assert np.array_equal(got[k], _nocmodl_hh(s[k], xinf, xtau, ENV["dt"]))


def test_hh_coefficients_agree_with_its_derivative():
    v = np.linspace(-100, 60, 50)
    s = {k: np.full(50, 0.3) for k in ("m", "h", "n")}
    ab = HH.cnexp_coeffs(np, PAR, s, v, ENV)
    d = HH.derivative(np, PAR, s, v, ENV)
    for k, (a, b) in ab.items():
        np.testing.assert_allclose(a + b * s[k], d[k], rtol=1e-12, atol=1e-12)


def test_cnexp_is_exact_for_a_linear_equation():
    a, b, x0, dt = 0.3, -2.0, 1.5, 0.1
    want = -a / b + (x0 + a / b) * np.exp(b * dt)
    assert methods.cnexp(np, x0, a, b, dt) == pytest.approx(want, rel=1e-14)


def _decay(method: str) -> MechSpec:
    """x' = -x/tau with a current i = 0 (a state-only density mechanism)."""
    def current(xp, p, s, v, t, env):
        return 0.0 * v, {"i": 0.0 * v}

    return MechSpec("decay", Kind.DENSITY, (P("tau", 2.0, "ms"), A("i"), S("x")),
                    current=current, method=method,
                    derivative=lambda xp, p, s, v, env: {"x": -s["x"] / p["tau"]},
                    cnexp_coeffs=lambda xp, p, s, v, env: {"x": (0.0 * v, -1.0 / p["tau"])})


def test_the_named_method_runs():
    p, s, v = {"tau": np.array([2.0])}, {"x": np.array([1.0])}, np.array([-65.0])
    eu = methods.stepper(_decay("euler"))(np, p, s, v, {"dt": 0.1})["x"]
    cn = methods.stepper(_decay("cnexp"))(np, p, s, v, {"dt": 0.1})["x"]
    assert eu[0] == pytest.approx(1.0 - 0.1 / 2.0, rel=1e-15)
    assert cn[0] == pytest.approx(np.exp(-0.05), rel=1e-14)
    assert eu[0] != cn[0]


def test_an_unsupported_method_is_a_clear_error():
    with pytest.raises(ModelError, match="METHOD sparse"):
        methods.stepper(_decay("sparse"))


def test_a_spec_gives_an_update_or_a_method_not_both():
    with pytest.raises(ModelError, match="not both"):
        MechSpec("bad", Kind.DENSITY, (S("x"),), method="cnexp",
                 derivative=lambda xp, p, s, v, env: s, update=lambda xp, p, s, v, env: s)
    with pytest.raises(ModelError, match="needs the state derivatives"):
        MechSpec("bad", Kind.DENSITY, (S("x"),), method="euler")
