"""The Digits page's confusion matrix as a grid of buttons: press a cell to see every test image in it.

Each button is one cell (rows the true digit, columns the prediction) labelled with its count; it works with the
keyboard and needs no charting library. The section is a fragment: opening a cell reruns only this section.
For each image in the opened cell: the 8x8 image, the true digit, the prediction with its probability, the second
choice and which pixels pushed the prediction, all in one block; below it "Load into the pad" for a chosen image.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from fontnet import mistakes
from fontnet.figures.mistakes import cell_html
from fontnet.network import Network

OPEN = "digits_cell"          # (true, predicted) of the opened cell, or None
ss = st.session_state


def _style(confusion: np.ndarray) -> str:
    """Each cell's shade: the diagonal (right) pale green, the rest from white to red by count; text stays dark
    (4.5:1 or more on every shade). Built from numbers only."""
    off = confusion.astype(float).copy()
    np.fill_diagonal(off, 0)
    top = max(float(off.max()), 1.0)
    rules = []
    for (t, p), n in np.ndenumerate(confusion):
        if t == p:
            colour = "#d3f9d8"
        else:
            s = n / top
            colour = "rgb(255,{0},{0})".format(round(255 - 120 * s)) if n else "#ffffff"
        rules.append(f".st-key-digits_cell_{t}_{p} button {{background: {colour}; color: #1f2328; min-width: 0; "
                     "padding: 0.1rem 0.2rem}")
    return "<style>" + "".join(rules) + "</style>"


def _open(t: int, p: int) -> None:
    ss[OPEN] = (t, p)


@st.fragment
def show_confusion(model: Network, X_test: np.ndarray, y_test: np.ndarray, confusion: np.ndarray,
                   pad_source: str) -> None:
    """The matrix as buttons and the opened cell's images; "Load into the pad" sets `pad_source` (the page's key
    for the test image the pad shows) and reruns the page."""
    st.markdown("**Confusion matrix**: rows the true digit, columns the prediction; the diagonal is right. "
                "Press a cell to see its images.")
    st.markdown(_style(confusion), unsafe_allow_html=True)
    opened = ss.get(OPEN)
    with st.container(key="digits_confusion"):
        head = st.columns(11, gap=None)
        head[0].caption("true ↓ predicted →")
        for p in range(10):
            head[p + 1].markdown(f"**{p}**")
        for t in range(10):
            row = st.columns(11, gap=None, vertical_alignment="center")
            row[0].markdown(f"**{t}**")
            for p in range(10):
                n = int(confusion[t, p])
                row[p + 1].button(str(n), key=f"digits_cell_{t}_{p}", on_click=_open, args=(t, p), disabled=n == 0,
                                  type="primary" if opened == (t, p) else "secondary", width="stretch",
                                  help=f"true {t}, predicted {p}: {n} test image{'' if n == 1 else 's'}")
    if opened is None:
        return
    t, p = opened
    cases = mistakes.cell(model, X_test, y_test, t, p)
    st.markdown(f"**True {t}, predicted {p}: {len(cases)} test image{'' if len(cases) == 1 else 's'}.** "
                "Beside each image, which pixels pushed the prediction: each pixel's value times the slope of the "
                f"predicted digit's score (its logit), orange where it raised it, blue where it lowered it.")
    with st.container(key="digits_cell_images"):
        st.markdown(cell_html(cases), unsafe_allow_html=True)
    if not cases:
        return
    with st.container(horizontal=True, vertical_alignment="bottom", key="digits_cell_load"):
        pick = st.selectbox("Image", [c.index for c in cases], key=f"digits_cell_pick_{t}_{p}", width=300,
                            format_func=lambda i: f"test image {i}")
        if st.button("Load into the pad", key="digits_load", help="Put the chosen test image on the pad above."):
            ss[pad_source] = pick
            st.rerun(scope="app")
