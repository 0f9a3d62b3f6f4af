"""Matrix basics; printf layout measured with nrniv 9.0.2."""
import pytest

from hocx.errors import HocError


def test_elements_and_printf(interp):
    m = interp.new("Matrix", 2.0, 3.0)
    m.hoc_set("x", 5.0, (0.0, 1.0))
    m.hoc_set("x", -1.5, (1.0, 2.0))
    assert m.hoc_get("x", (0.0, 1.0)) == 5.0
    assert m.m_printf([]) == 0.0
    assert interp.text == " 0        5        0       \n 0        0        -1.5    \n"
    interp.stdout.clear()
    m.m_printf(["%5.1f"])
    assert interp.text == "  0.0  5.0  0.0\n  0.0  0.0 -1.5\n"
    with pytest.raises(HocError, match="subscript 0 index 5 of x out of range 2"):
        m.hoc_get("x", (5.0, 0.0))


def test_rows_columns_products(interp):
    m = interp.new("Matrix", 2.0, 3.0)
    m.hoc_set("x", 5.0, (0.0, 1.0))
    m.hoc_set("x", -1.5, (1.0, 2.0))
    assert (m.m_nrow([]), m.m_ncol([])) == (2.0, 3.0)
    assert m.m_setval([1.0, 0.0, 3.0]) == 3.0 and m.m_getval([1.0, 0.0]) == 3.0
    v = interp.new("Vector", 3.0)
    v.m_indgen([1.0])
    assert list(m.m_mulv([v]).x) == [5.0, -3.0]
    assert list(m.m_getrow([1.0]).x) == [3.0, 0.0, -1.5]
    assert list(m.m_getcol([1.0]).x) == [5.0, 0.0]
    assert m.m_setrow([0.0, 7.0]) is m
    c = interp.new("Vector", 2.0)
    c.m_indgen([])
    m.m_setcol([0.0, c])
    assert m.m.tolist() == [[0, 7, 7], [1, 0, -1.5]]
    t = m.m_transpose([])
    assert t.m.shape == (3, 2) and t is not m
    sq = interp.new("Matrix", 2.0, 2.0)
    sq.m_ident([])
    sq.m_muls([2.0])
    assert sq.m_inverse([]).m.tolist() == [[0.5, 0], [0, 0.5]]
    assert list(sq.m_solv([c]).x) == [0.0, 0.5]
    m.m_resize([3.0, 3.0])
    assert m.m.tolist()[2] == [0, 0, 0] and m.m.tolist()[0] == [0, 7, 7]
