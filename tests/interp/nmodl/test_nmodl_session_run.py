"""End to end: translated mechanisms simulated by a Session."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hocx.interp.nmodl import translate

MOD = Path(__file__).resolve().parents[2] / "data" / "nmodl_reference" / "mod"

SCRIPT = """
create soma
soma { L = 20  diam = 20  nseg = 1  insert {mech} }
objref stim, rv, rm
soma stim = new IClamp(0.5)
stim.del = 1
stim.dur = 5
stim.amp = 0.3
rv = new Vector()
rm = new Vector()
rv.record(&soma.v(0.5))
rm.record(&soma.m_{mech}(0.5))
dt = 0.025
tstop = 10
finitialize(-65)
while (t < tstop) { fadvance() }
"""


def _run(register=None, mech="hh", text=SCRIPT):
    from hocx.api import Session
    s = Session()
    if register is not None:
        s.model.registry.register(register)
    s.execute(text.replace("{mech}", mech))
    return np.array(s.get_global("rv").x), np.array(s.get_global("rm").x)


def _neuron_hh():
    import importlib.util
    spec = importlib.util.find_spec("neuron")
    if spec is None or not spec.submodule_search_locations:
        return None
    p = Path(list(spec.submodule_search_locations)[0]) / ".data" / "share" / "modfile" / "hh.mod"
    return p if p.is_file() else None


@pytest.mark.slow
def test_translated_neuron_hh_replaces_the_builtin_with_identical_traces():
    pytest.importorskip("jax")
    path = _neuron_hh()
    if path is None:
        pytest.skip("the neuron package is not installed")
    v0, m0 = _run()
    v1, m1 = _run(translate(str(path)).spec)
    assert len(v0) == 401 and v0.max() > 0           # it spikes
    np.testing.assert_array_equal(v0, v1)
    np.testing.assert_array_equal(m0, m1)


REF = MOD.parent


def _trace(case):
    import gzip
    import json
    with gzip.open(REF / "traces" / f"{case}.json.gz", "rt") as fh:
        return json.load(fh)["vectors"]


@pytest.mark.parametrize("case,mods,tstop", [("hcn_sag", ("hcn",), 40.0),
                                             ("hhold_explicit", ("hhold",), 20.0)])
def test_reference_case_prefix_matches_neuron(case, mods, tstop, monkeypatch):
    """The first ``tstop`` ms of a reference case, the translation registered in a Session
    (no CLI): every recorded vector equals NEURON's within 1e-9."""
    pytest.importorskip("jax")
    import io
    from contextlib import redirect_stdout
    from hocx.api import Session
    monkeypatch.chdir(REF / "scripts")
    text = (REF / "scripts" / f"{case}.hoc").read_text()
    assert "tstop = " in text
    text = text.replace("tstop = 200", f"tstop = {tstop}").replace("tstop = 90",
                                                                   f"tstop = {tstop}")
    s = Session()
    s.load_mod(*[str(MOD / f"{m}.mod") for m in mods])
    with redirect_stdout(io.StringIO()):
        s.execute(text, f"{case}.hoc")
    ref = _trace(case)
    n = int(round(tstop / 0.025)) + 1
    for name, want in ref.items():
        got = np.array(s.get_global(name).x)
        assert len(got) == n, name
        np.testing.assert_allclose(got, np.array(want[:n]), rtol=0, atol=1e-9, err_msg=name)
