"""The seeds' 5-cell network in Jaxley, for comparison with examples/network5.hx.

Run with Jaxley's interpreter (``python net5_compare.py [t_max [s0]]``); prints JSON {"t": [...], "v": [[...] x 5]}: the voltage of
branch 0 compartment 0 of each cell (hocx: cells[i].branch[0].v(0.0625)).  The model is
the example's: 5 cells x 5 branches (parents -1, 0, 0, 1, 1) x 8 compartments of 10 um,
radius 1 um, Ra 5000 ohm cm, HH everywhere, IonotropicSynapse with GlutamateSynapse's
values from cells 0-1 to 2-4, v = -65 mV with HH states at steady state, s = 0.2, and a
0.05 nA pulse into cells 0 and 1 on the steps where NEURON's IClamp (del 3, dur 2) is on
(its condition is evaluated at t + dt/2).
"""
import json
import math
import sys

from jax import config

config.update("jax_enable_x64", True)
config.update("jax_platform_name", "cpu")

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import jaxley as jx  # noqa: E402
from jaxley.channels import HH  # noqa: E402
from jaxley.connect import fully_connect  # noqa: E402
from jaxley.synapses import IonotropicSynapse  # noqa: E402

DT, T_MAX = 0.025, float(sys.argv[1]) if len(sys.argv) > 1 else 30.0
S0 = float(sys.argv[2]) if len(sys.argv) > 2 else 0.2          # the synapses' initial s
GS = 0.5 * (2.0 * math.pi * 1.0 * 10.0) * 1e-8 * 1e3      # GlutamateSynapse's gS in uS

comp = jx.Compartment()
branch = jx.Branch(comp, ncomp=8)
cell = jx.Cell(branch, parents=[-1, 0, 0, 1, 1])
net = jx.Network([cell for _ in range(5)])
fully_connect(net.cell([0, 1]), net.cell([2, 3, 4]), IonotropicSynapse())
net.insert(HH())
net.set("length", 10.0)
net.set("radius", 1.0)
net.set("axial_resistivity", 5000.0)
net.set("IonotropicSynapse_gS", GS)
net.set("IonotropicSynapse_k_minus", 1.0 / 40.0)
net.set("v", -65.0)
net.init_states()
net.set("IonotropicSynapse_s", S0)

n = int(round(T_MAX / DT))
tn = np.arange(n + 1) * DT
i_ext = np.where((tn + DT / 2 >= 3.0) & (tn + DT / 2 < 5.0), 0.05, 0.0)
for c in (0, 1):
    net.cell(c).branch(0).comp(0).stimulate(jnp.asarray(i_ext))
for c in range(5):
    net.cell(c).branch(0).comp(0).record("v", verbose=False)
v = np.asarray(jx.integrate(net, delta_t=DT, t_max=T_MAX))
print(json.dumps({"t": (np.arange(v.shape[1]) * DT).tolist(), "v": v.tolist()}))
