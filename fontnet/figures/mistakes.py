"""The digits it gets wrong, drawn: an 8x8 image in greys, its attribution in orange and blue (as the weight
tiles: orange pushed the prediction up, blue down), and one card per test image of a confusion cell.

Pure functions: numbers in, markup out; the only text is the app's own and numbers. Each 8x8 picture is a tiny
PNG (a few hundred bytes, `raster.png`) shown with square pixels: a cell of 60 images stays small.
"""

from __future__ import annotations

import numpy as np

from ..mistakes import Case
from .network import FONT_FAMILY, NEGATIVE, POSITIVE, TEXT
from .raster import data_uri, diverging_rgb

SCALE = 12   # screen pixels per image pixel


def img(rgb: np.ndarray, alt: str, cls: str, scale: int = SCALE) -> str:
    """An 8x8 picture as an <img>, each pixel drawn as a `scale` x `scale` square (`alt` is the app's own words)."""
    uri = data_uri(rgb)
    size = 8 * scale
    return (f'<img class="{cls}" src="{uri}" width="{size}" height="{size}" alt="{alt}" '
            f'style="width: {size}px; height: {size}px; max-width: none; object-fit: fill; image-rendering: pixelated; '
            'border: 1px solid #ced4da">')


def digit_rgb(image: np.ndarray) -> np.ndarray:
    """An 8x8 image of 0-16 values as greys: 0 white, 16 black, as the Digits page's preview."""
    grey = np.round(255 - np.clip(np.asarray(image, dtype=float), 0, 16) * 255 / 16).astype(np.uint8)
    return np.repeat(grey.reshape(8, 8, 1), 3, axis=2)


def attribution_rgb(attribution: np.ndarray) -> np.ndarray:
    """Each pixel's share of the score: orange where it raised the predicted digit's logit, blue where it lowered
    it, white where it did nothing; the strongest pixel in either direction is full colour."""
    a = np.asarray(attribution, dtype=float).reshape(8, 8)
    return diverging_rgb(a / (float(np.max(np.abs(a))) or 1.0), POSITIVE, NEGATIVE)


def case_html(c: Case) -> str:
    """One test image's card: the image, its attribution, the true digit, the prediction and the second choice."""
    return (f'<div class="digit-case" data-index="{c.index}" data-true="{c.true}" data-predicted="{c.predicted}" '
            f'style="width: 212px; font-size: 0.85rem; line-height: 1.35">'
            f'<div style="display: flex; gap: 6px">'
            f'{img(digit_rgb(c.image), f"test image {c.index}", "digit-image")}'
            f'{img(attribution_rgb(c.attribution), "which pixels pushed the prediction: orange up, blue down", "digit-attribution")}'
            '</div>'
            f'<div>test image {c.index}: true <strong>{c.true}</strong></div>'
            f'<div>predicted <strong>{c.predicted}</strong> ({c.p_predicted:.1%}), then {c.second} ({c.p_second:.1%})</div>'
            '</div>')


def cell_html(cases: list[Case]) -> str:
    """Every card of a cell in one block that wraps (one element for the page to send, however many images)."""
    return (f'<div id="digits-cell" data-images="{len(cases)}" style="display: flex; flex-wrap: wrap; gap: 14px; '
            f'font-family: {FONT_FAMILY}; color: {TEXT}">{"".join(case_html(c) for c in cases)}</div>')
