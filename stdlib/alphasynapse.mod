TITLE alpha-function synaptic conductance

COMMENT
hocx's own description of NEURON's built-in AlphaSynapse (hocx standard library),
compiled by hocx's NMODL translator like any user mod.  The conductance follows an
alpha function that starts at onset and peaks at gmax tau ms later,

    g = gmax alpha((t - onset)/tau),   alpha(x) = x exp(1 - x) for 0 <= x <= 10, else 0,
    i = g (v - e)   (nA, outward),

evaluated at the mid-step time.
ENDCOMMENT

NEURON {
    POINT_PROCESS AlphaSynapse
    RANGE onset, tau, gmax, e, i
    NONSPECIFIC_CURRENT i
}

UNITS {
    (nA) = (nanoamp)
    (mV) = (millivolt)
    (uS) = (microsiemens)
}

PARAMETER {
    onset = 0 (ms)                : start of the conductance
    tau = 0.1 (ms) <1e-3,1e6>     : time to peak
    gmax = 0 (uS) <0,1e9>         : peak conductance
    e = 0 (mV)                    : reversal potential
}

ASSIGNED {
    v (mV)
    i (nA)
    g (uS)
}

BREAKPOINT {
    if (gmax) { at_time(onset) }
    g = gmax*alpha((t - onset)/tau)
    i = g*(v - e)
}

FUNCTION alpha(x) {
    LOCAL xs
    : outside [0, 10] the argument is taken as 0, where x exp(1 - x) is 0: the same
    : values, and no overflow of exp (nor a NaN gradient) for large negative x
    if (x >= 0 && x <= 10) {
        xs = x
    } else {
        xs = 0
    }
    alpha = xs*exp(1 - xs)
}
