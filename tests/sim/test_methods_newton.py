"""METHOD sparse / derivimplicit and STEADYSTATE sparse (hocx.sim.methods + hocx.sim.newton):
closed forms, numpy == jax (jit), gradients through the Newton solve vs finite differences,
and non-convergence reported."""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import hocx.sim  # noqa: F401  (float64 jax)
import kinetic_eval as ke
from hocx.errors import NumericalError
from hocx.sim import methods, newton
from hocx.spec import Kind, MechSpec, S
from hocx.spec.kinetic import KineticSpec, derivative_of

DT = 0.025

TWO = """
NEURON { SUFFIX two }
PARAMETER { kf = 2 kb = 0.5 }
STATE { A B }
BREAKPOINT { SOLVE s METHOD sparse }
KINETIC s {
    ~ A <-> B (kf, kb)
    CONSERVE A + B = 1
}
"""

BIND = """
NEURON { SUFFIX bind }
PARAMETER { kf = 30 kb = 2 }
STATE { A B C }
BREAKPOINT { SOLVE s METHOD sparse }
KINETIC s {
    ~ A + B <-> C (kf, kb)
    CONSERVE A + C = 1
    CONSERVE B + C = 1
}
"""

BUF = """
NEURON { SUFFIX buf }
PARAMETER { depth = 0.2 Btot = 0.05 kon = 100 koff = 0.1 taur = 20 cainf = 5e-5 gin = 2e-6 }
STATE { c B CaB }
BREAKPOINT { SOLVE buf METHOD sparse }
KINETIC buf {
    COMPARTMENT depth {c B CaB}
    ~ c << (gin*(v + 70)*(v + 70)*depth)
    ~ c << (-(c - cainf)*depth/taur)
    ~ c + B <-> CaB (kon*depth, koff*depth)
    CONSERVE B + CaB = Btot*depth
}
"""

POOL = """
NEURON { SUFFIX pool }
PARAMETER { vmax = 1e-3 kd = 1e-3 taur = 50 cinf = 5e-5 gin = 2e-5 }
ASSIGNED { influx }
STATE { c w }
DERIVATIVE conc {
    influx = gin*(v + 60)
    if (influx < 0) { influx = 0 }
    c' = influx - vmax*c/(c + kd) + vmax*cinf/(cinf + kd) + (cinf - c)/taur
    w' = (c*c/(c*c + 1e-6) - w)/5
}
"""


def _kin(text, xp, names, **params):
    kin, rw, _, _ = ke.kinetic_spec(text, xp, params=params)
    return MechSpec("m", Kind.DENSITY, tuple(S(n) for n in names), method="sparse",
                    derivative=derivative_of(kin), kinetic=kin, initial_solve="sparse"), rw


def _dimp(text, xp, names, **params):
    deriv, _ = ke.derivative_fn(text, xp, params=params, assigned=("influx",))
    return MechSpec("m", Kind.DENSITY, tuple(S(n) for n in names), method="derivimplicit",
                    derivative=deriv)


# ------------------------------------------------------------------ closed forms
def test_linear_scheme_is_one_exact_backward_euler_step():
    mech, rw = _kin(TWO, np, ("A", "B"))
    assert rw.linflag
    A0 = np.array([0.9, 0.2, 0.5])
    s = {"A": A0, "B": 1 - A0}
    got = methods.stepper(mech)(np, {}, s, np.zeros(3), {"dt": 0.3})
    # (A - A0)/dt = -kf A + kb (1 - A)
    want = (A0 + 0.3 * 0.5) / (1 + 0.3 * (2 + 0.5))
    np.testing.assert_allclose(got["A"], want, rtol=1e-14)
    np.testing.assert_allclose(got["A"] + got["B"], 1.0, rtol=1e-15)


def test_nonlinear_scheme_converges_to_the_backward_euler_root():
    mech, rw = _kin(BIND, np, ("A", "B", "C"))
    assert not rw.linflag and rw.ncons == 2
    C0 = np.array([0.0, 0.3, 0.9])
    s = {"A": 1 - C0, "B": 1 - C0, "C": C0}
    dt = 0.05
    got = methods.stepper(mech)(np, {}, s, np.zeros(3), {"dt": dt})
    C = got["C"]
    # (C - C0)/dt = kf (1-C)^2 - kb C, solved exactly
    a, b, c = 30 * dt, -(2 * 30 * dt + 2 * dt + 1), 30 * dt + C0
    want = (-b - np.sqrt(b * b - 4 * a * c)) / (2 * a)
    np.testing.assert_allclose(C, want, rtol=1e-9)
    np.testing.assert_allclose(got["A"] + C, 1.0, rtol=1e-14)


def test_steadystate_of_a_nonlinear_scheme_with_two_conserves():
    mech, _ = _kin(BIND, np, ("A", "B", "C"))
    s0 = {"A": np.zeros(2), "B": np.zeros(2), "C": np.zeros(2)}
    got = methods.steadystate(mech)(np, {}, s0, np.zeros(2), {"dt": DT})
    # kf (1-C)^2 = kb C
    a, b, c = 30.0, -(60.0 + 2.0), 30.0
    want = (-b - np.sqrt(b * b - 4 * a * c)) / (2 * a)
    np.testing.assert_allclose(got["C"], want, rtol=1e-8)
    np.testing.assert_allclose(got["A"], 1 - want, rtol=1e-8)


def test_derivimplicit_closed_forms():
    lin = MechSpec("m", Kind.DENSITY, (S("x"),), method="derivimplicit",
                   derivative=lambda xp, p, s, v, env: {"x": -3.0 * s["x"]})
    x0 = np.array([1.0, -2.0, 1e-3])
    got = methods.stepper(lin)(np, {}, {"x": x0}, np.zeros(3), {"dt": 0.1})["x"]
    np.testing.assert_allclose(got, x0 / 1.3, rtol=1e-12)
    quad = MechSpec("m", Kind.DENSITY, (S("x"),), method="derivimplicit",
                    derivative=lambda xp, p, s, v, env: {"x": -s["x"] * s["x"]})
    x0 = np.array([0.5, 2.0, 10.0])
    got = methods.stepper(quad)(np, {}, {"x": x0}, np.zeros(3), {"dt": 0.1})["x"]
    # scopmath stops at a relative change <= 1e-6 with a Jacobian kept from an earlier
    # iteration (rebuilt only while the change exceeds 0.05): about 1e-9 off the root
    want = (-1 + np.sqrt(1 + 0.4 * x0)) / 0.2
    np.testing.assert_allclose(got, want, rtol=1e-8)
    assert np.max(np.abs(got / want - 1)) > 1e-12          # ... and not closer: NEURON's stop


def test_derivimplicit_jacobian_is_scopmaths_finite_difference():
    g = lambda x: np.stack([x[0] ** 3 + x[1], np.sin(x[1])])  # noqa: E731
    x = np.array([[2.0, 0.0], [1e-9, 0.5]])
    J, xr = newton._fd_jacobian(np, g, x)
    h0 = np.maximum(np.abs(0.02 * x[0]), 1e-6)
    hi, lo = x.copy(), x.copy()
    hi[0] = x[0] + h0
    lo[0] = (x[0] + h0) - 2.0 * h0
    np.testing.assert_array_equal(J[:, 0], (g(hi) - g(lo)) / (2.0 * h0))
    assert J[0, 0, 0] == pytest.approx(12.0, rel=1e-3) and J[1, 1, 1] == pytest.approx(
        np.cos(0.5), rel=1e-3)
    # the perturbed state comes back as scopmath leaves it, round-off included
    h1 = np.maximum(np.abs(0.02 * x[1]), 1e-6)
    np.testing.assert_array_equal(xr[1], ((x[1] + h1) - 2.0 * h1) + h1)
    assert xr[1, 0] != x[1, 0]


# ------------------------------------------------------------------ numpy == jax, gradients
def _random_buf(n, seed=0):
    rng = np.random.default_rng(seed)
    s = {"c": rng.uniform(1e-5, 1e-2, n), "B": rng.uniform(0, 0.01, n)}
    s["CaB"] = 0.01 - s["B"]
    return s, rng.uniform(-80, 20, n)


@pytest.mark.parametrize("which", ["buf", "two", "pool"])
def test_jit_matches_numpy(which):
    if which == "pool":
        mn, mj = _dimp(POOL, np, ("c", "w")), _dimp(POOL, jnp, ("c", "w"))
        rng = np.random.default_rng(2)
        s, v = {"c": rng.uniform(1e-5, 1e-2, 40), "w": rng.uniform(0, 1, 40)}, \
            rng.uniform(-80, 20, 40)
    elif which == "buf":
        (mn, _), (mj, _) = _kin(BUF, np, ("c", "B", "CaB")), _kin(BUF, jnp, ("c", "B", "CaB"))
        s, v = _random_buf(40)
    else:
        (mn, _), (mj, _) = _kin(TWO, np, ("A", "B")), _kin(TWO, jnp, ("A", "B"))
        a = np.linspace(0, 1, 40)
        s, v = {"A": a, "B": 1 - a}, np.zeros(40)
    want, extras = methods.solver(mn)(np, {}, s, v, {"dt": DT})
    f = jax.jit(lambda s, v: methods.solver(mj)(jnp, {}, s, v, {"dt": DT}))
    got, gextras = f({k: jnp.asarray(x) for k, x in s.items()}, jnp.asarray(v))
    for k in s:
        np.testing.assert_allclose(np.asarray(got[k]), want[k], rtol=1e-12, atol=1e-18)
    for k in extras:
        np.testing.assert_allclose(np.asarray(gextras[k]), extras[k], rtol=1e-12)


def _scan_run(mech, xp, s, v, pname, nstep):
    solve = methods.solver(mech)

    def f(val):
        def body(st, _):
            new, _ = solve(jnp, {pname: val}, st, v, {"dt": DT})
            return new, None
        st, _ = jax.lax.scan(body, {k: jnp.asarray(x) for k, x in s.items()}, None,
                             length=nstep)
        return st
    return f


@pytest.mark.parametrize("which, pname, p0, out", [
    ("buf", "kon", 100.0, "c"),
    ("two", "kf", 2.0, "A"),
    ("pool", "vmax", 1e-3, "c"),
])
def test_gradient_through_the_newton_solve_matches_finite_differences(which, pname, p0, out):
    if which == "buf":
        mech, _ = _kin(BUF, jnp, ("c", "B", "CaB"))
        s, v = _random_buf(3, seed=4)
        v = jnp.full(3, -10.0)
    elif which == "two":
        mech, _ = _kin(TWO, jnp, ("A", "B"))
        s, v = {"A": np.array([0.9, 0.1]), "B": np.array([0.1, 0.9])}, jnp.zeros(2)
    else:
        mech = _dimp(POOL, jnp, ("c", "w"))
        s, v = {"c": np.array([5e-5, 2e-3]), "w": np.array([0.0, 0.5])}, jnp.array([-20.0, 0.0])
    run = _scan_run(mech, jnp, s, v, pname, 30)
    loss = jax.jit(lambda val: jnp.sum(run(val)[out]))
    g = float(jax.grad(loss)(p0))
    eps = 1e-4 * p0
    fd = (float(loss(p0 + eps)) - float(loss(p0 - eps))) / (2 * eps)
    assert g != 0.0
    assert abs(g - fd) <= 1e-5 * abs(fd), (g, fd)


# ------------------------------------------------------------------ failures are not silent
def _no_root():
    # x - x0 = dt (1 + x^2) has no real root for dt = 1, x0 = 1
    return MechSpec("m", Kind.DENSITY, (S("x"),), method="derivimplicit",
                    derivative=lambda xp, p, s, v, env: {"x": 1.0 + s["x"] * s["x"]})


def test_non_convergence_raises_on_the_host():
    with pytest.raises(NumericalError, match="did not converge"):
        methods.stepper(_no_root())(np, {}, {"x": np.array([1.0])}, np.zeros(1), {"dt": 1.0})


def test_sparse_non_convergence_keeps_the_last_iterate_and_warns():
    # NEURON ignores sparse_thread's EXCEED_ITERS (the values are kept); hocx warns
    mech, _ = _kin(BIND, np, ("A", "B", "C"), kf=float("nan"))
    s = {"A": np.ones(1), "B": np.ones(1), "C": np.zeros(1)}
    with pytest.warns(newton.NewtonWarning, match="KINETIC s"):
        got = methods.stepper(mech)(np, {}, s, np.zeros(1), {"dt": DT})
    assert np.isnan(got["C"][0])
    mj, _ = _kin(BIND, jnp, ("A", "B", "C"), kf=float("nan"))
    f = jax.jit(lambda s: methods.stepper(mj)(jnp, {}, s, jnp.zeros(1), {"dt": DT}))
    with pytest.warns(newton.NewtonWarning, match="did not converge"):
        out = f({k: jnp.asarray(x) for k, x in s.items()})
        jax.block_until_ready(out)
        jax.effects_barrier()
    good, _ = _kin(BIND, jnp, ("A", "B", "C"))
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error", newton.NewtonWarning)
        jax.block_until_ready(jax.jit(lambda s: methods.stepper(good)(
            jnp, {}, s, jnp.zeros(1), {"dt": DT}))({k: jnp.asarray(x) for k, x in s.items()}))
        jax.effects_barrier()


def test_non_convergence_is_nan_in_compiled_code():
    # dt = 0.2: no root for x0 = 2, one for x0 = 0.01
    f = jax.jit(lambda x: methods.stepper(_no_root())(jnp, {}, {"x": x}, jnp.zeros(2),
                                                      {"dt": 0.2})["x"])
    got = np.asarray(f(jnp.array([2.0, 0.01])))
    assert np.isnan(got[0]) and np.isfinite(got[1])


def test_a_kinetic_spec_drives_the_solver_without_the_translator():
    # a hand-written KineticSpec: A <-> B with rates 1 and 0 (A decays into B), no CONSERVE
    def system(xp, p, s, v, env):
        return {"_kF": [-s["A"], s["A"]], "_kJ": [1.0, 0.0, -1.0, 0.0], "_kV": [1.0, 1.0],
                "_kC": [0.0], "_kCJ": [0.0, 0.0]}
    kin = KineticSpec((("A", None), ("B", None)), system, 0, True, "hand")
    mech = MechSpec("m", Kind.DENSITY, (S("A"), S("B")), method="sparse",
                    derivative=derivative_of(kin), kinetic=kin)
    got = methods.stepper(mech)(np, {}, {"A": np.ones(1), "B": np.zeros(1)}, np.zeros(1),
                                {"dt": 0.5})
    assert got["A"][0] == pytest.approx(1 / 1.5) and got["B"][0] == pytest.approx(0.5 / 1.5)
    assert derivative_of(kin)(np, {}, {"A": np.ones(1), "B": np.zeros(1)}, 0, {})["A"] == -1.0


def test_array_state_derivimplicit_and_a_sweep_axis():
    """An ARRAY state (stacked, index first) and instances with a trailing batch axis."""
    k = np.array([1.0, 2.0])
    mech = MechSpec("m", Kind.DENSITY, (S("x", size=2),), method="derivimplicit",
                    derivative=lambda xp, p, s, v, env: {"x": -p["k"][:, None, None] * s["x"]})
    x0 = np.ones((2, 3, 4))                       # (element, instance, sweep)
    got = methods.stepper(mech)(np, {"k": k}, {"x": x0}, np.zeros((3, 4)), {"dt": 0.1})["x"]
    np.testing.assert_allclose(got, x0 / (1 + 0.1 * k[:, None, None]), rtol=1e-10)
    jgot = jax.jit(lambda x: methods.stepper(mech)(jnp, {"k": jnp.asarray(k)}, {"x": x},
                                                   jnp.zeros((3, 4)), {"dt": 0.1})["x"])(x0)
    np.testing.assert_allclose(np.asarray(jgot), got, rtol=1e-13)


@pytest.mark.parametrize("xp", [np, jnp])
def test_kinetic_with_a_sweep_axis(xp):
    mech, _ = _kin(BUF, xp, ("c", "B", "CaB"))
    s, v = _random_buf(12, seed=7)
    flat, _ = methods.solver(_kin(BUF, np, ("c", "B", "CaB"))[0])(np, {}, s, v, {"dt": DT})
    s2 = {k: xp.asarray(x.reshape(3, 4)) for k, x in s.items()}
    got, _ = methods.solver(mech)(xp, {}, s2, xp.asarray(v.reshape(3, 4)), {"dt": DT})
    for k in s:
        np.testing.assert_allclose(np.asarray(got[k]).ravel(), flat[k], rtol=1e-12)


def test_the_compiled_warning_counts_only_failures_under_vmap():
    import warnings

    def f(ok):
        newton.warn_unconverged(jnp, ok, "vm")
        return jnp.sum(ok)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        jax.block_until_ready(jax.jit(jax.vmap(f))(jnp.array([[True, True], [True, False]])))
        jax.effects_barrier()
        jax.block_until_ready(jax.jit(jax.vmap(f))(jnp.array([[True, True], [True, True]])))
        jax.effects_barrier()
    msgs = [str(x.message) for x in w if issubclass(x.category, newton.NewtonWarning)]
    assert len(msgs) == 1 and "for 1 instance" in msgs[0]
