"""Figures of the Activations page: the curves of Table 7-1, softmax's probabilities, gradients through depth.

Light on a first visit: the curves and the gradient are line charts for the vendored uPlot (a spec and its points,
drawn by static/live_chart.js, whose legend reads every value under the pointer), and softmax's outputs are
server-drawn SVG bars with their numbers printed. No charting library has to be parsed before the page's
controls work.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

import numpy as np

from fontnet.activations import ACTIVATIONS
from fontnet.parsing import counted

from .fit import below, fitted
from .live import lines_spec
from .training import FONT, PALETTE

# One colour per function, from the project's palette, so a function keeps its colour whichever others are shown.
COLOURS: dict[str, str] = {
    "linear": PALETTE[8], "logistic": PALETTE[1], "tanh": PALETTE[2],
    "relu": PALETTE[7], "leaky_relu": PALETTE[0], "softmax": PALETTE[3],
}
ARGMAX_COLOUR, OTHER_COLOUR = PALETTE[0], "#a5c8ec"
CURVES_HEIGHT = 360
GRADIENT_HEIGHT = 320


def values(a: np.ndarray) -> list:
    """Floats at full precision (the page's numbers, as fontnet computes them), NaN and infinities as None."""
    return [float(v) if np.isfinite(v) else None for v in np.asarray(a, dtype=float)]


def curves_title(derivatives: bool) -> str:
    return "Activation functions" + (" and their derivatives (dashed)" if derivatives else "")


def curves_spec(names: Sequence[str], x_min: float, x_max: float, derivatives: bool = True) -> dict:
    """One solid line per activation; with `derivatives`, f' dashed in the same colour after it. The legend under
    the chart reads f(x) and f'(x) where the pointer is, to four decimals."""
    series = []
    for name in names:
        label, colour = ACTIVATIONS[name].label, COLOURS[name]
        series.append({"label": label, "color": colour, "dash": "solid", "width": 2.5, "scale": "y", "meta": name})
        if derivatives:
            series.append({"label": f"{label}′", "color": colour, "dash": "dash", "width": 2, "scale": "y",
                           "meta": f"d_{name}"})
    shown = ", ".join(ACTIVATIONS[n].label for n in names)
    alt = (f"{curves_title(derivatives)}, x from {x_min:g} to {x_max:g}: {shown}"
           f"{', each with its derivative dashed' if derivatives else ''}. The legend under the chart reads every "
           "value under the pointer; each function's formula is written below.")
    return lines_spec("x (the weighted sum into a node)", x_max, {"y": {"label": "f(x)", "side": "left"}}, series,
                      CURVES_HEIGHT, x_min=x_min, readout={"x_decimals": 2, "decimals": 4}, alt=alt)


def curves_points(x: np.ndarray, curves: Mapping[str, tuple[np.ndarray, np.ndarray]],
                  derivatives: bool = True) -> dict:
    """The columns `curves_spec` draws: x, then f (and f') of every activation (name -> (f(x), f'(x)))."""
    ys = []
    for y, dy in curves.values():
        ys.append(values(y))
        if derivatives:
            ys.append(values(dy))
    return {"x": values(x), "ys": ys}


def softmax_class_names(n: int) -> list[str]:
    """The digits 0–9 for ten outputs (the chapter's multi-output example), else class 1..n."""
    return [str(i) for i in range(10)] if n == 10 else [f"class {i + 1}" for i in range(n)]


def softmax_title(p: np.ndarray, temperature: float) -> str:
    return f"Softmax outputs at temperature {temperature:g} (sum = {float(np.sum(p)):.3f})"


SOFTMAX_TICK = 11   # the smallest text (the axis's ticks and the printed probabilities), in the drawing's units


def softmax_svg(probabilities: np.ndarray, names: Sequence[str] | None = None, temperature: float = 1.0) -> str:
    """Bars of softmax outputs on a 0-1 axis, each with its probability printed above it; the argmax in its own
    colour and labelled; drawn for a wide box and, narrower, for a phone's (fit.fitted). Each bar carries its class
    and probability as data-* attributes (for tests)."""
    p = np.asarray(probabilities, dtype=float)
    names = list(names) if names is not None else softmax_class_names(len(p))
    wide, narrow = (_softmax_drawing(p, names, temperature, narrow) for narrow in (False, True))
    m, plot_w, _ = _softmax_layout(len(p), narrow=False)
    return fitted(wide, narrow, below(plot_w + m["l"] + m["r"], SOFTMAX_TICK))


def _softmax_layout(n: int, narrow: bool) -> tuple[dict, int, int]:
    """The margins, the plot's width and its height for n bars: narrower slots for a phone's box."""
    if narrow:
        return dict(l=50, r=8, t=52, b=62), max(292, 34 * n), 200
    return dict(l=58, r=8, t=34, b=48), max(360, 46 * n), 220


def _softmax_drawing(p: np.ndarray, names: list[str], temperature: float, narrow: bool) -> str:
    best = int(np.argmax(p))
    ink = FONT["color"]
    title = softmax_title(p, temperature)
    m, plot_w, plot_h = _softmax_layout(len(p), narrow)
    if narrow:   # the title on two lines, a long class name on two
        head, _, tail = title.partition(" (")
        heading = (f'<text x="{m["l"]}" y="16" font-size="14" font-weight="600" fill="{ink}">{escape(head)}'
                   f'<tspan x="{m["l"]}" dy="18">({escape(tail)}</tspan></text>')
    else:
        heading = f'<text x="{m["l"]}" y="16" font-size="14" font-weight="600" fill="{ink}">{escape(title)}</text>'
    w, h = plot_w + m["l"] + m["r"], plot_h + m["t"] + m["b"]
    slot = plot_w / len(p)
    bar = min(slot * 0.7, 48)
    py = lambda v: m["t"] + plot_h - v / 1.15 * plot_h  # noqa: E731  (the axis runs to 1.15: room for the labels)
    said = ", ".join(f"{n}: {v:.3f}" for n, v in zip(names, p))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="fontnet-softmax" viewBox="0 0 {w:.0f} {h}" width="100%" '
           f'role="img" aria-label="{escape(f"{title}. {said}. The largest: {names[best]}.")}" '
           f'data-sum="{p.sum():.6f}" data-argmax="{escape(names[best])}" data-temperature="{temperature:g}" '
           f'style="display:block;width:100%;height:auto;max-width:{w * 1.5:.0f}px;font-family:{FONT["family"]}">',
           heading]
    for v in (0, 0.25, 0.5, 0.75, 1):
        out.append(f'<line x1="{m["l"]}" x2="{m["l"] + plot_w}" y1="{py(v):.1f}" y2="{py(v):.1f}" stroke="#ebe9e3"/>'
                   f'<text x="{m["l"] - 6}" y="{py(v) + 4:.1f}" font-size="{SOFTMAX_TICK}" text-anchor="end" '
                   f'fill="{ink}">{v:g}</text>')
    for i, (name, v) in enumerate(zip(names, p)):
        cx = m["l"] + (i + 0.5) * slot
        top = py(v)
        colour = ARGMAX_COLOUR if i == best else OTHER_COLOUR
        first, _, rest = name.rpartition(" ")
        if narrow and first and 6.5 * len(name) + 6 > slot:   # "class 8" as "class" over "8"
            label = f'{escape(first)}<tspan x="{cx:.1f}" dy="14">{escape(rest)}</tspan>'
        else:
            label = escape(name)
        out.append(f'<g class="bar" data-name="{escape(name)}" data-p="{float(v)!r}"{" data-argmax" if i == best else ""}>'
                   f'<rect x="{cx - bar / 2:.1f}" y="{top:.1f}" width="{bar:.1f}" height="{py(0) - top:.1f}" '
                   f'fill="{colour}"/>'
                   f'<text x="{cx:.1f}" y="{top - 4:.1f}" font-size="{SOFTMAX_TICK}" text-anchor="middle" '
                   f'fill="{ink}">{v:.3f}</text>'
                   f'<text x="{cx:.1f}" y="{py(0) + 15:.1f}" font-size="12" text-anchor="middle" fill="{ink}">'
                   f'{label}</text></g>')
    bx = m["l"] + (best + 0.5) * slot
    out.append(f'<text x="{bx:.1f}" y="{py(p[best]) - 18:.1f}" font-size="12" font-weight="600" text-anchor="middle" '
               f'fill="{ink}">argmax ↓</text>')
    out.append(f'<text x="{m["l"] + plot_w / 2:.1f}" y="{h - 6}" font-size="13" text-anchor="middle" '
               f'fill="{ink}">output node</text>'
               f'<text x="14" y="{m["t"] + plot_h / 2:.1f}" font-size="13" text-anchor="middle" fill="{ink}" '
               f'transform="rotate(-90 14 {m["t"] + plot_h / 2:.1f})">probability</text></svg>')
    return "".join(out)


GRADIENT_TITLE = "Gradient left after backpropagating through stacked layers"


def gradient_label(name: str, prod: np.ndarray) -> str:
    """A function's name, saying so when its gradient is gone (every factor 0: nothing to draw on a log axis)."""
    return ACTIVATIONS[name].label + (" (0: gradient gone)" if np.all(np.asarray(prod) == 0) else "")


def gradient_spec(products: Mapping[str, np.ndarray]) -> dict:
    """Gradient factor against depth on a log axis, one line with markers per function; the legend reads each
    product at the layer under the pointer, to three significant digits."""
    depth = max((len(p) for p in products.values()), default=1)
    series = [{"label": gradient_label(n, p), "color": COLOURS[n], "dash": "solid", "width": 2, "scale": "y",
               "points": True, "meta": n} for n, p in products.items()]
    last = "; ".join(f"{ACTIVATIONS[n].label} {float(p[-1]):.3g}" + (" (gradient gone)" if not np.any(p) else "")
                     for n, p in products.items() if len(p))
    alt = f"{GRADIENT_TITLE}, on a log axis: after {counted(depth, 'layer')}, {last}."
    # half a layer either side, so the first and last markers are drawn whole
    return lines_spec("layers", depth + 0.5, {"y": {"label": "product of derivatives (log)", "side": "left",
                                                    "log": True, "decades": True}},
                      series, GRADIENT_HEIGHT, x_min=0.5, readout={"x_decimals": 0, "significant": 3}, x_step=1,
                      alt=alt)


def gradient_points(products: Mapping[str, np.ndarray]) -> dict:
    """Layers 1..depth and each function's product; a zero (a dead ReLU) is a gap, since a log axis has no 0."""
    depth = max((len(p) for p in products.values()), default=0)
    ys = [values(np.where(np.asarray(p, dtype=float) > 0, p, np.nan)) for p in products.values()]
    return {"x": list(range(1, depth + 1)), "ys": ys}
