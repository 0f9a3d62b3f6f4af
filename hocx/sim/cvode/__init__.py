"""NEURON's variable time step (CVode) in JAX: CVODES 2.0.1's BDF method with NEURON's
equations, approximate Jacobian, event loop and sampling rules.

* :mod:`.system` — y, f(t, y) and the approximate Newton solve of a lowered model;
* :mod:`.bdf` — the CVODES BDF step, initial step and interpolation, ported decision by decision;
* :mod:`.driver` — NEURON's microstep event loop compiled as one ``lax.while_loop``;
* :mod:`.local` — the local variable step: one integrator per cell, the host event loop;
* :mod:`.runner` — settings, finitialize / fadvance / continuerun, recordings, spikes;
* :mod:`.hocobj` — the HOC ``CVode`` class.
"""
