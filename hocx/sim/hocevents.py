"""``cvode.event(te, "stmt")`` in the fixed-step method: a HOC statement run at a step boundary.

The delivery rule of numerics.md §8.3: the statement runs immediately before the step from
``t_n`` to ``t_{n+1}`` for the smallest n with ``te <= t_n + dt/2`` (t accumulated as NEURON
does, ``t_{k+1} = (t_k + dt/2) + dt/2``), with ``t = t_n``; what it changes acts from that
step on (NEURON: ``t=2`` is printed for ``cvode.event(2, ...)`` although the accumulated
``t_80`` is 1.999999999999995).  ``finitialize`` clears the queue right after the type-3
FInitializeHandlers, so events scheduled by handlers of types 0-2 survive.
"""
from __future__ import annotations

import heapq


class HocEvents:
    """The pending statement events of one session, in time order (ties: scheduling order)."""

    def __init__(self):
        self._heap: list = []
        self._seq = 0

    @property
    def pending(self) -> bool:
        return bool(self._heap)

    def schedule(self, te: float, stmt: str, obj=None) -> None:
        heapq.heappush(self._heap, (float(te), self._seq, stmt, obj))
        self._seq += 1

    def clear(self) -> None:
        self._heap.clear()

    def steps_to_next(self, t0: float, dt: float, nmax: int) -> int | None:
        """Steps from ``t0`` to the boundary before which the earliest event runs (0: before the
        next step; at most ``nmax``), or None when it is further."""
        if not self._heap:
            return None
        te = self._heap[0][0]
        h = 0.5 * dt
        t = t0
        for k in range(nmax + 1):
            if te <= t + h:
                return k
            t = (t + h) + h
        return None

    def take_due(self, t: float, dt: float) -> list:
        """The events due before the step from ``t`` (``te <= t + dt/2``; removed), in order."""
        out = []
        while self._heap and self._heap[0][0] <= t + 0.5 * dt:
            _te, _seq, stmt, obj = heapq.heappop(self._heap)
            out.append((stmt, obj))
        return out
