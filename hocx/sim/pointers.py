"""POINTER variables that point at anything the simulator carries, not only a voltage.

A point process's ``POINTER xx`` (``setpointer pp.xx, target``) reads its target at the
moment the mod code runs, as nocmodl's ``#define xx *_ppvar[k]`` does.  A target is:

* a membrane voltage ``sec.v(x)``: kept as today, a node index array (``v[idx]``);
* any other range variable of a density mechanism or an ion (``sec.m_hh(.5)``,
  ``sec.cai(.5)``), or a variable of another point process (``b.g``): a
  :class:`PointerSource` — groups ``(kind, block, var)`` each with the instance indices it
  gathers, concatenated and permuted into the reader's instance order (as the recording
  rows are built);
* a HOC global (``celsius``, a mod GLOBAL ``gmax_foo``, a plain variable): a value read on
  the host when the parameters are packed (``celsius`` from the step's own celsius).

Which value a pass sees follows NEURON's fixed step (fadvance.cpp: nrn_rhs → solve →
nrn_state, each in type order): a state read in the current pass is the one after the
previous step's state update; read during the state update, the state of a mechanism
earlier in type order is already the new one; ions are read from their running values.
Each pass hands :func:`values` a ``read(kind, block, var)`` that knows this.
"""
from __future__ import annotations

import hashlib

import jax
import numpy as np

#: kinds of group: a node's v, a block's state / parameter, an ion's running value, the
#: step's celsius, a host value stored in the reader's own parameters (``__ptr_<name>``)
KINDS = ("v", "state", "param", "celsius", "host")


def host_key(name: str) -> str:
    """The reader block's parameter that holds host-read POINTER values."""
    return f"__ptr_{name}"


@jax.tree_util.register_pytree_node_class
class PointerSource:
    """Where each instance of one POINTER reads: ``groups`` (static) with index arrays
    ``idx`` (one per group) and ``perm`` (concatenated order -> instance order)."""

    def __init__(self, groups: tuple, idx: tuple, perm):
        self.groups, self.idx, self.perm = tuple(groups), tuple(idx), perm

    def tree_flatten(self):
        return (self.idx, self.perm), self.groups

    @classmethod
    def tree_unflatten(cls, groups, children):
        idx, perm = children
        return cls(groups, idx, perm)

    def key(self) -> bytes:
        h = hashlib.sha1(repr(self.groups).encode())
        for x in (*self.idx, self.perm):
            h.update(np.asarray(x, dtype=np.int64).tobytes())
        return h.digest()

    def values(self, v, p: dict, read):
        """The POINTER's value per instance of the reader."""
        xp = np if isinstance(v, np.ndarray) else jax.numpy
        parts = []
        for (kind, blk, var), ix in zip(self.groups, self.idx):
            if kind == "v":
                parts.append(v[ix])
            elif kind == "host":
                parts.append(p[var][ix])
            elif kind == "celsius":
                parts.append(xp.broadcast_to(read("celsius", -1, var), np.shape(ix) + v.shape[1:]))
            else:
                if read is None:
                    raise RuntimeError(f"POINTER to {var}: this pass gives no reader")
                parts.append(read(kind, blk, var)[ix])
        # a sweep's trailing run axis: instances lead, so pad (m,) to (m, 1) before broadcasting
        shape = np.broadcast_shapes(*[np.shape(x)[1:] for x in parts])
        parts = [xp.broadcast_to(xp.reshape(x, np.shape(x)[:1] + (1,) * (len(shape) + 1 - np.ndim(x)))
                                 if np.ndim(x) < len(shape) + 1 else x, np.shape(x)[:1] + shape)
                 for x in parts]
        out = parts[0] if len(parts) == 1 else xp.concatenate(parts)
        return out[self.perm]


def general(pointers: dict) -> bool:
    """Whether any POINTER of a block needs a reader (points at something other than v)."""
    return any(isinstance(x, PointerSource) for x in pointers.values())


def element(d: dict, var: str):
    """``d[var]``; ``"ca[2]"`` is element 2 of the ARRAY variable ``ca`` (index leading)."""
    if var.endswith("]") and "[" in var and var not in d:
        name, j = var[:-1].split("[")
        return d[name][int(j)]
    return d[var]


def reader(P: dict, pick_state):
    """``read(kind, block, var)`` of one pass: parameters from ``P``, states (and ion values)
    from ``pick_state(block)`` -> the dict that holds block's value as this pass sees it."""
    def read(kind, blk, var):
        if kind == "param":
            return P["blocks"][blk][var]
        if kind == "celsius":
            return P["celsius"]
        return element(pick_state(blk, var), var)
    return read
