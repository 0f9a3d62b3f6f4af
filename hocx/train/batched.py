"""Many runs of one model stepped together, the run index as the TRAILING axis.

``jax.vmap`` over :class:`hocx.train.simulate.DiffSim` puts the runs on a leading axis, so
every gather over nodes (``v[parent]``, mechanism nodes, the Hines solver's levels, hh's
rate table) becomes a batched gather that XLA on CPU executes element by element.  Here
node arrays have shape ``(n, K)``: a gather over nodes moves whole contiguous K-vectors,
mechanisms (elementwise) broadcast, and values the runs share (the axial coefficients
``a``, ``b`` and areas when geometry is not swept, unswept mechanism parameters) stay
``(n, 1)``.  The tree solve is unrolled level by level with the layout baked in (structure
only; compile once per structure), each level a small array of its own.

The step itself is :func:`hocx.sim.kernel.advance`, the same code :class:`Program` runs;
only the :class:`TrailingLayout` (gather, broadcast, axial sums, solve) differs.

Only finitialize goes through ``jax.vmap`` (once per sweep); :func:`varying` finds which of
its outputs depend on the swept values.  :class:`TrailingSolver` does
:class:`hocx.sim.solver.TreeSolver`'s operations in the same order, so each run equals
``run()`` (to rounding).  Models with NetCons use the vmap
path (:meth:`BatchedRun.supports`).
"""
from __future__ import annotations

import hashlib

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.extend import core as jcore

from ..sim import kernel
from ..sim.integrator import children_table
from ..sim.solver import MAX_UNROLLED_CHILDREN, tree_levels

#: deeper trees than this use the vmap path (the unrolled solve would compile too long)
MAX_DEPTH = 512


def varying(fn, consts, rows) -> list[bool]:
    """For each flattened output leaf of ``fn(consts, *rows)``: does it depend on ``rows``?

    A forward dependency walk over the jaxpr (an equation with any dependent input makes all
    its outputs dependent), so it is conservative and never calls a leaf shared wrongly.
    """
    closed = jax.make_jaxpr(lambda c, *r: jax.tree_util.tree_leaves(fn(c, *r)))(consts, *rows)
    jaxpr = closed.jaxpr
    nconst = len(jax.tree_util.tree_leaves(consts))
    dep = set(jaxpr.invars[nconst:])
    for eqn in jaxpr.eqns:
        if any(not isinstance(x, jcore.Literal) and x in dep for x in eqn.invars):
            dep.update(eqn.outvars)
    return [not isinstance(x, jcore.Literal) and x in dep for x in jaxpr.outvars]


class BatchedRun:
    """``run(data, *rows) -> (K, nsteps + 1, nrec)`` for one :class:`DiffSim` and an
    ``init(data, *row) -> (record row, carry, params)`` of one run (its finitialize)."""

    def __init__(self, sim, init):
        self.sim, self.init = sim, init
        prog, low = sim.program, sim.low
        self.mechs, self.usetable = prog.mechs, prog.usetable
        self.groups = prog._groups
        T = jax.tree_util.tree_map(np.asarray, sim.T)
        self.nodes, self.inv, self.ptr = T["nodes"], T["inv"], T["ptr"]
        self.rec, self.perm = T["rec"], T["perm"]
        self.parent = T["parent"]
        self.layout = TrailingLayout(self.nodes, self.inv, self.ptr, children_table(low.parent),
                                     TrailingSolver(low.parent), prog.links, T.get("ions", []))

    @staticmethod
    def supports(sim) -> bool:
        return sim.low.net is None and tree_levels(sim.low.parent).depth <= MAX_DEPTH

    # -- finitialize of every run, then the batch-trailing layout -------------------------
    def start(self, data, rows):
        """(rec0 (nrec, K), carry, params) with node arrays (n, K) or shared (n, 1)."""
        one = [r[0] for r in rows]
        vary = varying(self.init, data, one)
        shapes = jax.eval_shape(self.init, data, *one)
        if any(v and len(x.shape) > 1 for v, x in zip(vary, jax.tree_util.tree_leaves(shapes))):
            raise ValueError("a swept value reaches a table (use the vmap path)")
        flat = lambda *r: tuple(jax.tree_util.tree_leaves(self.init(data, *r)))
        leaves = jax.vmap(flat, out_axes=tuple(0 if v else None for v in vary))(*rows)
        out = [jnp.moveaxis(x, 0, -1) if v else (x[:, None] if x.ndim == 1 else x)
               for x, v in zip(leaves, vary)]
        return jax.tree_util.tree_unflatten(jax.tree_util.tree_structure(shapes), out)

    def __call__(self, data, *rows):
        """Traces of every run, shape (K, nsteps + 1, nrec)."""
        rec0, carry, P = self.start(data, rows)
        K = rows[0].shape[0]
        full = lambda x: jnp.broadcast_to(x, (x.shape[0], K))
        S0 = [{k: self._full_state(bi, k, x, K) for k, x in s.items()}
              for bi, s in enumerate(carry["s"])]

        def body(c, _):
            v, S, t, A = self.step(*c, P)
            return (v, S, t), self.record(v, t, S, A, P)

        _, recs = lax.scan(body, (full(carry["v"]), S0, carry["t"]), None, length=self.sim.nsteps)
        return jnp.transpose(jnp.concatenate([full(rec0)[None], recs]), (2, 0, 1))

    def _full_state(self, bi, var, x, K):
        """A state as (instances, K); an ARRAY state (element index leading) as
        (size, instances, K) — shared ones come out of :meth:`start` without the run axis."""
        size = next((v.size for v in self.mechs[bi].variables if v.name == var), 1)
        if size > 1:
            if x.ndim == 2:
                x = x[..., None]
            return jnp.broadcast_to(x, x.shape[:2] + (K,))
        return jnp.broadcast_to(x, (x.shape[0], K))

    # -- one fixed step: hocx.sim.kernel with the batch-trailing layout -----------------
    def step(self, v, S, t, P):
        """One fadvance of every run: (v, states, t, assigned)."""
        return kernel.advance(self.layout, self.mechs, self.usetable, v, S, t, P, self.parent)

    def record(self, v, t, S, A, P):
        return kernel.record(self.layout, self.groups, self.rec, self.perm, v, t, S, A, P)


class TrailingLayout:
    """:class:`hocx.sim.kernel.Layout` of a sweep: node arrays (n, K), K runs trailing, index
    arrays static (gathers along unbranched cables become slices), the tree solved by
    :class:`TrailingSolver`."""

    def __init__(self, nodes, inv, ptr, children, solver, links=(), ions=()):
        self.nodes, self.inv, self.ptr = nodes, inv, ptr
        self.children, self.solver = children, solver
        #: how each block meets the ion blocks (hocx.sim.ions.plan): static links, index arrays
        self.links, self.ions = list(links), list(ions)

    @staticmethod
    def take(x, idx):
        return _rows(x, idx)

    @staticmethod
    def fit(x, shape):
        return jnp.broadcast_to(x, shape)

    def axial(self, x, contrib):
        return _gather_add(x, contrib, self.children)

    def solve(self, d, rhs, a, b):
        return self.solver(d, rhs, a, b)


class TrailingSolver:
    """:class:`hocx.sim.solver.TreeSolver`'s elimination for node arrays (n, K): the same
    operations in the same order (children of a parent highest-numbered first), unrolled
    depth by depth with each depth a small (width, K) array of its own."""

    def __init__(self, parent: np.ndarray):
        self.lev = tree_levels(parent)

    def __call__(self, d, rhs, a, b):
        """Δv (n, K) for diagonal ``d`` and ``rhs`` (n, K) and ``a``, ``b`` (n, K) or (n, 1)."""
        lev = self.lev
        # one gather into depth order, then each depth is a slice
        cut = lambda x: [x[o:o + w] for o, w in zip(lev.off, lev.width)]
        D, R, Al, Bl = (cut(x[lev.order]) for x in (d, rhs, a, b))
        for L in range(lev.depth - 1, 0, -1):
            wp, wc = int(lev.width[L - 1]), int(lev.width[L])
            ctab = np.where(lev.ctab[L - 1, :wp] >= lev.W, wc, lev.ctab[L - 1, :wp])
            f = Al[L] / D[L]
            fb, fr = f * Bl[L], f * R[L]
            if ctab.shape[1] <= MAX_UNROLLED_CHILDREN:
                for k in range(ctab.shape[1]):
                    if (ctab[:, k] < wc).any():      # a column of padding subtracts nothing
                        D[L - 1] = D[L - 1] - _rows(fb, ctab[:, k])
                        R[L - 1] = R[L - 1] - _rows(fr, ctab[:, k])
            else:
                D[L - 1] = D[L - 1] - jnp.sum(_rows(fb, ctab), axis=1)
                R[L - 1] = R[L - 1] - jnp.sum(_rows(fr, ctab), axis=1)
        x = [R[0] / D[0]]
        for L in range(1, lev.depth):
            pcol = lev.pcol[L, :int(lev.width[L])]
            x.append((R[L] - Bl[L] * _rows(x[L - 1], pcol)) / D[L])
        return jnp.concatenate(x)[lev.pos]


def _rows(x, idx):
    """``x[idx]`` for a static index array, where index ``len(x)`` is a row of zeros; a
    plain slice when ``idx`` is 0, 1, 2, ... (the common case along unbranched cables)."""
    m = len(x)
    if idx.ndim == 1 and np.array_equal(idx, np.arange(len(idx))) and len(idx) <= m:
        return x[:len(idx)]
    if (idx >= m).any():
        x = jnp.concatenate([x, jnp.zeros((1,) + x.shape[1:], x.dtype)])
    return x[idx]


def _gather_add(x, contrib, table):
    """Integrator's _gather_add on rows: x + contributions through ``table`` (pad = n → 0)."""
    for c in range(table.shape[1]):
        x = x + _rows(contrib, table[:, c])
    return x


def digest(arrays) -> str:
    """A hash of the dtypes, shapes and contents of ``arrays`` (what a compile bakes in)."""
    h = hashlib.sha1()
    for a in arrays:
        a = np.asarray(a)
        h.update(str((a.dtype, a.shape)).encode())
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()
