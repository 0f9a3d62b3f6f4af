"""Maps between a trainable's physical value and the unconstrained value the optimiser moves.

``sigmoid``: bounded parameters, ``lo + (hi − lo)·σ(u)``; ``softplus``: positive ones,
``log(1 + e^u)``; ``identity`` otherwise.  The fitted value is always reported physically.
"""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np


def to_physical(kind: str, u, bounds):
    """Physical value of unconstrained ``u``."""
    if kind == "sigmoid":
        lo, hi = bounds
        return lo + (hi - lo) * (1.0 / (1.0 + jnp.exp(-u)))
    if kind == "softplus":
        return jnp.logaddexp(u, 0.0)
    return u


def to_unconstrained(kind: str, p, bounds) -> np.ndarray:
    """Inverse of :func:`to_physical` (host side, for initial values)."""
    p = np.asarray(p, dtype=np.float64)
    if kind == "sigmoid":
        lo, hi = bounds
        z = (p - lo) / (hi - lo)
        return np.log(z) - np.log1p(-z)
    if kind == "softplus":
        return np.where(p > 30.0, p, np.log(np.expm1(np.maximum(p, 1e-300))))
    return p
