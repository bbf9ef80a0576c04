"""What every benchmark shares: the served app, headless Chromium, CPU and memory readers, and medians.

The browser tests use the same server and browser (tests/browser/conftest.py imports them from here); nothing here
imports a test.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import queue
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from fontnet import settings

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = os.environ.get("FONTNET_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]

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

# The app's own record of its script run: connected to the server and not running the script.
APP_IDLE = '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'
# a run that draws the whole page has begun: after a first visit's light run, the one the page asks for next
WHOLE_PAGE = '[data-first-paint="whole"]'
# Streamlit's "running" indicator is gone
NOT_RUNNING = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"


# ---- processes: CPU time and resident memory ---------------------------------------------------------------------
def cpu_seconds(pid: int) -> float:
    """The CPU time (user + system, in seconds) process `pid` has used so far."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """The resident memory (VmRSS) of process `pid` in MB."""
    with open(f"/proc/{pid}/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:")) / 1024


def total_rss_mb(pids: Iterable[int]) -> float:
    """The resident memory of the processes `pids` that are still running, summed, in MB."""
    total = 0.0
    for pid in pids:
        try:
            total += rss_mb(pid)
        except FileNotFoundError:
            pass
    return total


# ---- numbers -------------------------------------------------------------------------------------------------------
def load_average(when: str = "") -> str:
    """'load average [when]: ...' with the CPU count, to print beside timings taken on shared cores."""
    return f"load average{' ' + when if when else ''}: {', '.join(f'{v:.2f}' for v in os.getloadavg())} on {os.cpu_count()} CPUs"


def median(values: Sequence[float]) -> float:
    """The median, or NaN for no values (a failed case is reported, not raised)."""
    return statistics.median(values) if values else float("nan")


def ratio(value: float, yardstick: float) -> float:
    return value / yardstick if yardstick else float("nan")


def summary(name: str, values: Sequence[float], unit: str = "ms") -> str:
    """'name: median M unit (min, max, n)' for one set of timings."""
    return (f"{name}: median {statistics.median(values):.1f} {unit} (min {min(values):.1f}, max {max(values):.1f}, "
            f"n={len(values)})")


def comma_list(text: str, kind: Callable[[str], float], lo: float, hi: float, what: str) -> list:
    """An option's values separated by commas ("10,20,30"), each of `kind` and within [lo, hi]; for argparse's
    `type=`, so a bad value is one line of usage and exit status 2. `what` names the values, in the plural
    ("numbers of visitors")."""
    try:
        values = [kind(v) for v in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {what} separated by commas") from None
    if not values or any(not lo <= v <= hi for v in values):
        raise argparse.ArgumentTypeError(f"{what} must each be {lo:g}–{hi:g}, got {text!r}")
    return values


def count(lo: int = 1, hi: int = 100_000) -> Callable[[str], int]:
    """An argparse `type=` for a whole number in [lo, hi] (runs, visitors, answers...), read by the settings
    table's kind with its wording: 0 or -1 runs would end in a median of nothing, so they are one line of usage
    and exit status 2 instead."""
    return settings.cli_type(settings.Whole(lo, hi), "count")


def seconds(lo: float = 0.0, hi: float = 86_400.0) -> Callable[[str], float]:
    """An argparse `type=` for a time in seconds in [lo, hi], read by the settings table's kind."""
    return settings.cli_type(settings.Number(lo, hi), "seconds")


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown table of `rows` under `header`."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


# ---- the served app ------------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """`streamlit run streamlit_app.py` (or another `script`) in its own process group, stopped by its process id."""

    def __init__(self, *extra_args: str, env: dict[str, str] | None = None, base_path: str = "",
                 script: str = "streamlit_app.py"):
        ARTIFACTS.mkdir(exist_ok=True)
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        # the app's address: under `base_path` (--server.baseUrlPath) when one is given
        self.url = self.origin + (f"/{base_path.strip('/')}" if base_path.strip("/") else "")
        if base_path.strip("/"):
            extra_args = ("--server.baseUrlPath", base_path, *extra_args)
        self.log = open(ARTIFACTS / f"streamlit-{self.port}.log", "w")  # noqa: SIM115
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
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

    @property
    def pids(self) -> list[int]:
        return [self.proc.pid]

    def rss_mb(self) -> float:
        """The server process's resident memory in MB."""
        return rss_mb(self.proc.pid)

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


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
        logs = ARTIFACTS / f"replicas-{self.port}"
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
        return total_rss_mb(self.pids.values())

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


# ---- the browser ---------------------------------------------------------------------------------------------------
def launch_chromium(playwright):
    """Debian's headless Chromium through a Playwright instance (sync or async API)."""
    if not os.access(CHROMIUM, os.X_OK):
        raise RuntimeError(f"Chromium not found at {CHROMIUM}: run `bash scripts/test`, which installs it")
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


@contextmanager
def chromium() -> Iterator:
    """Headless Chromium (Playwright's sync API), closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def served_chromium(*server_args: str, env: dict[str, str] | None = None) -> Iterator:
    """A fresh `streamlit run` server and headless Chromium, both stopped on exit."""
    server = AppServer(*server_args, env=env)
    try:
        with chromium() as browser:
            yield server, browser
    finally:
        server.stop()


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Wait until Streamlit has finished running the script, by its own script-run state.

    Its 'running' indicator appears only half a second into a run, so that indicator's absence says nothing
    about a short run. A first visit's first run draws only the top of the page (app/first_paint.py): wait for
    the run that draws the whole page. Straight after a click the click's rerun may not have begun: first wait for something
    that run draws, then call this.
    """
    page.wait_for_selector(WHOLE_PAGE, state="attached", timeout=timeout)
    page.wait_for_selector(APP_IDLE, state="attached", timeout=timeout)
    page.wait_for_function(NOT_RUNNING, timeout=timeout)
