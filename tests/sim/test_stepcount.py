"""Issue 18: continuerun's step count by arithmetic, identical to stdrun's accumulated t."""
from __future__ import annotations

import random
import time

import pytest

from hocx.errors import HocError
from hocx.sim.stepcount import EXACT_STEPS, continuerun_steps


def stdrun_loop(t: float, tstop: float, dt: float, nstep: int) -> int:
    h, n = 0.5 * dt, 0
    while t < tstop - dt / 2:
        for _ in range(nstep):
            t = (t + h) + h
        n += nstep
    return n


def test_identical_to_the_accumulating_loop():
    rng = random.Random(18)
    for _ in range(150):
        dt = rng.choice([0.025, 0.01, 0.1, 0.05, 1 / 3, 0.0125, 2 ** -6, rng.uniform(5e-3, 1)])
        tstop = rng.choice([rng.uniform(0, 100), round(rng.uniform(0, 500), 1), 5.0, 40.0, 100.0])
        t0 = rng.choice([0.0, 0.0, rng.uniform(0, tstop), -5.0])
        nstep = rng.choice([1, 1, 2, 5])
        assert continuerun_steps(t0, tstop, dt, nstep) == stdrun_loop(t0, tstop, dt, nstep), \
            (t0, tstop, dt, nstep)


def test_many_chunks_still_exact():
    # more than one numpy chunk (2**20 half steps), where the accumulated t has drifted
    assert continuerun_steps(0.0, 30000.0, 0.025) == stdrun_loop(0.0, 30000.0, 0.025, 1)


def test_nothing_to_do():
    assert continuerun_steps(5.0, 5.0, 0.025) == 0
    assert continuerun_steps(0.0, float("nan"), 0.025) == 0


def test_huge_runs_start_at_once():
    t = time.perf_counter()
    n = continuerun_steps(0.0, 1e6, 1e-6)
    assert n == 10 ** 12 and n > EXACT_STEPS
    assert continuerun_steps(0.0, 1e6, 1e-6, 7) % 7 == 0
    assert time.perf_counter() - t < 0.1


def test_time_that_stops_advancing_is_refused():
    with pytest.raises(HocError, match="too small"):
        continuerun_steps(0.0, 1e9, 1e-9)
    with pytest.raises(HocError, match="never end"):
        continuerun_steps(0.0, float("inf"), 0.025)
