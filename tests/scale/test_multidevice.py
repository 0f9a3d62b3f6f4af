"""A sweep sharded over 4 forced host devices gives the same traces as on 1 device.

XLA reads ``--xla_force_host_platform_device_count`` when JAX starts, so each device count
runs in its own subprocess; each writes its traces and what the sweeper reports.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]

PROGRAM = r"""
import json, sys
import jax
import numpy as np
from hocx.api import Session

s = Session(out=lambda text: None)
s.execute('''{load_file("stdrun.hoc")}
create soma, dend
connect dend(0), soma(1)
forall { insert hh  nseg = 3  L = 40  diam = 2 }
objref stim, vs, vd, g, a, res
soma stim = new IClamp(0.5)
stim.del = 0.5
stim.dur = 1
vs = new Vector()
vd = new Vector()
vs.record(&soma.v(0.5))
vd.record(&dend.v(0.9))
tstop = 3
g = new Vector(6)
g.indgen(0.03).add(0.06)
a = new Vector(6)
a.indgen(0.05).add(0.1)
res = sweep("gnabar_hh", g, "stim.amp", a)
''')
res = s.get_global("res")
np.save(sys.argv[1], np.stack([np.array(m.m) for m in res.items]))
print(json.dumps(dict(s.sweeper.last, jax_devices=len(jax.devices()))))
"""


def _run(ndev: int, out: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), JAX_PLATFORMS="cpu", HOCX_CACHE_DIR="",
               XLA_FLAGS=f"--xla_force_host_platform_device_count={ndev}")
    proc = subprocess.run([sys.executable, "-c", PROGRAM, str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_four_host_devices_equal_one(tmp_path):
    one = _run(1, tmp_path / "one.npy")
    four = _run(4, tmp_path / "four.npy")
    assert one["jax_devices"] == one["devices"] == 1 and one["sharded_over"] == 1
    assert four["jax_devices"] == four["devices"] == 4
    assert four["sharded_over"] == 4             # the batch axis really spans the 4 devices
    assert four["batch"] % 4 == 0 and four["runs"] == 6     # 6 runs padded to a multiple of 4
    a, b = np.load(tmp_path / "one.npy"), np.load(tmp_path / "four.npy")
    assert a.shape == b.shape == (2, 6, 121)
    assert np.max(np.abs(a - b)) < 1e-12
    assert np.ptp(a[0, :, -1]) > 0.1            # the six runs differ
