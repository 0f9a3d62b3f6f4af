"""The batch-trailing pieces of sweep(): which finitialize outputs depend on the swept
values, and the level-by-level tree solve on (n, K) arrays against NEURON's elimination."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

import hocx.sim  # noqa: F401 - enables float64
from hocx.sim.solver import hines_solve_numpy
from hocx.train.batched import TrailingSolver, varying


def test_varying_follows_dependencies_only():
    def fn(c, x):
        return {"shared": c["a"] * 2.0, "run": x + c["a"], "const": jnp.ones(3),
                "mixed": [c["b"], jnp.sum(x) * c["b"]]}

    c = {"a": jnp.arange(3.0), "b": jnp.ones(2)}
    got = varying(fn, c, [jnp.zeros(3)])
    # leaves in key order: const, mixed[0], mixed[1], run, shared
    assert got == [False, False, True, True, False]


def _tree(rng, n, fan):
    """Random parent array (parents first), some nodes with ``fan`` children."""
    parent = np.full(n, -1)
    for i in range(1, n):
        parent[i] = rng.integers(0, i) if i > fan else 0
    return parent


@pytest.mark.parametrize("fan", [2, 12])        # 12 children of node 0: the summed-gather path
def test_trailing_solver_matches_sequential_elimination(fan):
    rng = np.random.default_rng(fan)
    n, K = 60, 5
    parent = _tree(rng, n, fan)
    a = rng.uniform(-1, -0.1, n)
    b = rng.uniform(-1, -0.1, n)
    d = rng.uniform(4, 6, (n, K))
    rhs = rng.normal(size=(n, K))
    got = np.asarray(TrailingSolver(parent)(jnp.asarray(d), jnp.asarray(rhs),
                                             jnp.asarray(a[:, None]), jnp.asarray(b[:, None])))
    for k in range(K):
        want = hines_solve_numpy(d[:, k], rhs[:, k], a, b, parent)
        np.testing.assert_allclose(got[:, k], want, rtol=1e-13, atol=1e-14)
