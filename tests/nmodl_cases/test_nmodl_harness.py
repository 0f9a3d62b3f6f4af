"""The harness itself (fast, needs no translator): the copied reference data is complete and
the comparison flags what it must."""
from __future__ import annotations

import math

import pytest

import nmodl_harness as H


@pytest.mark.parametrize("case", H.DENSITY_CASES)
def test_reference_data_present(case):
    assert (H.SCRIPTS / f"{case}.hoc").is_file()
    ref = H.reference(case)
    vectors = ref["vectors"]
    assert vectors and all(name.startswith("rec_") for name in vectors)
    steps = round(ref["meta"]["tstop"] / ref["meta"]["dt"]) + 1
    assert any(len(v) == steps for v in vectors.values())
    for mod in ref["meta"]["mod_files"]:
        assert (H.MOD_DIR / mod).is_file(), mod


def test_fail_cases_present():
    for name in ("verbatim_block.mod", "verbatim_block.hoc", "syntax_error.mod",
                 "unloaded_mechanism.hoc"):
        assert (H.FAIL_DIR / name).is_file(), name


def test_compare_identical_passes():
    ref = {"rec_v": [-65.0, 10.0, 40.0], "rec_cai": [5e-5, 1e-4, 2e-4]}
    res = H.compare(ref, ref)
    assert [r.ok for r in res] == [True, True]
    assert all(r.max_err == 0.0 for r in res)


def test_compare_absolute_bound_on_voltage():
    ref = {"rec_v": [-65.0, 10.0, 40.0]}
    ok = H.compare({"rec_v": [-65.0, 10.0 + 9e-7, 40.0]}, ref)[0]
    bad = H.compare({"rec_v": [-65.0, 10.0 + 2e-6, 40.0]}, ref)[0]
    assert ok.ok and not bad.ok
    assert bad.worst_index == 1 and math.isclose(bad.max_err, 2e-6, rel_tol=1e-6)


def test_compare_relative_bound_on_concentration():
    ref = {"rec_cai": [5e-5, 1e-4, 2e-4]}
    assert H.compare({"rec_cai": [5e-5, 1e-4 + 1e-11, 2e-4]}, ref)[0].ok
    r = H.compare({"rec_cai": [5e-5, 1e-4 + 1e-10, 2e-4]}, ref)[0]   # < 1e-6 abs, > 1e-7 rel
    assert not r.ok and math.isclose(r.tol, 2e-11)


def test_compare_length_missing_and_nan():
    ref = {"rec_v": [1.0, 2.0], "rec_m": [0.1, 0.2]}
    res = {r.name: r for r in H.compare({"rec_v": [1.0, 2.0, 3.0]}, ref)}
    assert not res["rec_v"].ok and res["rec_v"].n_got == 3
    assert not res["rec_m"].ok and res["rec_m"].n_got is None
    assert not H.compare({"rec_v": [1.0, None]}, {"rec_v": [1.0, 2.0]})[0].ok
    assert H.compare({"rec_v": [1.0, None]}, {"rec_v": [1.0, None]})[0].ok


def test_case_result_needs_clean_exit():
    vec = H.compare({"rec_v": [1.0]}, {"rec_v": [1.0]})
    assert H.CaseResult("x", 0, "", vec, 0.0).ok
    assert not H.CaseResult("x", 1, "boom", vec, 0.0).ok
    assert not H.CaseResult("x", 0, "", [], 0.0).ok
