"""The network drawn and written out: a node-and-edge diagram, the P(dark) bar, the forward pass in LaTeX.

Pure functions: a `Network` (and optionally one colour's `Forward`) in, a plotly figure or LaTeX out.
Any number of inputs, hidden layers and widths; one logistic output or several softmax outputs.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..network import Forward, Network

POSITIVE = "#d9480f"  # edges with a positive weight (the app's primary colour)
NEGATIVE = "#1c7ed6"  # edges with a negative weight
NODE_FILL = "#ffffff"
NODE_LINE = "#1f2328"
# The page draws these without Streamlit's chart theme (it is re-applied in the browser on every colour change)
FONT = dict(family="Source Sans Pro, Source Sans 3, sans-serif", size=13, color="#31333f")
INPUT_NAMES = ("R", "G", "B")
WIDTH_BINS = 6  # edges are drawn in this many line widths per sign (one trace each, not one per edge)
MAX_EDGE_WIDTH = 8.0
# How the LaTeX names each hidden activation.
LATEX_NAMES = {"relu": r"\operatorname{ReLU}", "leaky_relu": r"\operatorname{LeakyReLU}", "tanh": r"\tanh",
               "logistic": r"\operatorname{logistic}", "linear": r"\operatorname{linear}"}


def layer_sizes(model: Network) -> list[int]:
    """Nodes per layer, inputs first: (3,) hidden on the font data gives [3, 3, 1]."""
    return [model.weights_[0].shape[1], *(W.shape[0] for W in model.weights_)]


def _input_name(i: int, n: int) -> str:
    return INPUT_NAMES[i] if n == len(INPUT_NAMES) else f"x{i + 1}"


def _positions(sizes: list[int]) -> list[np.ndarray]:
    """y of each node, layer by layer, centred on 0 with unit spacing (x is the layer index)."""
    return [np.arange(n)[::-1] - (n - 1) / 2 for n in sizes]


def _node_hover(layer: int, n_layers: int, j: int, n: int, fwd: Forward | None, output_name: str) -> tuple[str, str]:
    """(label drawn beside the node, hover text) for node j of `layer`."""
    if layer == 0:
        name = _input_name(j, n)
        if fwd is None:
            return name, f"input {name}"
        x = float(fwd.X[j, 0])
        return f"{name} = {x:.3f}", f"input {name}<br>scaled: {x:.4f} (= {x * 255:.0f} / 255)"
    last = layer == n_layers - 1
    title = output_name if last else f"hidden layer {layer}, node {j + 1}"
    if fwd is None:
        return ("out" if last else f"h{layer}.{j + 1}"), title
    Z, A = float(fwd.Z[layer - 1][j, 0]), float(fwd.A[layer - 1][j, 0])
    if last:
        return f"Z={Z:.2f}<br>P={A:.3f}", f"{title}<br>Z = {Z:.4f}<br>A = {A:.4f}"
    return f"Z={Z:.2f}<br>A={A:.2f}", f"{title}<br>Z = {Z:.4f}<br>A = {A:.4f}"


def network_diagram(model: Network, fwd: Forward | None = None) -> go.Figure:
    """The network as nodes and edges; edge width is |weight|, colour its sign; hover shows every number.

    With `fwd` (one colour's forward pass, one column) nodes show the scaled inputs, each node's
    weighted sum Z and activation A, and the output probability. Without it, weights only.
    """
    sizes = layer_sizes(model)
    ys = _positions(sizes)
    n_layers = len(sizes)
    binary = sizes[-1] == 1
    weights = model.weights_
    biggest = max(float(np.abs(W).max()) for W in weights) or 1.0

    # one line segment per edge, grouped into (sign, width bin) traces
    segments: dict[tuple[bool, int], tuple[list, list]] = {}
    mid_x, mid_y, mid_text = [], [], []
    for l, W in enumerate(weights):
        for j in range(W.shape[0]):
            for i in range(W.shape[1]):
                w = float(W[j, i])
                level = min(int(abs(w) / biggest * WIDTH_BINS), WIDTH_BINS - 1)
                xs, ys_ = segments.setdefault((w >= 0, level), ([], []))
                xs += [l, l + 1, None]
                ys_ += [ys[l][i], ys[l + 1][j], None]
                # hover points a little along each edge so edges into one node do not share a point
                t = 0.35 + 0.3 * (i + 0.5) / W.shape[1]
                mid_x.append(l + t)
                mid_y.append(ys[l][i] + t * (ys[l + 1][j] - ys[l][i]))
                src = _input_name(i, W.shape[1]) if l == 0 else f"h{l}.{i + 1}"
                dst = ("out" if binary else f"out{j + 1}") if l == len(weights) - 1 else f"h{l + 1}.{j + 1}"
                mid_text.append(f"W{l + 1}[{j + 1},{i + 1}] = {w:+.4f}<br>{src} → {dst}")

    # traces as plain dicts, one Figure() call: far cheaper than add_trace/add_annotation one by one
    traces = [dict(
        type="scatter", x=xs, y=ys_, mode="lines", hoverinfo="skip", showlegend=False,
        name="positive weight" if positive else "negative weight",
        line=dict(color=POSITIVE if positive else NEGATIVE, width=1 + (level + 0.5) / WIDTH_BINS * (MAX_EDGE_WIDTH - 1)),
        opacity=0.75, meta="edges") for (positive, level), (xs, ys_) in sorted(segments.items())]
    traces.append(dict(
        type="scatter", x=mid_x, y=mid_y, mode="markers", name="weights", meta="weights", showlegend=False,
        marker=dict(size=9, color="rgba(0,0,0,0)"), hovertext=mid_text, hoverinfo="text"))

    output_name = "output: P(dark text)" if binary else "output (softmax)"
    for l, n in enumerate(sizes):
        labels, hovers, custom = [], [], []
        for j in range(n):
            label, hover = _node_hover(l, n_layers, j, n, fwd, output_name if binary else f"{output_name}, class {j + 1}")
            if l > 0:
                b = float(model.biases_[l - 1][j, 0])
                hover += f"<br>bias B{l}[{j + 1}] = {b:+.4f}"
            labels.append(label)
            hovers.append(hover)
            if fwd is not None:
                custom.append([float(fwd.X[j, 0])] * 2 if l == 0 else [float(fwd.Z[l - 1][j, 0]), float(fwd.A[l - 1][j, 0])])
        kind = "input" if l == 0 else "output" if l == n_layers - 1 else f"hidden {l}"
        traces.append(dict(
            type="scatter", x=[l] * n, y=list(ys[l]), mode="markers+text" if fwd is not None or n <= 12 else "markers",
            name=kind, meta="nodes", showlegend=False,
            marker=dict(size=26, color=NODE_FILL, line=dict(color=NODE_LINE, width=2)),
            text=labels, textposition="middle right" if l == n_layers - 1 else "top center",
            textfont=dict(size=12), hovertext=hovers, hoverinfo="text",
            customdata=custom or None))

    titles = ["inputs (÷255)"] + [f"hidden {l}<br>{model.activation}" for l in range(1, n_layers - 1)] + \
             ["output<br>" + ("logistic" if binary else "softmax")]
    tallest = max(sizes)
    annotations = [dict(x=l, y=(tallest - 1) / 2 + 0.9, text=title, showarrow=False, font=dict(size=12))
                   for l, title in enumerate(titles)]
    return go.Figure(data=traces, layout=dict(
        height=max(320, 70 * tallest + 120), margin=dict(l=10, r=10, t=10, b=10), hovermode="closest",
        annotations=annotations, xaxis=dict(visible=False, range=[-0.4, n_layers - 1 + 0.6]),
        yaxis=dict(visible=False, range=[-(tallest - 1) / 2 - 0.6, (tallest - 1) / 2 + 1.2]),
        plot_bgcolor="rgba(0,0,0,0)", paper_bgcolor="rgba(0,0,0,0)", font=FONT))


def probability_figure(p_dark: float, threshold: float = 0.5) -> go.Figure:
    """P(dark text) as one horizontal bar on 0–1 with the decision threshold marked."""
    dark = p_dark >= threshold
    bar = dict(type="bar", x=[p_dark], y=["P(dark)"], orientation="h", width=0.5, name="P(dark text)",
               marker=dict(color=POSITIVE if dark else NEGATIVE), text=[f"{p_dark:.4f}"], textposition="outside",
               hovertemplate="P(dark text) = %{x:.4f}<extra></extra>")
    note = dict(yref="paper", showarrow=False, font=dict(size=12))
    return go.Figure(data=[bar], layout=dict(
        height=150, margin=dict(l=10, r=10, t=25, b=25), showlegend=False,
        shapes=[dict(type="line", x0=threshold, x1=threshold, y0=0, y1=1, yref="paper", name="threshold",
                     line=dict(color=NODE_LINE, width=2, dash="dash"))],
        annotations=[dict(note, x=threshold, y=1, text=f"threshold {threshold:g}", yanchor="bottom"),
                     dict(note, x=0, y=1, text="← light text", xanchor="left", yanchor="bottom"),
                     dict(note, x=1, y=1, text="dark text →", xanchor="right", yanchor="bottom")],
        xaxis=dict(range=[0, 1.08], tickvals=[0, 0.25, 0.5, 0.75, 1], fixedrange=True),
        yaxis=dict(visible=False, fixedrange=True), plot_bgcolor="rgba(0,0,0,0)", paper_bgcolor="rgba(0,0,0,0)",
        font=FONT))


def _matrix(M: np.ndarray, digits: int = 3) -> str:
    rows = (" & ".join(f"{v:.{digits}f}" for v in row) for row in np.atleast_2d(M))
    return r"\begin{bmatrix} " + r" \\ ".join(rows) + r" \end{bmatrix}"


def forward_latex(model: Network, fwd: Forward, digits: int = 3) -> list[str]:
    """One LaTeX line per step of the forward pass with this colour's numbers, Z1 = W1 X + B1 onwards."""
    f = LATEX_NAMES.get(model.activation, rf"\operatorname{{{model.activation}}}")
    last = len(model.weights_)
    out = [rf"X = \begin{{bmatrix}} R \\ G \\ B \end{{bmatrix}} \div 255 = {_matrix(fwd.X, digits)}"
           if fwd.X.shape[0] == 3 else rf"X = {_matrix(fwd.X, digits)}"]
    for l, (W, B) in enumerate(zip(model.weights_, model.biases_), start=1):
        prev = "X" if l == 1 else f"A_{{{l - 1}}}"
        prev_value = fwd.X if l == 1 else fwd.A[l - 2]
        out.append(rf"Z_{{{l}}} = W_{{{l}}} {prev} + B_{{{l}}} = {_matrix(W, digits)} {_matrix(prev_value, digits)}"
                   rf" + {_matrix(B, digits)} = {_matrix(fwd.Z[l - 1], digits)}")
        if l < last:
            out.append(rf"A_{{{l}}} = {f}(Z_{{{l}}}) = {_matrix(fwd.A[l - 1], digits)}")
        elif fwd.Z[-1].shape[0] == 1:
            out.append(rf"A_{{{l}}} = \operatorname{{logistic}}(Z_{{{l}}}) = \frac{{1}}{{1 + e^{{-Z_{{{l}}}}}}}"
                       rf" = {_matrix(fwd.A[l - 1], digits)} = P(\text{{dark text}})")
        else:
            out.append(rf"A_{{{l}}} = \operatorname{{softmax}}(Z_{{{l}}}) = {_matrix(fwd.A[l - 1], digits)}")
    return out
