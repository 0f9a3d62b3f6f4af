"""ParallelContext with one host: gid states, an artificial cell as a gid's source,
spike_record exclusion, the bulletin board and collectives.  WANT is what nrniv 9.0.2
printed for SCRIPT; the full ring case is tests/legacy/data/cases/pc_serial."""
from __future__ import annotations

import pytest

from hocx.api import Session
from hocx.errors import HocError

SCRIPT = 'create soma\nobjref pc, nc, nil, ns, tv, iv, tv2, iv2\npc = new ParallelContext()\npc.set_gid2node(5, 0)\npc.set_gid2node(6, 1)\n{printf("exists 5=%d 6=%d\\n", pc.gid_exists(5), pc.gid_exists(6))}\nns = new NetStim()\n{ns.start = 1  ns.number = 3  ns.interval = 2}\nnc = new NetCon(ns, nil)\npc.cell(5, nc)\nobjref nc\n{printf("exists 5=%d gid2cell=%s\\n", pc.gid_exists(5), pc.gid2cell(5))}\ntv = new Vector()\niv = new Vector()\ntv2 = new Vector()\niv2 = new Vector()\n{pc.spike_record(-1, tv, iv)}\n{pc.spike_record(5, tv2, iv2)}\nproc job() { printf("job %g %s\\n", $1, $s2) }\n{pc.submit("job", 3, "x")  pc.submit("job", 4, "y")}\nwhile (pc.working) { printf("upk %g\\n", pc.upkscalar) }\n{printf("allreduce %g barrier %g\\n", pc.allreduce(2.5, 1), pc.barrier())}\n{finitialize(-65)}\nwhile (t < 10) { fadvance() }\n{printf("all %d only5 %d: %g %g %g id %g\\n", tv.size, tv2.size, tv2.x[0], tv2.x[1], tv2.x[2], iv2.x[0])}\n'

WANT = '\t0 \n\t0 \nexists 5=1 6=0\n\t0 \nexists 5=3 gid2cell=NetStim[0]\njob 3 x\nupk 3\njob 4 y\nupk 4\nallreduce 2.5 barrier 0\nall 0 only5 3: 1 3 5 id 5\n'


def run(text: str) -> str:
    out: list[str] = []
    Session(out=out.append, err=lambda m: None).execute(text, "pc.hoc")
    return "".join(out)


def test_serial_parallel_context_like_nrniv():
    assert run(SCRIPT) == WANT


def test_nrnbbcore_write_is_a_clear_error():
    with pytest.raises(HocError) as e:
        run('objref pc\npc = new ParallelContext()\npc.nrnbbcore_write("x")\n')
    assert "CoreNEURON" in str(e.value)


def test_cell_needs_set_gid2node_first():
    with pytest.raises(HocError) as e:
        run("create soma\nobjref pc, nc, nil\npc = new ParallelContext()\n"
            "soma nc = new NetCon(&v(0.5), nil)\npc.cell(1, nc)\n")
    assert "set_gid2node" in (e.value.hint or "")
