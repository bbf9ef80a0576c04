"""Background colours to try: the chapter's examples, a few named sample backgrounds, and a random one.

Also how a shared link's `?bg=` value reads: `#` optional, any case, #rrggbb or #rgb.
"""

from __future__ import annotations

import re

import numpy as np

from .colors import NAMED_COLOURS, RGB, to_hex

# Where the Predict page opens when the link names no colour (or a malformed one): the chapter's dark orange.
DEFAULT_BG = "#ff8c00"

# The chapter's own examples first, then named sample backgrounds in the spirit of its Figure 7-1.
PRESETS: dict[str, RGB] = {
    "black": NAMED_COLOURS["black"],
    "white": NAMED_COLOURS["white"],
    "dark orange": (255, 140, 0),
    "pink": (255, 192, 203),
    **{name: NAMED_COLOURS[name] for name in
       ("navy", "red", "gold", "forestgreen", "rebeccapurple", "lightskyblue")},
}

_URL_HEX = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")


def url_colour(value: str | None) -> str | None:
    """A `?bg=` value as '#rrggbb' (lower case), or None when it is missing or not a hex colour."""
    if not isinstance(value, str) or not (m := _URL_HEX.fullmatch(value)):
        return None
    h = m.group(1).lower()
    return "#" + ("".join(c * 2 for c in h) if len(h) == 3 else h)


def random_colour(rng: np.random.Generator | None = None) -> str:
    """A uniformly random background colour as '#rrggbb'."""
    rng = rng or np.random.default_rng()
    return to_hex(tuple(int(v) for v in rng.integers(0, 256, size=3)))
