TITLE km: slow non-inactivating M-type potassium current (benchmark channel)

COMMENT
Written for hocx's NMODL benchmark (benchmarks/nmodl_translate.py): a Boltzmann
activation gate with a bell-shaped time constant, after the usual M-current
description (Yamada, Koch & Adams 1989):

    ninf = 1/(1 + exp(-(v - vhalf)/k))
    ntau = taumax/(3.3 exp((v - vhalf)/20) + exp(-(v - vhalf)/20))
    ik = gbar n (v - ek)
ENDCOMMENT

NEURON {
    SUFFIX km
    USEION k READ ek WRITE ik
    RANGE gbar
    GLOBAL ninf, ntau, vhalf, k, taumax
    THREADSAFE
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (S) = (siemens)
}

PARAMETER {
    gbar = 0.0003 (S/cm2) <0,1e9>
    vhalf = -35 (mV)
    k = 10 (mV)
    taumax = 100 (ms)
}

STATE { n }

ASSIGNED {
    v (mV)
    ek (mV)
    ik (mA/cm2)
    ninf
    ntau (ms)
}

BREAKPOINT {
    SOLVE states METHOD cnexp
    ik = gbar*n*(v - ek)
}

INITIAL {
    rates(v)
    n = ninf
}

DERIVATIVE states {
    rates(v)
    n' = (ninf - n)/ntau
}

PROCEDURE rates(v (mV)) {
UNITSOFF
    ninf = 1/(1 + exp(-(v - vhalf)/k))
    ntau = taumax/(3.3*exp((v - vhalf)/20) + exp(-(v - vhalf)/20))
UNITSON
}
