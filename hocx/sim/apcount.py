"""APCount: the action-potential counter, as a threshold detector of the event layer.

NEURON's ``apcount.mod`` checks, after each step's state update, ``v >= thresh`` while not
``firing``: then ``n += 1``, ``time = t`` and the ``record()`` Vector gets ``time``;
``firing`` clears when v falls below thresh.  That is the event layer's threshold detector
(it tests ``v(t_n)`` at the start of the next step, the same value at the same time), so each
located APCount adds one detector whose "recorder" is a :class:`Counter` that updates the
APCount's ``n`` and ``time`` on the host.  ``finitialize`` empties the recorders: the counter
resets ``n`` (INITIAL ``n = 0``) and its recorded Vector.
"""
from __future__ import annotations

import numpy as np

NAME = "APCount"


def located(model) -> list:
    """The model's APCounts that sit in a section (creation order)."""
    return [pp for pp in getattr(model, "point_processes", ())
            if getattr(getattr(pp, "mechanism", None), "name", None) == NAME
            and getattr(pp, "node", None) is not None and not getattr(pp, "freed", False)]


class Counter:
    """A detector recorder that counts into an APCount (``push``/``resize_to`` as a Vector)."""

    def __init__(self, pp, offset: float):
        self.pp = pp
        self.offset = offset

    def push(self, times: np.ndarray) -> None:
        vals = self.pp.values
        for te in np.asarray(times, dtype=float).ravel():
            vals["n"] = float(vals["n"]) + 1.0
            vals["time"] = float(te) - self.offset
            vec = getattr(self.pp, "record_vec", None)
            if vec is not None and not getattr(vec, "freed", False):
                vec.push(np.array([vals["time"]]))

    def resize_to(self, n: int) -> None:
        if n == 0:
            self.pp.values["n"] = 0.0
            vec = getattr(self.pp, "record_vec", None)
            if vec is not None and not getattr(vec, "freed", False):
                vec.resize_to(0)


def add_detectors(geo, apcs, det_node, det_thresh, det_vecs, det_keys, offset: float) -> None:
    """One detector per APCount (its own threshold), appended to the lists of ``lower_net``."""
    for pp in apcs:
        det_node.append(geo.node_of_ref(pp.node))
        det_thresh.append(float(pp.values["thresh"]))
        det_vecs.append([(Counter(pp, offset), None, 0.0)])
        det_keys.append(("APCount", id(pp)))


def install(interp) -> None:
    """``apc.record(vec)``: the spike times go into vec (reset by finitialize)."""
    cls = interp.classes.get(NAME) if hasattr(interp, "classes") else None
    if cls is None or not hasattr(cls, "add_mod_method"):
        return

    def record(pp, args, span=None):
        pp.record_vec = args[0] if args else None
        return 0.0
    cls.add_mod_method("record", record, "record(vec): spike times go into vec")
