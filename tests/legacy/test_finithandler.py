"""FInitializeHandler types 3, 0, 1, 2, object context, allprint, removal by dropping
the reference, and the record sample taken after the type-1 handlers.  WANT is what
nrniv 9.0.2 printed for SCRIPT (``nrniv -nobanner f.hoc``)."""
from __future__ import annotations

import pytest

from hocx.api import Session
from hocx.errors import HocError

SCRIPT = 'create soma\naccess soma\nsoma { L = 15  diam = 15  insert hh }\nobjref f0, f1, f2, f3, fd, rec\nproc h3() { printf("type3 v=%g m=%g\\n", v, m_hh) }\nproc h0() { printf("type0 v=%g m=%g\\n", v, m_hh) }\nproc h1() { printf("type1 v=%g m=%.6f\\n", v, m_hh)  n_hh = 0.4 }\nproc h2() { printf("type2 n=%g\\n", n_hh) }\nf2 = new FInitializeHandler(2, "h2()")\nf1 = new FInitializeHandler(1, "h1()")\nf0 = new FInitializeHandler(0, "h0()")\nf3 = new FInitializeHandler(3, "h3()")\nfd = new FInitializeHandler("printf(\\"default v=%g\\\\n\\", v)")\nbegintemplate P\npublic fih, count\nobjref fih, this\nproc init() { count = 0  fih = new FInitializeHandler(0, "tick()", this) }\nproc tick() { count += 1  printf("%s tick %d\\n", this, count) }\nendtemplate P\nobjref p\np = new P()\nrec = new Vector()\nrec.record(&soma.n_hh(0.5))\n{f0.allprint()}\n{finitialize(-60)}\n{printf("after n=%g rec0=%g size=%d\\n", n_hh, rec.x[0], rec.size)}\nobjref f2, p\n{finitialize(-65)}\n{fd.allprint()}\n'

WANT = '\tVector[0] \nType 0 FInitializeHandler statements\n\th0()\n\tP[0].tick()\nType 1 FInitializeHandler statements\n\th1()\n\tprintf("default v=%g\\n", v)\nType 2 FInitializeHandler statements\n\th2()\nType 3 FInitializeHandler statements\n\th3()\ntype3 v=-65 m=0\ntype0 v=-60 m=0\nP[0] tick 1\ntype1 v=-60 m=0.093642\ndefault v=-60\ntype2 n=0.4\nafter n=0.4 rec0=0.4 size=1\ntype3 v=-60 m=0.093642\ntype0 v=-65 m=0.093642\ntype1 v=-65 m=0.052932\ndefault v=-65\nType 0 FInitializeHandler statements\n\th0()\nType 1 FInitializeHandler statements\n\th1()\n\tprintf("default v=%g\\n", v)\nType 3 FInitializeHandler statements\n\th3()\n'


def run(text: str) -> str:
    out: list[str] = []
    Session(out=out.append, err=lambda m: None).execute(text, "f.hoc")
    return "".join(out)


def test_handlers_run_at_the_four_points_like_nrniv():
    assert run(SCRIPT) == WANT


def test_bad_type_is_an_error():
    with pytest.raises(HocError):
        run('objref f\nf = new FInitializeHandler(7, "x = 1")\n')


def test_without_handlers_finitialize_is_unchanged():
    got = run("create soma\naccess soma\ninsert hh\n{finitialize(-60)}\n"
              "{printf(\"%.6f\\n\", m_hh)}\n")
    assert got == "0.093642\n"
