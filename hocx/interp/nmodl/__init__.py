"""The NMODL translator (layer 2): a ``.mod`` file -> a :class:`hocx.spec.MechSpec`.

    translate(path, text=None) -> Translation

parses (INCLUDEs resolved next to the file), checks (:mod:`hocx.syntax.nmodl.check`),
generates Python source with one function per spec hook (:mod:`.assemble`,
:mod:`.codegen`), executes it in a fresh namespace that holds only the helpers of
:mod:`.runtime`, numpy for the host-side tables and a few builtins, and builds the spec.
``Translation.source`` is that source (what ``hocx --emit-mod`` prints); ``notices`` are
nocmodl-like messages (the cnexp -> derivimplicit fallback, the silent non-linear cnexp
quirk, ...).  Every user mistake is an ``NmodlError`` (a ``HocError``) with
``file.mod:line:col``, the source line, a caret and a hint.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from ...errors import HocError
from ...spec import IonUse, Kind, MechSpec, Role, Var
from ...syntax.nmodl import check_mod, parse_mod
from ...syntax.nmodl.check import CheckedMod, MechKind, NmodlError
from .. import random123
from . import runtime
from .assemble import Assembler, Assembly
from .names import mech_variables, randoms, symbol_of

#: the kind in ``functions`` of a NEURON legacy Random123 PROCEDURE written in VERBATIM C
#: (netstim.mod's noiseFromRandom123 / noiseFromRandom): hocx implements it on the RANDOM
#: variable (:func:`hocx.interp.mod_methods.install_methods`)
LEGACY_RANDOM = "LEGACY_RANDOM"

__all__ = ["Translation", "translate", "translate_checked", "from_source", "NmodlError",
           "TRANSLATOR_VERSION"]

_KINDS = {MechKind.DENSITY: Kind.DENSITY, MechKind.POINT_PROCESS: Kind.POINT_PROCESS,
          MechKind.ARTIFICIAL_CELL: Kind.ARTIFICIAL_CELL}

from ..nmodl_version import translator_version as _translator_version  # noqa: E402


#: identifies the translator's code (the mod cache keys on it)
TRANSLATOR_VERSION = _translator_version()

_SAFE_BUILTINS = {"range": range, "float": float, "dict": dict, "int": int, "len": len,
                  "tuple": tuple, "list": list, "isinstance": isinstance}


@dataclass
class Translation:
    """One translated mod file."""

    spec: MechSpec
    source: str
    notices: list = field(default_factory=list)
    name: str = ""
    kind: Kind = Kind.DENSITY
    path: str = ""
    #: the mod's FUNCTIONs and PROCEDUREs: name -> ("FUNCTION"|"PROCEDURE", argument count)
    functions: dict = field(default_factory=dict)
    #: the generated namespace (``f_<name>`` functions, hooks); for hoc calls and tests
    namespace: dict = field(default_factory=dict, repr=False)
    #: the TABLE cache of this translation (NEURON's staleness rule lives here)
    table_cache: runtime.TableCache | None = field(default=None, repr=False)

    def call(self, name: str, args, values: dict | None = None, env: dict | None = None,
             xp=np):
        """Call FUNCTION/PROCEDURE ``name`` (numpy): ``values`` are the mechanism
        variables it may read (missing ones are 0 or the PARAMETER default), ``env`` as a hook
        gets it.  Returns (result, the variables after the call)."""
        env = {"dt": 0.025, "celsius": 6.3, **(env or {})}
        st = self.default_values()
        st.update({"dt": env["dt"], "celsius": env["celsius"], "t": env.get("t", 0.0)})
        st.update(values or {})
        fn = self.namespace[f"f_{name}"]
        if xp is np:
            with np.errstate(all="ignore"):
                res = fn(xp, env, st, *[xp.asarray(a, dtype=np.float64) for a in args])
        else:
            res = fn(xp, env, st, *[xp.asarray(a, dtype=np.float64) for a in args])
        return res, st

    def default_values(self) -> dict:
        out: dict = {"v": 0.0, "t": 0.0, "dt": 0.025, "celsius": 6.3, "diam": 500.0,
                     "area": 1.0}
        for v in self.spec.variables:
            val = v.default if v.role is Role.PARAMETER else 0.0
            out[v.name] = [val] * v.size if v.size > 1 else val
        return out


def translate(path: str, text: str | None = None, include_dirs=()) -> Translation:
    """Translate the mod file ``path`` (its ``text`` if given, else read from disk)."""
    path = str(path)
    if text is None:
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                text = fh.read()
        except OSError as e:
            raise HocError(f"cannot read {path}: {e.strerror}") from None
    mod = parse_mod(text, path, include_dirs)
    return translate_checked(check_mod(mod))


def translate_checked(cm: CheckedMod) -> Translation:
    from .kinetic_gen import kinetic_rewrite
    try:
        asm = Assembler(cm, kinetic_rewrite).run()
    except NmodlError as e:
        if cm.kind is MechKind.DENSITY or cm.net_receive is None:
            raise
        # a point process / artificial cell that needs NMODL II: its declarations load, it
        # fails only when instantiated
        asm = Assembler(cm, kinetic_rewrite).declarations_only()
        asm.unsupported = f"{e.message} ({e.span})"
        asm.notices.append(f"{e.span}: notice: {cm.name} uses what hocx does not translate "
                           f"({e.message}); it can be declared but not instantiated")
    meta = _meta(cm, asm)
    source = asm.source + "\n# what the spec declares (hocx.interp.nmodl.from_source reads it)\n" \
        + "SPEC = " + _literal(meta) + "\n"
    notices = [n.render() for n in cm.notices] + list(asm.notices)
    for vb in cm.dropped_verbatim:
        notices.append(f"{vb.span}: notice: VERBATIM block with only 'return 0;' dropped")
    return _build(source, cm.mod.path, notices)


def from_source(source: str, path: str = "<mod>", notices=()) -> Translation:
    """The Translation of generated ``source`` (a cached translation): the source carries
    the spec's declarations (its ``SPEC`` literal), so no mod text is needed."""
    return _build(source, path, list(notices))


def _build(source: str, path: str, notices: list) -> Translation:
    cache = runtime.TableCache()
    ns = _namespace(cache)
    try:
        code = compile(source, f"<hocx nmodl {os.path.basename(path)}>", "exec")
    except SyntaxError as e:      # a translator bug (or a damaged cache entry): say where
        raise NmodlError(f"internal error: the code generated for {os.path.basename(path)} "
                         f"does not compile ({e.msg}, generated line {e.lineno})") from None
    exec(code, ns)   # noqa: S102 - our own generated source, in a namespace of our helpers
    meta = ns.get("SPEC")
    if not isinstance(meta, dict) or meta.get("format") != _META_FORMAT:
        raise NmodlError(f"internal error: generated code for {os.path.basename(path)} has no "
                         f"spec declaration of format {_META_FORMAT}")
    spec = _spec(meta, ns)
    return Translation(spec, source, notices, spec.name, spec.kind, path,
                       dict(meta["functions"]), ns, cache)


def _namespace(cache) -> dict:
    return {
        "__builtins__": dict(_SAFE_BUILTINS),
        "_np": np,
        "_setitem": runtime.setitem, "_getitem": runtime.getitem, "_where": runtime.where,
        "_merge": runtime.merge, "_truth": runtime.truth, "_full": runtime.full,
        "_stack": runtime.stack, "_unstack": runtime.unstack, "_grid": runtime.table_grid,
        "_rows": runtime.lookup_rows, "_lookup": runtime.table_lookup, "_cache": cache,
        "_Bound": runtime.Bound, "_unsupported": runtime.unsupported, "_guard": runtime.guard,
        "_cnexp_step": runtime.cnexp_step, "_fmod": runtime.fmod,
        "_while": runtime.while_loop, "_xpf": runtime.xp_function,
        "_ran": random123.streams, "_taken": runtime.taken,
    }


_META_FORMAT = 1


def _meta(cm: CheckedMod, asm: Assembly) -> dict:
    """The spec's declarations as plain data (written into the generated source)."""
    info = mech_variables(cm)
    ranges = set(cm.range_names)
    globals_ = set(cm.global_names)
    carried = set(asm.carried)
    variables = []
    for name, vi in sorted(info.items(), key=lambda kv: _order(cm, kv[0], kv[1])):
        sym = symbol_of(cm, name)
        size = vi.size or 1
        unit = sym.unit or ""
        if vi.role == "parameter":
            default = float(sym.value) if sym.value is not None else 0.0
            scope = "GLOBAL" if (name in globals_ or name not in ranges) else "RANGE"
            lim = None
            decl = sym.decl
            if decl is not None and getattr(decl, "limits", None):
                lim = tuple(float(x) for x in decl.limits)
            variables.append((name, "parameter", default, unit, size, scope, lim, True, False))
        elif vi.role in ("assigned", "local"):
            visible = vi.role == "assigned" and (name in ranges or name in globals_ or
                                                 name in cm.nonspecific or name in cm.electrode)
            scope = "GLOBAL" if name in globals_ else "RANGE"
            variables.append((name, "assigned", 0.0, unit, size, scope, None, visible,
                              name in carried))
        elif vi.role == "state":
            variables.append((name, "state", 0.0, unit, size, "RANGE", None, vi.ion is None,
                              False))
        elif vi.role == "pointer":
            variables.append((name, "pointer", 0.0, unit, size, "RANGE", None, True, False))
        elif vi.role == "ion" and name in ranges:
            # ``RANGE ik``: the mechanism's own visible copy of the ion current it writes
            variables.append((name, "assigned", 0.0, unit, size, "RANGE", None, True, False))
    kin = None
    if asm.method == "sparse" and asm.kinetic is not None:
        rw = asm.kinetic
        kin = (tuple(tuple(u) for u in rw.unknowns), int(rw.ncons), bool(rw.linflag), rw.name)
    return {
        "format": _META_FORMAT, "name": cm.name, "kind": _KINDS[cm.kind].value,
        "variables": tuple(variables),
        "ions": tuple((u.ion, tuple(u.read), tuple(u.write),
                       None if u.valence is None else float(u.valence)) for u in cm.ions),
        "net_receive": len(cm.net_receive.args) if cm.net_receive is not None else 0,
        "electrode": cm.electrode[0] if cm.electrode else None,
        "nonspecific": cm.nonspecific[0] if cm.nonspecific else None,
        "doc": _title(cm), "method": asm.method, "hooks": tuple(asm.hooks),
        "tables": bool(asm.tables), "uses": tuple(asm.uses), "unsupported": asm.unsupported,
        "initial_solve": asm.initial_solve, "kinetic": kin,
        "last_globals": tuple(asm.last_globals),
        "functions": {n: (LEGACY_RANDOM if n in cm.legacy_random else k, int(a))
                      for n, (k, a) in asm.functions.items()},
        "randoms": randoms(cm),
        "receive": None if asm.receive is None else {
            "args": tuple(asm.receive["args"]), "watches": tuple(asm.receive["watches"]),
            "additive": bool(asm.receive["additive"])},
    }


def _literal(x) -> str:
    """``x`` (dicts, tuples, strings, numbers, None, bools) as Python literal text."""
    if isinstance(x, dict):
        return "{" + ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in x.items()) + "}"
    if isinstance(x, (tuple, list)):
        inner = ", ".join(_literal(e) for e in x)
        return f"({inner},)" if len(x) == 1 else f"({inner})"
    if isinstance(x, bool) or x is None:
        return repr(x)
    if isinstance(x, float):
        if x != x:
            return "float('nan')"
        if x in (float("inf"), float("-inf")):
            return "float('inf')" if x > 0 else "-float('inf')"
        return repr(x)
    if isinstance(x, (int, str)):
        return repr(x)
    raise TypeError(f"no literal for {type(x).__name__}")


def _spec(meta: dict, ns: dict) -> MechSpec:
    name = meta["name"]
    variables = tuple(Var(n, Role(role), float(d), u, int(size), scope,
                          None if lim is None else tuple(lim), bool(vis), bool(step))
                      for n, role, d, u, size, scope, lim, vis, step in meta["variables"])
    glob_defaults = {v.name: v.default for v in variables
                     if v.role is Role.PARAMETER and v.scope == "GLOBAL"}
    ions = tuple(IonUse(i, tuple(r), tuple(w), val) for i, r, w, val in meta["ions"])
    flags = (("usetable", f"usetable_{name}", 1.0),) if meta["tables"] else ()
    hooks = {h: runtime.quiet(ns[h], h == "tables") for h in meta["hooks"] if h in ns}
    kw = dict(
        name=name, kind=Kind(meta["kind"]), variables=variables, ions=ions,
        net_receive=int(meta["net_receive"]), electrode_current=meta["electrode"],
        nonspecific_current=meta["nonspecific"], doc=meta["doc"],
        current=hooks.get("current"), initial=hooks.get("initial"),
        update=hooks.get("update"), method=meta["method"],
        derivative=hooks.get("derivative"), cnexp_coeffs=hooks.get("cnexp_coeffs"),
        after_solve=hooks.get("after_solve"), tables=hooks.get("tables"),
        init_params=hooks.get("init_params"),
        globals=glob_defaults, flags=flags,
    )
    extra = {"uses": tuple(meta["uses"]), "unsupported": meta["unsupported"],
             "randoms": tuple(meta.get("randoms", ())),
             "initial_solve": meta["initial_solve"],
             "last_globals": tuple(tuple(x) for x in meta.get("last_globals", ())),
             "state_globals": hooks.get("state_globals")}
    if meta["method"] == "sparse":
        from ...spec.kinetic import KineticSpec, derivative_of
        unknowns, ncons, linflag, kname = meta["kinetic"]
        kin = KineticSpec(tuple(tuple(u) for u in unknowns), hooks["kinetic_system"], ncons,
                          linflag, kname)
        kw["kinetic"] = kin
        kw["derivative"] = derivative_of(kin)
    recv = meta.get("receive")
    if recv is not None:
        kw["net_receive_args"] = tuple(recv["args"])
        kw["receive_event"] = hooks.get("receive_event")
        kw["receive_init"] = hooks.get("receive_init")
        kw["watches"] = tuple((hooks[n], float(f)) for n, f in recv["watches"])
        kw["additive_receive"] = bool(recv["additive"])
        if kw["additive_receive"] and kw["receive_event"] is not None:
            from .receive import summed_receive
            kw["receive"] = summed_receive(kw["receive_event"],
                                           [v.name for v in variables if v.role is Role.STATE])
    fields = MechSpec.__dataclass_fields__
    kw.update({k: v for k, v in extra.items() if k in fields and v is not None})
    return MechSpec(**kw)


def _order(cm: CheckedMod, name: str, vi):
    """NEURON's variable order: PARAMETERs, ASSIGNEDs, STATEs, POINTERs, each in declaration
    order."""
    rank = {"parameter": 0, "assigned": 1, "local": 1, "ion": 1, "state": 2, "pointer": 3}
    sym = cm.symbols.get(name)
    if sym is None:             # a RANDOM variable's stream (names.random_keys): last
        return (5, (0, 0))
    sp = sym.decl.span if sym.decl is not None else sym.span
    return (rank.get(vi.role, 4), (sp.line, sp.col) if sp is not None else (0, 0))


def _title(cm: CheckedMod) -> str:
    from ...syntax.nmodl import ast as A
    for it in cm.mod.items:
        if isinstance(it, A.Title):
            return it.text
    return f"translated from {os.path.basename(cm.mod.path)}"
