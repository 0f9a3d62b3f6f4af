"""What the simulator and training plug-ins provide, declared once and without JAX.

The real plug-ins (:mod:`hocx.sim.plugin`, :mod:`hocx.train.plugin`, :mod:`hocx.train.sweep`)
register their functions under these names, kinds and docs; :mod:`hocx.lazy_plugins`
registers stand-ins from the same table, so a script that never simulates does not import
JAX and the two can never disagree.
"""
from __future__ import annotations

import time

#: the simulator globals and their NEURON defaults
SIM_GLOBALS = {"t": 0.0, "dt": 0.025, "celsius": 6.3, "secondorder": 0.0,
               # (usetable_hh, usetable_<suffix>: declared by each mechanism with a TABLE)
               # the ions' finitialize concentrations (eion.cpp; hocx/sim/ionfuncs.py)
               "nai0_na_ion": 10.0, "nao0_na_ion": 140.0, "ki0_k_ion": 54.4, "ko0_k_ion": 2.5,
               "cai0_ca_ion": 5e-5, "cao0_ca_ion": 2.0}

#: name -> (kind, doc) of every built-in function the plug-ins register
BUILTINS: dict[str, tuple[str, str]] = {
    "finitialize": ("func", "finitialize([v]): t = 0, v = v_init everywhere, run INITIAL blocks, first record sample"),
    "fadvance": ("func", "fadvance(): advance one time step dt"),
    "fcurrent": ("func", "fcurrent(): compute membrane currents at the present state"),
    "frecord_init": ("func", "frecord_init(): restart Vector.record at the present time"),
    "hocx_fast_continuerun": ("func", "used by stdrun.hoc: run continuerun natively if step/advance are not redefined"),
    "hocx_stdrun_loaded": ("func", "used by stdrun.hoc"),
    "hocx_no_cvode": ("func", "used by stdrun.hoc"),
    "ion_style": ("func", 'ion_style("name_ion", c_style, e_style, einit, eadvance, cinit): how an '
                  "ion's concentrations and reversal potential are treated (accessed section); "
                  "returns the old style"),
    "ion_charge": ("func", 'ion_charge("name_ion"): the charge (valence) of an ion'),
    "nernst": ("func", 'nernst(ci, co, z) or nernst("ena" [, x]): Nernst potential (mV) at celsius'),
    "ghk": ("func", "ghk(v, ci, co, z): Goldman-Hodgkin-Katz current factor"),
    "make_trainable": ("proc", 'make_trainable("param"[, init][, "bounds", lo, hi][, "per", key][, "cells", vec])'),
    "get_parameters": ("objfunc", "get_parameters(): trainable values as a Vector"),
    "delete_trainables": ("proc", "delete_trainables(): remove all trainables"),
    "show_trainables": ("proc", "show_trainables(): table of the trainables"),
    "sweep": ("objfunc", 'sweep("param", values[, ...][, "grid"]): List of Matrix, one per recording'),
}
#: class name -> doc of the classes the plug-ins register
CLASSES = {
    "CVode": "variable time step control (NEURON's CVODE BDF method, global step)",
    "Fit": "fit trainable parameters to target traces (gradient descent)",
}
#: interp.hooks entries the simulator plug-in sets
HOOKS = ("record", "netcon_event", "impedance")
#: (class, method) the plug-ins add to existing HOC classes (objects.extend_class)
EXTENSIONS = (("SectionList", "make_trainable"),)
#: session attributes the plug-ins set (reading one installs them)
ATTRIBUTES = ("sim", "train", "sweeper")


def register_startsw(interp) -> None:
    """``startsw()`` (stdrun.hoc times runs with it), unless a script already defined one."""
    if "startsw" not in interp.names():
        interp.register_builtin("startsw", lambda _i, _a, _s: time.perf_counter(), kind="func",
                                doc="startsw(): wall-clock seconds (for timing)")


def register(interp, name: str, fn) -> None:
    """Register built-in ``name`` with its declared kind and doc."""
    kind, doc = BUILTINS[name]
    interp.register_builtin(name, fn, kind=kind, doc=doc)
