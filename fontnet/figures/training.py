"""Training, drawn: the loss chart, the decision map over a slice of the RGB cube, the weights over time.

Pure functions: arrays and data frames in, a plotly figure out. The Train page redraws them after
every chunk, so they are kept light (one trace per series, a coarse grid for the map).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..training import DecisionSlice, slice_axes

TRAIN = "#d9480f"
TEST = "#1c7ed6"
ACCURACY = "#2b8a3e"
AGREEMENT = "#7048e8"
# P(dark text): light text wanted (0) on a dark blue, dark text wanted (1) on a pale yellow
MAP_SCALE = [[0.0, "#1d3557"], [0.5, "#f1f3f5"], [1.0, "#f6d365"]]
PALETTE = ["#d9480f", "#1c7ed6", "#2b8a3e", "#7048e8", "#e8590c", "#0c8599", "#5c940d", "#c2255c", "#495057"]
FONT = dict(family="Source Sans Pro, Source Sans 3, sans-serif", size=13, color="#31333f")
# Redrawn several times a second while training: fixed margins (no automargin pass), no plotly legend (the page
# draws one once, with `legend_html`) and few tick labels keep each redraw cheap in the browser.
FIXED_AXIS = dict(automargin=False, gridcolor="#ebe9e3", zeroline=False)
LOSS_LEGEND = (("train loss (mean per chunk)", TRAIN, "solid"), ("test loss", TEST, "dot"),
               ("test accuracy", ACCURACY, "solid"), ("agreement with the formula", AGREEMENT, "dash"))
# the decision map's lines and the outlines of its data dots (light text, dark text): here, in the plotly map and in
# the live map's spec (fontnet.figures.live.map_spec), which static/live_chart.js draws with
FORMULA_LINE = "#111111"
NETWORK_LINE = "#c92a2a"
DOT_EDGES = ("#ffffff", "#111111")
MAP_LEGEND = (("the formula's boundary", FORMULA_LINE, "solid"), ("network: P(dark) = 0.5", NETWORK_LINE, "dash"),
              ("data: dark text ●", None, None), ("data: light text ◆", None, None))
_DASHES = {"solid": "", "dot": "2 3", "dash": "6 4"}


def _figure(data: list[dict], layout: dict) -> go.Figure:
    """A Figure from plain dicts without plotly's per-property validation, which costs ~50 ms a figure.

    The builders only write properties they know to be valid (the tests validate every figure once);
    the live page redraws the loss chart up to eight times a second and the other two every two seconds.
    """
    layout = {"template": {}, "font": FONT, "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "#ffffff",
              "uirevision": "keep", "showlegend": False, **layout}
    return go.Figure({"data": data, "layout": layout}, _validate=False)


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


def level_segments(axis: np.ndarray, z: np.ndarray, level: float = 0.5) -> tuple[list, list]:
    """The same line as `contour_segments`, as (x, y) lists of segments separated by None: one plotly trace."""
    xs: list = []
    ys: list = []
    for x0, y0, x1, y1 in contour_segments(axis, z, level):
        xs += [x0, x1, None]
        ys += [y0, y1, None]
    return xs, ys


def decision_map_figure(sl: DecisionSlice, points_rgb: np.ndarray | None = None,
                        points_labels: np.ndarray | None = None, height: int = 440,
                        boundary: str = "contour") -> go.Figure:
    """P(dark text) over the slice as a heatmap, the network's 0.5 line, the formula's line, nearby colours.

    `boundary="contour"` lets plotly find the network's 0.5 line in the browser; `"lines"` finds it here
    (`level_segments`) and sends plain line segments, which the browser draws far faster: for pages that
    redraw the map on every click.
    """
    axis = sl.axis.tolist()
    z = np.round(sl.p_dark, 4).tolist()
    data = [dict(type="heatmap", x=axis, y=axis, z=z, zmin=0, zmax=1, colorscale=MAP_SCALE, name="P(dark)",
                 colorbar=dict(title=dict(text="P(dark)"), thickness=10, tickvals=[0, 0.5, 1], len=0.9),
                 hovertemplate=f"{sl.x_channel}=%{{x:.0f}} {sl.y_channel}=%{{y:.0f}}<br>P(dark)=%{{z:.3f}}"
                               "<extra></extra>")]
    line = dict(color=NETWORK_LINE, width=2, dash="dash")
    if boundary == "lines":
        bx, by = level_segments(sl.axis, sl.p_dark, 0.5)
        if bx:
            data.append(dict(type="scatter", x=bx, y=by, mode="lines", line=line, name="network: P(dark) = 0.5",
                             hoverinfo="skip"))
    elif np.nanmin(sl.p_dark) < 0.5 < np.nanmax(sl.p_dark):
        data.append(dict(type="contour", x=axis, y=axis, z=z, contours=dict(start=0.5, end=0.5, size=1,
                         coloring="none"), line=line, showscale=False,
                         name="network: P(dark) = 0.5", hoverinfo="skip"))
    data.append(dict(type="scatter", x=sl.boundary_x.tolist(), y=sl.boundary_y.tolist(), mode="lines",
                     name="the formula's boundary", line=dict(color=FORMULA_LINE, width=2), hoverinfo="skip"))
    if points_rgb is not None and len(points_rgb):
        _, xi, yi = slice_axes(sl.fixed)
        rgb = np.asarray(points_rgb, dtype=int)
        lab = np.asarray(points_labels)
        for label, symbol, name in ((1, "circle", "data: dark text"), (0, "diamond", "data: light text")):
            sel = lab == label
            if not sel.any():
                continue
            data.append(dict(
                type="scatter", x=rgb[sel, xi].tolist(), y=rgb[sel, yi].tolist(), mode="markers", name=name,
                marker=dict(symbol=symbol, size=7, color=[f"rgb({r},{g},{b})" for r, g, b in rgb[sel]],
                            line=dict(color=DOT_EDGES[label], width=1)),
                customdata=[f"{r},{g},{b}" for r, g, b in rgb[sel]],
                hovertemplate="rgb(%{customdata})<extra>" + name + "</extra>"))
    layout = dict(
        height=height, margin=dict(l=60, r=8, t=8, b=44),
        xaxis=dict(title=dict(text=sl.x_channel, standoff=6), range=[0, 255], tickvals=[0, 64, 128, 192, 255],
                   **FIXED_AXIS),
        yaxis=dict(title=dict(text=sl.y_channel, standoff=6), range=[0, 255], tickvals=[0, 64, 128, 192, 255],
                   **FIXED_AXIS),
    )
    return _figure(data, layout)


def layer_of(name: str) -> int:
    """The layer a weight's name belongs to: 2 for "W2[1,3]" or "B2[1]"."""
    return int(name[1:name.index("[")])
