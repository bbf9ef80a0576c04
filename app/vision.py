"""The colour-blind view of a background and the two text shades, drawn on a page: the pairs as protanopia,
deuteranopia and tritanopia see them, each shade's recomputed contrast, and who would find a shade hard to read
(fontnet.vision simulates, fontnet.figures.vision writes the HTML)."""

from __future__ import annotations

import streamlit as st

from fontnet import colors, vision
from fontnet.figures.vision import colour_vision_html

SHADES = {"dark": colors.DARK_TEXT, "light": colors.LIGHT_TEXT}


def show_colour_vision(background: colors.RGB, chosen: str | None = None, key: str = "colour_vision") -> None:
    """The table and its sentence for `background`; `chosen` ("dark" or "light") is the network's pick, which the
    sentence is about (None: both shades)."""
    with st.container(key=key):
        st.markdown(colour_vision_html(vision.seen_by_all(background, SHADES), chosen), unsafe_allow_html=True)
