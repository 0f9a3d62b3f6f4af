"""Batching hand-written ``while (t < tstop) fadvance()`` loops.

One ``fadvance()`` at a time would pay a device call, transfers and write-back per step.
Instead, the first call of a loop computes a small batch of steps ahead with a program that
records the *whole* state (v, mechanism states and assigned values) at every step; each
following ``fadvance()`` just hands out the next step — writing that step's state back into
the model, so HOC code between the calls reads exactly what NEURON would show.  Anything
that could change the outcome (the model's values or structure, t, dt, celsius,
secondorder, usetable_hh, the recording set) invalidates the batch: the simulator is reset
to the last step handed out and the rest is discarded.  Batches double while they are used
up (to ``MAX_BATCH``) and shrink to what was used when they are cut short.
"""
from __future__ import annotations

import numpy as np

from .integrator import RecSource

MAX_BATCH = 256
FIRST_BATCH = 8
#: batching is used only while one batch of full-state rows stays below this many values
MAX_VALUES = 4_000_000


class FullLayout:
    """Record columns holding the whole state: the user's columns first, then v of every
    node and every state and assigned value of every mechanism instance."""

    def __init__(self, user: tuple[RecSource, ...], n: int, state: dict):
        sources = list(user)
        index = {src: i for i, src in enumerate(sources)}

        def col(src: RecSource) -> int:
            if src not in index:
                index[src] = len(sources)
                sources.append(src)
            return index[src]

        self.t = col(RecSource("t"))
        self.v = np.array([col(RecSource("v", index=i)) for i in range(n)])
        self.states, self.assigned = [], []
        def cols(kind, bi, var, x):
            x = np.asarray(x)
            if x.ndim == 2:          # an ARRAY variable: (size, instances), element leading
                return np.array([[col(RecSource(kind, bi, f"{var}[{e}]", j))
                                  for j in range(x.shape[1])] for e in range(x.shape[0])])
            return np.array([col(RecSource(kind, bi, var, j)) for j in range(len(np.atleast_1d(x)))])

        for bi, (s, a) in enumerate(zip(state["s"], state["a"])):
            self.states.append({var: cols("state", bi, var, x) for var, x in s.items()})
            self.assigned.append({var: cols("assigned", bi, var, x) for var, x in a.items()})
        self.sources = tuple(sources)
        self.nuser = len(user)

    def unpack(self, row: np.ndarray):
        """(t, v, states, assigned) of one full row."""
        states = [{k: row[c] for k, c in d.items()} for d in self.states]
        assigned = [{k: row[c] for k, c in d.items()} for d in self.assigned]
        return float(row[self.t]), row[self.v], states, assigned


class Ahead:
    """Steps computed ahead of the HOC program, handed out one per fadvance()."""

    def __init__(self, rows: np.ndarray, layout: FullLayout, error=None):
        self.rows, self.layout = rows, layout
        self.used = 0
        self.error = error            # NumericalError due at step len(rows), if the batch hit one

    @property
    def left(self) -> int:
        return len(self.rows) - self.used

    def take(self) -> np.ndarray:
        row = self.rows[self.used]
        self.used += 1
        return row


def next_batch(previous: Ahead | None) -> int:
    """Size of the next batch: double after a batch was used up, else what was used."""
    if previous is None:
        return FIRST_BATCH
    if previous.left == 0:
        return min(2 * len(previous.rows), MAX_BATCH)
    return max(previous.used, 1)
