"""What the training figures share: their colours, the page legends drawn beside charts without one of their own,
and the network's P = 0.5 line over a slice (`contour_segments`), which the live map (live.py), the server-drawn
maps (maps.py) and the cost surface draw."""

from __future__ import annotations

import numpy as np

from .network import FONT_FAMILY

TRAIN = "#d9480f"
TEST = "#1c7ed6"
ACCURACY = "#2b8a3e"
AGREEMENT = "#7048e8"
# P(dark text): light text wanted (0) on a dark blue, dark text wanted (1) on a pale yellow
MAP_SCALE = [[0.0, "#1d3557"], [0.5, "#f1f3f5"], [1.0, "#f6d365"]]
PALETTE = ["#d9480f", "#1c7ed6", "#2b8a3e", "#7048e8", "#e8590c", "#0c8599", "#5c940d", "#c2255c", "#495057"]
FONT = dict(family=FONT_FAMILY, size=13, color="#31333f")
LOSS_LEGEND = (("train loss (mean per chunk)", TRAIN, "solid"), ("test loss", TEST, "dot"),
               ("test accuracy", ACCURACY, "solid"), ("agreement with the formula", AGREEMENT, "dash"))
# the decision map's lines and the outlines of its data dots (light text, dark text): here, in the server-drawn maps
# and in the live map's spec (fontnet.figures.live.map_spec), which static/live_chart.js draws with
FORMULA_LINE = "#111111"
NETWORK_LINE = "#c92a2a"
DOT_EDGES = ("#ffffff", "#111111")
MAP_LEGEND = (("the formula's boundary", FORMULA_LINE, "solid"), ("network: P(dark) = 0.5", NETWORK_LINE, "dash"),
              ("data: dark text ●", None, None), ("data: light text ◆", None, None))
# the class room's map (the teacher's live panel): its lines; its title says what its dots are
CLASS_MAP_LEGEND = (("the formula's boundary", FORMULA_LINE, "solid"), ("class network: P(dark) = 0.5", NETWORK_LINE, "dash"))
_DASHES = {"solid": "", "dot": "2 3", "dash": "6 4"}


def legend_html(items) -> str:
    """A static HTML legend for a figure drawn without plotly's legend: (name, colour, dash) per entry.

    Built from the constants above only (never from user text); a colour of None is a plain label.
    """
    parts = []
    for name, color, dash in items:
        swatch = "" if color is None else (
            f'<svg width="26" height="10" aria-hidden="true"><line x1="1" y1="5" x2="25" y2="5" stroke="{color}" '
            f'stroke-width="2.5" stroke-dasharray="{_DASHES[dash]}"/></svg> ')
        parts.append(f'<span style="white-space:nowrap;margin-right:1.1em">{swatch}{name}</span>')
    return f'<div style="font-size:0.85rem;line-height:1.6">{"".join(parts)}</div>'


def contour_segments(axis: np.ndarray, p: np.ndarray, level: float = 0.5) -> list[list[float]]:
    """Line segments [x0, y0, x1, y1] where `p` (rows follow y, columns x, both on `axis`) crosses `level`.

    Marching squares, vectorised: every grid cell whose corners straddle the level gives one segment between
    the crossings on its edges (two for a saddle, paired bottom-left and top-right).
    """
    a = np.asarray(axis, dtype=float)
    z = np.asarray(p, dtype=float) - level
    n = len(a)

    def cross(z0, z1, c0, c1):
        with np.errstate(divide="ignore", invalid="ignore"):
            t = z0 / (z0 - z1)
        ok = (z0 < 0) != (z1 < 0)
        return np.where(ok, c0 + t * (c1 - c0), np.nan)

    X, Y = np.meshgrid(a[:-1], a[:-1])
    X1, Y1 = np.meshgrid(a[1:], a[1:])
    z00, z10, z01, z11 = z[:-1, :-1], z[:-1, 1:], z[1:, :-1], z[1:, 1:]
    bottom = np.stack([cross(z00, z10, X, X1), Y], -1)
    top = np.stack([cross(z01, z11, X, X1), Y1], -1)
    left = np.stack([X, cross(z00, z01, Y, Y1)], -1)
    right = np.stack([X1, cross(z10, z11, Y, Y1)], -1)
    pts = np.stack([bottom, left, top, right], 2).reshape((n - 1) ** 2, 4, 2)
    valid = ~np.isnan(pts).any(-1)
    segments = []
    two = valid.sum(1) == 2
    if two.any():
        order = np.argsort(~valid[two], axis=1, kind="stable")[:, :2]
        chosen = np.take_along_axis(pts[two], order[:, :, None], 1)
        segments.append(chosen.reshape(-1, 4))
    four = valid.sum(1) == 4
    if four.any():
        segments.append(pts[four].reshape(-1, 4))   # (bottom, left) and (top, right)
    if not segments:
        return []
    return np.round(np.concatenate(segments), 2).tolist()


def layer_of(name: str) -> int:
    """The layer a weight's name belongs to: 2 for "W2[1,3]" or "B2[1]"."""
    return int(name[1:name.index("[")])
