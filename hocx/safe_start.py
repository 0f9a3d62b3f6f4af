"""What ``--safe`` checks before anything runs (front-end layer 4; docs/SAFETY.md).

The persistent XLA compilation cache holds compiled native code that JAX loads and runs.
It is used only when its folder is a real folder (not a link) owned by the user that
neither group nor others can write, and the same holds for the folder above it; otherwise
the run compiles without the cache and says so (with or without ``--safe``).  (A script cannot
choose the folder: only ``--jit-cache``, ``HOCX_JIT_CACHE`` and ``HOCX_CACHE_DIR`` do.)
"""
from __future__ import annotations

import os
from typing import TextIO

from .private_files import trusted_folder


def guard_compile_cache(jit_cache: str | None, no_jit_cache: bool, stderr: TextIO) -> bool:
    """Switch the compile cache off when its folder is not trusted.  True when it was
    switched off."""
    if no_jit_cache:
        return False
    if jit_cache is None:
        path = os.environ.get("HOCX_JIT_CACHE") or os.environ.get(     # as hocx.sim does
            "HOCX_CACHE_DIR", os.path.join(os.path.expanduser("~"), ".cache", "hocx", "xla"))
    else:
        path = jit_cache
    if not path or trusted_folder(path):
        return False
    from .sim.jitcache import configure_jit_cache

    configure_jit_cache(None)
    stderr.write(f"hocx: not using the compile cache {path} (a link, not ours, or "
                 "writable by others); compiling without it\n")
    return True
