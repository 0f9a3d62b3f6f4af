"""NMODL's ``RANDOM`` variables: NEURON 9's nrnran123 Random123 streams, vectorised.

A ``RANDOM r`` of a mechanism is, per instance, a Philox4x32-10 stream with counter
``(c0, id3, id1, id2)`` and key ``(globalindex, 0)`` (NEURON's src/gnu/nrnran123.cpp).  The
generated code keeps it in four numbers per instance (float64, exact: all below 2^35), which
travel with the mechanism's carried values (:func:`keys`):

* ``r__seq`` -- NEURON's ``seq4which`` = ``4*c0 + which``: the index of the next 32-bit draw;
* ``r__id1``, ``r__id2``, ``r__id3`` -- the stream ids.

A draw computes the Philox block ``c0 = seq // 4`` and takes word ``seq % 4`` (NEURON caches
the block; the value is the same), then ``seq += 1``.  The transforms are nrnran123's:
``dblpick = (u + 1) / (2^32 + 1)`` (as ``(u + 1.0) * SHIFT32``), ``uniform = dblpick``,
``uniform(a, b) = a + dblpick*(b - a)``, ``negexp = -log(dblpick)`` (``*mean``), ``normal``
the polar method on pairs of draws.  With NumPy the logarithm is the C library's, element by
element (NumPy's vectorised log need not round as C's does), so host results are NEURON's bits.

One difference from NEURON, documented: ``random_setids`` without a following
``random_setseq`` makes NEURON draw the rest of the cached block of the OLD ids; here the
new ids apply at once.
"""
from __future__ import annotations

import math

import numpy as np

MASK32 = 0xFFFFFFFF
_M0, _M1 = 0xD2511F53, 0xCD9E8D57
_W0, _W1 = 0x9E3779B9, 0xBB67AE85
SHIFT32 = 1.0 / 4294967297.0          # 1/(2^32 + 1)
#: nrnran123_setseq(double): larger values (and negative ones) mean 0
_SEQ_MAX = float(0xFFFFFFFFFF)
_SEQ_MASK = 0x3FFFFFFFF

#: the functions of a RANDOM variable NMODL knows (NEURON 9's RANDOM_FUNCTIONS_MAPPING) and
#: their numbers of arguments after the variable
FUNCTIONS = {"random_setseq": (1,), "random_setids": (3,), "random_uniform": (0, 2),
             "random_negexp": (0, 1), "random_normal": (0, 2), "random_ipick": (0,),
             "random_dpick": (0,)}


def keys(name: str) -> tuple[str, str, str, str]:
    """The carried values of RANDOM variable ``name``: (seq, id1, id2, id3)."""
    return (f"{name}__seq", f"{name}__id1", f"{name}__id2", f"{name}__id3")


def philox_blocks(seq: np.ndarray, ids: tuple[int, int, int], globalindex: int = 0) -> np.ndarray:
    """Philox4x32-10 of counters ``(seq, id3, id1, id2)`` with key ``(globalindex, 0)``:
    an array (len(seq), 4) of uint32 words as uint64 (NEURON's nrnran123 blocks)."""
    id1, id2, id3 = (int(i) & MASK32 for i in ids)
    n = len(seq)
    words = _philox(np, np.asarray(seq, dtype=np.uint64) & np.uint64(MASK32),
                    np.full(n, id3, dtype=np.uint64), np.full(n, id1, dtype=np.uint64),
                    np.full(n, id2, dtype=np.uint64), int(globalindex))
    return np.stack(words, axis=1)


def _philox(xp, c0, c1, c2, c3, globalindex: int = 0):
    """Ten Philox4x32 rounds on uint64 arrays holding 32-bit words (numpy or jax.numpy)."""
    u = xp.uint64
    mask = u(MASK32)
    k0, k1 = int(globalindex) & MASK32, 0
    m0, m1, s32 = u(_M0), u(_M1), u(32)
    for r in range(10):
        if r:
            k0, k1 = (k0 + _W0) & MASK32, (k1 + _W1) & MASK32
        p0, p1 = m0 * c0, m1 * c2
        c0, c1, c2, c3 = ((p1 >> s32) ^ c1 ^ u(k0), p1 & mask,
                          (p0 >> s32) ^ c3 ^ u(k1), p0 & mask)
    return c0, c1, c2, c3


def negexp_draws(first: int, count: int, ids: tuple[int, int, int], globalindex: int = 0) -> np.ndarray:
    """Draws ``first .. first+count-1`` of a stream as ``-log(dblpick)`` (nrnran123_negexp)."""
    if count <= 0:
        return np.zeros(0)
    b0, b1 = first // 4, (first + count - 1) // 4
    words = philox_blocks(np.arange(b0, b1 + 1, dtype=np.uint64), ids, globalindex).reshape(-1)
    u = words[first - 4 * b0:first - 4 * b0 + count]
    return np.array([-math.log((int(w) + 1.0) * SHIFT32) for w in u], dtype=np.float64)


def _is_numpy(xp) -> bool:
    return xp is np


def _log(xp, x):
    if _is_numpy(xp):
        a = np.asarray(x, dtype=np.float64)
        return np.array([math.log(e) for e in a.reshape(-1)], dtype=np.float64).reshape(a.shape)
    return xp.log(x)


class Streams:
    """The RANDOM variables of one running generated function: ``st`` holds their carried
    values (:func:`keys`); each method is one NMODL function of a RANDOM variable, called as
    ``_ran(xp, st).negexp("r")`` (the variable by name)."""

    __slots__ = ("xp", "st")

    def __init__(self, xp, st: dict):
        self.xp = xp
        self.st = st

    # -- the stream -------------------------------------------------------------------
    def ipick(self, name: str):
        """The next 32-bit draw (as a float64) and the sequence advanced by one."""
        xp, st = self.xp, self.st
        ks, k1, k2, k3 = keys(name)
        seq = xp.asarray(st[ks], dtype=xp.float64)
        shape = xp.shape(seq)
        for k in (k1, k2, k3):
            shape = xp.broadcast_shapes(shape, xp.shape(xp.asarray(st[k])))
        seq = xp.broadcast_to(seq, shape)
        u = xp.uint64

        def w(k):
            return xp.broadcast_to(xp.asarray(st[k], dtype=xp.float64), shape).astype(u) & u(MASK32)

        s64 = seq.astype(u)
        c0 = (s64 >> u(2)) & u(MASK32)
        which = s64 & u(3)
        b = _philox(xp, c0, w(k3), w(k1), w(k2))
        word = xp.where(which == u(0), b[0], xp.where(which == u(1), b[1],
                                                      xp.where(which == u(2), b[2], b[3])))
        st[ks] = seq + 1.0
        return word.astype(xp.float64)

    def dpick(self, name: str):
        return (self.ipick(name) + 1.0) * SHIFT32

    def uniform(self, name: str, a=None, b=None):
        d = self.dpick(name)
        if a is None:
            return d
        return a + d * (b - a)

    def negexp(self, name: str, mean=None):
        r = -_log(self.xp, self.dpick(name))
        return r if mean is None else r * mean

    def normal(self, name: str, mu=None, sigma=None):
        """The polar method (nrnran123_normal): pairs of draws until ``w <= 1``; each
        instance draws as many pairs as it needs."""
        from .nmodl.runtime import while_loop
        xp, st = self.xp, self.st
        ks = keys(name)[0]
        u1 = 2.0 * self.dpick(name) - 1.0
        u2 = 2.0 * self.dpick(name) - 1.0
        w = (u1 * u1) + (u2 * u2)

        def cond(c):
            return xp.any(c[3] > 1)

        def body(c):
            seq, a1, a2, ww = c
            redo = ww > 1
            st[ks] = seq
            n1 = 2.0 * self.dpick(name) - 1.0
            n2 = 2.0 * self.dpick(name) - 1.0
            seq2 = st[ks]
            nw = (n1 * n1) + (n2 * n2)
            return (xp.where(redo, seq2, seq), xp.where(redo, n1, a1), xp.where(redo, n2, a2),
                    xp.where(redo, nw, ww))

        seq, u1, _u2, w = while_loop(xp, cond, body, (st[ks], u1, u2, w))
        st[ks] = seq
        y = xp.sqrt((-2.0 * _log(xp, w)) / w)
        x = u1 * y
        return x if mu is None else mu + x * sigma

    # -- setting it -----------------------------------------------------------------------
    def setseq(self, name: str, seq4which):
        """``random_setseq(r, x)``: nrnran123_setseq(double): 0 when negative or past
        2^40 - 1, else its integer part modulo 2^34."""
        xp = self.xp
        x = xp.asarray(seq4which, dtype=xp.float64)
        x = xp.where((x < 0.0) | (x > _SEQ_MAX), 0.0, x)
        self.st[keys(name)[0]] = (x.astype(xp.uint64) & xp.uint64(_SEQ_MASK)).astype(xp.float64)
        return 0.0

    def setids(self, name: str, id1, id2, id3):
        """``random_setids(r, id1, id2, id3)``: the ids as C's (uint32_t) casts (of
        non-negative values below 2^32)."""
        xp = self.xp
        for k, v in zip(keys(name)[1:], (id1, id2, id3)):
            x = xp.asarray(v, dtype=xp.float64)
            self.st[k] = (x.astype(xp.uint64) & xp.uint64(MASK32)).astype(xp.float64)
        return 0.0


def streams(xp, st: dict) -> Streams:
    return Streams(xp, st)
