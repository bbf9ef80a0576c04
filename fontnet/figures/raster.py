"""Small pictures as PNG files, written with zlib: an 8x8 digit, the cost surface's 60x60 bands.

A picture the server draws cell by cell is far smaller as a PNG than as one SVG rectangle per cell, and the
browser scales it with square pixels (`image-rendering: pixelated`).
"""

from __future__ import annotations

import base64
import struct
import zlib

import numpy as np


def png(rgb: np.ndarray) -> bytes:
    """An (h, w, 3) array of 0-255 values as a PNG file (8-bit RGB, rows unfiltered)."""
    rgb = np.asarray(rgb, dtype=np.uint8)
    h, w, _ = rgb.shape

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def data_uri(rgb: np.ndarray) -> str:
    """The PNG of `rgb` as a data: URI, for an <img> or an SVG <image>."""
    return "data:image/png;base64," + base64.b64encode(png(rgb)).decode("ascii")


def hex_rgb(hex_colour: str) -> np.ndarray:
    """'#d9480f' as [217, 72, 15] (floats)."""
    return np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)


def diverging_rgb(values: np.ndarray, positive: str, negative: str) -> np.ndarray:
    """Values in [-1, 1] as colours (one more axis of 3): white at 0, `positive` at 1, `negative` at -1, straight
    lines between (as a plotly colour scale [negative, white, positive] draws them)."""
    v = np.clip(np.asarray(values, dtype=float), -1, 1)[..., None]
    ends = np.where(v >= 0, hex_rgb(positive), hex_rgb(negative))
    return np.round(255 + (ends - 255) * np.abs(v)).astype(np.uint8)
