"""The chapter's own training run in plain Python: one ReLU hidden layer, one logistic output, squared error,
one random row per update.

It is the same arithmetic as `_kernel.train_steps`, in the same order, so it gives bit-identical numbers
(a test holds both to that). It exists because loading the compiled loop costs about a second on a fresh
server, and compiling it on a fresh install several more, while this runs the chapter's 100,000 updates in
under a second without either: the default model that every first visitor waits for is trained here.
"""

from __future__ import annotations

import math

import numpy as np

EXPLODED = 1e8  # as in the compiled loop: a weight beyond this is treated as divergence


def fits(activation: str, n_inputs: int, n_layers: int, n_outputs: int, loss: str, optimizer: str, batch: int) -> bool:
    """Whether a run is the chapter's kind, which this loop handles."""
    return (activation == "relu" and n_inputs == 3 and n_layers == 2 and n_outputs == 1 and loss == "squared"
            and optimizer == "sgd" and batch == 1)


def train_steps(Ws, Bs, X: np.ndarray, Y: np.ndarray, rows: np.ndarray, lr: float, losses: np.ndarray) -> int:
    """Run len(rows) updates on Ws = [W1 (h, n_in), W2 (1, h)], Bs = [B1 (h, 1), B2 (1, 1)] in place.

    Writes each update's loss (A2 - Y)^2 to `losses`; returns the number of updates completed, stopping
    early, as the compiled loop does, when the loss or a parameter stops being finite.
    """
    W1 = Ws[0].tolist()
    B1 = Bs[0][:, 0].tolist()
    W2 = Ws[1][0].tolist()
    B2 = float(Bs[1][0, 0])
    X, Y, hidden = X.tolist(), Y[:, 0].tolist(), range(len(W1))
    done, step_losses = len(rows), []
    if not all(abs(v) < EXPLODED for v in (B2, *W2, *B1, *(v for w in W1 for v in w))):
        return 0  # as the compiled loop, which checks every parameter after each update
    for s, r in enumerate(rows[:, 0].tolist()):
        x0, x1, x2 = X[r]
        # forward: Z1 = W1 @ x + B1, A1 = relu(Z1), Z2 = W2 @ A1 + B2, A2 = logistic(Z2)
        Z1 = [((b + w[0] * x0) + w[1] * x1) + w[2] * x2 for w, b in zip(W1, B1)]
        A1 = [z if z > 0 else 0.0 for z in Z1]
        Z2 = B2
        for i in hidden:
            Z2 += W2[i] * A1[i]
        if Z2 >= 0:
            A2 = 1.0 / (1.0 + math.exp(-Z2))
        else:
            e = math.exp(Z2)
            A2 = e / (1.0 + e)
        diff = A2 - Y[r]
        loss = diff * diff
        step_losses.append(loss)
        if not math.isfinite(loss):
            done = s
            break
        # backward: dC/dZ2 = dC/dA2 * dA2/dZ2; dC/dZ1 = W2.T @ dC/dZ2 * relu'(Z1), zero where Z1 <= 0
        dZ2 = 2.0 * diff * A2 * (1.0 - A2)
        biggest = 0.0
        for i in hidden:
            if Z1[i] > 0:
                dZ1 = W2[i] * dZ2
                w = W1[i]
                w[0] -= lr * (dZ1 * x0)
                w[1] -= lr * (dZ1 * x1)
                w[2] -= lr * (dZ1 * x2)
                B1[i] -= lr * dZ1
                biggest = max(biggest, abs(w[0]), abs(w[1]), abs(w[2]), abs(B1[i]))
            W2[i] -= lr * (dZ2 * A1[i])
        B2 -= lr * dZ2
        # only what this update changed can have grown; from finite values and a finite loss an update can
        # overflow to inf (which max finds) but not reach nan
        if not max(biggest, abs(B2), *map(abs, W2)) < EXPLODED:
            done = s
            break
    Ws[0][:] = W1
    Bs[0][:, 0] = B1
    Ws[1][0] = W2
    Bs[1][0, 0] = B2
    losses[:len(step_losses)] = step_losses
    return done
