"""Two replicas behind the sticky proxy (`scripts/serve-replicas 2`) in a real browser: who lands where, whose
session survives what, and what a visitor sees when their replica is killed.

Which replica serves a visitor is read from the proxy's affinity cookie; every answer also names it in a header.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time

import pytest

from fontnet.colors import to_hex
from fontnet.presets import PRESETS
from tests.browser.conftest import ROOT, Replicas, wait_for_app

pytestmark = pytest.mark.browser

COOKIE = Replicas.COOKIE
HEADER = Replicas.HEADER
RESET_NOTICE = "Your session was reset"
TIMEOUT_MS = 90_000
# how many points the Train page's live loss chart holds (app/live_chart.py writes them on its element)
LOSS_POINTS = "() => +(document.querySelector('.st-key-train_live [data-chart=loss]')?.dataset.points ?? -1)"


@pytest.fixture(scope="module")
def replicas():
    (ROOT / "artifacts").mkdir(exist_ok=True)
    r = Replicas(2)
    yield r
    r.stop()
    assert r.output[-1].strip() == "stopped"


class Visitor:
    """One browser context (one visitor) that records which replica named itself in each answer."""

    def __init__(self, browser, base_url: str):
        self.base_url = base_url
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.served_by: set[str] = set()
        self.page.on("response", lambda r: self.served_by.add(r.headers[HEADER]) if HEADER in r.headers else None)
        self.dialogs: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def replica(self) -> str | None:
        return next((c["value"] for c in self.context.cookies(self.base_url) if c["name"] == COOKIE), None)

    def open(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        wait_for_app(self.page, timeout=TIMEOUT_MS)

    def open_train(self, query: str) -> None:
        self.open("/train" + query)
        self.page.wait_for_function(f"() => ({LOSS_POINTS})() >= 1", timeout=TIMEOUT_MS)

    def progress(self) -> str:
        return self.page.locator('[data-testid="stProgress"]').first.inner_text()

    def wait_progress(self, start: str) -> None:
        self.page.wait_for_function(
            "s => document.querySelector('[data-testid=stProgress]')?.innerText.startsWith(s)", arg=start,
            timeout=TIMEOUT_MS)

    def no_error_shown(self) -> bool:
        return self.page.locator('[data-testid="stException"]').count() == 0 and self.dialogs == []

    def close(self) -> None:
        self.context.close()


def two_visitors(browser, replicas) -> tuple[Visitor, Visitor]:
    """Two visitors who opened the Train page one after the other; the proxy puts them on different replicas."""
    a = Visitor(browser, replicas.url)
    a.open_train("?iterations=3000&seed=1&hidden=5")
    b = Visitor(browser, replicas.url)  # a holds one connection now: the proxy sends b to the other replica
    b.open_train("?iterations=3000&seed=2&hidden=4")
    assert {a.replica(), b.replica()} == set(replicas.pids)
    return a, b


def test_visitors_land_on_different_replicas_and_keep_their_sessions(replicas, browser):
    a, b = two_visitors(browser, replicas)
    try:
        # a whole live training run, both at once
        for v in (a, b):
            v.page.get_by_role("button", name="Train", exact=True).click()
        for v in (a, b):
            v.wait_progress("done: iteration 3,000 of 3,000")
            wait_for_app(v.page, timeout=TIMEOUT_MS)
        # in-app page change: the trained model goes with the visitor to Predict (it lives in their session)
        for v in (a, b):
            v.page.get_by_role("button", name="Use this model").click()
            v.page.get_by_text("You are using your own model").first.wait_for(timeout=TIMEOUT_MS)
            wait_for_app(v.page, timeout=TIMEOUT_MS)
        # a rerun on Predict, then back to Train through the navigation: the finished run is still there
        for v, name in zip((a, b), list(PRESETS)[:2]):
            v.page.get_by_role("button", name=name, exact=True).click()
            v.page.wait_for_function("hex => [...document.querySelectorAll('code')].some(c => c.textContent === hex)",
                                     arg=to_hex(PRESETS[name]), timeout=TIMEOUT_MS)
            wait_for_app(v.page, timeout=TIMEOUT_MS)
            assert v.page.get_by_text("You are using your own model").count() >= 1
            v.page.get_by_role("link", name="Train").click()
            v.wait_progress("done: iteration 3,000 of 3,000")
        for v in (a, b):
            assert len(v.served_by) == 1 and v.served_by == {v.replica()}  # every answer from one replica
            assert v.no_error_shown()
            assert v.page.get_by_text(RESET_NOTICE).count() == 0
        assert a.replica() != b.replica()
    finally:
        a.close()
        b.close()


def test_a_share_link_gives_its_state_on_the_other_replica(replicas, browser):
    a = Visitor(browser, replicas.url)
    c = Visitor(browser, replicas.url)
    try:
        a.open("/")
        name = list(PRESETS)[3]
        a.page.get_by_role("button", name=name, exact=True).click()
        bg = to_hex(PRESETS[name])[1:]
        a.page.wait_for_function("bg => new URLSearchParams(location.search).get('bg')?.toLowerCase().endsWith(bg)",
                                 arg=bg, timeout=TIMEOUT_MS)
        link = a.page.url
        other = next(r for r in replicas.pids if r != a.replica())
        c.context.add_cookies([{"name": COOKIE, "value": other, "url": replicas.url}])  # the third visitor is elsewhere
        c.page.goto(link)
        wait_for_app(c.page, timeout=TIMEOUT_MS)
        c.page.wait_for_function(
            "want => { const e = document.querySelector('#font-preview');"
            " return e !== null && getComputedStyle(e).backgroundColor === want; }",
            arg="rgb({}, {}, {})".format(*PRESETS[name]), timeout=TIMEOUT_MS)
        assert c.replica() == other and c.served_by == {other}
        assert c.no_error_shown()
    finally:
        a.close()
        c.close()


def test_a_killed_replica_moves_its_visitors_to_a_live_one_with_a_fresh_session(browser):
    replicas = Replicas(2)  # its own pair: one of them is killed
    a = b = None
    try:
        a, b = two_visitors(browser, replicas)
        for v in (a, b):  # something only the session holds: a run paused at iteration 1
            v.page.get_by_role("button", name="Step", exact=True).click()
            v.wait_progress("paused: iteration 1 of 3,000")
            wait_for_app(v.page, timeout=TIMEOUT_MS)
        dead, live = a.replica(), b.replica()
        killed = time.monotonic()
        os.kill(replicas.pids[dead], signal.SIGKILL)
        marked_down: list[float] = []
        watcher = threading.Thread(target=lambda: marked_down.append(replicas.wait_until_down(dead)), daemon=True)
        watcher.start()

        # a's page reconnects through the proxy to the live replica: a fresh session, said so, no traceback
        a.page.get_by_text(RESET_NOTICE).wait_for(timeout=TIMEOUT_MS)
        timings = {"kill_to_reset_notice_s": round(time.monotonic() - killed, 2)}
        a.wait_progress("ready: iteration 0 of 3,000")
        wait_for_app(a.page, timeout=TIMEOUT_MS)
        assert a.replica() == live
        assert a.no_error_shown()
        # the link's settings survive: they are in the URL, and the new session read them
        assert "hidden=5" in a.page.url and "seed=1" in a.page.url
        assert a.page.locator(".st-key-train-seed input").input_value() == "1"
        assert a.page.locator('.st-key-train-hidden [data-testid="stSliderThumbValue"]').inner_text() == "5"
        # the notice goes when dismissed
        a.page.get_by_role("button", name="Dismiss").click()
        a.page.get_by_text(RESET_NOTICE).wait_for(state="detached", timeout=TIMEOUT_MS)

        # b, on the live replica, is unaffected: same session, same run, it goes on
        assert b.progress().startswith("paused: iteration 1 of 3,000")
        b.page.get_by_role("button", name="Step", exact=True).click()
        b.wait_progress("paused: iteration 2 of 3,000")
        assert b.replica() == live and b.served_by == {live}
        assert b.page.get_by_text(RESET_NOTICE).count() == 0 and b.no_error_shown()

        # once the proxy's health check has noticed, new visitors all go to the live replica
        watcher.join(timeout=60)
        assert marked_down, replicas.status()
        timings["kill_to_marked_down_s"] = round(marked_down[0] - killed, 2)
        # what the README reports as the measured failure behaviour (not asserted: the machine may be busy)
        (ROOT / "artifacts" / "replica_failover.json").write_text(json.dumps(timings))
        assert replicas.status()[live] == "UP"
        for _ in range(3):
            v = Visitor(browser, replicas.url)
            try:
                v.open("/")
                v.page.locator("#font-preview").wait_for(timeout=TIMEOUT_MS)
                assert v.replica() == live and v.served_by == {live}
                assert v.no_error_shown()
            finally:
                v.close()
        assert any(f"replica {dead} (pid {replicas.pids[dead]}) exited" in line for line in replicas.output)
    finally:
        for v in (a, b):
            if v is not None:
                v.close()
        replicas.stop()


def test_a_replica_killed_as_a_run_starts_still_moves_its_visitor_to_a_fresh_session(browser):
    """Streamlit's page forgets its timed fragments when a run starts and learns them again as the run draws them,
    and after a reconnect it asks for a run only if it knows of one or a run was going. A replica killed between a
    run's start reaching the page and the rest of that run (a press just made) left the page drawn by the dead
    session, with nothing run on the live replica and no notice (seen once in a class test on two replicas); the
    page's own script now asks for that run (app/session_reset.js). Here the replica is killed the moment a run's
    start reaches the page, and nothing after it does."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    replicas = Replicas(2)
    v = None
    try:
        v = Visitor(browser, replicas.url)
        armed: list[int] = []   # the pid to kill when the next run's start reaches the page

        def route(ws):
            server = ws.connect_to_server()
            cut: list[bool] = []   # this connection's replica is dead: nothing more from it reaches the page

            def to_page(message):
                if cut:
                    return
                ws.send(message)
                if armed and isinstance(message, bytes) and ForwardMsg.FromString(message).WhichOneof("type") \
                        == "new_session":
                    cut.append(True)
                    os.kill(armed.pop(), signal.SIGKILL)

            server.on_message(to_page)

        v.page.route_web_socket("**/_stcore/stream", route)
        v.open_train("?iterations=3000&hidden=5&seed=1")
        v.page.get_by_role("button", name="Step", exact=True).click()
        v.wait_progress("paused: iteration 1 of 3,000")
        wait_for_app(v.page, timeout=TIMEOUT_MS)
        dead = v.replica()
        armed.append(replicas.pids[dead])
        v.page.get_by_role("button", name="Step", exact=True).click()

        v.page.get_by_text(RESET_NOTICE).wait_for(timeout=TIMEOUT_MS)
        assert not armed, "the replica was not killed"
        v.wait_progress("ready: iteration 0 of 3,000")
        wait_for_app(v.page, timeout=TIMEOUT_MS)
        assert v.replica() != dead and v.no_error_shown()
        assert "hidden=5" in v.page.url and "seed=1" in v.page.url
    finally:
        if v is not None:
            v.close()
        replicas.stop()
