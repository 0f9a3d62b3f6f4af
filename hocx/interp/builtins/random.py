"""NEURON's ``Random``: a generator plus a distribution, as in nrniv.

Generators (each gives doubles in (0, 1) through ``next_double()``):

* ``Random123Stream`` — Philox4x32-10, bit-exact with NEURON 9 (numerics.md
  §7.11): counter ``(seq, id3, id1, id2)``, key ``(globalindex, 0)``, the four
  output words used in order, ``u -> (u + 1) / (2**32 + 1)``.
* ``MCellRan4`` — NEURON's two-round ran4 hash of ``(high++, low)``, ``u / 2**32``;
  bit-exact.
* ``ACG`` (NEURON's default, also ``Random(seed)``) is **not** reproduced: hocx
  substitutes an MCellRan4 stream seeded with the seed.  Scripts that need
  nrniv's exact numbers must call ``r.Random123(...)`` or ``r.MCellRan4(...)``.

Distributions are the libg++ algorithms NEURON uses (Uniform, Normal by the polar
method with a cached second value, NegativeExpntl, Poisson, DiscreteUniform,
LogNormal, Binomial, Geometric, Erlang, Weibull); with Random123 or MCellRan4
they reproduce nrniv's values exactly.
"""
from __future__ import annotations

import math
from typing import Any, Callable

from ...errors import HocRuntimeError, Span
from ..objects import HocObject
from ..printf import c_int
from .strings import int_arg, num_arg
from .strings import chkarg
from . import method_docs

MASK32 = 0xFFFFFFFF
_PHILOX_M = (0xD2511F53, 0xCD9E8D57)
_PHILOX_W = (0x9E3779B9, 0xBB67AE85)


def philox4x32(ctr: tuple[int, int, int, int], key: tuple[int, int], rounds: int = 10) -> tuple[int, ...]:
    """Random123's Philox4x32 block function (ten rounds by default)."""
    c0, c1, c2, c3 = ctr
    k0, k1 = key
    for r in range(rounds):
        if r:
            k0, k1 = (k0 + _PHILOX_W[0]) & MASK32, (k1 + _PHILOX_W[1]) & MASK32
        p0, p1 = _PHILOX_M[0] * c0, _PHILOX_M[1] * c2
        c0, c1, c2, c3 = ((p1 >> 32) ^ c1 ^ k0, p1 & MASK32, (p0 >> 32) ^ c3 ^ k1, p0 & MASK32)
    return c0, c1, c2, c3


class Random123Stream:
    """NEURON's nrnran123 stream: Philox4x32-10 over (seq, id3, id1, id2), key (globalindex, 0)."""

    def __init__(self, id1: int = 0, id2: int = 0, id3: int = 0, globalindex: int = 0):
        self.ids = (id1 & MASK32, id2 & MASK32, id3 & MASK32)
        self.globalindex = globalindex & MASK32
        self.seq = 0       # 128-bit counter word 0 (with carry into the rest)
        self.which = 0     # next word of the current block
        self._block: tuple[int, ...] | None = None

    def _compute(self) -> tuple[int, ...]:
        id1, id2, id3 = self.ids
        # the counter is a 128-bit little-endian number whose low word is seq
        seq = self.seq & MASK32
        carry = self.seq >> 32
        words = [seq, (id3 + carry) & MASK32, id1, id2]
        if id3 + carry > MASK32:   # carry further (never reached in practice)
            words[2] = (id1 + 1) & MASK32
        return philox4x32(tuple(words), (self.globalindex, 0))

    def next_u32(self) -> int:
        if self._block is None:
            self._block = self._compute()
        u = self._block[self.which]
        self.which += 1
        if self.which == 4:
            self.which = 0
            self.seq += 1
            self._block = None
        return u

    def next_double(self) -> float:
        return (self.next_u32() + 1) * (1.0 / (2.0**32 + 1.0))

    def get_position(self) -> float:
        return float(self.seq * 4 + self.which)

    def set_position(self, pos: float) -> None:
        p = max(c_int(pos, 64), 0)
        self.seq, self.which, self._block = p // 4, p % 4, None


def mcell_ran4_int(high: int, low: int) -> int:
    """NEURON's nrnRan4int: a two-round 64-bit hash of (high, low) giving 32 bits."""
    def mix(a: int, b: int, c1: int, c2: int) -> int:
        w = a ^ c1
        v, w = w >> 16, w & 0xFFFF
        u = ~((v - w) * (v + w)) & MASK32
        return b ^ (((((u >> 16) | (u << 16)) & MASK32) ^ c2) + w * v) & MASK32

    n, m = high & MASK32, low & MASK32
    m = mix(n, m, 0xBAA96887, 0x4B0F3B58)
    n = mix(m, n, 0x1E17D32C, 0xE874F0C3)
    return n


class MCellRan4Stream:
    """NEURON's MCellRan4 generator: ran4 hash of an incrementing high index and a fixed low index."""

    def __init__(self, high: int, low: int = 0):
        self.high, self.low = high & MASK32, low & MASK32

    def next_double(self) -> float:
        u = mcell_ran4_int(self.high, self.low)
        self.high = (self.high + 1) & MASK32
        return u * (1.0 / 4294967296.0)

    def get_position(self) -> float:
        return float(self.high)

    def set_position(self, pos: float) -> None:
        self.high = c_int(pos, 64) & MASK32


# ---- distributions (libg++ algorithms, as in NEURON's src/gnu) -------------------

Gen = Callable[[], float]


def _normal(mean: float, variance: float) -> Callable[[Gen], float]:
    std = math.sqrt(variance)
    cache: list[float] = []

    def draw(u: Gen) -> float:
        if cache:
            return cache.pop() * std + mean
        while True:
            v1, v2 = 2 * u() - 1, 2 * u() - 1
            w = v1 * v1 + v2 * v2
            if w <= 1:
                y = math.sqrt((-2 * math.log(w)) / w)
                cache.append(v2 * y)
                return v1 * y * std + mean
    return draw


def _lognormal(mean: float, variance: float) -> Callable[[Gen], float]:
    m2 = mean * mean
    normal = _normal(math.log(m2 / math.sqrt(variance + m2)), math.log((variance + m2) / m2))
    # libg++ passes the variance of the underlying normal: pStdDev = sqrt(log((v + m2) / m2))
    return lambda u: math.exp(normal(u))


def _poisson(mean: float) -> Callable[[Gen], float]:
    bound = math.exp(-1.0 * mean)

    def draw(u: Gen) -> float:
        count, product = 0, 1.0
        while product >= bound:
            count += 1
            product *= u()
        return float(count - 1)
    return draw


def _discunif(low: float, high: float) -> Callable[[Gen], float]:
    lo, hi = c_int(min(low, high)), c_int(max(low, high))
    delta = hi - lo + 1
    return lambda u: float(lo + int(math.floor(delta * u())))


def _binomial(n: float, p: float) -> Callable[[Gen], float]:
    return lambda u: float(sum(1 for _ in range(int(n)) if u() < p))


def _geometric(mean: float) -> Callable[[Gen], float]:
    def draw(u: Gen) -> float:
        samples = 1
        while u() < mean:
            samples += 1
        return float(samples)
    return draw


def _erlang(mean: float, variance: float) -> Callable[[Gen], float]:
    k = max(int(mean * mean / variance + 0.5), 1)
    a = k / mean

    def draw(u: Gen) -> float:
        prod = 1.0
        for _ in range(k):
            prod *= u()
        return -math.log(prod) / a
    return draw


def _weibull(alpha: float, beta: float) -> Callable[[Gen], float]:
    inv = 1.0 / alpha
    return lambda u: math.pow(beta * (-math.log(1 - u())), inv)


class Random(HocObject):
    """NEURON's Random: pick numbers from a distribution driven by a generator."""

    hoc_class = "Random"
    hoc_doc = {**method_docs.RANDOM,
        "Random123": "Random123(id1[, id2[, id3]]): use the Random123 (Philox) stream (bit-exact with NEURON)",
        "MCellRan4": "MCellRan4([seed[, low]]): use the MCellRan4 generator (bit-exact)",
        "uniform": "uniform(a, b): uniform on [a, b); returns the first pick",
        "normal": "normal(mean, variance)",
        "negexp": "negexp(mean)",
        "poisson": "poisson(mean)",
        "discunif": "discunif(low, high): integers low..high",
        "lognormal": "lognormal(mean, variance)",
        "repick": "repick(): the next number from the current distribution",
        "seq": "seq([n]): get/set the stream position",
    }

    def __init__(self, interp: Any = None, args: list | None = None, span: Span | None = None):
        super().__init__(interp, args, span)
        seed = int_arg("Random", args, 0, span) if args else 0
        # NEURON's default is ACG(seed); hocx substitutes MCellRan4 (see module docstring)
        self.gen: Any = MCellRan4Stream(seed if seed else 1)
        self.generator_name = "ACG"
        self.dist: Callable[[Gen], float] = lambda u: u()

    def _u(self) -> float:
        return self.gen.next_double()

    def pick(self, span: Span | None = None) -> float:
        """The next number of the current distribution (for Vector.setrand and friends)."""
        try:
            return self.dist(self._u)
        except (ValueError, ZeroDivisionError, OverflowError) as e:
            raise HocRuntimeError(f"Random: the distribution's parameters give no number ({e})", span) from None

    # ---- generators ---------------------------------------------------------------
    def m_Random123(self, args: list, span: Span | None = None) -> float:
        ids = [int(chkarg("Random123", args, i, 0, 4294967295.0, span)) for i in range(min(len(args), 3))]
        ids += [0] * (3 - len(ids))
        self.gen = Random123Stream(ids[0], ids[1], ids[2], _state(self.interp)["globalindex"])
        self.generator_name = "Random123"
        return 0.0

    def m_Random123_globalindex(self, args: list, span: Span | None = None) -> float:
        state = _state(self.interp)
        if args:
            state["globalindex"] = int_arg("Random123_globalindex", args, 0, span) & MASK32
            if isinstance(self.gen, Random123Stream):
                self.gen.globalindex = state["globalindex"]
                self.gen._block = None
        return float(state["globalindex"])

    def m_MCellRan4(self, args: list, span: Span | None = None) -> float:
        if args and num_arg("MCellRan4", args, 0, span) != 0:
            seed = c_int(num_arg("MCellRan4", args, 0, span), 64) & MASK32
        else:
            state = _state(self.interp)
            seed = state["mcell_seed"]
            state["mcell_seed"] += 1
        low = c_int(num_arg("MCellRan4", args, 1, span), 64) & MASK32 if len(args) > 1 else 0
        self.gen = MCellRan4Stream(seed, low)
        self.generator_name = "MCellRan4"
        return float(seed)

    def m_ACG(self, args: list, span: Span | None = None) -> float:
        seed = int_arg("ACG", args, 0, span) if args else 0
        self.gen = MCellRan4Stream(seed if seed else 1)
        self.generator_name = "ACG"
        return 0.0

    def m_MLCG(self, args: list, span: Span | None = None) -> float:
        return self.m_ACG(args, span)

    def m_seq(self, args: list, span: Span | None = None) -> float:
        if args:
            self.gen.set_position(num_arg("seq", args, 0, span))
        return self.gen.get_position()

    # ---- distributions ----------------------------------------------------------------
    def _set(self, dist: Callable[[Gen], float]) -> float:
        self.dist = dist
        return self.pick()

    def m_repick(self, args: list, span: Span | None = None) -> float:
        return self.pick()

    def m_uniform(self, args: list, span: Span | None = None) -> float:
        lo, hi = num_arg("uniform", args, 0, span), num_arg("uniform", args, 1, span)
        return self._set(lambda u: lo + (hi - lo) * u())

    def m_normal(self, args: list, span: Span | None = None) -> float:
        mean, var = num_arg("normal", args, 0, span), num_arg("normal", args, 1, span)
        if var < 0:
            raise HocRuntimeError("Random.normal: the variance must be >= 0", span)
        return self._set(_normal(mean, var))

    def m_lognormal(self, args: list, span: Span | None = None) -> float:
        mean, var = num_arg("lognormal", args, 0, span), num_arg("lognormal", args, 1, span)
        try:
            dist = _lognormal(mean, var) if mean > 0 and var >= 0 else None
        except (ValueError, ZeroDivisionError, OverflowError):
            dist = None
        if dist is None:
            raise HocRuntimeError("Random.lognormal: needs mean > 0 (not too small) and variance >= 0", span)
        return self._set(dist)

    def m_negexp(self, args: list, span: Span | None = None) -> float:
        mean = num_arg("negexp", args, 0, span)
        return self._set(lambda u: -mean * math.log(u()))

    def m_poisson(self, args: list, span: Span | None = None) -> float:
        mean = num_arg("poisson", args, 0, span)
        if not 0 <= mean <= 700:   # beyond, libg++'s bound exp(-mean) underflows and never ends
            raise HocRuntimeError("Random.poisson: hocx needs 0 <= mean <= 700", span)
        return self._set(_poisson(mean))

    def m_discunif(self, args: list, span: Span | None = None) -> float:
        return self._set(_discunif(num_arg("discunif", args, 0, span), num_arg("discunif", args, 1, span)))

    def m_binomial(self, args: list, span: Span | None = None) -> float:
        n = num_arg("binomial", args, 0, span)
        if not 0 <= n <= 1e7:
            raise HocRuntimeError("Random.binomial: hocx needs 0 <= n <= 1e7", span)
        return self._set(_binomial(n, num_arg("binomial", args, 1, span)))

    def m_geometric(self, args: list, span: Span | None = None) -> float:
        p = num_arg("geometric", args, 0, span)
        if not 0 <= p < 1:   # p >= 1 never stops, in NEURON as well
            raise HocRuntimeError("Random.geometric: needs 0 <= p < 1", span)
        return self._set(_geometric(p))

    def m_erlang(self, args: list, span: Span | None = None) -> float:
        mean, var = num_arg("erlang", args, 0, span), num_arg("erlang", args, 1, span)
        if not (mean > 0 and var > 0 and mean * mean / var <= 1e7):
            raise HocRuntimeError("Random.erlang: needs mean > 0, variance > 0, mean^2/variance <= 1e7", span)
        return self._set(_erlang(mean, var))

    def m_weibull(self, args: list, span: Span | None = None) -> float:
        alpha, beta = num_arg("weibull", args, 0, span), num_arg("weibull", args, 1, span)
        if alpha == 0:
            raise HocRuntimeError("Random.weibull: alpha must not be 0", span)
        return self._set(_weibull(alpha, beta))

    def m_play(self, args: list, span: Span | None = None) -> float:
        hooks = getattr(self.interp, "hooks", None) or {}
        fn = hooks.get("random_play")
        if fn is None:
            raise HocRuntimeError("Random.play needs the simulator", span)
        fn(self, args[0] if args else None, list(args[1:]), span)
        return 0.0


def _state(interp) -> dict:
    """Per-session generator state: Random123_globalindex (one value per process in
    NEURON) and the next default MCellRan4 seed."""
    st = getattr(interp, "_hocx_random", None)
    if st is None:
        st = {"globalindex": 0, "mcell_seed": 1}
        if interp is not None:
            setattr(interp, "_hocx_random", st)
    return st


def install(interp) -> None:
    interp.register_class("Random", Random, doc="random numbers (Random123 and MCellRan4 are bit-exact)")
