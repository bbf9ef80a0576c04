"""Full-batch L-BFGS, compiled with Numba: fast mode's optimizer.

A network as small as the chapter's has a handful of parameters (16 for 3-3-1), so the best use of a
gradient is a quasi-Newton step: L-BFGS keeps the last few (step, change of gradient) pairs and turns
them into an estimate of the inverse Hessian times the gradient (Nocedal & Wright, Algorithm 7.4), and a
backtracking line search (the Armijo condition) picks how far to go. Each evaluation is the same forward
and backward pass as `Network.gradients`, over every training row at once, one layer at a time, so the
inner loops run along the rows and the compiler can vectorise them (the logistic output's exponential
included: `exp_neg`); the tests hold it equal to the readable chain rule.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from ._kernel import EXPLODED, KERNEL_CODES, LOSS_CODES, _act, _dact

__all__ = ["KERNEL_CODES", "LOSS_CODES", "batch_gradients", "lbfgs_steps"]

FAR = 500.0          # |Z| beyond this counts as this far: e^-|Z| < 1e-217, smaller only slows (subnormals)
SERIES = 2.0 ** -20  # below this, e - e^2/2 is log(1 + e) to within 3e-13 of itself
BLOCK = 1000         # rows whose factors 1 + e (each <= 2) are multiplied before a log: 2^1000 < the largest float
ARMIJO = 1e-4        # sufficient decrease: C(x + t d) <= C(x) + ARMIJO * t * (g . d)
BACKTRACKS = 40      # halvings of the step before the line search gives up (the run has converged)
RELU = KERNEL_CODES["relu"]

_FAST = {"reassoc", "contract"}  # sums along the rows may be reordered (vectorised); no other shortcut
_LN2_HI, _LN2_LO = 6.93147180369123816490e-01, 1.90821492927058770002e-10  # ln 2 = HI + LO; k * HI is exact
_TAYLOR = tuple(1.0 / math.factorial(i) for i in range(14))


@numba.njit(cache=True, fastmath=_FAST)
def exp_neg(x):
    """x <- exp(-x) in place, for 0 <= x <= FAR: within one unit in the last place of math.exp, and vectorised.

    math.exp is a call per number, which the compiler cannot vectorise, and it was half of a batch's gradient. Here
    -x = k ln 2 + u with |u| <= ln(2)/2, so exp(-x) = 2^k exp(u): exp(u) by its Taylor series to u^13 (the rest
    is below 1e-17), 2^k written straight into a float's exponent bits.
    """
    bits = np.empty(x.size, dtype=np.int64)
    for r in range(x.size):
        t = -x[r]
        k = math.floor(t * 1.4426950408889634 + 0.5)   # t / ln 2, rounded
        u = t - k * _LN2_HI - k * _LN2_LO
        p = _TAYLOR[13]
        for i in range(12, -1, -1):
            p = p * u + _TAYLOR[i]
        x[r] = p
        bits[r] = (np.int64(k) + 1023) << 52             # the float 2^k
    scale = bits.view(np.float64)
    for r in range(x.size):
        x[r] *= scale[r]


@numba.njit(cache=True, fastmath=_FAST)
def batch_gradients(Ws, Bs, XT, YT, act, loss, Zs, As, Ds, gW, gB):
    """The mean loss C over all n columns of XT (n_in, n) against YT (n_out, n), and dC/dW, dC/dB into gW, gB.

    Zs, As, Ds hold each layer's Z, A and dC/dZ, (n_out_l, n). One logistic output or softmax outputs.
    """
    L = len(Ws)
    n = XT.shape[1]
    for l in range(L):                                   # forward: Z = W @ A_prev + B, A = f(Z)
        W, B, Z = Ws[l], Bs[l], Zs[l]
        A_prev = XT if l == 0 else As[l - 1]
        for i in range(W.shape[0]):
            b = B[i, 0]
            for r in range(n):
                Z[i, r] = b
            for m in range(W.shape[1]):
                w = W[i, m]
                for r in range(n):
                    Z[i, r] += w * A_prev[m, r]
            if l < L - 1:
                A = As[l]
                if act == RELU:                          # the same, with the choice made once, not per row
                    for r in range(n):
                        A[i, r] = Z[i, r] if Z[i, r] > 0 else 0.0
                else:
                    for r in range(n):
                        A[i, r] = _act(act, Z[i, r])
    Zo, Ao, D = Zs[L - 1], As[L - 1], Ds[L - 1]
    k = Zo.shape[0]
    total = 0.0
    if k == 1:                                           # logistic output and dC/dZ_out
        E = np.empty(n)
        for r in range(n):
            E[r] = min(abs(Zo[0, r]), FAR)
        exp_neg(E)                                       # E = e^-|Z|: one exp gives both A and the loss
        for start in range(0, n, BLOCK):
            product = 1.0                                # log(1 + e) summed as the log of a product
            for r in range(start, min(start + BLOCK, n)):
                z, y, e = Zo[0, r], YT[0, r], E[r]
                a = (1.0 if z >= 0 else e) / (1.0 + e)
                Ao[0, r] = a
                if loss == 0:                            # squared error: 2(A - Y) * A(1 - A)
                    total += (a - y) * (a - y)
                    D[0, r] = 2.0 * (a - y) * a * (1.0 - a)
                else:                                    # cross-entropy from Z: softplus(z) - y z; A - Y
                    small = e < SERIES                   # log(1 + e) = e(1 - e/2) where 1 + e would round to 1
                    total += max(z, 0.0) - y * z + (e * (1.0 - 0.5 * e) if small else 0.0)
                    product *= 1.0 if small else 1.0 + e
                    D[0, r] = a - y
            total += math.log(product)
    else:                                                # softmax outputs
        for r in range(n):
            zmax = Zo[0, r]
            for i in range(1, k):
                zmax = max(zmax, Zo[i, r])
            tot = 0.0
            for i in range(k):
                Ao[i, r] = math.exp(Zo[i, r] - zmax)
                tot += Ao[i, r]
            for i in range(k):
                Ao[i, r] /= tot
            if loss == 0:
                dot = 0.0
                for i in range(k):
                    diff = Ao[i, r] - YT[i, r]
                    total += diff * diff
                    dot += Ao[i, r] * 2.0 * diff
                for i in range(k):
                    D[i, r] = Ao[i, r] * (2.0 * (Ao[i, r] - YT[i, r]) - dot)
            else:
                lse = zmax + math.log(tot)
                for i in range(k):
                    total += YT[i, r] * (lse - Zo[i, r])
                    D[i, r] = Ao[i, r] - YT[i, r]
    for l in range(L - 1, -1, -1):                       # backward: dC/dW = D @ A_prev.T / n, dC/dB = mean D
        W, D = Ws[l], Ds[l]
        A_prev = XT if l == 0 else As[l - 1]
        for i in range(W.shape[0]):
            s = 0.0
            for r in range(n):
                s += D[i, r]
            gB[l][i, 0] = s / n
            for m in range(W.shape[1]):
                s = 0.0
                for r in range(n):
                    s += D[i, r] * A_prev[m, r]
                gW[l][i, m] = s / n
        if l > 0:                                        # D_prev = (W.T @ D) * f'(Z_prev)
            P, Zp = Ds[l - 1], Zs[l - 1]
            for m in range(W.shape[1]):
                for r in range(n):
                    P[m, r] = 0.0
                for i in range(W.shape[0]):
                    w = W[i, m]
                    for r in range(n):
                        P[m, r] += w * D[i, r]
                if act == RELU:
                    for r in range(n):
                        P[m, r] = P[m, r] if Zp[m, r] > 0 else 0.0
                else:
                    for r in range(n):
                        P[m, r] *= _dact(act, Zp[m, r])
    return total / n


@numba.njit(cache=True)
def _flatten(Ws, Bs, out):
    i = 0
    for l in range(len(Ws)):
        for P in (Ws[l], Bs[l]):
            for a in range(P.shape[0]):
                for b in range(P.shape[1]):
                    out[i] = P[a, b]
                    i += 1


@numba.njit(cache=True)
def _unflatten(x, Ws, Bs):
    i = 0
    for l in range(len(Ws)):
        for P in (Ws[l], Bs[l]):
            for a in range(P.shape[0]):
                for b in range(P.shape[1]):
                    P[a, b] = x[i]
                    i += 1


@numba.njit(cache=True)
def _evaluate(x, Ws, Bs, XT, YT, act, loss, Zs, As, Ds, gW, gB, g):
    """C at parameters x (written into Ws, Bs), its gradient into g."""
    _unflatten(x, Ws, Bs)
    C = batch_gradients(Ws, Bs, XT, YT, act, loss, Zs, As, Ds, gW, gB)
    _flatten(gW, gB, g)
    return C


@numba.njit(cache=True)
def _dot(a, b):
    total = 0.0
    for j in range(a.size):
        total += a[j] * b[j]
    return total


@numba.njit(cache=True)
def _direction(g, S, Yg, rho, count, alpha, d):
    """d = -H g by the two-loop recursion over the stored pairs, newest first; H0 = (s.y / y.y) I."""
    m = S.shape[0]
    stored = min(count, m)
    for j in range(g.size):
        d[j] = -g[j]
    for back in range(stored):
        i = (count - 1 - back) % m
        alpha[i] = rho[i] * _dot(S[i], d)
        for j in range(d.size):
            d[j] -= alpha[i] * Yg[i, j]
    if stored > 0:
        i = (count - 1) % m
        gamma = (1.0 / rho[i]) / _dot(Yg[i], Yg[i])
        for j in range(d.size):
            d[j] *= gamma
    for back in range(stored - 1, -1, -1):
        i = (count - 1 - back) % m
        beta = rho[i] * _dot(Yg[i], d)
        for j in range(d.size):
            d[j] += (alpha[i] - beta) * S[i, j]


@numba.njit(cache=True, nogil=True)  # releases the interpreter lock, as the compiled loop does
def lbfgs_steps(Ws, Bs, XT, YT, lr, act, loss, S, Yg, rho, count, losses):
    """Run len(losses) L-BFGS iterations in place on the full batch XT (n_in, n), YT (n_out, n).

    S, Yg (memory, n_params), rho (MEMORY,) and count (1,) are the memory, kept between calls so that a run
    continues where it stopped. The first trial step of every line search is `lr` (1 is the natural step of
    a quasi-Newton method; the very first iteration, with no memory yet, moves `lr` along -g / |g|).
    Writes each iteration's loss (after its step) to `losses`; returns the iterations completed, fewer when
    the loss or a parameter stops being finite. Once no step lowers the loss, the run has converged and
    the remaining iterations keep the parameters.
    """
    L = len(Ws)
    n = XT.shape[1]
    Zs = [np.empty((Ws[l].shape[0], n)) for l in range(L)]
    As = [np.empty((Ws[l].shape[0], n)) for l in range(L)]
    Ds = [np.empty((Ws[l].shape[0], n)) for l in range(L)]
    gW = [np.empty_like(Ws[l]) for l in range(L)]
    gB = [np.empty_like(Bs[l]) for l in range(L)]
    size = 0
    for l in range(L):
        size += Ws[l].size + Bs[l].size
    x, g, x_new, g_new, d = np.empty(size), np.empty(size), np.empty(size), np.empty(size), np.empty(size)
    alpha = np.empty(S.shape[0])
    _flatten(Ws, Bs, x)
    C = _evaluate(x, Ws, Bs, XT, YT, act, loss, Zs, As, Ds, gW, gB, g)
    steps = losses.size
    if not math.isfinite(C):
        return 0
    converged = False
    for s in range(steps):
        if converged:
            losses[s] = C
            continue
        _direction(g, S, Yg, rho, count[0], alpha, d)
        slope = _dot(g, d)
        if not slope < 0.0:                              # not downhill (a poor memory): steepest descent
            count[0] = 0
            for j in range(size):
                d[j] = -g[j]
            slope = _dot(g, d)
        t = lr
        if count[0] == 0:
            t = lr / max(math.sqrt(-slope), 1e-300)     # |g| = sqrt(-g.d) when d = -g
        accepted = False
        for _ in range(BACKTRACKS):
            for j in range(size):
                x_new[j] = x[j] + t * d[j]
            C_new = _evaluate(x_new, Ws, Bs, XT, YT, act, loss, Zs, As, Ds, gW, gB, g_new)
            if C_new <= C + ARMIJO * t * slope:
                accepted = True
                break
            t *= 0.5
        if not accepted:                                 # no step lowers the loss: keep x
            _unflatten(x, Ws, Bs)
            converged = True
            losses[s] = C
            continue
        if not math.isfinite(C_new):
            return s
        sy, yy = 0.0, 0.0
        i = count[0] % S.shape[0]
        for j in range(size):
            S[i, j] = x_new[j] - x[j]
            Yg[i, j] = g_new[j] - g[j]
            sy += S[i, j] * Yg[i, j]
            yy += Yg[i, j] * Yg[i, j]
        if yy > 0.0 and sy > 1e-10 * yy:                 # curvature positive: keep the pair
            rho[i] = 1.0 / sy
            count[0] += 1
        x[:] = x_new
        g[:] = g_new
        C = C_new
        losses[s] = C
        for j in range(size):
            if not abs(x[j]) < EXPLODED:
                return s
    return steps
