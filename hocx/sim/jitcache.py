"""Run-time switches for where and how compiled integrators live: the persistent XLA
compilation cache (``--jit-cache DIR`` / ``--no-jit-cache``) and the JAX platform
(``--device cpu|gpu``).

The package import (:mod:`hocx.sim`) already turns the on-disk cache on by default
(``HOCX_CACHE_DIR``, default ``~/.cache/hocx/xla``); these functions let the CLI override
that.  ``HOCX_JIT_CACHE`` is honoured as an alias of ``HOCX_CACHE_DIR``.
"""
from __future__ import annotations

import os

import jax

from ..errors import HocError


def default_jit_cache_dir() -> str:
    """The cache folder used when none is given: env ``HOCX_JIT_CACHE``, then
    ``HOCX_CACHE_DIR``, then ``~/.cache/hocx/xla``."""
    for var in ("HOCX_JIT_CACHE", "HOCX_CACHE_DIR"):
        if os.environ.get(var):
            return os.environ[var]
    return os.path.join(os.path.expanduser("~"), ".cache", "hocx", "xla")


def configure_jit_cache(path: str | None) -> str | None:
    """Point JAX's persistent compilation cache at ``path``, or switch it off (``None``).

    Returns the folder in use (``None`` when off).  Must be called before the first
    compile to affect it.
    """
    if path is None:
        jax.config.update("jax_compilation_cache_dir", None)
        return None
    path = os.path.abspath(os.path.expanduser(path))
    os.makedirs(path, exist_ok=True)
    jax.config.update("jax_compilation_cache_dir", path)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.2)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    return path


def configure_devices(name: str) -> list:
    """Select the JAX platform by name (``"cpu"`` or ``"gpu"``) and return its devices.

    Must be called before any JAX array exists.  Raises :class:`HocError` when the
    platform is unknown or has no device on this machine.
    """
    if name not in ("cpu", "gpu"):
        raise HocError(f"--device must be cpu or gpu, not {name!r}")
    try:
        jax.config.update("jax_platforms", "cuda" if name == "gpu" else "cpu")
        return jax.devices()
    except Exception as exc:  # noqa: BLE001 - jax raises RuntimeError or AssertionError here
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise HocError(f"no {name} device available ({detail})") from None
