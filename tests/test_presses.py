"""A press's callback runs to its end when the visitor's next request reaches the server meanwhile (app/presses.py).

Streamlit looks for a newer request at every `st.session_state` access, inside callbacks too; one found there
stopped the callback and was taken for its own `st.rerun()`, so the press was lost with nothing to see (seen on
a busy server: Train pressed, the map's slider moved, the page left "ready" at iteration 0). Here the newer
request is put in Streamlit's own queue part-way through the callback, where a request from the browser lands.
"""

import threading
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


class WatchedLock:
    """A lock that says when someone has to wait for it (the state a test waits on, instead of a time)."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.waiting = threading.Event()

    def __enter__(self):
        if not self._lock.acquire(blocking=False):
            self.waiting.set()
            self._lock.acquire()
        return self

    def __exit__(self, *exc):
        self._lock.release()


SETTLING = '''
import streamlit as st
from app.presses import KEY, settle

settle()
st.write("the run saw:", getattr(st.session_state[KEY], "press", "nothing"))
'''


def test_a_run_waits_for_a_callback_still_finishing_and_draws_what_it_did():
    """Fast reruns start the next run beside a callback still finishing; settle() holds the run until it ends."""
    at = AppTest.from_string(SETTLING, default_timeout=30)
    at.run()
    assert "nothing" in at.markdown[0].value
    kept = at.session_state[presses.KEY]
    kept.lock = WatchedLock()
    holding, finish = threading.Event(), threading.Event()

    def a_callback_still_finishing():
        with kept.lock:
            holding.set()
            finish.wait(30)
            kept.press = "Train pressed"

    callback = threading.Thread(target=a_callback_still_finishing)
    callback.start()
    assert holding.wait(30)
    ran = []
    rerun = threading.Thread(target=lambda: ran.append(at.run()))
    rerun.start()
    assert kept.lock.waiting.wait(30), "the run did not wait for the callback's lock"
    assert not ran and rerun.is_alive()   # held while the callback holds the lock
    finish.set()
    callback.join(30)
    rerun.join(60)
    assert ran, "the run did not finish after the callback ended"
    no_exception(at)
    assert "Train pressed" in at.markdown[0].value


def test_a_wrapped_callback_holds_its_sessions_lock_while_it_runs():
    script = '''
import threading
import streamlit as st
from app.presses import KEY, settle, whole_callback

settle()

def press():
    lock = st.session_state[KEY].lock
    got = []
    other = threading.Thread(target=lambda: got.append(lock.acquire(blocking=False)))
    other.start()
    other.join()
    st.session_state["others_could_take_it"] = got[0]

st.button("press", on_click=whole_callback(press))
'''
    at = AppTest.from_string(script, default_timeout=30)
    at.run()
    click(at, "press")
    no_exception(at)
    assert at.session_state["others_could_take_it"] is False


KEPT = '''
import math
import streamlit as st
from streamlit.runtime.scriptrunner import RerunData, get_script_run_ctx
from app import presses

presses.settle()
ss = st.session_state
ss.runs = ss.get("runs", 0) + 1


def newer_request():
    """The browser's next request reaches the server now; the run's next session-state access stops it."""
    ctx = get_script_run_ctx()
    if ss.fast:    # fast reruns (Streamlit's default): this run is told to stop, the browser's request runs anew
        ctx.script_requests.request_stop()
    else:          # without them: this run is told to rerun with the newer request
        ctx.script_requests.request_rerun(RerunData(query_string=ctx.query_string,
                                                    page_script_hash=ctx.page_script_hash))


def act(name):
    if ss.get("arrive_acting") == ss.runs:
        newer_request()
    ss.acted = [*ss.get("acted", []), name]


if ss.get("arrive") == ss.runs:   # before the buttons
    newer_request()
    ss.touched = True
if ss.runs >= ss.get("stop_from", math.inf):
    presses.stop()                # the page ends its run on purpose, before the buttons
if st.button("plain", key="plain"):
    act("plain")
if ss.runs < ss.get("hide_from", math.inf):
    if presses.button("kept", key="kept", disabled=ss.runs >= ss.get("disable_from", math.inf)):
        act("kept")
        presses.done("kept")
if ss.get("newer_press") == ss.runs:   # a newer run's callback keeps its press while this run still ends
    presses._keep_press("kept")
if ss.get("ends", True):
    presses.run_ended()           # as streamlit_app.py does after the page
'''


def page(fast: bool):
    at = AppTest.from_string(KEPT, default_timeout=30)
    at.session_state["fast"] = fast
    return at.run()


def press_overtaken(at, label: str, *then: str, when: str = "arrive") -> None:
    """Press `label` in a run that a newer request stops (`when`: arrive, before any button; arrive_acting, while
    acting on the press; on the ONCE page below, arrive_computing, while computing its result); `then`
    (hide_from, disable_from, stop_from): from the run after it, as that newer request changed the page."""
    runs = at.session_state["runs"]
    at.session_state[when] = runs + 1
    for name in then:
        at.session_state[name] = runs + 2
    next(b for b in at.button if b.label == label).click()
    at.run()
    no_exception(at)
    if at.session_state["fast"]:   # the stopped run ended there; the browser's newer request is the next run
        assert at.session_state["runs"] == runs + 1, "the press's run was not stopped"
        at.run()
        no_exception(at)
    assert at.session_state["runs"] == runs + 2, "the press's run was not stopped and run again"


def acted(at) -> list:
    return at.session_state["acted"] if "acted" in at.session_state else []


@pytest.mark.parametrize("when", ["arrive", "arrive_acting"], ids=["before its button", "while acting"])
@pytest.mark.parametrize("fast", [True, False], ids=["fast reruns", "reruns"])
def test_a_press_read_in_the_body_survives_a_run_stopped_before_it_is_acted_on(fast, when):
    at = page(fast)
    press_overtaken(at, "plain", when=when)
    assert acted(at) == []           # what `if st.button(...)` did: the press was lost
    press_overtaken(at, "kept", when=when)
    assert acted(at) == ["kept"]     # presses.button kept it until the page had acted on it
    at.run()
    assert acted(at) == ["kept"]     # acted on once


def test_a_press_acted_on_is_done_without_a_run_ending():
    """A fragment's run, or a test's run of one page, does not end through streamlit_app.py: `done` ends the press."""
    at = page(fast=True)
    at.session_state["ends"] = False
    click(at, "kept")
    at.run()
    no_exception(at)
    assert acted(at) == ["kept"]


@pytest.mark.parametrize("change", ["disable_from", "hide_from", "stop_from"])
def test_a_kept_press_lapses_when_the_next_run_draws_its_button_disabled_or_ends_without_it(change):
    at = page(fast=True)
    press_overtaken(at, "kept", change)
    assert acted(at) == []
    at.session_state[change] = float("inf")   # the button is back, enabled: the old press does not surprise
    at.run()
    no_exception(at)
    assert "kept" in {b.label for b in at.button} and acted(at) == []


def test_a_run_ending_leaves_a_press_a_newer_run_carries():
    """Fast reruns: a stopped run may still be ending when the next run's callback has kept its press."""
    at = page(fast=True)
    at.session_state["newer_press"] = at.session_state["runs"] + 1
    at.run()
    assert acted(at) == []
    at.run()
    assert acted(at) == ["kept"]


@pytest.mark.parametrize("when", ["before", "acting"], ids=["before its button", "while it switches"])
@pytest.mark.parametrize("fast", [True, False], ids=["fast reruns", "reruns"])
def test_use_this_model_pressed_in_a_run_a_newer_request_stops_still_opens_predict(monkeypatch, fast, when):
    from app import cost_surface, page_kit

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.switch_page("app_pages/train.py").run()
    at.query_params["iterations"] = "200"
    click(at, "Step")
    assert at.session_state["train_run"].trained
    # the request arrives while the page draws the cost surface above the button, or while it uses the model
    module, name = (cost_surface, "show_run_surface") if when == "before" else (page_kit, "use_model")
    original = getattr(module, name)
    arrived = []

    def overtaken(*args, **kwargs):
        if not arrived:
            if fast:   # Streamlit's default: the run is told to stop, and the browser's request runs anew
                get_script_run_ctx().script_requests.request_stop()
            else:
                a_newer_request_arrives()
            arrived.append(True)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, overtaken)
    click(at, "Use this model")
    no_exception(at)
    assert arrived == [True]
    if fast:
        assert at.title[0].value == "Train"   # stopped
        at.run()
        no_exception(at)
    assert at.title[0].value == "Predict" and "fontnet_session_model" in at.session_state
    assert not at.session_state[presses.KEY].kept   # Predict's run, ending, let the press lapse


def st_calls(name: str) -> list[str]:
    """Where the app's pages and glue call `st.<name>(...)`, with the call's keywords: file:line keywords."""
    import ast

    found = []
    for path in [ROOT / "streamlit_app.py", *sorted((ROOT / "app").glob("*.py")),
                 *sorted((ROOT / "app_pages").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == name
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "st"):
                found.append((f"{path.name}:{node.lineno}", {k.arg for k in node.keywords}))
    return found


def test_every_button_a_page_reads_in_its_body_keeps_its_press():
    """`if st.button(...)` loses a press its run is stopped before: every st.button has a callback (presses.button
    adds one that keeps the press)."""
    buttons = st_calls("button")
    assert any(where.startswith("presses.py") for where, _ in buttons)
    assert [where for where, keywords in buttons if "on_click" not in keywords] == []


def test_pages_end_a_run_on_purpose_through_presses_stop():
    """A kept press lapses where a run ends on purpose; `st.stop()` called directly would keep it for later."""
    assert [where for where, _ in st_calls("stop") if not where.startswith("presses.py")] == []


ONCE = '''
import streamlit as st
from streamlit.runtime.scriptrunner import RerunData, get_script_run_ctx
from app import presses

presses.settle()
ss = st.session_state
ss.runs = ss.get("runs", 0) + 1
computed, of, arrive = ss.computed, ss.get("of", 1), ss.get("arrive_computing") == ss.runs
fast = ss.fast


def fit():
    """The press's work: no Streamlit call inside, as a fit; the browser's next request lands while it computes."""
    computed.append(of)
    if arrive:
        ctx = get_script_run_ctx()
        if fast:   # fast reruns: the run is told to stop; it notices at its next Streamlit call, after the fit
            ctx.script_requests.request_stop()
        else:
            ctx.script_requests.request_rerun(RerunData(query_string=ctx.query_string,
                                                        page_script_hash=ctx.page_script_hash))
    return f"fitted for {of}"


if presses.button("Fit", key="fit"):
    ss.shown = presses.once("fit", of, fit)
    presses.done("fit")
if presses.button("Fit directly", key="direct"):   # the same press computed without once()
    ss.shown = fit()
    presses.done("direct")
st.write(ss.get("shown", "nothing"))
presses.run_ended()
'''


def once_page(fast: bool):
    at = AppTest.from_string(ONCE, default_timeout=30)
    at.session_state["fast"] = fast
    at.session_state["computed"] = []
    return at.run()


@pytest.mark.parametrize("fast", [True, False], ids=["fast reruns", "reruns"])
def test_a_result_computed_by_a_run_stopped_while_computing_is_not_computed_again(fast):
    at = once_page(fast)
    press_overtaken(at, "Fit directly", when="arrive_computing")
    assert at.session_state["computed"] == [1, 1]     # computed in the stopped run, thrown away, computed again
    at.session_state["computed"].clear()
    press_overtaken(at, "Fit", when="arrive_computing")
    assert at.session_state["computed"] == [1]        # once: the next run drew the stopped run's result
    assert "fitted for 1" in at.markdown[0].value
    kept = at.session_state[presses.KEY]
    assert not kept.kept and not kept.results         # done: the result went with the press
    at.run()
    assert at.session_state["computed"] == [1]


def test_a_result_computed_from_what_has_changed_since_is_computed_again():
    at = once_page(fast=True)
    runs = at.session_state["runs"]
    at.session_state["arrive_computing"] = runs + 1
    click(at, "Fit")                                   # stopped after computing for 1
    assert at.session_state["runs"] == runs + 1 and at.session_state["computed"] == [1]
    at.session_state["of"] = 2                         # the newer request changed what the fit is of
    at.run()
    no_exception(at)
    assert at.session_state["computed"] == [1, 2]
    assert "fitted for 2" in at.markdown[0].value


def test_a_run_acting_on_a_kept_press_waits_for_the_stopped_run_still_computing_it():
    """Fast reruns start the next run beside the stopped one, which computes until its next Streamlit call."""
    at = once_page(fast=True)
    kept = at.session_state[presses.KEY]
    lock = kept.computing["fit"] = WatchedLock()
    holding, finish = threading.Event(), threading.Event()

    def the_stopped_run_computing():
        with lock:
            holding.set()
            finish.wait(30)
            kept.results["fit"] = (1, "fitted by the stopped run")

    stopped = threading.Thread(target=the_stopped_run_computing)
    stopped.start()
    assert holding.wait(30)
    next(b for b in at.button if b.label == "Fit").click()
    ran = []
    rerun = threading.Thread(target=lambda: ran.append(at.run()))
    rerun.start()
    assert lock.waiting.wait(30), "the run did not wait for the stopped run's computing"
    assert not ran and rerun.is_alive()
    finish.set()
    stopped.join(30)
    rerun.join(60)
    assert ran, "the run did not finish after the stopped run's computing ended"
    no_exception(at)
    assert at.session_state["computed"] == []          # it drew that result and computed nothing itself
    assert "fitted by the stopped run" in at.markdown[0].value


@pytest.mark.parametrize("fast", [True, False], ids=["fast reruns", "reruns"])
def test_the_library_fit_on_train_runs_once_when_a_newer_request_stops_its_run(monkeypatch, fast):
    from fontnet.training import TrainingRun

    at = AppTest.from_file(str(ROOT / "app_pages" / "train.py"), default_timeout=120)
    at.query_params["iterations"] = "200"
    at.run()
    click(at, "Step")
    original, fits = TrainingRun.library_result, []

    def overtaken(self):
        fits.append(self.run_id)
        if len(fits) == 1:   # the browser's next request lands during the fit
            if fast:
                get_script_run_ctx().script_requests.request_stop()
            else:
                a_newer_request_arrives()
        return original(self)

    monkeypatch.setattr(TrainingRun, "library_result", overtaken)
    click(at, "Fit scikit-learn's MLPClassifier")
    no_exception(at)
    if fast:
        assert not at.dataframe   # stopped before the table
        at.run()
        no_exception(at)
    assert len(fits) == 1, fits
    table = at.dataframe[0].value
    assert list(table["model"]) == ["fontnet", "scikit-learn MLPClassifier"]
