"""The ion layer of the step: NEURON's ion mechanisms and how every mechanism meets them.

An ion ``X_ion`` is a block of the lowered model like any mechanism (kind ION, one instance
per node that has it, in type order before its users): its carried values are
``eX``, ``Xi``, ``Xo`` (integrator states) and its total current ``iX`` (assigned).  Hidden
per-instance parameters hold the iontype flags (``_cinit``, ``_einit``, ``_eadvance``) and the
charge; ``P["ktf"]`` is ``1000·R·(celsius + 273.15)/F`` and ``P["ion0"][bi]`` the ion's
``Xi0_X_ion``/``Xo0_X_ion`` globals.

What NEURON does, and this module repeats (eion.cpp, nocmodl's generated nrn_cur/nrn_state/nrn_init):

* ``ion_init`` (finitialize, in type order): cinit → ``Xi = Xi0``, ``Xo = Xo0``; einit → e by Nernst.
* ``ion_cur`` (start of each step's current pass): ``iX = 0``; eadvance → e by Nernst.
* a user reads its READ variables from the ion at its node as they are at that moment (``ica``
  read in BREAKPOINT = the sum over lower-type writers so far; in the state update = the
  step's total), and a concentration it WRITEs (``cai``) is loaded before it runs;
* after its BREAKPOINT (evaluated at v) its written currents are added to the ion totals
  (point processes: ×100/area, nA → mA/cm2) and concentrations written in BREAKPOINT stored;
* after its state update (and its INITIAL) a concentration STATE is stored into the ion; in
  INITIAL a write is followed by nrn_wrote_conc (einit → e by Nernst at that node);
* secondorder = 2: the writers' ``diX/dv`` are summed too (``_diXdv``) and after the voltage
  solve ``iX += diX/dv · Δv`` (:func:`hocx.sim.kernel.second_order_cur`).

:class:`IonLink` is the static part of one (mechanism, ion) pair; its index arrays (``map``:
user instance → ion instance; ``inv``/``mask``: ion instance → user instance, density users
only) travel in the layout's ``ions`` list so they are traced arguments, not constants.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ModelError
from ..spec import Kind
from ..spec import ions as I


@dataclass(frozen=True)
class IonLink:
    """How one mechanism block uses one ion block (names are the mechanism's, which are also
    the ion block's variable names)."""

    ion_block: int
    reads: tuple[str, ...]          # read from the ion into p (e, ci, co, the current)
    currents: tuple[str, ...]       # written currents, added to the ion's total
    concs: tuple[str, ...]          # written concentrations (and a written e)
    conc_states: tuple[str, ...]    # those of ``concs`` that are STATEs of the mechanism
    point: bool                     # a point process (scatter, nA)


def plan(blocks) -> tuple[list[list[IonLink]], list[list[dict]]]:
    """Per block, its ion links and their index arrays (``map``, ``inv``, ``mask``)."""
    ion_of_name = {b.mech.name: bi for bi, b in enumerate(blocks) if b.mech.kind is Kind.ION}
    links, arrays = [], []
    for bi, blk in enumerate(blocks):
        mine, arrs = [], []
        mech = blk.mech
        if mech.kind is not Kind.ION:
            states = set(mech.states)
            for use in mech.ions:
                ib = ion_of_name.get(use.mechanism)
                if ib is None:
                    continue               # arrays lowered without ions: ion values stay params
                names = I.IonNames(use.ion)
                ion_nodes = blocks[ib].nodes
                where = {int(nd): j for j, nd in enumerate(ion_nodes)}
                try:
                    m = np.array([where[int(nd)] for nd in blk.nodes], dtype=np.int64)
                except KeyError:
                    raise ModelError(f"{mech.name} uses {use.mechanism} at a node that does not have it")
                point = mech.kind is not Kind.DENSITY
                concs = tuple(w for w in use.write if names.field(w) in ("ci", "co", "e"))
                cur = tuple(w for w in use.write if names.field(w) == "cur")
                # a current both READ and WRITTEN (cabpump's ``ica``) is read as well:
                # nocmodl loads ``ica = _ion_ica`` before BREAKPOINT (the lower-type writers'
                # sum) and before the state update (the step's total)
                reads = tuple(r for r in use.read if names.field(r) is not None)
                arr = {"map": m}
                if not point:
                    inv = np.full(len(ion_nodes), blk.count, dtype=np.int64)
                    inv[m] = np.arange(blk.count)
                    arr["inv"] = inv
                    arr["mask"] = inv < blk.count
                mine.append(IonLink(ib, reads, cur, concs,
                                    tuple(c for c in concs if c in states), point))
                arrs.append(arr)
        links.append(mine)
        arrays.append(arrs)
    return links, arrays


# ---- the ion mechanism's own functions -------------------------------------------------

def ion_init(xp, mech, s, p, P, bi):
    """ion_init: cinit, then einit (Nernst at celsius)."""
    n = I.IonNames(I.ion_of(mech.name))
    ci0, co0 = P["ion0"][bi]
    ci = xp.where(p["_cinit"] != 0, ci0, s[n.ci])
    co = xp.where(p["_cinit"] != 0, co0, s[n.co])
    e = xp.where(p["_einit"] != 0, I.nernst(xp, ci, co, p["_charge"], P["ktf"]), s[n.e])
    # the current an INITIAL block reads: 0 (ion_alloc's value; NEURON would show the
    # previous run's last total here)
    return {n.e: e + 0.0 * ci, n.ci: ci + 0.0 * e, n.co: co + 0.0 * e, n.cur: 0.0 * e}


def ion_cur(xp, mech, s, p, P):
    """ion_cur: zero the total current; eadvance → e by Nernst."""
    n = I.IonNames(I.ion_of(mech.name))
    ci, co = s[n.ci], s[n.co]
    e = xp.where(p["_eadvance"] != 0, I.nernst(xp, ci, co, p["_charge"], P["ktf"]), s[n.e])
    return {n.e: e, n.ci: ci, n.co: co, n.cur: 0.0 * e}


def wrote_conc(xp, mech, ion: dict, p, P, touched):
    """nrn_wrote_conc at the ion instances ``touched`` (einit → e by Nernst)."""
    n = I.IonNames(I.ion_of(mech.name))
    e = I.nernst(xp, ion[n.ci], ion[n.co], p["_charge"], P["ktf"])
    return {**ion, n.e: xp.where(touched & (p["_einit"] != 0), e, ion[n.e])}


# ---- users ----------------------------------------------------------------------------------

def _bcast(mask, like):
    return mask.reshape(mask.shape + (1,) * (like.ndim - mask.ndim))


def read(lay, links, arrs, ION, p, s, names_in_s=True, concs_in_s=False):
    """``p`` with the READ ion values and ``s`` with the written concentration STATEs loaded
    from the ions, as they are now.  ``concs_in_s``: the other written concentrations go into
    ``s`` too (the state update: a block that assigns ``cai = ca[0]`` reports it there)."""
    if not links:
        return p, s
    p, s = dict(p), dict(s)
    for link, arr in zip(links, arrs):
        vals = ION[link.ion_block]
        for r in link.reads:
            p[r] = lay.take(vals[r], arr["map"])
        for c in link.concs:
            x = lay.take(vals[c], arr["map"])
            if c in link.conc_states and names_in_s:
                s[c] = x
            else:
                p[c] = x
                if concs_in_s:
                    s[c] = x
    return p, s


def is_didv(key: str) -> bool:
    return key.startswith("_d") and key.endswith("dv")


def didv_of(key: str) -> str:
    """``"_dicadv"`` -> ``"ica"``."""
    return key[2:-2]


def add_currents(lay, links, arrs, ION, asg, shape, pfac_nodes, asg1=None):
    """Add the written currents (from BREAKPOINT at v) into the ion totals; with ``asg1``
    (BREAKPOINT at v + 0.001: secondorder = 2) also their ``diX/dv`` into ``_diXdv``
    (nocmodl's ``_ion_dicadv += (_dica - ica)/.001``)."""
    for link, arr in zip(links, arrs):
        if not link.currents:
            continue
        vals = dict(ION[link.ion_block])
        for c in link.currents:
            x = lay.fit(asg[c], shape)
            if link.point:
                vals[c] = vals[c].at[arr["map"]].add(x * pfac_nodes)
            else:
                vals[c] = vals[c] + lay.take(x, arr["inv"])
            if asg1 is not None:
                key = f"_d{c}dv"
                dx = (lay.fit(asg1[c], shape) - x) / 0.001
                acc = vals.get(key, 0.0 * vals[c])
                if link.point:
                    vals[key] = acc.at[arr["map"]].add(dx * pfac_nodes)
                else:
                    vals[key] = acc + lay.take(dx, arr["inv"])
        ION[link.ion_block] = vals
    return ION


def store(lay, links, arrs, ION, values, shape, which):
    """Store written concentrations from ``values`` into the ions; ``which``: "states" (the
    STATE ones, after a state update / INITIAL) or "assigned" (the others, after BREAKPOINT).
    Returns (ION, touched masks per ion block)."""
    touched = {}
    for link, arr in zip(links, arrs):
        # after a state update / INITIAL: every written concentration it reports (a STATE, or
        # one assigned inside the KINETIC/DERIVATIVE/PROCEDURE block such as cashell's
        # cai = ca[0]); after BREAKPOINT: the non-STATE ones in its assigned values
        names = link.concs if which == "states" else tuple(
            c for c in link.concs if c not in link.conc_states)
        names = tuple(c for c in names if c in values)
        if not names:
            continue
        vals = dict(ION[link.ion_block])
        for c in names:
            x = lay.fit(values[c], shape)
            if link.point:
                vals[c] = vals[c].at[arr["map"]].set(x)
            else:
                new = lay.take(x, arr["inv"])
                vals[c] = _where(_bcast(arr["mask"], vals[c]), new, vals[c])
        ION[link.ion_block] = vals
        if link.point:
            import jax.numpy as jnp
            n = vals[names[0]].shape[0]
            touched[link.ion_block] = jnp.zeros(n, dtype=bool).at[arr["map"]].set(True)
        else:
            touched[link.ion_block] = arr["mask"]
    return ION, touched


def _where(m, a, b):
    import jax.numpy as jnp
    return jnp.where(m, a, b)
