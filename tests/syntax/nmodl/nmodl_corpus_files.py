"""The mod files the NMODL front-end tests read (shared suite + NEURON's own)."""
from __future__ import annotations

import os
from pathlib import Path

#: our copy of shared/reference/nmodl (mod/ and fail/), kept with the tests
SHARED = Path(__file__).resolve().parents[2] / "data" / "nmodl_reference"


def neuron_mods() -> list[Path]:
    """Every .mod shipped inside the installed neuron package (read at test time)."""
    try:
        import importlib.util
        spec = importlib.util.find_spec("neuron")
    except (ImportError, ValueError):
        return []
    if spec is None or not spec.submodule_search_locations:
        return []
    root = Path(list(spec.submodule_search_locations)[0])
    out = []
    for dirpath, _dirs, files in os.walk(root):
        out.extend(Path(dirpath) / f for f in files if f.endswith(".mod"))
    return sorted(out)


def shared_mods() -> list[Path]:
    return sorted((SHARED / "mod").glob("*.mod"))


