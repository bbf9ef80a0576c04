"""The training loop for wide layers: whole batches at once, as NumPy matrix products.

The compiled loop (`_kernel.py`) works one number at a time, which suits the chapter's 3-3-1 network; a
64-32-16-10 network on full batches spends its time in matrix products, which NumPy does best. This is the
same arithmetic as `Network.gradients` with one sample per row instead of per column (X is (n, n_in)), so
no transposed copy of the data is made per step, followed by the same update (plain gradient descent or
Adam) as the compiled loop. The tests hold one step here equal to one step of the readable chain rule.
"""

from __future__ import annotations

import math

import numpy as np

from .activations import ACTIVATIONS, logistic, softmax

EXPLODED = 1e8  # as in the compiled loop: a weight beyond this is treated as divergence
WIDE = 16       # a network with more inputs or hidden nodes than this in a layer trains here...
MIN_BATCH = 16  # ...on batches at least this large (one sample at a time, NumPy's overhead per call dominates)


def fits(n_inputs: int, hidden_layer_sizes, batch: int) -> bool:
    """Whether a run is wide and batched enough that matrix products beat the number-at-a-time loop."""
    return max(n_inputs, *hidden_layer_sizes) > WIDE and batch >= MIN_BATCH


def train_steps(Ws, Bs, X: np.ndarray, Y: np.ndarray, rows: np.ndarray, lr: float, activation: str, loss: str,
                optimizer: str, moments, t: int, losses: np.ndarray) -> int:
    """`_train_steps` with the BLAS library held to one thread.

    These products are small (about 1,200 x 64 by 64 x 32): splitting them across threads costs more than it
    saves, and on a busy machine a multithreaded BLAS made each step some 30 times slower than one thread.
    """
    from threadpoolctl import threadpool_limits  # scikit-learn's dependency; loaded only to train wide layers

    with threadpool_limits(limits=1, user_api="blas"):
        return _train_steps(Ws, Bs, X, Y, rows, lr, activation, loss, optimizer, moments, t, losses)


def _train_steps(Ws, Bs, X, Y, rows, lr, activation, loss, optimizer, moments, t, losses) -> int:
    """Run len(rows) updates in place; row s of `rows` holds step s's sample indices (all n: the full batch).

    Ws[l]: (n_out, n_in), Bs[l]: (n_out, 1), X: (n, n_in), Y: (n, n_outputs); `moments` holds Adam's first
    and second moments as [mW..., mB..., vW..., vB...]. Writes each step's mean loss to `losses` and returns
    the number of steps completed, stopping early when the loss or a parameter stops being finite.
    """
    f, f_prime = ACTIVATIONS[activation].fn, ACTIVATIONS[activation].derivative
    L = len(Ws)
    params = [*Ws, *Bs]
    m, v = moments[:2 * L], moments[2 * L:]
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    full = rows.shape[1] == len(X) and np.array_equal(rows[0], np.arange(len(X)))
    for s in range(len(rows)):
        Xb, Yb = (X, Y) if full else (X[rows[s]], Y[rows[s]])
        n = len(Xb)
        # forward, one sample per row: Z = A_prev @ W.T + B.T, A = f(Z)
        Zs, As = [], [Xb]
        for W, B in zip(Ws[:-1], Bs[:-1]):
            Z = As[-1] @ W.T + B.T
            Zs.append(Z)
            As.append(f(Z))
        Z_out = As[-1] @ Ws[-1].T + Bs[-1].T
        k = Z_out.shape[1]
        A_out = logistic(Z_out) if k == 1 else softmax(Z_out, axis=1)
        # the loss and dC/dZ_out, as in Network.gradients
        if loss == "squared":
            C = np.sum((A_out - Yb) ** 2) / n
            dC_dA = 2 * (A_out - Yb)
            if k == 1:
                delta = dC_dA * A_out * (1 - A_out)
            else:
                delta = A_out * (dC_dA - np.sum(A_out * dC_dA, axis=1, keepdims=True))
        else:
            if k == 1:
                C = np.sum(Yb * np.logaddexp(0, -Z_out) + (1 - Yb) * np.logaddexp(0, Z_out)) / n
            else:
                zmax = Z_out.max(axis=1, keepdims=True)
                lse = np.log(np.sum(np.exp(Z_out - zmax), axis=1, keepdims=True)) + zmax
                C = np.sum(Yb * (lse - Z_out)) / n
            delta = A_out - Yb
        losses[s] = C
        if not math.isfinite(C):
            return s
        # backward: dC/dW = delta.T @ A_prev / n, dC/dB = mean of delta, delta_prev = (delta @ W) * f'(Z_prev)
        grads = [None] * (2 * L)
        for l in range(L - 1, -1, -1):
            grads[l] = delta.T @ As[l] / n
            grads[L + l] = delta.sum(axis=0)[:, None] / n
            if l > 0:
                delta = (delta @ Ws[l]) * f_prime(Zs[l - 1])
        # update: plain gradient descent (the chapter) or Adam
        t += 1
        ok = True
        for i, (P, G) in enumerate(zip(params, grads)):
            if optimizer == "sgd":
                P -= lr * G
            else:
                m[i] *= beta1
                m[i] += (1 - beta1) * G
                v[i] *= beta2
                v[i] += (1 - beta2) * G * G
                P -= lr * (m[i] / (1 - beta1**t)) / (np.sqrt(v[i] / (1 - beta2**t)) + eps)
            ok = ok and bool(np.abs(P).max() < EXPLODED)
        if not ok:
            return s
    return len(rows)
