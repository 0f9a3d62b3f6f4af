"""The tree (Hines) solve, level by level, without scatters.

NEURON eliminates one node at a time, last node first (numerics.md §4.3).  Every node of
one tree depth only touches its parent, so all nodes of a depth can be eliminated at once;
the sequential depth is the depth of the tree, not the number of compartments.

Layout: nodes are re-ordered by depth (:class:`Levels`), so each depth is a contiguous run
``[off[L], off[L] + width[L])`` of a padded array.  The elimination is one ``lax.scan``
over depths reading and writing fixed-width windows (``dynamic_slice`` /
``dynamic_update_slice``), and a parent gathers its children's contributions through a
small per-depth child table, so there is no scatter and compile time does not depend on
the number of branches.  Children of one parent are subtracted one after the other, as
NEURON does; only the order among siblings can differ (rounding, ~1e-16).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import jax.numpy as jnp
from jax import lax


@dataclass(frozen=True)
class Levels:
    """Depth-ordered layout of a tree with ``n`` nodes.

    order[k]  node at sorted position k;  pos[node] its position
    off, width  start and size of each depth's run;  W = max width
    ctab      (depth, W, C): for each position of depth L, the window positions of its
              children in depth L+1 (W = none)
    pcol      (depth, W): window position of each node's parent in depth L−1 (0 for roots)
    """

    order: np.ndarray
    pos: np.ndarray
    off: np.ndarray
    width: np.ndarray
    ctab: np.ndarray
    pcol: np.ndarray

    @property
    def depth(self) -> int:
        return len(self.off)

    @property
    def W(self) -> int:
        return int(self.width.max())


def tree_levels(parent: np.ndarray) -> Levels:
    """Group nodes by depth (roots at depth 0); ``parent`` has −1 for roots, parent < child."""
    parent = np.asarray(parent, dtype=np.int64)
    n = len(parent)
    if n == 0:
        raise ValueError("empty tree")
    if np.any(parent >= np.arange(n)):
        raise ValueError("node order must put every parent before its children")
    depth = np.zeros(n, dtype=np.int64)
    for i in range(n):           # parents come first, so one forward pass suffices
        if parent[i] >= 0:
            depth[i] = depth[parent[i]] + 1
    order = np.argsort(depth, kind="stable")
    pos = np.empty(n, dtype=np.int64)
    pos[order] = np.arange(n)
    nlev = int(depth.max()) + 1
    width = np.bincount(depth, minlength=nlev)
    off = np.concatenate([[0], np.cumsum(width)[:-1]])
    W = int(width.max())
    col = pos - off[depth]
    nchild = np.bincount(parent[parent >= 0], minlength=n)
    C = max(int(nchild.max()), 1)
    ctab = np.full((nlev, W, C), W, dtype=np.int64)
    pcol = np.zeros((nlev, W), dtype=np.int64)
    fill = np.zeros(n, dtype=np.int64)
    for i in order[::-1]:        # NEURON subtracts the highest-numbered child first
        p = parent[i]
        if p >= 0:
            ctab[depth[p], col[p], fill[p]] = col[i]
            fill[p] += 1
            pcol[depth[i], col[i]] = col[p]
    return Levels(order, pos, off, width, ctab, pcol)


#: above this many children of one node, their contributions are summed in one gather
MAX_UNROLLED_CHILDREN = 8
#: window widths grow by this factor (fewer distinct widths = less compiled code)
BUCKET_FACTOR = 8


def bucket_widths(width: np.ndarray, minimum: int = 8, factor: int = BUCKET_FACTOR) -> np.ndarray:
    """Window width per depth: the smallest ``minimum·factor^k`` ≥ the depth's node count.

    Depths are processed in windows of these widths, so the padded work stays within
    ``factor`` × the node count however unevenly the tree's width varies with depth, while
    the number of distinct widths (each a separate piece of compiled code) stays small.
    """
    w = np.maximum(np.asarray(width), minimum)
    k = np.ceil(np.log(w / minimum) / np.log(factor) - 1e-9).astype(np.int64)
    return (minimum * factor ** np.maximum(k, 0)).astype(np.int64)


class TreeSolver:
    """The level-by-level solve for one tree.

    Only window widths and run lengths are baked into the compiled code; the index arrays
    (:meth:`arrays`) are passed in at run time, so large trees do not become large
    constants in the program (compile time stays nearly flat in the tree size).
    """

    def __init__(self, lev: Levels):
        self.lev = lev
        self.n = len(lev.order)
        self.Wmax = lev.W
        self.wb = bucket_widths(lev.width)
        self.pad = int(self.wb.max()) + 1
        D = lev.depth
        # child tables and parent columns cut to each depth's window width
        self._ctab = []
        for L in range(D):
            wp = int(self.wb[L])
            wc = int(self.wb[L + 1]) if L + 1 < D else 1
            tab = np.full((wp, lev.ctab.shape[2]), wc, dtype=np.int64)
            k = min(wp, lev.W)
            t = lev.ctab[L, :k, :]
            tab[:k] = np.where(t >= lev.W, wc, t)
            self._ctab.append(tab)
        self._pcol = []
        for L in range(D):
            wc = int(self.wb[L])
            col = np.zeros(wc, dtype=np.int64)
            k = min(wc, lev.W)
            col[:k] = lev.pcol[L, :k]
            self._pcol.append(col)
        # where each node's Δv lands in the concatenated rows of the back substitution
        row_start = np.concatenate([[0], np.cumsum(self.wb)[:-1]])
        depth_of = np.repeat(np.arange(D), lev.width)
        col_of = np.arange(self.n) - lev.off[depth_of]
        self._out_index = (row_start[depth_of] + col_of)[lev.pos]
        # consecutive depths sharing (child width, parent width) run in one scan
        self._tri_runs = _runs([(int(self.wb[L]), int(self.wb[L - 1])) for L in range(D - 1, 0, -1)],
                               list(range(D - 1, 0, -1)))
        self._bk_runs = _runs([(int(self.wb[L]), int(self.wb[L - 1])) for L in range(1, D)],
                              list(range(1, D)))

    def arrays(self) -> dict:
        """The index arrays :meth:`solve` needs, as a pytree of NumPy arrays."""
        lev = self.lev
        tri = [(lev.off[levels], lev.off[[L - 1 for L in levels]],
                np.stack([self._ctab[L - 1] for L in levels])) for _, levels in self._tri_runs]
        bk = [(lev.off[levels], np.stack([self._pcol[L] for L in levels])) for _, levels in self._bk_runs]
        return {"order": lev.order, "out": self._out_index, "tri": tri, "bk": bk}

    def to_layout(self, x, order, fill=0.0):
        """Node-ordered array (length n) → depth-sorted layout padded for the widest window."""
        return jnp.concatenate([x[order], jnp.full((self.pad,), fill, x.dtype)])

    def solve(self, d, rhs, a, b, T):
        """Solve for Δv; inputs and output are node-ordered, length n; ``T`` = :meth:`arrays`."""
        order = T["order"]
        d, rhs = self.to_layout(d, order, 1.0), self.to_layout(rhs, order)
        a, b = self.to_layout(a, order), self.to_layout(b, order)

        def win(x, o, w):
            return lax.dynamic_slice(x, (o,), (w,))

        def tri_one(d, rhs, oc, op, ctab, wc, wp):
            zero = jnp.zeros((1,), d.dtype)
            f = win(a, oc, wc) / win(d, oc, wc)
            fb = jnp.concatenate([f * win(b, oc, wc), zero])
            fr = jnp.concatenate([f * win(rhs, oc, wc), zero])
            pd, pr = win(d, op, wp), win(rhs, op, wp)
            if ctab.shape[1] <= MAX_UNROLLED_CHILDREN:    # one child after the other, as NEURON
                for c in range(ctab.shape[1]):
                    pd = pd - fb[ctab[:, c]]
                    pr = pr - fr[ctab[:, c]]
            else:                                          # many children: one summed gather
                pd = pd - jnp.sum(fb[ctab], axis=1)
                pr = pr - jnp.sum(fr[ctab], axis=1)
            return lax.dynamic_update_slice(d, pd, (op,)), lax.dynamic_update_slice(rhs, pr, (op,))

        for ((wc, wp), levels), (oc, op, ctabs) in zip(self._tri_runs, T["tri"]):
            if len(levels) == 1:
                d, rhs = tri_one(d, rhs, oc[0], op[0], ctabs[0], wc, wp)
            else:
                def body(carry, xs, wc=wc, wp=wp):
                    return tri_one(*carry, *xs, wc, wp), None
                (d, rhs), _ = lax.scan(body, (d, rhs), (oc, op, ctabs))

        w0 = int(self.wb[0])
        x = win(rhs, 0, w0) / win(d, 0, w0)
        rows = [x]
        for ((wc, wp), levels), (o, pcols) in zip(self._bk_runs, T["bk"]):
            def bk_one(xprev, o, pcol, wc=wc):
                return (win(rhs, o, wc) - win(b, o, wc) * xprev[pcol]) / win(d, o, wc)

            if len(levels) == 1:
                x = bk_one(x, o[0], pcols[0])
                rows.append(x)
            else:
                def body(xprev, xs, bk_one=bk_one):
                    xn = bk_one(xprev, *xs)
                    return xn, xn
                x, ys = lax.scan(body, x, (o, pcols))
                rows.append(ys.reshape(-1))
        return jnp.concatenate(rows)[T["out"]]


def _runs(keys, levels):
    """Group consecutive levels with equal keys; a key change gets a run of its own."""
    out = []
    for k, L in zip(keys, levels):
        if out and out[-1][0] == k and k[0] == k[1]:
            out[-1][1].append(L)
        else:
            out.append((k, [L]))
    return out


def hines_solve_numpy(d, rhs, a, b, parent):
    """NEURON's sequential elimination (reference for tests)."""
    d, rhs = np.array(d, dtype=float), np.array(rhs, dtype=float)
    n = len(d)
    for i in range(n - 1, -1, -1):
        p = parent[i]
        if p >= 0:
            f = a[i] / d[i]
            d[p] -= f * b[i]
            rhs[p] -= f * rhs[i]
    for i in range(n):
        p = parent[i]
        if p < 0:
            rhs[i] /= d[i]
        else:
            rhs[i] -= b[i] * rhs[p]
            rhs[i] /= d[i]
    return rhs
