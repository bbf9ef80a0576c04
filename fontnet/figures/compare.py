"""Kept runs, drawn: their training loss over the iterations in one chart (SVG), one colour each, with a legend.

A pure function: the runs' curves and the app's own labels in, markup out (every text escaped).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

import numpy as np

from .network import FONT_FAMILY, TEXT
from .surface import nice_ticks

COLOURS = ("#d9480f", "#1c7ed6", "#2b8a3e", "#7048e8", "#495057")   # distinct on white, 4.5:1 or more
WIDTH, HEIGHT = 720, 320
LEFT, TOP, PLOT_W, PLOT_H = 64, 12, 630, 240


def loss_chart_svg(curves: Sequence[tuple[np.ndarray, np.ndarray]], names: Sequence[str], x_max: float) -> str:
    """Each run's training loss (y, log scale) against iteration (x, 0 to `x_max`); `names` label the runs in
    the legend below. Non-finite and non-positive losses are left out (a gap)."""
    finite = [ln[np.isfinite(ln) & (ln > 0)] for _, ln in curves]
    values = np.concatenate(finite) if finite else np.empty(0)
    lo, hi = (float(values.min()), float(values.max())) if len(values) else (1e-3, 1.0)
    lo_e, hi_e = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    if hi_e == lo_e:
        hi_e += 1
    x_max = max(float(x_max), 1.0)

    def px(x: float) -> float:
        return LEFT + x / x_max * PLOT_W

    def py(v: float) -> float:
        return TOP + PLOT_H - (math.log10(v) - lo_e) / (hi_e - lo_e) * PLOT_H

    height = HEIGHT + 22 * max(len(names) - 1, 0)   # the legend: one line per run
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="fontnet-compare" viewBox="0 0 {WIDTH} {height}" '
           f'width="100%" role="img" aria-label="Training loss of the kept runs" data-runs="{len(curves)}" '
           f'style="display: block; width: 100%; max-width: {WIDTH}px; height: auto; font-family: {FONT_FAMILY}">',
           f'<rect x="{LEFT}" y="{TOP}" width="{PLOT_W}" height="{PLOT_H}" fill="#ffffff" stroke="#868e96"/>']
    for e in range(lo_e, hi_e + 1):
        y = py(10.0 ** e)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + PLOT_W}" y2="{y:.1f}" stroke="#ebe9e3"/>'
                   f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="{TEXT}">'
                   f'{10.0 ** e:g}</text>')
    for t in nice_ticks(0, x_max):
        x = px(t)
        out.append(f'<line x1="{x:.1f}" y1="{TOP + PLOT_H}" x2="{x:.1f}" y2="{TOP + PLOT_H + 5}" stroke="#868e96"/>'
                   f'<text x="{x:.1f}" y="{TOP + PLOT_H + 18}" text-anchor="middle" font-size="12" fill="{TEXT}">'
                   f'{t:,.0f}</text>')
    out.append(f'<text x="{LEFT + PLOT_W / 2}" y="{TOP + PLOT_H + 36}" text-anchor="middle" font-size="13" '
               f'fill="{TEXT}">iteration</text><text x="14" y="{TOP + PLOT_H / 2}" text-anchor="middle" '
               f'font-size="13" fill="{TEXT}" transform="rotate(-90 14 {TOP + PLOT_H / 2})">training loss</text>')
    for k, ((it, loss), name) in enumerate(zip(curves, names)):
        colour = COLOURS[k % len(COLOURS)]
        ok = np.isfinite(loss) & (loss > 0)
        pts = " ".join(f"{px(x):.1f},{py(v):.1f}" for x, v in zip(np.asarray(it)[ok], np.asarray(loss)[ok]))
        out.append(f'<polyline class="run" data-run="{k + 1}" points="{pts}" fill="none" stroke="{colour}" '
                   f'stroke-width="2" stroke-linejoin="round"/>')
        lx, ly = LEFT, TOP + PLOT_H + 58 + 22 * k
        out.append(f'<line x1="{lx:.1f}" y1="{ly - 4}" x2="{lx + 24:.1f}" y2="{ly - 4}" stroke="{colour}" '
                   f'stroke-width="3"/><text x="{lx + 30:.1f}" y="{ly}" font-size="13" fill="{TEXT}">'
                   f'{escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)
