"""Maps over a slice of the RGB cube, drawn on the server: a small PNG of the grid under SVG lines.

Pure functions: a decision slice (P(dark text), fontnet.training) or a hidden layer's slice (each node's activation,
fontnet.node_maps) in, one inline SVG out. The grid is a 52 x 52 image (a few kilobytes, scaled smoothly by the
browser) and the lines are SVG: the formula's boundary, the network's P = 0.5 line, a node's Z = 0 line. No
charting library loads, so a page that redraws its maps on every change paints them at once.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import numpy as np
from PIL import Image

from ..node_maps import HiddenSlice
from ..training import DecisionSlice
from .fit import below, fitted
from .training import FONT, FORMULA_LINE, MAP_SCALE, NETWORK_LINE, contour_segments

NODE_SCALE = [[0.0, "#f1f3f5"], [1.0, "#d9480f"]]  # a node's activation: 0 (off) pale grey, its largest orange
NODE_LINE = "#495057"
TICKS = (0, 64, 128, 192, 255)
TICK_TEXT = 11     # the tick labels, the smallest text of a map with axes, in the drawing's units
MARGIN_X = 58      # a map with axes is this much wider than its square: the y ticks and label, "255" at the right
NARROW_SIDE = 196  # the decision map drawn again for a narrow box (a tablet's column): 10-px ticks from 234 px


@dataclass(frozen=True)
class Line:
    """Segments [x0, y0, x1, y1] in 0-255 channel units, drawn in one colour and dash."""

    segments: Sequence[Sequence[float]]
    colour: str
    dash: str = ""
    width: float = 2.0
    name: str = ""


def colour_grid(values: np.ndarray, stops: Sequence[Sequence], lo: float, hi: float) -> np.ndarray:
    """Values (rows follow y upwards) as RGB bytes through the colour stops, rows flipped so the top row is y = 255."""
    t = np.clip((np.nan_to_num(np.asarray(values, dtype=float), nan=lo) - lo) / ((hi - lo) or 1.0), 0, 1)[::-1]
    at = [float(s[0]) for s in stops]
    rgb = [[int(s[1][k:k + 2], 16) for k in (1, 3, 5)] for s in stops]
    out = np.stack([np.interp(t, at, [c[ch] for c in rgb]) for ch in range(3)], axis=-1)
    return np.round(out).astype(np.uint8)


def png_uri(rgb: np.ndarray) -> str:
    """An (h, w, 3) byte image as a PNG data URI."""
    buf = io.BytesIO()
    Image.fromarray(rgb, "RGB").save(buf, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def map_svg(image: np.ndarray, lines: Sequence[Line], x_label: str, y_label: str, *, label: str, side: int = 300,
            axes: bool = True, attrs: dict[str, str] | None = None) -> str:
    """An inline SVG: the image over a square plot of `side` units, the lines on it, and (with `axes`) ticks and
    channel names. `label` is its accessible name; `attrs` become data-* attributes (numbers, for tests)."""
    # room for the tick labels centred on the square's edges ("255" at the right and the top) and the y label
    m = dict(l=44, r=MARGIN_X - 44, t=10, b=34) if axes else dict(l=2, r=2, t=2, b=2)
    w, h = side + m["l"] + m["r"], side + m["t"] + m["b"]
    px = lambda v: m["l"] + float(v) / 255 * side  # noqa: E731
    py = lambda v: m["t"] + side - float(v) / 255 * side  # noqa: E731
    data = "".join(f' data-{escape(k)}="{escape(str(v))}"' for k, v in (attrs or {}).items())
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="fontnet-map" viewBox="0 0 {w} {h}" width="100%" '
           f'role="img" aria-label="{escape(label)}"{data} style="display:block;width:100%;height:auto;'
           f'max-width:{w * 1.6:.0f}px;font-family:{FONT["family"]}">',
           f'<image href="{png_uri(image)}" x="{m["l"]}" y="{m["t"]}" width="{side}" height="{side}" '
           'preserveAspectRatio="none"/>']
    for line in lines:
        if not len(line.segments):
            continue
        path = "".join(f"M{px(x0):.1f} {py(y0):.1f}L{px(x1):.1f} {py(y1):.1f}" for x0, y0, x1, y1 in line.segments)
        dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
        out.append(f'<path class="{escape(line.name)}" d="{path}" fill="none" stroke="{line.colour}" '
                   f'stroke-width="{line.width}"{dash} stroke-linecap="round"/>')
    out.append(f'<rect x="{m["l"]}" y="{m["t"]}" width="{side}" height="{side}" fill="none" stroke="#c9c7c0"/>')
    if axes:
        ink = FONT["color"]
        for v in TICKS:
            out.append(f'<text x="{px(v):.1f}" y="{m["t"] + side + 14}" font-size="{TICK_TEXT}" '
                       f'text-anchor="middle" fill="{ink}">{v}</text>')
            out.append(f'<text x="{m["l"] - 5}" y="{py(v) + 4:.1f}" font-size="{TICK_TEXT}" text-anchor="end" '
                       f'fill="{ink}">{v}</text>')
        out.append(f'<text x="{m["l"] + side / 2:.1f}" y="{h - 6}" font-size="13" text-anchor="middle" '
                   f'fill="{ink}">{escape(x_label)}</text>')
        out.append(f'<text x="14" y="{m["t"] + side / 2:.1f}" font-size="13" text-anchor="middle" fill="{ink}" '
                   f'transform="rotate(-90 14 {m["t"] + side / 2:.1f})">{escape(y_label)}</text>')
    out.append("</svg>")
    return "".join(out)


def _formula_line(sl: DecisionSlice) -> Line:
    segs = [[sl.boundary_x[0], sl.boundary_y[0], sl.boundary_x[-1], sl.boundary_y[-1]]] if len(sl.boundary_x) >= 2 \
        else []
    return Line(segs, FORMULA_LINE, name="formula")


def decision_map_label(sl: DecisionSlice) -> str:
    """A decision map's accessible name: what it shows, where, and how much of it the network calls dark."""
    dark = float(np.mean(sl.p_dark >= 0.5))
    return (f"P(dark text) where {sl.fixed} = {sl.value}: the network says dark on {dark:.0%} of this slice; "
            "black line: the formula's boundary, red dashes: the network's")


def decision_map_svg(sl: DecisionSlice, side: int = 300) -> str:
    """P(dark text) over the slice, the network's P = 0.5 line (red dashes) and the formula's line (black), drawn
    on a square of `side` units for a wide box and of NARROW_SIDE for a narrow one (fit.fitted)."""
    lines = [Line(contour_segments(sl.axis, sl.p_dark, 0.5), NETWORK_LINE, "6 4", name="network"), _formula_line(sl)]
    dark = float(np.mean(sl.p_dark >= 0.5))
    label = decision_map_label(sl)
    image = colour_grid(sl.p_dark, MAP_SCALE, 0.0, 1.0)
    wide, narrow = (map_svg(image, lines, sl.x_channel, sl.y_channel, label=label, side=size,
                            attrs={"dark-share": f"{dark:.4f}"}) for size in (side, min(side, NARROW_SIDE)))
    return fitted(wide, narrow, below(side + MARGIN_X, TICK_TEXT))


def node_map_svg(hs: HiddenSlice, node: int, sl: DecisionSlice, on: bool = True, side: int = 160) -> str:
    """Hidden node `node` (0-based): its activation A over the slice, pale where it is 0, its Z = 0 line (grey
    dashes) and the formula's line for reference. A node switched off is drawn faded."""
    A = hs.A[node]
    top = float(np.max(A))
    lines = [Line(contour_segments(hs.axis, hs.Z[node], 0.0), NODE_LINE, "4 3", 1.5, name="node"),
             Line(_formula_line(sl).segments, FORMULA_LINE, width=1.0, name="formula")]
    label = (f"Hidden node {node + 1}{'' if on else ', switched off'}: A from {float(np.min(A)):.3g} to {top:.3g} "
             f"where {hs.fixed} = {hs.value}")
    svg = map_svg(colour_grid(A, NODE_SCALE, 0.0, top if top > 0 else 1.0), lines, hs.x_channel, hs.y_channel,
                  label=label, side=side, axes=False, attrs={"node": str(node + 1), "max": f"{top:.6g}",
                                                             "on": "true" if on else "false"})
    return svg if on else svg.replace('class="fontnet-map"', 'class="fontnet-map off" opacity="0.35"', 1)


# ---- the same node maps as a live chart (static/live_chart.js, kind "maps"): the Train page's panel ----------------
LIVE_NODE_SIZE = 26  # a coarser grid than the decision map's: up to 16 of them go with every map update
LIVE_NODE_HEIGHT = 130
MAX_LIVE_NODES = 16


def nodes_spec(nodes: int, height: int = LIVE_NODE_HEIGHT) -> dict:
    """Small maps side by side, one per hidden node of the first layer, coloured like the Tune page's."""
    return {"kind": "maps", "count": int(min(nodes, MAX_LIVE_NODES)), "size": LIVE_NODE_SIZE, "height": int(height),
            "per_row": 8, "scale": [[float(t), c] for t, c in NODE_SCALE], "line": NODE_LINE,
            "boundary_colour": FORMULA_LINE}


def nodes_points(hs: HiddenSlice, sl: DecisionSlice) -> dict:
    """What the small maps draw: each node's A as 0-255 per cell of its own range (0 to its largest), that
    largest value, its Z = 0 line, and the formula's line."""
    tops = [float(a.max()) for a in hs.A]
    grids = [np.clip(a / (top if top > 0 else 1.0) * 255 + 0.5, 0, 255).astype(int).ravel().tolist()
             for a, top in zip(hs.A, tops)]
    return {"grids": grids, "tops": [float(f"{t:.4g}") for t in tops],
            "contours": [contour_segments(hs.axis, z, 0.0) for z in hs.Z],
            "boundary": [[round(float(v), 1) for v in seg] for seg in _formula_line(sl).segments]}
