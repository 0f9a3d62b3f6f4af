TITLE IntFire4: integrate-and-fire cell with excitatory and alpha-like inhibitory currents (hocx standard library)

COMMENT
hocx's own description of NEURON's built-in IntFire4, compiled by hocx's NMODL
translator.  Four linear states, solved in closed form between events:

    de/dt  = -e/taue                      (fast excitatory current)
    di1/dt = -i1/taui1                    (inhibitory current, rising ...
    di2/dt = -i2/taui2 + ai1 i1            ... and decaying: alpha-like)
    dm/dt  = -m/taum + ae e + ai2 i2      (membrane state, fires at 1)

A positive weight is added to e, a negative one to i1.  The factors ae, ai1, ai2
normalise a single input of weight +-1 to a peak of m of +-1 (ai2 by a bisection for
the time of the extremum).  The time constants are first adjusted as NEURON does so
that taue < taui2, taui1 < taui2 and no two are closer than taueps.  The cell fires
when m exceeds 1 - eps at an event; the events it sends itself are at a lower bound
of the time m reaches 1 (the tangent at the present state), so the state is checked
again then (nself counts them; nexcite, ninhibit count the inputs).

NEURON moves the pending self event with net_move after each input.  hocx's event
engine has no net_move yet, so this mod sends a new self event instead and keeps its
time (tfire): a self event whose time is not tfire is superseded and ignored.  Its
times are the same expressions NEURON moves the event to (t + firetimebound()).  A
bound of 1e9 ms (never) sends nothing.  NEURON prints a warning when it swaps or
moves taue/taui1/taui2; this mod adjusts them silently.
ENDCOMMENT

NEURON {
    ARTIFICIAL_CELL IntFire4
    RANGE taue, taui1, taui2, taum, e, i1, i2, m, ae, ai2, ai1
    RANGE nself, nexcite, ninhibit
    GLOBAL eps, taueps
}

PARAMETER {
    taue = 5 (ms)      <0,1e9>
    taui1 = 10 (ms)    <0,1e9>
    taui2 = 20 (ms)    <0,1e9>
    taum = 50 (ms)     <0,1e9>
    ib = 0
    eps = 1e-6         <1e-9,0.01>
    taueps = 0.01      <1e-9,1e9>
}

ASSIGNED {
    e i1 i2 m                  : the states at t0
    enew i1new i2new mnew      : the states at t0 + d (newstates(d))
    t0 (ms)
    nself nexcite ninhibit
    ke (1/ms) ki1 (1/ms) ki2 (1/ms) km (1/ms)
    ae (1/ms) ai1 (1/ms) ai2 (1/ms)
    be bi1 bi2
    a b
    searchfail                 : 1 when the bisection found no bracket
    tfire (ms)                 : time of the self event that is current (-1: none)
}

PROCEDURE newstates(d (ms)) {
    LOCAL ee, ei1, ei2, em
    ee = exp(-ke*d)
    ei1 = exp(-ki1*d)
    ei2 = exp(-ki2*d)
    em = exp(-km*d)
    enew = e*ee
    i1new = i1*ei1
    i2new = i2*ei2 + bi1*i1*(ei2 - ei1)
    mnew = m*em + be*e*(em - ee) + (bi2*i2 + a*i1)*(em - ei2) - b*i1*(em - ei1)
}

FUNCTION M() {
    newstates(t - t0)
    M = mnew
}

FUNCTION E() {
    newstates(t - t0)
    E = ae*enew
}

FUNCTION I() {
    newstates(t - t0)
    I = ai2*i2new
}

PROCEDURE update() {
    e = enew
    i1 = i1new
    i2 = i2new
    m = mnew
    t0 = t
}

PROCEDURE fixprecondition() {
    : taue < taui2, taui1 < taui2, all at least taueps apart and away from 0
    LOCAL sw
    if (taui2 < 4*taueps) {
        taui2 = 4*taueps
    }
    if (taui1 < 3*taueps) {
        taui1 = 3*taueps
    }
    if (taue < 2*taueps) {
        taue = 2*taueps
    }
    if (taue > taui2) {
        taue = taui2 - taueps
    } else if (taui2 - taue < taueps) {
        taue = taui2 - taueps
    }
    if (taui1 > taui2) {
        sw = taui2
        taui2 = taui1
        taui1 = sw
    }
    if (taui2 - taui1 < taueps) {
        taui1 = taui2 - taueps
    }
    if (taum <= taui2) {
        if (taui2 - taum < taueps) {
            taum = taui2 - taueps
        }
        if (fabs(taui1 - taum) < taueps) {
            taum = taui1 - taueps
        }
        if (fabs(taui1 - taum) < taueps) {
            if (taui1 - taum < 0) {
                taum = taui1 - taueps
            } else {
                taui1 = taum - taueps
            }
        }
        if (fabs(taue - taum) < taueps) {
            if (taue - taum < 0) {
                taum = taue - taueps
            } else {
                taue = taum - taueps
            }
        }
        if (fabs(taui1 - taum) < taueps) {
            taum = taui1 - taueps
        }
    } else if (taum - taui2 < taueps) {
        taum = taui2 + taueps
    }
}

PROCEDURE factors() {
    LOCAL tp
    ke = 1/taue
    ki1 = 1/taui1
    ki2 = 1/taui2
    km = 1/taum
    : a single e of 1 gives a peak m of 1
    tp = log(km/ke)/(km - ke)
    be = 1/(exp(-km*tp) - exp(-ke*tp))
    ae = be*(ke - km)
    : a single i1 of 1 gives a peak i2 of 1
    tp = log(ki2/ki1)/(ki2 - ki1)
    bi1 = 1/(exp(-ki2*tp) - exp(-ki1*tp))
    ai1 = bi1*(ki1 - ki2)
    : a single i1 of 1 gives a peak m of 1: m's extremum by bisection, then scale
    e = 0
    i1 = 1
    i2 = 0
    m = 0
    bi2 = 1
    ai2 = bi2*(ki2 - km)
    a = bi2*bi1
    b = a*(ki2 - km)/(ki1 - km)
    tp = search()
    newstates(tp)
    bi2 = 1/mnew
    ai2 = bi2*(ki2 - km)
    a = bi2*bi1
    b = a*(ki2 - km)/(ki1 - km)
    newstates(tp)
    i1 = 0
}

FUNCTION deriv(d (ms)) (/ms2) {
    : of the sign of dm/dt for an isolated i1 (ki1 > ki2)
    deriv = (-km*exp(-d*km) + ki2*exp(-d*ki2))/(ki2 - km) - (-km*exp(-d*km) + ki1*exp(-d*ki1))/(ki1 - km)
}

FUNCTION search() (ms) {
    LOCAL x, t1, t2, s
    : a bracket a factor of 10 wide around the extremum, then bisection
    t1 = 1
    t2 = 1
    s = 0
    searchfail = 0
    if (deriv(t1) < 0) {
        while (deriv(t1) < 0 && t1 > 1e-9) {
            t2 = t1
            t1 = t1/10
        }
        if (deriv(t1) < 0) {
            searchfail = 1
            s = 1e-9
        }
    } else {
        t2 = t1
        while (deriv(t2) > 0 && t2 < 1e9) {
            t1 = t2
            t2 = t2*10
        }
        if (deriv(t2) > 0) {
            searchfail = 1
            s = 1e9
        }
    }
    while (t2 - t1 > 1e-6 && searchfail == 0) {
        s = (t1 + t2)/2
        x = deriv(s)
        if (x > 0) {
            t1 = s
        } else {
            t2 = s
        }
    }
    search = s
}

INITIAL {
    LOCAL fb
    fixprecondition()
    factors()
    e = 0
    i1 = 0
    i2 = 0
    m = 0
    t0 = t
    tfire = -1
    fb = firetimebound()
    if (fb < 1e9) {
        tfire = t + fb
        net_send(fb, 1)
    }
    nself = 0
    nexcite = 0
    ninhibit = 0
}

NET_RECEIVE (w) {
    LOCAL fb
    if (flag == 0 || t == tfire) {
        newstates(t - t0)
        update()
        if (m > 1 - eps) {
            : fire
            net_event(t)
            m = 0
        }
        if (flag == 1) {
            nself = nself + 1
        } else {
            if (w > 0) {
                nexcite = nexcite + 1
                e = e + w
            } else {
                ninhibit = ninhibit + 1
                i1 = i1 + w
            }
        }
        fb = firetimebound()
        tfire = -1
        if (fb < 1e9) {
            tfire = t + fb
            net_send(fb, 1)
        }
    }
}

FUNCTION firetimebound() (ms) {
    LOCAL slope
    slope = -km*m + ae*e + ai2*i2
    if (slope <= 1e-9) {
        firetimebound = 1e9
    } else {
        firetimebound = (1 - m)/slope
    }
}
