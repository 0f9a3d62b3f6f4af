TITLE graded synapse driven by the presynaptic voltage (setpointer syn.vpre, pre.v(x))

COMMENT
hocx's own graded synapse GlutamateSynapse (hocx standard library), compiled by hocx's
NMODL translator like any user mod.
The glutamate synapse of the seeds' groups tutorial: the last Jaxley version of it
(jaxley/synapses/glutamate.py) had IonotropicSynapse's equations with v_th = -35,
delta = 10, k_minus = 1/40, e_syn = 0, s starting at 0.2 and gS = 0.5 mS/cm2 of the
postsynaptic compartment; as a point process that is 0.5 mS/cm2 times the seed
compartment's area (2 pi 1 um 10 um = 62.83 um2) = 3.1416e-4 uS, the default here.
The fixed constants are ordinary parameters, so they can be changed or trained.

The open fraction s relaxes towards s_inf(vpre) = 1/(1 + exp((v_th - vpre)/delta))
with the time constant tau_s = (1 - s_inf)/k_minus (ms).  Each step takes the exact
exponential step for the presynaptic voltage held fixed, as Jaxley writes it,

    s <- s e + s_inf (1 - e),   e = exp(-dt/tau_s)

(both exponents clipped at 20, Jaxley's save_exp), after the voltage update, with the
new presynaptic voltage (NEURON's order; Jaxley updates s before the solve).  The
current is i = gS s (v - e_syn) (nA, outward).  vpre is a POINTER:

    setpointer syn.vpre, pre.v(x)

INITIAL starts s from s0 (not from s_inf), so an unchanged model starts as Jaxley's.
ENDCOMMENT

NEURON {
    POINT_PROCESS GlutamateSynapse
    RANGE gS, e_syn, k_minus, v_th, delta, s0, i, g
    NONSPECIFIC_CURRENT i
    POINTER vpre
}

UNITS {
    (nA) = (nanoamp)
    (mV) = (millivolt)
    (uS) = (microsiemens)
}

PARAMETER {
    gS = 0.0003141592653589793 (uS)        : maximal conductance
    e_syn = 0 (mV)       : reversal potential
    k_minus = 0.025 (/ms)  : closing rate
    v_th = -35 (mV)      : half-activation presynaptic voltage
    delta = 10 (mV)      : slope of the activation
    s0 = 0.2             : initial open fraction
}

ASSIGNED {
    v (mV)
    i (nA)
    g (uS)
    vpre (mV)            : presynaptic voltage (POINTER)
}

STATE {
    s                    : open fraction
}

INITIAL {
    s = s0
}

BREAKPOINT {
    SOLVE release
    g = gS*s
    i = g*(v - e_syn)
}

PROCEDURE release() {
    LOCAL sinf, tau_s, decay
    sinf = 1/(1 + exp(clip20((v_th - vpre)/delta)))
    tau_s = (1 - sinf)/k_minus
    decay = exp(clip20(-1/tau_s*dt))
    s = s*decay + sinf*(1 - decay)
}

FUNCTION clip20(x) {
    : Jaxley's save_exp: the exponent at most 20
    if (x > 20) {
        clip20 = 20
    } else {
        clip20 = x
    }
}
