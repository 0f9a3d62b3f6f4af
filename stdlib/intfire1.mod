TITLE IntFire1: leaky integrate-and-fire artificial cell (hocx standard library)

COMMENT
hocx's own description of NEURON's built-in IntFire1, compiled by hocx's NMODL
translator like any user mod.  Between events the membrane state decays,

    m(t) = m(t0) exp(-(t - t0)/tau),

so it is only brought up to date when an event arrives: an input adds its weight,
and when m passes 1 the cell fires (net_event), holds m = 2 and is refractory for
`refrac` ms (a self event with flag 1 ends that and resets m to 0).  M() is the
membrane state at the current time (2 for the first 0.5 ms of the refractory
period, then -1, as NEURON draws it).
ENDCOMMENT

NEURON {
    ARTIFICIAL_CELL IntFire1
    RANGE tau, refrac, m
}

PARAMETER {
    tau = 10 (ms)       : membrane time constant
    refrac = 5 (ms)     : refractory period
}

ASSIGNED {
    m                   : membrane state (threshold 1)
    t0 (ms)             : time m was last brought up to date
    refractory          : 1 while refractory, else 0
}

INITIAL {
    m = 0
    t0 = t
    refractory = 0
}

FUNCTION M() {
    if (refractory == 0) {
        M = m*exp(-(t - t0)/tau)
    } else if (t - t0 < 0.5) {
        M = 2
    } else {
        M = -1
    }
}

NET_RECEIVE (w) {
    if (refractory == 0) {
        : decay to now, then add the input
        m = m*exp(-(t - t0)/tau)
        t0 = t
        m = m + w
        if (m > 1) {
            refractory = 1
            m = 2
            net_send(refrac, 1)
            net_event(t)
        }
    } else if (flag == 1) {
        : end of the refractory period
        t0 = t
        refractory = 0
        m = 0
    }
}
