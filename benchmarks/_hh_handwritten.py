"""The former hand-written ``hh`` spec (hocx/spec/builtin/hh.py until the built-ins became
stdlib/hh.mod), kept ONLY as the baseline of benchmarks/nmodl_translate.py (translated hh vs
hand-written).  hocx does not use it.  Registered under the suffix ``hhH``.

hh: Hodgkin–Huxley squid-axon channels (NEURON's hh.mod), with its rate TABLE and q10.

Rates are evaluated either exactly (``usetable_hh = 0``) or, as NEURON does by default,
by linear interpolation in six 201-entry tables of minf/mtau/hinf/htau/ninf/ntau built at
v = −100 … 100 mV for the current ``celsius`` (numerics.md §7.3).
"""
from __future__ import annotations

import numpy as np

from hocx.spec import A, IonUse, Kind, MechSpec, P, S

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
    q10 = env["q10"] if "q10" in env else xp.power(3.0, (env["celsius"] - 6.3) / 10.0)
    return rates_exact(xp, v, q10)


def _current(xp, p, s, v, t, env):
    m, h, n = s["m"], s["h"], s["n"]
    gna = p["gnabar"] * m * m * m * h
    ina = gna * (v - p["ena"])
    gk = p["gkbar"] * n * n * n * n
    ik = gk * (v - p["ek"])
    il = p["gl"] * (v - p["el"])
    total = ((0.0 + ina) + ik) + il
    return total, {"gna": gna, "gk": gk, "ina": ina, "ik": ik, "il": il}


def _initial(xp, p, s, v, env):
    minf, _, hinf, _, ninf, _ = rates(xp, v, env)
    return {"m": minf + 0.0 * v, "h": hinf + 0.0 * v, "n": ninf + 0.0 * v}


def _cnexp_coeffs(xp, p, s, v, env):
    """``x' = (xinf − x)/xtau`` as ``a + b·x``: ``a = xinf/xtau``, ``b = (−1.0)/xtau`` (nocmodl's
    symbolic form, so the integrator's cnexp reproduces hh.c's expression bit for bit)."""
    minf, mtau, hinf, htau, ninf, ntau = rates(xp, v, env)
    return {"m": (minf / mtau, -1.0 / mtau), "h": (hinf / htau, -1.0 / htau),
            "n": (ninf / ntau, -1.0 / ntau)}


def _derivative(xp, p, s, v, env):
    """The DERIVATIVE block ``states``: m' = (minf − m)/mtau, ..."""
    minf, mtau, hinf, htau, ninf, ntau = rates(xp, v, env)
    return {"m": (minf - s["m"]) / mtau, "h": (hinf - s["h"]) / htau, "n": (ninf - s["n"]) / ntau}


def tables(globals_: dict, celsius: float, dt: float = 0.025, usetable: bool = True) -> dict:
    """hh's step-wide values at ``celsius``: the q10 factor and the rate table."""
    return {"q10": q10_factor(celsius), "hh_table": lookup_table(build_table(celsius))}


HH = MechSpec(
    name="hhH", kind=Kind.DENSITY,
    variables=(P("gnabar", 0.12, "S/cm2"), P("gkbar", 0.036, "S/cm2"), P("gl", 0.0003, "S/cm2"),
               P("el", -54.3, "mV"), A("gna", "S/cm2"), A("gk", "S/cm2"), A("il", "mA/cm2"),
               S("m"), S("h"), S("n")),
    ions=(IonUse("na", read=("ena",), write=("ina",)), IonUse("k", read=("ek",), write=("ik",))),
    nonspecific_current="il",
    current=_current, initial=_initial, method="cnexp", cnexp_coeffs=_cnexp_coeffs,
    derivative=_derivative,
    tables=tables, flags=(("usetable", "usetable_hhH", 1.0),),
    doc="the former hand-written hh (benchmark baseline)")
