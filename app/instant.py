"""The Predict page's instant preview: a small browser script that repaints `#font-preview` when a colour
button is pressed, before the server's answer arrives (see instant_preview.js).

The script is the project's own code; the data it gets holds only numbers and colours the server chose.
"""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

from fontnet import colors
from fontnet.activations import LEAKY_SLOPE
from fontnet.model import THRESHOLD
from fontnet.network import Network

KEY = "instant_preview"
NEXT_RANDOM = "next_random_bg"  # the Random button's next colour, chosen ahead so the browser can paint it at once
_JS = (Path(__file__).with_name("instant_preview.js")).read_text(encoding="utf-8")
_component = st.components.v2.component("fontnet_instant_preview", js=_JS, isolate_styles=False)


def key_class(key: str) -> str:
    """The CSS class Streamlit's frontend gives an element with this key."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def instant_preview(model: Network, targets: dict[str, str]) -> None:
    """Mount the script: `targets` maps a button's key to the '#rrggbb' colour pressing it will pick."""
    d = model.to_dict()
    _component(key=KEY, data={
        "model": {"activation": d["activation"], "weights": d["weights"], "biases": d["biases"],
                  "leaky_slope": LEAKY_SLOPE},
        "threshold": THRESHOLD,
        "dark_text": colors.to_hex(colors.DARK_TEXT), "light_text": colors.to_hex(colors.LIGHT_TEXT),
        "targets": {key_class(k): v for k, v in targets.items()},
    })
