TITLE current pulse

COMMENT
hocx's own description of NEURON's built-in IClamp (hocx standard library), compiled
by hocx's NMODL translator like any user mod: a current step of amp (nA) from del to
del + dur.  It is an ELECTRODE_CURRENT: positive current flows into the cell.  The
pulse is evaluated at the mid-step time; at_time marks its two switch times (the
variable-step integrator stops there; the fixed step needs nothing).
ENDCOMMENT

NEURON {
    POINT_PROCESS IClamp
    RANGE del, dur, amp, i
    ELECTRODE_CURRENT i
}

UNITS {
    (nA) = (nanoamp)
}

PARAMETER {
    del (ms)                      : start
    dur (ms) <0,1e9>              : duration
    amp (nA)                      : amplitude
}

ASSIGNED {
    i (nA)
}

BREAKPOINT {
    at_time(del)
    at_time(del + dur)
    if (t < del + dur && t >= del) {
        i = amp
    } else {
        i = 0
    }
}
