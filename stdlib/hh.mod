TITLE hh: Hodgkin-Huxley squid-axon sodium, potassium and leak currents (hocx standard library)

COMMENT
hocx's own description of NEURON's built-in `hh` mechanism, compiled by hocx's
NMODL translator like any user mod.  Written from Hodgkin & Huxley (1952),
J. Physiol. 117:500-544, in the modern sign convention (depolarization
positive, rest near -65 mV):

    alpha_m = 0.1 (v+40)/(1 - exp(-(v+40)/10))    beta_m = 4 exp(-(v+65)/18)
    alpha_h = 0.07 exp(-(v+65)/20)                beta_h = 1/(1 + exp(-(v+35)/10))
    alpha_n = 0.01 (v+55)/(1 - exp(-(v+55)/10))   beta_n = 0.125 exp(-(v+65)/80)

    x_inf = alpha_x/(alpha_x + beta_x)    tau_x = 1/(q10 (alpha_x + beta_x))
    q10 = 3^((celsius - 6.3)/10)

    ina = gnabar m^3 h (v - ena)   ik = gkbar n^4 (v - ek)   il = gl (v - el)

What a script sees is NEURON's: the names (gnabar_hh, m_hh, rates_hh(v),
vtrap_hh(x, y), usetable_hh), the defaults, the units, and the rate table of
201 points from -100 to 100 mV rebuilt when celsius changes.  One difference:
minf, hinf, ninf, mtau, htau, ntau are not RANGE (NEURON's hh.mod declares
them RANGE): hocx would carry them from step to step for HOC to read, which
costs ~20% of an hh model's step.  This file is hocx's built-in hh (the
translation is cached by content hash: hocx/interp/stdlib_mods.py).  Each formula is
evaluated in the same floating-point order as NEURON's own hh, so the two
agree to the last bit: keep that order when editing (for instance
1/(q10*sum) and not 1/q10/sum, and m*m*m*h rather than m^3*h).
ENDCOMMENT

NEURON {
    SUFFIX hh
    USEION na READ ena WRITE ina
    USEION k READ ek WRITE ik
    NONSPECIFIC_CURRENT il
    RANGE gnabar, gkbar, gl, el, gna, gk
    THREADSAFE
}

UNITS {
    (mV) = (millivolt)
    (mA) = (milliamp)
    (S) = (siemens)
}

PARAMETER {
    gnabar = 0.12 (S/cm2) <0,1e9>     : peak sodium conductance
    gkbar = 0.036 (S/cm2) <0,1e9>     : peak potassium conductance
    gl = 0.0003 (S/cm2) <0,1e9>       : leak conductance
    el = -54.3 (mV)                   : leak reversal potential
}

STATE { m h n }

ASSIGNED {
    v (mV)
    celsius (degC)
    ena (mV)
    ek (mV)
    gna (S/cm2)
    gk (S/cm2)
    ina (mA/cm2)
    ik (mA/cm2)
    il (mA/cm2)
    minf
    hinf
    ninf
    mtau (ms)
    htau (ms)
    ntau (ms)
}

BREAKPOINT {
    SOLVE states METHOD cnexp
    gna = gnabar*m*m*m*h
    ina = gna*(v - ena)
    gk = gkbar*n*n*n*n
    ik = gk*(v - ek)
    il = gl*(v - el)
}

INITIAL {
    rates(v)
    m = minf
    h = hinf
    n = ninf
}

DERIVATIVE states {
    rates(v)
    m' = (minf - m)/mtau
    h' = (hinf - h)/htau
    n' = (ninf - n)/ntau
}

UNITSOFF
PROCEDURE rates(v (mV)) {
    : the three gates' steady states and time constants at membrane potential v
    LOCAL alpha, beta, sum, q10
    TABLE minf, mtau, hinf, htau, ninf, ntau DEPEND celsius FROM -100 TO 100 WITH 200

    q10 = 3^((celsius - 6.3)/10)

    : m, sodium activation
    alpha = 0.1*vtrap(-(v + 40), 10)
    beta = 4*exp(-(v + 65)/18)
    sum = alpha + beta
    mtau = 1/(q10*sum)
    minf = alpha/sum

    : h, sodium inactivation
    alpha = 0.07*exp(-(v + 65)/20)
    beta = 1/(exp(-(v + 35)/10) + 1)
    sum = alpha + beta
    htau = 1/(q10*sum)
    hinf = alpha/sum

    : n, potassium activation
    alpha = 0.01*vtrap(-(v + 55), 10)
    beta = 0.125*exp(-(v + 65)/80)
    sum = alpha + beta
    ntau = 1/(q10*sum)
    ninf = alpha/sum
}

FUNCTION vtrap(x, y) {
    : x/(exp(x/y) - 1), replaced near x = 0 (0/0) by its first-order expansion
    if (fabs(x/y) < 1e-6) {
        vtrap = y*(1 - x/y/2)
    } else {
        vtrap = x/(exp(x/y) - 1)
    }
}
UNITSON
