"""The cost surface, drawn: a map of the cost over two parameters (SVG), the run's path, the gradient's arrow.

A pure function of a `fontnet.surface.Surface`: numbers and the engine's own parameter names in, markup out.
The map is quantised into bands spaced on a log scale (so the valley's shape shows however steep the walls are), drawn
as one small picture (a PNG pixel per grid value) with a line at each band's edge; the colour key gives each
band's costs. No charting library: the browser draws it at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

import numpy as np

from ..surface import Surface, descends
from .fit import below, fitted
from .network import FONT_FAMILY, TEXT
from .raster import data_uri, hex_rgb
from .training import contour_segments

# ColorBrewer's YlGnBu: a low cost is pale, a high cost dark blue; the path's orange stands out on both
BANDS = ("#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#253494", "#081d58")
PATH = "#d9480f"
FINE = "#7048e8"
ARROW = "#111111"


@dataclass(frozen=True)
class Layout:
    """Where a drawing puts the map: its size, the plot's left edge, top, width and height, the colour key's left
    edge and text size (the smallest text), the gradient arrow's length (the drawing's units), the widest it is
    drawn (CSS px) and the suffix of its ids (the two drawings of one figure are on the page together)."""

    width: int
    height: int
    left: int
    top: int
    plot_w: int
    plot_h: int
    key_x: int
    key_text: int
    arrow: int
    max_px: int
    ids: str


WIDE = Layout(640, 470, 70, 14, 420, 390, 512, 11, 60, 640, "w")
NARROW = Layout(384, 360, 54, 14, 198, 280, 266, 12, 40, 480, "n")   # 10-px text from a 320-px box (a 360-px phone's column is 328)


def band_edges(cost: np.ndarray, bands: int = len(BANDS)) -> np.ndarray:
    """Band edges from the lowest cost to the highest, spaced evenly on a log scale (a cost is never negative):
    the valley, where the costs differ least, gets as many bands as the walls."""
    finite = cost[np.isfinite(cost)]
    lo, hi = float(finite.min()), float(finite.max())
    if not hi > lo:
        return np.array([lo, hi])
    return np.geomspace(lo, hi, bands + 1) if lo > 0 else np.linspace(lo, hi, bands + 1)


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round numbers between lo and hi, about `count` of them (steps of 1, 2 or 5 times a power of ten)."""
    span = hi - lo
    if not span > 0:
        return [lo]
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step) * step
    return [round(first + k * step, 12) for k in range(int((hi - first) / step + 1e-9) + 1)]


def _fmt(v: float) -> str:
    return f"{v:.3g}"


def surface_svg(s: Surface, step: tuple[tuple[float, float], tuple[float, float]] | None = None,
                label: str = "") -> str:
    """The map as inline SVG, drawn for a wide and a narrow box (fit.fitted): bands of cost, the path of
    checkpoints (orange, from a hollow start to the filled current point), the first updates one by one (purple,
    thin), the downhill arrow (black) and, given `step` ((before), (after)), one update drawn as a dashed arrow.
    `label` is the app's own words for the accessible name. Elements carry their numbers as data attributes for
    tests."""
    edges = band_edges(s.cost)
    band = np.clip(np.searchsorted(edges, s.cost, side="right") - 1, 0, len(edges) - 2)
    rgb = np.array([hex_rgb(c) for c in BANDS])[band % len(BANDS)][::-1]
    bands = data_uri(rgb)   # one picture, shared by both drawings
    wide, narrow = (_drawing(s, step, label, edges, bands, at) for at in (WIDE, NARROW))
    return fitted(wide, narrow, below(WIDE.width, WIDE.key_text))


def _drawing(s: Surface, step, label: str, edges: np.ndarray, bands: str, at: Layout) -> str:
    LEFT, TOP, PLOT_W, PLOT_H = at.left, at.top, at.plot_w, at.plot_h
    n_b, n_a = s.cost.shape
    a0, a1, b0, b1 = float(s.a[0]), float(s.a[-1]), float(s.b[0]), float(s.b[-1])

    def px(a: float) -> float:
        return LEFT + (a - a0) / (a1 - a0) * PLOT_W

    def py(b: float) -> float:
        return TOP + PLOT_H - (b - b0) / (b1 - b0) * PLOT_H

    cw, ch = PLOT_W / (n_a - 1), PLOT_H / (n_b - 1)
    name = label or f"The cost over {s.names[0]} and {s.names[1]}"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="fontnet-surface" viewBox="0 0 {at.width} {at.height}" '
           f'width="100%" role="img" aria-label="{escape(name)}" data-pair="{s.pair[0]},{s.pair[1]}" '
           f'data-point="{s.point[0]!r},{s.point[1]!r}" data-point-cost="{s.point_cost!r}" '
           f'data-path-points="{len(s.path)}" style="display: block; width: 100%; max-width: {at.max_px}px; '
           f'height: auto; font-family: {FONT_FAMILY}">',
           f'<defs><clipPath id="surface-plot-{at.ids}"><rect x="{LEFT}" y="{TOP}" width="{PLOT_W}" height="{PLOT_H}"/>'
           f'</clipPath><marker id="surface-head-{at.ids}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
           'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="context-stroke"/>'
           '</marker></defs>',
           f'<g clip-path="url(#surface-plot-{at.ids})">']
    # the bands as one picture, a pixel per grid value (row 0 at the bottom), each pixel centred on its value
    out.append(f'<image class="bands" href="{bands}" x="{LEFT - cw / 2:.2f}" y="{TOP - ch / 2:.2f}" '
               f'width="{n_a * cw:.2f}" height="{n_b * ch:.2f}" preserveAspectRatio="none" '
               'style="image-rendering: pixelated"/>')
    out.append("</g>")
    if n_a == n_b:   # the band edges as lines (marching squares on the grid's index space)
        idx = np.arange(n_a, dtype=float)
        parts = []
        for level in edges[1:-1]:
            for x0, y0, x1, y1 in contour_segments(idx, s.cost, float(level)):
                parts.append(f"M{LEFT + x0 * cw:.1f},{TOP + PLOT_H - y0 * ch:.1f}"
                             f"L{LEFT + x1 * cw:.1f},{TOP + PLOT_H - y1 * ch:.1f}")
        if parts:
            out.append(f'<path class="contours" d="{"".join(parts)}" stroke="#ffffff" stroke-opacity="0.7" '
                       'stroke-width="0.8" fill="none"/>')
    out.append(f'<rect x="{LEFT}" y="{TOP}" width="{PLOT_W}" height="{PLOT_H}" fill="none" stroke="#868e96"/>')
    out += _axes(s, px, py, at)
    out.append(f'<g clip-path="url(#surface-plot-{at.ids})">')
    if len(s.fine) > 1:
        pts = " ".join(f"{px(a):.1f},{py(b):.1f}" for a, b in s.fine)
        out.append(f'<polyline class="fine" points="{pts}" fill="none" stroke="{FINE}" stroke-width="1.2" '
                   f'stroke-linejoin="round" data-points="{len(s.fine)}"/>')
    if len(s.path) > 1:
        pts = " ".join(f"{px(a):.1f},{py(b):.1f}" for a, b in s.path)
        out.append(f'<polyline class="path" points="{pts}" fill="none" stroke="#ffffff" stroke-width="4.5" '
                   f'stroke-linejoin="round"/><polyline points="{pts}" fill="none" stroke="{PATH}" '
                   'stroke-width="2" stroke-linejoin="round"/>')
        sa, sb = s.path[0]
        out.append(f'<circle class="start" cx="{px(sa):.1f}" cy="{py(sb):.1f}" r="5" fill="#ffffff" '
                   f'stroke="{PATH}" stroke-width="2"/>')
    if step is not None:
        (ba, bb), (aa, ab) = step
        out.append(f'<line class="step" x1="{px(ba):.1f}" y1="{py(bb):.1f}" x2="{px(aa):.1f}" y2="{py(ab):.1f}" '
                   f'stroke="{PATH}" stroke-width="2.5" stroke-dasharray="6 4" marker-end="url(#surface-head-{at.ids})" '
                   f'data-after="{aa!r},{ab!r}"/>')
    cx, cy = px(s.point[0]), py(s.point[1])
    d = descends(s)
    vx, vy = d[0] * PLOT_W / (a1 - a0), -d[1] * PLOT_H / (b1 - b0)
    length = math.hypot(vx, vy)
    if length > 0 and math.isfinite(length):
        ex, ey = cx + vx / length * at.arrow, cy + vy / length * at.arrow
        out.append(f'<line class="gradient" x1="{cx:.1f}" y1="{cy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" stroke="#ffffff" '
                   f'stroke-width="5"/><line x1="{cx:.1f}" y1="{cy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" '
                   f'stroke="{ARROW}" stroke-width="2" marker-end="url(#surface-head-{at.ids})" '
                   f'data-slope="{s.slope[0]!r},{s.slope[1]!r}"/>')
    out.append(f'<circle class="current" cx="{cx:.1f}" cy="{cy:.1f}" r="6" fill="{PATH}" stroke="#111111" '
               'stroke-width="1.5"/>')
    out.append("</g>")
    out += _key(edges, at)
    out.append("</svg>")
    return "".join(out)


def _axes(s: Surface, px, py, at: Layout) -> list[str]:
    LEFT, TOP, PLOT_W, PLOT_H = at.left, at.top, at.plot_w, at.plot_h
    out = []
    bottom = TOP + PLOT_H
    for t in nice_ticks(float(s.a[0]), float(s.a[-1])):
        x = px(t)
        out.append(f'<line x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 5}" stroke="#868e96"/>'
                   f'<text x="{x:.1f}" y="{bottom + 18}" text-anchor="middle" font-size="12" fill="{TEXT}">'
                   f'{_fmt(t)}</text>')
    for t in nice_ticks(float(s.b[0]), float(s.b[-1])):
        y = py(t)
        out.append(f'<line x1="{LEFT - 5}" y1="{y:.1f}" x2="{LEFT}" y2="{y:.1f}" stroke="#868e96"/>'
                   f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="{TEXT}">'
                   f'{_fmt(t)}</text>')
    out.append(f'<text x="{LEFT + PLOT_W / 2:.1f}" y="{bottom + 40}" text-anchor="middle" font-size="14" '
               f'font-weight="600" fill="{TEXT}">{escape(s.names[0])}</text>')
    out.append(f'<text x="16" y="{TOP + PLOT_H / 2:.1f}" text-anchor="middle" font-size="14" font-weight="600" '
               f'fill="{TEXT}" transform="rotate(-90 16 {TOP + PLOT_H / 2:.1f})">{escape(s.names[1])}</text>')
    return out


def _key(edges: np.ndarray, at: Layout) -> list[str]:
    """The colour key: one swatch per band, its costs beside it, the lowest at the bottom."""
    TOP, PLOT_H, KEY_X, KEY_TEXT = at.top, at.plot_h, at.key_x, at.key_text
    n = len(edges) - 1
    h = PLOT_H / max(n, 1)
    out = [f'<text x="{KEY_X}" y="{TOP - 2 + 10}" font-size="{KEY_TEXT}" fill="{TEXT}">cost</text>']
    for k in range(n):
        y = TOP + 16 + (n - 1 - k) * (h - 16 / n)
        out.append(f'<rect x="{KEY_X}" y="{y:.1f}" width="14" height="{h - 16 / n:.1f}" fill="{BANDS[k % len(BANDS)]}" '
                   f'stroke="#868e96" stroke-width="0.5"/><text x="{KEY_X + 19}" y="{y + (h - 16 / n) / 2 + 4:.1f}" '
                   f'font-size="{KEY_TEXT}" fill="{TEXT}">{_fmt(edges[k])}–{_fmt(edges[k + 1])}</text>')
    return out
