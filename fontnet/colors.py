"""Colours: parsing and formatting, the chapter's luminance formula, and WCAG 2 contrast."""

from __future__ import annotations

import re

import numpy as np

RGB = tuple[int, int, int]

# The shades the app renders text in: near-black and near-white, softer than pure #000/#fff.
DARK_TEXT: RGB = (17, 17, 17)
LIGHT_TEXT: RGB = (250, 250, 250)
FORMULA_WEIGHTS = np.array([0.299, 0.587, 0.114])
WCAG_AA, WCAG_AAA = 4.5, 7.0


class ColourError(ValueError):
    """A colour that cannot be read; the message names what is wrong."""


_HEX = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
_TRIPLE = re.compile(r"\s*(-?\d+)\s*,\s*(-?\d+)\s*,\s*(-?\d+)\s*")


def parse_colour(text: str) -> RGB:
    """Read `#ffc0cb`, `ffc0cb`, `#FFF` or `255,192,203` into an (r, g, b) tuple of 0–255 ints."""
    if not isinstance(text, str):
        raise ColourError(f"colour must be text, got {type(text).__name__}")
    s = text.strip()
    if m := _HEX.fullmatch(s):
        h = m.group(1)
        if len(h) == 3:
            h = "".join(c * 2 for c in h)
        return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16))
    if m := _TRIPLE.fullmatch(s):
        rgb = tuple(int(v) for v in m.groups())
        bad = [v for v in rgb if not 0 <= v <= 255]
        if bad:
            raise ColourError(f"colour {s!r}: channel value {bad[0]} is outside 0-255")
        return rgb  # type: ignore[return-value]
    shown = s if len(s) <= 40 else s[:37] + "..."
    raise ColourError(f"colour {shown!r} is not #rrggbb, #rgb or r,g,b")


def to_hex(rgb: RGB) -> str:
    """(255, 192, 203) -> '#ffc0cb'."""
    return "#{:02x}{:02x}{:02x}".format(*(int(v) for v in rgb))


def formula_luminance(rgb) -> np.ndarray | float:
    """The chapter's (0.299 R + 0.587 G + 0.114 B) / 255 for one colour or an (n, 3) array."""
    return np.asarray(rgb, dtype=float) @ FORMULA_WEIGHTS / 255.0


def formula_label(rgb) -> np.ndarray | int:
    """1 (dark text) exactly when the formula's luminance is above 0.5 — how the data is labelled."""
    out = (formula_luminance(rgb) > 0.5).astype(int)
    return int(out) if np.ndim(out) == 0 else out


def relative_luminance(rgb) -> np.ndarray | float:
    """WCAG 2 relative luminance of one colour or an (n, 3) array of 0–255 values."""
    c = np.asarray(rgb, dtype=float) / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    out = lin @ np.array([0.2126, 0.7152, 0.0722])
    return float(out) if np.ndim(out) == 0 else out


def contrast_ratio(fg, bg) -> np.ndarray | float:
    """WCAG 2 contrast ratio (1–21) between two colours."""
    a, b = relative_luminance(fg), relative_luminance(bg)
    hi, lo = np.maximum(a, b), np.minimum(a, b)
    out = (hi + 0.05) / (lo + 0.05)
    return float(out) if np.ndim(out) == 0 else out


def wcag_label(rgb) -> np.ndarray | int:
    """1 (dark text) where dark text has the higher WCAG contrast on this background, else 0."""
    dark = contrast_ratio(DARK_TEXT, rgb)
    light = contrast_ratio(LIGHT_TEXT, rgb)
    out = (np.asarray(dark) >= np.asarray(light)).astype(int)
    return int(out) if np.ndim(out) == 0 else out


def wcag_verdict(ratio: float) -> str:
    """'AAA', 'AA' or 'fail' for normal-size text at this contrast ratio."""
    return "AAA" if ratio >= WCAG_AAA else "AA" if ratio >= WCAG_AA else "fail"


def text_colour(dark: bool) -> RGB:
    return DARK_TEXT if dark else LIGHT_TEXT
