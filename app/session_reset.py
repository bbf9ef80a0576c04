"""Saying so when a visitor's session was reset because the server process that held it stopped.

Behind a proxy with several replicas (deploy/, scripts/serve-replicas), a visitor whose replica dies is
reconnected by Streamlit's page to a live replica, which starts them a fresh session: the page and the
settings in its link stay, what the session held (a run, uploaded data, their own model) does not. The new
server cannot tell that session from a new visitor's, but the page can: it was not reloaded, yet a different
session is drawing it. A tiny browser script (session_reset.js) compares a random token the server chose for
each session and reports one boolean. streamlit_app.py calls `notice_if_reset()` once, for every page.

Streamlit's page reruns the script when its connection comes back only if a run was going or the page holds a
timed fragment; otherwise it assumes the server kept the session, and a fresh session would sit unseen until the
next click. A timed fragment is not enough: the page forgets its timed fragments when a run starts and learns
them again as the run draws them, so a replica that died in between (right after a press) left the page drawn
by a session that no longer exists. So the same script asks for a run itself when the connection comes back and
Streamlit's page does not (no run was going), and the app has no timed fragment.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import streamlit as st

from app.presses import whole_callback

TOKEN = "fontnet_session_token"
RESET = "fontnet_session_was_reset"
CHECK_KEY = "fontnet_session_check"
MESSAGE = ("Your session was reset: the server that held it stopped, and you are now on another one. "
           "The settings in the link and on the page were kept; what only your session held (a training run, "
           "uploaded data, your own model) was lost.")
_component = st.components.v2.component(
    "fontnet_session_reset", js=(Path(__file__).with_name("session_reset.js")).read_text(encoding="utf-8"),
    css=f".st-key-{CHECK_KEY} {{ display: none; }}",  # nothing to see: no gap above the page either
    isolate_styles=False)


@whole_callback
def _on_reset() -> None:
    st.session_state[RESET] = True


@whole_callback
def _dismiss() -> None:
    st.session_state[RESET] = False


def notice_if_reset() -> None:
    """Mount the check (once per script run) and, once it has reported a reset, say so until dismissed."""
    token = st.session_state.setdefault(TOKEN, secrets.token_hex(8))
    _component(key=CHECK_KEY, data={"token": token}, on_reset_change=_on_reset)
    if st.session_state.get(RESET):
        with st.container(key="session_reset_notice"):
            st.warning(MESSAGE, icon=":material/sync_problem:")
            st.button("Dismiss", key="session_reset_dismiss", on_click=_dismiss)
