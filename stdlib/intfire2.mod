TITLE IntFire2: integrate-and-fire cell with a synaptic current (hocx standard library)

COMMENT
hocx's own description of NEURON's built-in IntFire2, compiled by hocx's NMODL
translator.  A synaptic current i relaxes to the bias ib with time constant taus,
inputs add their weight to it, and the membrane state m integrates it with time
constant taum (taum < taus):

    taus di/dt + i = ib,        taum dm/dt + m = i.

Both have closed forms, so the state is only brought up to date at events.  The
time m reaches 1 is solved for (firetime, Newton's method on the closed form) and a
self event (flag 1) is scheduled then; at it the cell fires and m restarts from 0.

NEURON moves the one pending self event with net_move when an input changes the
fire time.  hocx's event engine has no net_move yet, so this mod sends a new self
event instead and remembers its time (tfire): a self event whose time is not tfire
is a superseded one and is ignored.  The scheduled times are the same expressions
NEURON moves the event to (t + firetime), so they are the same numbers.  A fire time
of 1e9 ms or more (never) sends nothing.
ENDCOMMENT

NEURON {
    ARTIFICIAL_CELL IntFire2
    RANGE taus, taum, ib, i, m
}

PARAMETER {
    taus = 20 (ms)      : synaptic current time constant
    taum = 10 (ms)      : membrane time constant
    ib = 0              : bias current
}

ASSIGNED {
    i                   : synaptic current at t0
    m                   : membrane state at t0
    t0 (ms)             : time i and m were last brought up to date
    tfire (ms)          : time of the self event that is current (-1: none)
}

FUNCTION M() {
    LOCAL x, f
    f = taus/(taus - taum)
    x = (i - ib)*exp(-(t - t0)/taus)
    M = ib + f*x + (m - (ib + (i - ib)*f))*exp(-(t - t0)/taum)
}

FUNCTION I() {
    LOCAL x
    x = (i - ib)*exp(-(t - t0)/taus)
    I = x + ib
}

INITIAL {
    i = ib
    m = 0
    if (taus <= taum) {
        taus = taum + 0.1
    }
    t0 = t
    tfire = -1
    if (firetime(ib, 0, 0) < 1e9) {
        tfire = t + firetime(ib, 0, 0)
        net_send(firetime(ib, 0, 0), 1)
    }
}

NET_RECEIVE (w) {
    LOCAL x, inew, f, ibf, ft
    if (flag == 0 || t == tfire) {
        f = taus/(taus - taum)
        x = (i - ib)*exp(-(t - t0)/taus)
        inew = ib + x
        if (flag == 1) {
            : fire
            net_event(t)
            m = 0
            ibf = (inew - ib)*f
            ft = firetime(ib, ibf, 0)
            tfire = -1
            if (ft < 1e9) {
                tfire = t + ft
                net_send(ft, 1)
            }
        } else {
            m = ib + f*x + (m - (ib + (i - ib)*f))*exp(-(t - t0)/taum)
            inew = inew + w
            if (m >= 1) {
                : fire now
                tfire = t
                net_send(0, 1)
            } else {
                ibf = (inew - ib)*f
                ft = firetime(ib, ibf, m)
                tfire = -1
                if (ft < 1e9) {
                    tfire = ft + t
                    net_send(ft, 1)
                }
            }
        }
        t0 = t
        i = inew
    }
}

FUNCTION firetime(a, b, c) (ms) {
    : the first s > 0 with 1 = a + b exp(-s/taus) + (c - a - b) exp(-s/taum)
    : (c < 1, taum < taus), 1e9 if there is none
    LOCAL r, cab, x, sl, f
    r = taum/taus
    if (a <= 1 && a + b <= 1) {
        firetime = 1e9
    } else if (a > 1 && b <= 0) {
        : a crossing exists (m tends to a > 1)
        cab = c - a - b
        sl = r*b + cab
        if (sl >= 0) {
            firetime = -taus*log(newton1(a, cab, b, 1/r, 0))
        } else {
            x = (1 - c + sl)/sl
            if (x <= 0) {
                firetime = -taus*log(newton1(a, cab, b, 1/r, 0))
            } else {
                firetime = -taum*log(newton1(a, b, cab, r, x))
            }
        }
    } else {
        : a crossing exists only if the maximum of m is above 1
        cab = c - a - b
        x = (-cab/(r*b))^(1/(r - 1))
        f = a + b*x^r + cab*x
        if (x >= 1 || f <= 1) {
            firetime = 1e9
        } else {
            sl = r*b + cab
            x = (1 - c + sl)/sl
            firetime = -taum*log(newton1(a, b, cab, r, x))
        }
    }
}

FUNCTION newton1(a, b, c, r, x) {
    : solve 1 = a + b x^r + c x for x in (0, 1], from x
    LOCAL dx, f, df, iter
    dx = 1
    f = 0
    iter = 0
    while (fabs(dx) > 1e-6 || fabs(f - 1) > 1e-6) {
        f = a + b*x^r + c*x
        df = r*b*x^(r - 1) + c
        dx = (1 - f)/df
        x = x + dx
        if (x <= 0) {
            x = 1e-4
        } else if (x > 1) {
            x = 1
        }
        iter = iter + 1
        if (iter > 10) {
            f = 1
            dx = 0
        }
    }
    newton1 = x
}
