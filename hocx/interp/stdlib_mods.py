"""The built-in density mechanisms written as ``.mod`` files (``stdlib/pas.mod``,
``stdlib/hh.mod``), compiled by the NMODL translator like any user mod.

Each session gets its own :class:`StdlibMod` per mechanism (its own translated namespace,
so the TABLE cache and NEURON's table-staleness rule are per session), registered in
NEURON's type order by :class:`hocx.model.mechanisms.MechanismRegistry`.

Session start stays fast: the declarations (names, units, defaults, ions, flags) come from
the ``SPEC`` literal of the generated source, read with :func:`ast.literal_eval`; the
generated functions are executed (numpy, :func:`hocx.interp.nmodl.from_source`) only when
a hook is first called -- the first ``finitialize`` or a call of ``rates_hh(v)``.  The
generated source is found, in this order, keyed by the mod text, the hocx version and the
translator version (:func:`hocx.interp.mod_cache.mod_key`):

1. this process's memo (one translation per process and key);
2. the translation shipped in the wheel (``hocx/_data/stdlib/<name>.mod.json``, written at
   build time by ``setup.py`` with :func:`write_shipped`; its key and the hash of its source
   are checked, a stale or damaged one is ignored);
3. the translation cache (:class:`hocx.interp.mod_cache.ModCache`, its ``stdlib`` folder);
4. the translator (and the result goes into the cache).
"""
from __future__ import annotations

import ast
import hashlib
import json
from pathlib import Path

from .. import _resources
from ..errors import ModelError
from ..spec import IonUse, Kind, MechSpec, Role, Var
from ..spec.builtin import STDLIB
from ..private_files import private_dir
from .mod_cache import Entry, ModCache, default_cache_dir, mod_key
from .nmodl_version import translator_version

#: the density mechanisms of the standard library, by name (the file is ``<name>.mod``)
STDLIB_MODS = STDLIB
#: the hooks a generated source may define (the ones its SPEC lists are made lazy)
_HOOKS = ("initial", "current", "update", "derivative", "cnexp_coeffs", "after_solve",
          "tables", "receive", "receive_event", "receive_init", "init_params")
SHIPPED_FORMAT = 1

_MEMO: dict[str, str] = {}     # mod key -> generated source, and the translator version


def mod_path(name: str) -> Path:
    p = _resources.stdlib_dir() / f"{name.lower()}.mod"      # IntFire1 -> intfire1.mod
    if not p.is_file():
        raise ModelError(f"hocx installation is missing stdlib/{name.lower()}.mod "
                         f"(the built-in {name})")
    return p


def key_of(name: str, text: str) -> str:
    """The cache key of stdlib mod ``name`` with text ``text``."""
    return _key(name, text)


def _key(name: str, text: str) -> str:
    ver = _MEMO.get("version")
    if ver is None:           # hashing the translator's files once per process (its import does too)
        ver = _MEMO["version"] = translator_version()
    return mod_key(text, f"{name}.mod", ver)


def shipped(name: str, key: str, folder: Path | None = None) -> str | None:
    """The generated source shipped for ``name`` in ``folder`` (default the wheel's
    ``hocx/_data/stdlib``) if its key is ``key`` and its hash checks out, else None."""
    if folder is None:
        folder = _resources.packaged_dir("stdlib")
    if folder is None:
        return None
    try:
        d = json.loads((folder / f"{name}.mod.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not (isinstance(d, dict) and d.get("format") == SHIPPED_FORMAT and d.get("key") == key
            and isinstance(d.get("source"), str)):
        return None
    if hashlib.sha256(d["source"].encode("utf-8")).hexdigest() != d.get("sha256"):
        return None
    return d["source"]


def generated_source(name: str, cache: ModCache | None = None) -> tuple[str, str]:
    """``(path, generated source)`` of stdlib mod ``name`` (see the module docstring)."""
    path = mod_path(name)
    text = path.read_text(encoding="utf-8")
    key = _key(name, text)
    src = _MEMO.get(key) or shipped(name, key)
    if src is None:
        if cache is None:
            cache = stdlib_cache()
        entry = cache.get(key) if cache.enabled else None
        if entry is not None and entry.name == name:
            src = entry.source
        else:
            t = _translate(path, text)
            src = t.source
            if cache.enabled:
                cache.put(key, Entry(src, [str(n) for n in t.notices], name, t.spec.kind.value))
    _MEMO[key] = src
    return str(path), src


def _translate(path: Path, text: str):
    """Translate a stdlib mod under the stable name ``stdlib/<file>``: the generated source
    must not depend on where hocx is installed (the wheel ships it; the test compares it)."""
    from .nmodl import translate
    return translate(f"stdlib/{path.name}", text)


def write_shipped(folder: Path, names=STDLIB_MODS) -> list[Path]:
    """Translate the stdlib mods now and write ``<name>.mod.json`` into ``folder`` (the
    wheel's ``hocx/_data/stdlib``; called by setup.py)."""
    out = []
    for name in names:
        path = mod_path(name)
        text = path.read_text(encoding="utf-8")
        src = _translate(path, text).source
        body = {"format": SHIPPED_FORMAT, "name": name, "key": _key(name, text),
                "sha256": hashlib.sha256(src.encode("utf-8")).hexdigest(), "source": src}
        f = Path(folder) / f"{name}.mod.json"
        f.write_text(json.dumps(body), encoding="utf-8")
        out.append(f)
    return out


def spec_literal(source: str) -> dict:
    """The ``SPEC = {...}`` declaration literal of a generated source."""
    i = source.rfind("\nSPEC = ")
    if i < 0:
        raise ModelError("internal error: a generated stdlib mechanism has no SPEC")
    return ast.literal_eval(source[i + len("\nSPEC = "):].strip())


class _LazyHook:
    """A generated function, executed on first call (the translation is built then)."""

    __slots__ = ("owner", "name")

    def __init__(self, owner: "StdlibMod", name: str):
        self.owner = owner
        self.name = name

    def __call__(self, *args, **kw):
        return getattr(self.owner.translation().spec, self.name)(*args, **kw)


class StdlibMod:
    """One session's built-in mechanism ``name`` from ``stdlib/<name>.mod``: ``spec`` (its
    functions run the translation, built on first call), ``functions`` and ``call`` (its
    FUNCTIONs/PROCEDUREs for HOC, ``rates_hh(v)``: :func:`hocx.interp.mod_loader.install_functions`)."""

    def __init__(self, name: str, cache: ModCache | None = None):
        self.name = name
        self.path, self.source = generated_source(name, cache)
        meta = spec_literal(self.source)
        self.functions = dict(meta.get("functions", {}))
        self.spec = _declared_spec(meta, {h: _LazyHook(self, h) for h in meta["hooks"]
                                          if h in _HOOKS})
        self._translation = None

    def translation(self):
        """The translated mechanism (:class:`hocx.interp.nmodl.Translation`), built once."""
        if self._translation is None:
            from .nmodl import from_source
            t = from_source(self.source, self.path)
            _check_same(self.spec, t.spec)
            self._translation = t
        return self._translation

    def call(self, *args, **kw):
        return self.translation().call(*args, **kw)


def stdlib_cache(safe: bool = False) -> ModCache:
    """The translation cache of the built-ins: the ``stdlib`` folder inside the mod cache
    (``$HOCX_MOD_CACHE/stdlib``; off when that is off), apart from the user's mods."""
    folder = default_cache_dir()
    if folder is None:
        return ModCache(None, safe=safe, use_default=False)
    if not safe:             # the mod cache itself private first (mkdir would make it 0755)
        private_dir(folder, create=True)
    return ModCache(folder / "stdlib", safe=safe, use_default=False)


def builtin_specs(cache: ModCache | None = None, *, safe: bool = False) -> dict[str, StdlibMod]:
    """A fresh :class:`StdlibMod` for every stdlib mechanism (one session's); ``safe``
    (--safe): a translation made now is not written to the cache."""
    if cache is None:
        cache = stdlib_cache(safe)
    return {name: StdlibMod(name, cache) for name in STDLIB_MODS}


def _declared_spec(meta: dict, hooks: dict) -> MechSpec:
    """The MechSpec of a generated source's declarations, with ``hooks`` as its functions
    (the same fields :func:`hocx.interp.nmodl._spec` fills for a density mechanism without
    KINETIC or NET_RECEIVE; :func:`_check_same` compares the two when the hooks load)."""
    rec = meta.get("receive")
    if meta["method"] == "sparse" or (meta["kind"] == "density" and rec) or (
            meta["kind"] not in ("density", "artificial", "point")) or (rec and rec["watches"]):
        raise ModelError(f"stdlib/{meta['name']}.mod: a built-in mechanism is a density "
                         "mechanism without KINETIC or NET_RECEIVE, or a POINT_PROCESS / "
                         "ARTIFICIAL_CELL without WATCH")
    name = meta["name"]
    variables = tuple(Var(n, Role(role), float(d), u, int(size), scope,
                          None if lim is None else tuple(lim), bool(vis), bool(step))
                      for n, role, d, u, size, scope, lim, vis, step in meta["variables"])
    glob_defaults = {v.name: v.default for v in variables
                     if v.role is Role.PARAMETER and v.scope == "GLOBAL"}
    ions = tuple(IonUse(i, tuple(r), tuple(w), val) for i, r, w, val in meta["ions"])
    flags = (("usetable", f"usetable_{name}", 1.0),) if meta["tables"] else ()
    kw = dict(name=name, kind=Kind(meta["kind"]), variables=variables, ions=ions,
              net_receive=int(meta["net_receive"]), electrode_current=meta["electrode"],
              nonspecific_current=meta["nonspecific"], doc=meta["doc"], method=meta["method"],
              globals=glob_defaults, flags=flags, **hooks)
    if rec:
        kw.update(net_receive_args=tuple(rec["args"]), additive_receive=bool(rec["additive"]))
        if rec["additive"] and "receive_event" in hooks:
            # the summed-weight hook the translation adds (hocx.interp.nmodl._spec): ExpSyn's
            # fast path must be seen before the translation is built
            kw["receive"] = _LazyHook(hooks["receive_event"].owner, "receive")
    for k in ("uses", "unsupported", "initial_solve", "randoms"):
        v = meta.get(k)
        if v is not None:
            kw[k] = tuple(v) if k in ("uses", "randoms") else v
    return MechSpec(**kw)


def _check_same(declared: MechSpec, real: MechSpec) -> None:
    for f in MechSpec.__dataclass_fields__:
        a, b = getattr(declared, f), getattr(real, f)
        if callable(b) or callable(a):
            if (a is None) != (b is None):
                raise ModelError(f"internal error: built-in {real.name}: hook {f} differs "
                                 "between its declaration and its translation")
            continue
        if a != b:
            raise ModelError(f"internal error: built-in {real.name}: {f} differs between "
                             f"its declaration ({a!r}) and its translation ({b!r})")
