"""Figures of the Activations page: the curves of Table 7-1, softmax's probabilities, gradients through depth.

Each figure is built in one go from plain dicts, which is several times faster than adding traces and updating
the layout step by step; the page redraws them on every interaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from fontnet.activations import ACTIVATIONS

# One colour per function, so a function keeps its colour whichever others are selected.
COLOURS: dict[str, str] = {
    "linear": "#7f7f7f", "logistic": "#1f77b4", "tanh": "#2ca02c",
    "relu": "#d62728", "leaky_relu": "#ff7f0e", "softmax": "#9467bd",
}
ARGMAX_COLOUR, OTHER_COLOUR = "#d62728", "#9bb7d4"


def _figure(data: list[dict], title: str, x_title: str, y_title: str, **layout) -> go.Figure:
    base = dict(title=dict(text=title), hovermode="x unified", margin=dict(l=10, r=10, t=50, b=10),
                legend=dict(orientation="h", y=-0.2), xaxis=dict(title=dict(text=x_title)),
                yaxis=dict(title=dict(text=y_title)))
    for axis in ("xaxis", "yaxis"):
        base[axis].update(layout.pop(axis, {}))
    return go.Figure(dict(data=data, layout={**base, **layout}))


def curves_figure(x: np.ndarray, curves: Mapping[str, tuple[np.ndarray, np.ndarray]],
                  derivatives: bool = True) -> go.Figure:
    """One solid line per activation (name -> (f(x), f'(x))); with `derivatives`, f' dashed in the same colour."""
    data = []
    for name, (y, dy) in curves.items():
        label, colour = ACTIVATIONS[name].label, COLOURS[name]
        data.append(dict(type="scatter", x=x, y=y, name=label, mode="lines", line=dict(color=colour, width=2.5),
                         meta=name, hovertemplate=f"{label}: %{{y:.4f}}<extra></extra>"))
        if derivatives:
            data.append(dict(type="scatter", x=x, y=dy, name=f"{label}′", mode="lines",
                             line=dict(color=colour, width=2, dash="dash"), meta=f"d_{name}",
                             hovertemplate=f"{label}′: %{{y:.4f}}<extra></extra>"))
    title = "Activation functions" + (" and their derivatives (dashed)" if derivatives else "")
    return _figure(data, title, "x (the weighted sum into a node)", "f(x)")


def softmax_class_names(n: int) -> list[str]:
    """The digits 0–9 for ten outputs (the chapter's multi-output example), else class 1..n."""
    return [str(i) for i in range(10)] if n == 10 else [f"class {i + 1}" for i in range(n)]


def softmax_figure(probabilities: np.ndarray, names: Sequence[str] | None = None,
                   temperature: float = 1.0) -> go.Figure:
    """Bars of softmax outputs, the argmax in its own colour and labelled."""
    p = np.asarray(probabilities, dtype=float)
    names = list(names) if names is not None else softmax_class_names(len(p))
    best = int(np.argmax(p))
    colours = [ARGMAX_COLOUR if i == best else OTHER_COLOUR for i in range(len(p))]
    bar = dict(type="bar", x=names, y=p, marker=dict(color=colours), text=[f"{v:.3f}" for v in p],
               textposition="outside", meta="softmax", hovertemplate="%{x}: %{y:.4f}<extra></extra>")
    argmax = dict(x=names[best], y=p[best], yshift=22, text="argmax", showarrow=True, arrowhead=2, ay=-30)
    return _figure([bar], f"Softmax outputs at temperature {temperature:g} (sum = {p.sum():.3f})",
                   "output node", "probability", annotations=[argmax], xaxis=dict(type="category"),
                   yaxis=dict(range=[0, 1.15]))


def gradient_figure(products: Mapping[str, np.ndarray]) -> go.Figure:
    """Gradient factor against depth on a log axis; a zero factor (a dead ReLU) cannot be drawn and says so."""
    data, depth = [], 0
    for name, prod in products.items():
        prod = np.asarray(prod, dtype=float)
        depth = max(depth, len(prod))
        label = ACTIVATIONS[name].label
        data.append(dict(type="scatter", x=np.arange(1, len(prod) + 1), y=np.where(prod > 0, prod, np.nan),
                         name=label + (" (0: gradient gone)" if np.all(prod == 0) else ""), mode="lines+markers",
                         line=dict(color=COLOURS[name]), meta=name,
                         hovertemplate=f"{label}, %{{x}} layers: %{{y:.3g}}<extra></extra>"))
    return _figure(data, "Gradient left after backpropagating through stacked layers", "layers",
                   "product of derivatives (log)", xaxis=dict(dtick=1 if depth <= 10 else 2),
                   yaxis=dict(type="log", exponentformat="power"))
