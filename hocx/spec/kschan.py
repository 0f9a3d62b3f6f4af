"""KSChan channels as mechanism specs (layer 1): NEURON's kschan.cpp numerics, in ``xp``.

A :class:`KSDef` describes a channel the way NEURON's KSChan holds it: HH-style states (each
its own gate and its own inf/tau or alpha/beta transition) come first, then kinetic gates
(each a group of states joined by transitions).  :func:`kschan_spec` turns it into a
:class:`~hocx.spec.MechSpec` simulated by the same kernel as translated mods:

* rate functions (KSChanFunction): 1 constant ``a``; 2 exp ``a·e^{k(v−d)}``; 3 linoid
  ``a·x/(1−e^{−x})``, ``x = k(v−d)`` (``a(1+x/2)`` for |x| ≤ 1e-6); 4 sigmoid
  ``a/(1+e^{k(v−d)})``; every exponent clamped to ±700;
* an HH transition of type 0 has (alpha, beta) → inf = α/(α+β), tau = 1/(α+β); type 1 has
  (inf, tau) directly; the fixed-step update is ``s += (inf − s)(1 − e^{−dt/τ})`` at the
  new v; INITIAL sets s = inf(v);
* kinetic transitions give (a, b) = (f0, f1) (type 0) or (inf/τ, (1−inf)/τ) (type 1); the
  states step by backward Euler, ``(M − I/dt) y_new = −y_old/dt``; INITIAL solves the same
  system with dt = 1e9 from the gate's first state at 1, as NEURON does;
* the conductance is ``gmax · Π_gates (Σ frac_i s_i)^power``; the current is
  ``g (v − e)`` (NonSpecific: ``e`` is the channel's ``erev`` parameter; an ion: its reversal
  potential, and the current is that ion's).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import A, IonUse, Kind, MechSpec, P, S


@dataclass
class KSFunc:
    ftype: int = -1
    coef: tuple = ()


@dataclass
class KSTransDef:
    src: int            # global state index
    target: int
    type: int = 0       # 0: alpha/beta, 1: inf/tau
    f0: KSFunc = field(default_factory=KSFunc)
    f1: KSFunc = field(default_factory=KSFunc)


@dataclass
class KSDef:
    name: str
    ion: str = "NonSpecific"
    gmax: float = 0.0
    erev: float = 0.0
    states: list = field(default_factory=list)      # names, global order
    fracs: list = field(default_factory=list)
    gates: list = field(default_factory=list)       # (first state, nstate, power)
    nhh: int = 0
    trans: list = field(default_factory=list)       # KSTransDef, hh ones first (index = state)


def _concrete(v):
    """``v`` as a NumPy array, or None when it is a traced (abstract) value."""
    try:
        return np.asarray(v, dtype=np.float64)
    except TypeError:          # jax's TracerArrayConversionError is a TypeError
        return None


def _exp(xp, x):
    return xp.exp(xp.clip(x, -700.0, 700.0))


def kfunc(xp, f: KSFunc, v):
    """One KSChanFunction at v."""
    c = f.coef
    t = f.ftype
    if t == 1:
        return c[0] + 0.0 * v
    if t == 2:
        return c[0] * _exp(xp, c[1] * (v - c[2]))
    if t == 3:
        x = c[1] * (v - c[2])
        big = xp.abs(x) > 1e-6
        xs = xp.where(big, x, 1.0)
        return xp.where(big, c[0] * xs / (1.0 - _exp(xp, -xs)), c[0] * (1.0 + x / 2.0))
    if t == 4:
        return c[0] / (1.0 + _exp(xp, c[1] * (v - c[2])))
    raise ValueError(f"KSChan function type {t} is not supported by hocx")


def ab(xp, tr: KSTransDef, v):
    a, b = kfunc(xp, tr.f0, v), kfunc(xp, tr.f1, v)
    if tr.type == 1:
        return a / b, (1.0 - a) / b
    return a, b


def inftau(xp, tr: KSTransDef, v):
    a, b = kfunc(xp, tr.f0, v), kfunc(xp, tr.f1, v)
    if tr.type != 1:
        t = 1.0 / (a + b)
        return a * t, t
    return a, b


def _acc(x, y):
    """``x += y`` on a sparse element (None: not yet there, as sparse13 starts from 0)."""
    return y if x is None else x + y


def gauss(rows, rhs):
    """Solve ``rows · x = rhs`` by elimination on the diagonal in natural order (no row
    exchanges), skipping absent (None) elements as a sparse solver does; unrolled, so it
    works on per-instance arrays in numpy and jax alike."""
    n = len(rhs)
    a = [list(r) for r in rows]
    b = list(rhs)
    for k in range(n):
        piv = a[k][k]
        for i in range(k + 1, n):
            if a[i][k] is None:
                continue
            f = a[i][k] / piv
            for j in range(k + 1, n):
                if a[k][j] is None:
                    continue
                a[i][j] = -(f * a[k][j]) if a[i][j] is None else a[i][j] - f * a[k][j]
            b[i] = b[i] - f * b[k]
    x = [None] * n
    for k in range(n - 1, -1, -1):
        acc = b[k]
        for j in range(k + 1, n):
            if a[k][j] is not None:
                acc = acc - a[k][j] * x[j]
        x[k] = acc / a[k][k]
    return x


def kschan_spec(d: KSDef) -> MechSpec:
    """The MechSpec of channel ``d`` (see the module docstring)."""
    nonspecific = d.ion == "NonSpecific"
    names = list(d.states)
    nhh = d.nhh
    ks_names = names[nhh:]
    nks = len(ks_names)
    hh_trans = d.trans[:nhh]
    ks_trans = d.trans[nhh:]
    gates = list(d.gates)
    fracs = list(d.fracs)

    def conductance(s, p):
        g = p["gmax"]
        for first, n, power in gates:
            acc = 0.0
            for k in range(first, first + n):
                acc = acc + s[names[k]] * fracs[k]
            g = g * acc ** int(power)
        return g

    def erev(p):
        return p["e"] if nonspecific else p[f"e{d.ion}"]

    def current(xp, p, s, v, t, env):
        g = conductance(s, p)
        i = g * (v - erev(p))
        out = {"g": g, "i": i}
        if not nonspecific:
            out[f"i{d.ion}"] = i
        return i, out

    # pivot order of the elimination: NEURON's sparse13 reorders the kinetic matrix once (the
    # first factorization) and keeps that order; for a C1-C2-O chain it eliminates C2 first
    # (the value at finitialize matches nrniv's to the last bit with this order, not with the
    # natural one).  Rule used: most-connected states first, ties in state order.
    degree = [0] * nks
    for tr in ks_trans:
        if tr.src != tr.target:
            degree[tr.src - nhh] += 1
            degree[tr.target - nhh] += 1
    order = sorted(range(nks), key=lambda k: (-degree[k], k))

    def ks_solve(xp, v, y, dt):
        rows = ks_rows(xp, v, dt)
        rhs = [-yk / dt for yk in y]
        xo = gauss([[rows[i][j] for j in order] for i in order], [rhs[i] for i in order])
        x = [None] * nks
        for pos, k in enumerate(order):
            x[k] = xo[pos]
        return x

    def ks_rows(xp, v, dt):
        rows = [[None] * nks for _ in range(nks)]
        for tr in ks_trans:
            a, b = ab(xp, tr, v)
            i, j = tr.src - nhh, tr.target - nhh
            rows[i][i] = _acc(rows[i][i], -a)
            rows[i][j] = _acc(rows[i][j], b)
            rows[j][j] = _acc(rows[j][j], -b)
            rows[j][i] = _acc(rows[j][i], a)
        for i in range(nks):
            rows[i][i] = _acc(rows[i][i], -1.0 / dt + 0.0 * v)
        return rows

    def initial(xp, p, s, v, env):
        # The kinetic steady state is a solve with dt = 1e9 (condition ~1e9): the last bits of
        # the rates move its result by ~1e-8 relative, so on concrete values it is done in
        # NumPy, whose exp and arithmetic reproduce nrniv's values bit for bit; traced values
        # (gradients through finitialize) take the same formulas in ``xp``.
        vh = _concrete(v)
        if vh is not None:
            xp, v = np, vh
        out = {}
        for k in range(nhh):
            inf, _tau = inftau(xp, hh_trans[k], v)
            out[names[k]] = inf + 0.0 * v
        if nks:
            y = [0.0 * v for _ in range(nks)]
            for first, _n, _pw in gates:
                if first >= nhh:
                    y[first - nhh] = 1.0 + 0.0 * v
            for k, val in enumerate(ks_solve(xp, v, y, 1e9)):
                out[ks_names[k]] = val
        return out

    def update(xp, p, s, v, env):
        out = dict(s)
        dt = env["dt"]
        for k in range(nhh):
            inf, tau = inftau(xp, hh_trans[k], v)
            x = s[names[k]]
            out[names[k]] = x + (inf - x) * (1.0 - _exp(xp, -dt / tau))
        if nks:
            for k, val in enumerate(ks_solve(xp, v, [s[n] for n in ks_names], dt)):
                out[ks_names[k]] = val
        return out

    variables = [P("gmax", d.gmax, "S/cm2")]
    if nonspecific:
        variables.append(P("e", d.erev, "mV"))
    variables += [A("g", "S/cm2"), A("i", "mA/cm2")]
    variables += [S(n) for n in names]
    ions = () if nonspecific else (IonUse(d.ion, read=(f"e{d.ion}",), write=(f"i{d.ion}",)),)
    return MechSpec(
        name=d.name, kind=Kind.DENSITY, variables=tuple(variables), ions=ions,
        nonspecific_current="i" if nonspecific else None,
        current=current, initial=initial, update=update,
        doc=f"KSChan channel {d.name} ({len(names)} states)")
