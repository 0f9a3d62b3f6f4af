TITLE pas: passive leak current (hocx standard library)

COMMENT
hocx's own description of NEURON's built-in `pas` mechanism, compiled by hocx's
NMODL translator like any user mod: a linear leak

    i = g (v - e)

with NEURON's names (g_pas, e_pas, i_pas), defaults and units.
ENDCOMMENT

NEURON {
    SUFFIX pas
    NONSPECIFIC_CURRENT i
    RANGE g, e
}

UNITS {
    (mV) = (millivolt)
    (mA) = (milliamp)
    (S) = (siemens)
}

PARAMETER {
    g = 0.001 (S/cm2) <0,1e9>     : leak conductance
    e = -70 (mV)                  : leak reversal potential
}

ASSIGNED {
    v (mV)
    i (mA/cm2)
}

BREAKPOINT {
    i = g*(v - e)
}
