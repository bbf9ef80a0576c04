"""The chapter's printed update against each node's own gradient, 100,000 iterations each, from the same start.

The listing prints `dC_dW1 = dC_dA1 @ dA1_dZ1 @ dZ1_dW1.T`: for one sample that is one number times X^T, so every
hidden node gets the same update (fontnet/backprop.py explains it for one step). Here both loops train on the
same random rows, and `cached_comparison` keeps the measurement beside the default model's file, since it takes
seconds and never changes for the same code and data.
"""

from __future__ import annotations

import hashlib
import json
import math
import statistics
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import _plain, data
from .backprop import network_from, training_rows
from .network import Network


def _printed_train_steps(W1, B1, W2, B2, X, Y, rows, lr: float) -> None:
    """The chapter's loop with its printed update, in plain Python lists (in place): dC_dA1 @ dA1_dZ1 is one
    number s per sample, and every hidden node's row moves by the same L · s · Xᵀ."""
    hidden = range(3)
    for r in rows:
        x0, x1, x2 = X[r]
        Z1 = [((b + w[0] * x0) + w[1] * x1) + w[2] * x2 for w, b in zip(W1, B1)]
        A1 = [z if z > 0 else 0.0 for z in Z1]
        Z2 = B2 + W2[0] * A1[0] + W2[1] * A1[1] + W2[2] * A1[2]
        A2 = 1.0 / (1.0 + math.exp(-Z2)) if Z2 >= 0 else math.exp(Z2) / (1.0 + math.exp(Z2))
        dZ2 = 2.0 * (A2 - Y[r]) * A2 * (1.0 - A2)                      # dC_dA2 @ dA2_dZ2
        s = sum(W2[i] * dZ2 for i in hidden if Z1[i] > 0)              # dC_dA1 @ dA1_dZ1: (1,3) @ (3,1)
        for i in hidden:
            w = W1[i]
            w[0] -= lr * s * x0
            w[1] -= lr * s * x1
            w[2] -= lr * s * x2
            B1[i] -= lr * s
            W2[i] -= lr * dZ2 * A1[i]
        B2 -= lr * dZ2
    return B2


def train_both_ways(seed: int, iterations: int = 100_000, lr: float = 0.05) -> tuple[Network, Network, Network]:
    """(start, printed, per-node): the chapter's start drawn from `seed` (np.random.rand in the listing's
    order), then `iterations` updates on the same random rows with the listing's update and with each node's own
    gradient (the network's own training loop)."""
    X_train, y_train = training_rows()
    rs = np.random.RandomState(seed)
    W1, W2, B1, B2 = rs.rand(3, 3), rs.rand(1, 3), rs.rand(3, 1), rs.rand(1, 1)
    rows = rs.randint(0, len(X_train), iterations)
    start = network_from(W1, B1, W2, B2)

    per_node = network_from(W1, B1, W2, B2)
    losses = np.empty(iterations)
    done = _plain.train_steps(per_node.weights_, per_node.biases_, np.asarray(X_train), y_train[:, None].astype(float),
                              rows[:, None], lr, losses)
    per_node.n_iter_ = done

    pW1, pB1, pW2 = W1.tolist(), B1[:, 0].tolist(), W2[0].tolist()
    pB2 = _printed_train_steps(pW1, pB1, pW2, float(B2[0, 0]), X_train.tolist(), y_train.astype(float).tolist(),
                               rows.tolist(), lr)
    printed = network_from(pW1, pB1, pW2, pB2)
    printed.n_iter_ = iterations
    return start, printed, per_node


def row_spread(W1: np.ndarray) -> float:
    """How different the hidden nodes' weight rows are: the mean distance between two rows of W1."""
    W1 = np.asarray(W1)
    return float(np.mean([np.linalg.norm(W1[i] - W1[j]) for i in range(3) for j in range(i + 1, 3)]))


COMPARISON_SEEDS = (0, 1, 2, 3, 4)
COMPARISON_ITERATIONS = 100_000


@lru_cache(maxsize=4)
def compare_printed(seeds: tuple[int, ...] = COMPARISON_SEEDS, iterations: int = COMPARISON_ITERATIONS) -> dict:
    """Per seed: test accuracy, agreement with the formula and W1's row spread, printed update vs per-node.

    Measured, not assumed: whatever the numbers are, they are what the two loops give.
    """
    from .model import formula_agreement  # scikit-learn loads only when this is measured

    X_train, X_test, y_train, y_test = data.split(data.chapter_dataset())
    rows = []
    for seed in seeds:
        start, printed, per_node = train_both_ways(seed, iterations)
        row = {"seed": seed, "spread_start": row_spread(start.weights_[0])}
        for name, net in (("printed", printed), ("per_node", per_node)):
            row[f"{name}_accuracy"] = net.score(X_test, y_test)
            row[f"{name}_agreement"] = formula_agreement(net.predict)
            row[f"{name}_spread"] = row_spread(net.weights_[0])
        rows.append(row)
    med = {k: statistics.median(r[k] for r in rows) for k in rows[0] if k != "seed"}
    return {"seeds": list(seeds), "iterations": iterations, "per_seed": rows, "median": med,
            "test_rows": len(y_test)}


def _comparison_file(seeds, iterations) -> Path:
    from .model import default_model_cache  # the same cache folder as the default model

    h = hashlib.sha256(Path(__file__).read_bytes() + (Path(__file__).parent / "_plain.py").read_bytes()
                        + data.chapter_csv() + f"{list(seeds)},{iterations}".encode()).hexdigest()[:16]
    return default_model_cache().parent / f"printed-comparison-{h}.json"


def cached_comparison(seeds: tuple[int, ...] = COMPARISON_SEEDS, iterations: int = COMPARISON_ITERATIONS) -> dict:
    """`compare_printed`, measured once per machine: kept as JSON beside the default model's file."""
    try:
        path = _comparison_file(seeds, iterations)
        return json.loads(path.read_text())
    except (OSError, ValueError, RecursionError):   # missing, unreadable or not JSON: measured again
        pass
    res = compare_printed(tuple(seeds), iterations)
    from .model import write_atomically

    try:
        write_atomically(path, json.dumps(res))
    except (OSError, NameError):  # NameError: no file name (no fingerprint)
        pass
    return res
