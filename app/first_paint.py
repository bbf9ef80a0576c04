"""A student's first visit draws the top of the page first, down to its main control, and the rest right after.

Streamlit's page fetches the code for each kind of element (a select box, a number box, a file uploader, a
component) the first time one appears, and shows a script run's elements together once the code for all of them
has arrived and run. On a first visit, with nothing cached, a page of twenty kinds therefore showed its main
control only when the last of them was ready: 1.8-2.6 times as long as a bare Streamlit page (`python -m bench
first-visit`, docs/measurements.md). So the first script run of a visitor's session is *light*: the page draws its
title, its words and its main control, leaves an empty container where each part it holds back goes, and stops.
A tiny browser script (first_paint.js), mounted by streamlit_app.py on every run, waits until that is drawn and
asks for the rest with one trigger; the next run (that one, or the visitor's first click, whichever comes first)
draws the whole page, filling the same containers, so nothing drawn already moves or is drawn again.

Only a browser runs the script, so only a session with a browser's connection (its request headers) gets a light
run; a test run (`AppTest`) draws the whole page at once, as before.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app import presses
from app.presses import whole_callback
from app.session_reset import RESET

LIGHT = "fontnet_light_run"        # this run draws only the top of the page
AFTER_LIGHT = "fontnet_after_light_run"  # this run is one of the first RESENT runs of a session whose first was light
RUNS = "fontnet_session_runs"      # script runs of this session so far
RESENT = 3                         # the light run and the next two: each sends every link setting with its control
DRAWN = "fontnet_first_run_drawn"  # the session has had its first run: every later one draws the whole page
KEY = "fontnet_first_paint"
LATER = "fontnet_later"            # the keys of the held-back parts' containers: fontnet_later_0, _1, ... in page order,
                                   # fontnet_later_4_0, ... for a part inside part 4 (the same in every run)
_component = st.components.v2.component(
    "fontnet_first_paint", js=Path(__file__).with_name("first_paint.js").read_text(encoding="utf-8"),
    css=f".st-key-{KEY} {{ display: none; }}",  # nothing to see: no gap above the page either
    isolate_styles=False)


def _has_browser() -> bool:
    """Whether a browser's page is drawing this session (a test run has no connection, so no headers)."""
    return bool(st.context.headers)


@whole_callback
def _painted() -> None:
    """The browser drew the light run: nothing to record (the run it triggers is already a whole one)."""


def begin() -> bool:
    """Once per script run, before the page (streamlit_app.py): whether this run is light, and the browser
    script that asks for the rest after a light one (mounted on every run, so the page below keeps its place)."""
    ss = st.session_state
    ss[RUNS] = runs = ss.get(RUNS, 0) + 1
    ss[AFTER_LIGHT] = bool(ss.get(LIGHT) or ss.get(AFTER_LIGHT)) and runs <= RESENT
    # The run the session-reset check asked for is never light: that check tells first_paint.js not to ask for a
    # run of its own (two at once lost one), and when the session's first run stopped for it before reaching
    # here, this run is the session's first to get this far.
    ss[LIGHT] = light = not ss.get(DRAWN) and _has_browser() and not ss.get(RESET)
    ss[DRAWN] = True
    ss[LATER] = [0]
    _component(key=KEY, data={"light": light}, on_painted_change=_painted)
    return light


def held_back() -> bool:
    """Whether this run leaves a part of the page for the next one (a page draws such a part through `later`)."""
    return bool(st.session_state.get(LIGHT))


def later(draw, *args, reserve_px: int = 0, hold_back: bool = True, **kwargs):
    """A part of the page above its main control that a first visit's light run leaves for the next run: `draw(*args,
    **kwargs)` inside its own container (so the part keeps its place), or, in a light run, `reserve_px` pixels of
    empty space in it: about the part's height on a wide screen, so that the main control below is drawn where the
    whole page will have it and does not jump away as the rest arrives (`python -m bench first-visit` reports how
    far it moves; first_paint.js keeps that height as the part's least while the rest arrives). `hold_back=False`
    draws the part in a light run too (the page needs it at once: a link asked for it, a room's invitation). Returns what `draw` returns, None in a light run."""
    path = st.session_state.setdefault(LATER, [0])   # this part's place among the parts, and inside which
    n = path[-1]
    path[-1] += 1
    with st.container(key="_".join(map(str, [LATER, *path[:-1], n]))):
        if hold_back and held_back():
            if reserve_px:
                st.space(reserve_px)   # Streamlit's own spacer: its code comes with the page's, nothing to fetch
            return None
        path.append(0)
        try:
            return draw(*args, **kwargs)
        finally:
            path.pop()


def after_light() -> bool:
    """Whether this is one of the two runs after a light one. The page may replace a run's controls before it
    has drawn them (Streamlit loads a kind of control's code only when it first appears, and a run the browser
    asks for, or a second one asked for at once, replaces the one in progress), and a control the page never
    drew shows its default, not the value the server set in an earlier run: so links.page_settings sets each
    setting's value again in these runs, and every control is sent with it."""
    return bool(st.session_state.get(AFTER_LIGHT))


def stop_after_main_control() -> None:
    """Called by a page right after its main control: a light run ends here."""
    if held_back():
        presses.stop()
