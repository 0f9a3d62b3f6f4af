"""SUNDIALS CVODES 2.0.1's BDF method (the version NEURON 9 vendors), ported decision by decision.

Everything here is a pure JAX function of a *memory* dict (CVODES's ``CVodeMem`` fields that
the BDF/Newton path uses: the Nordsieck array ``zn`` (qmax+1, N), ``tau``, ``tq``, ``l``,
``h``, ``hprime``, ``eta``, ``q``, ``qwait``, ... and the counters), so one CVODE step
(:func:`one_step`, ``CVode(..., CV_ONE_STEP_TSTOP)``) is one traced function; its retry loops
are ``lax.while_loop``.  Names follow cvodes.c: :func:`hin` is ``CVHin``, :func:`_step` is
``CVStep`` (predict ``CVPredict``, ``CVSetBDF``/``CVSetTqBDF``, Newton ``CVNlsNewton`` /
``CVNewtonIteration``, ``CVHandleNFlag``, ``CVDoErrorTest``, ``CVCompleteStep``,
``CVPrepareNextStep``/``CVSetEta``/``CVComputeEtaqm1``/``CVComputeEtaqp1``/``CVChooseEta``),
``CVAdjustParams``/``CVIncreaseBDF``/``CVDecreaseBDF``/``CVRescale``/``CVRestore``, and
:func:`dky` is ``CVodeGetDky``.

The system is given as ``f(t, y) -> (ydot, aux)`` and ``lsolve(b, aux, gamma) -> x`` (NEURON's
``msolve``; ``aux`` is what the latest f left for it).  ``msetup`` does nothing but count, as
in NEURON, but its bookkeeping (crate, gammap, nstlp) is kept.
"""
from __future__ import annotations

import jax.numpy as jnp
from jax import lax

UROUND = 2.220446049250313e-16
FUZZ_FACTOR = 100.0
HLB_FACTOR = 100.0
HUB_FACTOR = 0.1
H_BIAS = 0.5
MAX_ITERS = 4
THRESH = 1.5
ETAMX1, ETAMX2, ETAMX3 = 10000.0, 10.0, 10.0
ETAMXF, ETAMIN, ETACF = 0.2, 0.1, 0.25
ADDON = 0.000001
BIAS1, BIAS2, BIAS3 = 6.0, 6.0, 10.0
ONEPSM = 1.000001
SMALL_NST = 10
MXNCF, MXNEF, MXNEF1, SMALL_NEF, LONG_WAIT = 10, 7, 3, 2, 10
NLS_MAXCOR = 3
CRDOWN, DGMAX, RDIV, MSBP = 0.3, 0.3, 2.0, 20
NLSCOEF = 0.1
QMAX = 5

# nflag / kflag values
FIRST_CALL, PREV_CONV_FAIL, PREV_ERR_FAIL = 0, -1, -2
SOLVED, CONV_FAIL, TRY_AGAIN = 0, -1, 99
SUCCESS_STEP, REP_ERR_FAIL, REP_CONV_FAIL = 0, -1, -2

I = jnp.int64
F = jnp.float64


def wrms(x, w):
    """N_VWrmsNorm: sqrt(Σ (x_i w_i)² / N).  Every norm only steers the step-size, order and
    convergence decisions, so it carries no derivative (hocx.train.cvode differentiates the
    accepted steps with the control held fixed; the identity in a plain run)."""
    p = lax.stop_gradient(x) * lax.stop_gradient(w)
    return jnp.sqrt(jnp.sum(p * p) / x.shape[0])


def ewt_set(y, rtol, atol):
    """CVEwtSetSV: 1 / (rtol·|y| + atol)."""
    return 1.0 / (rtol * jnp.abs(y) + atol)


def new_memory(N: int, qmax: int, hmin: float, hmax_inv: float):
    """CVodeCreate + CVodeMalloc's fields (then :func:`reinit` sets the start)."""
    z = jnp.zeros((QMAX + 1, N))
    return {
        "zn": z, "tau": jnp.zeros(QMAX + 3), "tq": jnp.zeros(6), "l": jnp.zeros(QMAX + 3),
        "ewt": jnp.ones(N), "acor": jnp.zeros(N),
        "tn": F(0.0), "h": F(0.0), "hscale": F(0.0), "hprime": F(0.0), "hu": F(0.0),
        "eta": F(1.0), "etamax": F(ETAMX1), "rl1": F(1.0), "gamma": F(0.0), "gammap": F(0.0),
        "gamrat": F(1.0), "crate": F(1.0), "acnrm": F(0.0), "saved_tq5": F(0.0),
        "q": I(1), "qprime": I(1), "L": I(2), "qwait": I(2), "qmax": I(qmax),
        "nst": I(0), "nstlp": I(0), "nscon": I(0), "jcur": jnp.bool_(False),
        "nfe": I(0), "nni": I(0), "nsetups": I(0), "netf": I(0), "ncfn": I(0),
        "hmin": F(hmin), "hmax_inv": F(hmax_inv), "tstop": F(1e300), "failed": I(0),
    }


def reinit(mem, t0, y0):
    """CVodeReInit: start again at (t0, y0), order 1, counters zero."""
    zn = jnp.zeros_like(mem["zn"]).at[0].set(y0)
    return {**mem, "zn": zn, "tn": F(t0), "q": I(1), "L": I(2), "qwait": I(2),
            "etamax": F(ETAMX1), "hu": F(0.0), "nst": I(0), "nfe": I(0), "ncfn": I(0),
            "netf": I(0), "nni": I(0), "nsetups": I(0), "nstlp": I(0), "nscon": I(0),
            "h": F(0.0), "gamma": F(0.0), "failed": I(0), "qprime": I(1)}


# ---------------------------------------------------------------------------------------
# Nordsieck array operations


def _shift(zn, q, sign):
    """CVPredict's Pascal shift (sign +1) or CVRestore's inverse (sign -1): for k = 1..q,
    for j = q..k: zn[j-1] += sign·zn[j]."""
    def outer(k, zn):
        def inner(i, zn):
            j = q - i
            return zn.at[j - 1].set(zn[j - 1] + sign * zn[j])
        return lax.fori_loop(0, q - k + 1, inner, zn)
    return lax.fori_loop(1, q + 1, outer, zn)


def _predict(zn, q):
    return _shift(zn, q, 1.0)


def _restore(zn, q):
    return _shift(zn, q, -1.0)


def _powers(eta, n):
    """eta, eta², ... as CVRescale forms them (factor *= eta)."""
    def body(j, c):
        fac, out = c
        return fac * eta, out.at[j].set(fac)
    _, out = lax.fori_loop(1, n + 1, body, (eta, jnp.ones(n + 1)))
    return out


ROWS = jnp.arange(QMAX + 1)
LIDX = jnp.arange(QMAX + 3)


def _rescale(mem):
    """CVRescale: zn[j] *= eta^j, h = hscale·eta."""
    eta, q, zn = mem["eta"], mem["q"], mem["zn"]
    fac = _powers(eta, QMAX)
    on = (ROWS >= 1) & (ROWS <= q)
    zn = jnp.where(on[:, None], fac[:, None] * zn, zn)
    h = mem["hscale"] * eta
    return {**mem, "zn": zn, "h": h, "hscale": h, "nscon": I(0)}


def _lstep_mul(l, lo, hi, x):
    """l[i] = l[i]·x + l[i-1] for lo ≤ i ≤ hi (descending, so l[i-1] is the old value)."""
    sh = jnp.concatenate([jnp.zeros(1), l[:-1]])
    on = (LIDX >= lo) & (LIDX <= hi)
    return jnp.where(on, l * x + sh, l)


def _lstep_add(l, lo, hi, x):
    """l[i] += l[i-1]·x for lo ≤ i ≤ hi (descending)."""
    sh = jnp.concatenate([jnp.zeros(1), l[:-1]])
    on = (LIDX >= lo) & (LIDX <= hi)
    return jnp.where(on, l + sh * x, l)


def _increase_bdf(mem):
    q, tau, hscale, zn = mem["q"], mem["tau"], mem["hscale"], mem["zn"]
    l = jnp.zeros(QMAX + 3).at[2].set(1.0)

    def body(j, c):
        l, hsum, prod, alpha0, alpha1, xiold = c
        hsum = hsum + tau[j + 1]
        xi = hsum / hscale
        prod = prod * xi
        alpha0 = alpha0 - 1.0 / (j + 1).astype(F)
        alpha1 = alpha1 + 1.0 / xi
        l = _lstep_mul(l, 2, j + 2, xiold)
        return l, hsum, prod, alpha0, alpha1, xi
    l, hsum, prod, alpha0, alpha1, _ = lax.fori_loop(
        1, q, body, (l, hscale, F(1.0), F(-1.0), F(1.0), F(1.0)))
    A1 = (-alpha0 - alpha1) / prod
    L = q + 1
    newcol = A1 * zn[mem["qmax"]]
    zn = zn.at[L].set(newcol)
    on = (ROWS >= 2) & (ROWS <= q)
    zn = jnp.where(on[:, None], l[:QMAX + 1, None] * newcol[None, :] + zn, zn)
    return {**mem, "zn": zn}


def _decrease_bdf(mem):
    q, tau, hscale, zn = mem["q"], mem["tau"], mem["hscale"], mem["zn"]
    l = jnp.zeros(QMAX + 3).at[2].set(1.0)

    def body(j, c):
        l, hsum = c
        hsum = hsum + tau[j]
        xi = hsum / hscale
        return _lstep_mul(l, 2, j + 2, xi), hsum
    l, _ = lax.fori_loop(1, q - 1, body, (l, F(0.0)))
    zq = zn[q]
    on = (ROWS >= 2) & (ROWS < q)
    zn = jnp.where(on[:, None], -l[:QMAX + 1, None] * zq[None, :] + zn, zn)
    return {**mem, "zn": zn}


def _adjust_order(mem, deltaq):
    """CVAdjustOrder (BDF): nothing when q == 2 and deltaq != 1."""
    q = mem["q"]
    skip = (q == 2) & (deltaq != 1)
    idx = jnp.where(skip, 0, jnp.where(deltaq == 1, 1, jnp.where(deltaq == -1, 2, 0)))
    zn = lax.switch(idx, [lambda m: m["zn"], lambda m: _increase_bdf(m)["zn"],
                          lambda m: _decrease_bdf(m)["zn"]], mem)
    return {**mem, "zn": zn}


def _adjust_params(mem):
    """CVAdjustParams: order change (qprime), then rescale by eta."""
    change = mem["qprime"] != mem["q"]
    adj = _adjust_order(mem, mem["qprime"] - mem["q"])
    q = mem["qprime"]
    mem2 = {**adj, "q": q, "L": q + 1, "qwait": q + 1}
    mem = _select(change, mem2, mem)
    return _rescale(mem)


def _select(c, a, b):
    return {k: jnp.where(c, a[k], b[k]) for k in a}


# ---------------------------------------------------------------------------------------
# coefficients


def _set_bdf(mem):
    """CVSetBDF + CVSetTqBDF; then CVSet's rl1, gamma, gamrat."""
    q, h, tau, qwait = mem["q"], mem["h"], mem["tau"], mem["qwait"]
    l = jnp.zeros(QMAX + 3).at[0].set(1.0).at[1].set(1.0)
    qf = q.astype(F)

    def body(j, c):
        l, hsum, xi_inv, alpha0 = c
        hsum = hsum + tau[j - 1]
        xi_inv = h / hsum
        alpha0 = alpha0 - 1.0 / j.astype(F)
        return _lstep_add(l, 1, j, xi_inv), hsum, xi_inv, alpha0
    l, hsum, xi_inv, alpha0 = lax.fori_loop(2, jnp.maximum(q, 2), body, (l, h, F(1.0), F(-1.0)))
    xistar_inv = F(1.0)
    alpha0_hat = F(-1.0)
    # j = q (only when q > 1)
    big = q > 1
    alpha0_q = alpha0 - 1.0 / qf
    xistar_inv_q = -l[1] - alpha0_q
    hsum_q = hsum + tau[jnp.maximum(q - 1, 0)]
    xi_inv_q = h / hsum_q
    alpha0_hat_q = -l[1] - xi_inv_q
    lq = _lstep_add(l, 1, q, xistar_inv_q)
    l = jnp.where(big, lq, l)
    alpha0 = jnp.where(big, alpha0_q, alpha0)
    xistar_inv = jnp.where(big, xistar_inv_q, xistar_inv)
    hsum = jnp.where(big, hsum_q, hsum)
    xi_inv = jnp.where(big, xi_inv_q, xi_inv)
    alpha0_hat = jnp.where(big, alpha0_hat_q, alpha0_hat)
    # CVSetTqBDF
    tq = mem["tq"]
    A1 = 1.0 - alpha0_hat + alpha0
    A2 = 1.0 + qf * A1
    tq = tq.at[2].set(jnp.abs(alpha0 * (A2 / A1)))
    lq_ = l[q]
    tq = tq.at[5].set(jnp.abs(A2 / (lq_ * xi_inv / xistar_inv)))
    C = xistar_inv / lq_
    A3 = alpha0 + 1.0 / qf
    A4 = alpha0_hat + xi_inv
    Cp = A3 / (1.0 - A4 + A3)
    tq1 = jnp.abs(Cp / C)
    hsum2 = hsum + tau[q]
    xi_inv2 = h / hsum2
    A5 = alpha0 - (1.0 / (qf + 1.0))
    A6 = alpha0_hat - xi_inv2
    Cpp = A2 / (1.0 - A6 + A5)
    tq3 = jnp.abs(Cpp * xi_inv2 * (qf + 2.0) * A5)
    w1 = qwait == 1
    tq = tq.at[1].set(jnp.where(w1, tq1, tq[1])).at[3].set(jnp.where(w1, tq3, tq[3]))
    tq = tq.at[4].set(NLSCOEF * tq[2])
    rl1 = 1.0 / l[1]
    gamma = h * rl1
    nst0 = mem["nst"] == 0
    gammap = jnp.where(nst0, gamma, mem["gammap"])
    gamrat = jnp.where(nst0, 1.0, gamma / gammap)
    return {**mem, "l": l, "tq": tq, "rl1": rl1, "gamma": gamma, "gammap": gammap, "gamrat": gamrat}


# ---------------------------------------------------------------------------------------
# Newton


def _nls_newton(mem, nflag, f, lsolve):
    """CVNlsNewton with CVNewtonIteration as one loop (one f call per pass: at the prediction
    when a solve starts, at the new iterate otherwise); returns (mem, flag, y) with flag
    SOLVED or CONV_FAIL."""
    callSetup = ((nflag == PREV_CONV_FAIL) | (nflag == PREV_ERR_FAIL) | (mem["nst"] == 0)
                 | (mem["nst"] >= mem["nstlp"] + MSBP) | (jnp.abs(mem["gamrat"] - 1.0) > DGMAX))
    zn0 = mem["zn"][0]
    N = zn0.shape[0]

    def cond(s):
        return s["ret"] == -100

    def body(s):
        mem = s["mem"]
        start = s["start"]
        ftemp, aux = f(mem["tn"], jnp.where(start, zn0, s["y"]))
        mem = {**mem, "nfe": mem["nfe"] + 1}
        cs = start & s["callSetup"]
        mem = {**mem,
               "nsetups": mem["nsetups"] + cs.astype(I),
               "gamrat": jnp.where(cs, 1.0, mem["gamrat"]),
               "gammap": jnp.where(cs, mem["gamma"], mem["gammap"]),
               "crate": jnp.where(cs, 1.0, mem["crate"]),
               "nstlp": jnp.where(cs, mem["nst"], mem["nstlp"]),
               "jcur": jnp.where(cs, True, mem["jcur"])}
        acor = jnp.where(start, jnp.zeros(N), s["acor"])
        m = jnp.where(start, I(0), s["m"])
        delp = s["delp"]
        tempv = mem["rl1"] * mem["zn"][1] + acor
        tempv = mem["gamma"] * ftemp - tempv
        b = lsolve(tempv, aux, mem["gamma"])
        mem = {**mem, "nni": mem["nni"] + 1}
        dl = wrms(b, mem["ewt"])
        acor = acor + b
        y = zn0 + acor
        crate = jnp.where(m > 0, jnp.maximum(CRDOWN * mem["crate"], dl / delp), mem["crate"])
        mem = {**mem, "crate": crate}
        dcon = dl * jnp.minimum(1.0, crate) / mem["tq"][4]
        conv = dcon <= 1.0
        acnrm = jnp.where(m == 0, dl, wrms(acor, mem["ewt"]))
        m1 = m + 1
        fail = (m1 == NLS_MAXCOR) | ((m1 >= 2) & (dl > RDIV * delp))
        ret = jnp.where(conv, SOLVED, jnp.where(fail, jnp.where(mem["jcur"], CONV_FAIL, TRY_AGAIN), -100))
        mem = {**mem, "acnrm": jnp.where(conv, acnrm, mem["acnrm"]),
               "jcur": jnp.where(conv, False, mem["jcur"])}
        again = ret == TRY_AGAIN
        return {"mem": mem, "acor": acor, "y": y, "m": m1, "delp": dl,
                "start": again, "callSetup": s["callSetup"] | again,
                "ret": jnp.where(again, I(-100), ret)}

    s = lax.while_loop(cond, body, {"mem": mem, "acor": jnp.zeros(N), "y": zn0, "m": I(0),
                                    "delp": F(0.0), "start": jnp.bool_(True), "callSetup": callSetup,
                                    "ret": I(-100)})
    return {**s["mem"], "acor": s["acor"]}, s["ret"], s["y"]


# ---------------------------------------------------------------------------------------
# one step


def _step(mem, f, lsolve):
    """CVStep: predict, correct, test; retry with smaller h / lower order until it passes."""
    saved_t = mem["tn"]
    adj = (mem["nst"] > 0) & (mem["hprime"] != mem["h"])
    mem = _select(adj, _adjust_params(mem), mem)

    def cond(c):
        return c["go"]

    def body(c):
        mem, nflag = c["mem"], c["nflag"]
        mem = {**mem, "tn": mem["tn"] + mem["h"], "zn": _predict(mem["zn"], mem["q"])}
        mem = _set_bdf(mem)
        mem, flag, y = _nls_newton(mem, nflag, f, lsolve)
        # CVHandleNFlag
        solved = flag == SOLVED
        ncf = c["ncf"] + (~solved).astype(I)
        memf = {**mem, "ncfn": mem["ncfn"] + 1, "tn": saved_t, "zn": _restore(mem["zn"], mem["q"]),
                "etamax": F(1.0)}
        fatal_c = (jnp.abs(memf["h"]) <= memf["hmin"] * ONEPSM) | (ncf == MXNCF)
        memf = {**memf, "eta": jnp.maximum(ETACF, memf["hmin"] / jnp.abs(memf["h"]))}
        memf = _rescale(memf)
        # CVDoErrorTest
        dsm = mem["acnrm"] / mem["tq"][2]
        passed = dsm <= 1.0
        nef = c["nef"] + (solved & ~passed).astype(I)
        meme = {**mem, "netf": mem["netf"] + 1, "tn": saved_t, "zn": _restore(mem["zn"], mem["q"])}
        fatal_e = (jnp.abs(meme["h"]) <= meme["hmin"] * ONEPSM) | (nef == MXNEF)
        meme = {**meme, "etamax": F(1.0)}
        hmin_r = meme["hmin"] / jnp.abs(meme["h"])
        # (a) nef <= MXNEF1
        eta_a = 1.0 / (jnp.power(BIAS2 * dsm, 1.0 / meme["L"].astype(F)) + ADDON)
        eta_a = jnp.maximum(ETAMIN, jnp.maximum(eta_a, hmin_r))
        eta_a = jnp.where(nef >= SMALL_NEF, jnp.minimum(eta_a, ETAMXF), eta_a)
        mem_a = _rescale({**meme, "eta": eta_a})
        # (b) q > 1: lower the order
        mem_b = {**meme, "eta": jnp.maximum(ETAMIN, hmin_r)}
        mem_b = _adjust_order(mem_b, I(-1))
        qb = mem_b["q"]
        mem_b = _rescale({**mem_b, "L": qb, "q": qb - 1, "qwait": qb})
        # (c) q == 1: restart from y'
        eta_c = jnp.maximum(ETAMIN, hmin_r)
        hc = meme["h"] * eta_c

        def restart():
            ft, _ = f(meme["tn"], meme["zn"][0])
            return ft
        do_c = solved & ~passed & ~fatal_e & (nef > MXNEF1) & (meme["q"] == 1)
        ft = lax.cond(do_c, restart, lambda: jnp.zeros_like(meme["zn"][0]))
        mem_c = {**meme, "eta": eta_c, "h": hc, "hscale": hc, "qwait": I(LONG_WAIT), "nscon": I(0),
                 "zn": meme["zn"].at[1].set(hc * ft), "nfe": meme["nfe"] + 1}
        mem_e = _select(nef <= MXNEF1, mem_a, _select(meme["q"] > 1, mem_b, mem_c))
        # outcome
        fatal = (~solved & fatal_c) | (solved & ~passed & fatal_e)
        out = _select(solved, _select(passed, mem, mem_e), memf)
        out = {**out, "failed": jnp.where(fatal, jnp.where(solved, I(REP_ERR_FAIL), I(REP_CONV_FAIL)),
                                          out["failed"])}
        go = ~(solved & passed) & ~fatal
        nflag = jnp.where(solved, I(PREV_ERR_FAIL), I(PREV_CONV_FAIL))
        return {"mem": out, "nflag": nflag, "ncf": ncf, "nef": nef, "go": go, "dsm": dsm}

    c = lax.while_loop(cond, body, {"mem": mem, "nflag": I(FIRST_CALL), "ncf": I(0), "nef": I(0),
                                    "go": jnp.bool_(True), "dsm": F(0.0)})
    mem, dsm = c["mem"], c["dsm"]
    ok = mem["failed"] == 0
    done = _complete_and_prepare(mem, dsm)
    return _select(ok, done, mem)


def _complete_and_prepare(mem, dsm):
    """CVCompleteStep, CVPrepareNextStep, etamax, acor /= tq[2]."""
    q, h = mem["q"], mem["h"]
    nst = mem["nst"] + 1
    tau = mem["tau"]
    TI = jnp.arange(tau.shape[0])
    tau = jnp.where((TI >= 2) & (TI <= q), jnp.concatenate([jnp.zeros(1), tau[:-1]]), tau)
    tau = tau.at[2].set(jnp.where((q == 1) & (nst > 1), tau[1], tau[2]))
    tau = tau.at[1].set(h)
    zn, acor, l = mem["zn"], mem["acor"], mem["l"]
    zn = jnp.where((ROWS <= q)[:, None], l[:QMAX + 1, None] * acor[None, :] + zn, zn)
    qwait = mem["qwait"] - 1
    qmax = mem["qmax"]
    save = (qwait == 1) & (q != qmax)
    zn = zn.at[qmax].set(jnp.where(save, acor, zn[qmax]))
    saved_tq5 = jnp.where(save, mem["tq"][5], mem["saved_tq5"])
    mem = {**mem, "nst": nst, "nscon": mem["nscon"] + 1, "hu": h, "tau": tau, "zn": zn,
           "qwait": qwait, "saved_tq5": saved_tq5}
    # CVPrepareNextStep
    defer = mem["etamax"] == 1.0
    Lf = mem["L"].astype(F)
    etaq = 1.0 / (jnp.power(BIAS2 * dsm, 1.0 / Lf) + ADDON)
    consider = mem["qwait"] == 0
    # etaqm1
    qf = q.astype(F)
    ddn = wrms(zn[q], mem["ewt"]) / mem["tq"][1]
    etaqm1 = jnp.where(q > 1, 1.0 / (jnp.power(BIAS1 * ddn, 1.0 / qf) + ADDON), 0.0)
    # etaqp1
    base = h / tau[2]
    pw = lax.fori_loop(0, mem["L"], lambda i, x: x * base, F(1.0))
    cquot = (mem["tq"][5] / mem["saved_tq5"]) * pw
    tempv = -cquot * zn[qmax] + acor
    dup = wrms(tempv, mem["ewt"]) / mem["tq"][3]
    etaqp1 = jnp.where(q != qmax, 1.0 / (jnp.power(BIAS3 * dup, 1.0 / (Lf + 1.0)) + ADDON), 0.0)
    # CVChooseEta
    etam = jnp.maximum(etaqm1, jnp.maximum(etaq, etaqp1))
    low = etam < THRESH
    c_eta = jnp.where(low, 1.0, jnp.where(etam == etaq, etaq, jnp.where(etam == etaqm1, etaqm1, etaqp1)))
    c_qp = jnp.where(low, q, jnp.where(etam == etaq, q, jnp.where(etam == etaqm1, q - 1, q + 1)))
    up = ~low & (etam != etaq) & (etam != etaqm1)
    zn_c = zn.at[qmax].set(jnp.where(up, acor, zn[qmax]))
    eta = jnp.where(consider, c_eta, etaq)
    qprime = jnp.where(consider, c_qp, q)
    zn2 = jnp.where(consider, zn_c, zn)
    qwait2 = jnp.where(consider, I(2), mem["qwait"])
    # CVSetEta
    small = eta < THRESH
    eta_s = jnp.minimum(eta, mem["etamax"])
    eta_s = eta_s / jnp.maximum(1.0, jnp.abs(h) * mem["hmax_inv"] * eta_s)
    eta_f = jnp.where(small, 1.0, eta_s)
    hprime = jnp.where(small, h, h * eta_s)
    nscon = jnp.where(~small & (qprime < q), I(0), mem["nscon"])
    # deferred (etamax == 1)
    eta_f = jnp.where(defer, 1.0, eta_f)
    hprime = jnp.where(defer, h, hprime)
    qprime = jnp.where(defer, q, qprime)
    qwait_f = jnp.where(defer, jnp.maximum(mem["qwait"], 2), qwait2)
    zn_f = jnp.where(defer, zn, zn2)
    nscon = jnp.where(defer, mem["nscon"], nscon)
    etamax = jnp.where(nst <= SMALL_NST, ETAMX2, ETAMX3)
    return {**mem, "eta": eta_f, "hprime": hprime, "qprime": qprime, "qwait": qwait_f, "zn": zn_f,
            "nscon": nscon, "etamax": F(etamax), "acor": acor * (1.0 / mem["tq"][2])}


# ---------------------------------------------------------------------------------------
# initial step, CVode's one-step driver, interpolation


def _upper_bound_h0(mem, tdist, atol):
    temp1 = HUB_FACTOR * jnp.abs(mem["zn"][0]) + atol
    temp1 = jnp.abs(mem["zn"][1]) / temp1
    hub_inv = jnp.max(temp1)
    hub = HUB_FACTOR * tdist
    return jnp.where(hub * hub_inv > 1.0, 1.0 / hub_inv, hub)


def hin(mem, tout, atol, f):
    """CVHin: the initial step (zn[1] must hold y'(t0) unscaled)."""
    tn = mem["tn"]
    tdiff = tout - tn
    sign = jnp.where(tdiff > 0, 1.0, -1.0)
    tdist = jnp.abs(tdiff)
    tround = UROUND * jnp.maximum(jnp.abs(tn), jnp.abs(tout))
    hlb = HLB_FACTOR * tround
    hub = _upper_bound_h0(mem, tdist, atol)
    hg = jnp.sqrt(hlb * hub)
    crossed = hub < hlb

    def ydd(hgs):
        y = hgs * mem["zn"][1] + mem["zn"][0]
        ft, _ = f(tn + hgs, y)
        tempv = ft - mem["zn"][1]
        tempv = (1.0 / hgs) * tempv
        return wrms(tempv, mem["ewt"])

    def cond(c):
        return ~c["done"]

    def body(c):
        hg = c["hg"]
        yddnrm = ydd(hg * sign)
        hnew = jnp.where(yddnrm * hub * hub > 2.0, jnp.sqrt(2.0 / yddnrm), jnp.sqrt(hg * hub))
        count = c["count"] + 1
        hrat = hnew / hg
        stop1 = count >= MAX_ITERS
        stop2 = (hrat > 0.5) & (hrat < 2.0)
        stop3 = (count >= 2) & (hrat > 2.0)
        hnew = jnp.where(~stop1 & ~stop2 & stop3, hg, hnew)
        done = stop1 | stop2 | stop3
        return {"hg": jnp.where(done, hg, hnew), "hnew": hnew, "count": count, "done": done}

    c = lax.while_loop(cond, body, {"hg": hg, "hnew": hg, "count": I(0), "done": crossed})
    h0 = H_BIAS * c["hnew"]
    h0 = jnp.where(h0 < hlb, hlb, h0)
    h0 = jnp.where(h0 > hub, hub, h0)
    h0 = jnp.where(crossed, hg, h0) * sign
    return lax.stop_gradient(h0), c["count"]     # a control decision: no derivative


def one_step(mem, f, lsolve, rtol, atol):
    """CVode(mem, tstop, y, &t, CV_ONE_STEP_TSTOP): returns (mem, tret, y, tstop_reached)."""
    tstop = mem["tstop"]

    def first(mem):
        mem = {**mem, "ewt": ewt_set(mem["zn"][0], rtol, atol)}
        y1, _ = f(mem["tn"], mem["zn"][0])
        mem = {**mem, "zn": mem["zn"].at[1].set(y1), "nfe": mem["nfe"] + 1}
        h, nf = hin(mem, tstop, atol, f)
        mem = {**mem, "nfe": mem["nfe"] + nf}
        rh = jnp.abs(h) * mem["hmax_inv"]
        h = jnp.where(rh > 1.0, h / rh, h)
        h = jnp.where(jnp.abs(h) < mem["hmin"], h * mem["hmin"] / jnp.abs(h), h)
        h = jnp.where((mem["tn"] + h - tstop) * h > 0.0, tstop - mem["tn"], h)
        return {**mem, "h": h, "hscale": h, "hprime": h, "zn": mem["zn"].at[1].set(h * mem["zn"][1])}

    def later(mem):
        over = (mem["tn"] + mem["hprime"] - tstop) * mem["h"] > 0.0
        hp = jnp.where(over, tstop - mem["tn"], mem["hprime"])
        return {**mem, "hprime": hp, "eta": jnp.where(over, hp / mem["h"], mem["eta"])}

    mem = lax.cond(mem["nst"] == 0, first, later, mem)
    mem = {**mem, "ewt": jnp.where(mem["nst"] > 0, ewt_set(mem["zn"][0], rtol, atol), mem["ewt"])}
    mem = _step(mem, f, lsolve)
    troundoff = FUZZ_FACTOR * UROUND * (jnp.abs(mem["tn"]) + jnp.abs(mem["h"]))
    at_stop = jnp.abs(mem["tn"] - tstop) <= troundoff
    y_stop = dky(mem, tstop)
    y = jnp.where(at_stop, y_stop, mem["zn"][0])
    tret = jnp.where(at_stop, tstop, mem["tn"])
    over = (mem["tn"] + mem["hprime"] - tstop) * mem["h"] > 0.0
    hp = jnp.where(over & ~at_stop, tstop - mem["tn"], mem["hprime"])
    mem = {**mem, "hprime": hp, "eta": jnp.where(over & ~at_stop, hp / mem["h"], mem["eta"]),
           "tn": tret}
    return mem, tret, y, at_stop


def dky(mem, t):
    """CVodeGetDky(t, k = 0) at the current order."""
    zn, q = mem["zn"], mem["q"]
    s = (t - mem["tn"]) / mem["h"]
    return lax.fori_loop(1, q + 1, lambda i, out: zn[q - i] + s * out, zn[q])
