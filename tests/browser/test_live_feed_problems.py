"""A live panel whose feed goes wrong says so and asks for a page run; it never sits at "running" in silence.

The browser intercepts the Train panel's feed requests (page.route) and answers them as a broken deployment
would: a web page where the feed should be (a proxy or base path that sends it elsewhere), HTTP errors, no
answer, a 404 that is the feed's own (the server no longer knows the panel), or answers that say "running"
but never advance.
"""

from __future__ import annotations

import json

import pytest

from tests.browser.conftest import run_panel_request, wait_for_app

pytestmark = pytest.mark.browser

FEED = run_panel_request   # the Train panel's requests; the cost surface's own panel's pass untouched
ROOT = "document.querySelector('.st-key-train_live .fontnet-live-grid')?.parentElement"
# the panel's state in one JavaScript task
STATE = f"""() => {{ const root = {ROOT}; if (!root) return null;
  const problem = root.querySelector('.fontnet-feed-problem');
  const bar = root.querySelector('[data-testid=stProgress]');
  return {{reason: problem?.dataset.reason ?? null, text: problem?.textContent ?? null,
          role: problem?.getAttribute('role') ?? null, progress: bar?.innerText ?? null,
          renders: +(root.dataset.updates || 0), resyncs: +(root.dataset.feedResyncs || 0),
          asking: !!root.__fontnetFeed && !root.__fontnetFeed.stopped, points: +root.querySelector('[data-chart=loss]').dataset.points}}; }}"""


def state(page) -> dict:
    return page.evaluate(STATE)


def start_run(page, app_server) -> dict:
    """Open Train on a long run and press Train; returns the panel's state once the run's page run drew it."""
    page.goto(app_server.url + "/train?iterations=100000")
    page.get_by_role("heading", name="Train").first.wait_for(timeout=60_000)
    page.wait_for_function(f"() => ({STATE})()?.points >= 1", timeout=60_000)
    wait_for_app(page)
    before = state(page)
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_function(f"n => ({STATE})()?.renders > n", arg=before["renders"], timeout=60_000)
    return state(page)


def wait_for_problem(page, reason: str) -> dict:
    """The panel's state once it says why it stopped and has stopped asking: after the page run it asked for, its
    message stays while a new feed is tried, until that feed's first answer."""
    found = page.wait_for_function(f"r => {{ const s = ({STATE})(); return s?.reason === r && !s.asking ? s : null; }}",
                                   arg=reason, timeout=60_000)
    return found.json_value()   # as it was then: the page run it asked for may start a new feed at any moment


def rerun_requests(page) -> list[int]:
    """Collects the page's messages to the server that carry the panel's `resync` trigger (each asks for a page run);
    the list's `sockets` are the page's WebSockets, to wait on."""
    sent = SentFrames()

    def watch(ws) -> None:
        sent.sockets.append(ws)
        ws.on("framesent", lambda f: sent.append(1) if b"resync" in (f if isinstance(f, bytes) else f.encode()) else None)

    page.on("websocket", watch)
    return sent


class SentFrames(list):
    def __init__(self) -> None:
        super().__init__()
        self.sockets: list = []


def wait_sent(page, sent: SentFrames, n: int) -> None:
    """Wait until `n` such messages have left the page: each wait ends when the page sends its next frame."""
    try:
        while sum(sent) < n:
            if sent.sockets:
                sent.sockets[-1].wait_for_event("framesent", timeout=30_000)
            else:
                page.wait_for_event("websocket", timeout=30_000)
    except Exception as e:
        raise AssertionError(f"{sum(sent)} page-run requests sent, expected {n}") from e


@pytest.mark.parametrize(("reason", "answer"), [
    ("misrouted", {"status": 200, "content_type": "text/html", "body": "<!doctype html><title>FontNet</title>"}),
    ("misrouted", {"status": 404, "content_type": "text/html", "body": "<h1>Not Found</h1>"}),
    ("unreachable", {"status": 502, "content_type": "text/plain", "body": "Bad Gateway"}),
    ("unreachable", None),   # no answer at all
    ("gone", {"status": 404, "content_type": "application/json", "body": json.dumps({"error": "no such live panel"})}),
], ids=["page-instead-of-data", "proxy-404", "http-502", "no-answer", "panel-unknown"])
def test_a_feed_that_cannot_be_used_stops_the_panel_with_a_message_and_one_page_run(app_server, page, reason, answer):
    page.route(FEED, lambda route: route.abort() if answer is None else route.fulfill(**answer))
    sent = rerun_requests(page)
    start_run(page, app_server)
    s = wait_for_problem(page, reason)
    assert s["text"].startswith("Live updates stopped:") and s["role"] == "alert", s
    assert "Reload the page to try again" in s["text"]
    if reason == "misrouted":
        assert "/api/live/" in s["text"]   # the address a proxy must pass through
    # it asked for one page run and stopped asking the feed
    assert s["resyncs"] == 1 and not s["asking"], s
    wait_sent(page, sent, 1)
    wait_for_app(page)
    # the run never reached the browser: the bar still says so, with the message beside it
    assert s["progress"].startswith("running: iteration 0 of 100,000"), s
    assert page.locator('[data-testid="stException"]').count() == 0 and page.dialogs == []


def test_answers_that_never_advance_stop_the_panel_after_one_page_run(app_server, page):
    """The first answer is the server's; every later one repeats it: 'running', and nothing new."""
    first: list[dict] = []

    def replay(route):
        if not first:
            response = route.fetch()
            first.append({"status": response.status, "headers": response.headers, "body": response.body()})
        route.fulfill(**first[0])

    page.route(FEED, replay)
    sent = rerun_requests(page)
    started = start_run(page, app_server)
    s = wait_for_problem(page, "stalled")
    assert "no new point and no progress" in s["text"] and s["resyncs"] == 1, s
    # that page run drew the run whole (it had moved on by the one real answer) and started a new feed, whose
    # replayed answers stalled again: the message is back, and no second page run was asked for
    page.wait_for_function(f"n => {{ const s = ({STATE})(); return s.renders > n && s.reason === 'stalled' && !s.asking; }}",
                           arg=started["renders"], timeout=60_000)
    again = state(page)
    served = json.loads(first[0]["body"])["charts"][0]["length"]   # what the server's one real answer held
    assert again["resyncs"] == 1 and not again["asking"] and again["points"] == served, (again, served)
    wait_sent(page, sent, 1)
    wait_for_app(page)
    assert sum(sent) == 1
    assert page.locator('[data-testid="stException"]').count() == 0 and page.dialogs == []


# Counts the live panels' problem messages taken off the page, from the first frame.
COUNT_REMOVED = """new MutationObserver(changes => { for (const c of changes) for (const n of c.removedNodes)
  if (n.classList?.contains('fontnet-feed-problem')) window.__problemsRemoved = (window.__problemsRemoved || 0) + 1; })
  .observe(document, {childList: true, subtree: true});"""


def test_two_panels_stopped_for_the_same_reason_say_it_once_in_full(app_server, page):
    """The server out of reach for both live panels of Train (the run's, the cost surface's): the first on the page
    says why as an alert; the other says only that it stopped too, as a status, not a second alert. Each message
    stays through the page run its panel asked for, while the new feed is tried: the page run's data used to take
    it off until that feed failed again, and a message came and went."""
    page.add_init_script(COUNT_REMOVED)
    page.route("**/api/live/**", lambda route: route.fulfill(status=502, content_type="text/plain", body="Bad Gateway"))
    started = start_run(page, app_server)
    boxes = ("() => [...document.querySelectorAll('.fontnet-feed-problem')].map(b => ({role: b.getAttribute('role'),"
             " text: b.textContent, twin: b.hasAttribute('data-twin'),"
             " panel: b.parentElement.closest('[class*=st-key-]')?.className.match(/st-key-\\S+/)?.[0]}))")
    page.wait_for_function(f"() => ({boxes})().length === 2", timeout=60_000)
    # the run's panel has asked for its page run and drawn that run's data
    page.wait_for_function(f"n => {{ const s = ({STATE})(); return s.resyncs === 1 && s.renders > n; }}",
                           arg=started["renders"], timeout=60_000)
    wait_for_app(page)
    first, second = page.evaluate(boxes)
    assert first["role"] == "alert" and not first["twin"] and first["text"].startswith("Live updates stopped: "), first
    assert "Reload the page to try again" in first["text"]
    assert second == {"role": "status", "text": "Live updates stopped here too, for the same reason as above.",
                      "twin": True, "panel": second["panel"]}, second
    assert first["panel"] != second["panel"]
    assert page.evaluate("() => window.__problemsRemoved || 0") == 0


# Hand the playing panel the data of an earlier page run (a ready run, no feed), as the browser did under load
# after the run that pressed Train: the module's own `render` and cleanup, called as the element calls them.
# Streamlit runs a call's cleanup at once when newer data had come before the call returned: the late call's, and
# the playing run's own when the calls ended in the other order than their data came.
STALE_RENDER = f"""async () => {{
  const root = {ROOT};
  const m = await import(new URL("app/static/live_chart.js", document.baseURI).href);
  const held = root.__fontnetData;
  const stale = {{layout: held.layout, charts: [], seq: [held.seq[0], held.seq[1] - 1]}};
  m.stopped(m.render({{data: stale, parentElement: root, setTriggerValue: () => {{}}}}));
  window.__playingFeed = root.__fontnetFeed;
  m.stopped(window.__playingFeed);
  return held.seq;
}}"""


def test_an_earlier_page_runs_data_arriving_late_leaves_the_playing_panel_as_it_is(app_server, page):
    """Under load the browser once drew a page run's panel after the later run's: the run playing, its panel back
    to the earlier run's "ready" with no feed, and nothing ever rerunning the page ("Use this model" disabled for
    good). Each page run numbers its data; data older than the panel holds is not drawn, and the feed goes on,
    whatever cleanup Streamlit runs for the calls meanwhile. Once the panel leaves the page, its feed stops."""
    playing = start_run(page, app_server)
    assert playing["asking"] and playing["points"] >= 1
    seq = page.evaluate(STALE_RENDER)
    assert isinstance(seq[1], int) and seq[1] >= 2   # the light run's panel was none; the whole run's, Train's
    page.wait_for_function(f"() => +({ROOT}).dataset.staleSkipped === 1", timeout=30_000)
    # the charts are the playing run's, and the same feed keeps bringing points
    page.wait_for_function(f"n => ({STATE})()?.points > n && ({STATE})().asking", arg=state(page)["points"],
                           timeout=60_000)
    assert state(page)["renders"] == playing["renders"]   # nothing drawn from the stale data
    assert page.evaluate(f"() => ({ROOT}).__fontnetFeed === window.__playingFeed")
    # another page: the panel is gone, and its feed stops
    page.get_by_role("link", name="Predict").click()
    page.locator("#font-preview").wait_for(timeout=60_000)
    page.wait_for_function("() => window.__playingFeed.stopped", timeout=60_000)
