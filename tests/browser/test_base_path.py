"""The app served under a base path (`--server.baseUrlPath fontnet`), directly and behind the replicas' proxy
(`scripts/serve-replicas 2 --base-path fontnet`): live runs on Train and Digits play to their end, their charts
appended to over the feed at <base path>/api/live/.

Any other browser test runs under a base path too with FONTNET_TEST_BASE_PATH=fontnet (tests/browser/conftest.py).
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import ROOT, AppServer, Replicas, run_panel_request, wait_for_app

pytestmark = pytest.mark.browser

BASE = "fontnet"
TIMEOUT_MS = 90_000
# the live panel under `key`: what its first chart holds, how it got there, and any word about its feed
PANEL = """key => { const root = document.querySelector(`.st-key-${key} .fontnet-live-grid`)?.parentElement;
  const el = root?.querySelector('[data-chart]');
  return el ? {points: +el.dataset.points, length: +el.dataset.length, last: +el.dataset.lastX,
               appended: +(el.dataset.appended || 0), polls: +(root.dataset.polls || 0),
               renders: +(root.dataset.updates || 0), updates: +(el.dataset.updates || 0),
               chart: el.dataset.chart, resyncs: +(root.dataset.feedResyncs || 0) + +(el.dataset.resyncs || 0),
               problem: root.querySelector('.fontnet-feed-problem')?.textContent ?? null} : null; }"""


@pytest.fixture(scope="module")
def base_server():
    (ROOT / "artifacts").mkdir(exist_ok=True)
    server = AppServer(base_path=BASE)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def base_replicas():
    (ROOT / "artifacts").mkdir(exist_ok=True)
    r = Replicas(2, base_path=BASE)
    yield r
    r.stop()
    assert r.output[-1].strip() == "stopped"


def record_feed(page) -> list:
    """The live feed's answers this page receives: (status, path, content type), the run's panel's only (the cost
    surface's own panel, whose `run` is the token it holds, "<run id>:<pair>", answers 204 once the run stops)."""
    answers: list = []

    def seen(r) -> None:
        if run_panel_request(r.url):
            answers.append((r.status, r.url.split("?")[0].rsplit("/", 1)[0], r.headers.get("content-type", "")))

    page.on("response", seen)
    return answers


def panel(page, key: str) -> dict | None:
    return page.evaluate(PANEL, key)


def wait_done(page, key: str, iterations: int) -> dict:
    """Wait until the page says the run is done and the panel holds its whole history, up to its last iteration."""
    page.wait_for_function("() => document.querySelector('[data-testid=stProgress]')?.innerText.startsWith('done')",
                           timeout=TIMEOUT_MS)
    page.wait_for_function(f"k => {{ const s = ({PANEL})(k); return s && s.points === s.length && s.last === {iterations}; }}",
                           arg=key, timeout=TIMEOUT_MS)
    wait_for_app(page, timeout=TIMEOUT_MS)
    return panel(page, key)


def train_to_the_end(page, url: str, iterations: int = 30_000) -> dict:
    """The issue's steps: open <url>/train, press Train; 'Done in' appears and the loss chart was appended to live."""
    answers = record_feed(page)
    page.goto(f"{url}/train?iterations={iterations}")
    page.get_by_role("heading", name="Train").first.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_function(f"() => ({PANEL})('train_live')?.points >= 1", timeout=TIMEOUT_MS)
    wait_for_app(page, timeout=TIMEOUT_MS)
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_function(f"() => ({PANEL})('train_live')?.appended >= 1", timeout=TIMEOUT_MS)
    done = wait_done(page, "train_live", iterations)
    page.get_by_text("Done in").first.wait_for(timeout=TIMEOUT_MS)
    return {"panel": done, "answers": answers}


def digits_to_the_end(page, url: str, iterations: int = 1500) -> dict:
    answers = record_feed(page)
    page.goto(f"{url}/digits?iterations={iterations}&hidden=32,16")
    page.locator("#digit-prompt").wait_for(timeout=TIMEOUT_MS)
    wait_for_app(page, timeout=TIMEOUT_MS)
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_function(f"() => ({PANEL})('digits_live_chart')?.appended >= 1", timeout=TIMEOUT_MS)
    return {"panel": wait_done(page, "digits_live_chart", iterations), "answers": answers}


def assert_fed_live_under_the_base_path(run: dict, origin: str) -> None:
    p, answers = run["panel"], run["answers"]
    assert p["problem"] is None and p["points"] >= 3, p
    assert p["appended"] >= 2 and p["polls"] >= 2, str(p)   # live: appended from the feed's answers, not page runs
    assert answers and {a[1] for a in answers} == {f"{origin}/{BASE}/api/live"}, answers
    assert {(status, ctype) for status, _, ctype in answers} == {(200, "application/json")}, answers


def test_a_train_run_plays_to_the_end_under_a_base_path(base_server, page):
    run = train_to_the_end(page, base_server.url)
    assert_fed_live_under_the_base_path(run, base_server.origin)
    assert page.locator('[data-testid="stException"]').count() == 0 and page.dialogs == []


def test_a_digits_run_plays_to_the_end_under_a_base_path(base_server, page):
    run = digits_to_the_end(page, base_server.url)
    assert_fed_live_under_the_base_path(run, base_server.origin)
    assert page.locator('[data-testid="stException"]').count() == 0 and page.dialogs == []


def test_train_and_digits_runs_play_to_the_end_behind_the_replicas_proxy_under_a_base_path(base_replicas, browser):
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(2)]
    try:
        train, digits = (c.new_page() for c in contexts)
        served: list[set[str]] = [set(), set()]
        for page, seen in zip((train, digits), served):
            page.on("response", lambda r, seen=seen: seen.add(r.headers[Replicas.HEADER]) if Replicas.HEADER in r.headers else None)
        # the proxy sends the root to the app's base path
        train.goto(base_replicas.origin + "/")
        train.wait_for_url(f"{base_replicas.url}/**", timeout=TIMEOUT_MS)
        assert_fed_live_under_the_base_path(train_to_the_end(train, base_replicas.url), base_replicas.origin)
        assert_fed_live_under_the_base_path(digits_to_the_end(digits, base_replicas.url), base_replicas.origin)
        replica = [next(c["value"] for c in ctx.cookies(base_replicas.url) if c["name"] == Replicas.COOKIE)
                   for ctx in contexts]
        assert set(replica) == set(base_replicas.pids)   # one visitor on each replica ...
        assert served == [{replica[0]}, {replica[1]}]     # ... and every answer, the feed's too, from it
        for page in (train, digits):
            assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        for c in contexts:
            c.close()


def test_a_first_visit_under_the_base_path_asks_for_the_server_once_at_the_base(base_server, page):
    """app/page_head.py under --server.baseUrlPath: /fontnet/teach is told its base, /fontnet, and asks there
    only (not /fontnet/teach/_stcore/health first)."""
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "_stcore/health" in r.url else None)
    page.goto(base_server.url + "/teach")
    page.get_by_role("button", name="Dark reads better").wait_for(timeout=TIMEOUT_MS)
    wait_for_app(page, timeout=TIMEOUT_MS)
    assert base_server.url.endswith("/" + BASE)
    assert asked == [base_server.url + "/_stcore/health"]
    assert page.evaluate("window.__streamlit.BACKEND_BASE_URL") == base_server.url
