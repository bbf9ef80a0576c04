"""The training loop compiled with Numba: the chapter's forward and backward pass, one number at a time.

`network.forward` / `network.gradients` are the readable NumPy versions of the same arithmetic; the
tests check that one step here equals one step of those, so this file only has to be fast.
"""

from __future__ import annotations

import math

import numba
import numpy as np

# Hidden activations by kernel code; `fontnet.activations` is the table these transcribe.
KERNEL_CODES = {"linear": 0, "logistic": 1, "tanh": 2, "relu": 3, "leaky_relu": 4}
LOSS_CODES = {"squared": 0, "cross_entropy": 1}
OPTIMIZER_CODES = {"sgd": 0, "adam": 1}
EXPLODED = 1e8  # a weight beyond this is treated as divergence


@numba.njit(cache=True, inline="always")
def _sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@numba.njit(cache=True, inline="always")
def activate(code, z):
    """A hidden activation of Table 7-1 by its KERNEL_CODES number, at z (fontnet._lbfgs uses it too)."""
    if code == 0:
        return z
    if code == 1:
        return _sigmoid(z)
    if code == 2:
        return math.tanh(z)
    if code == 3:
        return z if z > 0 else 0.0
    return z if z > 0 else 0.01 * z


@numba.njit(cache=True, inline="always")
def activation_slope(code, z):
    """The slope of activation `code` at z."""
    if code == 0:
        return 1.0
    if code == 1:
        s = _sigmoid(z)
        return s * (1.0 - s)
    if code == 2:
        t = math.tanh(z)
        return 1.0 - t * t
    if code == 3:
        return 1.0 if z > 0 else 0.0
    return 1.0 if z > 0 else 0.01


@numba.njit(cache=True, inline="always")
def _softplus(z):  # log(1 + e^z) without overflow
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


@numba.njit(cache=True, nogil=True)  # releases the interpreter lock: several visitors train at once
def train_steps(Ws, Bs, X, Y, rows, lr, act, loss, optimizer, mW, mB, vW, vB, t, losses):
    """Run len(rows) updates in place; row s of `rows` holds step s's batch of sample indices.

    Ws[l]: (n_out, n_in), Bs[l]: (n_out, 1), X: (n, n_in), Y: (n, n_outputs) targets.
    One output node uses the logistic function, several use softmax.
    Writes each step's mean loss to `losses` and returns the number of steps completed;
    it stops early (returning fewer) when the loss or a parameter stops being finite.
    """
    L = len(Ws)
    k = Ws[L - 1].shape[0]
    Zs = [np.zeros(Ws[l].shape[0]) for l in range(L)]
    As = [np.zeros(Ws[l].shape[0]) for l in range(L)]
    deltas = [np.zeros(Ws[l].shape[0]) for l in range(L)]
    gW = [np.zeros_like(Ws[l]) for l in range(L)]
    gB = [np.zeros_like(Bs[l]) for l in range(L)]
    steps, batch = rows.shape
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for s in range(steps):
        for l in range(L):
            gW[l][:, :] = 0.0
            gB[l][:, :] = 0.0
        total = 0.0
        for j in range(batch):
            r = rows[s, j]
            x = X[r]
            # forward: Z = W @ A_prev + B, A = f(Z)
            for l in range(L):
                W, B, Z, A = Ws[l], Bs[l], Zs[l], As[l]
                for i in range(W.shape[0]):
                    acc = B[i, 0]
                    for m in range(W.shape[1]):
                        acc += W[i, m] * (x[m] if l == 0 else As[l - 1][m])
                    Z[i] = acc
                    if l < L - 1:
                        A[i] = activate(act, acc)
            Zo, Ao, d = Zs[L - 1], As[L - 1], deltas[L - 1]
            if k == 1:
                Ao[0] = _sigmoid(Zo[0])
            else:
                zmax = Zo.max()
                tot = 0.0
                for i in range(k):
                    Ao[i] = math.exp(Zo[i] - zmax)
                    tot += Ao[i]
                for i in range(k):
                    Ao[i] /= tot
            # output delta dC/dZ_out = dC/dA_out * dA_out/dZ_out
            if loss == 0:  # squared error (A - Y)^2
                if k == 1:
                    diff = Ao[0] - Y[r, 0]
                    total += diff * diff
                    d[0] = 2.0 * diff * Ao[0] * (1.0 - Ao[0])
                else:
                    dot = 0.0
                    for i in range(k):
                        diff = Ao[i] - Y[r, i]
                        total += diff * diff
                        dot += Ao[i] * 2.0 * diff
                    for i in range(k):
                        d[i] = Ao[i] * (2.0 * (Ao[i] - Y[r, i]) - dot)
            else:  # cross-entropy: the output's derivative cancels to A - Y
                if k == 1:
                    total += Y[r, 0] * _softplus(-Zo[0]) + (1.0 - Y[r, 0]) * _softplus(Zo[0])
                    d[0] = Ao[0] - Y[r, 0]
                else:
                    zmax = Zo.max()
                    lse = 0.0
                    for i in range(k):
                        lse += math.exp(Zo[i] - zmax)
                    lse = zmax + math.log(lse)
                    for i in range(k):
                        total += Y[r, i] * (lse - Zo[i])
                        d[i] = Ao[i] - Y[r, i]
            # backward: dC/dW = delta @ A_prev.T, dC/dB = delta, delta_prev = (W.T @ delta) * f'(Z_prev)
            for l in range(L - 1, -1, -1):
                W, d = Ws[l], deltas[l]
                for i in range(W.shape[0]):
                    gB[l][i, 0] += d[i]
                    for m in range(W.shape[1]):
                        gW[l][i, m] += d[i] * (x[m] if l == 0 else As[l - 1][m])
                if l > 0:
                    prev = deltas[l - 1]
                    for m in range(W.shape[1]):
                        acc = 0.0
                        for i in range(W.shape[0]):
                            acc += W[i, m] * d[i]
                        prev[m] = acc * activation_slope(act, Zs[l - 1][m])
        losses[s] = total / batch
        if not math.isfinite(losses[s]):
            return s
        # update: plain gradient descent (the chapter) or Adam
        t += 1
        ok = True
        for l in range(L):
            for P, G, M, V in ((Ws[l], gW[l], mW[l], vW[l]), (Bs[l], gB[l], mB[l], vB[l])):
                for i in range(P.shape[0]):
                    for m in range(P.shape[1]):
                        g = G[i, m] / batch
                        if optimizer == 0:
                            P[i, m] -= lr * g
                        else:
                            M[i, m] = beta1 * M[i, m] + (1 - beta1) * g
                            V[i, m] = beta2 * V[i, m] + (1 - beta2) * g * g
                            mhat = M[i, m] / (1 - beta1**t)
                            vhat = V[i, m] / (1 - beta2**t)
                            P[i, m] -= lr * mhat / (math.sqrt(vhat) + eps)
                        if not abs(P[i, m]) < EXPLODED:
                            ok = False
        if not ok:
            return s
    return steps
