"""Random cells written as HOC and run by both NEURON and hocx (whole stack: parser,
model geometry, lowering, integrator, stdrun, recording), compared at every sample."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from hoc_compare import compare

pytestmark = pytest.mark.neuron


@st.composite
def hoc_cells(draw):
    nsec = draw(st.integers(1, 5))
    lines = [f"create s[{nsec}]"]
    for i in range(1, nsec):
        p = draw(st.integers(0, i - 1))
        x = draw(st.sampled_from(["1", "1", "0", "0.5", "0.3"]))
        lines.append(f"connect s[{i}](0), s[{p}]({x})")
    for i in range(nsec):
        L = draw(st.integers(5, 300))
        d0, d1 = draw(st.floats(0.5, 12)), draw(st.floats(0.5, 12))
        nseg = draw(st.integers(1, 7))
        Ra = draw(st.integers(30, 300))
        mech = draw(st.sampled_from(["insert hh", "insert pas  e_pas = -60",
                                     "insert hh  insert pas  g_pas = 0.0002"]))
        taper = draw(st.booleans())
        diam = f"diam(0:1) = {d0:.3f}:{d1:.3f}" if taper else f"diam = {d0:.3f}"
        lines.append(f"s[{i}] {{ nseg = {nseg}  L = {L}  Ra = {Ra}  {diam}  {mech} }}")
    lines.append("objref stims[2], rec_a, rec_b, rec_t")
    for k in range(draw(st.integers(1, 2))):
        sec = draw(st.integers(0, nsec - 1))
        x = draw(st.sampled_from(["0.5", "0.1", "0.9", "1", "0"]))
        lines.append(f"s[{sec}] stims[{k}] = new IClamp({x})")
        lines.append(f"{{ stims[{k}].del = {draw(st.floats(0, 3)):.4f}  stims[{k}].dur = "
                     f"{draw(st.floats(0.1, 4)):.4f}  stims[{k}].amp = {draw(st.floats(-0.1, 0.8)):.4f} }}")
    lines.append("{ rec_a = new Vector()  rec_b = new Vector()  rec_t = new Vector() }")
    lines.append(f"rec_a.record(&s[0].v(0.5))")
    lines.append(f"rec_b.record(&s[{nsec - 1}].v({draw(st.sampled_from(['0.5', '1', '0.05']))}))")
    lines.append("rec_t.record(&t)")
    lines.append(f"celsius = {draw(st.sampled_from([6.3, 16.3, 25]))}")
    lines.append(f"secondorder = {draw(st.sampled_from([0, 2]))}")
    lines.append(f"usetable_hh = {draw(st.sampled_from([0, 1]))}")
    lines.append(f"dt = {draw(st.sampled_from([0.025, 0.0125, 0.05]))}")
    lines.append(f"steps_per_ms = {draw(st.sampled_from([40, 20, 10]))}")
    lines.append(f"v_init = {draw(st.integers(-75, -55))}")
    lines.append("tstop = 6")
    lines.append("run()")
    return "{load_file(\"stdrun.hoc\")}\n" + "\n".join(lines) + "\n"


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hoc_cells())
def test_random_hoc_cell_matches_neuron(h, text):
    compare(h, text)
