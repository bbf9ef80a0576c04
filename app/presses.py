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

This relies on `runner.fastReruns = false` (.streamlit/config.toml): with fast reruns a newer request does not
wait for a look at all. Streamlit stops the script thread and starts another, which runs alongside the
finishing callback and can draw the page before the press has changed it; and a press whose thread has not
reached its callbacks yet (a busy server) is dropped, where without fast reruns Streamlit merges it into the
newer request. One gap remains in Streamlit: a run that took the press and has not yet started its callbacks
(it looks for newer requests once more just before them, a fraction of a millisecond) drops it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from streamlit.runtime.scriptrunner import get_script_run_ctx


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
        if requests is None or "on_scriptrunner_yield" in vars(requests):  # outside a run, or already inside one
            return fn(*args, **kwargs)
        # An attribute on the instance hides the method for this script thread's requests only. Streamlit's next
        # look, right after the callbacks, finds the request still there.
        requests.on_scriptrunner_yield = _no_request
        try:
            return fn(*args, **kwargs)
        finally:
            del requests.on_scriptrunner_yield

    callback.__whole__ = True
    return callback
