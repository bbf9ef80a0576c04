"""A network's weights and biases as one vector, and their names: W1[1,1] ... B2[1], as the chapter counts.

One home for the order every checkpoint, chart, cost surface and "same start" uses: layer by layer, each
layer's W row by row, then its B.
"""

from __future__ import annotations

import numpy as np

from .network import Network


def weight_names(net: Network) -> list[str]:
    """Names of every weight and bias in the order of `flat_weights`: W1[1,1] ... B2[1], as in the chapter."""
    names = []
    for l, (W, B) in enumerate(zip(net.weights_, net.biases_), start=1):
        names += [f"W{l}[{i + 1},{j + 1}]" for i in range(W.shape[0]) for j in range(W.shape[1])]
        names += [f"B{l}[{i + 1}]" for i in range(B.shape[0])]
    return names


def flat_weights(net: Network) -> np.ndarray:
    """Every weight and bias as one vector, in the order of `weight_names`."""
    return np.concatenate([np.concatenate([W.ravel(), B.ravel()]) for W, B in zip(net.weights_, net.biases_)])


def set_flat_weights(net: Network, values: np.ndarray) -> None:
    """Write `values` (as `flat_weights` gives them) into the network's weights and biases, in place.
    ValueError when the number of values is not the network's."""
    values = np.asarray(values, dtype=float).ravel()
    size = sum(W.size + B.size for W, B in zip(net.weights_, net.biases_))
    if len(values) != size:
        raise ValueError(f"{len(values)} values for a network of {size} weights and biases")
    k = 0
    for W, B in zip(net.weights_, net.biases_):
        for P in (W, B):
            P[...] = values[k:k + P.size].reshape(P.shape)
            k += P.size
