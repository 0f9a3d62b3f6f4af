"""Helpers for parity tests against the real NEURON package (``from neuron import h``).

Both sides build the same random cell from a plain description (:func:`build_hocx`,
:func:`build_neuron`); :func:`capture_fd1` collects text NEURON prints from C.
"""
from __future__ import annotations

import ctypes
import io
import os
import sys
import tempfile
from contextlib import contextmanager, redirect_stdout

from hocx.model import CableModel


@contextmanager
def capture_fd1():
    """Collect what NEURON prints: ``with capture_fd1() as buf: h.topology()`` → ``buf[0]``.

    Under Python NEURON routes Printf through ``sys.stdout``; plain C printf goes to file
    descriptor 1.  Both are captured (fd 1 redirected into a temp file, C stdio flushed).
    """
    libc = ctypes.CDLL(None)
    sys.stdout.flush()
    libc.fflush(None)
    saved = os.dup(1)
    buf: list[str] = []
    py = io.StringIO()
    with tempfile.TemporaryFile(mode="w+") as f:
        os.dup2(f.fileno(), 1)
        try:
            with redirect_stdout(py):
                yield buf
        finally:
            libc.fflush(None)
            os.dup2(saved, 1)
            os.close(saved)
            f.seek(0)
            buf.append(py.getvalue() + f.read())


def neuron_h():
    from neuron import h
    return h


def clear_neuron(h) -> None:
    for s in list(h.allsec()):
        h.delete_section(sec=s)


# A cell description: list of dicts with keys
#   nseg, L, Ra, rallbranch, diams (per segment), parent (index or None), px, cend,
#   pts (list of (x, y, z, d)) , mechs (ordered list of "pas"/"hh"), nseg2 (nseg set after inserts)

def build_hocx(desc) -> tuple[CableModel, list]:
    m = CableModel()
    secs = m.create("s", (len(desc),))
    for sec, d in zip(secs, desc):
        _setup(sec, d, hocx=True)
    for sec, d in zip(secs, desc):
        if d["parent"] is not None:
            m.connect(sec, d["cend"], secs[d["parent"]], d["px"])
    return m, secs


def build_neuron(h, desc) -> list:
    clear_neuron(h)
    h(f"create s[{len(desc)}]")
    secs = [h.s[i] for i in range(len(desc))]
    for sec, d in zip(secs, desc):
        _setup(sec, d, hocx=False)
    for sec, d in zip(secs, desc):
        if d["parent"] is not None:
            sec.connect(secs[d["parent"]](d["px"]), d["cend"])
    return secs


def _setup(sec, d, hocx: bool) -> None:
    sec.nseg = d["nseg"]
    sec.L = d["L"]
    sec.Ra = d["Ra"]
    sec.rallbranch = d["rallbranch"]
    for j, dm in enumerate(d["diams"]):
        x = (j + 0.5) / d["nseg"]
        if hocx:
            sec.set_range("diam", x, dm)
        else:
            sec(x).diam = dm
    for mech in d["mechs"]:
        sec.insert(mech)
    if d.get("nseg2"):
        sec.nseg = d["nseg2"]
    for p in d["pts"]:
        if hocx:
            sec.pt3d_edit("add", *p)
        else:
            from neuron import h
            h.pt3dadd(*p, sec=sec)
