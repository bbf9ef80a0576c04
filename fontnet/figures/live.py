"""Live charts, described for the browser: a chart's spec (axes, series, colours: sent when it is first drawn)
and its points (only those that are new since the last update).

Pure functions, no Streamlit: app/live_chart.py sends what these return to a chart that stays mounted in the
browser (app/live_chart.js). Everything here is numbers, colours and the app's own labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from ..training import slice_axes
from .training import (
    ACCURACY,
    AGREEMENT,
    DOT_EDGES,
    FORMULA_LINE,
    MAP_SCALE,
    NETWORK_LINE,
    PALETTE,
    TEST,
    TRAIN,
    contour_segments,
    layer_of,
)

LOSS_HEIGHT = 320
MAP_HEIGHT = 440
MAP_POINTS = 400


def finite(values) -> list:
    """Floats with NaN and infinities as None (a gap in the line), rounded to what a chart can show."""
    a = np.asarray(values, dtype=float)
    return [float(f"{v:.6g}") if np.isfinite(v) else None for v in a]


def lines_spec(x_label: str, x_max: float, axes: dict, series: Sequence[dict], height: int, x_min: float = 0,
               readout: dict | None = None, x_step: float | None = None, alt: str = "") -> dict:
    """A line chart: x from `x_min` to `x_max`; `axes` maps a scale name to {label, side, log, min, max, percent,
    decades} (`decades`: a log axis spanning many decades, ticked at a few whole ones);
    each series is {label, color, dash, width, scale, points}.

    `readout` shows a legend under the chart that reads every series' value where the pointer is:
    {"x_decimals": n} and either {"decimals": n} or {"significant": n} for the values. `x_step` puts x's ticks on
    whole multiples of it (layers: 1). `alt` is the canvas's text alternative (the app's own words)."""
    x = {"label": x_label, "min": float(x_min), "max": float(max(x_max, x_min + 1))}
    if x_step is not None:
        x["step"] = float(x_step)
    spec = {"kind": "lines", "height": int(height), "x": x, "axes": axes, "series": list(series)}
    if readout is not None:
        spec["readout"] = dict(readout)
    if alt:
        spec["alt"] = alt
    return spec


def loss_spec(iterations: int, height: int = LOSS_HEIGHT) -> dict:
    """Train and test loss on a log axis; test accuracy and agreement with the formula on the right, 0-100%."""
    return lines_spec("iteration", iterations, {
        "y": {"label": "loss", "side": "left", "log": True},
        "y2": {"label": "accuracy / agreement", "side": "right", "min": 0, "max": 1.02, "percent": True,
               "ticks": [0, 0.25, 0.5, 0.75, 1]},
    }, [
        {"label": "train loss (mean per chunk)", "color": TRAIN, "dash": "solid", "width": 2, "scale": "y"},
        {"label": "test loss", "color": TEST, "dash": "dot", "width": 2, "scale": "y"},
        {"label": "test accuracy", "color": ACCURACY, "dash": "solid", "width": 1.5, "scale": "y2"},
        {"label": "agreement with the formula", "color": AGREEMENT, "dash": "dash", "width": 1.5, "scale": "y2"},
    ], height)


LOSS_COLUMNS = ("train_loss", "test_loss", "test_accuracy", "agreement")


def history_points(history: Sequence, columns: Sequence[str], start: int = 0) -> dict:
    """The checkpoints from index `start` on, as columns: x (iterations) and one y list per column name."""
    new = history[start:]
    return {"x": [int(cp.iteration) for cp in new],
            "ys": [finite([getattr(cp, c) for cp in new]) for c in columns]}


def layers_of(names: Sequence[str]) -> list[int]:
    return sorted({layer_of(n) for n in names})


@lru_cache(maxsize=64)
def _columns_by_layer(names: tuple[str, ...]) -> tuple[tuple[int, ...], ...]:
    """For each layer (as `layers_of`), the indices of its weights and biases among `names`."""
    return tuple(tuple(j for j, n in enumerate(names) if layer_of(n) == layer) for layer in layers_of(names))


def weights_specs(iterations: int, names: Sequence[str], height: int = 200) -> list[dict]:
    """One line chart per layer: every weight (solid) and bias (dotted) of W_l and B_l against iteration."""
    specs = []
    for layer in layers_of(names):
        series = [{"label": n, "color": PALETTE[j % len(PALETTE)], "dash": "dot" if n.startswith("B") else "solid",
                   "width": 1.2, "scale": "y"} for j, n in enumerate(names) if layer_of(n) == layer]
        specs.append(lines_spec("iteration", iterations, {"y": {"label": f"W{layer} and B{layer}", "side": "left"}},
                                series, height))
    return specs


def weights_points(history: Sequence, names: Sequence[str], start: int = 0) -> list[dict]:
    """Per layer (as `weights_specs`), the weights of the checkpoints from `start` on."""
    new = history[start:]
    x = [int(cp.iteration) for cp in new]
    w = np.array([cp.weights for cp in new], dtype=float).reshape(len(new), len(names))
    return [{"x": x, "ys": [finite(w[:, j]) for j in columns]} for columns in _columns_by_layer(tuple(names))]


def map_spec(x_label: str, y_label: str, size: int, height: int = MAP_HEIGHT, fade: dict | None = None,
             alt: str = "", readout: str = "", legend: Sequence[tuple[str, str, str]] = ()) -> dict:
    """P(dark text) over a slice of the RGB cube: a size x size grid, coloured like the Train page's map, with the
    network's P = 0.5 line (`line`), the formula's boundary (`boundary_colour`) and the data dots' outlines by
    label (`dot_edges`: light text, dark text).

    `fade` ({"channel": 0-2, "at": 0-255, "within": distance}) draws the dots whose colour lies farther than
    `within` from the slice faintly; `alt` is the canvas's text alternative (the app's own words). With
    `readout` (the words shown before the pointer is on the map) a line under the map reads P(dark) and the
    channels of the cell under the pointer, and the colour and answer of a dot there; the points then carry
    `p`, P(dark) per cell to three decimals (`map_points(..., exact=True)`). `legend` ((name, colour, dash) per
    line, as `figures.training`'s legends) is drawn right under the map as its key."""
    spec = {"kind": "map", "x_label": x_label, "y_label": y_label, "size": int(size), "height": int(height),
            "scale": [[float(t), c] for t, c in MAP_SCALE], "line": NETWORK_LINE, "boundary_colour": FORMULA_LINE,
            "dot_edges": list(DOT_EDGES)}
    if readout:
        spec["readout"] = readout
    if legend:
        spec["legend"] = [{"name": name, "colour": colour, "dash": dash} for name, colour, dash in legend]
    if fade is not None:
        spec["fade"] = {k: int(fade[k]) for k in ("channel", "at", "within")}
    if alt:
        spec["alt"] = alt
    return spec


def dots(rgb: np.ndarray, labels: np.ndarray, fixed: str) -> list[list[int]]:
    """Every colour as a dot on the slice holding `fixed`: [x, y, r, g, b, label] (the map's `dots`, which a
    live update appends to, unlike `map_points`' sample of the data near the slice)."""
    _, xi, yi = slice_axes(fixed)
    rgb = np.asarray(rgb, dtype=int).reshape(-1, 3)
    return [[c[xi], c[yi], c[0], c[1], c[2], int(k)] for c, k in zip(rgb.tolist(), np.asarray(labels).tolist())]


def stats_spec() -> dict:
    """A row of labelled figures (each {"key", "label", "value"} as text)."""
    return {"kind": "stats"}


def table_spec(columns: Sequence[str], numeric: Sequence[bool] = (), max_height: str | None = None,
               more: str = "") -> dict:
    """A table with these column headings; `numeric` columns are right-aligned. Rows are lists of text cells.
    With `max_height` (a CSS length), a taller table scrolls in its box under headings that stay in view, and
    `more` is said under it while it does."""
    spec = {"kind": "table", "columns": list(columns), "numeric": [bool(n) for n in numeric] or [False] * len(columns)}
    return spec | ({"maxHeight": max_height, "more": more} if max_height else {})


def swatches_spec(empty: str) -> dict:
    """Coloured boxes, each {"bg", "fg", "text", "title"}; `empty` is said when there are none."""
    return {"kind": "swatches", "empty": empty}


def map_points(sl, points_rgb: np.ndarray | None = None, points_labels: np.ndarray | None = None,
               exact: bool = False) -> dict:
    """What the map draws for a decision slice: P(dark) as 0-255 per cell, the network's 0.5 contour, the
    formula's line; and, when given, the data colours near the slice as [x, y, r, g, b, label]. With `exact`,
    also `p`: P(dark) per cell to three decimals, which a map with a readout shows under the pointer."""
    p = np.nan_to_num(sl.p_dark, nan=0.5)
    grid = np.clip(p * 255 + 0.5, 0, 255).astype(int)
    out: dict = {"grid": grid.ravel().tolist(), "contour": contour_segments(sl.axis, sl.p_dark)}
    if exact:
        out["p"] = np.round(p, 3).ravel().tolist()
    if len(sl.boundary_x) >= 2:
        out["boundary"] = [[round(float(sl.boundary_x[0]), 1), round(float(sl.boundary_y[0]), 1)],
                           [round(float(sl.boundary_x[-1]), 1), round(float(sl.boundary_y[-1]), 1)]]
    else:
        out["boundary"] = []
    if points_rgb is not None:
        _, xi, yi = slice_axes(sl.fixed)
        rgb = np.asarray(points_rgb, dtype=int)[:MAP_POINTS]
        lab = np.asarray(points_labels, dtype=int)[:MAP_POINTS]
        out["points"] = [[int(c[xi]), int(c[yi]), int(c[0]), int(c[1]), int(c[2]), int(k)] for c, k in zip(rgb, lab)]
    return out
