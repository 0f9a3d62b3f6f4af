"""The model's ion bookkeeping: ion mechanisms created on first use, charges, and each
segment's iontype (NEURON's style bits, :mod:`hocx.spec.ions`).

* :func:`register_ions` — before a mechanism spec is registered, every ion it USEs that the
  registry does not know yet is registered as ``X_ion`` (so ions get lower type numbers than
  their users, as in NEURON) with NEURON's defaults; a VALENCE sets the charge, and two
  different VALENCEs for one ion are an error (eion.cpp's ion_reg).
* :func:`promote_inserted` — on ``insert m``, every segment's iontype of each ion m uses goes
  through nrn_promote with m's (conc, rev) codes, and the written-concentration bits are set.
* :func:`recompute` — a cloned node (nseg change) re-allocates its mechanisms: iontype from 0.
* :func:`set_style` — ``ion_style("X_ion", ...)`` on the segments of one section.

The iontype values live in ``Section.iontype`` (ion mechanism name -> int array per segment).
"""
from __future__ import annotations

import numpy as np

from ..errors import ModelError
from ..spec import Kind, MechSpec
from ..spec import ions as I


def register_ions(registry, spec: MechSpec) -> None:
    """Register the ions ``spec`` uses that are new, and record VALENCEs (ion_reg)."""
    charges = registry.ion_charges
    for use in spec.ions:
        name = use.mechanism
        if name not in registry:
            registry.register(I.ion_spec(use.ion))
        if name not in charges:
            charges[name] = I.defaults(use.ion)[3]
        if use.valence is None:
            continue
        old = charges[name]
        val = float(use.valence)
        if old != I.NO_CHARGE and val != old:
            raise ModelError(f"{name} ion charge defined differently in two USEION statements "
                             f"({val:g} and {old:g})",
                             hint=f"{spec.name} says VALENCE {val:g}; another mechanism said {old:g}")
        charges[name] = val


def charge(registry, ion_mech: str) -> float:
    """The ion's charge (NO_CHARGE when no USEION gave a VALENCE for a new ion)."""
    if ion_mech in registry.ion_charges:
        return registry.ion_charges[ion_mech]
    return I.defaults(I.ion_of(ion_mech))[3]


def _codes(registry, mech: str) -> list[tuple[str, int, int, int]]:
    spec = registry.spec(mech)
    if spec is None:
        return []
    return [(u.mechanism, *I.use_codes(u), I.written_bits(u)) for u in spec.ions]


def promote_inserted(sec, mech: str, registry) -> None:
    """nrn_promote of every segment of ``sec`` for the ions mechanism ``mech`` uses."""
    n = sec.nseg
    for ion, conc, rev, wbits in _codes(registry, mech):
        arr = sec.iontype.setdefault(ion, np.zeros(n, dtype=np.int64))
        for k in range(n):
            arr[k] = I.promote(int(arr[k]) | wbits, conc, rev)
    spec = registry.spec(mech)
    if spec is not None and spec.kind is Kind.ION and mech not in sec.iontype:
        sec.iontype[mech] = np.zeros(n, dtype=np.int64)


def recompute(props: list, registry) -> dict[str, int]:
    """iontype of each ion on one freshly allocated node: its mechanisms (property list, head
    first) promoted in allocation order (oldest first)."""
    out: dict[str, int] = {}
    for p in reversed(props):
        if not isinstance(p, str):
            continue
        spec = registry.spec(p)
        if spec is not None and spec.kind is Kind.ION:
            out.setdefault(p, 0)
        for ion, conc, rev, wbits in _codes(registry, p):
            out[ion] = I.promote(out.get(ion, 0) | wbits, conc, rev)
    return out


def after_nseg(sec, src, cloned, registry) -> None:
    """Carry the iontype arrays through an nseg change: kept nodes keep theirs, cloned nodes
    are re-allocated (NEURON's node_clone calls every mechanism's alloc again)."""
    old = sec.iontype
    new = {ion: np.asarray(arr)[src].copy() for ion, arr in old.items()}
    for k, c in enumerate(cloned):
        if c:
            fresh = recompute(sec.props[k], registry)
            for ion, arr in new.items():
                arr[k] = fresh.get(ion, 0)
    sec.iontype = new


def set_style(sec, ion_mech: str, bits: int | None) -> float:
    """``ion_style`` on section ``sec``: returns the old style of its first node (−1 when the
    ion is not there); with ``bits``, sets every segment's style keeping the 'written' bits."""
    arr = sec.iontype.get(ion_mech)
    if arr is None or ion_mech not in sec.mechs:
        return -1.0
    old = float(arr[0])
    if bits is not None:
        for k in range(len(arr)):
            arr[k] = I.restyle(int(arr[k]), bits)
        sec.model.mark_values_changed()
    return old


def node_style(sec, ion_mech: str) -> np.ndarray:
    """The iontype of every segment (zeros when never promoted)."""
    arr = sec.iontype.get(ion_mech)
    return np.zeros(sec.nseg, dtype=np.int64) if arr is None else np.asarray(arr)
