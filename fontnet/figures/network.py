"""The network drawn and written out: a node-and-edge diagram (SVG), the P(dark) bar (HTML), the forward pass in LaTeX.

Pure functions: a `Network` (and optionally one colour's `Forward`) in, markup or LaTeX out. The diagram and
the bar are markup the server renders from numbers it chose, so the browser draws them at once, with no
charting library to load first (plotly.js is several MB) and little work per colour change.
Any number of inputs, hidden layers and widths; one logistic output or several softmax outputs.
"""

from __future__ import annotations

from html import escape

import numpy as np

from ..model import THRESHOLD
from ..network import Forward, Network

POSITIVE = "#b93e0c"  # edges with a positive weight (the app's primary colour: white on it is 5.6:1)
NEGATIVE = "#1c7ed6"  # edges with a negative weight
NODE_FILL = "#ffffff"
NODE_LINE = "#1f2328"
TEXT = "#31333f"
# Streamlit's own face is "Source Sans" (the page loads it); the older names after it. Quoted: an unquoted
# "Source Sans 3" made the whole list invalid CSS, so the browser dropped it.
FONT_FAMILY = "'Source Sans', 'Source Sans Pro', 'Source Sans 3', sans-serif"
INPUT_NAMES = ("R", "G", "B")
MAX_EDGE_WIDTH = 8.0  # the largest |weight| in the network is drawn this wide; width grows with |weight|
MIN_EDGE_WIDTH = 0.75
# The diagram's own units (the SVG scales to its container's width): layer columns share WIDTH.
# 640 units wide, drawn at most MAX_PX wide: its 12-unit text is 10.6 px on a 1,024-pixel laptop's 564-pixel page
# (at 900 units it was 7.5 px, and 4.8 px on a phone, where it keeps MIN_PX and scrolls in its own box instead)
WIDTH, LEFT, RIGHT, TOP, ROW, RADIUS = 640, 60, 150, 70, 70, 13
MAX_PX, MIN_PX = 760, 520
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


def _node_text(layer: int, n_layers: int, j: int, n: int, fwd: Forward | None, output_name: str) -> tuple[list[str], str]:
    """(label lines drawn beside the node, hover text) for node j of `layer`."""
    if layer == 0:
        name = _input_name(j, n)
        if fwd is None:
            return [name], f"input {name}"
        x = float(fwd.X[j, 0])
        return [f"{name} = {x:.3f}"], f"input {name}\nscaled: {x:.4f} (= {x * 255:.0f} / 255)"
    last = layer == n_layers - 1
    title = output_name if last else f"hidden layer {layer}, node {j + 1}"
    if fwd is None:
        return [("out" if last else f"h{layer}.{j + 1}")], title
    Z, A = float(fwd.Z[layer - 1][j, 0]), float(fwd.A[layer - 1][j, 0])
    return [f"Z={Z:.2f}", f"P={A:.3f}" if last else f"A={A:.2f}"], f"{title}\nZ = {Z:.4f}\nA = {A:.4f}"


def _title(text: str) -> str:
    """An SVG <title> (the browser's hover text), escaped, with its line breaks as &#10;: the markup stays on
    one line, which Markdown passes through untouched."""
    return "<title>" + escape(text).replace("\n", "&#10;") + "</title>"


def edge_width(w: float, biggest: float) -> float:
    """Stroke width of an edge: proportional to |w|, the network's largest |weight| drawn MAX_EDGE_WIDTH wide."""
    return max(MIN_EDGE_WIDTH, abs(w) / biggest * MAX_EDGE_WIDTH)


def _label(x: float, y: float, lines: list[str], anchor: str = "middle", size: int = 12) -> str:
    """Text lines (escaped) drawn with a white halo, so they stay legible over the edges behind them."""
    spans = "".join(f'<tspan x="{x:.1f}" dy="{0 if k == 0 else 1.15:g}{"" if k == 0 else "em"}">{escape(t)}</tspan>'
                    for k, t in enumerate(lines))
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{TEXT}" '
            f'stroke="#ffffff" stroke-width="3" paint-order="stroke">{spans}</text>')


def describe(model: Network, fwd: Forward | None = None, threshold: float = THRESHOLD) -> tuple[str, str]:
    """The diagram's title and description in words, for screen readers: the decision and P(dark text) first."""
    sizes = layer_sizes(model)
    hidden = sizes[1:-1]
    layers = (f"a hidden layer of {hidden[0]} {model.activation} node{'s' if hidden[0] > 1 else ''}"
              if len(hidden) == 1 else f"hidden layers of {', '.join(map(str, hidden))} {model.activation} nodes")
    output = "one logistic output" if sizes[-1] == 1 else f"{sizes[-1]} softmax outputs"
    edges = "Each edge is as wide as its weight is large: orange for positive, blue for negative."
    if fwd is None or sizes[-1] != 1:
        return (f"The network: {sizes[0]} inputs, {layers}, {output}",
                f"{sizes[0]} inputs feed {layers} and {output}. {edges}")
    p = float(fwd.A[-1][0, 0])
    shade = "dark" if p >= threshold else "light"
    inputs = ", ".join(f"{_input_name(i, sizes[0])} = {float(fwd.X[i, 0]) * 255:.0f}" for i in range(sizes[0]))
    return (f"The network's decision: {shade} text, P(dark text) = {p:.4f}",
            f"Inputs {inputs} (each divided by 255) feed {layers} and {output}. P(dark text) = {p:.4f} is "
            f"{'at or above' if shade == 'dark' else 'below'} the threshold {threshold:g}, so {shade} text. {edges}")


def network_svg(model: Network, fwd: Forward | None = None) -> str:
    """The network as an inline SVG: edge width is |weight|, colour its sign; each node's and edge's <title>
    (the browser's hover text) holds its numbers.

    With `fwd` (one colour's forward pass, one column) nodes show the scaled inputs, each node's weighted
    sum Z and activation A, and the output probability. Without it, weights only. Every text is escaped.
    Elements carry their numbers as data attributes (data-z, data-a, data-weight) for tests and scripts.
    """
    sizes = layer_sizes(model)
    n_layers = len(sizes)
    binary = sizes[-1] == 1
    tallest = max(sizes)
    height = max(320, ROW * tallest + 90)
    step = (WIDTH - LEFT - RIGHT) / (n_layers - 1)
    mid = TOP + (height - TOP) / 2 - 10
    xs = [LEFT + l * step for l in range(n_layers)]
    ys = [mid - p * ROW for p in _positions(sizes)]
    biggest = max(float(np.abs(W).max()) for W in model.weights_) or 1.0

    title, desc = describe(model, fwd)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="fontnet-network" viewBox="0 0 {WIDTH} {height}" '
           f'width="100%" role="img" aria-labelledby="fontnet-network-title" aria-describedby="fontnet-network-desc" '
           f'style="display: block; width: 100%; max-width: {MAX_PX}px; min-width: {MIN_PX}px; height: auto; '
           f'font-family: {FONT_FAMILY}">'
           f'<title id="fontnet-network-title">{escape(title)}</title><desc id="fontnet-network-desc">{escape(desc)}</desc>']
    out.append('<g class="edges" stroke-linecap="round">')
    for l, W in enumerate(model.weights_):
        for (j, i), w in np.ndenumerate(W):
            w = float(w)
            src = _input_name(i, W.shape[1]) if l == 0 else f"h{l}.{i + 1}"
            dst = ("out" if binary else f"out{j + 1}") if l == n_layers - 2 else f"h{l + 1}.{j + 1}"
            x0, y0, x1, y1 = xs[l], ys[l][i], xs[l + 1], ys[l + 1][j]
            ends = f'x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}"'
            # a wide transparent copy of each edge, so a thin edge is as easy to hover as a thick one
            out.append(f'<g class="edge" data-layer="{l + 1}" data-from="{i}" data-to="{j}" data-weight="{w!r}">'
                       + _title(f"W{l + 1}[{j + 1},{i + 1}] = {w:+.4f}\n{src} → {dst}") +
                       f'<line {ends} stroke="{POSITIVE if w >= 0 else NEGATIVE}" '
                       f'stroke-width="{edge_width(w, biggest):.2f}" stroke-opacity="0.75"/>'
                       f'<line {ends} stroke="transparent" stroke-width="10"/></g>')
    out.append("</g>")

    output_name = "output: P(dark text)" if binary else "output (softmax)"
    titles = [["inputs (÷255)"]] + [[f"hidden {l}", model.activation] for l in range(1, n_layers - 1)] + \
             [["output", "logistic" if binary else "softmax"]]
    for x, lines in zip(xs, titles):
        out.append(f'<g class="layer-title">{_label(x, 22, lines, size=13)}</g>')
    for l, n in enumerate(sizes):
        last = l == n_layers - 1
        for j in range(n):
            lines, hover = _node_text(l, n_layers, j, n, fwd, output_name if binary else f"{output_name}, class {j + 1}")
            data = ""
            if l > 0:
                hover += f"\nbias B{l}[{j + 1}] = {float(model.biases_[l - 1][j, 0]):+.4f}"
                if fwd is not None:
                    data = f' data-z="{float(fwd.Z[l - 1][j, 0])!r}" data-a="{float(fwd.A[l - 1][j, 0])!r}"'
            elif fwd is not None:
                data = f' data-x="{float(fwd.X[j, 0])!r}"'
            x, y = xs[l], ys[l][j]
            if last:  # beside the output node, on the right
                label = _label(x + RADIUS + 6, y - 0.575 * 12 * (len(lines) - 1) + 4, lines, anchor="start")
            else:  # above the node
                label = _label(x, y - RADIUS - 6 - 1.15 * 12 * (len(lines) - 1), lines)
            out.append(f'<g class="node" data-layer="{l}" data-index="{j}"{data}>{_title(hover)}'
                       f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{RADIUS}" fill="{NODE_FILL}" stroke="{NODE_LINE}" '
                       f'stroke-width="2"/>{label}</g>')
    out.append("</svg>")
    return "".join(out)


def probability_bar_html(p_dark: float, threshold: float = 0.5) -> str:
    """P(dark text) as one horizontal bar on 0–1 with the decision threshold marked, in HTML and CSS.

    The bar's colour is the shade's side of the threshold (POSITIVE for dark text, NEGATIVE for light).
    """
    dark = p_dark >= threshold
    colour = POSITIVE if dark else NEGATIVE
    p, t = min(max(float(p_dark), 0.0), 1.0), float(threshold)
    value, shade = f"{p_dark:.4f}", "dark" if dark else "light"
    note = f"position: absolute; top: 0; font-size: 0.8rem; color: {TEXT}; white-space: nowrap"
    ticks = "".join(f'<span style="position: absolute; left: {v * 100:g}%; transform: translateX(-50%)">{v:g}</span>'
                    for v in (0, 0.25, 0.5, 0.75, 1))
    value_side = (f"right: calc({100 - p * 100:.2f}% + 0.3rem)" if p > 0.85 else f"left: calc({p * 100:.2f}% + 0.3rem)")
    value_colour = "#ffffff" if p > 0.85 else TEXT
    return (
        f'<div class="fontnet-probability" role="img" data-p-dark="{p_dark!r}" data-threshold="{t!r}" '
        f'title="{escape(f"P(dark text) = {value}; threshold {t:g}")}" '
        f'aria-label="{escape(f"P(dark text) = {value}, threshold {t:g}: {shade} text")}" '
        f'style="position: relative; padding: 1.3rem 0.6rem 1.4rem; font-family: {FONT_FAMILY}; color: {TEXT}">'
        f'<span style="{note}; left: 0.6rem">← light text</span>'
        f'<span style="{note}; left: calc(0.6rem + (100% - 1.2rem) * {t:g}); transform: translateX(-50%)">'
        f'{escape(f"threshold {t:g}")}</span>'
        f'<span style="{note}; right: 0.6rem">dark text →</span>'
        f'<div style="position: relative; height: 2.2rem; background: #f0f2f6; border-radius: 0.25rem">'
        f'<div class="bar" style="position: absolute; left: 0; top: 0; bottom: 0; width: {p * 100:.2f}%; '
        f'background: {colour}; border-radius: 0.25rem"></div>'
        f'<span class="value" style="position: absolute; top: 50%; transform: translateY(-50%); {value_side}; '
        f'font-weight: 600; color: {value_colour}">{escape(value)}</span>'
        f'<div class="threshold" style="position: absolute; top: -0.3rem; bottom: -0.3rem; left: {t * 100:g}%; '
        f'border-left: 2px dashed {NODE_LINE}"></div></div>'
        f'<div style="position: relative; height: 1rem; margin-top: 0.2rem; font-size: 0.75rem">{ticks}</div>'
        f'</div>')


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
        # three rows (the names, their numbers, the result): on one row, the chapter's network was 654 px wide,
        # more than a 1,024-pixel laptop's page has
        out.append(rf"\begin{{aligned}} Z_{{{l}}} &= W_{{{l}}} {prev} + B_{{{l}}} \\ "
                   rf"&= {_matrix(W, digits)} {_matrix(prev_value, digits)} + {_matrix(B, digits)} \\ "
                   rf"&= {_matrix(fwd.Z[l - 1], digits)} \end{{aligned}}")
        if l < last:
            out.append(rf"A_{{{l}}} = {f}(Z_{{{l}}}) = {_matrix(fwd.A[l - 1], digits)}")
        elif fwd.Z[-1].shape[0] == 1:
            out.append(rf"A_{{{l}}} = \operatorname{{logistic}}(Z_{{{l}}}) = \frac{{1}}{{1 + e^{{-Z_{{{l}}}}}}}"
                       rf" = {_matrix(fwd.A[l - 1], digits)} = P(\text{{dark text}})")
        else:
            out.append(rf"A_{{{l}}} = \operatorname{{softmax}}(Z_{{{l}}}) = {_matrix(fwd.A[l - 1], digits)}")
    return out
