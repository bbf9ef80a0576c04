"""The Digits page, drawn: the ten outputs, Figure 7-8 for the current image, what each first-layer node looks
for and the live training chart's description (the confusion matrix is app/confusion.py's grid).

Pure functions: arrays in, a plotly figure out. Figures are built from plain dicts without plotly's
per-property validation (the tests validate each once): the pad redraws them on every stroke.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from ..digits import Reading
from ..network import Network
from .network import NEGATIVE, POSITIVE
from .training import FONT

INK = "#1f2328"
BAR = "#adb5bd"
CHOSEN = POSITIVE
TRAIN = "#d9480f"
TEST = "#1c7ed6"
LOSS = "#495057"
GREYS = [[0.0, "#ffffff"], [1.0, "#111111"]]
WEIGHTS = [[0.0, NEGATIVE], [0.5, "#ffffff"], [1.0, POSITIVE]]
MAX_EDGES = 80        # Figure 7-8 draws this many of the strongest connections between its later layers
TILES_PER_ROW = 8


def _figure(data: list[dict], layout: dict) -> go.Figure:
    layout = {"template": {}, "font": FONT, "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "#ffffff",
              "showlegend": False, "uirevision": "keep", **layout}
    return go.Figure({"data": data, "layout": layout}, _validate=False)


_HIDDEN_AXIS = dict(visible=False, fixedrange=True)


def probabilities_figure(proba: np.ndarray, height: int = 260) -> go.Figure:
    """The output layer: P(digit) for 0-9 as bars, the most likely one highlighted."""
    proba = np.asarray(proba, dtype=float)
    best = int(np.argmax(proba))
    return _figure(
        [dict(type="bar", x=[str(d) for d in range(10)], y=proba.tolist(),
              marker=dict(color=[CHOSEN if d == best else BAR for d in range(10)]),
              text=[f"{p:.0%}" for p in proba], textposition="outside", cliponaxis=False,
              hovertemplate="P(%{x}) = %{y:.3f}<extra></extra>")],
        dict(height=height, margin=dict(l=40, r=10, t=20, b=30),
             xaxis=dict(title=dict(text="digit"), type="category", fixedrange=True),
             yaxis=dict(range=[0, 1.12], tickformat=".0%", fixedrange=True, gridcolor="#ebe9e3")))


def network_figure(model: Network, reading: Reading, height: int = 460) -> go.Figure:
    """Figure 7-8 for this network: the 8x8 input grid, each hidden layer's nodes shaded by their activation, the
    ten outputs by probability, and the strongest connections between the later layers (positive orange,
    negative blue). The 64 x n connections from the pixels are left out: the weight tiles show them."""
    acts = [a[:, 0] for a in reading.forward.A]
    n_layers = len(acts)
    data: list[dict] = []
    # inputs: the 8x8 image as a heatmap on axes of their own, kept square whatever the figure's width
    data.append(dict(type="heatmap", z=reading.image.tolist(), zmin=0, zmax=16, colorscale=GREYS, showscale=False,
                     xaxis="x2", yaxis="y2", xgap=1, ygap=1,
                     hovertemplate="pixel (row %{y}, column %{x}) = %{z:.0f}<extra></extra>"))
    xs = [2.2 * i for i in range(n_layers)]
    positions = [np.linspace(7.5, -0.5, len(a)) if len(a) > 1 else np.array([3.5]) for a in acts]
    # edges between consecutive later layers: the largest |w * a_prev| contributions, in two traces by sign
    for layer in range(1, n_layers):
        W = model.weights_[layer]
        contrib = W * acts[layer - 1][None, :]
        flat = np.argsort(-np.abs(contrib).ravel())[:MAX_EDGES]
        for sign, colour in ((1, POSITIVE), (-1, NEGATIVE)):
            ex, ey = [], []
            for k in flat:
                i, j = divmod(int(k), W.shape[1])
                if np.sign(contrib[i, j]) == sign and contrib[i, j] != 0:
                    ex += [xs[layer - 1], xs[layer], None]
                    ey += [positions[layer - 1][j], positions[layer][i], None]
            data.append(dict(type="scatter", mode="lines", x=ex, y=ey, hoverinfo="skip",
                             line=dict(color=colour, width=1), opacity=0.45))
    for layer, (x, y, a) in enumerate(zip(xs, positions, acts)):
        out = layer == n_layers - 1
        scale = 1.0 if out else max(float(np.max(np.abs(a))), 1e-9)
        shade = (a / scale).clip(-1, 1)
        data.append(dict(
            type="scatter", mode="markers+text" if out else "markers", x=[x] * len(a), y=y.tolist(),
            text=[str(d) for d in range(len(a))] if out else None, textposition="middle right",
            marker=dict(size=(14 + 20 * a).tolist() if out else 11, color=shade.tolist(), cmin=-1, cmax=1,
                        colorscale=WEIGHTS, line=dict(color=INK, width=1)),
            customdata=a.tolist(),
            hovertemplate=("P(%{text}) = %{customdata:.3f}<extra>output</extra>" if out else
                           f"hidden layer {layer + 1}, node %{{pointNumber}}: A = %{{customdata:.3f}}<extra></extra>")))
    labels = [f"hidden {i + 1}: {len(a)}" for i, a in enumerate(acts[:-1])] + ["softmax: 10"]
    ann = [dict(x=x, y=8.4, text=t, showarrow=False, font=dict(size=12)) for x, t in zip(xs, labels)]
    ann.append(dict(x=0.1, y=1.0, xref="paper", yref="paper", text="inputs: 8x8 pixels", showarrow=False,
                    font=dict(size=12), yanchor="bottom"))
    return _figure(data, dict(height=height, margin=dict(l=10, r=30, t=30, b=10), annotations=ann,
                              xaxis={**_HIDDEN_AXIS, "domain": [0.26, 1], "range": [-0.5, xs[-1] + 0.8]},
                              yaxis={**_HIDDEN_AXIS, "range": [-1, 8.8]},
                              xaxis2={**_HIDDEN_AXIS, "domain": [0, 0.2], "anchor": "y2", "constrain": "domain"},
                              yaxis2={**_HIDDEN_AXIS, "domain": [0.1, 0.9], "anchor": "x2", "autorange": "reversed",
                                      "scaleanchor": "x2", "constrain": "domain"}))


def weight_tiles_figure(W1: np.ndarray, height: int | None = None) -> go.Figure:
    """Each first-layer node's 64 weights as an 8x8 tile (orange positive, blue negative): what it looks for.

    One heatmap of all tiles with a blank line between them, so any number of nodes is a single trace."""
    n = W1.shape[0]
    cols = min(TILES_PER_ROW, n)
    rows = math.ceil(n / cols)
    canvas = np.full((rows * 9 - 1, cols * 9 - 1), np.nan)
    for k in range(n):
        r, c = divmod(k, cols)
        canvas[r * 9:r * 9 + 8, c * 9:c * 9 + 8] = W1[k].reshape(8, 8)
    lim = float(np.nanmax(np.abs(W1))) or 1.0
    z = [[None if np.isnan(v) else float(v) for v in row] for row in canvas]
    return _figure(
        [dict(type="heatmap", z=z, zmin=-lim, zmax=lim, colorscale=WEIGHTS, showscale=False,
              hovertemplate="weight %{z:.3f}<extra></extra>", xgap=0, ygap=0)],
        dict(height=height or 40 + 62 * rows, margin=dict(l=5, r=5, t=5, b=5),
             xaxis={**_HIDDEN_AXIS, "constrain": "domain"},
             yaxis={**_HIDDEN_AXIS, "autorange": "reversed", "scaleanchor": "x"}))


LIVE_COLUMNS = ("loss", "train_accuracy", "test_accuracy")


def live_spec(iterations: int, height: int = 300) -> dict:
    """The live training chart (app/live_chart.py): loss on the left, train and test accuracy on the right.
    Its points are `fontnet.figures.live.history_points(run.history, LIVE_COLUMNS, start)`."""
    from .live import lines_spec

    return lines_spec("iteration", iterations, {
        "y": {"label": "loss (cross-entropy)", "side": "left", "log": False, "min": 0},
        "y2": {"label": "accuracy", "side": "right", "min": 0, "max": 1.02, "percent": True,
               "ticks": [0, 0.25, 0.5, 0.75, 1]},
    }, [
        {"label": "loss (mean per chunk)", "color": LOSS, "dash": "solid", "width": 2, "scale": "y"},
        {"label": "train accuracy", "color": TRAIN, "dash": "dot", "width": 2, "scale": "y2"},
        {"label": "test accuracy", "color": TEST, "dash": "solid", "width": 2, "scale": "y2"},
    ], height)
