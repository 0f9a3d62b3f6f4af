"""NMODL unit factors as nocmodl (NEURON 9, 2019 SI constants) computes them."""
from __future__ import annotations

import math

import pytest

from hocx.errors import HocError, Span
from hocx.syntax.nmodl import parse_mod
from hocx.syntax.nmodl.units import UnitError, UnitTable, unit_factors


def test_faraday_and_gas_constant_match_neuron_9():
    t = UnitTable()
    # e * N_A and k * N_A with the exact 2019 SI values (NEURON 9 prints these as
    # h.FARADAY / h.R and compiles them into every mod that asks for them)
    assert t.factor("faraday", "coulomb") == 96485.33212331001
    assert t.factor("k-mole", "joule/degC") == 8.31446261815324
    assert t.factor("pi", "1") == math.pi


@pytest.mark.neuron
def test_constants_equal_neurons_own():
    neuron = pytest.importorskip("neuron")
    h = neuron.h
    t = UnitTable()
    assert t.factor("faraday", "coulomb") == h.FARADAY
    assert t.factor("k-mole", "joule/degC") == h.R


@pytest.mark.parametrize("a,b,f", [
    ("mA/cm2", "A/m2", 10.0), ("mV", "V", 1e-3), ("/ms", "Hz", 1e3), ("um", "m", 1e-6),
    ("mho/cm2", "S/cm2", 1.0), ("nA", "mA", 1e-6), ("uS", "S", 1e-6), ("ms", "sec", 1e-3),
    ("S/cm2", "mho/cm2", 1.0), ("cm2", "um2", 1e8), ("degC", "K", 1.0), ("1e4", "1", 1e4),
    ("kilohm", "ohm", 1e3), ("joule", "kg-m2/sec2", 1.0), ("liter", "cm3", 1e3),
])
def test_conversions(a, b, f):
    assert math.isclose(UnitTable().factor(a, b), f, rel_tol=1e-14)


def test_units_block_aliases_and_molar():
    t = UnitTable()
    t.define("molar", "1/liter")
    t.define("mM", "millimolar")
    assert math.isclose(t.factor("mM", "molar"), 1e-3, rel_tol=1e-15)
    assert math.isclose(t.factor("mM", "1/m3"), 1.0, rel_tol=1e-15)


def test_unit_factors_of_a_units_block():
    mod = parse_mod("""UNITS {
    (mA) = (milliamp)
    (molar) = (1/liter)
    (mM) = (millimolar)
    FARADAY = (faraday) (coulomb)
    R = (k-mole) (joule/degC)
    PI = (pi) (1)
    F2 = 96485.3 (coul)
    foot2inch = (foot) -> (inch)
}""", "u.mod")
    consts = unit_factors(mod.items[0].defs)
    assert consts["FARADAY"] == 96485.33212331001 and consts["R"] == 8.31446261815324
    assert consts["PI"] == math.pi and consts["F2"] == 96485.3
    assert math.isclose(consts["foot2inch"], 12.0, rel_tol=1e-14)


def test_unknown_and_bad_units_are_errors_with_span():
    sp = Span("x.mod", 3, 5)
    with pytest.raises(UnitError) as ei:
        UnitTable().parse("furlong/fortnight", sp)
    assert ei.value.span == sp and "furlong" in ei.value.message
    assert isinstance(ei.value, HocError)
    with pytest.raises(UnitError, match="not conformable"):
        UnitTable().factor("mV", "mA", sp)
    with pytest.raises(UnitError, match="more than one"):
        UnitTable().parse("m/s/s", sp)
    with pytest.raises(UnitError, match="one word"):
        UnitTable().define("m A", "milliamp", sp)
    t = UnitTable()
    with pytest.raises(UnitError, match="unknown unit"):
        t.define("loop", "loop2")


def test_powers_and_prefixes():
    t = UnitTable()
    u = t.parse("mA/cm2")
    assert u.dims == (-2, 0, -1, 1, 0, 0)
    assert t.parse("m^2").dims == t.parse("m2").dims == (2, 0, 0, 0, 0, 0)
    assert t.parse("").factor == 1.0 and t.parse("1").dimensionless
