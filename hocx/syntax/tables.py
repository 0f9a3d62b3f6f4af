"""Build a lark LALR parser once and keep its tables as plain JSON data.

lark's own ``cache=True`` pickles the parser into a predictably named file in the
shared temp folder and ``pickle.load``s it at every start: anyone who can write that
file runs code as the user.  Here the tables are stored as JSON (data only, nothing is
ever executed while loading), looked for in

1. the package itself (``hocx/_data/grammar/<name>.tables.json``, written at build
   time by setup.py), then
2. the user's private cache folder (``$XDG_CACHE_HOME/hocx/lark`` or
   ``~/.cache/hocx/lark``), used only when it is a real folder owned by the user with
   no access for group or others (created 0700);

and are only used when their key (a hash of the grammar text, the parser options,
the lark and Python versions) matches and their payload hash checks out.  Anything
else -- a missing, corrupt, foreign, stale or modified file -- is ignored and the
parser is built from the grammar (about 0.5 s).
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import lark
from lark import Lark
from lark.grammar import Rule
from lark.lexer import TerminalDef

from ..private_files import private_dir, read_private, seal, unseal, write_private

FORMAT = 1
#: options that are passed again at load time instead of being stored (lark's list)
_RUNTIME_OPTIONS = frozenset({"postlex", "transformer", "lexer_callbacks", "use_bytes", "debug",
                              "g_regex_flags", "regex", "propagate_positions", "tree_class",
                              "_plugins"})
_CLASS = "__hocx_lexer_class__"     # stands for a lexer given as a class


class _Unstorable(Exception):
    """The serialized parser holds something JSON cannot represent."""


def table_key(grammar: str, options: dict[str, Any]) -> str:
    """Hash of everything the tables depend on."""
    parts = [f"hocx-tables {FORMAT}", lark.__version__, "%d.%d" % sys.version_info[:2], grammar]
    for k in sorted(options):
        if k in _RUNTIME_OPTIONS:
            continue
        v = options[k]
        parts.append(f"{k}={v.__module__}.{v.__qualname__}" if isinstance(v, type) else f"{k}={v!r}")
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


# ---- JSON encoding of lark's serialized data ------------------------------------
def _encode(o: Any, lexer_class: type | None) -> Any:
    if o is None or isinstance(o, (str, bool, int, float)):
        return o
    if isinstance(o, (list, tuple)):
        return [_encode(x, lexer_class) for x in o]
    if isinstance(o, dict):
        if all(isinstance(k, str) for k in o):
            return {k: _encode(v, lexer_class) for k, v in o.items()}
        if all(isinstance(k, int) and not isinstance(k, bool) for k in o):
            return {"__int_keys__": [[k, _encode(v, lexer_class)] for k, v in o.items()]}
        raise _Unstorable("mixed dict keys")
    if lexer_class is not None and o is lexer_class:
        return _CLASS
    raise _Unstorable(type(o).__name__)


def _decoder(lexer_class: type | None):
    """json object hook: int-keyed dicts back, the lexer class back where it stood."""
    def hook(d: dict) -> Any:
        if "__int_keys__" in d and len(d) == 1:
            return dict(d["__int_keys__"])
        if _CLASS in d.values():
            if lexer_class is None:
                raise _Unstorable("tables need a lexer class")
            for k, v in d.items():
                if v == _CLASS:
                    d[k] = lexer_class
        return d
    return hook


def dumps(parser: Lark, key: str, lexer_class: type | None) -> str:
    data, memo = parser.memo_serialize([TerminalDef, Rule])
    data["options"] = {n: v for n, v in data["options"].items() if n not in _RUNTIME_OPTIONS}
    body = json.dumps({"data": _encode(data, lexer_class), "memo": _encode(memo, lexer_class)},
                      separators=(",", ":"), allow_nan=False)
    return seal(body, key, FORMAT)


def loads(text: str, key: str, lexer_class: type | None, runtime: dict[str, Any]) -> Lark | None:
    """The parser from stored tables, or None when they are not for ``key`` or damaged."""
    body = unseal(text, key, FORMAT)
    if body is None:
        return None
    try:
        d = json.loads(body, object_hook=_decoder(lexer_class))
        return Lark._load_from_dict(d["data"], d["memo"], **runtime)
    except Exception:  # noqa: BLE001 - any damage in well-hashed data: rebuild from the grammar
        return None


# ---- where tables live -------------------------------------------------------------
def user_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "hocx" / "lark"


# the private-folder helpers are shared with the .mod translation cache
_private_dir = private_dir
_read_private = read_private


def _write_private(folder: Path, name: str, text: str) -> None:
    write_private(folder, name, text)


def table_name(grammar_name: str) -> str:
    return f"{grammar_name}.tables.json"


def build_parser(grammar: str, grammar_name: str, *, packaged_dir: Path | None = None,
                 cache_dir: Path | None = None, use_cache: bool = True, **options) -> Lark:
    """An LALR parser for ``grammar``, from stored JSON tables when valid ones exist.

    ``options`` are lark options; runtime ones (``transformer``, ``postlex``...) are
    passed at load time, a lexer class is restored by identity.
    """
    key = table_key(grammar, options)
    lexer_class = options.get("lexer") if isinstance(options.get("lexer"), type) else None
    runtime = {k: v for k, v in options.items() if k in _RUNTIME_OPTIONS}
    name = table_name(grammar_name)
    if use_cache and packaged_dir is not None:
        try:
            text = (packaged_dir / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = None
        parser = loads(text, key, lexer_class, runtime) if text else None
        if parser is not None:
            return parser
    folder = cache_dir if cache_dir is not None else user_cache_dir()
    private = use_cache and _private_dir(folder, create=True)
    if private:
        text = _read_private(folder / f"{grammar_name}-{key[:16]}.json")
        parser = loads(text, key, lexer_class, runtime) if text else None
        if parser is not None:
            return parser
    parser = Lark(grammar, **options)
    if private:
        try:
            text = dumps(parser, key, lexer_class)
        except _Unstorable:
            return parser
        for old in folder.glob(f"{grammar_name}-*.json"):   # tables of older grammars
            try:
                old.unlink()
            except OSError:
                pass
        _write_private(folder, f"{grammar_name}-{key[:16]}.json", text)
    return parser


def write_tables(folder: Path, grammar: str, grammar_name: str, **options) -> Path:
    """Write the JSON tables for one grammar into ``folder`` (used at build time)."""
    key = table_key(grammar, options)
    lexer_class = options.get("lexer") if isinstance(options.get("lexer"), type) else None
    parser = Lark(grammar, **options)
    out = folder / table_name(grammar_name)
    out.write_text(dumps(parser, key, lexer_class), encoding="utf-8")
    return out
