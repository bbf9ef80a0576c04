"""The digits it gets wrong, drawn: an 8x8 image in greys, its attribution in orange and blue (as the weight
tiles: orange pushed the prediction up, blue down), and one card per test image of a confusion cell.

Pure functions: numbers in, markup out; the only text is the app's own and numbers.
"""

from __future__ import annotations

import numpy as np

from ..mistakes import Case
from .network import FONT_FAMILY, NEGATIVE, POSITIVE, TEXT

CELL = 12   # pixels per image cell


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)


_CELLS = [f'<rect x="{(k % 8) * CELL}" y="{(k // 8) * CELL}" width="{CELL}" height="{CELL}" fill="' for k in range(64)]


def _grid(colours: list[str], label: str, cls: str) -> str:
    rects = "".join(f'{cell}{c}"/>' for cell, c in zip(_CELLS, colours))
    size = 8 * CELL
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="{cls}" viewBox="0 0 {size} {size}" width="{size}" '
            f'height="{size}" role="img" aria-label="{label}" shape-rendering="crispEdges" '
            f'style="border: 1px solid #ced4da">{rects}</svg>')


def digit_svg(image: np.ndarray) -> str:
    """An 8x8 image of 0-16 values: 0 white, 16 black, as the Digits page's preview."""
    grey = (255 - np.clip(np.asarray(image, dtype=float).ravel(), 0, 16) * 255 / 16).round().astype(int).tolist()
    return _grid([f"rgb({g},{g},{g})" for g in grey], "the 8x8 image", "digit-image")


def attribution_svg(attribution: np.ndarray) -> str:
    """Each pixel's share of the score: orange where it raised the predicted digit's logit, blue where it lowered
    it, white where it did nothing; the strongest pixel in either direction is full colour."""
    a = np.asarray(attribution, dtype=float).ravel()
    v = a / (float(np.max(np.abs(a))) or 1.0)
    white = np.array([255.0, 255.0, 255.0])
    ends = np.where(v[:, None] >= 0, _rgb(POSITIVE), _rgb(NEGATIVE))
    rgb = np.round(white + (ends - white) * np.abs(v)[:, None]).astype(int).tolist()
    return _grid([f"rgb({r},{g},{b})" for r, g, b in rgb], "which pixels pushed the prediction: orange up, blue down",
                 "digit-attribution")


def case_html(c: Case) -> str:
    """One test image's card: the image, its attribution, the true digit, the prediction and the second choice."""
    return (f'<div class="digit-case" data-index="{c.index}" data-true="{c.true}" data-predicted="{c.predicted}" '
            f'style="width: 212px; font-size: 0.85rem; line-height: 1.35">'
            f'<div style="display: flex; gap: 6px">{digit_svg(c.image)}{attribution_svg(c.attribution)}</div>'
            f'<div>test image {c.index}: true <b>{c.true}</b></div>'
            f'<div>predicted <b>{c.predicted}</b> ({c.p_predicted:.1%}), then {c.second} ({c.p_second:.1%})</div>'
            '</div>')


def cell_html(cases: list[Case]) -> str:
    """Every card of a cell in one block that wraps (one element for the page to send, however many images)."""
    return (f'<div id="digits-cell" data-images="{len(cases)}" style="display: flex; flex-wrap: wrap; gap: 14px; '
            f'font-family: {FONT_FAMILY}; color: {TEXT}">{"".join(case_html(c) for c in cases)}</div>')
