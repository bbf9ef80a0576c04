"""A visitor who leaves: their live feed stops training at once, and once the session's time to live has passed
the server shuts it down, which frees their upload (app/live_feed.py, app/server.py)."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request

import pytest

from tests.browser.conftest import AppServer, wait_for_app

pytestmark = pytest.mark.browser
TTL_S = 20   # long enough that a 404 within a few seconds of leaving can only come from the feed's own check


@pytest.fixture(scope="module")
def short_lived_server():
    server = AppServer("--server.disconnectedSessionTTL", str(TTL_S))
    yield server
    server.stop()


def uploaded_bytes(url: str) -> int:
    with urllib.request.urlopen(url + "/_stcore/metrics", timeout=10) as r:
        text = r.read().decode()
    return sum(int(v) for v in re.findall(r'cache_memory_bytes\{cache_type="UploadedFileManager"[^}]*\}\s+(\d+)', text))


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def until(condition, timeout: float, what: str):
    """Wait for `condition()` to hold (asked every 0.2 s), at most `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout} s: {what}")


@pytest.mark.timeout(300)
def test_a_visitor_who_leaves_stops_their_feed_and_their_upload_is_freed(short_lived_server, browser, tmp_path):
    url = short_lived_server.url
    csv = tmp_path / "mine.csv"
    csv.write_text("red,green,blue,label\n" + "".join(f"{i},{i},{i},{int(i > 127)}\n" for i in range(0, 256, 3)))
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(url + "/train?mode=full&layers=3&hidden=16&iterations=40000")   # minutes of computing
        page.get_by_role("heading", name="Train").first.wait_for(timeout=60_000)
        wait_for_app(page, 60_000)
        page.locator(".st-key-data_file input[type=file]").set_input_files(str(csv))
        page.get_by_text(re.compile("Loaded mine.csv")).wait_for(timeout=60_000)
        wait_for_app(page, 60_000)
        with page.expect_request(lambda r: "/api/live/" in r.url, timeout=60_000) as asked:
            page.get_by_role("button", name="Train", exact=True).click()
        feed = asked.value.url   # the panel asks its feed for each update while the run plays
        assert uploaded_bytes(url) > 0
        assert status_of(feed) == 200   # the visitor is here: their run trains
    finally:
        context.close()
    left = time.monotonic()
    until(lambda: status_of(feed) == 404, 10, "the feed of a visitor who left answering 404")
    assert time.monotonic() - left < TTL_S and uploaded_bytes(url) > 0   # the session itself is kept...
    until(lambda: uploaded_bytes(url) == 0, TTL_S + 30, "the closed session's upload freed")   # ...then shut down
