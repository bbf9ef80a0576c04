"""The Digits page's confusion matrix as a grid of buttons: press a cell to see every test image in it.

The grid is one small component (confusion.js): a table of real buttons with row and column headers, each cell
labelled with its count (and, for a screen reader, what it holds); it works with the keyboard and needs no charting
library. The section is a fragment: opening a cell reruns only this section.
For each image in the opened cell: the 8x8 image, the true digit, the prediction with its probability, the second
choice and which pixels pushed the prediction, all in one block; below it "Load into the pad" for a chosen image.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import streamlit as st

from app import presses
from app.presses import whole_callback
from fontnet import mistakes
from fontnet.figures.mistakes import cell_html
from fontnet.network import Network
from fontnet.parsing import counted

OPEN = "digits_cell"          # (true, predicted) of the opened cell, or None
GRID = "digits_confusion"     # the grid's key: its "cell" is the last cell pressed, "true,predicted"
ss = st.session_state
_HERE = Path(__file__).parent
_grid = st.components.v2.component("fontnet_confusion", js=(_HERE / "confusion.js").read_text(encoding="utf-8"),
                                   css=(_HERE / "confusion.css").read_text(encoding="utf-8"))


def _cell(text: object) -> tuple[int, int] | None:
    """A pressed cell as the browser reports it, "true,predicted"; None for anything else."""
    parts = str(text).split(",")
    if len(parts) != 2 or not all(p.strip().isdigit() and int(p) < 10 for p in parts):
        return None
    return int(parts[0]), int(parts[1])


@whole_callback
def _on_cell() -> None:
    if (cell := _cell((ss.get(GRID) or {}).get("cell"))) is not None:
        ss[OPEN] = cell


@st.fragment
def show_confusion(model: Network, X_test: np.ndarray, y_test: np.ndarray, confusion: np.ndarray,
                   pad_source: str) -> None:
    """The matrix as buttons and the opened cell's images; "Load into the pad" sets `pad_source` (the page's key
    for the test image the pad shows) and reruns the page."""
    st.markdown("**Confusion matrix**: rows the true digit, columns the prediction; the diagonal is right. "
                "Press a cell to see its images.")
    _grid(key=GRID, data={"counts": confusion.tolist(), "open": ss.get(OPEN)}, on_cell_change=_on_cell)
    opened = ss.get(OPEN)
    if opened is None:
        return
    t, p = opened
    cases = mistakes.cell(model, X_test, y_test, t, p)
    st.markdown(f"**True {t}, predicted {p}: {counted(len(cases), 'test image')}.** "
                "Beside each image, which pixels pushed the prediction: each pixel's value times the slope of the "
                f"predicted digit's score (its logit), orange where it raised it, blue where it lowered it.")
    with st.container(key="digits_cell_images"):
        st.markdown(cell_html(cases), unsafe_allow_html=True)
    if not cases:
        return
    with st.container(horizontal=True, vertical_alignment="bottom", key="digits_cell_load"):
        pick = st.selectbox("Image", [c.index for c in cases], key=f"digits_cell_pick_{t}_{p}", width=300,
                            format_func=lambda i: f"test image {i}")
        if presses.button("Load into the pad", key="digits_load", help="Put the chosen test image on the pad above."):
            ss[pad_source] = pick
            presses.done("digits_load")   # before the rerun, which draws this button again
            st.rerun(scope="app")
