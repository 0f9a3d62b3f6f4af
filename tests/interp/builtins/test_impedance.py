"""Impedance (passive and extended form) against live NEURON: an hh soma with a passive
dendrite, linearised away from rest, a few frequencies, two injection sites."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from hocx.api import Session

SCRIPT = r"""create soma, dend
connect dend(0), soma(1)
soma { L = 20  diam = 20  nseg = 1  insert hh }
dend { L = 400  diam = 2  nseg = 9  insert pas  g_pas = 0.0002  e_pas = -65  Ra = 150 }
objref imp
finitialize(-60)
imp = new Impedance()
proc show() { local f, e
  for e = 0, 1 for f = 0, 2 {
    imp.compute(f*f*50, e)
    soma printf("REF %d %g %.12g %.12g ", e, f*f*50, imp.input(0.5), imp.input_phase(0.5))
    dend printf("%.12g %.12g %.12g %.12g %.12g\n", imp.transfer(0.7), imp.transfer_phase(0.7), imp.ratio(0.7), imp.input(0.3), imp.ratio(1))
  }
}
soma imp.loc(0.5)
show()
dend imp.loc(0.9)
show()
{printf("DF %g %g\n", imp.deltafac(), imp.deltafac(1e-4))}
"""


def numbers(text: str) -> list[list[float]]:
    return [[float(x) for x in line.split()[1:]] for line in text.splitlines()
            if line.startswith(("REF ", "DF "))]


def hocx_out(script: str) -> str:
    out: list[str] = []
    Session(out=out.append, err=lambda s: None).execute(script, "imp.hoc")
    return "".join(out)


@pytest.mark.neuron
@pytest.mark.skipif(shutil.which("nrniv") is None, reason="nrniv is not installed")
def test_impedance_matches_neuron(tmp_path):
    (tmp_path / "imp.hoc").write_text(SCRIPT)
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    ref = subprocess.run(["nrniv", "-nobanner", "-nogui", "imp.hoc", "-c", "quit()"], cwd=tmp_path,
                         env=env, capture_output=True, text=True, timeout=60).stdout
    want, got = numbers(ref), numbers(hocx_out(SCRIPT))
    assert len(want) == 13 and len(got) == 13
    for w, g in zip(want, got):
        assert g == pytest.approx(w, rel=1e-6, abs=1e-12), (w, g)
    # the extended form differs from the passive one (hh's gating shapes the response)
    assert abs(want[4][2] - want[1][2]) > 1.0


def test_impedance_errors():
    with pytest.raises(Exception, match="location is not specified"):
        hocx_out("create soma\nobjref imp\nimp = new Impedance()\nimp.compute(10)\n")
    with pytest.raises(Exception, match="compute"):
        hocx_out("create soma\nobjref imp\nimp = new Impedance()\nsoma imp.loc(0.5)\n"
                 "x = imp.input(0.5)\n")
