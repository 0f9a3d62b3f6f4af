"""Run one HOC text in the real NEURON and in hocx; return both sets of ``rec_*`` vectors."""
from __future__ import annotations

import re

import numpy as np


def rec_names(text: str) -> list[str]:
    names = []
    for decl in re.findall(r"objref\s+([^\n]+)", text):
        for nm in re.split(r"[\s,]+", decl.strip()):
            if nm.startswith("rec_") and nm not in names:
                names.append(nm)
    return names


RESET = """
forall delete_section()
{ dt = 0.025  t = 0  celsius = 6.3  secondorder = 0  usetable_hh = 1 }
"""
STDRUN_RESET = """
{ tstop = 5  v_init = -65  steps_per_ms = 40 }
proc init() { finitialize(v_init) }
proc advance() { fadvance() }
proc step() {local i
    if (using_cvode_) { advance() } else for i=1,nstep_steprun { advance() }
    Plot()
}
"""


def run_neuron(h, text: str) -> dict[str, np.ndarray]:
    """Run ``text`` in NEURON's (shared, in-process) interpreter after resetting its state."""
    for line in RESET.strip().splitlines():
        h(line)
    if hasattr(h, "stdinit"):
        h(STDRUN_RESET)
    h(text)
    return {nm: np.array(getattr(h, nm)) for nm in rec_names(text)}


def run_hocx(text: str, session=None):
    from hocx.api import Session

    out = []
    s = session or Session(out=out.append)
    s.execute(text, "<test>")
    return {nm: np.array(s.get_global(nm).x) for nm in rec_names(text)}, s, "".join(out)


def compare(h, text: str, tol: float = 1e-6) -> dict:
    ref = run_neuron(h, text)
    got, s, _ = run_hocx(text)
    assert ref, "no rec_ vectors in the test text"
    for nm in ref:
        assert len(got[nm]) == len(ref[nm]), f"{nm}: {len(got[nm])} samples, NEURON has {len(ref[nm])}"
        if len(ref[nm]):
            err = np.abs(got[nm] - ref[nm]).max()
            assert err < tol, f"{nm}: max |diff| = {err:g}"
    return {"ref": ref, "got": got, "session": s}
