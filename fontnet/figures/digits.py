"""The Digits page, drawn: the ten outputs, Figure 7-8 for the current image, what each first-layer node looks
for and the live training chart's description (the confusion matrix is app/confusion.py's grid).

Pure functions: arrays in, markup out (SVG and HTML the server draws, no charting library for the browser to
load first: the pad redraws the outputs and Figure 7-8 on every stroke). Each element carries its numbers as
data attributes (data-p, data-a, data-value, data-contribution) and in its <title>, the browser's hover text.
"""

from __future__ import annotations

from html import escape

import numpy as np

from ..digits import Reading
from ..network import Network
from .fit import below, fitted
from .mistakes import digit_rgb, img
from .network import FONT_FAMILY, NEGATIVE, POSITIVE, TEXT, _label, _title
from .raster import diverging_rgb

INK = "#1f2328"
BAR = "#adb5bd"
CHOSEN = POSITIVE
GRID = "#ebe9e3"
TRAIN = "#d9480f"
TEST = "#1c7ed6"
LOSS = "#495057"
MAX_EDGES = 80        # Figure 7-8 draws this many of the strongest connections between its later layers
TILE_SCALE = 7        # screen pixels per weight in a tile


def _hex(rgb: np.ndarray) -> str:
    return "#" + "".join(f"{int(c):02x}" for c in rgb)


def shade(v: float) -> str:
    """A value in [-1, 1] as the weight colours: white at 0, orange at 1, blue at -1."""
    return _hex(diverging_rgb(np.array(v), POSITIVE, NEGATIVE))


def _svg(cls: str, width: int, height: int, title: str, desc: str, body: list[str], max_width: str = "100%",
         ids: str = "") -> str:
    """An inline SVG that scales to its container, named for screen readers by its <title> and <desc> (their ids
    end in `ids`: a figure drawn twice, fit.fitted, has both drawings on the page)."""
    name = f"{cls}{ids}"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="{cls}" viewBox="0 0 {width} {height}" width="100%" '
            f'role="img" aria-labelledby="{name}-title" aria-describedby="{name}-desc" style="display: block; '
            f'width: 100%; max-width: {max_width}; height: auto; font-family: {FONT_FAMILY}">'
            f'<title id="{name}-title">{escape(title)}</title><desc id="{name}-desc">{escape(desc)}</desc>'
            + "".join(body) + "</svg>")


PROBABILITY_TEXT = 12   # the output bars' text, in the figure's 380 units: 10 px from a 317-px box (a 360-px phone)


def probabilities_svg(proba: np.ndarray) -> str:
    """The output layer: P(digit) for 0-9 as bars, each printed above its bar, the most likely one highlighted
    (none while every probability is 0: nothing read yet)."""
    proba = np.asarray(proba, dtype=float)
    read = bool(proba.sum() > 0)
    best = int(np.argmax(proba)) if read else -1
    W, H, left, right, top, bottom = 380, 260, 44, 8, 22, 36
    plot_h, band = H - top - bottom, (W - left - right) / 10
    y = lambda p: top + plot_h * (1 - min(max(p, 0.0), 1.0) / 1.12)  # noqa: E731  up to 112%: room to print 100%
    out = []
    for t in (0, 0.25, 0.5, 0.75, 1):
        out.append(f'<line x1="{left}" x2="{W - right}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="{GRID}"/>'
                   f'<text x="{left - 6}" y="{y(t) + 4:.1f}" text-anchor="end" font-size="{PROBABILITY_TEXT}" '
                   f'fill="{TEXT}">{t:.0%}</text>')
    for d, p in enumerate(proba):
        x = left + band * d
        top_y = y(float(p))
        out.append(f'<g class="bar" data-digit="{d}" data-p="{float(p)!r}"{" data-chosen" if d == best else ""}>'
                   + _title(f"P({d}) = {p:.3f}") +
                   f'<rect x="{x + band * 0.15:.1f}" y="{top_y:.1f}" width="{band * 0.7:.1f}" '
                   f'height="{y(0) - top_y:.1f}" fill="{CHOSEN if d == best else BAR}"/>'
                   f'<text x="{x + band / 2:.1f}" y="{top_y - 4:.1f}" text-anchor="middle" '
                   f'font-size="{PROBABILITY_TEXT}" fill="{TEXT}">{p:.0%}</text>'
                   f'<text x="{x + band / 2:.1f}" y="{y(0) + 15:.1f}" text-anchor="middle" '
                   f'font-size="{PROBABILITY_TEXT}" fill="{TEXT}">{d}</text></g>')
    out.append(f'<text x="{left + (W - left - right) / 2:.1f}" y="{H - 7}" text-anchor="middle" '
               f'font-size="{PROBABILITY_TEXT}" fill="{TEXT}">digit</text>')
    every = ", ".join(f"{d}: {p:.1%}" for d, p in enumerate(proba))
    title = (f"P(digit), softmax: most likely {best} ({proba[best]:.0%})" if read
             else "P(digit), softmax: no image read yet")
    return _svg("digits-probabilities", W, H, title, f"The ten probabilities, digit: P. {every}.", out, "380px")


def _pixel_grid(image: np.ndarray, grid_x: float, grid_y: float, cell: int) -> list[str]:
    """The input layer of Figure 7-8: the 8x8 image as grey cells, each with its value in its hover text."""
    out = []
    out.append(f'<g class="layer-title">{_label(grid_x + 4 * cell, grid_y - 14, ["inputs: 8x8 pixels"], size=LABEL_TEXT)}'
               '</g>')
    out.append(f'<g class="inputs"><rect x="{grid_x - 1}" y="{grid_y - 1:.1f}" width="{8 * cell + 1}" '
               f'height="{8 * cell + 1}" fill="#e9ecef" stroke="#ced4da"/>')
    greys = digit_rgb(image)
    for (r, c), v in np.ndenumerate(image):
        g = _hex(greys[r, c])
        out.append(f'<rect class="pixel" data-row="{r}" data-column="{c}" data-value="{float(v)!r}" '
                   f'x="{grid_x + c * cell}" y="{grid_y + r * cell:.1f}" width="{cell - 1}" height="{cell - 1}" '
                   f'fill="{g}">' + _title(f"pixel (row {r + 1}, column {c + 1}) = {v:.0f}") + "</rect>")
    out.append("</g>")
    return out


LABEL_TEXT = 12   # Figure 7-8's smallest text (its layers' titles and the digits beside the outputs), in its units
# Figure 7-8's layouts: its width, the input grid's cell and left edge, the first and the last layer's column, the
# widest it is drawn (CSS px) and the suffix of its ids. The narrow one is for a phone's or a tablet's column, where
# the wide one's labels were 4.8 and 6.5 px.
NETWORK_WIDE = (900, 20, 24, 320, 790, "100%", "")
NETWORK_NARROW = (384, 12, 10, 172, 334, "520px", "-narrow")   # 10-px text from a 320-px box


def network_svg(model: Network, reading: Reading) -> str:
    """Figure 7-8 for this network: the 8x8 input grid, each hidden layer's nodes shaded by their activation
    (scaled to the layer's largest |A|), the ten outputs sized and shaded by probability, and the strongest
    contributions w·a between the later layers (orange positive, blue negative), drawn for a wide box and for a
    narrow one (fit.fitted). The 64 x n connections from the pixels are left out: the weight tiles show them."""
    wide, narrow = (_network_drawing(model, reading, *layout) for layout in (NETWORK_WIDE, NETWORK_NARROW))
    return fitted(wide, narrow, below(NETWORK_WIDE[0], LABEL_TEXT))


def _network_drawing(model: Network, reading: Reading, W: int, cell: int, grid_x: int, first: int, last: int,
                     max_width: str, ids: str) -> str:
    acts = [a[:, 0] for a in reading.forward.A]
    n_layers = len(acts)
    H = 460
    grid_y = (H - 8 * cell) / 2 + 10
    xs = [first + (last - first) * i / max(n_layers - 1, 1) for i in range(n_layers)]
    ys = [np.linspace(60, H - 20, len(a)) if len(a) > 1 else np.array([(60 + H - 20) / 2]) for a in acts]
    out = ['<g class="edges" stroke-linecap="round">']
    for layer in range(1, n_layers):
        contrib = model.weights_[layer] * acts[layer - 1][None, :]
        for k in np.argsort(-np.abs(contrib).ravel(), kind="stable")[:MAX_EDGES]:
            i, j = divmod(int(k), contrib.shape[1])
            c = float(contrib[i, j])
            if c == 0:
                continue
            dst = f"output {i}" if layer == n_layers - 1 else f"hidden {layer + 1}, node {i + 1}"
            out.append(f'<line class="edge" data-layer="{layer}" data-from="{j}" data-to="{i}" '
                       f'data-contribution="{c!r}" x1="{xs[layer - 1]:.1f}" y1="{ys[layer - 1][j]:.1f}" '
                       f'x2="{xs[layer]:.1f}" y2="{ys[layer][i]:.1f}" stroke="{POSITIVE if c > 0 else NEGATIVE}" '
                       f'stroke-opacity="0.45">' + _title(f"w·a = {c:+.3f}: hidden {layer}, node {j + 1} → {dst}")
                       + "</line>")
    out.append("</g>")
    out += _pixel_grid(reading.image, grid_x, grid_y, cell)
    labels = [f"hidden {i + 1}: {len(a)}" for i, a in enumerate(acts[:-1])] + ["softmax: 10"]
    for x, t in zip(xs, labels):
        out.append(f'<g class="layer-title">{_label(x, 26, [t], size=LABEL_TEXT)}</g>')
    for layer, (x, y, a) in enumerate(zip(xs, ys, acts)):
        out_layer = layer == n_layers - 1
        scale = 1.0 if out_layer else max(float(np.max(np.abs(a))), 1e-9)
        gap = float(y[1] - y[0]) if len(y) > 1 else 20.0
        for j, (yj, aj) in enumerate(zip(y, a)):
            aj = float(aj)
            if out_layer:
                r, data, hover = 7 + 10 * aj, f'data-p="{aj!r}"', f"P({j}) = {aj:.3f}"
            else:
                r, data = min(7.0, 0.42 * gap), f'data-a="{aj!r}"'
                hover = f"hidden layer {layer + 1}, node {j + 1}: A = {aj:.3f}"
            label = _label(x + r + 5, yj + 4, [str(j)], anchor="start") if out_layer else ""
            out.append(f'<g class="node" data-layer="{layer + 1}" data-index="{j}" {data}>{_title(hover)}'
                       f'<circle cx="{x:.1f}" cy="{yj:.1f}" r="{r:.1f}" fill="{shade(aj / scale)}" stroke="{INK}" '
                       f'stroke-width="1"/>{label}</g>')
    widths = ", ".join(str(len(a)) for a in acts[:-1])
    top2 = np.argsort(-reading.proba, kind="stable")[:2]
    title = f"Figure 7-8 for this image: the network reads {reading.digit} (P = {reading.confidence:.3f})"
    desc = (f"64 pixel inputs (an 8x8 image, 0–16) feed hidden layers of {widths} {model.activation} nodes and 10 "
            f"softmax outputs. Hidden nodes are shaded by their activation A: orange positive, blue negative, white "
            f"zero. The most likely digits: {top2[0]} ({reading.proba[top2[0]]:.1%}), then {top2[1]} "
            f"({reading.proba[top2[1]]:.1%}). Lines are the {MAX_EDGES} strongest contributions w·a into each "
            "later layer.")
    return _svg("digits-network", W, H, title, desc, out, max_width, ids)


def weight_tiles_html(W1: np.ndarray) -> str:
    """Each first-layer node's 64 weights as an 8x8 picture (orange positive, blue negative, one scale for all
    tiles, the largest |weight| full colour): what it looks for. The tiles wrap to the page's width."""
    W1 = np.asarray(W1, dtype=float)
    lim = float(np.max(np.abs(W1))) or 1.0
    tiles = []
    for k, w in enumerate(W1):
        lo, hi = float(w.min()), float(w.max())
        alt = f"node {k + 1}: weights from {lo:+.3f} to {hi:+.3f}"
        tiles.append(f'<div class="tile" data-node="{k}" data-min="{lo!r}" data-max="{hi!r}" title="{alt}" '
                     f'style="text-align: center">'
                     f'{img(diverging_rgb(w.reshape(8, 8) / lim, POSITIVE, NEGATIVE), alt, "weights", TILE_SCALE)}'
                     f'<div style="font-size: 0.8rem">node {k + 1}</div></div>')
    return (f'<div id="digits-tiles" data-nodes="{len(W1)}" data-limit="{lim!r}" style="font-family: {FONT_FAMILY}; '
            f'color: {TEXT}"><div style="display: flex; flex-wrap: wrap; gap: 10px">{"".join(tiles)}</div>'
            f'<p style="font-size: 0.85rem; margin: 0.4rem 0 0">One scale for every tile: full orange is a weight '
            f'of {lim:+.3f}, full blue {-lim:+.3f}, white 0.</p></div>')


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
