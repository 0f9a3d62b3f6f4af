"""Random: Random123 and MCellRan4 streams are bit-exact with NEURON 9.0.2."""
import pytest

from hocx.interp.builtins.random import philox4x32

# (method, args, first pick, repicks) measured with NEURON 9.0.2 after r.Random123(1, 2, 3)
R123_CASES = [
    ("uniform", [0.0, 1.0], [0.980861897351951, 0.22910290974446038, 0.12487032890206429]),
    ("normal", [1.0, 4.0], [3.3395411560156503, 2.308042489317073, 1.3994792869016022, 1.3409300801676314]),
    ("negexp", [2.0], [0.038647213491710304, 2.947167977683676]),
    ("poisson", [3.0], [2.0, 4.0, 2.0]),
    ("discunif", [1.0, 6.0], [6.0, 2.0, 1.0]),
    ("lognormal", [1.0, 4.0], [1.9724854413691142, 1.0253111189919624]),
    ("binomial", [10.0, 0.3], [4.0, 3.0]),
    ("geometric", [0.3], [1.0, 4.0]),
]


def picks(r, method, args, n):
    return [r.hoc_call(method, args)] + [r.m_repick([]) for _ in range(n - 1)]


@pytest.mark.parametrize("method,args,expected", R123_CASES)
def test_random123_matches_neuron(interp, method, args, expected):
    r = interp.new("Random")
    r.m_Random123([1.0, 2.0, 3.0])
    assert picks(r, method, args, len(expected)) == expected


def test_random123_seq_and_ids(interp):
    r = interp.new("Random")
    r.m_Random123([1.0, 2.0, 3.0])
    r.m_uniform([0.0, 1.0])
    assert r.m_seq([]) == 1.0
    r.m_seq([0.0])
    assert r.m_repick([]) == 0.980861897351951
    r.m_seq([5.0])
    assert r.m_repick([]) == 0.6557348895222566 and r.m_seq([]) == 6.0
    one = interp.new("Random")
    one.m_Random123([7.0])
    assert one.m_uniform([0.0, 1.0]) == 0.8202569403638466
    gi = interp.new("Random")
    assert gi.m_Random123_globalindex([3.0]) == 3.0
    gi.m_Random123([1.0, 2.0, 3.0])
    assert gi.m_uniform([0.0, 1.0]) == 0.78222975535732


def test_mcellran4_matches_neuron(interp):
    r = interp.new("Random")
    assert r.m_MCellRan4([1.0]) == 1.0
    assert picks(r, "uniform", [0.0, 1.0], 2) == [0.7628303428646177, 0.8716539088636637]
    r2 = interp.new("Random")
    assert r2.m_MCellRan4([3.0, 4.0]) == 3.0
    assert picks(r2, "uniform", [0.0, 1.0], 2) == [0.5173304076306522, 0.10284284828230739]


def test_erlang_weibull(interp):
    r = interp.new("Random")
    r.m_Random123([1.0, 2.0, 3.0])
    assert r.m_erlang([2.0, 1.0]) == 2.8202316013840467
    assert r.m_weibull([1.0, 2.0]) == 3.0150682077121633


def test_philox_known_answer():
    # Random123's published known-answer test for philox4x32-10 with zero counter and key
    assert philox4x32((0, 0, 0, 0), (0, 0)) == (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)


@pytest.mark.neuron
def test_live_against_neuron(interp):
    h = pytest.importorskip("neuron").h
    for ids in [(1, 2, 3), (0, 0, 0), (5, 17, 2**31 + 7)]:
        theirs = h.Random()
        theirs.Random123(*ids)
        ours = interp.new("Random")
        ours.m_Random123([float(i) for i in ids])
        want = [theirs.normal(-1, 2)] + [theirs.repick() for _ in range(200)]
        assert picks(ours, "normal", [-1.0, 2.0], 201) == want


def test_vector_setrand_and_addrand_draw_from_the_stream(interp):
    r = interp.new("Random")
    r.m_Random123([1.0, 2.0, 3.0])
    r.m_uniform([0.0, 1.0])            # first pick 0.980861897351951
    v = interp.new("Vector", 3.0)
    v.m_setrand([r])
    assert list(v.x) == [0.22910290974446038, 0.12487032890206429, 0.12655526885610183]  # NEURON 9.0.2
    v.m_addrand([r, 0.0, 0.0])
    assert v.x[0] > 0.22910290974446038
