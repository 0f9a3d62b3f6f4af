// ball_and_stick.hx -- a first hocx model: an active soma with a passive dendrite.
//
// Run it with:   hocx examples/ball_and_stick.hx
// It is plain HOC (any .hoc script runs the same way); hocx integrates it with
// NEURON's fixed-step method on its JAX simulator, matching NEURON 9 to 1e-6 mV.

{load_file("stdrun.hoc")}        // run(), tstop, v_init, steps_per_ms ...

// ---- morphology: a 20 um soma with a thin 500 um dendrite on its 1-end ----
create soma, dend
connect dend(0), soma(1)

soma {
    L = 20  diam = 20  nseg = 1
    insert hh                    // Hodgkin-Huxley Na+/K+ channels
}
dend {
    L = 500  diam = 1  nseg = 11
    insert pas                   // passive leak
    g_pas = 0.001  e_pas = -65
}
forall Ra = 100                  // axial resistivity (ohm cm)

// ---- stimulus: a 25 ms current step into the soma ----
objref stim
soma stim = new IClamp(0.5)
stim.del = 5
stim.dur = 25
stim.amp = 0.4                   // nA

// ---- recordings: soma and dendrite tip voltage, and time ----
objref vsoma, vtip, tvec
vsoma = new Vector()
vtip = new Vector()
tvec = new Vector()
// (braces keep HOC from echoing each call's return value, as nrniv does)
{ vsoma.record(&soma.v(0.5))  vtip.record(&dend.v(0.95))  tvec.record(&t) }

// ---- run 40 ms from rest ----
tstop = 40
v_init = -65
run()

// ---- summary: spikes are upward crossings of 0 mV at the soma ----
nspikes = 0
for i = 1, vsoma.size() - 1 {
    if (vsoma.x[i-1] < 0 && vsoma.x[i] >= 0) nspikes += 1
}
{
    printf("samples:          %d (t = 0 .. %g ms, dt = %g ms)\n", vsoma.size(), tvec.x[tvec.size()-1], dt)
    printf("soma spikes:      %d\n", nspikes)
    printf("soma peak v:      %.3f mV at t = %.3f ms\n", vsoma.max(), tvec.x[vsoma.max_ind()])
    printf("dendrite tip max: %.3f mV\n", vtip.max())
}
