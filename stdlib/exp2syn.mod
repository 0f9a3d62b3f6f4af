TITLE synapse with double-exponential conductance

COMMENT
hocx's own description of NEURON's built-in Exp2Syn (hocx standard library), compiled
by hocx's NMODL translator like any user mod.  Two conductance states decay
independently, A with the rise time tau1 and B with the decay time tau2; the synaptic
conductance is their difference,

    g = B - A,    i = g (v - e)   (nA, outward).

INITIAL keeps tau1 below tau2 (it changes the PARAMETER, as NEURON does: at most
0.9999 tau2, at least 1e-9 tau2) and computes `factor`, which scales an event so that
weight 1 gives a peak conductance of 1 uS.  An event adds weight*factor to both
states (a sum of weights can be delivered at once).
ENDCOMMENT

NEURON {
    POINT_PROCESS Exp2Syn
    RANGE tau1, tau2, e, i, g
    NONSPECIFIC_CURRENT i
}

UNITS {
    (nA) = (nanoamp)
    (mV) = (millivolt)
    (uS) = (microsiemens)
}

PARAMETER {
    tau1 = 0.1 (ms) <1e-9,1e9>    : rise time constant
    tau2 = 10 (ms) <1e-9,1e9>     : decay time constant
    e = 0 (mV)                    : reversal potential
}

ASSIGNED {
    v (mV)
    i (nA)
    g (uS)
    factor                        : peak normalisation of an event
}

STATE {
    A (uS)
    B (uS)
}

INITIAL {
    LOCAL tpeak
    if (tau1/tau2 > 0.9999) {
        tau1 = 0.9999*tau2
    }
    if (tau1/tau2 < 1e-9) {
        tau1 = tau2*1e-9
    }
    A = 0
    B = 0
    : time of the peak of B - A after an event, and the peak's inverse
    tpeak = (tau1*tau2)/(tau2 - tau1) * log(tau2/tau1)
    factor = 1/(-exp(-tpeak/tau1) + exp(-tpeak/tau2))
}

BREAKPOINT {
    SOLVE decay METHOD cnexp
    g = B - A
    i = g*(v - e)
}

DERIVATIVE decay {
    A' = -A/tau1
    B' = -B/tau2
}

NET_RECEIVE (weight (uS)) {
    A = A + weight*factor
    B = B + weight*factor
}
