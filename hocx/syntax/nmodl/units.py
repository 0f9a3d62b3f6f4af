"""NMODL units, the way nocmodl computes UNITS-block factors.

A unit is a scale factor times a product of powers of the primitive
dimensions (m, kg, sec, coul, K, candela), as in the GNU-units style
library nocmodl reads.  Only the values matter for translation:

* ``FARADAY = (faraday) (coulomb)`` -> the factor of faraday in coulomb,
  96485.33212331001 (e * N_A with the 2019 SI exact constants, NEURON 9's
  default; ``nrnunit_use_legacy`` is a no-op there);
* ``R = (k-mole) (joule/degC)`` -> 8.31446261815324;
* ``PI = (pi) (1)`` -> pi;
* ``(mA) = (milliamp)`` defines a new name with factor 1 relative to its
  definition; it does not change any number.

``UnitTable`` is per mod file (a UNITS block may add names); it starts from
the definitions below, which are our own short list of the names NEURON
models use, written from the SI definitions.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ...errors import HocError, Span

_DIMS = ("m", "kg", "sec", "coul", "K", "cd")


class UnitError(HocError):
    """An NMODL unit that cannot be understood or converted."""


@dataclass(frozen=True)
class Unit:
    factor: float
    dims: tuple = (0, 0, 0, 0, 0, 0)

    def __mul__(self, other: "Unit") -> "Unit":
        return Unit(self.factor * other.factor, tuple(a + b for a, b in zip(self.dims, other.dims)))

    def __truediv__(self, other: "Unit") -> "Unit":
        return Unit(self.factor / other.factor, tuple(a - b for a, b in zip(self.dims, other.dims)))

    def __pow__(self, n: int) -> "Unit":
        return Unit(self.factor ** n, tuple(a * n for a in self.dims))

    @property
    def dimensionless(self) -> bool:
        return not any(self.dims)

    def dims_text(self) -> str:
        parts = [f"{d}{'' if p == 1 else p}" for d, p in zip(_DIMS, self.dims) if p]
        return "-".join(parts) or "1"


ONE = Unit(1.0)


def _base(i: int) -> Unit:
    d = [0] * 6
    d[i] = 1
    return Unit(1.0, tuple(d))


# name -> definition text (resolved lazily, in terms of earlier names)
_DEFINITIONS: dict[str, str] = {
    # constants (exact SI 2019 values, as NEURON 9 uses them)
    "pi": "3.14159265358979323846",
    "mole": "6.02214076e23",
    "e": "1.602176634e-19 coul",
    "boltzmann": "1.380649e-23 joule/K",
    "k": "boltzmann",
    "faraday": "e-mole",
    "gasconstant": "k-mole",
    "c": "2.99792458e8 m/sec",
    "avogadro": "mole",
    # SI and common names
    "meter": "m", "metre": "m", "gram": "0.001 kg", "gm": "gram", "g": "gram",
    "second": "sec", "s": "sec", "minute": "60 sec", "min": "minute", "hour": "60 min",
    "hr": "hour", "h": "hour", "day": "24 hour",
    "coulomb": "coul", "C": "coul", "ampere": "coul/sec", "amp": "ampere", "A": "ampere",
    "kelvin": "K", "degK": "K", "degC": "K", "celsius": "K", "candela": "cd",
    "newton": "kg-m/sec2", "nt": "newton", "N": "newton", "joule": "newton-m", "J": "joule",
    "erg": "1e-7 joule", "watt": "joule/sec", "W": "watt",
    "volt": "watt/amp", "V": "volt", "ohm": "volt/amp", "mho": "/ohm", "siemens": "/ohm",
    "S": "siemens", "farad": "coul/volt", "F": "farad", "hertz": "/sec", "Hz": "hertz",
    "liter": "0.001 m3", "litre": "liter", "l": "liter", "L": "liter", "cc": "cm3",
    "micron": "micrometer", "mu": "micron", "angstrom": "1e-10 m", "inch": "0.0254 m",
    "in": "inch", "foot": "12 inch", "ft": "foot", "percent": "0.01",
    "radian": "1", "rad": "1", "degree": "pi/180", "deg": "degree",
    "molar": "mole/liter",
    "kilohm": "kiloohm", "megohm": "megaohm",
    "unity": "1",
}

_PREFIXES: dict[str, float] = {
    "yotta": 1e24, "zetta": 1e21, "exa": 1e18, "peta": 1e15, "tera": 1e12, "giga": 1e9,
    "mega": 1e6, "myria": 1e4, "kilo": 1e3, "hecto": 1e2, "deka": 1e1, "deci": 1e-1,
    "centi": 1e-2, "milli": 1e-3, "micro": 1e-6, "nano": 1e-9, "pico": 1e-12,
    "femto": 1e-15, "atto": 1e-18, "zepto": 1e-21, "zopto": 1e-21, "yocto": 1e-24,
    "semi": 0.5, "demi": 0.5,
    "Y": 1e24, "Z": 1e21, "E": 1e18, "P": 1e15, "T": 1e12, "G": 1e9, "M": 1e6,
    "k": 1e3, "h": 1e2, "da": 1e1, "d": 1e-1, "c": 1e-2, "m": 1e-3, "u": 1e-6,
    "n": 1e-9, "p": 1e-12, "f": 1e-15, "a": 1e-18, "z": 1e-21, "y": 1e-24,
}
_PREFIX_ORDER = sorted(_PREFIXES, key=len, reverse=True)

_TOKEN = re.compile(r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?:\|(?:\d+\.?\d*|\.\d+))?)"
                    r"|(?P<name>[A-Za-z_][A-Za-z_]*)(?P<pow>\d*)|(?P<op>[/*\-^.]))")


class UnitTable:
    """The units known while translating one mod file."""

    def __init__(self):
        self._defs = dict(_DEFINITIONS)
        self._cache: dict[str, Unit] = {
            "m": _base(0), "kg": _base(1), "sec": _base(2), "coul": _base(3), "K": _base(4),
            "cd": _base(5),
        }
        self._resolving: set[str] = set()

    # ------------------------------------------------------------ definitions
    def define(self, name: str, definition: str, span: Span | None = None) -> None:
        """``(name) = (definition)`` from a UNITS block."""
        name = name.strip()
        if not re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*", name):
            raise UnitError(f"cannot define the unit '({name})': a unit name is one word", span)
        self.parse(definition, span)         # must be understood now, as nocmodl checks it
        self._defs[name] = definition
        self._cache.pop(name, None)

    def factor(self, from_unit: str, to_unit: str, span: Span | None = None) -> float:
        """``NAME = (from) (to)``: how many ``to`` one ``from`` is (same dimensions)."""
        a = self.parse(from_unit, span)
        b = self.parse(to_unit, span)
        if a.dims != b.dims:
            raise UnitError(f"units ({from_unit}) and ({to_unit}) are not conformable: "
                            f"{a.dims_text()} vs {b.dims_text()}", span)
        return a.factor / b.factor

    # ------------------------------------------------------------ parsing
    def parse(self, text: str, span: Span | None = None) -> Unit:
        """A unit expression: ``mA/cm2``, ``/ms``, ``k-mole``, ``1e4``, ``joule/degC``, ``1``."""
        s = text.strip()
        if not s:
            return ONE
        num = ONE
        den = ONE
        denominator = False
        pos = 0
        last: Unit | None = None
        while pos < len(s):
            m = _TOKEN.match(s, pos)
            if m is None or m.end() == pos:
                if s[pos:].strip() == "":
                    break
                raise UnitError(f"cannot read the unit ({text}) at '{s[pos:]}'", span)
            pos = m.end()
            if m.group("op"):
                op = m.group("op")
                if op == "/":
                    if denominator:
                        raise UnitError(f"unit ({text}) has more than one '/'", span)
                    denominator = True
                elif op == "^":
                    m2 = re.match(r"\s*(-?\d+)", s[pos:])
                    if m2 is None or last is None:
                        raise UnitError(f"cannot read the unit ({text}): '^' needs a power", span)
                    pos += m2.end()
                    n = int(m2.group(1))
                    extra = last ** (n - 1)
                    if denominator:
                        den = den * extra
                    else:
                        num = num * extra
                continue
            if m.group("num"):
                t = m.group("num")
                if "|" in t:
                    a, b = t.split("|")
                    u = Unit(float(a) / float(b))
                else:
                    u = Unit(float(t))
            else:
                u = self._name(m.group("name"), text, span)
                if m.group("pow"):
                    u = u ** int(m.group("pow"))
            last = u
            if denominator:
                den = den * u
            else:
                num = num * u
        return num / den

    def _name(self, name: str, text: str, span: Span | None) -> Unit:
        if name in self._cache:
            return self._cache[name]
        u = self._lookup(name, text, span)
        if u is None:
            raise UnitError(f"unknown unit '{name}' in ({text})", span,
                            hint="define it in the UNITS block, e.g. (mM) = (millimolar)")
        self._cache[name] = u
        return u

    def _lookup(self, name: str, text: str, span: Span | None) -> Unit | None:
        if name in self._defs:
            return self._expand(name, text, span)
        if name.endswith("s") and len(name) > 2 and name[:-1] in self._defs:
            return self._expand(name[:-1], text, span)
        for p in _PREFIX_ORDER:
            if name.startswith(p) and len(name) > len(p):
                rest = name[len(p):]
                if rest in self._cache or rest in self._defs or rest in ("m", "kg", "sec", "coul", "K", "cd"):
                    return Unit(_PREFIXES[p]) * self._name(rest, text, span)
        for p in _PREFIX_ORDER:   # a bare prefix used as a number: (milli/liter)
            if name == p and len(p) > 1:
                return Unit(_PREFIXES[p])
        return None

    def _expand(self, name: str, text: str, span: Span | None) -> Unit:
        if name in self._resolving:
            raise UnitError(f"the unit '{name}' is defined in terms of itself", span)
        self._resolving.add(name)
        try:
            return self.parse(self._defs[name], span)
        finally:
            self._resolving.discard(name)


def unit_factors(units_block_defs, table: UnitTable | None = None) -> dict[str, float]:
    """Named constants of a UNITS block (``FARADAY``, ``R``, ``PI``...) -> values.

    ``units_block_defs`` are ``UnitAlias``/``UnitFactor`` nodes in source order;
    aliases extend ``table`` as they are met.
    """
    from . import ast as A

    table = table or UnitTable()
    out: dict[str, float] = {}
    for d in units_block_defs:
        if isinstance(d, A.UnitAlias):
            table.define(d.name, d.definition, d.span)
        elif isinstance(d, A.UnitFactor):
            if d.from_unit is not None:
                out[d.name] = table.factor(d.from_unit, d.to_unit, d.span)
            else:
                if d.to_unit is not None:
                    table.parse(d.to_unit, d.span)
                out[d.name] = float(d.value)
    return out


def is_close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=0.0)
