"""The equations NEURON's CVode integrates, built from a lowered model (cvode_notes.md §1, §3).

``y`` is laid out as NEURON's ``Cvode::init_eqn`` lays it out: the membrane potential of every
node with capacitance (node order; zero-area nodes are algebraic and left out), then, block by
block in type order, each instance's STATEs (instance-major: m0 h0 n0 m1 h1 n1 ...).

* :meth:`CvSystem.f` is ``Cvode::fun_thread``: scatter y, recompute the zero-area v from the
  neighbours (``nocap_v``), every mechanism's current exactly as the fixed step computes it
  (:func:`hocx.sim.kernel.current_pass`, with its 0.001 mV secant conductance), the axial
  terms, each mechanism's DERIVATIVE, and the node currents divided by cm.  It also returns
  what NEURON leaves in its arrays for the next linear solve (the conductances, node v) and
  each state's diagonal ∂s'/∂s.
* :meth:`CvSystem.solve` is ``Cvode::solvex_thread``: the tree matrix with cm/γ plus the
  latest di/dv, the voltage right-hand side times cm, zero-area rows zeroed, the tree solve,
  then each mechanism's ``_ode_matsol``: divide by ``1 − γ·∂s'/∂s``.
"""
from __future__ import annotations

import numpy as np
import jax
import jax.numpy as jnp
from jax import lax

from ...errors import ModelError
from ...spec import Kind, Role
from .. import ions, kernel
from ..integrator import NodeLayout, children_table, density_inverse, pack_params
from ..kernel import mech_env, with_pointers
from ..solver import TreeSolver, tree_levels


def _expsyn_deriv(xp, p, s, v, env):
    return {"g": -s["g"] / p["tau"]}


def _exp2syn_deriv(xp, p, s, v, env):
    return {"A": -s["A"] / p["tau1"], "B": -s["B"] / p["tau2"]}


def _expsyn_diag(xp, p, s, v, env):
    return {"g": -1.0 / p["tau"]}


def _exp2syn_diag(xp, p, s, v, env):
    return {"A": -1.0 / p["tau1"], "B": -1.0 / p["tau2"]}


#: built-ins whose spec steps its states with an explicit update but whose .mod file has a
#: DERIVATIVE block NEURON's CVode uses (``_ode_spec``) with nocmodl's ``_ode_matsol`` diagonal
ODE_EXTRA = {"ExpSyn": (_expsyn_deriv, _expsyn_diag), "Exp2Syn": (_exp2syn_deriv, _exp2syn_diag)}


def ode_of(mech):
    """(derivative, diagonal) of a mechanism's states under CVode, or None when it has none."""
    if mech.name in ODE_EXTRA:
        return ODE_EXTRA[mech.name]
    if mech.kind in (Kind.ION, Kind.ARTIFICIAL_CELL) or not mech.states:
        return None          # artificial cells change only at events: not CVode equations
    if mech.derivative is None:
        if mech.update is not None:
            raise ModelError(f"{mech.name}: its states are stepped by a PROCEDURE, which NEURON's "
                             "CVode cannot integrate in hocx yet",
                             hint="use the fixed step (cvode.active(0)) for this model")
        return None
    if mech.cnexp_coeffs is not None:
        coeffs = mech.cnexp_coeffs

        def diag(xp, p, s, v, env):
            ab = coeffs(xp, p, s, v, env)
            return {k: (0.0 * s[k] if c[1] is None else c[1]) for k, c in ab.items() if k != "_extra"}
        return mech.derivative, diag
    deriv = mech.derivative
    if mech.kinetic is None:
        # nocmodl's _ode_matsol1 for a DERIVATIVE block solved otherwise (derivimplicit,
        # euler): each state's diagonal by a forward difference of 0.001 in that state
        def diag_fd(xp, p, s, v, env):
            base = deriv(xp, p, s, v, env)
            out = {}
            for k in base:
                s1 = dict(s)
                s1[k] = s[k] + .001
                out[k] = (deriv(xp, p, s1, v, env)[k] - base[k]) / .001
            return out
        return deriv, diag_fd

    def diag_ad(xp, p, s, v, env):
        out = {}
        for k in deriv(xp, p, s, v, env):
            tang = {j: (jnp.ones_like(x) if j == k else jnp.zeros_like(x)) for j, x in s.items()}
            _, d = jax.jvp(lambda ss: deriv(xp, p, ss, v, env), (s,), (tang,))
            out[k] = d[k]
        return out
    return deriv, diag_ad


def hines_loop(d, rhs, a, b, parent):
    """Cvode::triang + Cvode::bksub in NEURON's order (last node first, then forward); a
    root (parent < 0) is only divided."""
    n = d.shape[0]

    def tri(k, c):
        d, rhs = c
        i = n - 1 - k
        p = parent[i]
        ok = p >= 0
        pp = jnp.where(ok, p, 0)
        f = a[i] / d[i]
        d = d.at[pp].add(jnp.where(ok, -(f * b[i]), 0.0))
        rhs = rhs.at[pp].add(jnp.where(ok, -(f * rhs[i]), 0.0))
        return d, rhs
    d, rhs = lax.fori_loop(0, n, tri, (d, rhs))

    def bk(i, rhs):
        p = parent[i]
        ok = p >= 0
        x = jnp.where(ok, rhs[i] - b[i] * rhs[jnp.where(ok, p, 0)], rhs[i])
        return rhs.at[i].set(x / d[i])
    return lax.fori_loop(0, n, bk, rhs)


class CvSystem:
    """f(t, y), the approximate Newton solve and the record row of one lowered model."""

    def __init__(self, low, env, record=()):
        self.low, self.env = low, env
        self.record = tuple(record)
        n = low.n
        self.cap = np.nonzero(low.has_cap)[0]
        self.nocap = np.nonzero(~low.has_cap)[0]
        self.ncap = len(self.cap)
        self.mechs = [b.mech for b in low.blocks]
        self.odes = [ode_of(m) for m in self.mechs]
        # y layout of the states
        self.slots = []          # per block: {state: index array into y}
        off = self.ncap
        for bi, blk in enumerate(low.blocks):
            if self.odes[bi] is None:
                self.slots.append({})
                continue
            # only the STATEs are NEURON's CVode equations (_ode_count); stepped ASSIGNEDs
            # (cad's influx, written inside its DERIVATIVE) are carried in S0, not integrated
            ode_states = {v.name for v in blk.mech.of(Role.STATE)}
            names = [k for k in blk.mech.states if k in ode_states]
            ns = len(names)
            sl = {k: off + np.arange(blk.count) * ns + j for j, k in enumerate(names)}
            off += ns * blk.count
            self.slots.append(sl)
        self.neq = off
        # tree
        lev = tree_levels(low.parent)
        self.solver = TreeSolver(lev)
        ctab = children_table(low.parent)
        self.links, ion_arrays = low.ion_plan()
        self.T = jax.tree_util.tree_map(jnp.asarray, {
            "solver": self.solver.arrays(),
            "parent": np.where(low.parent >= 0, low.parent, np.arange(n)),
            "parent_raw": low.parent,
            "children": ctab,
            "nodes": [b.nodes for b in low.blocks],
            "inv": density_inverse(low),
            "ptr": [b.pointers for b in low.blocks],
            "ions": ion_arrays,
        })
        self.gather = ctab.shape[1] <= 8
        # zero-area nodes: v = (b v_parent + Σ a_c v_c) / (b + Σ a_c)
        par = low.parent
        self.nc_par = np.where(par[self.nocap] >= 0, par[self.nocap], 0)
        self.nc_haspar = (par[self.nocap] >= 0).astype(np.float64)
        kids = [[c for c in np.nonzero(par == i)[0]] for i in self.nocap]
        C = max([len(k) for k in kids] + [1])
        self.nc_kids = np.array([k + [n] * (C - len(k)) for k in kids], dtype=np.int64).reshape(len(kids), C)
        for bi, blk in enumerate(low.blocks):
            if blk.mech.kind not in (Kind.ION, Kind.ARTIFICIAL_CELL) and np.any(~low.has_cap[blk.nodes]):
                raise ModelError(f"{blk.mech.name} sits on a zero-area node (a section end, x = 0 "
                                 "or 1), which hocx's CVode does not support yet",
                                 hint="place it inside the section (0 < x < 1)")

    # -- parameters ------------------------------------------------------------------
    def params(self, env=None):
        return pack_params(self.low, env or self.env)

    def lay(self):
        return NodeLayout(self.T, self.solver, self.gather, self.links)

    # -- y <-> model arrays ----------------------------------------------------------
    def gather_y(self, v, states) -> np.ndarray:
        y = np.zeros(self.neq)
        y[:self.ncap] = np.asarray(v)[self.cap]
        for bi, sl in enumerate(self.slots):
            for k, idx in sl.items():
                y[idx] = np.asarray(states[bi][k])
        return y

    def full_v(self, y, P):
        v = jnp.zeros(self.low.n, dtype=y.dtype).at[self.cap].set(y[:self.ncap])
        if len(self.nocap):
            a, b = P["a"], P["b"]
            vz = jnp.concatenate([v, jnp.zeros((1,), v.dtype)])
            az = jnp.concatenate([a, jnp.zeros((1,), v.dtype)])
            bn = b[self.nocap] * self.nc_haspar
            rhs = -(bn * v[self.nc_par])
            d = -bn
            for c in range(self.nc_kids.shape[1]):
                kid = self.nc_kids[:, c]
                rhs = rhs - az[kid] * vz[kid]
                d = d - az[kid]
            v = v.at[self.nocap].set(rhs / d)
        return v

    def scatter_states(self, y, S0):
        S = []
        for bi, sl in enumerate(self.slots):
            s = dict(S0[bi]) if S0[bi] is not None else {}
            for k, idx in sl.items():
                s[k] = y[idx]
            S.append(s)
        return S

    def push_concs(self, lay, v, S):
        """The ions' concentrations from the STATEs that write them (cad's cai): in NEURON
        such a STATE *is* the ion's variable, so every f evaluation sees y's value there."""
        ION = {bi: dict(S[bi]) for bi, m in enumerate(self.mechs) if m.kind is Kind.ION}
        touched = False
        for bi, sl in enumerate(self.slots):
            links, arrs = kernel._links(lay, bi)
            vals = {k: S[bi][k] for k in sl if any(k in ln.conc_states for ln in links)}
            if vals:
                ION, _ = ions.store(lay, links, arrs, ION, vals, v[lay.nodes[bi]].shape, "states")
                touched = True
        if not touched:
            return S
        S = list(S)
        for bi, vals in ION.items():
            S[bi] = vals
        return S

    # -- f ------------------------------------------------------------------------------
    def evaluate(self, t, y, S0, P):
        """(ydot, aux, assigned, states, v) at (t, y); ``S0`` holds the non-ODE states."""
        lay = self.lay()
        usetable = self.env.usetable
        v = self.full_v(y, P)
        S = self.push_concs(lay, v, self.scatter_states(y, S0))
        rhs, d, A, S2, ION = kernel.current_pass(lay, self.mechs, usetable, v, S, t, P)
        parent = self.T["parent"]
        dv = v[parent] - v
        rhs = rhs - P["b"] * dv
        rhs = lay.axial(rhs, P["a"] * dv)
        ydot = jnp.zeros_like(y)
        ydot = ydot.at[:self.ncap].set(rhs[self.cap] / (1.e-3 * P["cap"][self.cap]))
        diag = jnp.zeros_like(y)
        for bi, mech in enumerate(self.mechs):
            if self.odes[bi] is None:
                continue
            deriv, dg = self.odes[bi]
            nodes = lay.nodes[bi]
            vi = v[nodes]
            menv = mech_env(P, mech, usetable)
            links, arrs = kernel._links(lay, bi)
            p = with_pointers(P["blocks"][bi], lay.ptr[bi], v, kernel.pointer_state_reader(P, S2, ION, bi))
            p, s = ions.read(lay, links, arrs, ION, p, S2[bi])
            ds = deriv(jnp, p, s, vi, menv)
            dd = dg(jnp, p, s, vi, menv)
            for k, idx in self.slots[bi].items():
                ydot = ydot.at[idx].set(ds[k] + 0.0 * vi)
                diag = diag.at[idx].set(dd[k] + 0.0 * vi)
        aux = {"d": d, "diag": diag}
        return ydot, aux, A, S2, v

    def f(self, t, y, S0, P):
        ydot, aux, _, _, _ = self.evaluate(t, y, S0, P)
        return ydot, aux

    # -- the approximate Newton solve -------------------------------------------------
    def solve(self, bvec, aux, gamma, P):
        lay = self.lay()
        cj = 1.0 / gamma
        d = aux["d"] + (0.001 * cj) * P["cap"]
        d = d - P["b"]
        d = lay.axial(d, -P["a"])
        rhs = jnp.zeros(self.low.n, dtype=bvec.dtype)
        capv = P["cap"][self.cap]
        rhs = rhs.at[self.cap].set(bvec[:self.ncap] * ((0.001 * cj) * capv))
        x = hines_loop(d, rhs, P["a"], P["b"], self.T["parent_raw"])
        out = bvec.at[:self.ncap].set(x[self.cap])
        if self.neq > self.ncap:
            st = bvec[self.ncap:] / (1.0 - gamma * aux["diag"][self.ncap:])
            out = out.at[self.ncap:].set(st)
        return out

    # -- recording ----------------------------------------------------------------------
    def row(self, t, y, S0, P, groups, rec, perm):
        _, _, A, S2, v = self.evaluate(t, y, S0, P)
        return kernel.record(self.lay(), groups, rec, perm, v, t, S2, A, P)
