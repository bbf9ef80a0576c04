"""What every page script shares: messages kept for the next run, the chart options, handing a model to Predict.

A page script reads top to bottom in one order, so a reader finds things in the same place on every page:
1. constants: session-state keys (prefixed with the page's name), `SCHEMA` (the page's settings table from
   `fontnet.settings`), `K = links.keys(SCHEMA)`, `FLASH = Flash("<page>")`;
2. helpers and callbacks (`on_<button>`): callbacks change session state and `FLASH` what happened, never draw;
3. render functions (`show_<part>`), each one part of the page;
4. the body: title and first sentence, `links.page_settings(SCHEMA)`, the controls, `links.show_notices(SCHEMA)`,
   `FLASH.show()`, the main control and `first_paint.stop_after_main_control()` (a first visit's first run ends
   there: app/first_paint.py; a control or figure above the main control that is not it is drawn
   through `first_paint.later(...)`, so that run holds only the main control's kind),
   then the render functions in page order.
"""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException

from app import presses
from app.state import use_model
from app.text import md_literal
from fontnet.network import Network

# Plotly charts on the pages: no mode bar (its buttons teach nothing here) and the figure's own colours.
CHART: dict = dict(config={"displayModeBar": False}, theme=None)

PREDICT_PAGE = "app_pages/predict.py"


class Flash:
    """Messages a callback leaves for the page's next run (callbacks cannot draw), shown once by `show`."""

    def __init__(self, page: str):
        self.key = f"{page}_flash"

    def __call__(self, kind: str, message: str) -> None:
        """Keep `message` for the next run; `kind` is success, info, warning or error."""
        st.session_state.setdefault(self.key, []).append((kind, message))

    def show(self) -> None:
        """Each kept message once, as plain text (a name from a file or link cannot become Markdown); a message
        left twice (a press and the page's own run both refused the same settings) shows once."""
        for kind, message in dict.fromkeys(st.session_state.pop(self.key, None) or []):
            getattr(st, kind)(md_literal(message))


def use_model_then_open_predict(model: Network, name: str, label: str, press: str) -> None:
    """Make the Predict page use `model` for this session and open it (with none of this page's settings in its
    link): the action of the `presses.button` keyed `press`, which lapses when Predict's run ends. Where a page
    cannot be switched (a test run), a link labelled `label` to it instead."""
    use_model(model, name)
    try:
        st.switch_page(PREDICT_PAGE, query_params={})
    except StreamlitAPIException:
        presses.done(press)
        st.page_link(PREDICT_PAGE, label=label, icon="🎨")
