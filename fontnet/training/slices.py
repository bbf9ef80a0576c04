"""What a network has learned over a slice of the RGB cube: P(dark text) with one channel held fixed, beside the
formula's boundary, and the data colours near the slice."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import colors, data
from ..network import Network
from ..parsing import shorten

CHANNELS = ("R", "G", "B")
MAP_SIZE = 52   # the decision map's grid: MAP_SIZE x MAP_SIZE colours of a slice


@dataclass(frozen=True)
class DecisionSlice:
    """P(dark text) over a slice of the RGB cube with one channel held fixed, plus the formula's boundary."""

    fixed: str
    value: int
    x_channel: str
    y_channel: str
    axis: np.ndarray               # 0-255 grid values along x and y
    p_dark: np.ndarray             # (len(axis), len(axis)): rows follow y, columns follow x
    boundary_x: np.ndarray         # the formula's line 0.299R + 0.587G + 0.114B = 127.5 in this slice
    boundary_y: np.ndarray


def slice_axes(fixed: str) -> tuple[int, int, int]:
    """(fixed, x, y) channel indices for a slice holding `fixed` ('R', 'G' or 'B') constant."""
    if fixed not in CHANNELS:
        raise ValueError(f"fixed channel must be one of {', '.join(CHANNELS)}, got {shorten(fixed)!r}")
    c = CHANNELS.index(fixed)
    x, y = (i for i in range(3) if i != c)
    return c, x, y


def decision_slice(net: Network, fixed: str = "B", value: int = 128, size: int = MAP_SIZE) -> DecisionSlice:
    """The network's P(dark) on a size x size grid of the slice `fixed` = value, and the formula's true boundary."""
    c, xi, yi = slice_axes(fixed)
    value = int(np.clip(value, 0, 255))
    axis = np.linspace(0, 255, size)
    gx, gy = np.meshgrid(axis, axis)
    rgb = np.empty((size * size, 3))
    rgb[:, c], rgb[:, xi], rgb[:, yi] = value, gx.ravel(), gy.ravel()
    p = net.predict_proba(data.scale(rgb))[:, 1].reshape(size, size)
    w = colors.FORMULA_WEIGHTS
    bx = np.linspace(0, 255, 256)
    by = (127.5 - w[c] * value - w[xi] * bx) / w[yi]
    inside = (by >= 0) & (by <= 255)
    return DecisionSlice(fixed, value, CHANNELS[xi], CHANNELS[yi], axis, p, bx[inside], by[inside])


def colours_near_slice(rgb: np.ndarray, labels: np.ndarray, fixed: str, value: int,
                       tolerance: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """The colours (and labels) within `tolerance` of the slice, to draw on the decision map."""
    c, _, _ = slice_axes(fixed)
    near = np.abs(np.asarray(rgb)[:, c] - value) <= tolerance
    return np.asarray(rgb)[near], np.asarray(labels)[near]
