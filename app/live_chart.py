"""Live charts that stay mounted in the browser and receive only what is new.

A panel of charts is a components.v2 element (static/live_chart.js, drawing with the vendored uPlot) kept under
a fixed key. Every page run sends it its run's whole history: the server is the source of truth, so a reload,
Pause, Resume or a finished run redraws it whole, and the browser replaces the data of a chart that stays
mounted. While a run plays, no script run happens at all: the panel polls its `Feed` (app/live_feed.py), and
each answer, built by `feed_answer` from the same `Chart`s, carries a chunk's new points, a few numbers per
chart, which the browser appends. The panel then also draws the progress bar (`progress`: the server's numbers
and its own words), since no script run redraws the page. A feed that fails (unreachable, a page where its data
should be, a panel it no longer knows, answers that never advance) stops the panel with a message of its own.

Use: `live_charts(key, [Chart(...), ...], source=..., progress=...)`: a chart's `spec` comes from
fontnet.figures.live, `length` is how many points its run has and `points(start)` returns the columns from
index `start` on.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from app.live_feed import Feed, Source
from app.presses import whole_callback

# The chart's code and the vendored uPlot are static files (static/, served by Streamlit at app/static/ with
# `server.enableStaticServing`): the browser loads and parses them once per page, and each message carries
# only this loader and the chart's numbers. Unmounted, the element stops asking its feed for updates.
_LOADER = """
let lib = null;
export default function (component) {
  lib = lib || import(new URL("app/static/live_chart.js", document.baseURI).href);
  const feed = lib.then((m) => [m, m.render(component)]);
  return () => feed.then(([m, f]) => m.stopped(f));
}
"""
_component = st.components.v2.component("fontnet_live_chart", js=_LOADER, isolate_styles=False)
_SEQ = "fontnet_live_seq_"     # + a panel's key: how many page runs of this session sent it data
_EPOCH = "fontnet_live_epoch"  # this session's mark on those numbers (a new session, after a replica stopped, starts again)


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


def whole(c: Chart) -> dict:
    """A chart with its spec and every point: what a page run sends, and a feed when the browser lacks a base."""
    return {"name": c.name, "title": c.title, "area": c.area or c.name, "spec": c.spec, "run": c.run_id,
            "start": 0, "length": c.length, "full": True, **c.points(0)}


def feed_answer(charts: list[Chart], run_id: int | str, run: str, have: int, **extra) -> dict:
    """A feed's answer to a browser holding `have` points of run `run`: each chart's points from `have` on;
    everything, with its spec, when the browser holds another run or more points than there are. `extra`
    (status, progress, ...) is added as it is."""
    out = []
    for c in charts:
        if run != str(run_id) or have > c.length:
            out.append(whole(c))
        else:
            out.append({"name": c.name, "run": c.run_id, "start": have, "length": c.length, "full": False,
                        **c.points(have)})
    return {"run": str(run_id), "charts": out, **extra}


def feed_key(key: str) -> str:
    """Where the session keeps the feed of the panel `key`."""
    return f"_live_feed_{key}"


def _connected(session_id: str):
    """Whether the session `session_id` still has its browser connected (to this server)."""
    return lambda: Runtime.exists() and Runtime.instance().is_active_session(session_id)


def feed_of(key: str) -> Feed:
    """The session's feed for the panel `key`: made on first use, its token kept for the session, answering
    only while the session's browser is connected."""
    feed = st.session_state.get(feed_key(key))
    if feed is None:
        ctx = get_script_run_ctx()
        alive = _connected(ctx.session_id) if ctx is not None and Runtime.exists() else None
        feed = st.session_state[feed_key(key)] = Feed(alive)
    return feed


@whole_callback
def _rerun_only() -> None:
    """A trigger's callback: the rerun it causes is all it asks for."""


def stacked(areas: list[str]) -> list[str]:
    """A grid's areas one under another, in the order they first appear reading row by row."""
    return list(dict.fromkeys(name for row in areas for name in row.split()))


def live_charts(key: str, charts: list[Chart], columns: str = "1fr", areas: list[str] | None = None,
                source: Source | None = None, progress: dict | None = None, every: float = 0.12,
                watch: tuple[str, str] | None = None, narrow_below: int = 0) -> dict:
    """Mount or update a panel of live charts under `key`, each with its whole history.

    `columns` and `areas` lay the charts out as a CSS grid (areas name the charts' `area`s); while the panel is
    narrower than `narrow_below` pixels, the browser stacks them one under another instead. Pass `source`
    while a run plays: the session's feed for this panel serves it, the browser asks the feed every `every`
    seconds for what is new until the run stops, and shows `progress` ({"value": 0-1, "text": the app's own
    words}) above the charts meanwhile; then it reruns the page (the trigger `ended`). Without `source` the
    feed serves nothing. Returns the data sent (for tests).

    `watch` = (held, chart) makes the panel watch something open-ended (a class room) instead of a run: it keeps
    asking while the feed's answers say "open" (a quiet spell is not a stall), sends back as `run` the token
    `held` (what this page run sent; each answer brings the next one) and, as `have`, the number of points the
    chart named `chart` holds. The source then sends what changed since that token.
    """
    feed = feed_of(key)
    feed.serve(source)
    layout = {"columns": columns, "areas": areas or [c.area or c.name for c in charts]}
    if narrow_below:
        layout["narrow"] = {"below": int(narrow_below), "columns": "1fr", "areas": stacked(layout["areas"])}
    data = {"layout": layout, "charts": [whole(c) for c in charts]}
    if source is not None:
        data["feed"] = {"url": feed.url, "every_ms": int(every * 1000)}
        if watch is not None:
            data["feed"] |= {"watch": True, "have": watch[1]}
    if watch is not None:
        data["held"] = watch[0]
    if progress is not None:
        data["progress"] = progress
    # this page run's place among the session's runs that drew this panel: the browser can hand the panel an
    # earlier run's data after a later one's, and keeps the later (static/live_chart.js, `render`)
    ss = st.session_state
    ss[_SEQ + key] = ss.get(_SEQ + key, 0) + 1
    data["seq"] = [ss.setdefault(_EPOCH, secrets.token_hex(6)), ss[_SEQ + key]]
    # either trigger reruns the page, which sends every chart whole: `resync` when the browser lacks points it
    # cannot get otherwise or its feed failed (the panel then also says so), `ended` when the feed says the run
    # stopped
    _component(key=key, data=data, on_resync_change=_rerun_only, on_ended_change=_rerun_only)
    return data
