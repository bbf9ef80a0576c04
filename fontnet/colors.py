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


# The CSS named colours (W3C list, duplicates such as aqua/cyan kept once; the other spellings are in
# NAME_ALIASES). The generated data set starts with these, in this order.
NAMED_COLOURS: dict[str, tuple[int, int, int]] = {
    "aliceblue": (240, 248, 255), "antiquewhite": (250, 235, 215), "aqua": (0, 255, 255),
    "aquamarine": (127, 255, 212), "azure": (240, 255, 255), "beige": (245, 245, 220),
    "bisque": (255, 228, 196), "black": (0, 0, 0), "blanchedalmond": (255, 235, 205),
    "blue": (0, 0, 255), "blueviolet": (138, 43, 226), "brown": (165, 42, 42),
    "burlywood": (222, 184, 135), "cadetblue": (95, 158, 160), "chartreuse": (127, 255, 0),
    "chocolate": (210, 105, 30), "coral": (255, 127, 80), "cornflowerblue": (100, 149, 237),
    "cornsilk": (255, 248, 220), "crimson": (220, 20, 60), "darkblue": (0, 0, 139),
    "darkcyan": (0, 139, 139), "darkgoldenrod": (184, 134, 11), "darkgray": (169, 169, 169),
    "darkgreen": (0, 100, 0), "darkkhaki": (189, 183, 107), "darkmagenta": (139, 0, 139),
    "darkolivegreen": (85, 107, 47), "darkorange": (255, 140, 0), "darkorchid": (153, 50, 204),
    "darkred": (139, 0, 0), "darksalmon": (233, 150, 122), "darkseagreen": (143, 188, 143),
    "darkslateblue": (72, 61, 139), "darkslategray": (47, 79, 79), "darkturquoise": (0, 206, 209),
    "darkviolet": (148, 0, 211), "deeppink": (255, 20, 147), "deepskyblue": (0, 191, 255),
    "dimgray": (105, 105, 105), "dodgerblue": (30, 144, 255), "firebrick": (178, 34, 34),
    "floralwhite": (255, 250, 240), "forestgreen": (34, 139, 34), "fuchsia": (255, 0, 255),
    "gainsboro": (220, 220, 220), "ghostwhite": (248, 248, 255), "gold": (255, 215, 0),
    "goldenrod": (218, 165, 32), "gray": (128, 128, 128), "green": (0, 128, 0),
    "greenyellow": (173, 255, 47), "honeydew": (240, 255, 240), "hotpink": (255, 105, 180),
    "indianred": (205, 92, 92), "indigo": (75, 0, 130), "ivory": (255, 255, 240),
    "khaki": (240, 230, 140), "lavender": (230, 230, 250), "lavenderblush": (255, 240, 245),
    "lawngreen": (124, 252, 0), "lemonchiffon": (255, 250, 205), "lightblue": (173, 216, 230),
    "lightcoral": (240, 128, 128), "lightcyan": (224, 255, 255),
    "lightgoldenrodyellow": (250, 250, 210), "lightgray": (211, 211, 211),
    "lightgreen": (144, 238, 144), "lightpink": (255, 182, 193), "lightsalmon": (255, 160, 122),
    "lightseagreen": (32, 178, 170), "lightskyblue": (135, 206, 250),
    "lightslategray": (119, 136, 153), "lightsteelblue": (176, 196, 222),
    "lightyellow": (255, 255, 224), "lime": (0, 255, 0), "limegreen": (50, 205, 50),
    "linen": (250, 240, 230), "maroon": (128, 0, 0), "mediumaquamarine": (102, 205, 170),
    "mediumblue": (0, 0, 205), "mediumorchid": (186, 85, 211), "mediumpurple": (147, 112, 219),
    "mediumseagreen": (60, 179, 113), "mediumslateblue": (123, 104, 238),
    "mediumspringgreen": (0, 250, 154), "mediumturquoise": (72, 209, 204),
    "mediumvioletred": (199, 21, 133), "midnightblue": (25, 25, 112), "mintcream": (245, 255, 250),
    "mistyrose": (255, 228, 225), "moccasin": (255, 228, 181), "navajowhite": (255, 222, 173),
    "navy": (0, 0, 128), "oldlace": (253, 245, 230), "olive": (128, 128, 0),
    "olivedrab": (107, 142, 35), "orange": (255, 165, 0), "orangered": (255, 69, 0),
    "orchid": (218, 112, 214), "palegoldenrod": (238, 232, 170), "palegreen": (152, 251, 152),
    "paleturquoise": (175, 238, 238), "palevioletred": (219, 112, 147),
    "papayawhip": (255, 239, 213), "peachpuff": (255, 218, 185), "peru": (205, 133, 63),
    "pink": (255, 192, 203), "plum": (221, 160, 221), "powderblue": (176, 224, 230),
    "purple": (128, 0, 128), "rebeccapurple": (102, 51, 153), "red": (255, 0, 0),
    "rosybrown": (188, 143, 143), "royalblue": (65, 105, 225), "saddlebrown": (139, 69, 19),
    "salmon": (250, 128, 114), "sandybrown": (244, 164, 96), "seagreen": (46, 139, 87),
    "seashell": (255, 245, 238), "sienna": (160, 82, 45), "silver": (192, 192, 192),
    "skyblue": (135, 206, 235), "slateblue": (106, 90, 205), "slategray": (112, 128, 144),
    "snow": (255, 250, 250), "springgreen": (0, 255, 127), "steelblue": (70, 130, 180),
    "tan": (210, 180, 140), "teal": (0, 128, 128), "thistle": (216, 191, 216),
    "tomato": (255, 99, 71), "turquoise": (64, 224, 208), "violet": (238, 130, 238),
    "wheat": (245, 222, 179), "white": (255, 255, 255), "whitesmoke": (245, 245, 245),
    "yellow": (255, 255, 0), "yellowgreen": (154, 205, 50),
}

# Other CSS spellings of the same colours, accepted wherever a name is read.
NAME_ALIASES: dict[str, str] = {
    "cyan": "aqua", "magenta": "fuchsia", "grey": "gray",
    **{n.replace("gray", "grey"): n for n in NAMED_COLOURS if "gray" in n and n != "gray"},
}


class ColourError(ValueError):
    """A colour that cannot be read; the message names what is wrong."""


_HEX = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
_TRIPLE = re.compile(r"\s*(-?\d+)\s*,\s*(-?\d+)\s*,\s*(-?\d+)\s*")


def named_colour(text: str) -> RGB | None:
    """A CSS colour name as (r, g, b), in any case and with or without spaces ('RebeccaPurple', 'dark orange');
    None when it is not one."""
    name = "".join(text.split()).lower()
    return NAMED_COLOURS.get(NAME_ALIASES.get(name, name))


def parse_colour(text: str) -> RGB:
    """Read `#ffc0cb`, `ffc0cb`, `#FFF`, `255,192,203` or a CSS colour name (`pink`) into (r, g, b) 0–255 ints."""
    if not isinstance(text, str):
        raise ColourError(f"colour must be text, got {type(text).__name__}")
    s = text.strip()
    if (rgb := named_colour(s)) is not None:
        return rgb
    if m := _HEX.fullmatch(s):
        h = m.group(1)
        if len(h) == 3:
            h = "".join(c * 2 for c in h)
        return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16))
    if m := _TRIPLE.fullmatch(s):
        rgb = tuple(int(v) for v in m.groups())
        bad = [v for v in rgb if not 0 <= v <= 255]
        if bad:
            raise ColourError(f"colour {s!r}: channel value {bad[0]} is outside 0–255")
        return rgb  # type: ignore[return-value]
    shown = s if len(s) <= 40 else s[:37] + "..."
    raise ColourError(f"colour {shown!r} is not #rrggbb, #rgb, r,g,b or a CSS colour name")


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


def readable_text(background) -> RGB:
    """Black or white, whichever has the higher WCAG contrast on `background`: for any background one of them
    reaches 4.58:1, so a label on a coloured swatch always meets AA (the app's softer shades do not quite)."""
    black, white = (0, 0, 0), (255, 255, 255)
    return black if contrast_ratio(black, background) >= contrast_ratio(white, background) else white
