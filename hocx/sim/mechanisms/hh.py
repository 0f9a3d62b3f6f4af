"""hh: Hodgkin–Huxley squid-axon channels (NEURON's hh.mod), with its rate TABLE and q10.

Rates are evaluated either exactly (``usetable_hh = 0``) or, as NEURON does by default,
by linear interpolation in six 201-entry tables of minf/mtau/hinf/htau/ninf/ntau built at
v = −100 … 100 mV for the current ``celsius`` (numerics.md §7.3).
"""
from __future__ import annotations

import numpy as np

from .base import Mechanism

TABLE_VMIN, TABLE_VMAX, TABLE_N = -100.0, 100.0, 200


def q10_factor(celsius: float) -> float:
    """``3^((celsius − 6.3)/10)`` as hh.mod computes it."""
    return float(np.power(3.0, (celsius - 6.3) / 10.0))


def _vtrap(xp, x, y):
    small = xp.abs(x / y) < 1e-6
    safe_x = xp.where(small, 1.0, x)       # keeps the unused branch finite (and its gradient)
    return xp.where(small, y * (1.0 - x / y / 2.0), safe_x / (xp.exp(safe_x / y) - 1.0))


def rates_exact(xp, v, q10):
    """(minf, mtau, hinf, htau, ninf, ntau) from the formulas, in hh.mod's operation order."""
    alpha = 0.1 * _vtrap(xp, -(v + 40.0), 10.0)
    beta = 4.0 * xp.exp(-(v + 65.0) / 18.0)
    s = alpha + beta
    mtau, minf = 1.0 / (q10 * s), alpha / s
    alpha = 0.07 * xp.exp(-(v + 65.0) / 20.0)
    beta = 1.0 / (xp.exp(-(v + 35.0) / 10.0) + 1.0)
    s = alpha + beta
    htau, hinf = 1.0 / (q10 * s), alpha / s
    alpha = 0.01 * _vtrap(xp, -(v + 55.0), 10.0)
    beta = 0.125 * xp.exp(-(v + 65.0) / 80.0)
    s = alpha + beta
    ntau, ninf = 1.0 / (q10 * s), alpha / s
    return minf, mtau, hinf, htau, ninf, ntau


def build_table(celsius: float) -> np.ndarray:
    """The (6, 201) rate table NEURON builds for ``celsius`` (grid v = −100, −99, …, 100)."""
    v = TABLE_VMIN + np.arange(TABLE_N + 1, dtype=np.float64)  # x += 1.0 is exact here
    return np.stack(rates_exact(np, v, q10_factor(celsius)))


def lookup_table(table: np.ndarray) -> np.ndarray:
    """(201, 12) rows ``[T[i] (6 values), T[i+1] − T[i] (6 values)]`` for one-gather lookups.

    The differences are the ones nocmodl's lookup computes at run time, so precomputing
    them changes no bit of the result.
    """
    diff = np.zeros_like(table)
    diff[:, :-1] = table[:, 1:] - table[:, :-1]
    return np.ascontiguousarray(np.concatenate([table, diff]).T)


def rates_table(xp, combo, v):
    """Linear interpolation exactly as nocmodl's ``_n_rates`` does it, in the
    :func:`lookup_table` layout: ``T[i] + θ·(T[i+1] − T[i])``, clamped at both ends."""
    xi = 1.0 * (v - TABLE_VMIN)
    finite = xp.where(xp.isnan(xi), 0.0, xi)
    i = xp.clip(xp.floor(finite), 0, TABLE_N - 1).astype(np.int64)
    theta = (xi - i)[..., None]
    rows = combo[i]
    val = rows[..., :6] + theta * rows[..., 6:]
    val = xp.where(xi[..., None] <= 0.0, combo[0, :6], val)
    val = xp.where(xi[..., None] >= float(TABLE_N), combo[TABLE_N, :6], val)
    return tuple(val[..., k] for k in range(6))


def rates(xp, v, env):
    if env["usetable"]:
        return rates_table(xp, env["hh_table"], v)
    return rates_exact(xp, v, env["q10"])


def _current(xp, p, s, v, t, env):
    m, h, n = s["m"], s["h"], s["n"]
    gna = p["gnabar"] * m * m * m * h
    ina = gna * (v - p["ena"])
    gk = p["gkbar"] * n * n * n * n
    ik = gk * (v - p["ek"])
    il = p["gl"] * (v - p["el"])
    total = ((0.0 + ina) + ik) + il
    return total, {"gna": gna, "gk": gk, "ina": ina, "ik": ik, "il": il}


def _initial(xp, p, v, env):
    minf, _, hinf, _, ninf, _ = rates(xp, v, env)
    return {"m": minf + 0.0 * v, "h": hinf + 0.0 * v, "n": ninf + 0.0 * v}


def _cnexp(xp, x, xinf, xtau, dt):
    return x + (1.0 - xp.exp(dt * (-1.0 / xtau))) * (-(xinf / xtau) / (-1.0 / xtau) - x)


def _advance(xp, p, s, v, env):
    minf, mtau, hinf, htau, ninf, ntau = rates(xp, v, env)
    dt = env["dt"]
    return {
        "m": _cnexp(xp, s["m"], minf, mtau, dt),
        "h": _cnexp(xp, s["h"], hinf, htau, dt),
        "n": _cnexp(xp, s["n"], ninf, ntau, dt),
    }


HH = Mechanism(
    name="hh",
    kind="density",
    params={"gnabar": 0.12, "gkbar": 0.036, "gl": 0.0003, "el": -54.3},
    states=("m", "h", "n"),
    assigned=("gna", "gk", "ina", "ik", "il"),
    current=_current,
    initial=_initial,
    advance=_advance,
    ions={"ena": 50.0, "ek": -77.0},
    ion_currents=("ina", "ik"),
)
