"""Tests for hocx.sim.jitcache: cache folder selection and device selection errors."""
import jax
import pytest

from hocx.errors import HocError
from hocx.sim import jitcache


def test_env_alias_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("HOCX_JIT_CACHE", str(tmp_path / "a"))
    monkeypatch.setenv("HOCX_CACHE_DIR", str(tmp_path / "b"))
    assert jitcache.default_jit_cache_dir() == str(tmp_path / "a")


def test_configure_on_and_off(tmp_path):
    old = jax.config.jax_compilation_cache_dir
    try:
        used = jitcache.configure_jit_cache(str(tmp_path / "c"))
        assert used == str(tmp_path / "c") and (tmp_path / "c").is_dir()
        assert jax.config.jax_compilation_cache_dir == used
        assert jitcache.configure_jit_cache(None) is None
        assert jax.config.jax_compilation_cache_dir is None
    finally:
        jax.config.update("jax_compilation_cache_dir", old)


def test_bad_device_name():
    with pytest.raises(HocError):
        jitcache.configure_devices("tpu9")
