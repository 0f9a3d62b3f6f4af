"""Issue 13 (NMODL II), the point-process cases whose translation needs no event engine:
NEURON 9.0.2's traces through ``hocx --mod ../mod CASE.hoc --save out.json`` (run in the
scripts folder), every ``rec_*`` vector within 1e-6 absolute and 1e-7 of its largest |value|.

* ``nap_ramp``: RampI, an ELECTRODE_CURRENT point process (nA, positive inward, evaluated at
  t + dt/2) computed from ``t`` with ``sin`` and ``PI``; its parameters set per instance from HOC.
* ``gap_pair``: two GapJ halves reading each other's voltage through POINTERs (setpointer).
* ``mod_functions``: the mods' FUNCTIONs/PROCEDUREs called from HOC, including the point
  process method ``syn.mgblock(v)`` and the artificial cell's ``cell.M()`` after a short run
  (a NetStim driving a LIFcell through the event engine).
"""
from __future__ import annotations

import pytest

import nmodl_harness as H

MY_CASES = ("nap_ramp", "gap_pair", "mod_functions")


@pytest.mark.slow
def test_point_process_cases_match_neuron():
    """Both in this process (one JAX start-up; the CLI path is the density cases' test's)."""
    pytest.importorskip("jax")
    results = [H.run_case_inprocess(case) for case in MY_CASES]
    assert all(r.ok for r in results), "\n".join(r.report() for r in results)
