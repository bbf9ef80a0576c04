"""A press's callback runs to its end when the visitor's next request reaches the server meanwhile (app/presses.py).

Streamlit looks for a newer request at every `st.session_state` access, inside callbacks too; one found there
stopped the callback and was taken for its own `st.rerun()`, so the press was lost with nothing to see (seen on
a busy server: Train pressed, the map's slider moved, the page left "ready" at iteration 0). Here the newer
request is put in Streamlit's own queue part-way through the callback, where a request from the browser lands.
"""

from pathlib import Path

import pytest
from streamlit.runtime.scriptrunner import RerunData, get_script_run_ctx
from streamlit.testing.v1 import AppTest

from app import kept_runs, presses
from tests.page_helpers import click, no_exception

ROOT = Path(__file__).resolve().parents[1]
# callbacks a component registers for itself, not handed to it by a page: the drawing pad's canvas
# (streamlit-drawable-canvas) keeps its background fitted; it reads no session state
THEIRS = {"backgroundFit"}
PAGES = sorted(p.stem for p in (ROOT / "app_pages").glob("*.py"))


def a_newer_request_arrives() -> None:
    """What the server does when the browser's next request (a slider moved) comes in: queue a rerun."""
    ctx = get_script_run_ctx()
    ctx.script_requests.request_rerun(RerunData(query_string=ctx.query_string,
                                                page_script_hash=ctx.page_script_hash))


def test_a_train_press_overtaken_by_a_newer_request_still_starts_the_run(monkeypatch):
    at = AppTest.from_file(str(ROOT / "app_pages" / "train.py"), default_timeout=60)
    at.query_params.update({"iterations": "300"})
    at.run()
    before = at.session_state["train_run"]
    assert before.status == "ready"

    start_weights = kept_runs.start_weights   # Train's callback calls it between reading its settings and
    arrived = []                                # keeping the new run in the session

    def overtaken():
        if not arrived:   # once: the page's own run calls it too
            a_newer_request_arrives()
            arrived.append(True)
        return start_weights()

    monkeypatch.setattr(kept_runs, "start_weights", overtaken)
    click(at, "Train")
    monkeypatch.undo()
    no_exception(at)
    assert arrived == [True]
    run = at.session_state["train_run"]
    assert run is not before and run.status == "running"
    assert next(b for b in at.button if b.label == "Pause").disabled is False   # the rerun drew the press


def test_a_callback_stopped_by_a_newer_request_is_what_the_wrapper_prevents():
    """The same arrival in an unwrapped callback: Streamlit stops it at its next session-state access."""
    script = '''
import streamlit as st
from streamlit.runtime.scriptrunner import RerunData, get_script_run_ctx
from app.presses import whole_callback

def arrive():
    ctx = get_script_run_ctx()
    ctx.script_requests.request_rerun(RerunData(query_string=ctx.query_string, page_script_hash=ctx.page_script_hash))

def press(name):
    arrive()
    st.session_state[name] = st.session_state.get(name, 0) + 1

st.button("plain", on_click=press, args=("plain",))
st.button("whole", on_click=whole_callback(press), args=("whole",))
st.write(st.session_state.get("plain", 0), st.session_state.get("whole", 0))
'''
    at = AppTest.from_string(script, default_timeout=30)
    at.run()
    click(at, "plain")
    click(at, "whole")
    no_exception(at)
    assert at.session_state["whole"] == 1
    assert "plain" not in at.session_state   # the unwrapped press was lost


@pytest.mark.parametrize("page", PAGES)
def test_every_callback_a_page_hands_a_widget_runs_whole(page):
    at = AppTest.from_file(str(ROOT / "app_pages" / f"{page}.py"), default_timeout=120)
    at.run()
    no_exception(at)
    state = object.__getattribute__(at.session_state._state, "_state")   # Streamlit's SessionState
    callbacks = {}
    for wid, meta in state._new_widget_state.widget_metadata.items():
        if meta.callback is not None:
            callbacks[wid] = meta.callback
        for name, fn in (meta.callbacks or {}).items():
            if name not in THEIRS:
                callbacks[f"{wid} {name}"] = fn
    assert callbacks, "a page with no callbacks: the check found nothing to check"
    assert {w: getattr(fn, "__name__", fn) for w, fn in callbacks.items() if not getattr(fn, "__whole__", False)} \
        == {}


def test_a_wrapped_callback_called_outside_a_page_run_just_runs():
    calls = []
    assert presses.whole_callback(lambda x: calls.append(x) or "done")(3) == "done" and calls == [3]
