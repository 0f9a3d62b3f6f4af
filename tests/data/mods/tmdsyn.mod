TITLE TMDSyn: depressing / facilitating synapse with a delayed release (hocx test mod)

COMMENT
Written for hocx's tests and benchmarks (not taken from NEURON).  Tsodyks-Markram style
short-term plasticity with per-connection state kept in the NetCon's weight vector:

  a spike arriving through a NetCon (flag 0) at time t
      R = 1 - (1 - R) exp(-(t - tsyn)/tau_rec)      recovery of the resources since tsyn
      u = u exp(-(t - tsyn)/tau_facil)               decay of the facilitation (0 if tau_facil = 0)
      u = u + U (1 - u)                              facilitation: u is the release fraction
      tsyn = t
      net_send(trel, 1)                              the release happens trel ms later
  the self event (flag 1), with the same NetCon's weight vector
      g = g + weight u R                             release
      R = R - u R                                    depletion
      nrel = nrel + 1                                releases so far (a RANGE counter)

R, u and tsyn are NET_RECEIVE arguments (each NetCon has its own), set at finitialize by the
INITIAL block inside NET_RECEIVE.  The conductance g decays with tau.
ENDCOMMENT

NEURON {
    POINT_PROCESS TMDSyn
    NONSPECIFIC_CURRENT i
    RANGE tau, e, i, U, tau_rec, tau_facil, trel, nrel
}

UNITS {
    (nA) = (nanoamp)
    (mV) = (millivolt)
    (uS) = (microsiemens)
}

PARAMETER {
    tau = 3 (ms) <1e-9,1e9>
    e = 0 (mV)
    U = 0.3 (1) <0,1>
    tau_rec = 100 (ms) <1e-9,1e9>
    tau_facil = 50 (ms) <0,1e9>
    trel = 0.5 (ms) <0,1e9>
}

ASSIGNED {
    v (mV)
    i (nA)
    nrel
}

STATE {
    g (uS)
}

INITIAL {
    g = 0
    nrel = 0
}

BREAKPOINT {
    SOLVE state METHOD cnexp
    i = g*(v - e)
}

DERIVATIVE state {
    g' = -g/tau
}

NET_RECEIVE(weight (uS), R, u, tsyn (ms)) {
    INITIAL {
        R = 1
        u = 0
        tsyn = t
    }
    if (flag == 0) {
        R = 1 - (1 - R)*exp(-(t - tsyn)/tau_rec)
        if (tau_facil > 0) {
            u = u*exp(-(t - tsyn)/tau_facil)
        } else {
            u = 0
        }
        u = u + U*(1 - u)
        tsyn = t
        net_send(trel, 1)
    } else {
        g = g + weight*u*R
        R = R - u*R
        nrel = nrel + 1
    }
}
