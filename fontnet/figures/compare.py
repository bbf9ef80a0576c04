"""Kept runs, drawn: their training loss over the iterations in one chart (SVG), one colour each, with a legend
(text under the chart).

A pure function: the runs' curves and the app's own labels in, markup out (every text escaped).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import numpy as np

from .fit import below, fitted
from .network import FONT_FAMILY, TEXT
from .surface import nice_ticks

COLOURS = ("#d9480f", "#1c7ed6", "#2b8a3e", "#7048e8", "#495057")   # distinct on white, 4.5:1 or more
TICK, TITLE = 12, 13   # the text's sizes, in the drawing's units


@dataclass(frozen=True)
class Layout:
    """Where a drawing puts its plot: its width, the plot's left edge, top, width and height (the drawing's units;
    what is left on the right holds the last x tick's label)."""

    width: int
    left: int
    top: int
    plot_w: int
    plot_h: int
    max_px: int   # drawn at most this wide (CSS px)


WIDE = Layout(720, 64, 12, 630, 240, 720)
NARROW = Layout(360, 54, 12, 282, 200, 480)   # a phone's column: the same text at 10 px or more from 300 px


def loss_chart_svg(curves: Sequence[tuple[np.ndarray, np.ndarray]], names: Sequence[str], x_max: float) -> str:
    """Each run's training loss (y, log scale) against iteration (x, 0 to `x_max`), drawn for a wide and a narrow
    box (fit.fitted), then the legend naming the runs as text, which wraps to any width. Non-finite and
    non-positive losses are left out (a gap)."""
    finite = [ln[np.isfinite(ln) & (ln > 0)] for _, ln in curves]
    values = np.concatenate(finite) if finite else np.empty(0)
    lo, hi = (float(values.min()), float(values.max())) if len(values) else (1e-3, 1.0)
    lo_e, hi_e = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    if hi_e == lo_e:
        hi_e += 1
    x_max = max(float(x_max), 1.0)
    wide, narrow = (_drawing(curves, (lo_e, hi_e), x_max, layout) for layout in (WIDE, NARROW))
    legend = "".join(f'<li style="display: flex; gap: 8px; align-items: center; margin: 0">'
                     f'<span aria-hidden="true" style="flex: none; width: 24px; border-top: 3px solid '
                     f'{COLOURS[k % len(COLOURS)]}"></span><span>{escape(name)}</span></li>'
                     for k, name in enumerate(names))
    return (fitted(wide, narrow, below(WIDE.width, TICK))
            + '<ul class="fontnet-compare-legend" style="list-style: none; margin: 4px 0 0; padding: 0; '
              f'font-size: 0.875rem">{legend}</ul>')


def _drawing(curves: Sequence[tuple[np.ndarray, np.ndarray]], decades: tuple[int, int], x_max: float,
             at: Layout) -> str:
    lo_e, hi_e = decades

    def px(x: float) -> float:
        return at.left + x / x_max * at.plot_w

    def py(v: float) -> float:
        return at.top + at.plot_h - (math.log10(v) - lo_e) / (hi_e - lo_e) * at.plot_h

    bottom = at.top + at.plot_h
    height = bottom + 44
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="fontnet-compare" viewBox="0 0 {at.width} {height}" '
           f'width="100%" role="img" aria-label="Training loss of the kept runs" data-runs="{len(curves)}" '
           f'style="display: block; width: 100%; max-width: {at.max_px}px; height: auto; font-family: {FONT_FAMILY}">',
           f'<rect x="{at.left}" y="{at.top}" width="{at.plot_w}" height="{at.plot_h}" fill="#ffffff" '
           'stroke="#868e96"/>']
    for e in range(lo_e, hi_e + 1):
        y = py(10.0 ** e)
        out.append(f'<line x1="{at.left}" y1="{y:.1f}" x2="{at.left + at.plot_w}" y2="{y:.1f}" stroke="#ebe9e3"/>'
                   f'<text x="{at.left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="{TICK}" fill="{TEXT}">'
                   f'{10.0 ** e:g}</text>')
    for t in nice_ticks(0, x_max):
        x = px(t)
        out.append(f'<line x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 5}" stroke="#868e96"/>'
                   f'<text x="{x:.1f}" y="{bottom + 18}" text-anchor="middle" font-size="{TICK}" fill="{TEXT}">'
                   f'{t:,.0f}</text>')
    out.append(f'<text x="{at.left + at.plot_w / 2}" y="{bottom + 36}" text-anchor="middle" font-size="{TITLE}" '
               f'fill="{TEXT}">iteration</text><text x="14" y="{at.top + at.plot_h / 2}" text-anchor="middle" '
               f'font-size="{TITLE}" fill="{TEXT}" transform="rotate(-90 14 {at.top + at.plot_h / 2})">training loss'
               '</text>')
    for k, (it, loss) in enumerate(curves):
        ok = np.isfinite(loss) & (loss > 0)
        pts = " ".join(f"{px(x):.1f},{py(v):.1f}" for x, v in zip(np.asarray(it)[ok], np.asarray(loss)[ok]))
        out.append(f'<polyline class="run" data-run="{k + 1}" points="{pts}" fill="none" '
                   f'stroke="{COLOURS[k % len(COLOURS)]}" stroke-width="2" stroke-linejoin="round"/>')
    out.append("</svg>")
    return "".join(out)
