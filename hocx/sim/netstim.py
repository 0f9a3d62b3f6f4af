"""NetStim spike trains on the host, bit-exact with NEURON 9 (numerics.md §7.10–7.11).

Nothing in a cell feeds back into a NetStim driven only by its parameters, so its whole spike
train is known in advance: :class:`SpikeTrain` computes it lazily, in chunks, with NEURON's
floating-point order:

* first spike ``s_0 = start + invl(interval) - interval*(1 - noise)`` (left to right; 0 if
  negative), only when ``start >= 0`` and ``number > 0``;
* ``s_{k+1} = s_k + invl(interval)`` (a running sum, so ``np.cumsum`` — strictly sequential —
  reproduces it), until ``ceil(number)`` spikes;
* ``invl(mean) = mean`` without noise, else ``(1 - noise)*mean + noise*mean*E`` with
  ``E = -ln(U)``, U the next double of the NetStim's Random123 stream (draw 0 for ``s_0``,
  draw k for the interval after spike k); ``mean <= 0`` is replaced by 0.01.

The Philox4x32-10 blocks are computed vectorised here (uint64 arithmetic); the scalar
reference is ``hocx.interp.builtins.random.philox4x32``.
"""
from __future__ import annotations

import math

import numpy as np

MASK32 = np.uint64(0xFFFFFFFF)
_M0, _M1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)
_W0, _W1 = 0x9E3779B9, 0xBB67AE85
_U_SCALE = 1.0 / (2.0**32 + 1.0)


def philox_blocks(seq: np.ndarray, ids: tuple[int, int, int], globalindex: int = 0) -> np.ndarray:
    """Philox4x32-10 of counters ``(seq, id3, id1, id2)`` with key ``(globalindex, 0)``:
    an array (len(seq), 4) of uint32 words as uint64 (NEURON's nrnran123 blocks)."""
    id1, id2, id3 = (int(i) & 0xFFFFFFFF for i in ids)
    n = len(seq)
    c0 = np.asarray(seq, dtype=np.uint64) & MASK32
    c1 = np.full(n, id3, dtype=np.uint64)
    c2 = np.full(n, id1, dtype=np.uint64)
    c3 = np.full(n, id2, dtype=np.uint64)
    k0, k1 = int(globalindex) & 0xFFFFFFFF, 0
    for r in range(10):
        if r:
            k0, k1 = (k0 + _W0) & 0xFFFFFFFF, (k1 + _W1) & 0xFFFFFFFF
        p0, p1 = _M0 * c0, _M1 * c2
        c0, c1, c2, c3 = ((p1 >> np.uint64(32)) ^ c1 ^ np.uint64(k0), p1 & MASK32,
                          (p0 >> np.uint64(32)) ^ c3 ^ np.uint64(k1), p0 & MASK32)
    return np.stack([c0, c1, c2, c3], axis=1)


def negexp_draws(first: int, count: int, ids: tuple[int, int, int], globalindex: int = 0) -> np.ndarray:
    """Draws ``first .. first+count-1`` of the stream as ``E = -ln(U)``,
    ``U = (u32 + 1)/(2^32 + 1)`` (nrnran123_negexp)."""
    if count <= 0:
        return np.zeros(0)
    b0, b1 = first // 4, (first + count - 1) // 4
    if b1 >= 1 << 32:
        raise OverflowError("NetStim: more than 2^34 random draws from one stream")
    words = philox_blocks(np.arange(b0, b1 + 1, dtype=np.uint64), ids, globalindex).reshape(-1)
    u = words[first - 4 * b0:first - 4 * b0 + count]
    # libm's log, element by element: NumPy's vectorised log need not round like C's log
    return np.array([-math.log((int(w) + 1) * _U_SCALE) for w in u], dtype=np.float64)


class SpikeTrain:
    """The spike times of one NetStim from finitialize on (lazily extended).

    ``SpikeTrain(start, interval, number, noise, ids, globalindex=0)``; ``until(t_end)``
    returns every spike time ≤ t_end as a float64 array (call it again with a later t_end to
    extend it; the times already returned never change).
    """

    def __init__(self, start: float, interval: float, number: float, noise: float,
                 ids=(1, 0, 1), globalindex: int = 0):
        self.start, self.interval = float(start), float(interval)
        self.noise = min(max(float(noise), 0.0), 1.0)           # INITIAL clamps it into [0, 1]
        self.ids = tuple(int(i) for i in ids)
        self.globalindex = int(globalindex)
        number = float(number)
        self.count = int(math.ceil(number)) if number > 0 else 0  # spikes until ispike >= number
        if not self.start >= 0:
            self.count = 0
        self._times = np.zeros(0)
        self._draws = 0          # random draws used so far

    def _invl(self, n: int) -> np.ndarray:
        """The next ``n`` values of ``invl(interval)``."""
        mean = self.interval if self.interval > 0 else 0.01
        if self.noise == 0.0:
            return np.full(n, mean)
        e = negexp_draws(self._draws, n, self.ids, self.globalindex)
        self._draws += n
        return (1.0 - self.noise) * mean + (self.noise * mean) * e

    def _extend(self, n: int) -> None:
        """Append the next ``n`` spikes (fewer if the train ends)."""
        have = len(self._times)
        n = min(n, self.count - have)
        if n <= 0:
            return
        if have == 0:
            first = (self.start + self._invl(1)[0]) - self.interval * (1.0 - self.noise)
            steps = np.concatenate(([first if first >= 0 else 0.0], self._invl(n - 1)))   # not before 0
        else:
            steps = np.concatenate(([self._times[-1]], self._invl(n)))
        new = np.cumsum(steps)
        self._times = np.concatenate((self._times, new if have == 0 else new[1:]))

    def until(self, t_end: float) -> np.ndarray:
        """All spike times ≤ ``t_end``."""
        while len(self._times) < self.count and (not len(self._times) or self._times[-1] <= t_end):
            last = self._times[-1] if len(self._times) else 0.0
            mean = self.interval if self.interval > 0 else 0.01
            guess = int(min((t_end - last) / mean * 1.25, 1e7)) + 16 if t_end > last else 16
            self._extend(max(guess, len(self._times)))
        return self._times[:int(np.searchsorted(self._times, t_end, side="right"))]
