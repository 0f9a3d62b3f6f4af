"""Loading ``.mod`` files into a session, as ``nrnivmodl`` + ``nrniv`` do.

:class:`ModLoader` (one per session, ``interp.mod_loader``) turns paths into mechanisms:

* :func:`mod_files`: what one path names -- a folder gives its ``*.mod`` files in the shell's
  glob order (nrnivmodl's ``"$dir"/*.mod``: sorted by name), a ``.mod`` file itself, and a
  compiled NEURON library (``x86_64/libnrnmech.so``, ``x86_64/.libs/libnrnmech.so``, a
  ``.dylib``/``.dll``, or the ``x86_64`` folder) the mod files it was built from: the names
  nrnivmodl wrote into ``mod_func.cpp`` (relative to the folder nrnivmodl ran in), else the
  ``*.mod`` beside the ``x86_64`` folder.
* :meth:`ModLoader.load`: every mod of one load is translated first (through the disk cache,
  :mod:`hocx.interp.mod_cache`), then registered in that order -- ions a mod uses and the
  session does not know yet first, as a mod's ``_reg`` function does -- so NEURON's type
  numbers follow nrnivmodl's order.  A name that already exists (a second load of the same
  mods) is NEURON's error ``The user defined name already exists: <name>``.
* registering makes the mechanism a HOC citizen: its declaration goes into the model's
  :class:`~hocx.model.mechanisms.MechanismRegistry` (``insert``, range variables
  ``gbar_hcn``, ``psection``, ``ismembrane``, ``MechanismType``), a point process or
  artificial cell gets its HOC class, every GLOBAL (and every PARAMETER not declared RANGE)
  becomes the HOC global ``name_suffix`` with its default, and each static flag of the spec
  (``usetable_<suffix>`` of a mod with a TABLE) a HOC global.

Translation errors are the translator's HocErrors (``file.mod:line:col`` + caret); a load
collects them so the other mods still load (:class:`LoadResult`).
"""
from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..errors import HocError, HocNameError, HocRuntimeError, Span
from ..model.mechanisms import global_names, is_global
from ..spec import Kind, MechSpec
from .mod_cache import Entry, ModCache, includes, mod_key
from .mod_methods import call_from_hoc, install_methods
from .scope import HocArray

#: the folder names nrnivmodl builds into (``uname -m``)
ARCH_DIRS = ("x86_64", "arm64", "aarch64", "i686", "powerpc64le", "ppc64le", "riscv64")
#: file names of a compiled mechanism library
_LIB = re.compile(r"(^|/)(lib)?nrnmech(\.\w+)*$|\.(so|dylib|dll)$")
_MOD_FUNC = re.compile(r'fprintf\(stderr, " \\"(.+?\.mod)\\""\)')
_NAME = re.compile(r"\b(?:SUFFIX|POINT_PROCESS|ARTIFICIAL_CELL)[ \t]+([A-Za-z_]\w*)")
_COMMENTS = re.compile(r"\bCOMMENT\b.*?\bENDCOMMENT\b|\bVERBATIM\b.*?\bENDVERBATIM\b|[:?][^\n]*|^TITLE[^\n]*",
                       re.DOTALL | re.MULTILINE)


def mod_files(path: str, span: Span | None = None) -> list[str]:
    """The ``.mod`` files ``path`` names (see the module docstring); HocRuntimeError when it
    names none."""
    p = os.path.expanduser(path)
    if os.path.isdir(p):
        mods = _glob_mods(p)
        if mods:
            return mods
        for arch in ARCH_DIRS:
            if os.path.isdir(os.path.join(p, arch)):
                found = _library_sources(os.path.join(p, arch))
                if found:
                    return found
        if os.path.basename(os.path.normpath(p)) in ARCH_DIRS:
            found = _library_sources(p)
            if found:
                return found
        raise HocRuntimeError(f"no .mod files in {path}", span,
                              hint="give a folder of .mod files, a .mod file, or the library "
                                   "nrnivmodl built from them")
    if p.endswith(".mod"):
        if os.path.isfile(p):
            return [p]
        raise HocRuntimeError(f"can't open {path}: no such file", span)
    if os.path.isfile(p + ".mod"):           # nrnivmodl accepts a mod's name without .mod
        return [p + ".mod"]
    if _LIB.search(p.replace(os.sep, "/")):
        arch = os.path.dirname(os.path.abspath(p))
        if os.path.basename(arch) == ".libs":
            arch = os.path.dirname(arch)
        found = _library_sources(arch) if os.path.isdir(arch) else []
        if found:
            return found
        raise HocRuntimeError(
            f"cannot find the .mod files {path} was built from", span,
            hint="hocx translates .mod files instead of loading compiled NEURON libraries: keep "
                 "the .mod files beside the library's folder (where nrnivmodl ran), or load them "
                 "with nrn_load_dll(\"FOLDER\") or hocx --mod FOLDER")
    if not os.path.exists(p):
        raise HocRuntimeError(f"can't open {path}: no such file or folder", span)
    raise HocRuntimeError(f"{path} is not a .mod file, a folder of them, or a NEURON library", span)


def _glob_mods(folder: str) -> list[str]:
    # bash's glob order in the C locale (nrnivmodl's "$dir"/*.mod): byte order of the names
    names = sorted(glob.glob("*.mod", root_dir=folder), key=lambda f: f.encode("utf-8", "surrogateescape"))
    paths = [f if folder in (".", "") else os.path.join(folder, f) for f in names]
    return [p for p in paths if os.path.isfile(p)]


def _library_sources(arch: str) -> list[str]:
    """The mod files of the library built in folder ``arch`` (``.../x86_64``)."""
    top = os.path.dirname(os.path.abspath(arch))
    for name in ("mod_func.cpp", "mod_func.c"):
        try:
            text = Path(arch, name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        listed = [f if os.path.isabs(f) else os.path.join(top, f) for f in _MOD_FUNC.findall(text)]
        if listed and all(os.path.isfile(f) for f in listed):
            return listed
    return _glob_mods(top) or _glob_mods(arch)


def mod_name(text: str) -> str | None:
    """The SUFFIX / POINT_PROCESS / ARTIFICIAL_CELL name written in a mod's text."""
    m = _NAME.search(_COMMENTS.sub(" ", text))
    return m.group(1) if m else None


@dataclass
class Loaded:
    """One registered mod."""

    path: str
    name: str
    kind: str
    type_number: int
    cached: bool
    notices: list = field(default_factory=list)


@dataclass
class LoadResult:
    """What one load did: the mods registered (in order) and the errors met."""

    loaded: list[Loaded] = field(default_factory=list)
    errors: list[HocError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ModLoader:
    """The ``.mod`` files of one session.  ``translate`` is the translator's
    ``translate(path, text)`` (default :func:`hocx.interp.nmodl.translate`); ``cache`` a
    :class:`~hocx.interp.mod_cache.ModCache` (None: none)."""

    def __init__(self, interp, cache: ModCache | None = None,
                 translate: Callable[..., Any] | None = None,
                 from_source: Callable[..., Any] | None = None, translator_version: str | None = None):
        self.interp = interp
        self.cache = cache
        self._translate = translate
        self._from_source = from_source
        self._version = translator_version
        self.loaded: dict[str, Loaded] = {}       # name -> what registered it
        self.files: list[str] = []                # real paths of the mods registered

    # ---- the translator ---------------------------------------------------------
    def _translator(self):
        if self._translate is None:
            from . import nmodl                    # H1's translator (imports the NMODL front end)
            self._translate = nmodl.translate
            self._from_source = getattr(nmodl, "from_source", None)
            self._version = getattr(nmodl, "TRANSLATOR_VERSION", None)
        return self._translate

    def translate_file(self, path: str, include_dirs=()) -> tuple[Any, bool]:
        """``(translation, from_cache)`` for one mod file; the translator's HocError if it
        does not translate.  ``include_dirs``: where INCLUDE looks after the mod's own folder
        (the folders of the load)."""
        translate = self._translator()
        try:
            with open(path, "rb") as f:
                text = f.read().decode("utf-8", errors="replace")
        except OSError as e:
            raise HocRuntimeError(f"can't open {path}: {e.strerror}", Span(path, 1, 1)) from None
        cache = self.cache if (self.cache is not None and self.cache.enabled
                               and self._from_source is not None and self._version is not None) else None
        dirs = tuple(d for d in include_dirs if os.path.abspath(d) != os.path.abspath(os.path.dirname(path) or "."))
        key = mod_key(text, path, self._version, dirs) if cache is not None else None
        if cache is not None:
            entry = cache.get(key)
            if entry is not None:
                try:
                    return self._from_source(entry.source, path, list(entry.notices)), True
                except (HocError, SyntaxError, KeyError, TypeError, ValueError):  # refused entry: translate again
                    cache.rejected += 1
        t = translate(path, text, dirs) if dirs else translate(path, text)
        if cache is not None:
            kind = t.spec.kind.value if isinstance(t.spec.kind, Kind) else str(t.spec.kind)
            cache.put(key, Entry(t.source, [str(n) for n in t.notices], t.spec.name, kind))
        return t, False

    # ---- loading ------------------------------------------------------------------
    def load(self, paths, span: Span | None = None, *, skip_loaded: bool = False,
             check: Callable[[str], None] | None = None,
             include_check: Callable[[str], None] | None = None) -> LoadResult:
        """Translate every mod the ``paths`` name, then register them in order.  Errors are
        collected in the result; with ``skip_loaded`` a file this session already registered
        (same real path) is skipped instead of clashing.  ``check(path)`` may refuse a path
        (a HocError) before it is read (``--safe``); ``include_check`` (default ``check``)
        the files the mods INCLUDE."""
        include_check = include_check or check
        res = LoadResult()
        files: list[str] = []
        seen: set[str] = set()
        empty: list[HocError] = []        # folders without mods: INCLUDE folders, unless all are
        for p in paths:
            try:
                if check is not None:
                    check(str(p))
                found = mod_files(str(p), span)
                if check is not None:
                    for f in found:
                        check(f)
            except HocError as e:
                (empty if os.path.isdir(os.path.expanduser(str(p))) else res.errors).append(e)
                continue
            for f in found:
                real = os.path.realpath(f)
                if real in seen or (skip_loaded and real in self.files):
                    continue
                seen.add(real)
                files.append(f)
        if not files:
            res.errors.extend(empty)
        # INCLUDE looks in every folder of the load too (after the mod's own)
        dirs = list(dict.fromkeys([str(p) for p in paths if os.path.isdir(str(p))]
                                  + [os.path.dirname(f) or "." for f in files]))
        done = []
        for f in files:
            try:
                if include_check is not None:   # --safe: the INCLUDEd files are reads too
                    self._check_includes(f, dirs, include_check)
                t, cached = self.translate_file(f, dirs)
            except HocError as e:
                self._note_failure(f, e)
                res.errors.append(e)
                continue
            done.append((f, t, cached))
        for f, t, cached in done:
            try:
                n = self.register(t.spec, span)
            except HocError as e:
                res.errors.append(e)
                continue
            install_functions(self.interp, t)
            install_methods(self.interp, t)     # a point process's: syn.mgblock(v), cell.M()
            notices = [str(x) for x in getattr(t, "notices", ())]
            item = Loaded(f, t.spec.name, t.spec.kind.value, n, cached, notices)
            self.loaded[t.spec.name] = item
            self.files.append(os.path.realpath(f))
            res.loaded.append(item)
            for msg in notices:     # nocmodl prints them when it translates; a warning (NEURON
                if not cached or "warning" in msg:   # silently wrong) every time it loads
                    self.interp.err(msg.rstrip("\n") + "\n")
        return res

    @staticmethod
    def _check_includes(path: str, dirs, check: Callable[[str], None]) -> None:
        """``check`` every file ``path`` INCLUDEs (before the translator reads them)."""
        try:
            text = Path(path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return                      # translate_file reports it
        includes(text, path, dirs, check=check)

    def _note_failure(self, path: str, err: HocError) -> None:
        try:
            text = Path(path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return
        name = mod_name(text)
        model = self.interp.model
        if name and model is not None:
            model.registry.note_failure(name, f"{os.path.basename(path)} did not translate: {err.message}")

    # ---- registering ------------------------------------------------------------------
    def register(self, spec: MechSpec, span: Span | None = None) -> int:
        """Make ``spec`` a mechanism of this session; returns its type number (registry order)."""
        model = self.interp.model
        if model is None:
            raise HocRuntimeError("mechanisms need the cable model", span)
        reg = model.registry
        for name in self.names_of(spec):
            if self._exists(name):
                raise HocNameError(f"The user defined name already exists: {name}", span,
                                   hint=f"{spec.name} is already loaded (a second load of the same "
                                        "mods, or another mod with that name)"
                                   if name == spec.name else None)
        for use in spec.ions:
            if use.mechanism not in reg:
                reg.register(ion_spec(use.ion, use.valence))
        reg.register(spec)
        install_names(self.interp, spec)
        return reg.specs.type_of(spec.name)

    @staticmethod
    def names_of(spec: MechSpec) -> list[str]:
        """Every HOC name registering ``spec`` creates: the suffix, the range variables of a
        density mechanism, the globals and flags."""
        names = [spec.name]
        if spec.kind is Kind.DENSITY:
            names += [spec.range_name(v.name) for v in spec.variables
                      if v.visible and not is_global(v)]
        names += [n for n, _v in global_names(spec)]
        names += [hoc for _f, hoc, _d in spec.flags]
        return names

    def _exists(self, name: str) -> bool:
        interp = self.interp
        model = interp.model
        if model is not None and (name in model.registry or model.registry.is_rangevar(name)):
            return True
        return name in interp.names()


def install_names(interp, spec: MechSpec) -> None:
    """Give HOC the mechanism's globals, flags and (for a point mechanism) its class."""
    install_globals(interp, spec)
    if spec.kind in (Kind.POINT_PROCESS, Kind.ARTIFICIAL_CELL):
        from ..model.points import point_class
        mech = interp.model.registry.get(spec.name)
        interp.register_class(spec.name, point_class(mech), doc=mech.doc)


def install_functions(interp, t) -> None:
    """A density mechanism's FUNCTIONs and PROCEDUREs as HOC functions ``name_suffix(args)``
    (``rates_hhx(-30)``), called with no instance as NEURON does without ``setdata_``: RANGE
    values are their defaults, GLOBALs the HOC globals' values, the TABLEs those of the present
    ``celsius``/``dt`` (and ``usetable_<suffix>``); the GLOBALs the call assigns are written back
    (``minf_hhx``).  A PROCEDURE returns 1.  Point processes' are methods (NMODL II)."""
    spec = t.spec
    functions = getattr(t, "functions", None) or {}
    if spec.kind is not Kind.DENSITY or not hasattr(t, "call"):
        return
    for fname, (what, nargs) in functions.items():
        hoc = f"{fname}_{spec.name}"
        if hoc in interp.names():
            continue
        interp.register_builtin(hoc, _hoc_function(t, fname, what, int(nargs), hoc), kind="func",
                                doc=f"{what} {fname} of {spec.name} ({nargs} argument{'s' if nargs != 1 else ''})")


def _hoc_function(t, fname: str, what: str, nargs: int, hoc: str):
    spec = t.spec
    scalars = [(h, v) for h, v in global_names(spec) if v.size == 1]
    flag = next((h for f, h, _d in spec.flags if f == "usetable"), None)

    def call(interp, args, span):
        if len(args) != nargs:
            raise HocRuntimeError(f"{hoc}: {nargs} argument{'s' if nargs != 1 else ''} expected, "
                                  f"got {len(args)}", span)
        try:
            xs = [float(a) for a in args]
        except (TypeError, ValueError):
            raise HocRuntimeError(f"{hoc}: the arguments are numbers", span) from None
        ns = interp.globals.values
        values = {v.name: float(ns[h]) for h, v in scalars if h in ns}
        result, st = call_from_hoc(interp, t, fname, xs, values, flag, span)
        for h, v in scalars:
            if v.name in st and h in ns:
                try:
                    ns[h] = float(st[v.name])
                except (TypeError, ValueError):
                    pass
        return 1.0 if what == "PROCEDURE" else float(result)

    call.__name__ = hoc
    return call


def install_globals(interp, spec: MechSpec) -> None:
    """The mechanism's HOC globals (``vhalf_hcn``, arrays ``vol_cashell[4]``) with their
    defaults, and its flags (``usetable_hhx``, default from the spec); visible in templates,
    as NEURON's are."""
    ns = interp.globals
    for name, v in global_names(spec):
        default = spec.globals.get(v.name, v.default)
        if v.size > 1:
            ns.declare(name, "array", HocArray(name, (int(v.size),), float(default)))
        else:
            ns.declare(name, "var", float(default))
        interp.builtin_vars.add(name)
    for _flag, hoc, default in spec.flags:
        if hoc not in ns.kinds:
            ns.declare(hoc, "var", float(default))
        interp.builtin_vars.add(hoc)


def ion_spec(ion: str, valence: float | None = None) -> MechSpec:
    """The ion mechanism ``<ion>_ion`` a mod brings in (:func:`hocx.spec.ions.ion_spec`; its
    charge comes from the mods' VALENCE, which the simulator reads from their ``IonUse``)."""
    from ..spec.ions import ion_spec as make
    return make(ion)


def startup_paths(cwd: str, extra=()) -> list[str]:
    """What a session loads at start: the ``*.mod`` files of ``cwd`` (nrniv loads
    ``./x86_64/libnrnmech.so``: with no ``*.mod`` here, the sources that library lists), then
    the ``extra`` paths (``--mod``) in order."""
    here = _glob_mods(cwd)
    if not here:
        for arch in ARCH_DIRS:
            if os.path.isdir(os.path.join(cwd, arch)):
                here = _library_sources(os.path.join(cwd, arch))
                break
    return here + [str(p) for p in extra]


def emit(path: str, translate: Callable[..., Any] | None = None) -> tuple[str, list[str]]:
    """``(generated Python, notices)`` of one mod file (``hocx --emit-mod``)."""
    if translate is None:
        from .nmodl import translate
    p = os.path.expanduser(path)
    try:
        with open(p, "rb") as f:
            text = f.read().decode("utf-8", errors="replace")
    except OSError as e:
        raise HocRuntimeError(f"can't open {path}: {e.strerror}") from None
    t = translate(p, text)
    return t.source, [str(n) for n in getattr(t, "notices", ())]
