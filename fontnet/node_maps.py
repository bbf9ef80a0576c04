"""Each hidden node's own map: what one node computes over a slice of the RGB cube.

The decision map (training.decision_slice) shows the network's P(dark text) over a slice with one channel held
fixed; a hidden node's map shows its activation A over the same grid, so a learner sees the pieces the output
adds up: each ReLU node is 0 on one side of its own line (where its weighted sum Z crosses 0) and grows on the
other. The Tune page draws one per node beside the decision map, and the Train page beside its live map.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import data
from .network import Network
from .training import CHANNELS, MAP_SIZE, slice_axes


@dataclass(frozen=True)
class HiddenSlice:
    """Every node of one hidden layer over a slice `fixed` = value: Z and A per node, rows following y."""

    fixed: str
    value: int
    x_channel: str
    y_channel: str
    axis: np.ndarray  # 0-255 grid values along x and y
    Z: np.ndarray  # (nodes, len(axis), len(axis)): each node's weighted sum
    A: np.ndarray  # (nodes, len(axis), len(axis)): each node's activation


def slice_grid(fixed: str, value: int, size: int = MAP_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """The colours of a size x size grid over the slice `fixed` = value (row by row, y then x), and its axis."""
    c, xi, yi = slice_axes(fixed)
    axis = np.linspace(0, 255, size)
    gx, gy = np.meshgrid(axis, axis)
    rgb = np.empty((size * size, 3))
    rgb[:, c], rgb[:, xi], rgb[:, yi] = int(np.clip(value, 0, 255)), gx.ravel(), gy.ravel()
    return rgb, axis


def hidden_slice(net: Network, fixed: str = "B", value: int = 128, size: int = MAP_SIZE, layer: int = 1,
                 nodes: int | None = None) -> HiddenSlice:
    """Hidden layer `layer`'s nodes (the first `nodes` of them, or all) over the slice, from one forward pass."""
    if not 1 <= layer < len(net.weights_):
        raise ValueError(f"the network has {len(net.weights_) - 1} hidden layers, not a layer {layer}")
    rgb, axis = slice_grid(fixed, value, size)
    fwd = net.forward(data.scale(rgb).T)
    Z, A = fwd.Z[layer - 1][:nodes], fwd.A[layer - 1][:nodes]
    _, xi, yi = slice_axes(fixed)
    return HiddenSlice(fixed, int(np.clip(value, 0, 255)), CHANNELS[xi], CHANNELS[yi], axis,
                       Z.reshape(-1, size, size), A.reshape(-1, size, size))
