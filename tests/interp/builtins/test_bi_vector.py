"""Vector methods; expected values were measured with NEURON 9.0.2."""
import numpy as np
import pytest

from hocx.errors import HocError


@pytest.fixture
def V(interp):
    def make(*values):
        v = interp.new("Vector")
        v.assign(values)
        return v
    return make


def L(v):
    return [float(x) for x in v.x]


def test_constructor_forms(interp, V):
    assert L(interp.new("Vector")) == []
    assert L(interp.new("Vector", 3.0)) == [0, 0, 0]
    assert L(interp.new("Vector", 2.0, 7.0)) == [7, 7]
    assert L(interp.new("Vector", V(1, 2))) == [1, 2]     # hocx extension: copy
    with pytest.raises(HocError):
        interp.new("Vector", "abc")


def test_x_indexing_and_range_errors(V):
    v = V(1, 2, 3)
    assert v.hoc_get("x", 2.0) == 3.0
    v.hoc_set("x", 9.0, 1.0)
    assert L(v) == [1, 9, 3]
    with pytest.raises(HocError, match="subscript 0 index 3 of x out of range 3"):
        v.hoc_set("x", 1.0, 3.0)
    with pytest.raises(HocError, match="out of range"):
        v.hoc_get("x", 5.0)
    with pytest.raises(HocError, match="Arg out of range"):
        v.m_get([4.0])


@pytest.mark.parametrize("n,args,expected", [
    (3, [], [0, 1, 2]),
    (3, [2.0], [0, 2, 4]),
    (3, [5.0, 2.0], [5, 7, 9]),
    (3, [1.0, 2.0, 0.3], [1.0, 1.3, 1.6, 1.9]),
    (0, [0.0, 1.0, 0.1], [i * 0.1 for i in range(11)]),
])
def test_indgen(interp, n, args, expected):
    v = interp.new("Vector", float(n))
    assert v.m_indgen(args) is v
    assert L(v) == expected


def test_methods_returning_self_for_echo(V):
    v = V(1, 2, 3)
    for name, args in [("append", [4.0]), ("fill", [1.0]), ("resize", [2.0]), ("add", [1.0]), ("reverse", [])]:
        assert v.hoc_call(name, args) is v


def test_fill_append_insrt_remove(V):
    assert L(V(1, 2, 3, 4).m_fill([9.0, 1.0, 2.0])) == [1, 9, 9, 4]
    assert L(V(1, 2, 3).m_append([4.0, V(5, 6), 7.0])) == [1, 2, 3, 4, 5, 6, 7]
    assert L(V(1, 2, 3).m_insrt([1.0, 7.0, 8.0])) == [1, 7, 8, 2, 3]
    assert L(V(1, 2, 3).m_insrt([1.0, V(7, 8)])) == [1, 7, 8, 2, 3]
    assert L(V(1, 2, 3, 4).m_remove([1.0, 2.0])) == [1, 4]
    assert L(V(1, 2, 3).m_resize([5.0])) == [1, 2, 3, 0, 0]
    assert L(V(1, 2, 3).m_resize([1.0])) == [1]


def test_many_appends_grow_the_buffer(interp):
    v = interp.new("Vector")
    for i in range(1000):
        v.m_append([float(i)])
    assert v.m_size([]) == 1000 and v.m_sum([]) == sum(range(1000))


def test_statistics(V):
    v = V(1, 2, 3, 4)
    assert v.m_stdev([]) == pytest.approx(1.2909944487358056, rel=1e-15)
    assert v.m_var([]) == pytest.approx(1.6666666666666667, rel=1e-15)
    assert v.m_mean([1.0, 2.0]) == 2.5 and v.m_sum([1.0, 2.0]) == 5.0
    assert V(1, 2, 3).m_stderr([]) == pytest.approx(0.5773502691896258)
    assert V(3, 1, 3).m_max_ind([]) == 0 and V(1, 0, 0).m_min_ind([]) == 1
    assert V(1, 5, 2).m_max([0.0, 1.0]) == 5.0
    assert V().m_max([]) == 0.0 and V().m_max_ind([]) == -1.0
    with pytest.raises(HocError, match="size > 0"):
        V().m_mean([])
    with pytest.raises(HocError, match="size > 1"):
        V(1).m_stdev([])
    assert V(3, 4).m_mag([]) == 5.0 and V(1, 2).m_dot([V(3, 4)]) == 11.0


def test_arithmetic(V):
    assert L(V(1, 2, 3).m_add([V(1, 1, 1)])) == [2, 3, 4]
    assert L(V(1, 2, 3).m_div([2.0])) == [0.5, 1, 1.5]
    assert L(V(1, 2, 3).m_mul([2.0]).m_sub([1.0])) == [1, 3, 5]
    with pytest.raises(HocError, match="wrong size"):
        V(1, 2, 3).m_add([V(1, 1)])
    v = V(1, 2, 3)
    assert v.m_scale([0.0, 1.0]) == 0.5 and L(v) == [0, 0.5, 1]
    flat = V(2, 2)
    assert flat.m_scale([0.0, 1.0]) == 0.0 and L(flat) == [2, 2]
    with pytest.raises(HocError, match="Division by zero"):
        V(1).m_div([0.0])
    assert L(V(-1.5, 2).m_abs([])) == [1.5, 2] and L(V(-1.5, 2.7).m_floor([])) == [-2, 2]
    assert L(V(1, 4).m_pow([2.0])) == [1, 16] and L(V(1, 4).m_sqrt([])) == [1, 2]
    assert L(V().m_abs([V(-1, 2)])) == [1, 2]


def test_search(V):
    eps_hit = V(1, 2, 3)
    assert eps_hit.m_contains([2.0000000000001]) == 1.0 and eps_hit.m_contains([2.001]) == 0.0
    v = V(1, 2, 3, 4)
    assert v.m_indwhere([">", 2.0]) == 2 and v.m_indwhere(["[]", 2.0, 3.0]) == 1
    assert v.m_indwhere(["<", 0.0]) == -1
    assert L(V().m_indvwhere([V(1, 2, 3, 4), ">=", 2.0])) == [1, 2, 3]
    assert L(V(1, 2, 3, 4).m_indvwhere([">=", 2.0])) == [1, 2, 3]
    assert L(V().m_where([V(1, 2, 3, 4), "<", 3.0])) == [1, 2]
    assert L(V(1, 2, 3, 4).m_where(["<", 3.0])) == [1, 2]
    assert L(V(5, 6, 7, 8).m_index([V(3, 0)])) == [8, 5]
    assert L(V().m_index([V(5, 6, 7, 8), V(3, 0)])) == [8, 5]
    with pytest.raises(HocError, match="Invalid comparator"):
        v.m_indwhere(["=>", 1.0])


def test_copies(interp, V):
    c = V(1, 2, 3, 4).m_c([1.0, 2.0])
    assert L(c) == [2, 3] and c.hoc_index >= 0
    assert L(V(1, 2, 3, 4).m_copy([V(9, 9), 1.0])) == [1, 9, 9, 4]
    assert L(V(1, 2, 3, 4).m_copy([V(9, 8, 7), 1.0, 1.0, 2.0])) == [1, 8, 7, 4]
    assert L(V(1, 2, 3, 4).m_copy([V(9, 8, 7), 6.0])) == [1, 2, 3, 4, 0, 0, 9, 8, 7]
    v = V(1, 2)
    v.m_label(["hi"])
    assert v.m_cl([]).m_label([]) == "hi" and v.m_c([]).m_label([]) == ""


def test_sorting(V):
    assert L(V(4, 2, 3).m_sort([])) == [2, 3, 4] and L(V(4, 2, 3).m_reverse([])) == [3, 2, 4]
    assert L(V(1, 5, 2, 5).m_sortindex([])) == [0, 2, 1, 3]
    assert L(V(1, 2, 3).m_rotate([1.0])) == [3, 1, 2]


def test_calculus(V):
    assert L(V(2, 4, 7).m_deriv([])) == [2, 2.5, 3]
    assert L(V(2, 4, 7).m_deriv([0.5])) == [4, 5, 6]
    assert L(V(2, 4, 7).m_deriv([1.0, 1.0])) == [2, 3]
    assert L(V(2, 4, 7, 8).m_integral([])) == [2, 6, 13, 21]
    assert L(V(2, 4, 7, 8).m_integral([0.5])) == [2, 4, 7.5, 11.5]
    got = V(0.5, 1.5, 3, -1)
    got.m_interpolate([V(0.5, 1.5, 3, -1), V(0, 1, 2), V(10, 20, 40)])
    assert L(got) == [15, 30, 40, 40]      # nrniv: one forward walk, no re-scan


def test_histograms(V):
    h = V(1, 2, 2.5, 7).m_histogram([0.0, 8.0, 2.0])
    assert L(h) == [0, 1, 2, 0, 1, 0]
    assert L(V().m_hist([V(1, 2, 2.5, 7), 0.0, 4.0, 2.0])) == [1, 2, 0, 1]


def test_apply_calls_a_hoc_function(interp, V):
    interp.procs["sq"] = lambda x: x * x
    assert L(V(1, 2, 3).m_apply(["sq"])) == [1, 4, 9]
    assert L(V(1, 2, 3).m_apply(["sq", 1.0, 2.0])) == [1, 4, 9]


def test_printf_layout(interp, V):
    v = interp.new("Vector", 12.0)
    v.m_indgen([])
    assert v.m_printf([]) == 12.0
    assert interp.text == "0\t1\t2\t3\t4\t\n5\t6\t7\t8\t9\t\n10\t11\t\n"
    interp.stdout.clear()
    assert V(0, 1, 64, 81).m_printf(["%g\n", 2.0, 3.0]) == 2.0
    assert interp.text == "64\n81\n"
    with pytest.raises(HocError, match="not enough arguments"):
        V(1, 2).m_printf(["%g ", 1.0])


def test_c37_echo_sequence(interp):
    v = interp.new("Vector", 3.0)
    assert v.m_indgen([]) is v
    assert v.m_printf([]) == 3.0 and interp.text == "0\t1\t2\t\n"


def test_record_forwards_to_the_simulator_hook(interp, V):
    v = V()
    with pytest.raises(HocError, match="needs the simulator"):
        v.m_record([object()])
    seen = []
    interp.hooks["record"] = lambda vec, target, extra, span: seen.append((vec, target, extra))
    target = object()
    assert v.m_record([target, 0.1]) is v
    assert seen == [(v, target, [0.1])]
    with pytest.raises(HocError, match="instead of a pointer"):
        v.m_record([1.0])


def test_file_round_trips(interp, V, tmp_path):
    f = interp.new("File")
    path = str(tmp_path / "v.dat")
    f.m_wopen([path])
    V(1.5, -2, 3).m_vwrite([f])
    V(4, 5).m_vwrite([f, 3.0])
    f.m_close([])
    f.m_ropen([path])
    a, b = V(), V()
    assert a.m_vread([f]) == 1.0 and b.m_vread([f]) == 1.0
    assert L(a) == [1.5, -2, 3] and L(b) == [4, 5]
    text = tmp_path / "cols.txt"
    text.write_text("1 10\n2 20\n3 30\n")
    f.m_ropen([str(text)])
    col = V()
    assert col.m_scanf([f, 2.0, 2.0]) == 3.0 and L(col) == [10, 20, 30]
    f.m_ropen([str(text)])
    assert col.m_scanf([f]) == 6.0 and L(col) == [1, 10, 2, 20, 3, 30]
    out = tmp_path / "p.txt"
    f.m_wopen([str(out)])
    V(1, 2).m_printf([f])
    f.m_close([])
    assert out.read_text() == "1\n2\n\n"


def test_vector_view_is_numpy(V):
    v = V(1, 2, 3)
    assert isinstance(v.x, np.ndarray) and len(v) == 3
