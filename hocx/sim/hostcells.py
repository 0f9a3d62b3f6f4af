"""Self-driven artificial cells simulated on the host (numerics.md §7.10–7.11).

An artificial cell that no NetCon reaches (a NetStim driven only by its parameters) lives on
its own events: the ``net_send`` of its INITIAL block and of its NET_RECEIVE.  Nothing in the
network feeds back into it, so its whole spike train can be computed ahead of the compiled
step, with the mechanism's own translated hooks run with NumPy (``spec.initial``,
``spec.receive_event``: the .mod's statements in nocmodl's floating-point order, the C
library's ``log`` for its RANDOM draws), and its ``net_event`` spikes enter the network as
external events, exactly timed.  That keeps the step free of the general NET_RECEIVE
machinery for the common NetStim → synapse case and gives NEURON's bits.

:class:`HostCells` runs one mechanism block's self-driven instances as a vectorised discrete
event loop: a bounded pending-event buffer per instance (time, flag, insertion number: ties
go first in, first out, as NEURON's queue), each round delivering the earliest due event of
every instance that has one (``t`` = the event's time, arguments 0: NEURON passes the weight
of the NetCon that sent a self event, and these events come from INITIAL).  ``net_move``
re-times the instance's last ``net_send``.

Eligible (:func:`eligible`): an ARTIFICIAL_CELL with a translated NET_RECEIVE, no WATCH and no
POINTER, and no valid NetCon targeting any instance of its block.
"""
from __future__ import annotations

import numpy as np

from ..errors import ModelError
from ..spec import Kind

#: pending events per instance to start with (grown when full)
QUEUE = 4
#: delivery rounds at one time without time advancing before a delay-0 cycle is declared
MAX_SAME_TIME = 100000


def eligible(mech) -> bool:
    """Can this mechanism's instances be run on the host when nothing reaches them?"""
    return (mech.kind is Kind.ARTIFICIAL_CELL and getattr(mech, "receive_event", None) is not None
            and not getattr(mech, "watches", ()) and not mech.pointers)


class HostCells:
    """One mechanism block's self-driven instances (see the module docstring).

    ``HostCells(mech, params, states, env)``: ``params`` / ``states`` per instance as the
    lowering gives them; INITIAL runs at construction (finitialize, t = 0).
    ``advance(t_end)`` delivers every pending event with ``te <= t_end`` and returns the
    ``net_event`` spikes it made as ``(instance, time)`` pairs in time order.
    """

    def __init__(self, mech, params: dict, states: dict, env: dict | None = None, count=None):
        self.mech = mech
        self.env = {"dt": 0.025, "celsius": 6.3, **(env or {})}
        n = int(count if count is not None else len(next(iter(params.values()), ())))
        self.n = n
        self.p = {k: np.asarray(x, dtype=np.float64) for k, x in params.items()}
        self.nargs = max(1, len(getattr(mech, "net_receive_args", ()) or ()) or mech.net_receive)
        self.pq_t = np.full((n, QUEUE), np.inf)
        self.pq_f = np.zeros((n, QUEUE))
        self.pq_n = np.zeros((n, QUEUE), dtype=np.int64)
        self.tq = np.full(n, -1, dtype=np.int64)      # insertion number of the last net_send
        self.seq = 0
        self.t = 0.0
        v = np.zeros(n)
        s0 = {k: np.asarray(x, dtype=np.float64) for k, x in states.items()}
        with np.errstate(all="ignore"):
            out = dict(mech.initial(np, self.p, s0, v, {**self.env, "t": 0.0}))
        sends = out.pop("__sends", None) or []
        self.s = {k: np.array(np.broadcast_to(out.get(k, s0.get(k, 0.0)), (n,)), dtype=np.float64)
                  for k in mech.states}
        rows = np.arange(n)
        for mask, delay, flag in sends:
            self._send(rows, np.zeros(n), mask, delay, flag)

    # -- the queue -----------------------------------------------------------------------
    def _send(self, rows, te, mask, delay, flag) -> None:
        k = len(rows)
        mask = np.broadcast_to(np.asarray(mask, dtype=bool), (k,))
        if not mask.any():
            return
        r = rows[mask]
        when = (np.broadcast_to(np.asarray(te, dtype=np.float64), (k,))
                + np.broadcast_to(np.asarray(delay, dtype=np.float64), (k,)))[mask]
        fl = np.broadcast_to(np.asarray(flag, dtype=np.float64), (k,))[mask]
        free = np.isinf(self.pq_t[r])
        if not free.any(axis=1).all():
            self._grow()
            free = np.isinf(self.pq_t[r])
        j = np.argmax(free, axis=1)
        nums = self.seq + np.arange(len(r), dtype=np.int64)
        self.seq += len(r)
        self.pq_t[r, j] = when
        self.pq_f[r, j] = fl
        self.pq_n[r, j] = nums
        self.tq[r] = nums

    def _grow(self) -> None:
        q = self.pq_t.shape[1]
        if q >= 4096:
            raise ModelError(f"{self.mech.name}: more than {q} pending self events in one "
                             "instance (event queue overflow)")
        pad = lambda a, fill: np.concatenate([a, np.full((self.n, q), fill, dtype=a.dtype)], axis=1)
        self.pq_t, self.pq_f, self.pq_n = pad(self.pq_t, np.inf), pad(self.pq_f, 0.0), pad(self.pq_n, 0)

    def _move(self, rows, te, mask, when) -> None:
        k = len(rows)
        mask = np.broadcast_to(np.asarray(mask, dtype=bool), (k,))
        when = np.broadcast_to(np.asarray(when, dtype=np.float64), (k,))
        for i in np.nonzero(mask)[0]:
            r = rows[i]
            hit = np.nonzero((self.pq_n[r] == self.tq[r]) & np.isfinite(self.pq_t[r]))[0]
            if not len(hit):
                raise ModelError(f"No event with flag=1 for net_move in {self.mech.name}")
            if when[i] < te[i]:
                raise ModelError(f"{self.mech.name}: net_move tt < t")
            j = hit[0]
            self.pq_t[r, j] = when[i]
            self.pq_n[r, j] = self.tq[r] = self.seq
            self.seq += 1

    # -- delivery ------------------------------------------------------------------------
    def advance(self, t_end: float) -> list[tuple[int, float]]:
        spikes: list[tuple[int, float]] = []
        same, last = 0, None
        mech = self.mech
        while True:
            tmin = self.pq_t.min(axis=1)
            due = tmin <= t_end
            if not due.any():
                break
            rows = np.nonzero(due)[0]
            q = self.pq_t[rows]
            first = np.where(q == tmin[rows, None], self.pq_n[rows], np.iinfo(np.int64).max)
            j = np.argmin(first, axis=1)
            te = q[np.arange(len(rows)), j]
            flag = self.pq_f[rows, j]
            self.pq_t[rows, j] = np.inf
            t0 = float(te.min())
            same = same + 1 if t0 == last else 0
            last = t0
            if same > MAX_SAME_TIME:
                raise ModelError(f"{mech.name}: events at t = {t0:g} keep sending events with "
                                 "delay 0 (a runaway net_send cycle)")
            p = {k: x[rows] if np.ndim(x) else x for k, x in self.p.items()}
            s = {k: x[rows] for k, x in self.s.items()}
            k = len(rows)
            args = tuple(np.zeros(k) for _ in range(self.nargs))
            with np.errstate(all="ignore"):
                out = mech.receive_event(np, p, s, args, flag, te, np.zeros(k),
                                         {**self.env, "t": te})
            for name, x in out["s"].items():
                if name in self.s:
                    self.s[name][rows] = np.broadcast_to(x, (k,))
            for mask, when in out.get("events", ()):
                m = np.broadcast_to(np.asarray(mask, dtype=bool), (k,))
                w = np.broadcast_to(np.asarray(when, dtype=np.float64), (k,))
                spikes.extend((int(rows[i]), float(w[i])) for i in np.nonzero(m)[0])
            sends, done = list(out.get("sends", ())), 0
            for mv in out.get("moves", ()):        # in the block's order (net_send, net_move)
                n = int(mv[2]) if len(mv) > 2 else len(sends)
                for mask, delay, fl in sends[done:n]:
                    self._send(rows, te, mask, delay, fl)
                done = max(done, n)
                self._move(rows, te, mv[0], mv[1])
            for mask, delay, fl in sends[done:]:
                self._send(rows, te, mask, delay, fl)
        spikes.sort(key=lambda e: e[1])
        return spikes
