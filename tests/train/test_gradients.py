"""Gradients of the differentiable simulation against central finite differences, and the
pure-function API under jit / grad / vmap."""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from hocx.train.simulate import DiffSim

from .conftest import BRANCHED

SETUP = BRANCHED + "tstop = 5\n"


def _loss_fn(hoc, stmt):
    hoc.run(SETUP)
    hoc.run(stmt)
    s = hoc.session
    sim, p0 = s.train.function([s.get_global("vs"), s.get_global("vtip")])
    target = jnp.linspace(-70.0, 20.0, sim.nsteps + 1)[:, None]
    return (lambda p: jnp.mean((sim(p) - target) ** 2)), p0


KINDS = [
    '{apical.make_trainable("gnabar_hh")}',            # membrane parameters
    'soma make_trainable("gkbar_hh")',
    '{apical.make_trainable("diam")}',                  # geometry
    'make_trainable("Ra")',
    'dend[1] make_trainable("L")',
    'make_trainable("cm")',
    'make_trainable("m_hh")',                           # initial states
    'make_trainable("v")',
]


def test_gradient_matches_central_differences(hoc):
    """Membrane, geometry and initial-state parameters, all in one model (one compile)."""
    loss, p0 = _loss_fn(hoc, "\n".join(KINDS))
    g = jax.jit(jax.grad(loss))(p0)
    f = jax.jit(loss)
    for i, stmt in enumerate(KINDS):
        x = float(p0[i][0])
        h = 1e-4 * abs(x)
        up = [p if j != i else jnp.array([x + h]) for j, p in enumerate(p0)]
        down = [p if j != i else jnp.array([x - h]) for j, p in enumerate(p0)]
        fd = (float(f(up)) - float(f(down))) / (2 * h)
        gi = float(g[i][0])
        assert abs(gi) > 1e-6, stmt          # the parameter does matter
        assert abs(gi - fd) <= 1e-5 * abs(fd), (stmt, gi, fd)


@pytest.mark.slow
def test_shared_vector_parameter_gradient(hoc):
    loss, p0 = _loss_fn(hoc, 'make_trainable("gnabar_hh", "per", "section")')
    g = np.asarray(jax.grad(loss)(p0)[0])
    f = jax.jit(loss)
    for i in range(3):
        e = np.zeros(3)
        h = 1e-4 * float(p0[0][i])
        e[i] = h
        fd = (float(f([p0[0] + e])) - float(f([p0[0] - e]))) / (2 * h)
        assert abs(g[i] - fd) <= 1e-5 * abs(fd)


@pytest.mark.slow
def test_forward_matches_the_simulator_and_checkpointing_is_exact(hoc):
    hoc.run(SETUP + "run()\n")
    s = hoc.session
    vs = s.get_global("vs")
    ref = np.array(vs.x)
    hoc.run('make_trainable("gnabar_hh")\n{apical.make_trainable("diam")}\ndend[1] make_trainable("L")')
    sim = DiffSim(s, s.train.trainables, [vs], checkpoint=True, chunk=7)
    plain = DiffSim(s, s.train.trainables, [vs], checkpoint=False)
    p0 = sim.initial_params()
    a, b = np.asarray(sim(p0))[:, 0], np.asarray(plain(p0))[:, 0]
    assert np.max(np.abs(a - ref)) < 1e-9          # geometry recomputed in JAX == the model's
    assert np.array_equal(a, b)
    ga = jax.grad(lambda p: jnp.sum(sim(p)))(p0)
    gb = jax.grad(lambda p: jnp.sum(plain(p)))(p0)
    for x, y in zip(ga, gb):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=1e-10)


def test_pure_function_under_jit_grad_vmap(hoc):
    hoc.run(SETUP)
    hoc.run('{apical.make_trainable("gnabar_hh")}')
    s = hoc.session
    sim, p0 = s.train.function([s.get_global("vs")])
    batch = jnp.array([[0.08], [0.12], [0.3]])
    traces = jax.jit(jax.vmap(lambda g: sim([g])))(batch)
    assert traces.shape == (3, sim.nsteps + 1, 1)
    single = jax.jit(sim)([batch[2]])
    np.testing.assert_allclose(np.asarray(traces[2]), np.asarray(single), rtol=0, atol=1e-9)
    assert not np.allclose(np.asarray(traces[0]), np.asarray(traces[2]))
    grads = jax.vmap(jax.grad(lambda g: jnp.max(sim([g]))))(batch)
    assert grads.shape == (3, 1) and np.all(np.isfinite(np.asarray(grads)))
