"""A content-hash disk cache of ``.mod`` translations: generated Python SOURCE, never pickles.

The key (:func:`mod_key`) is a SHA-256 over everything the translation depends on: the mod
text, the text of every file it INCLUDEs (found as the translator finds them), the hocx
version and the translator's version.  An entry is one JSON file ``<key>.json`` in the
cache folder::

    {"format": 1, "key": "<key>", "sha256": "<hash of the body>"}
    {"source": "...generated Python...", "notices": [...], "name": "hcn", "kind": "density"}

The folder is ``$HOCX_MOD_CACHE`` (``off`` disables it), else ``$XDG_CACHE_HOME/hocx/mods``
or ``~/.cache/hocx/mods``.  Entries are used only when the folder is private (a real folder
owned by the user, mode 0700, see :mod:`hocx.private_files`), the file is a regular file of
ours opened without following links, its key matches and its body hash checks out; writes are
atomic; a link in the entry's place is removed, never written through.  Anything else is a
miss and the mod is translated again.  A session run with ``--safe`` reads only entries that
pass every check and writes none.  Nothing from the cache is executed except the generated
source, which the translator itself turns into a spec (``from_source``).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..private_files import private_dir, read_private, seal, unseal, write_private

FORMAT = 1
ENV = "HOCX_MOD_CACHE"

_INCLUDE = re.compile(r'^[ \t]*INCLUDE[ \t]+"([^"\n]+)"', re.MULTILINE)


def default_cache_dir() -> Path | None:
    """The cache folder (None: caching turned off with ``HOCX_MOD_CACHE=off``)."""
    env = os.environ.get(ENV)
    if env:
        return None if env.lower() in ("off", "0", "none", "no") else Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "hocx" / "mods"


def includes(text: str, path: str, dirs=(), depth: int = 0,
             check=None) -> list[tuple[str, str | None, str]]:
    """(name, path found or None, text) of every file ``text`` INCLUDEs, recursively, looked
    up as nocmodl does (next to the including file, then ``dirs``, then ``NMODL_PATH``); a
    missing one counts as empty (the translator reports it).  ``check(path)`` runs before a
    file is read and may refuse it (``--safe``)."""
    if depth > 16:
        return []
    out = []
    for name in _INCLUDE.findall(text):
        here = os.path.dirname(path) or "."
        cands = [name] if os.path.isabs(name) else [os.path.join(here, name)] + [
            os.path.join(d, name) for d in (*dirs, *os.environ.get("NMODL_PATH", "").split(":")) if d]
        found = next((c for c in cands if os.path.isfile(c)), None)
        if found and check is not None:
            check(found)
        try:
            sub = Path(found).read_text(encoding="utf-8", errors="replace") if found else ""
        except OSError:
            sub = ""
        out.append((name, found, sub))
        if found:
            out.extend(includes(sub, found, dirs, depth + 1, check))
    return out


def include_texts(text: str, path: str, dirs=()) -> list[tuple[str, str]]:
    """(name, text) of every file ``text`` INCLUDEs (see :func:`includes`)."""
    return [(name, sub) for name, _found, sub in includes(text, path, dirs)]


def mod_key(text: str, path: str, translator_version: str, dirs=()) -> str:
    """SHA-256 of the mod text, its INCLUDEd files, the hocx and translator versions (and
    the file's name, which the generated code's messages quote)."""
    h = hashlib.sha256()
    for part in (f"hocx-mod {FORMAT}", __version__, str(translator_version),
                 os.path.basename(path), text):
        h.update(part.encode("utf-8", "surrogatepass") + b"\0")
    for name, sub in include_texts(text, path, dirs):
        h.update(f"INCLUDE {name}".encode("utf-8", "surrogatepass") + b"\0")
        h.update(sub.encode("utf-8", "surrogatepass") + b"\0")
    return h.hexdigest()


@dataclass
class Entry:
    """What a cache entry holds."""

    source: str
    notices: list
    name: str
    kind: str


class ModCache:
    """The translation cache of one session (``folder`` None: no caching)."""

    def __init__(self, folder: Path | None = None, *, safe: bool = False, use_default: bool = True):
        if folder is None and use_default:
            folder = default_cache_dir()
        self.folder = None if folder is None else Path(folder)
        self.safe = safe
        self.hits = 0
        self.misses = 0
        self.rejected = 0          # entries present but refused (foreign, damaged, tampered)

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    def _usable(self, create: bool) -> bool:
        return self.folder is not None and private_dir(self.folder, create)

    def get(self, key: str) -> Entry | None:
        """The entry for ``key`` if a verified one exists."""
        if not self._usable(create=False):
            self.misses += 1
            return None
        path = self.folder / f"{key}.json"
        text = read_private(path)
        entry = None if text is None else _decode(text, key)
        if entry is None:
            if text is not None or os.path.lexists(path):
                self.rejected += 1
            self.misses += 1
            return None
        self.hits += 1
        return entry

    def put(self, key: str, entry: Entry) -> bool:
        if self.safe or not self._usable(create=True):
            return False
        body = json.dumps({"source": entry.source, "notices": list(entry.notices),
                           "name": entry.name, "kind": entry.kind}, separators=(",", ":"))
        path = self.folder / f"{key}.json"
        if os.path.islink(path):          # never write through a planted link
            try:
                os.unlink(path)
            except OSError:
                return False
        return write_private(self.folder, f"{key}.json", seal(body, key, FORMAT))


def _decode(text: str, key: str) -> Entry | None:
    body = unseal(text, key, FORMAT)
    if body is None:
        return None
    try:
        d = json.loads(body)
    except ValueError:
        return None
    if not (isinstance(d, dict) and isinstance(d.get("source"), str)
            and isinstance(d.get("name"), str) and isinstance(d.get("kind"), str)
            and isinstance(d.get("notices"), list)
            and all(isinstance(n, str) for n in d["notices"])):
        return None
    return Entry(d["source"], d["notices"], d["name"], d["kind"])
