"""A page's live run: its buttons (Train, Pause, Resume, Step where offered, Reset), the progress bar, the live
charts and what their feed answers while the run plays. The Train and Digits pages pass their charts and words.

While a run plays no script run happens: the chart panel polls the feed, which trains the next chunk and answers
with what is new, and the panel draws the progress bar itself; when the run stops, the panel reruns the page,
which draws everything whole (buttons, messages, charts).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from app.live_chart import Chart, feed_answer, live_charts
from app.live_feed import Source
from app.presses import whole_callback
from app.text import md_literal
from fontnet.playback import LiveRun

ss = st.session_state


@whole_callback
def on_pause(run_key: str) -> None:
    if run := ss.get(run_key):
        run.pause()


@whole_callback
def on_resume(run_key: str) -> None:
    if run := ss.get(run_key):
        run.resume()


def run_buttons(run_key: str, box_key: str, *, on_train: Callable[[], None], on_reset: Callable[[], None],
                on_step: Callable[[], None] | None = None, disabled: bool = False, key_prefix: str | None = None,
                train_help: str | None = None, reset_help: str | None = None) -> None:
    """One row of buttons for the run kept at ss[run_key]: Train and Reset call the page's own callbacks (they
    make a new run), Pause and Resume act on the run, Step (where the page offers it) trains one iteration.
    `disabled`: the settings cannot make a run; `key_prefix`: the buttons' keys are `<prefix>_train`, ..."""
    run: LiveRun | None = ss.get(run_key)
    status = run.status if run else "ready"

    def key(word: str) -> str | None:
        return f"{key_prefix}_{word}" if key_prefix else None

    with st.container(horizontal=True, key=box_key):
        st.button("Train", type="primary", on_click=whole_callback(on_train), disabled=disabled, help=train_help,
                  key=key("train"))
        st.button("Pause", on_click=on_pause, args=(run_key,), disabled=status != "running", key=key("pause"))
        st.button("Resume", on_click=on_resume, args=(run_key,), disabled=status != "paused", key=key("resume"))
        if on_step is not None:
            st.button("Step", on_click=whole_callback(on_step), disabled=run is not None and not run.can_train,
                      help="One iteration, then paused.", key=key("step"))
        st.button("Reset", on_click=whole_callback(on_reset), disabled=disabled, help=reset_help, key=key("reset"))


def feed_source(run: LiveRun, charts: Callable[[], list[Chart]], label: Callable[[LiveRun], str],
                redraw: Callable[[], bool] | None = None) -> Source:
    """What a live panel's feed answers while `run` plays: train the next chunk, send what is new (`charts()`
    built after it), the progress, and `redraw()`: whether the browser should rerun the page once."""

    def source(have_run: str, have: int) -> dict:
        with run.lock:
            run.advance()
            extra = {} if redraw is None else {"redraw": run.status == "running" and redraw()}
            return feed_answer(charts(), run.run_id, have_run, have, status=run.status,
                               progress={"value": run.progress, "text": label(run)}, **extra)

    return source


def live_section(run: LiveRun, key: str, charts: Callable[[], list[Chart]], label: Callable[[LiveRun], str], *,
                 playing: bool, every: float, box_key: str, status_key: str | None = None,
                 show_status: Callable[[LiveRun], None] | None = None, source: Source | None = None,
                 **layout) -> None:
    """The progress bar (while the run plays, the panel draws it), the page's messages about the run
    (`show_status`), both in the keyed block `status_key` (default `<key>_status`), and the live panel `key` in
    the keyed block `box_key`. Both blocks are keyed, so the progress bar coming and going as a run starts and
    stops, or a message above the panel, never makes the browser remount the panel. `source`: the feed while the
    run plays, `feed_source(run, charts, label)` unless the page builds its own; `layout`: the panel's columns and
    areas.

    `playing`: whether the run was running when this page run began, as the page read it once at its top (its
    buttons were drawn from the same reading), not whether it runs now. The feed of the panel the browser still
    shows trains on while a page run draws (a slider moved, a trigger), and may end the run meanwhile; its answer
    saying so is dropped when this run's panel replaces it. A page whose buttons say "running" must then still
    hand the panel a feed: its first answer says the run stopped, and the browser reruns the page, which draws
    it stopped. Read afresh here, the panel would come without a feed under buttons that say the run plays, and
    nothing would rerun the page."""
    with run.lock:
        with st.container(key=status_key or f"{key}_status"):
            if not playing:
                st.progress(run.progress, text=md_literal(label(run)))
            if show_status is not None:
                show_status(run)
        with st.container(key=box_key):
            live_charts(key, charts(), source=(source or feed_source(run, charts, label)) if playing else None,
                        progress={"value": run.progress, "text": label(run)} if playing else None, every=every,
                        **layout)
