"""Vector.record: what each recording points at and when it takes its samples.

A :class:`Recording` ties a Vector to a pointer (``&soma.v(0.5)``, ``&m_hh(0.3)``,
``&stim.i``, ``&t``) and a schedule (numerics.md §9.2):

* every step: one sample at finitialize, then one after each fadvance;
* ``record(&x, Dt)``: sample times ``te_0 = 0``, ``te_{k+1} = te_k + Dt`` (accumulated);
* ``record(&x, tvec)``: the sample times in ``tvec``.

A timed sample ``te`` takes x at ``t_n`` for the smallest n with ``te ≤ t_n + dt/2`` (NEURON
delivers record events like any other event).  The integrator hands back one row of values
per step; :meth:`Recording.take` appends what is due.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ..errors import HocTypeError
from .integrator import RecSource
from .lower import Lowered

@dataclass
class Recording:
    """One ``vec.record(...)`` call."""

    vec: Any
    pointer: Any
    Dt: float | None = None
    tvec: Any = None
    span: Any = None
    source: RecSource | None = None           # device column source
    host: Callable[[], float] | None = None   # value read on the host (not a model variable)
    col: int = -1
    k: int = 0                                # next timed sample
    next_te: float = 0.0
    sec: Any = None                           # section accessed at record() (local step: &t's cell)

    @property
    def timed(self) -> bool:
        return self.Dt is not None or self.tvec is not None

    def reset(self) -> None:
        """frecord_init: empty the vector and restart the schedule."""
        self.vec.resize_to(0)
        self.k = 0
        if self.Dt is not None:
            self.next_te = 0.0
        elif self.tvec is not None:
            self.next_te = self._tvec_at(0)

    def _tvec_at(self, k: int) -> float:
        x = self.tvec.x
        return float(x[k]) if k < len(x) else np.inf

    def advance_te(self) -> None:
        """The next sample time after one taken: Dt on, or the next tvec entry (inf past its end)."""
        self.k += 1
        if self.Dt is not None:
            self.next_te = self.next_te + self.Dt
        else:
            self.next_te = self._tvec_at(self.k)

    def take(self, t: np.ndarray, values: np.ndarray, dt: float, upto: float, first: bool) -> None:
        """Append the samples due among rows (``t``, ``values``).

        ``first``: rows start with the finitialize sample (per-step recordings take
        every row; otherwise row 0 is the previous state, already sampled).
        """
        if not self.timed:
            self.vec.push(values if first else values[1:])
            return
        half = 0.5 * dt
        out = []
        while self.next_te <= upto:
            n = int(np.searchsorted(t + half, self.next_te, side="left"))
            out.append(values[min(n, len(values) - 1)])
            self.advance_te()
        if out:
            self.vec.push(np.array(out))


def resolve(pointer, low: Lowered, nm, span=None) -> tuple[RecSource | None, Callable | None]:
    """Map a pointer to a device column source, or to a host getter for anything else."""
    from ..model.refs import MemberRef, RangeRef
    from ..interp.objects import CellPointer

    if isinstance(pointer, CellPointer):
        if pointer.name == "t":
            return RecSource("t"), None
        return None, pointer.get
    if isinstance(pointer, RangeRef):
        node = nm.node_of(pointer.section, pointer.x, span)
        var = pointer.var
        if var == "v":
            return RecSource("v", index=node), None
        has_ions = any(b.mech.kind == "ion" for b in low.blocks)
        for bi, blk in enumerate(low.blocks):
            if blk.mech.kind not in ("density", "ion"):
                continue
            hits = np.nonzero(blk.nodes == node)[0]
            if not hits.size:
                continue
            inst = int(hits[0])
            # &soma.ica(.5), &soma.cai(.5), &soma.eca(.5): the ion block's value (the total)
            for kind, names in (("state", blk.mech.states), ("assigned", blk.mech.assigned),
                                ("param", tuple(blk.mech.params))):
                for nm_ in names:
                    if blk.mech.range_name(nm_) == var or (not has_ions and nm_ in
                                                           blk.mech.ion_currents and nm_ == var):
                        return RecSource(kind, bi, nm_, inst), None
                    base = blk.mech.range_name(nm_) + "["       # ARRAY element ca_cashell[2]
                    if kind != "param" and var.startswith(base) and var.endswith("]"):
                        return RecSource(kind, bi, f"{nm_}[{var[len(base):-1]}]", inst), None
            if not has_ions and var in blk.mech.ion_reads:
                return RecSource("param", bi, var, inst), None
        return None, pointer.get
    if isinstance(pointer, MemberRef):
        hit = nm.pp_index.get(id(pointer.obj))
        if hit is not None:
            bi, inst = hit
            mech = low.blocks[bi].mech
            f = pointer.field
            if f in mech.states:
                return RecSource("state", bi, f, inst), None
            if f in mech.assigned:
                return RecSource("assigned", bi, f, inst), None
            if f in mech.params:
                return RecSource("param", bi, f, inst), None
        return None, pointer.get
    if hasattr(pointer, "get"):
        return None, pointer.get
    raise HocTypeError("Vector.record: the argument must be a pointer such as &soma.v(0.5)", span)
