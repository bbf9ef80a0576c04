"""What the AppTest page tests share: pressing a button by its label, reading Markdown as shown, no exceptions."""

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def open_page(path: str, **query):
    """Run the page script `path` (from the repository's root) once, its link holding `query`."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / path), default_timeout=60)
    at.query_params.update(query)
    return at.run()


def click(at, label: str):
    """Press the button labelled `label` and run the page; returns the AppTest."""
    next(b for b in at.button if b.label == label).click()
    return at.run()


def shown(element) -> str:
    """An element's Markdown as a reader sees it (text from links, files and text boxes is backslash-escaped)."""
    return re.sub(r"\\(.)", r"\1", element.value)


def no_exception(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


def feed(at, panel: str):
    """The session's feed of the live panel keyed `panel` (app/live_chart.py)."""
    from app.live_chart import feed_key

    return at.session_state[feed_key(panel)]


def poll(at, panel: str, run_key: str) -> dict:
    """What the browser does while a run plays: ask the live panel's feed (app/live_feed.py) for the next update,
    holding every point so far. Returns the feed's answer."""
    run = at.session_state[run_key]
    answer = feed(at, panel).poll(str(run.run_id), len(run.history))
    assert answer is not None, "the feed serves nothing: the run is not playing"
    return answer


def play(at, panel: str, run_key: str, limit: int = 1000) -> dict:
    """Poll until the run stops, then rerun the page as the browser does; returns the last answer."""
    for _ in range(limit):
        answer = poll(at, panel, run_key)
        if answer["status"] != "running":
            at.run()
            return answer
    raise AssertionError(f"the run was still playing after {limit} updates")


def walk(node):
    """Every node of an AppTest element tree, depth first."""
    yield node
    for child in getattr(node, "children", {}).values():
        yield from walk(child)


def cookie_asked(at) -> dict | None:
    """What the page's last run asked the browser to keep (or forget) in a cookie (a class seat on Teach, a teacher
    key on Class): the data of the hidden cookie component, or None when the run mounted none."""
    for node in walk(at._tree):
        proto = getattr(node, "proto", None)
        if getattr(proto, "component_name", None) == "fontnet_seat_cookie":
            return json.loads(proto.json)
    return None


def with_cookies(monkeypatch, cookies: dict[str, str]) -> None:
    """The cookies the next sessions' browser sends when they begin (AppTest has no browser to send any)."""
    from app import classroom

    monkeypatch.setattr(classroom, "browser_cookies", lambda: dict(cookies))
