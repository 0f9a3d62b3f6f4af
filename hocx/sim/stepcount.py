"""How many steps ``continuerun(tstop)`` takes, without a Python loop per step.

stdrun's loop is ``while (t < tstop - dt/2) { nstep_steprun times: t = (t + dt/2) + dt/2 }``
(../shared/numerics.md: t accumulates by two half steps).  The count must match that
accumulated grid exactly, so up to ``EXACT_STEPS`` steps it is computed by replaying the
accumulation with ``numpy.add.accumulate`` (strictly sequential, so bit-identical to the
loop) in chunks; beyond that the run is so long that the closed form
``ceil((target - t0) / dt)`` is used.  A run where ``t + dt/2`` stops changing before
tstop (NEURON would loop forever) is refused.
"""
from __future__ import annotations

import math

import numpy as np

from ..errors import HocRuntimeError, Span

EXACT_STEPS = 10_000_000     # replayed exactly up to here (about 0.2 s of numpy)
_CHUNK = 1 << 20             # half steps per numpy call


def continuerun_steps(t0: float, tstop: float, dt: float, nstep: int = 1,
                      span: Span | None = None) -> int:
    """Steps stdrun's ``continuerun(tstop)`` takes from ``t0``: a multiple of ``nstep``."""
    h = 0.5 * dt
    target = tstop - dt / 2
    if not t0 < target:                      # also NaN tstop or t
        return 0
    if not math.isfinite(target):
        raise HocRuntimeError(f"tstop = {tstop:g}: the run would never end", span)
    if h * 2.0 ** 52 < max(abs(target), abs(t0)):
        raise HocRuntimeError(
            f"dt = {dt:g} is too small for tstop = {tstop:g}", span,
            hint=f"t = t + dt/2 loses its precision past t = {h * 2.0 ** 52:.3g} and stops "
                 f"changing near {h * 2.0 ** 53:.3g} (NEURON would loop forever); use a larger dt")
    estimate = (target - t0) / dt
    if estimate > EXACT_STEPS:
        blocks = math.ceil(estimate / nstep)
        return int(blocks) * nstep
    return _replay(t0, target, h, nstep)


def _replay(t: float, target: float, h: float, nstep: int) -> int:
    """The loop itself, a chunk of half steps at a time."""
    n = 0
    block = 2 * nstep                         # half steps between two checks of the loop test
    per_chunk = max(1, _CHUNK // block) * block
    halves = np.full(per_chunk + 1, h)
    while True:
        halves[0] = t
        acc = np.add.accumulate(halves)
        checks = acc[block::block]            # t after each nstep steps
        hit = np.nonzero(checks >= target)[0]
        if hit.size:
            return n + (int(hit[0]) + 1) * nstep
        n += len(checks) * nstep
        t = float(acc[len(checks) * block])
