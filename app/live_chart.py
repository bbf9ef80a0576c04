"""Live charts that stay mounted in the browser and receive only what is new.

A chart is a components.v2 element (static/live_chart.js, drawing with the vendored uPlot) kept under a fixed key.
On a whole page run (a reload, Pause, Resume, a finished run, any widget outside a fragment) it gets the full
history of its run; on a fragment's own reruns (the live updates) only the points added since the last one,
a few numbers per chart. The server is the source of truth: which points this session's chart was sent is
kept in `st.session_state`, and anything unexpected (another run, a history that shrank) sends it whole.

Use: `live_chart(key, spec, run_id, length, points)` for one chart, `live_charts(key, [Chart(...), ...])` for
a panel (one element and one message per update for several charts): `spec` comes from fontnet.figures.live,
`length` is how many points the run has and `points(start)` returns the columns from index `start` on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

# The chart's code and the vendored uPlot are static files (static/, served by Streamlit at app/static/ with
# `server.enableStaticServing`): the browser loads and parses them once per page, and each update's message
# carries only this loader and the chart's numbers.
_LOADER = """
let lib = null;
export default function (component) {
  lib = lib || import(new URL("app/static/live_chart.js", document.baseURI).href);
  lib.then((m) => m.render(component));
}
"""
_component = st.components.v2.component("fontnet_live_chart", js=_LOADER, isolate_styles=False)
SENT = "_live_chart_sent"   # (panel key, chart name) -> (run id, lengths at the last OVERLAP updates)
OVERLAP = 8   # a live payload repeats the points of the last second's updates: the browser may skip renders


def whole_page_run() -> bool:
    """Whether this script run is the whole page (not one fragment rerunning on its own)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx is None or not ctx.fragment_ids_this_run


@dataclass
class Chart:
    """One chart of a panel: `spec` from fontnet.figures.live, the run its points belong to, how many points
    that run has, and `points(start)`: the columns from index `start` on. `title` is the app's own text."""

    name: str
    spec: dict
    run_id: int | str
    length: int
    points: Callable[[int], dict]
    title: str = ""
    area: str = ""


def _forget(key: str) -> None:
    """The browser asked for the whole history (a chart missed more than the overlap): send it on this run."""
    sent = st.session_state.get(SENT, {})
    for k in [k for k in sent if k[0] == key]:
        del sent[k]


def _payload(key: str, chart: Chart, whole: bool) -> tuple[dict, tuple]:
    """What to send `chart` now, and what the session will remember as sent once it has gone out."""
    before = st.session_state.get(SENT, {}).get((key, chart.name))
    full = whole or before is None or before[0] != chart.run_id or before[1][-1] > chart.length
    start = 0 if full else before[1][0]
    recent = [] if full else list(before[1])
    payload = {"name": chart.name, "title": chart.title, "area": chart.area or chart.name, "spec": chart.spec,
               "run": chart.run_id, "start": start, "length": chart.length, "full": full, **chart.points(start)}
    return payload, (chart.run_id, (recent + [chart.length])[-OVERLAP:])


def live_charts(key: str, charts: list[Chart], columns: str = "1fr", areas: list[str] | None = None) -> dict:
    """Mount or update a panel of live charts under `key` (one element, so one message per update).

    `columns` and `areas` lay the charts out as a CSS grid (areas name the charts' `area`s). On a whole page
    run, for a new run, or when a history shrank, a chart gets its whole history (`full`); otherwise
    `points(start)` with `start` the length it had OVERLAP updates ago, so the browser appends what it lacks
    even if it skipped a render or two. Returns the data sent (for tests).
    """
    whole = whole_page_run()
    payloads = [_payload(key, c, whole) for c in charts]
    data = {"layout": {"columns": columns, "areas": areas or [c.area or c.name for c in charts]},
            "charts": [p for p, _ in payloads]}
    _component(key=key, data=data, on_resync_change=lambda: _forget(key))
    # remembered only once the element has gone out: a run stopped before this point (a newer rerun took
    # over) leaves the memory as the browser last got it
    sent = st.session_state.setdefault(SENT, {})
    for c, (_, memory) in zip(charts, payloads):
        sent[(key, c.name)] = memory
    return data


def live_chart(key: str, spec: dict, run_id: int | str, length: int, points: Callable[[int], dict],
               title: str = "") -> dict:
    """One live chart: a panel holding just it."""
    return live_charts(key, [Chart("chart", spec, run_id, length, points, title)])
