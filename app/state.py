"""Which model a visitor sees: the shared default, or the one this session trained or uploaded.

The default model is immutable and shared by every visitor (st.cache_resource); a visitor's own
model lives only in their st.session_state, so one visitor never sees another's model.
"""

from __future__ import annotations

import streamlit as st

from fontnet.model import default_model
from fontnet.network import Network

SESSION_MODEL = "fontnet_session_model"
SESSION_MODEL_NAME = "fontnet_session_model_name"


@st.cache_resource(show_spinner="Training the chapter's network (once for everyone)…")
def shared_default_model() -> Network:
    """Trained once per server; its arrays are made read-only so nobody can change it by accident."""
    model = default_model()
    for p in (*model.weights_, *model.biases_):
        p.setflags(write=False)
    return model


def active_model() -> Network:
    """This session's chosen model, or the shared default."""
    return st.session_state.get(SESSION_MODEL) or shared_default_model()


def using_session_model() -> bool:
    return st.session_state.get(SESSION_MODEL) is not None


def session_model_name() -> str:
    return st.session_state.get(SESSION_MODEL_NAME, "your model")


def use_model(model: Network, name: str = "your model") -> None:
    """Make the Predict page use `model` for this session only."""
    st.session_state[SESSION_MODEL] = model
    st.session_state[SESSION_MODEL_NAME] = name


def use_default_model() -> None:
    st.session_state.pop(SESSION_MODEL, None)
    st.session_state.pop(SESSION_MODEL_NAME, None)


@st.cache_resource(show_spinner="Training the digits network (once for everyone)…")
def shared_digits_model() -> Network:
    """The default digits model (Figure 7-8's network), trained once per server and made read-only like the
    colour model."""
    from fontnet.digits import default_model as digits_model

    model = digits_model()
    for p in (*model.weights_, *model.biases_):
        p.setflags(write=False)
    return model
