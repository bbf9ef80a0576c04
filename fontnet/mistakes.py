"""The digits a network gets wrong: the test images in one cell of the confusion matrix, and which pixels pushed
each prediction.

A cell (true digit t, predicted digit p) holds every test image labelled t that the network reads as p: for each,
the probability of p, the second choice and its probability, and an attribution: each pixel's value times the
slope of p's score (the logit Z_out[p], before softmax) with respect to that pixel, "input x gradient".

For a ReLU network the score is linear wherever the same nodes are on, so the pixels' shares add up exactly to the
score minus the score a blank image gets from the network with those same nodes on (`gated_logit`). Where a
blank image turns on the same nodes (a network without biases, for one), that is the blank image's own score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS
from .network import Network


@dataclass(frozen=True)
class Case:
    """One test image of a cell, as the page lists it."""

    index: int                  # into the test set
    image: np.ndarray           # (8, 8), 0-16
    true: int
    predicted: int
    p_predicted: float
    second: int
    p_second: float
    attribution: np.ndarray     # (8, 8): input x gradient of the predicted digit's logit


def logit_gradient(model: Network, X: np.ndarray, classes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row of X (n, n_in) the logit of its class in `classes` (n,) and that logit's gradient with respect
    to the inputs (n, n_in): the chain rule backwards from Z_out[c], dZ_out[c]/dA = W_out[c], then through each
    hidden layer, dZ/dA_prev = W and dA/dZ = f'(Z)."""
    fwd = model.forward(np.asarray(X, dtype=float).T)
    classes = np.asarray(classes, dtype=int)
    n = len(classes)
    logits = fwd.Z[-1][classes, np.arange(n)]
    f_prime = ACTIVATIONS[model.activation].derivative
    delta = model.weights_[-1][classes]                                    # (n, h_L): dZ_out[c]/dA_L
    for l in range(len(model.weights_) - 2, -1, -1):
        delta = (delta * f_prime(fwd.Z[l]).T) @ model.weights_[l]          # (n, h_l) -> (n, n_in of layer l)
    return logits, delta


def attributions(model: Network, X: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Input x gradient: each input times the slope of its class's logit (n, n_in)."""
    _, grad = logit_gradient(model, X, classes)
    return np.asarray(X, dtype=float) * grad


def gated_logit(model: Network, x: np.ndarray, c: int, at: np.ndarray) -> float:
    """The logit of class c for input `at`, with every hidden node's slope f'(Z) fixed at its value for input x.
    For ReLU this is the linear piece the network is on at x, so x . gradient = logit(x) - gated_logit(at=0)."""
    gates = [ACTIVATIONS[model.activation].derivative(Z) for Z in model.forward(np.asarray(x, float)[:, None]).Z[:-1]]
    a = np.asarray(at, dtype=float)[:, None]
    for W, B, g in zip(model.weights_[:-1], model.biases_[:-1], gates):
        a = g * (W @ a + B)
    return float((model.weights_[-1] @ a + model.biases_[-1])[c, 0])


def cell(model: Network, X_test: np.ndarray, y_test: np.ndarray, true: int, predicted: int) -> list[Case]:
    """Every test image labelled `true` that `model` reads as `predicted`, in test-set order."""
    proba = model.predict_proba(X_test)
    pred = model.classes_[proba.argmax(axis=1)]
    idx = np.flatnonzero((np.asarray(y_test) == true) & (pred == predicted))
    if not len(idx):
        return []
    p = proba[idx]
    order = np.argsort(-p, axis=1, kind="stable")
    col = np.searchsorted(model.classes_, predicted)
    attr = attributions(model, X_test[idx], np.full(len(idx), col))
    return [Case(int(i), X_test[i].reshape(8, 8) * 16, int(true), int(predicted), float(p[k, col]),
                 int(model.classes_[order[k, 1]]), float(p[k, order[k, 1]]), attr[k].reshape(8, 8))
            for k, i in enumerate(idx)]
