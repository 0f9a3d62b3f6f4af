TITLE single-electrode voltage clamp

COMMENT
hocx's own description of NEURON's built-in SEClamp (hocx standard library), compiled
by hocx's NMODL translator like any user mod.  A clamp with three levels: the command
vc is amp1 until dur1, amp2 until dur1 + dur2, amp3 until dur1 + dur2 + dur3; after
that the clamp is off and injects nothing.  Through the series resistance rs,

    i = (vc - v)/rs   (nA, into the cell: an ELECTRODE_CURRENT).

BREAKPOINT picks the level at the mid-step time.  The SOLVE ... METHOD after_cvode
recomputes i after the voltage update, with the new v and the same vc: that is the
value hoc reads and records (the current the implicit step actually used).
ENDCOMMENT

NEURON {
    POINT_PROCESS SEClamp
    ELECTRODE_CURRENT i
    RANGE dur1, amp1, dur2, amp2, dur3, amp3, rs, vc, i
}

UNITS {
    (nA) = (nanoamp)
    (mV) = (millivolt)
    (uS) = (microsiemens)
}

PARAMETER {
    rs = 1 (megohm) <1e-9,1e9>    : series resistance
    dur1 (ms)                     : first level: duration and voltage
    amp1 (mV)
    dur2 (ms) <0,1e9>             : second level
    amp2 (mV)
    dur3 (ms) <0,1e9>             : third level
    amp3 (mV)
}

ASSIGNED {
    v (mV)
    i (nA)
    vc (mV)                       : command voltage
    on                            : 1 while the clamp is on
}

BREAKPOINT {
    SOLVE icur METHOD after_cvode
    vstim()
}

PROCEDURE vstim() {
    LOCAL tc2, tc3
    tc2 = dur1 + dur2
    tc3 = tc2 + dur3
    if (dur1) { at_time(dur1) }
    if (dur2) { at_time(tc2) }
    if (dur3) { at_time(tc3) }
    on = 1
    if (t < dur1) {
        vc = amp1
    } else if (t < tc2) {
        vc = amp2
    } else if (t < tc3) {
        vc = amp3
    } else {
        vc = 0
        on = 0
    }
    icur()
}

PROCEDURE icur() {
    if (on) {
        i = (vc - v)/rs
    } else {
        i = 0
    }
}
