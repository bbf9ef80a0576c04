"""A drawing from the pad, reduced to the dataset's form: 8x8 counts of ink, 0-16."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .data import N_PIXELS


class DrawingError(ValueError):
    """A drawing that cannot be read (not numbers, too many points)."""


# ---- a drawing, reduced the way the dataset was made ------------------------------------------------------
# The dataset's images (UCI "optdigits") were made from 32x32 black-and-white bitmaps, normalised by NIST's
# programs, divided into 4x4 blocks; each of the 8x8 values counts the block's ink pixels (0-16). The digits
# there fill the bitmap's height and about three quarters of its width, with a pen some 5 pixels wide. So a
# drawing is: cropped to its ink, scaled (keeping its shape) to fit FRAME_HEIGHT x FRAME_WIDTH, centred in
# 32x32, drawn with a round pen PEN pixels wide (at 4x resolution; a pixel is ink when at least half covered),
# then counted in 4x4 blocks.
BITMAP = 32
BLOCK = 4
PEN = 5.0
FRAME_HEIGHT, FRAME_WIDTH = 32.0, 24.0
SUPERSAMPLE = 4
MAX_POINTS = 10_000


def parse_strokes(raw) -> list[np.ndarray]:
    """Strokes as a list of (n, 2) float arrays of x, y points from a list of point lists; DrawingError if not."""
    if raw is None:
        return []
    if not isinstance(raw, (list, tuple)):
        raise DrawingError("a drawing is a list of strokes")
    strokes, total = [], 0
    for stroke in raw:
        try:
            pts = np.asarray(stroke, dtype=float).reshape(-1, 2)
        except (TypeError, ValueError):
            raise DrawingError("a stroke is a list of (x, y) points") from None
        total += len(pts)
        if total > MAX_POINTS:
            raise DrawingError(f"the drawing has more than {MAX_POINTS:,} points")
        if not np.isfinite(pts).all():
            raise DrawingError("a stroke holds a point that is not a finite number")
        if len(pts):
            strokes.append(pts)
    return strokes


def bitmap(strokes: Sequence[np.ndarray]) -> np.ndarray:
    """The drawing as the dataset's 32x32 bitmap (bool): cropped to its ink, scaled, centred, drawn with the pen."""
    from PIL import Image, ImageDraw  # Pillow comes with Streamlit

    out = np.zeros((BITMAP, BITMAP), dtype=bool)
    if not strokes:
        return out
    pts = np.vstack(strokes)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    w, h = hi - lo
    # the pen adds half its width on every side, so the points' box fits the frame less the pen
    fit = [(FRAME_WIDTH - PEN) / w if w > 0 else math.inf, (FRAME_HEIGHT - PEN) / h if h > 0 else math.inf]
    scale = min(fit) if min(fit) < math.inf else 1.0
    centre = (lo + hi) / 2
    s = SUPERSAMPLE
    img = Image.new("L", (BITMAP * s, BITMAP * s), 0)
    draw = ImageDraw.Draw(img)
    r = PEN * s / 2
    for stroke in strokes:
        xy = ((stroke - centre) * scale + BITMAP / 2) * s - 0.5  # Pillow's pixel i spans i - 0.5 to i + 0.5
        pairs = [tuple(p) for p in xy.tolist()]
        if len(pairs) > 1:
            draw.line(pairs, fill=255, width=round(PEN * s))
        for x, y in pairs:  # round caps and joints
            draw.ellipse((x - r, y - r, x + r, y + r), fill=255)
    cover = np.asarray(img, dtype=float).reshape(BITMAP, s, BITMAP, s).mean(axis=(1, 3)) / 255
    return cover >= 0.5


def reduce_drawing(strokes: Sequence[np.ndarray]) -> np.ndarray:
    """The drawing in the dataset's form: 8x8 integers 0-16, each the ink pixels of a 4x4 block of the bitmap."""
    bits = bitmap(strokes)
    n = BITMAP // BLOCK
    return bits.reshape(n, BLOCK, n, BLOCK).sum(axis=(1, 3)).astype(np.int64)


def inputs(image: np.ndarray) -> np.ndarray:
    """An 8x8 image of 0-16 values as the network's input row (1, 64) in [0, 1]."""
    return np.asarray(image, dtype=float).reshape(1, N_PIXELS) / 16.0
