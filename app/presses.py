"""A press's callback runs to its end, even when the visitor's next request reaches the server meanwhile.

Streamlit looks for a newer rerun request at every `st.session_state` access, inside a widget's callback too.
When a second request reaches the server while a press's callback runs (the map's slider moved right after
Train, on a busy server), the callback stops at its next `st.session_state` access, and Streamlit takes the stop
for the callback's own `st.rerun()`. The next run carries no press (the browser sends a press once), the
callback never runs again, and the page shows nothing wrong: Train still enabled at iteration 0, or a toggle
shown on whose change never reached the class.

So every callback a page hands a widget is wrapped by `@whole_callback`: while it runs, its script thread does
not look for newer requests. Streamlit looks again right after the callbacks, so the newer request still
reruns the script then, as it would have at the callback's next line, and that run draws what the press did.

With fast reruns (Streamlit's default, kept: turning them off slowed the class's answers, see docs/design.md)
a newer request does not wait for that look: Streamlit starts the next run in a new thread at once, beside the
finishing callback. So one session's callbacks run one at a time, and `settle()`, called by streamlit_app.py at
the start of every run before any page reads its state, waits for a callback still finishing, so the new run
draws what the press did.

A button whose press the page acts on in its body (a spinner while it fits, a page switch) is drawn by
`button()`, not read as `if st.button(...)`: such a read sees the press only in the run that carries it, so a
newer request stopping that run before the button, or while it acted (a slider moved during the fit, or during
`st.switch_page`'s short wait before it switches), lost the press. `button()`'s whole callback keeps the press
in the session until the page says its action is done (`done()`), or a run draws the button disabled, or a run
ends as the page means it to (at its end, or at `stop()`, which pages call instead of `st.stop()`): the press
then no longer applies, and kept, it could surprise the visitor later. A run stopped for a newer request ends
with Streamlit's own stop (fast reruns) or rerun, never at those places, so its press stays kept and the next
run that draws the button acts on it (a page switch ends its run with a rerun too: the next page's run, ending,
lets the press lapse).

A run stopped for a newer request while it computes (a fit) is not stopped there: fast reruns stop it at its next
Streamlit call, after the computing, while the next run, in another thread, acts on the kept press at once. So
the page computes a press's result through `once()`: the next run waits for the stopped run's result and draws
it, instead of computing it a second time beside it and throwing the first away.

Not covered, as no code of the app runs there: a press whose thread is stopped before it reaches its callbacks
(on a busy server) is dropped by fast reruns. The page then shows the button unpressed, ready to be pressed
again.
"""

from __future__ import annotations

import contextlib
import functools
import threading
import weakref
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

KEY = "fontnet_presses"


class Presses:
    """One session's lock, held while one of its callbacks runs. Kept in the session's state (it goes with the
    session) and reached by a callback through `_by_session`, without touching `st.session_state`."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.runs = 0                 # this session's runs begun (`settle()` counts them)
        self.kept: dict[str, int] = {}   # `button()`s pressed, not yet acted on: key -> the run carrying the press
        self.results: dict[str, tuple[Any, Any]] = {}   # `once()`: key -> (what it was computed of, the result)
        self.computing: dict[str, threading.Lock] = {}  # `once()`: key -> held while a run computes its result


T = TypeVar("T")

# the number of the run this script thread is running, for `run_ended()` (a run stopped by fast reruns still
# unwinds in its own thread while the next run, in another, begins)
_this_run = threading.local()


# session id -> that session's Presses (held by its session state, gone with it)
_by_session: weakref.WeakValueDictionary[str, Presses] = weakref.WeakValueDictionary()


def _no_request():
    return None


def whole_callback(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a widget callback so that it runs to its end (see the module)."""
    if getattr(fn, "__whole__", False):
        return fn

    @functools.wraps(fn)
    def callback(*args, **kwargs):
        ctx = get_script_run_ctx(suppress_warning=True)
        requests = ctx.script_requests if ctx is not None else None
        if requests is None or "on_scriptrunner_yield" in vars(requests):
            return fn(*args, **kwargs)  # outside a page run (a test calling it), or inside another one
        presses = _by_session.get(ctx.session_id)  # none when a test runs a page script on its own
        with presses.lock if presses is not None else contextlib.nullcontext():
            # An attribute on the instance hides the method for this script thread's requests only. Streamlit's
            # next look, right after the callbacks, finds the request still there.
            requests.on_scriptrunner_yield = _no_request
            try:
                return fn(*args, **kwargs)
            finally:
                del requests.on_scriptrunner_yield

    callback.__whole__ = True
    return callback


def settle() -> None:
    """At the start of a page run, before any page reads its state: wait for a callback a stopped run is still
    finishing (the press that run carried), and let this session's callbacks find their lock."""
    presses: Presses = st.session_state.setdefault(KEY, Presses())
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is not None:
        _by_session[ctx.session_id] = presses
    with presses.lock:
        presses.runs += 1
        _this_run.number = presses.runs


@whole_callback
def _keep_press(key: str) -> None:
    presses: Presses = st.session_state.setdefault(KEY, Presses())
    presses.kept[key] = presses.runs + 1   # callbacks run before the script, so before its run's settle()


def button(label: str, *, key: str, disabled: bool = False, **kwargs: Any) -> bool:
    """`st.button` for a press the page acts on in its body: True in each run that draws it enabled after a press
    until the page calls `done(key)`, so a run stopped before the button or while acting leaves the press to the
    next run (see the module)."""
    presses: Presses = st.session_state.setdefault(KEY, Presses())
    st.button(label, key=key, disabled=disabled, on_click=_keep_press, args=(key,), **kwargs)
    if disabled:
        _forget(presses, key)
    return key in presses.kept


def once(key: str, of: Any, work: Callable[[], T]) -> T:
    """`work()`, the result `button(key=key)`'s press asks for, computed once for its press and for `of` (what it
    is computed from, compared with ==): a run stopped while computing it leaves it here, and the next run that
    acts on the kept press waits for it rather than computing it again (see the module). `work` calls no
    Streamlit function; the result is dropped with the press (`done`, or the press lapsing)."""
    presses: Presses = st.session_state.setdefault(KEY, Presses())
    with presses.computing.setdefault(key, threading.Lock()):
        if key in presses.results and presses.results[key][0] == of:
            return presses.results[key][1]
        result = work()
        if key in presses.kept:   # a plain dict: a stopped run gets this far (no Streamlit call since work began)
            presses.results[key] = (of, result)
        return result


def _forget(presses: Presses, key: str) -> None:
    presses.kept.pop(key, None)
    presses.results.pop(key, None)


def done(key: str) -> None:
    """The action of `button(key=key)`'s press has happened: later runs do not act on it again."""
    _forget(st.session_state.setdefault(KEY, Presses()), key)


def run_ended() -> None:
    """Called where a run ends as the page means it to (streamlit_app.py after the page, and `stop()`): a press
    this run or an earlier one carried no longer applies (acted on, or its button not drawn). A press a newer run
    carries (its callback may have run while this one ended) stays."""
    ctx = get_script_run_ctx(suppress_warning=True)
    presses = _by_session.get(ctx.session_id) if ctx is not None else None
    number = getattr(_this_run, "number", None)
    if presses is None or number is None:
        return
    for key, carrier in list(presses.kept.items()):
        if carrier <= number:
            _forget(presses, key)


def stop() -> NoReturn:
    """`st.stop()` for a page ending its run on purpose (a kept press it did not draw lapses: see the module)."""
    run_ended()
    st.stop()
