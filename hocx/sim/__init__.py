"""The simulation layer: lowering a model to arrays, the NEURON-exact JAX integrator,
recording, the compile cache, and the interpreter plug-in (finitialize, fadvance, ...).

Importing this package switches JAX to float64: NEURON parity (1e-6 mV) needs it, and it
must happen before any JAX array is created.
"""
from __future__ import annotations

import os

import jax

jax.config.update("jax_enable_x64", True)


def _persistent_cache() -> None:
    """Keep compiled integrators on disk so a second run of a model starts fast.

    ``HOCX_JIT_CACHE`` (as advertised by ``hocx --help``), else ``HOCX_CACHE_DIR``, chooses
    the folder (default ``~/.cache/hocx/xla``); an empty ``HOCX_CACHE_DIR`` switches it off.
    """
    path = os.environ.get("HOCX_JIT_CACHE") or os.environ.get(
        "HOCX_CACHE_DIR", os.path.join(os.path.expanduser("~"), ".cache", "hocx", "xla"))
    if not path:
        return
    from ..private_files import trusted_folder

    if not trusted_folder(path):        # native code: never loaded from a folder others can write
        return                          # (the CLI says so: hocx.safe_start)
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        jax.config.update("jax_compilation_cache_dir", path)
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.2)
        jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    except (OSError, AttributeError):   # read-only home, or an older jax: run uncached
        pass


_persistent_cache()
