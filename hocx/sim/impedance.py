"""Impedance: the model linearised at its present state, solved at one frequency.

NEURON's ``Impedance`` (src/nrniv/impedanc.cpp, nonlinz.cpp), re-derived:

* ``compute(freq)`` (passive form): the tree matrix of the fixed step with ``cj = 0`` --
  axial terms plus each mechanism's conductance, the 0.001 mV secant of its BREAKPOINT at
  the present v and states -- and ``j·ω·cm`` on the diagonal (ω = 2π·freq, cm in µF/cm²,
  so ``1e-6·ω·cm`` S/cm²).  One Hines elimination gives, for every node, the transfer
  impedance from the stimulus node and the input impedance (MΩ: mV per nA injected).
* ``compute(freq, 1)`` (extended form): the states join the unknowns.  Rows of v: axial
  terms, ``j·ω·cm``, ``∂i/∂v`` and ``∂i/∂s`` of each instance's BREAKPOINT; rows of each
  state ``s``: ``j·ω`` on the diagonal, ``-∂s'/∂v`` and ``-∂s'/∂s_k`` of its own
  mechanism's DERIVATIVE/KINETIC block -- all forward differences with step
  ``deltafac`` (default 0.001), as NEURON takes them.  Couplings between mechanisms (through
  an ion) are left out, as NEURON leaves them out.  A sparse LU is factored once per compute
  and solved once per injection site.  NEURON puts ``j·ω`` on each state's diagonal and then
  *sets* that element to ``-∂s'/∂s`` when the derivative is nonzero, so the states' own
  ``j·ω`` survives only where ``∂s'/∂s = 0``; hocx does the same, to give NEURON's numbers.
"""
from __future__ import annotations

import numpy as np
import jax.numpy as jnp

from ..errors import HocRuntimeError
from ..spec import Kind
from . import ions, kernel
from .integrator import host_layout, pack_params


class PassiveImpedance:
    """Transfer (from the stimulus node) and input impedance of every node."""

    def __init__(self, transfer: np.ndarray, input_: np.ndarray, stim: int):
        self.transfer, self.input, self.stim = transfer, input_, stim

    def transfer_z(self, node: int) -> complex:
        return complex(self.transfer[node])

    def input_z(self, node: int) -> complex:
        return complex(self.input[node])

    def ratio(self, node: int) -> float:
        return float(abs(self.transfer[node] / self.input[node]))


class ExtendedImpedance:
    """The factored extended system; each injection site is solved once, when asked."""

    def __init__(self, lu, area: np.ndarray, neq: int, stim: int):
        self.lu, self.area, self.neq, self.stim = lu, area, neq, stim
        self._solved: dict[int, np.ndarray] = {}

    def response(self, site: int) -> np.ndarray:
        x = self._solved.get(site)
        if x is None:
            rhs = np.zeros(self.neq, dtype=np.complex128)
            rhs[site] = 1.0e2 / self.area[site]
            x = self.lu.solve(rhs)
            self._solved = {site: x}       # NEURON keeps the last injection site only
        return x

    def transfer_z(self, node: int) -> complex:
        return complex(self.response(self.stim)[node])

    def input_z(self, node: int) -> complex:
        return complex(self.response(node)[node])

    def ratio(self, node: int) -> float:
        x = self.response(node)
        return float(abs(x[self.stim] / x[node]))


def _blocks(low, v, states, t, env):
    """Walk the current pass of the fixed step (ions first, in type order) and give, per
    block with a BREAKPOINT, what its functions read: (block index, mech, p, s, v, menv)."""
    P = pack_params(low, env)
    lay = host_layout(low)
    mechs = [b.mech for b in low.blocks]
    v = jnp.asarray(v, dtype=jnp.float64)
    S = [{k: jnp.asarray(x) for k, x in s.items()} for s in states]
    t = jnp.asarray(float(t))
    ION: dict = {}
    out = []
    for bi, mech in enumerate(mechs):
        vi = v[lay.nodes[bi]]
        if mech.kind is Kind.ION:
            ION[bi] = dict(ions.ion_cur(jnp, mech, S[bi], P["blocks"][bi], P))
            continue
        menv = kernel.mech_env(P, mech, env.usetable)
        links, arrs = kernel._links(lay, bi)
        p = kernel.with_pointers(P["blocks"][bi], lay.ptr[bi], v)
        p, s = ions.read(lay, links, arrs, ION, p, S[bi])
        if mech.current is None:
            out.append((bi, mech, p, s, vi, menv, False))
            continue
        _, asg = mech.current(jnp, p, s, vi, t, menv)
        if links:
            pf = P["pfac"][lay.nodes[bi]] if mech.kind is not Kind.DENSITY else None
            ION = ions.add_currents(lay, links, arrs, ION, asg, vi.shape, pf)
            ION, _ = ions.store(lay, links, arrs, ION, asg, vi.shape, "assigned")
        out.append((bi, mech, p, s, vi, menv, True))
    return out, P, t


def _fac(low, blk, mech) -> np.ndarray:
    """How one instance's current enters its node's row (pfac for point processes; the
    sign of an electrode current)."""
    if mech.kind is Kind.DENSITY:
        return np.ones(blk.count)
    fac = 1.0e2 / low.area[blk.nodes]
    return -fac if mech.electrode else fac


def _ode_states(mech, p, s, vi, menv) -> list[str]:
    if mech.derivative is None:
        return []
    names = [k for k in mech.derivative(jnp, p, s, vi, menv) if k in s]
    for k in names:
        if np.ndim(s[k]) != 1:
            raise HocRuntimeError(f"Impedance.compute(f, 1): the ARRAY state {k} of {mech.name} "
                                  "is not supported by hocx")
    return names


def passive(low, v, states, t, env, stim: int, freq: float) -> PassiveImpedance:
    """NEURON's Imp::compute without the states (impedanc.cpp setmat, LUDecomp, solve)."""
    P = pack_params(low, env)
    S = [{k: jnp.asarray(x) for k, x in s.items()} for s in states]
    _, dm, _, _, _ = kernel.current_pass(host_layout(low), [b.mech for b in low.blocks],
                                         env.usetable, jnp.asarray(v, dtype=jnp.float64), S,
                                         jnp.asarray(float(t)), P)
    n, parent = low.n, low.parent
    a, b = low.a, low.b
    D = np.asarray(dm, dtype=np.float64) - b
    np.add.at(D, parent[parent >= 0], -a[parent >= 0])
    omega = 1e-6 * 2 * np.pi * freq
    cap = np.where(low.has_cap, low.cm, 0.0)
    d = D + 1j * cap * omega
    rhs = np.zeros(n, dtype=np.complex128)
    rhs[stim] = 1.0e2 / low.area[stim]
    pivot = np.zeros(n, dtype=np.complex128)
    nonroot = [i for i in range(n - 1, -1, -1) if parent[i] >= 0]
    for i in nonroot:                       # children after parents: eliminate from the leaves
        ip = parent[i]
        pivot[i] = a[i] / d[i]
        d[ip] -= pivot[i] * b[i]
        rhs[ip] -= rhs[i] * pivot[i]
    inp = np.zeros(n, dtype=np.complex128)
    roots = parent < 0
    rhs[roots] /= d[roots]
    inp[roots] = 1.0 / d[roots]
    for i in reversed(nonroot):
        ip = parent[i]
        rhs[i] = (rhs[i] - b[i] * rhs[ip]) / d[i]
        inp[i] = (1.0 + inp[ip] * pivot[i] * b[i]) / d[i]
    inp[~roots] *= 1.0e2 / low.area[~roots]
    return PassiveImpedance(rhs, inp, stim)


def extended(low, v, states, t, env, stim: int, freq: float, deltafac: float) -> ExtendedImpedance:
    """NEURON's NonLinImp::compute: the Jacobian of currents and state equations by forward
    differences of step ``deltafac``, ``j·ω`` on the capacitive and state diagonals."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.linalg import splu
    blocks, P, tt = _blocks(low, v, states, t, env)
    n, parent = low.n, low.parent
    rows: list = []
    cols: list = []
    vals: list = []

    def put(r, c, x):
        rows.append(np.asarray(r, dtype=np.int64).ravel())
        cols.append(np.asarray(c, dtype=np.int64).ravel())
        vals.append(np.asarray(x, dtype=np.complex128).ravel())

    nr = np.nonzero(parent >= 0)[0]
    ip = parent[nr]
    put(ip, nr, low.a[nr])
    put(nr, ip, low.b[nr])
    put(nr, nr, -low.b[nr])
    put(ip, ip, -low.a[nr])
    omega = 1000.0 * 1e-6 * 2 * np.pi * freq
    cap = np.where(low.has_cap, low.cm, 0.0)
    put(np.arange(n), np.arange(n), 0.001 * cap * omega * 1j)
    delta = float(deltafac)
    neq = n
    for bi, mech, p, s, vi, menv, has_cur in blocks:
        blk = low.blocks[bi]
        nodes = blk.nodes
        names = _ode_states(mech, p, s, vi, menv)
        first = neq
        idx = {k: first + j + len(names) * np.arange(blk.count) for j, k in enumerate(names)}
        neq += len(names) * blk.count
        if has_cur:
            fac = _fac(low, blk, mech)
            i0 = np.asarray(mech.current(jnp, p, s, vi, tt, menv)[0]) * fac
            i1 = np.asarray(mech.current(jnp, p, s, vi + delta, tt, menv)[0]) * fac
            put(nodes, nodes, np.broadcast_to((i1 - i0) / delta, nodes.shape))
            for k in names:
                sk = {**s, k: s[k] + delta}
                ik = np.asarray(mech.current(jnp, p, sk, vi, tt, menv)[0]) * fac
                put(nodes, idx[k], np.broadcast_to((ik - i0) / delta, nodes.shape))
        if not names:
            continue
        f0 = mech.derivative(jnp, p, s, vi, menv)
        if has_cur:
            fv = mech.derivative(jnp, p, s, vi + delta, menv)
            for k in names:
                put(idx[k], nodes, -np.broadcast_to((np.asarray(fv[k]) - np.asarray(f0[k])) / delta,
                                                    nodes.shape))
        for kk in names:
            fk = mech.derivative(jnp, p, {**s, kk: s[kk] + delta}, vi, menv)
            for k in names:
                ds = np.broadcast_to((np.asarray(fk[k]) - np.asarray(f0[k])) / delta, nodes.shape)
                if k == kk:
                    # NEURON sets (not adds) a nonzero ds/ds element, which replaces the
                    # j·omega it put on the diagonal first (nonlinz.cpp dsds)
                    ds = np.where(ds != 0.0, ds, -omega * 1j)
                put(idx[k], idx[kk], -ds)
    M = coo_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                   shape=(neq, neq)).tocsc()
    try:
        lu = splu(M)
    except RuntimeError as e:
        raise HocRuntimeError(f"Impedance.compute: the linearised system is singular ({e})") from None
    return ExtendedImpedance(lu, low.area, neq, stim)


class ImpedanceHook:
    """``interp.hooks["impedance"](sec, x, freq, extended, deltafac, span)``: the solve at
    the simulator's present state, stimulus at ``sec(x)``; the result's ``node_of(sec, x,
    span)`` finds the node of a measuring site."""

    def __init__(self, plugin):
        self.plugin = plugin

    def __call__(self, sec, x: float, freq: float, extended_form: bool, deltafac: float, span=None):
        pl = self.plugin
        stim = pl.node_of(sec, x, span)
        eng = pl.engine
        v, states, _ = eng.host_state()
        low = eng.low
        if extended_form:
            res = extended(low, v, states, eng.t, eng.env, stim, freq, deltafac)
        else:
            res = passive(low, v, states, eng.t, eng.env, stim, freq)
        res.node_of = pl.node_of
        return res


def install(plugin) -> None:
    plugin.interp.hooks["impedance"] = ImpedanceHook(plugin)
