"""The level-parallel tree solve against NEURON's sequential Hines elimination."""
import numpy as np
import pytest
import jax
from hypothesis import given, settings, strategies as st

import hocx.sim  # noqa: F401  (float64)
from hocx.sim.solver import TreeSolver, hines_solve_numpy, tree_levels


@st.composite
def trees(draw):
    n = draw(st.integers(2, 40))
    parent = [-1]
    for i in range(1, n):
        parent.append(draw(st.one_of(st.just(-1), st.integers(0, i - 1))) if i > 1 else 0)
    return np.array(parent)


@settings(max_examples=12, deadline=None)
@given(trees(), st.integers(0, 2**31 - 1))
def test_level_solve_matches_sequential(parent, seed):
    rng = np.random.default_rng(seed)
    n = len(parent)
    d = rng.uniform(5, 10, n)
    rhs = rng.normal(size=n)
    a = np.where(parent >= 0, rng.uniform(-1, 0, n), 0.0)
    b = np.where(parent >= 0, rng.uniform(-1, 0, n), 0.0)
    ref = hines_solve_numpy(d, rhs, a, b, parent)
    solver = TreeSolver(tree_levels(parent))
    got = np.asarray(jax.jit(solver.solve)(d, rhs, a, b, solver.arrays()))
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-14)


def test_levels_group_by_depth():
    # root 0; chain 1-2-3 on it; 4 hangs on 1 (a branch point)
    parent = np.array([-1, 0, 1, 2, 1])
    lev = tree_levels(parent)
    assert lev.depth == 4
    assert list(lev.width) == [1, 1, 2, 1]
    # both children of node 1 are in its child table
    col1 = lev.pos[1] - lev.off[1]
    kids = set(lev.ctab[1, col1]) - {lev.W}
    assert len(kids) == 2


def test_parent_after_child_is_rejected():
    with pytest.raises(ValueError):
        tree_levels(np.array([-1, 2, 0]))


def test_star_with_many_children():
    parent = np.array([-1, 0] + [1] * 30 + list(range(2, 12)))
    rng = np.random.default_rng(1)
    n = len(parent)
    d = rng.uniform(40, 50, n)
    rhs = rng.normal(size=n)
    a = np.where(parent >= 0, rng.uniform(-1, 0, n), 0.0)
    b = np.where(parent >= 0, rng.uniform(-1, 0, n), 0.0)
    ref = hines_solve_numpy(d, rhs, a, b, parent)
    solver = TreeSolver(tree_levels(parent))
    got = np.asarray(jax.jit(solver.solve)(d, rhs, a, b, solver.arrays()))
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-14)
