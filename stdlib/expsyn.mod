TITLE synapse with single-exponential conductance

COMMENT
hocx's own description of NEURON's built-in ExpSyn (hocx standard library), compiled
by hocx's NMODL translator like any user mod.  Each event adds its NetCon weight to
the conductance g (uS), which then decays with time constant tau:

    dg/dt = -g/tau,    i = g (v - e)   (nA, outward)

The event block only adds the weight, so the simulator may deliver the summed weight
of the events that arrive in one step at once.
ENDCOMMENT

NEURON {
    POINT_PROCESS ExpSyn
    RANGE tau, e, i
    NONSPECIFIC_CURRENT i
}

UNITS {
    (nA) = (nanoamp)
    (mV) = (millivolt)
    (uS) = (microsiemens)
}

PARAMETER {
    tau = 0.1 (ms) <1e-9,1e9>     : decay time constant
    e = 0 (mV)                    : reversal potential
}

ASSIGNED {
    v (mV)
    i (nA)
}

STATE {
    g (uS)                        : conductance
}

INITIAL {
    g = 0
}

BREAKPOINT {
    SOLVE decay METHOD cnexp
    i = g*(v - e)
}

DERIVATIVE decay {
    g' = -g/tau
}

NET_RECEIVE (weight (uS)) {
    g = g + weight
}
