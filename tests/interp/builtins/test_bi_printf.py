"""NEURON's printf engine (hocx.interp.printf) against nrniv 9.0.2's measured output."""
import math

import pytest

from hocx.errors import HocError, HocRuntimeError, HocTypeError
from hocx.interp.builtins.vector import Vector
from hocx.interp.printf import c_int, sprint


def test_c08_all_conversions():
    fmt = "%d|%5.2f|%g|%s|%e|%x|%o|%c|%-5d|%05d|%%\n"
    args = [3.7, 3.14159, 0.0001, "str", 12345.678, 255, 8, 65, 4, 42]
    assert sprint(fmt, args) == "3| 3.14|0.0001|str|1.234568e+04|ff|10|A|4    |00042|%\n"


@pytest.mark.parametrize("fmt,args,expected", [
    ("%d|%d|%d", [2.7, -2.7, 1e10], "2|-2|-2147483648"),       # C (int) cast
    ("%5.1d|%x|%c", [3, -1, 66.9], "    3|ffffffff|B"),
    ("%+d % d %#x %#o %.3e", [5, 5, 255, 8, 1234.5], "+5  5 0xff 010 1.234e+03"),
    ("%ld %lf %5.3g %-8.2e|", [1e10, 2.5, 3.14159, 12345], "10000000000 2.500000  3.14 1.23e+04|"),
    ("%5%|%g|%g|%g", [1e-5, 123456789, -0.0], "%5|1e-05|1.23457e+08|-0"),   # nrniv prints "%5"
    ("%5s|%-5s|%.2s", ["ab", "ab", "abcdef"], "   ab|ab   |ab"),
    ("no conversions", [], "no conversions"),
    ("trailing %", [], "trailing %"),
    ("%g %g", [math.inf, -math.inf], "inf -inf"),
])
def test_formats_match_nrniv(fmt, args, expected):
    assert sprint(fmt, args) == expected


def test_negative_nan_prints_like_glibc():
    assert sprint("%g", [math.copysign(math.nan, -1.0)]) == "-nan"


def test_object_and_null_with_percent_s():
    v = Vector(None, [2.0])
    v.hoc_index = 4
    assert sprint("%s %s", [v, None]) == "Vector[4] NULLobject"


def test_not_enough_arguments():
    with pytest.raises(HocRuntimeError, match="printf not enough arguments"):
        sprint("%d %s\n", [1])


def test_string_for_number_and_number_for_string():
    with pytest.raises(HocTypeError, match="expects a number"):
        sprint("%d", ["a"])
    with pytest.raises(HocTypeError, match="Expecting string argument"):
        sprint("%s", [1.0])


@pytest.mark.parametrize("fmt", ["%i", "%u", "%X", "%E", "%G", "%*d"])
def test_conversions_nrniv_lacks_are_errors(fmt):
    with pytest.raises(HocError, match="unsupported conversion"):
        sprint(fmt, [1.0, 2.0])


def test_c_int():
    assert c_int(2.9) == 2 and c_int(-2.9) == -2
    assert c_int(math.nan) == -(2**31) and c_int(3e9) == -(2**31)
    assert c_int(3e9, 64) == 3000000000
