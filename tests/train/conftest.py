"""Helpers for the training tests: a session whose program output is captured."""
from __future__ import annotations

import pytest

from hocx.api import Session


class Captured:
    def __init__(self):
        self.out: list[str] = []
        self.session = Session(out=self.out.append)

    def run(self, text: str) -> str:
        n = len(self.out)
        self.session.execute(text)
        return "".join(self.out[n:])


@pytest.fixture
def hoc():
    return Captured()


BRANCHED = """{load_file("stdrun.hoc")}
create soma, dend[2]
connect dend[0](0), soma(1)
connect dend[1](0), soma(1)
forall { insert hh  nseg = 3  L = 40  diam = 2  Ra = 100 }
soma { L = 15  diam = 15  nseg = 1 }
objref apical
apical = new SectionList()
dend[0] apical.append()
dend[1] apical.append()
usetable_hh = 0
objref stim, vs, vtip
soma stim = new IClamp(0.5)
stim.del = 1
stim.dur = 2
stim.amp = 0.3
vs = new Vector()
vtip = new Vector()
vs.record(&soma.v(0.5))
vtip.record(&dend[1].v(0.9))
v_init = -65
"""
