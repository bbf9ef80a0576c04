"""Real-browser fixtures: the app served by `streamlit run` on a free loopback port, headless Chromium.

Nothing here skips: a missing browser or a server that does not start is a test error. With
FONTNET_TEST_BASE_PATH=fontnet the shared server runs under that base path (`--server.baseUrlPath`), so any
browser test can be run against the app served under a sub-path; tests/browser/test_base_path.py always does.
"""

from __future__ import annotations

import csv
import io
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("FONTNET_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"

# An init script for measuring what a visitor sees, by the page's own clock (epoch milliseconds): every time
# #font-preview shows a new background colour, the frame that paints it (the next animation frame after the
# DOM change), and when the visitor last pressed the mouse. Polling from outside the page would also time
# whatever the page does next (redrawing its charts) before the poll gets a turn on the main thread.
PAINT_CLOCK_JS = """
window.__fontnet = {painted: [], pressed: null};
addEventListener('pointerdown', e => { window.__fontnet.pressed = performance.timeOrigin + e.timeStamp; }, true);
let last = null;
new MutationObserver(() => {
  const el = document.getElementById('font-preview');
  const bg = el ? el.style.backgroundColor : null;
  if (!bg || bg === last) return;
  last = bg;
  requestAnimationFrame(() => window.__fontnet.painted.push([bg, performance.timeOrigin + performance.now()]));
}).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ['style']});
"""

# The same clock for the Predict page's network diagram and P(dark) bar: the frame that first paints each
# (window.__fontnet_figures.network / .probability, epoch milliseconds).
FIGURES_CLOCK_JS = """
window.__fontnet_figures = {};
const FIGURES = {network: '.st-key-network svg.fontnet-network', probability: '.st-key-probability .fontnet-probability'};
new MutationObserver((_, observer) => {
  const seen = window.__fontnet_figures;
  for (const [name, sel] of Object.entries(FIGURES)) {
    if (seen[name] === undefined && document.querySelector(sel)) {
      seen[name] = null;
      requestAnimationFrame(() => { seen[name] = performance.timeOrigin + performance.now(); });
    }
  }
  if (Object.keys(seen).length === Object.keys(FIGURES).length) observer.disconnect();
}).observe(document, {subtree: true, childList: true});
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """`streamlit run streamlit_app.py` in its own process group, stopped by its process id."""

    def __init__(self, *extra_args: str, env: dict[str, str] | None = None, base_path: str = ""):
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        # the app's address: under `base_path` (--server.baseUrlPath) when one is given
        self.url = self.origin + (f"/{base_path.strip('/')}" if base_path.strip("/") else "")
        if base_path.strip("/"):
            extra_args = ("--server.baseUrlPath", base_path, *extra_args)
        self.log = open(ROOT / "artifacts" / f"streamlit-{self.port}.log", "w")  # noqa: SIM115
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(self.port),
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *extra_args],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, **(env or {})})
        self.first_answer = self._wait_healthy()

    def _wait_healthy(self, timeout: float = 60) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}; see {self.log.name}")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        self.first_answer_epoch = time.time()  # to compare with the browser's clock
                        return time.monotonic()
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"streamlit did not answer on port {self.port} within {timeout} s")

    def rss_mb(self) -> float:
        """The server process's resident memory in MB."""
        with open(f"/proc/{self.proc.pid}/status") as fh:
            kb = next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
        return kb / 1024

    def stop(self):
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


@contextmanager
def served_chromium(*server_args: str):
    """For benchmark scripts: a fresh `streamlit run` server and headless Chromium, both stopped on exit."""
    from playwright.sync_api import sync_playwright

    (ROOT / "artifacts").mkdir(exist_ok=True)
    server = AppServer(*server_args)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                yield server, browser
            finally:
                browser.close()
    finally:
        server.stop()


@pytest.fixture(scope="session")
def app_server():
    (ROOT / "artifacts").mkdir(exist_ok=True)
    server = AppServer(base_path=os.environ.get("FONTNET_TEST_BASE_PATH", ""))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        raise RuntimeError(f"Chromium not found at {CHROMIUM}: run `bash scripts/test`, which installs it")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
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


# The app's own record of its script run: connected to the server and not running the script.
APP_IDLE = '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'
# Elements a script or markup payload would have created: its <img>/<svg>, or an inline script carrying its alert.
INJECTED = ("() => document.querySelectorAll('img[src=\"x\"], svg[onload]').length + "
            "[...document.querySelectorAll('script')].filter(s => s.textContent.includes('alert(')).length")
# Whether the server's run has drawn this colour's '#rrggbb' (the Predict page writes it as code).
DREW_COLOUR = "hex => [...document.querySelectorAll('code')].some(c => c.textContent === hex)"


def wait_for_app(page, timeout: float = 30_000):
    """Wait until Streamlit has finished running the script, by its own script-run state.

    Its 'running' indicator appears only half a second into a run, so that indicator's absence says nothing
    about a short run. Straight after a click the click's rerun may not have begun: first wait for something
    that run draws, then call this.
    """
    page.wait_for_selector(APP_IDLE, state="attached", timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout)


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


class Replicas:
    """`bash scripts/serve-replicas N PORT [--base-path PATH] [args]` as a subprocess: its replicas' process ids and
    the proxy's statistics. `url` is the app's address (under the base path when one is given)."""

    COOKIE = "fontnet_replica"  # the proxy's affinity cookie: which replica a visitor is on
    HEADER = "x-fontnet-replica"  # ... and the header naming the replica in every answer

    def __init__(self, n: int = 2, env: dict[str, str] | None = None, timeout: float = 300,
                 base_path: str | None = None, args: tuple[str, ...] = ()):
        base_path = os.environ.get("FONTNET_TEST_BASE_PATH", "") if base_path is None else base_path
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.url = self.origin + (f"/{base_path.strip('/')}" if base_path.strip("/") else "")
        logs = ROOT / "artifacts" / f"replicas-{self.port}"
        base_args = ["--base-path", base_path] if base_path.strip("/") else []
        self.proc = subprocess.Popen(
            ["bash", "scripts/serve-replicas", str(n), str(self.port), *base_args, *args], cwd=ROOT, text=True,
            start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {}), "FONTNET_PYTHON": sys.executable, "FONTNET_REPLICA_LOGS": str(logs)})
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.pids: dict[str, int] = {}
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                self.stop()
                raise RuntimeError("serve-replicas was not ready in time:\n" + "".join(self.output)) from None
            words = line.split()
            if words[:1] == ["replica"] and words[2:3] == ["pid"]:
                self.pids[words[1]] = int(words[3])
            elif words[:1] == ["proxy"]:
                self.stats_url = words[-1]
            elif words[:1] == ["ready:"]:
                break
            elif line == "":
                raise RuntimeError("serve-replicas exited:\n" + "".join(self.output))

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.output.append(line)
            self.lines.put(line)
        self.lines.put("")

    def status(self) -> dict[str, str]:
        """Each replica's state as the proxy's health checks see it (UP, DOWN, ...), from its statistics."""
        with urllib.request.urlopen(self.stats_url, timeout=5) as r:
            rows = csv.DictReader(io.StringIO(r.read().decode().lstrip("# ")))
            return {row["svname"]: row["status"] for row in rows if row["pxname"] == "replicas" and row["svname"] in self.pids}

    def rss_mb(self) -> float:
        """The replicas' resident memory in MB, summed over those still running."""
        total = 0.0
        for pid in self.pids.values():
            try:
                with open(f"/proc/{pid}/status") as fh:
                    total += next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:")) / 1024
            except FileNotFoundError:
                pass
        return total

    def wait_until_down(self, name: str, timeout: float = 60) -> float:
        """Poll the proxy's statistics until its health checks have marked `name` DOWN; when that was seen."""
        deadline = time.monotonic() + timeout
        while not self.status().get(name, "").startswith("DOWN"):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{name} is still {self.status().get(name)!r}")
            time.sleep(0.05)  # the proxy's own statistics, polled for the state change
        return time.monotonic()

    def stop(self) -> None:
        os.kill(self.proc.pid, signal.SIGTERM)  # the script stops its replicas and the proxy by their ids
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            raise
