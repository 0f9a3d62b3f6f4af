"""NEURON's own library files (the top-level ``share/nrn/lib/hoc/*.hoc`` of the installed
neuron package, read at test time, never copied), each ``load_file``d in a fresh headless
session: every file that nrniv loads must load in hocx too (hocx's stdlib provides its own
headless versions under the same names)."""
from __future__ import annotations

import pytest

from hocx.api import Session
from legacy_parse_helper import neuron_share

#: what ``nrniv -nobanner -nogui -c '{x = load_file("F")}'`` loads (x = 1) with DISPLAY
#: unset, NEURON 9.0.2, one fresh process per file: 38 of the 51
NRNIV_LOADS = frozenset("""
attshape binfo celbild chanbild family funfit gatherv grapher impedanc impedanx import3d
impratio inserter loadbal logax macload mkcurve mulfit mview noload nrngui nrngui1 parcom
pcchdir pointbsr pointgrp prcellstate shapebox showmech single single1 stdgui stdlib stdrun
subiter thresh vecwrap vplay""".split())
#: hocx loads these too (nrniv stops in them: electrod.hoc needs stdrun's `run` declared,
#: netbild.hoc's spkplot.hoc needs `addplot`); raise when more load, never lower
HOCX_LOADS_AT_LEAST = 40

pytestmark = pytest.mark.skipif(neuron_share() is None, reason="the neuron package is not installed")


def library_files():
    return sorted((neuron_share() / "lib" / "hoc").glob("*.hoc"))


def loads(name: str) -> bool:
    out: list[str] = []
    s = Session(out=out.append, err=lambda s: None)
    try:
        s.execute('{x = load_file("%s")}\n{printf("LOADED %%d\\n", x)}\n' % name, "load.hoc")
    except Exception:   # noqa: BLE001 - any HocError means it did not load
        return False
    return "LOADED 1\n" in "".join(out)


def test_every_library_file_nrniv_loads_loads_headless():
    files = library_files()
    assert len(files) == 51
    assert NRNIV_LOADS <= {f.stem for f in files}
    loaded = {f.stem for f in files if loads(f.name)}
    assert NRNIV_LOADS - loaded == set(), f"nrniv loads these, hocx does not: {sorted(NRNIV_LOADS - loaded)}"
    assert len(loaded) >= HOCX_LOADS_AT_LEAST, sorted(loaded)


SDI = """{load_file("subiter.hoc")}
create soma, d[2]
connect d[0](0), soma(1)
connect d[1](0), d[0](1)
soma { L = 10 nseg = 1 }
d[0] { L = 100 nseg = 3 }
d[1] { L = 50 nseg = 2 }
define_shape()
objref sl, it
sl = new SectionList()
d[0] sl.append()
d[1] sl.append()
it = new SubsetDomainIterator(sl, 0, 1, 1)
{for it.loop() { printf("REF %s %g %g\\n", secname(), it.x, it.p) }}
{printf("REF %g %g\\n", it.p0, it.p1)}
it = new SubsetDomainIterator(sl, 0, 0, 0)
{x1 = 0 p1 = 0 for it.loop(&x1, &p1) { printf("REF %g %g\\n", x1, p1) }}
"""
#: nrniv 9.0.2's stdout for SDI (with NEURON's own subiter.hoc)
SDI_NRNIV = """\t1 
REF d[0] 0.166667 0.111111
REF d[0] 0.5 0.333333
REF d[0] 0.833333 0.555556
REF d[1] 0.25 0.75
REF d[1] 0.75 0.916667
REF 0 1
REF 0.166667 26.6667
REF 0.5 60
REF 0.833333 93.3333
REF 0.25 122.5
REF 0.75 147.5
"""


def run(text: str) -> str:
    out: list[str] = []
    Session(out=out.append, err=lambda s: None).execute(text, "t.hoc")
    return "".join(out)


def test_subset_domain_iterator_as_nrniv():
    assert run(SDI) == SDI_NRNIV


def test_a_multiple_run_fitter_session_loads(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.ses.ft1").write_text("spec line 1\nspec 2\n")
    (tmp_path / "m.ses.fd1").write_text("0 1\n")
    (tmp_path / "m.ses").write_text(
        '{load_file("mulfit.hoc", "MulRunFitter")\n}\n{\nocbox_ = new MulRunFitter(1)\n}\n'
        '{object_push(ocbox_)}\n{\nversion(6)\nranfac = 2\nfspec = new File("m.ses.ft1")\n'
        'fdat = new File("m.ses.fd1")\nread_data()\nbuild()\n}\nopt.set_optimizer("MulfitPraxWrap")\n'
        '{object_push(opt.optimizer)}\n{\nnstep = 5\n}\n{object_pop()}\n{p.gengui(0, 10, 20, 300, 400)}\n'
        '{optrestore(1, 2, 3, 4)}\n{object_pop()}\n{\nocbox_.map("MulRunFitter[0]", 5, 6, 400, 300)\n}\n'
        'objref ocbox_\n')
    got = run('{load_file("nrngui.hoc")}\nobjref ocbox_, l\n{load_file("m.ses")}\n'
              'l = new List("MulRunFitter")\n'
              '{printf("%d %d %d\\n", l.count, l.object(0).spec_lines.count, l.object(0).opt.optimizer.nstep)}\n')
    assert got.splitlines()[-1] == "1 2 5"
    with pytest.raises(Exception, match="not implemented by hocx"):
        run('{load_file("mulfit.hoc")}\nobjref m\nm = new MulRunFitter(1)\nm.prun()\n')
