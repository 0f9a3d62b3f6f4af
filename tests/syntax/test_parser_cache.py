"""The parser's LALR tables: never unpickled, only checked JSON from private places (issue 18)."""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from hocx import _resources
from hocx.syntax import parser as P
from hocx.syntax import tables as T
from hocx.syntax.transform import Callbacks, ToAst

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = "create soma\nproc f() { local i\n for i = 0, 3 { x = i^2 } }\nif (1) { print 1 } else { print 2 }\n"


class _Plant:
    """Unpickling this creates the folder ``marker``: proof that a pickle was loaded."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (self.marker,))


def _env(tmp_path: Path) -> dict:
    env = dict(os.environ)
    env["TMPDIR"] = str(tmp_path / "tmp")
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return env


def _lark_cache_file(tmp_path: Path, env: dict) -> Path:
    """Let lark's own cache=True create its file for our grammar; return its path."""
    code = ("from lark import Lark\nfrom hocx import _resources\nfrom hocx.syntax import parser as P\n"
            "from hocx.syntax.transform import Callbacks, ToAst\n"
            "Lark(_resources.grammar_text(P.GRAMMAR), cache=True, transformer=Callbacks(ToAst()),"
            " **P.PARSER_OPTIONS)\n")
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)
    found = list((tmp_path / "tmp").glob(".lark_cache_*"))
    assert len(found) == 1, found
    return found[0]


def _plant_pickle(path: Path, marker: Path, keep_first_line: bool = True) -> None:
    first = path.read_bytes().split(b"\n", 1)[0] if keep_first_line and path.exists() else b"x" * 64
    path.write_bytes(first + b"\n" + pickle.dumps(_Plant(str(marker))))


def test_planted_pickle_in_temp_folder_is_not_executed(tmp_path):
    env = _env(tmp_path)
    old = _lark_cache_file(tmp_path, env)           # lark's predictable name for our grammar
    marker = tmp_path / "PWNED"
    _plant_pickle(old, marker)
    # the plant is live: lark's cache=True (what hocx used to do) runs it
    code = ("from lark import Lark\nfrom hocx import _resources\nfrom hocx.syntax import parser as P\n"
            "try:\n Lark(_resources.grammar_text(P.GRAMMAR), cache=True, **P.PARSER_OPTIONS)\n"
            "except Exception: pass\n")
    subprocess.run([sys.executable, "-c", code], env=env, timeout=120)
    assert marker.exists(), "test is not meaningful: the planted pickle did not run under lark cache=True"
    marker.rmdir()
    for args in (["-c", "x = 2\nprint x*3"], ["--safe", "-c", "print 7"]):
        proc = subprocess.run([sys.executable, "-m", "hocx", *args], env=env, capture_output=True,
                              text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        assert not marker.exists()
    assert proc.stdout.strip() == "7"


def test_pickle_planted_at_our_cache_path_is_ignored(tmp_path):
    env = _env(tmp_path)
    marker = tmp_path / "PWNED"
    folder = tmp_path / "cache" / "hocx" / "lark"
    proc = subprocess.run([sys.executable, "-m", "hocx", "-c", "print 1"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    files = list(folder.glob("hoc.lark-*.json"))
    assert len(files) == 1                                   # our cache was written ...
    assert (folder.stat().st_mode & 0o777) == 0o700          # ... in a private folder
    for f in files:
        _plant_pickle(f, marker, keep_first_line=True)       # valid header, pickle body
    proc = subprocess.run([sys.executable, "-m", "hocx", "-c", "print 5"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "5"
    assert not marker.exists()
    # the damaged file was replaced by good tables
    text = files[0].read_text()
    head = json.loads(text.partition("\n")[0])
    assert hashlib.sha256(text.partition("\n")[2].encode()).hexdigest() == head["sha256"]


def _options():
    return dict(transformer=Callbacks(ToAst()), **P.PARSER_OPTIONS)


def test_tables_round_trip_and_damage_is_ignored(tmp_path):
    grammar = _resources.grammar_text(P.GRAMMAR)
    opts = _options()
    fresh = T.build_parser(grammar, "hoc.lark", cache_dir=tmp_path / "c", use_cache=False, **opts)
    key = T.table_key(grammar, opts)
    text = T.dumps(fresh, key, P.TokenFeed)
    runtime = {"transformer": opts["transformer"]}
    loaded = T.loads(text, key, P.TokenFeed, runtime)
    assert loaded is not None
    # same tables: identical parse states and rules
    assert loaded.parser.parser.parser.parse_table.states.keys() == \
        fresh.parser.parser.parser.parse_table.states.keys()
    assert [str(r) for r in loaded.rules] == [str(r) for r in fresh.rules]
    head, _, body = text.partition("\n")
    assert T.loads(text, "0" * 64, P.TokenFeed, runtime) is None             # other grammar/options
    assert T.loads(head + "\n" + body[:-10], key, P.TokenFeed, runtime) is None  # truncated
    tampered = body.replace('"N_VAR"', '"N_VAX"', 1)
    assert T.loads(head + "\n" + tampered, key, P.TokenFeed, runtime) is None   # hash mismatch
    assert T.loads("garbage", key, P.TokenFeed, runtime) is None
    assert T.loads(pickle.dumps({"a": 1}).decode("latin-1"), key, P.TokenFeed, runtime) is None


def test_loaded_tables_parse_like_fresh_ones(tmp_path):
    grammar = _resources.grammar_text(P.GRAMMAR)
    cache = tmp_path / "c"
    first = T.build_parser(grammar, "hoc.lark", cache_dir=cache, **_options())   # builds, writes
    assert len(list(cache.glob("hoc.lark-*.json"))) == 1
    second = T.build_parser(grammar, "hoc.lark", cache_dir=cache, **_options())  # loads
    assert second.source_path == "<deserialized>"
    assert first.source_path != "<deserialized>"
    old = P._LARK
    try:
        P._LARK = first
        a = repr(P.parse_text(SAMPLE))
        P._LARK = second
        b = repr(P.parse_text(SAMPLE))
    finally:
        P._LARK = old
    assert a == b
    assert "soma" in a


def test_cache_folder_open_to_others_is_not_used(tmp_path):
    grammar = _resources.grammar_text(P.GRAMMAR)
    cache = tmp_path / "shared"
    cache.mkdir()
    cache.chmod(0o777)
    p = T.build_parser(grammar, "hoc.lark", cache_dir=cache, **_options())
    assert p.source_path != "<deserialized>"
    assert list(cache.iterdir()) == []                     # nothing written there
    good = tmp_path / "good"
    T.build_parser(grammar, "hoc.lark", cache_dir=good, **_options())
    f = next(good.glob("hoc.lark-*.json"))
    (cache / f.name).write_text(f.read_text())             # valid tables, but in a shared folder
    p = T.build_parser(grammar, "hoc.lark", cache_dir=cache, **_options())
    assert p.source_path != "<deserialized>"               # not read either
    f.chmod(0o666)                                          # a world-writable file in our folder
    p = T.build_parser(grammar, "hoc.lark", cache_dir=good, **_options())
    assert p.source_path != "<deserialized>"


@pytest.mark.parametrize("name", ["hoc.lark"])
def test_packaged_tables_are_used(tmp_path, name):
    grammar = _resources.grammar_text(P.GRAMMAR)
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    T.write_tables(pkg, grammar, name, **P.PARSER_OPTIONS)
    p = T.build_parser(grammar, name, packaged_dir=pkg, cache_dir=tmp_path / "none", **_options())
    assert p.source_path == "<deserialized>"
    assert not (tmp_path / "none").exists() or not list((tmp_path / "none").iterdir())


def test_every_shipped_grammar_round_trips(tmp_path):
    """The scheme works for each grammar we ship (setup.py TABLE_MODULES)."""
    import importlib
    import re

    mods = re.search(r"TABLE_MODULES = \(([^)]*)\)", (ROOT / "setup.py").read_text()).group(1)
    names = re.findall(r'"([\w.]+)"', mods)
    assert "hocx.syntax.parser" in names
    for modname in names:
        mod = importlib.import_module(modname)
        grammar = _resources.grammar_text(mod.GRAMMAR)
        extra = {"transformer": Callbacks(ToAst())} if modname == "hocx.syntax.parser" else {}
        cache = tmp_path / modname
        first = T.build_parser(grammar, mod.GRAMMAR, cache_dir=cache, **extra, **mod.PARSER_OPTIONS)
        second = T.build_parser(grammar, mod.GRAMMAR, cache_dir=cache, **extra, **mod.PARSER_OPTIONS)
        assert first.source_path != "<deserialized>", modname
        assert second.source_path == "<deserialized>", modname
        assert [str(r) for r in second.rules] == [str(r) for r in first.rules]
        assert sorted(t.name for t in second.terminals) == sorted(t.name for t in first.terminals)
