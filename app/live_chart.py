"""Live charts that stay mounted in the browser and receive only what is new.

A chart is a components.v2 element (live_chart.js, drawing with the vendored uPlot) kept under a fixed key.
On a whole page run (a reload, Pause, Resume, a finished run, any widget outside a fragment) it gets the full
history of its run; on a fragment's own reruns (the live updates) only the points added since the last one,
a few numbers per chart. The server is the source of truth: which points this session's chart was sent is
kept in `st.session_state`, and anything unexpected (another run, a history that shrank) sends it whole.

Use: `live_chart(key, spec, run_id, length, points)` where `spec` comes from fontnet.figures.live,
`length` is how many points the run has and `points(start)` returns the columns from index `start` on.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

_HERE = Path(__file__).parent
_JS = ((_HERE / "vendor" / "uplot" / "uPlot.iife.min.js").read_text(encoding="utf-8") + "\n"
       + (_HERE / "live_chart.js").read_text(encoding="utf-8"))
_CSS = "/* uPlot */\n" + (_HERE / "vendor" / "uplot" / "uPlot.min.css").read_text(encoding="utf-8")  # a newline: inline
_component = st.components.v2.component("fontnet_live_chart", js=_JS, css=_CSS, isolate_styles=False)
SENT = "_live_chart_sent"   # chart key -> (run id, lengths at the last OVERLAP updates)
OVERLAP = 4   # a live payload repeats the points of the last few updates: the browser may skip a render


def whole_page_run() -> bool:
    """Whether this script run is the whole page (not one fragment rerunning on its own)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx is None or not ctx.fragment_ids_this_run


def _forget(key: str) -> None:
    """The browser asked for the whole history (it missed more than the overlap): send it on this run."""
    st.session_state.get(SENT, {}).pop(key, None)


def live_chart(key: str, spec: dict, run_id: int | str, length: int, points: Callable[[int], dict]) -> dict:
    """Mount or update the chart `key`; returns the payload sent (for tests).

    On a whole page run, for a new run, or when the history shrank, the payload is the whole history
    (`full`); otherwise `points(start)` with `start` the length this chart had OVERLAP updates ago, so the
    browser appends what it lacks even if it skipped a render or two.
    """
    sent = st.session_state.setdefault(SENT, {})
    before = sent.get(key)
    full = whole_page_run() or before is None or before[0] != run_id or before[1][-1] > length
    start = 0 if full else before[1][0]
    payload = {"spec": spec, "run": run_id, "start": start, "length": length, "full": full, **points(start)}
    recent = [] if full else list(before[1])
    sent[key] = (run_id, (recent + [length])[-OVERLAP:])
    _component(key=key, data=payload, on_resync_change=lambda: _forget(key))
    return payload
