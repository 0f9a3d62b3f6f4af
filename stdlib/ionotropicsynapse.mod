TITLE graded synapse driven by the presynaptic voltage (setpointer syn.vpre, pre.v(x))

COMMENT
hocx's own graded synapse IonotropicSynapse (hocx standard library), compiled by hocx's
NMODL translator like any user mod.
Jaxley's IonotropicSynapse (Abbott & Marder 1998, "Modeling small networks"), with
Jaxley 0.14's defaults: gS 1e-4 uS, e_syn 0 mV, k_minus 0.025 /ms, v_th -35 mV,
delta 10 mV, s starting at 0.2.

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
    POINT_PROCESS IonotropicSynapse
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
    gS = 1e-4 (uS)        : maximal conductance
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
