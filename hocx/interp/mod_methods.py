"""FUNCTIONs and PROCEDUREs of a point process or artificial cell as HOC methods.

NEURON calls them on an instance (``syn.mgblock(-20)``, ``cell.M()``): the mod's code runs
with that instance's variables (its RANGE parameters, assigned values and states as they
stand, its POINTERs' targets), the mechanism's GLOBALs as the HOC globals ``name_suffix``
hold them, ``t``/``dt``/``celsius`` of the session and the TABLEs of the present
``celsius``/``dt`` (when ``usetable_<suffix>`` is on).  What the call assigns is stored back:
the instance's own variables into the instance, GLOBALs into the HOC globals.  A PROCEDURE
returns 1, a FUNCTION its value (as :func:`hocx.interp.mod_loader.install_functions` does for
density mechanisms' functions, which have no instance).
"""
from __future__ import annotations

import numpy as np

from ..errors import HocError, HocRuntimeError
from ..model.mechanisms import global_names
from ..spec import Kind


def install_methods(interp, t) -> None:
    """Add the translation ``t``'s FUNCTIONs/PROCEDUREs as methods of its point class."""
    spec = t.spec
    functions = getattr(t, "functions", None) or {}
    if spec.kind not in (Kind.POINT_PROCESS, Kind.ARTIFICIAL_CELL) or not hasattr(t, "call"):
        return
    cls = interp.classes.get(spec.name)
    if cls is None or not hasattr(cls, "add_mod_method"):
        return
    for fname, (what, nargs) in functions.items():
        if what == "LEGACY_RANDOM":      # NEURON's C (VERBATIM) Random123 calls: see points.py
            from ..model.points import legacy_random_method
            ranvar = spec.randoms[0]
            cls.add_mod_method(fname, legacy_random_method(fname, ranvar),
                               f"{fname}(...): NEURON's legacy Random123 call on {ranvar}")
            continue
        plural = "s" if int(nargs) != 1 else ""
        cls.add_mod_method(fname, method(t, fname, what, int(nargs)),
                           f"{what} {fname} of {spec.name} ({nargs} argument{plural})")


def method(t, fname: str, what: str, nargs: int):
    """``fn(pp, args, span) -> float``: the call on instance ``pp``."""
    spec = t.spec
    scalars = [(h, v) for h, v in global_names(spec) if v.size == 1]
    flag = next((h for f, h, _d in spec.flags if f == "usetable"), None)
    pointers = set(spec.pointers)

    def call(pp, args, span):
        who = f"{pp.hoc_name()}.{fname}"
        if len(args) != nargs:
            raise HocRuntimeError(f"{who}: {nargs} argument{'s' if nargs != 1 else ''} "
                                  f"expected, got {len(args)}", span)
        try:
            xs = [float(a) for a in args]
        except (TypeError, ValueError):
            raise HocRuntimeError(f"{who}: the arguments are numbers", span) from None
        interp = pp.interp
        ns = interp.globals.values
        values = {v.name: float(ns[h]) for h, v in scalars if h in ns}
        own = {}
        for name, val in pp.values.items():
            if name in pointers:
                ref = pp.pointers.get(name)
                own[name] = float(ref.get()) if ref is not None else 0.0
            elif isinstance(val, np.ndarray):
                own[name] = [float(x) for x in val]
            else:
                own[name] = float(val)
        own.update({k: float(x) for k, x in (getattr(pp, "hidden", None) or {}).items()})
        values.update(own)
        if pp.node is not None and "v" not in own:
            values["v"] = _node_v(pp)
        result, st = call_from_hoc(interp, t, fname, xs, values, flag, span)
        for h, v in scalars:
            if v.name in st and h in ns:
                ns[h] = _num(st[v.name], ns[h])
        hidden = getattr(pp, "hidden", None)
        for name, before in own.items():
            if isinstance(hidden, dict) and name in hidden and name not in pp.values \
                    and name in st:      # a hidden carried value (a RANDOM's stream: seed(x))
                hidden[name] = _num(st[name], before)
                continue
            if name in pointers or name not in pp.values or name not in st:
                continue
            after = st[name]
            if isinstance(before, list):
                if list(np.ravel(np.asarray(after, dtype=float))) != before:
                    for k, x in enumerate(np.ravel(np.asarray(after, dtype=float))):
                        pp.hoc_set(name, float(x), k, span)
            else:
                x = _num(after, before)
                if x != before:
                    pp.hoc_set(name, x, None, span)
        return 1.0 if what == "PROCEDURE" else float(np.asarray(result, dtype=float).reshape(-1)[0])

    call.__name__ = fname
    return call


def call_from_hoc(interp, t, fname: str, xs: list, values: dict, flag: str | None, span):
    """Run a mod's FUNCTION/PROCEDURE ``fname`` from HOC with the session's dt, celsius, t
    and, when ``flag`` (its ``usetable_<suffix>``) is on, its TABLEs; returns (result, the
    variables it left)."""
    spec = t.spec
    celsius, dt = float(interp.get_global("celsius")), float(interp.get_global("dt"))
    use = bool(interp.globals.values.get(flag, 1.0)) if flag else False
    env = {"dt": dt, "celsius": celsius, "t": float(interp.get_global("t")), "usetable": use}
    if spec.tables is not None and use:
        env.update(spec.tables(dict(values), celsius, dt=dt, usetable=use))
    try:
        return t.call(fname, xs, values, env)
    except HocError as e:
        raise e.with_span(span)


def _num(x, fallback: float) -> float:
    try:
        return float(np.asarray(x, dtype=float).reshape(-1)[0])
    except (TypeError, ValueError, IndexError):
        return float(fallback)


def _node_v(pp) -> float:
    """The membrane potential where ``pp`` sits (a FUNCTION may read ``v``)."""
    try:
        return float(pp.section.get_range("v", pp.model.loc(pp)))
    except (AttributeError, TypeError, ValueError, HocError):
        return 0.0
