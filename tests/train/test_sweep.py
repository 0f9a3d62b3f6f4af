"""sweep(...): every run of a sweep equals an ordinary run() with the same values; zipped and
grid combinations; selections (SectionList, per-section Matrix, point processes); batching;
errors with spans."""
from __future__ import annotations

import numpy as np
import pytest

from hocx.errors import HocError, HocNameError

from .conftest import BRANCHED

SETUP = BRANCHED + "tstop = 3\n"
RECS = ("vs", "vtip")


def _sweep(hoc, call: str) -> list[np.ndarray]:
    hoc.run("objref res\nres = " + call + "\n")
    res = hoc.session.get_global("res")
    return [np.array(m.m) for m in res.items]


def _run(hoc, stmts: str) -> list[np.ndarray]:
    hoc.run(stmts + "\nrun()\n")
    return [np.array(hoc.session.get_global(v).x) for v in RECS]


def test_sweep_equals_repeated_runs(hoc):
    """SectionList selection zipped with a stimulus amplitude: each row == run() to 1e-9 mV."""
    hoc.run(SETUP + "objref g, a\ng = new Vector()\na = new Vector()\n"
            "g.append(0.08, 0.12, 0.2)\na.append(0.1, 0.3, 0.5)\n")
    out = _sweep(hoc, 'sweep("gnabar_hh", g, "on", apical, "stim.amp", a)')
    assert len(out) == 2 and out[0].shape == (3, 121)
    for k, (g, a) in enumerate([(0.08, 0.1), (0.12, 0.3), (0.2, 0.5)]):
        ref = _run(hoc, f"forsec apical gnabar_hh = {g}\nstim.amp = {a}")
        for got, want in zip(out, ref):
            assert np.max(np.abs(got[k] - want)) < 1e-9
        hoc.run("forsec apical gnabar_hh = 0.12\n")      # back to the model's value
    assert np.ptp(out[0][:, -1]) > 1.0                    # the runs do differ


def test_recorded_vectors_keep_the_last_run(hoc):
    hoc.run(SETUP + "run()\nobjref g\ng = new Vector()\ng.append(0.05, 0.3)\n")
    before = np.array(hoc.session.get_global("vs").x)
    _sweep(hoc, 'sweep("gnabar_hh", g)')
    assert np.array_equal(np.array(hoc.session.get_global("vs").x), before)


def test_grid_is_the_product_first_parameter_slowest(hoc):
    hoc.run(SETUP + "objref g, k, gz, kz\ng = new Vector()\nk = new Vector()\n"
            "g.append(0.08, 0.2)\nk.append(0.02, 0.036, 0.05)\n"
            "gz = new Vector()\nkz = new Vector()\n"
            "gz.append(0.08, 0.08, 0.08, 0.2, 0.2, 0.2)\nkz.append(0.02, 0.036, 0.05, 0.02, 0.036, 0.05)\n")
    grid = _sweep(hoc, 'sweep("gnabar_hh", g, "gkbar_hh", k, "grid")')
    zipped = _sweep(hoc, 'sweep("gnabar_hh", gz, "gkbar_hh", kz)')
    assert grid[0].shape[0] == 6
    for a, b in zip(grid, zipped):
        assert np.array_equal(a, b)


def test_matrix_gives_one_value_per_section_and_point_process_object_form(hoc):
    hoc.run(SETUP + "objref m, a\nm = new Matrix(2, 3)\n"
            "m.x[0][0] = 0.1\nm.x[0][1] = 0.15\nm.x[0][2] = 0.2\n"
            "m.x[1][0] = 0.2\nm.x[1][1] = 0.05\nm.x[1][2] = 0.1\n"
            "a = new Vector()\na.append(0.2, 0.4)\n")
    out = _sweep(hoc, 'sweep("gnabar_hh", m, "per", "section", stim, "amp", a)')
    sec_order = ("soma", "dend[0]", "dend[1]")        # per-section keys follow section order
    for k, amp in enumerate((0.2, 0.4)):
        vals = "\n".join(f"{sec} gnabar_hh = {hoc.session.get_global('m').m[k][j]}"
                         for j, sec in enumerate(sec_order))
        ref = _run(hoc, vals + f"\nstim.amp = {amp}")
        assert np.max(np.abs(out[0][k] - ref[0])) < 1e-9


def test_batches_give_the_same_result(hoc):
    hoc.run(SETUP + "objref g\ng = new Vector(5)\ng.indgen(0.05).add(0.05)\n")
    whole = _sweep(hoc, 'sweep("gnabar_hh", g)')
    assert hoc.session.sweeper.last["batches"] == 1
    split = _sweep(hoc, 'sweep("gnabar_hh", g, "batch", 2)')
    assert hoc.session.sweeper.last["batches"] == 3
    for a, b in zip(whole, split):
        assert a.shape == b.shape and np.max(np.abs(a - b)) < 1e-12


@pytest.mark.parametrize("call, match", [
    ('sweep("gnabar_foo", g)', "not a trainable parameter"),
    ('sweep("gnabar_hh", g, "gkbar_hh", two)', "equal numbers of values"),
    ('sweep("gnabar_hh", empty)', "empty"),
    ('sweep("nostim.amp", g)', "not an objref"),
    ('sweep("gnabar_hh", g, "bogus")', "no values"),
    ('sweep("gnabar_hh", g, "on", g)', "SectionList"),
])
def test_errors_have_spans(hoc, call, match):
    hoc.run(SETUP + "objref g, two, empty\ng = new Vector(3, 0.1)\ntwo = new Vector(2, 0.03)\n"
            "empty = new Vector()\n")
    with pytest.raises(HocError, match=match) as err:
        hoc.run("objref res\nres = " + call + "\n")
    assert err.value.span is not None


def test_unknown_parameter_is_a_name_error(hoc):
    hoc.run(SETUP + "objref g\ng = new Vector(2, 0.1)\n")
    with pytest.raises(HocNameError):
        hoc.run('objref res\nres = sweep("gnabar_nope", g)\n')


def test_nothing_recorded(hoc):
    hoc.run('{load_file("stdrun.hoc")}\ncreate soma\nsoma insert hh\ntstop = 1\n'
            "objref g\ng = new Vector(2, 0.1)\n")
    with pytest.raises(HocError, match="nothing is recorded") as err:
        hoc.run('objref res\nres = sweep("gnabar_hh", g)\n')
    assert err.value.span is not None


def test_new_values_reuse_the_compile_new_structure_does_not(hoc):
    """The model's values are arguments of the compiled sweep: changing gkbar_hh (not swept)
    compiles nothing and the sweep follows the new value; a new nseg compiles again."""
    hoc.run(SETUP + "objref g\ng = new Vector()\ng.append(0.08, 0.2)\n")
    first = _sweep(hoc, 'sweep("gnabar_hh", g)')
    n = hoc.session.sweeper.compiles
    assert n >= 1
    hoc.run("forall gkbar_hh = 0.05\n")
    second = _sweep(hoc, 'sweep("gnabar_hh", g)')
    assert hoc.session.sweeper.compiles == n
    ref = _run(hoc, "forall gnabar_hh = 0.2")
    for got, want in zip(second, ref):
        assert np.max(np.abs(got[1] - want)) < 1e-9
    assert np.max(np.abs(first[0] - second[0])) > 1e-3
    hoc.run("dend[1] nseg = 5\n")
    _sweep(hoc, 'sweep("gnabar_hh", g)')
    assert hoc.session.sweeper.compiles == n + 1


def test_swept_geometry_and_rate_tables_match_run(hoc):
    """diam swept (axial coefficients differ per run) with hh's rate tables and a recorded
    state: every row equals run()."""
    hoc.run(SETUP + "usetable_hh = 1\nobjref d, vm\nd = new Vector()\nd.append(1.5, 3)\n"
                    "vm = new Vector()\nvm.record(&dend[0].m_hh(0.5))\n")
    out = _sweep(hoc, 'sweep("diam", d, "on", apical)')
    for k, diam in enumerate((1.5, 3.0)):
        ref = _run(hoc, f"forsec apical diam = {diam}")
        ref.append(np.array(hoc.session.get_global("vm").x))
        for got, want in zip(out, ref):
            assert np.max(np.abs(got[k] - want)) < 1e-9
    assert np.ptp(out[1][:, -1]) > 0.1


def test_network_model_sweeps_through_vmap(hoc):
    """A model with NetCons (events) takes the vmapped path; rows still equal run()."""
    hoc.run(SETUP + "objref syn, nc, w\ndend[1] syn = new ExpSyn(0.5)\n"
                    "soma nc = new NetCon(&v(0.5), syn)\nnc.weight = 0.01\nnc.delay = 0.3\n"
                    "w = new Vector()\nw.append(0.05, 0.25)\n")
    out = _sweep(hoc, 'sweep("gnabar_hh", w)')
    for k, g in enumerate((0.05, 0.25)):
        ref = _run(hoc, f"forall gnabar_hh = {g}")
        for got, want in zip(out, ref):
            assert np.max(np.abs(got[k] - want)) < 1e-9


def test_voltage_clamp_sweep_matches_run(hoc):
    """An SEClamp (electrode current, assigned values updated after the solve) with its
    amplitude swept and its current recorded: every row equals run()."""
    hoc.run(SETUP + "objref vc, iv, amps\ndend[0] vc = new SEClamp(0.5)\n"
                    "vc.dur1 = 2\nvc.amp1 = -40\nvc.rs = 0.5\n"
                    "iv = new Vector()\niv.record(&vc.i)\namps = new Vector()\namps.append(-50, 0)\n")
    out = _sweep(hoc, 'sweep("vc.amp1", amps)')
    for k, amp in enumerate((-50, 0)):
        ref = _run(hoc, f"vc.amp1 = {amp}")
        ref.append(np.array(hoc.session.get_global("iv").x))
        for got, want in zip(out, ref):
            assert np.max(np.abs(got[k] - want)) < 1e-9
    assert np.ptp(out[2][:, 10]) > 1e-3
