"""Vector.record sample schedules (numerics.md §9.2) on synthetic rows."""
import numpy as np

from hocx.sim.recording import Recording


class Vec:
    """The part of the Vector protocol recordings use."""

    def __init__(self):
        self.x = np.zeros(0)

    def resize_to(self, n):
        self.x = self.x[:n]

    def push(self, values):
        self.x = np.concatenate([self.x, np.atleast_1d(values)])


def grid(nsteps, dt=0.025):
    t = [0.0]
    for _ in range(nsteps):
        t.append((t[-1] + dt / 2) + dt / 2)
    return np.array(t)


def test_every_step_takes_every_row():
    r = Recording(Vec(), None)
    r.reset()
    t = grid(10)
    r.take(t[:1], np.arange(1.0), 0.025, 0.0, first=True)
    r.take(t, np.arange(11.0), 0.025, t[-1], first=False)
    np.testing.assert_array_equal(r.vec.x, np.arange(11.0))     # k steps give k+1 samples


def test_Dt_of_one_and_a_half_steps_picks_0_1_3_4_6():
    dt = 0.25          # exact in binary, so te = 4.5 dt ties with t_4 + dt/2 (and goes to step 4)
    r = Recording(Vec(), None, Dt=1.5 * dt)
    r.reset()
    t = grid(8, dt)
    values = np.arange(9.0)                                    # value = step index
    r.take(t[:1], values[:1], dt, 0.0, first=True)
    r.take(t[:5], values[:5], dt, t[4], first=False)           # in two batches
    r.take(t[4:], values[4:], dt, t[-1], first=False)
    np.testing.assert_array_equal(r.vec.x, [0, 1, 3, 4, 6, 7])


def test_tvec_samples_nearest_grid_point_ties_to_the_earlier():
    dt = 0.025
    tv = Vec()
    tv.x = np.array([0.0, 0.0125, 0.013, 0.05, 0.2])
    r = Recording(Vec(), None, tvec=tv)
    r.reset()
    t = grid(6, dt)
    values = np.arange(7.0)
    r.take(t[:1], values[:1], dt, 0.0, first=True)
    r.take(t, values, dt, t[-1], first=False)
    # 0 -> step 0; 0.0125 = t_0 + dt/2 -> step 0; 0.013 -> step 1; 0.05 -> step 2; 0.2 not reached
    np.testing.assert_array_equal(r.vec.x, [0, 0, 1, 2])
