"""NEURON's own HOC library and demos (read from the installed neuron package at test
time, never copied) through hocx's parser, item by item, nothing executed."""
from __future__ import annotations

import pytest

from legacy_parse_helper import neuron_share, parse_file, share_files

#: files of share/nrn (lib/hoc and demo, .hoc and .ses) that parse with no syntax error;
#: raise it when the parser learns more, never lower it
PARSE_AT_LEAST = 141

pytestmark = pytest.mark.skipif(neuron_share() is None, reason="the neuron package is not installed")


def test_share_files_found():
    files = share_files()
    assert len(files) >= 140
    assert any(f.name == "stdrun.hoc" for f in files)


@pytest.mark.slow
def test_share_parse_count_does_not_regress():
    files = share_files()
    failed = {f.name: str(errs[0]).splitlines()[0] for f in files if (errs := parse_file(f))}
    ok = len(files) - len(failed)
    assert ok >= PARSE_AT_LEAST, f"{ok}/{len(files)} parse; failures: {failed}"


@pytest.mark.parametrize("name", ["stdrun.hoc", "stdlib.hoc", "nrngui.hoc", "noload.hoc",
                                  "stdgui.hoc", "rcclasses.hoc", "celtopol.hoc"])
def test_key_library_files_parse(name):
    path = next((f for f in share_files() if f.name == name), None)
    assert path is not None, name
    errs = parse_file(path)
    assert not errs, str(errs[0])
