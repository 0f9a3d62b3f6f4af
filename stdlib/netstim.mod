TITLE NetStim: spike generator (hocx standard library)

COMMENT
hocx's own description of NEURON's built-in NetStim, compiled by hocx's NMODL
translator like any user mod.  It fires `number` spikes, the first near
`start`, then one every `interval` ms.  With 0 < noise <= 1 each interval is
(1 - noise)*interval plus noise*interval times an exponential draw of mean 1
from the cell's Random123 stream (RANDOM ranvar: by default ids (1, 0, n) for
the n-th stream of the session; noiseFromRandom123(id1, id2[, id3]) or
noiseFromRandom(r) choose others); the first spike is moved back by
interval*(1 - noise) so that it comes on average at start + noise*interval,
but never before 0.

Events into it: a positive weight when it is idle starts a train at once; a
negative weight stops it.  The floating-point operations follow NEURON 9's
netstim.mod in the same order, so spike times are NEURON's to the bit.
ENDCOMMENT

NEURON {
    ARTIFICIAL_CELL NetStim
    THREADSAFE
    RANGE interval, number, start, noise
    RANDOM ranvar
}

PARAMETER {
    interval = 10 (ms) <1e-9,1e9>  : mean time between spikes
    number = 10 <0,1e9>            : spikes in a train (whatever the noise)
    start = 50 (ms)                : about when the first spike comes
    noise = 0 <0,1>                : 0 regular .. 1 Poisson
}

ASSIGNED {
    event (ms)     : the next interval (or the first spike's time)
    on             : 1 while a train runs
    ispike         : spikes fired in this train
}

INITIAL {
    seed(0)
    on = 0
    ispike = 0
    if (noise < 0) {
        noise = 0
    }
    if (noise > 1) {
        noise = 1
    }
    if (start >= 0 && number > 0) {
        on = 1
        event = start + invl(interval) - interval*(1. - noise)
        if (event < 0) {
            event = 0
        }
        net_send(event, 3)
    }
}

: a train starts: its spike counter from 0
PROCEDURE init_sequence(t (ms)) {
    if (number > 0) {
        on = 1
        event = 0
        ispike = 0
    }
}

: one interval of mean `mean` (a non-positive mean counts as 0.01 ms)
FUNCTION invl(mean (ms)) (ms) {
    if (mean <= 0.) {
        mean = .01 (ms)
    }
    if (noise == 0) {
        invl = mean
    } else {
        invl = (1. - noise)*mean + noise*mean*erand()
    }
}

FUNCTION erand() {
    erand = random_negexp(ranvar)
}

PROCEDURE next_invl() {
    if (number > 0) {
        event = invl(interval)
    }
    if (ispike >= number) {
        on = 0
    }
}

NET_RECEIVE (w) {
    if (flag == 0) {
        : from a NetCon: start an idle generator, or stop it for good
        if (w > 0 && on == 0) {
            init_sequence(t)
            next_invl()
            event = event - interval*(1. - noise)
            net_send(event, 1)
        } else if (w < 0) {
            on = 0
        }
    }
    if (flag == 3) {
        : INITIAL's event: the train begins (unless an event stopped it)
        if (on == 1) {
            init_sequence(t)
            net_send(0, 1)
        }
    }
    if (flag == 1 && on == 1) {
        ispike = ispike + 1
        net_event(t)
        next_invl()
        if (on == 1) {
            net_send(event, 1)
        }
    }
}

: the stream restarts at draw x (INITIAL: at 0)
PROCEDURE seed(x) {
    random_setseq(ranvar, x)
}

: NEURON's legacy Random123 calls, C code in NEURON; hocx gives them NEURON's
: meaning on ranvar: noiseFromRandom123(id1, id2[, id3]) sets the ids (id3
: default 0) and restarts the stream; noiseFromRandom(r) copies the ids and
: the position of Random r, which must use Random123.
PROCEDURE noiseFromRandom123() {
VERBATIM
    /* hocx: ranvar ids from the arguments, sequence 0 */
ENDVERBATIM
}

PROCEDURE noiseFromRandom() {
VERBATIM
    /* hocx: ranvar ids and sequence from the Random123 argument */
ENDVERBATIM
}
