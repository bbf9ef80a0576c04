"""Real-browser fixtures: the app served by `streamlit run` on a free loopback port, headless Chromium (both from
the benchmarks' harness, bench/harness.py, which the benchmarks use the same way).

Nothing here skips: a missing browser or a server that does not start is a test error. With
FONTNET_TEST_BASE_PATH=fontnet the shared server runs under that base path (`--server.baseUrlPath`), so any
browser test can be run against the app served under a sub-path; tests/browser/test_base_path.py always does.
"""

from __future__ import annotations

import os

import pytest

from bench.harness import FIGURES_CLOCK_JS, PAINT_CLOCK_JS, ROOT, AppServer, Replicas, launch_chromium, wait_for_app

# the benchmark harness's server, browser and clocks, which the browser tests import from here
__all__ = ["FIGURES_CLOCK_JS", "PAINT_CLOCK_JS", "ROOT", "AppServer", "Replicas", "wait_for_app"]

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
FAILURES = ROOT / "artifacts" / "failures"
# what a failed test's page showed: enough to tell a page that never finished from one drawn wrong
PAGE_STATE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const first = document.querySelector('[data-first-paint]');
  const main = document.querySelector('[data-testid="stMain"]');
  return {
    connection: app?.dataset.testConnectionState, script: app?.dataset.testScriptState,
    firstPaint: first?.getAttribute('data-first-paint'),
    running: !!document.querySelector('[data-testid="stStatusWidget"]'),
    sessionCheck: document.querySelector('[data-session-check]')?.getAttribute('data-session-check'),
    rerunAsked: window.__fontnetRerunAsked, dialog: document.querySelector('[role="dialog"]')?.innerText,
    exceptions: [...document.querySelectorAll('[data-testid="stException"]')].map(e => e.innerText.slice(0, 2000)),
    main: (main?.innerText ?? '').slice(0, 3000),
  };
}"""


def describe_page(pg, name: str) -> str:
    """What a page shows now, in words (its URL, Streamlit's states, exceptions, its text), with a screenshot
    saved to artifacts/failures/<name>.png: for a failed test's report."""
    try:
        state = pg.evaluate(PAGE_STATE)
        FAILURES.mkdir(parents=True, exist_ok=True)
        shot = FAILURES / (name[:120].replace("/", "_") + ".png")
        pg.screenshot(path=str(shot), full_page=True)
        return f"url: {pg.url}\nscreenshot: {shot.relative_to(ROOT)}\n" + "\n".join(f"{k}: {v}" for k, v in state.items())
    except Exception as e:  # the page or browser is gone: say so, the failure itself is reported anyway
        return f"url: {getattr(pg, 'url', '?')}\ncould not read the page: {e}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """When a browser test fails, its report also says what each of its pages showed then (and a screenshot of
    each goes to artifacts/failures): a flake that happens one run in many can be read from the one log. A test
    that opens its own pages (and closes them before it ends) prints them with `describe_page` itself."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    pages = [v for v in item.funcargs.values() if hasattr(v, "evaluate") and hasattr(v, "screenshot")]
    for n, pg in enumerate(pages):
        report.sections.append((f"page {n} at failure", describe_page(pg, f"{item.name}-{n}")))


@pytest.fixture(scope="module")
def room_server(tmp_path_factory):
    """The app with its class rooms in a temporary SQLite file of its own (its URL as `database_url`), one per test
    module, under the shared server's base path."""
    where = tmp_path_factory.mktemp("rooms")
    url = f"sqlite:///{where / 'rooms.sqlite3'}"
    server = AppServer(env={"FONTNET_DATABASE_URL": url}, base_path=os.environ.get("FONTNET_TEST_BASE_PATH", ""))
    server.database_url = url
    yield server
    server.stop()


@pytest.fixture(scope="session")
def app_server():
    server = AppServer(base_path=os.environ.get("FONTNET_TEST_BASE_PATH", ""))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = launch_chromium(pw)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh browser context (its own Streamlit session) that records dialogs; fails the test on any."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.dialogs = []

    def on_dialog(d):
        pg.dialogs.append(d.message)
        d.dismiss()

    pg.on("dialog", on_dialog)
    yield pg
    context.close()


# Elements a script or markup payload would have created: its <img>/<svg>, or an inline script carrying its alert.
INJECTED = ("() => document.querySelectorAll('img[src=\"x\"], svg[onload]').length + "
            "[...document.querySelectorAll('script')].filter(s => s.textContent.includes('alert(')).length")
# Whether the server's run has drawn this colour's '#rrggbb' (the Predict page writes it as code).
DREW_COLOUR = "hex => [...document.querySelectorAll('code')].some(c => c.textContent === hex)"


def wait_for_drawn_colour(page, hex_colour: str, timeout: float = 30_000) -> None:
    """On the Predict page: wait until the server's run for `hex_colour` ('#rrggbb') has been drawn and has ended."""
    page.wait_for_function(DREW_COLOUR, arg=hex_colour, timeout=timeout)
    wait_for_app(page, timeout)


def wait_for_progress(page, prefix: str, timeout: float = 60_000) -> str:
    """On the Train page: wait until the progress bar's text starts with `prefix` and the run has ended."""
    page.wait_for_function("p => document.querySelector('[data-testid=stProgress]')?.innerText.startsWith(p)",
                           arg=prefix, timeout=timeout)
    wait_for_app(page, timeout)
    return page.locator('[data-testid="stProgress"]').first.inner_text()


def assert_nothing_ran(page) -> None:
    """No dialog opened, no payload element exists anywhere in the document, no exception is shown."""
    assert page.dialogs == []
    assert page.evaluate(INJECTED) == 0
    assert page.locator('[data-testid="stException"]').count() == 0


def link_notices(page, url: str, timeout: float = 60_000) -> str:
    """Open `url`, wait for the page's first notice, and return the text of every notice on it."""
    page.goto(url)
    wait_for_app(page)
    alerts = page.locator('[data-testid="stAlert"]')
    alerts.first.wait_for(timeout=timeout)
    return " ".join(alerts.all_inner_texts())


def type_sample_text(page, text: str, timeout: float = 30_000):
    """Type into the Predict page's sample-text box and wait until the preview shows exactly that text."""
    box = page.get_by_label("Sample text")
    box.fill(text)
    box.press("Enter")
    page.wait_for_function("t => document.querySelector('#font-preview')?.textContent === t", arg=text,
                           timeout=timeout)


def use_uploaded_model(page, path) -> None:
    """On the Train page: upload a model file and press 'Use this model' (the app moves to Predict)."""
    page.locator(".st-key-model_file input[type=file]").set_input_files(str(path))
    page.get_by_text("Loaded the model").first.wait_for(timeout=30_000)
    wait_for_app(page)
    page.get_by_role("button", name="Use this model").click()
    page.get_by_text("You are using your own model").first.wait_for(timeout=60_000)


def screenshot(page, name: str):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def run_panel_request(url: str) -> bool:
    """Whether `url` is a live-feed request of a run's own panel. The cost surface's panel on Train
    (app/cost_surface.py) asks the same route with `run` set to the token it holds, "<run id>:<pair>"."""
    from urllib.parse import parse_qs, urlsplit

    parts = urlsplit(url)
    return "/api/live/" in parts.path and ":" not in parse_qs(parts.query).get("run", [""])[0]
