"""Load and soak: N concurrent headless-browser visitors against one real server on loopback.

    python scripts/load_test.py [--sessions 10] [--changes 20] [--think 1.0] [--iterations 3000] [--json]
    python scripts/load_test.py --train 6 [--json]      # a class: N visitors press Train together
    ... [--replicas N | --url http://127.0.0.1:PORT [--pid PID ...]]    # either mode, another server

It starts its own server. With --replicas N it starts N replicas behind the sticky proxy
(scripts/serve-replicas) and measures their CPU and memory summed (CPU also per replica), and reports how many
visitors each replica got. With --url it loads a server already running and measures the processes given
with --pid, if any.

With --train N: N visitors open the Train page on the chapter's run and wait until it is drawn; then all of
them press Train at the same moment. Each page records, by its own clock, every new "iteration N of M" its
progress bar shows and when it says "done". Reported per visitor: live updates seen per second (distinct
iterations after the first, over the time between the first and the last), seconds from the press to done,
how many points its loss chart was appended, and how many pictures its cost surface drew while the run played
(the first comes with the page run; the server makes at most two a second for all visitors); and the server's
CPU (process time over wall time) and memory while they train. Targets on a 2-core machine, browsers included: 6 visitors, each >= 5 updates a
second and done within 15 s.

Without --train:

Every visitor opens the Predict page at the same moment and waits until it is drawn (the network
diagram and the P(dark) bar in, the script finished), as a reader would before picking colours. It
then changes the colour `--changes` times through the preset buttons, pausing `--think` seconds on
average between changes (uniform between half and one and a half times that, and up to one pause before the first change, seeded per visitor: visitors who
opened the page together do not click in lockstep), opens the Train page and runs one short
training to the end. A colour change is timed by the page's own clock, from the visitor pressing the button
to the frame that paints the preview in the new colour (bench/harness.py: PAINT_CLOCK_JS). The page
paints the preview in the browser as a colour button is pressed (app/instant_preview.js), so two more times
are reported, from before the automation's click: until its check of the preview passes (this also counts
the click's own checks), and until the server's answer is drawn (the page names the new colour and its
script has finished: charts, numbers and second opinions in the new colour); a visitor's pause starts then.
Reported: p50/p95 colour-change latency and the slowest changes, how long the simultaneous page opening took (preview
shown, page drawn), errors (exception elements, dialogs, timeouts), and the server's memory before (after
one warm-up visit to every page, so the shared default model and one-time imports are in), at its peak
during the load, and after every session has closed. One Chromium with a context per visitor runs on the
same machine as the server, so on 2 cores the latencies measure the browsers' work as well as the server's.
Targets on a 2-core machine: 10 sessions, p95 <= 1 s, 0 errors, memory back within 20% of before.
Traffic goes to 127.0.0.1 only; every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import PAINT_CLOCK_JS, AppServer, Replicas, cpu_seconds, launch_chromium, total_rss_mb  # noqa: E402
from fontnet.colors import to_hex  # noqa: E402
from fontnet.presets import PRESETS  # noqa: E402

TIMEOUT_MS = 60_000
SESSION_TTL_S = 2  # how long the test server keeps a closed session around (Streamlit's default is 120)

POLL_MS = 20  # the page checks every 20 ms, not every animation frame (ten pages polling per frame load the CPU)
# the Predict page is drawn: its network diagram and P(dark) bar are in and the script has finished
PAGE_DRAWN = """() => document.querySelector('.st-key-network svg.fontnet-network') !== null
  && document.querySelector('.st-key-probability .fontnet-probability') !== null
  && !document.querySelector('[data-testid="stStatusWidget"]')"""
PREVIEW_BG = """(want) => {
  const e = document.querySelector('#font-preview');
  return e !== null && getComputedStyle(e).backgroundColor === want;
}"""
# the server's answer is drawn: the page names the new colour and the script has finished
PAGE_CAUGHT_UP = """(hex) => [...document.querySelectorAll('code')].some(c => c.textContent === hex)
  && !document.querySelector('[data-testid="stStatusWidget"]')"""
# milliseconds from the last press to the first frame painting the preview in `want` since then
PRESS_TO_PAINT = """(want) => {
  const f = window.__fontnet;
  const hit = f.painted.find(([bg, t]) => bg === want && t >= f.pressed);
  return hit ? [hit[1] - f.pressed] : null;
}"""


def _css_rgb(rgb) -> str:
    return "rgb({}, {}, {})".format(*rgb)


# what a visitor's page showed when its step failed (a timeout): enough to tell a run that never started, a run
# that never ended and a page that never drew it apart
FAILED_PAGE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const use = [...document.querySelectorAll('button')].find(b => b.innerText.trim() === 'Use this model');
  return {script: app?.dataset.testScriptState, connection: app?.dataset.testConnectionState,
          firstPaint: document.querySelector('[data-first-paint]')?.getAttribute('data-first-paint'),
          running: !!document.querySelector('[data-testid="stStatusWidget"]'),
          progress: document.querySelector('[data-testid="stProgress"]')?.innerText,
          useDisabled: use ? use.disabled : null,
          problems: [...document.querySelectorAll('.fontnet-feed-problem')].map(b => b.textContent)};
}"""


async def visitor(browser, url: str, index: int, changes: int, think: float, iterations: int, out: dict) -> None:
    context = await browser.new_context(viewport={"width": 1300, "height": 900})
    page = await context.new_page()
    await page.add_init_script(PAINT_CLOCK_JS)
    page.on("dialog", lambda d: (out["errors"].append(f"visitor {index}: dialog {d.message!r}"),
                                 asyncio.ensure_future(d.dismiss())))
    names = list(PRESETS)
    try:
        opened = time.monotonic()
        await page.goto(f"{url}/?bg={to_hex(PRESETS[names[index % len(names)]])[1:]}", timeout=TIMEOUT_MS)
        await page.wait_for_selector("#font-preview", timeout=TIMEOUT_MS)
        out["preview_s"].append(time.monotonic() - opened)
        # a reader starts changing colours once the page is drawn: diagram and bar in, the script finished
        await page.wait_for_function(PAGE_DRAWN, timeout=TIMEOUT_MS, polling=POLL_MS)
        out["drawn_s"].append(time.monotonic() - opened)
        await _count_replica(context, url, out)
        current = index % len(names)
        pauses = random.Random(index)
        await asyncio.sleep(pauses.uniform(0, think))
        for k in range(changes):
            current = (current + 1 + k % 3) % len(names)
            name = names[current]
            start = time.monotonic()
            await page.get_by_role("button", name=name, exact=True).click(timeout=TIMEOUT_MS)
            await page.wait_for_function(PREVIEW_BG, arg=_css_rgb(PRESETS[name]), timeout=TIMEOUT_MS, polling=POLL_MS)
            out["seen"].append(time.monotonic() - start)
            # the page records the frame in the animation frame after the preview changed: wait for it too
            painted = await page.wait_for_function(PRESS_TO_PAINT, arg=_css_rgb(PRESETS[name]), timeout=TIMEOUT_MS,
                                                   polling=POLL_MS)
            [painted_ms] = await painted.json_value()
            await page.wait_for_function(PAGE_CAUGHT_UP, arg=to_hex(PRESETS[name]), timeout=TIMEOUT_MS,
                                         polling=POLL_MS)
            out["page"].append(time.monotonic() - start)
            out["latencies"].append(painted_ms / 1000)
            out["samples"].append((round(start - out["t0"], 1), index, k, round(painted_ms / 1000, 2)))
            await asyncio.sleep(pauses.uniform(0.5, 1.5) * think)
        await page.goto(f"{url}/train?iterations={iterations}&seed={index}", timeout=TIMEOUT_MS)
        await page.get_by_role("button", name="Train", exact=True).click(timeout=TIMEOUT_MS)
        await page.get_by_role("button", name="Use this model").and_(page.locator(":enabled")).wait_for(
            timeout=TIMEOUT_MS)
        if await page.locator('[data-testid="stException"]').count():
            out["errors"].append(f"visitor {index}: an exception element on the page")
        out["trainings"] += 1
    except Exception as e:  # a timeout or a failed click is an error of the run, reported, not raised
        await _failed(out, index, page, e)
    finally:
        await context.close()


async def _failed(out: dict, who: object, page, e: Exception) -> None:
    """Record a failed step (a timeout, a failed click) as an error of the run, with what its page showed."""
    out["errors"].append(f"visitor {who}: {type(e).__name__}: {str(e).splitlines()[0][:160]}")
    try:
        out["error_pages"].append({"visitor": who, "url": page.url, **await page.evaluate(FAILED_PAGE)})
    except Exception as gone:  # the page itself is gone: say so
        out["error_pages"].append({"visitor": who, "unreadable": str(gone)[:200]})


async def _warm_up(browser, url: str, out: dict) -> None:
    """One visit to every page, with a tiny training, so one-time work is done before memory is measured. A
    failed step is an error of the run ("visitor warm-up"), reported with its page like a visitor's."""
    page = await browser.new_page()
    try:
        await page.goto(url + "/", timeout=TIMEOUT_MS)
        await page.wait_for_selector("#font-preview", timeout=TIMEOUT_MS)
        await page.wait_for_function(PAGE_DRAWN, timeout=TIMEOUT_MS, polling=POLL_MS)
        await page.goto(url + "/train?iterations=200", timeout=TIMEOUT_MS)
        await page.get_by_role("button", name="Train", exact=True).click(timeout=TIMEOUT_MS)
        await page.get_by_role("button", name="Use this model").and_(page.locator(":enabled")).wait_for(
            timeout=TIMEOUT_MS)
        await page.goto(url + "/activations", timeout=TIMEOUT_MS)
        await page.locator('.fontnet-live-grid [data-chart] canvas').first.wait_for(timeout=TIMEOUT_MS)
    except Exception as e:
        await _failed(out, "warm-up", page, e)
    finally:
        await page.close()


async def _run(server: AppServer, sessions: int, changes: int, think: float, iterations: int) -> dict:
    from playwright.async_api import async_playwright

    out = {"latencies": [], "seen": [], "page": [], "errors": [], "error_pages": [], "trainings": 0, "samples": [], "preview_s": [], "drawn_s": [],
           "replicas": {}}
    async with async_playwright() as pw:
        browser = await launch_chromium(pw)
        await _warm_up(browser, server.url, out)
        await asyncio.sleep(SESSION_TTL_S + 3)
        before = server.rss_mb()
        peak = before
        done = asyncio.Event()

        async def sample():
            nonlocal peak
            while not done.is_set():
                peak = max(peak, server.rss_mb())
                await asyncio.sleep(0.25)

        sampler = asyncio.create_task(sample())
        start = out["t0"] = time.monotonic()
        await asyncio.gather(*(visitor(browser, server.url, i, changes, think, iterations, out) for i in range(sessions)))
        wall = time.monotonic() - start
        done.set()
        await sampler
        await browser.close()
    # closed sessions are dropped after the TTL; give the server a moment to let go of them
    await asyncio.sleep(SESSION_TTL_S + 8)
    after = server.rss_mb()
    lat = sorted(out["latencies"])
    seen = sorted(out["seen"])
    page = sorted(out["page"])
    p = (lambda q, xs=lat: xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan"))
    return dict(
        sessions=sessions, changes_per_session=changes, think_s=think, colour_changes=len(lat), trainings=out["trainings"],
        p50_s=statistics.median(lat) if lat else float("nan"), p95_s=p(0.95), max_s=lat[-1] if lat else float("nan"),
        seen_p50_s=statistics.median(seen) if seen else float("nan"), seen_p95_s=p(0.95, seen),
        page_p50_s=statistics.median(page) if page else float("nan"), page_p95_s=p(0.95, page),
        errors=out["errors"], error_pages=out["error_pages"], wall_s=wall, rss_before_mb=before, rss_peak_mb=peak, rss_after_mb=after,
        rss_after_vs_before=after / before,
        slowest=sorted(out["samples"], key=lambda x: -x[3])[:10],
        first_preview_p50_s=statistics.median(out["preview_s"]) if out["preview_s"] else float("nan"),
        first_preview_max_s=max(out["preview_s"], default=float("nan")),
        page_drawn_p50_s=statistics.median(out["drawn_s"]) if out["drawn_s"] else float("nan"),
        page_drawn_max_s=max(out["drawn_s"], default=float("nan")),
        visitors_per_replica=dict(sorted(out["replicas"].items())),
    )


# Every new iteration the progress bar shows, and when it says done, by the page's clock (epoch ms).
PROGRESS_CLOCK_JS = """
window.__train = {seen: [], done: null, pressed: null, surface: 0};
addEventListener('pointerdown', () => { window.__train.pressed = performance.timeOrigin + performance.now(); }, true);
new MutationObserver(() => {
  const bar = document.querySelector('[data-testid="stProgress"]');
  if (!bar) return;
  const text = bar.innerText;
  const m = /^(running|paused|done|diverged)\\S*: iteration ([\\d,]+) of/.exec(text);
  if (!m || window.__train.pressed === null) return;
  const it = +m[2].replace(/,/g, '');
  const now = performance.timeOrigin + performance.now();
  const seen = window.__train.seen;
  if (!seen.length || seen[seen.length - 1][1] !== it) seen.push([now, it]);
  if (m[1] === 'done' && window.__train.done === null) window.__train.done = now;
  // the live cost surface's pictures while the run plays (its panel is replaced by the still map when it ends)
  const surface = document.querySelector('.st-key-train_surface [data-chart=surface]');
  if (surface) window.__train.surface = Math.max(window.__train.surface, +(surface.dataset.draws || 0));
}).observe(document, {subtree: true, childList: true, characterData: true});
"""
LOSS_CHART = "document.querySelector('.st-key-train_live [data-chart=loss]')"


def _server_pids(server) -> list[int]:
    """The server processes to measure: the one started here, the replicas, or those given with --pid."""
    return list(server.pids.values()) if isinstance(server.pids, dict) else list(server.pids)


async def _count_replica(context, url: str, out: dict) -> None:
    """Behind serve-replicas' proxy: count the replica this visitor landed on (its affinity cookie)."""
    for c in await context.cookies(url):
        if c["name"] == Replicas.COOKIE:
            out["replicas"][c["value"]] = out["replicas"].get(c["value"], 0) + 1


class RunningServer:
    """A server this script did not start (`--url`): its memory and CPU are those of the processes given (`--pid`)."""

    def __init__(self, url: str, pids: list[int]):
        self.url, self.pids = url.rstrip("/"), pids

    def rss_mb(self) -> float:
        return total_rss_mb(self.pids) if self.pids else float("nan")

    def stop(self) -> None:
        pass


def _server(url: str | None, pids: list[int], replicas: int, *app_args: str):
    if url:
        return RunningServer(url, list(pids))
    if replicas:
        return Replicas(replicas, env={"STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(SESSION_TTL_S)})
    return AppServer(*app_args)


async def _class(server: AppServer, n: int) -> dict:
    """N visitors on the Train page press Train together; see the module's docstring."""
    from playwright.async_api import async_playwright

    out: dict = {"errors": [], "visitors": [], "replicas": {}}
    async with async_playwright() as pw:
        browser = await launch_chromium(pw)
        pages = []
        for _ in range(n):
            context = await browser.new_context(viewport={"width": 1300, "height": 900})
            page = await context.new_page()
            await page.add_init_script(PROGRESS_CLOCK_JS)
            pages.append(page)

        async def open_page(page):
            await page.goto(f"{server.url}/train", timeout=TIMEOUT_MS)
            await page.wait_for_function(f"() => {LOSS_CHART}?.dataset.points >= 1", timeout=TIMEOUT_MS,
                                         polling=POLL_MS)
            await page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')",
                                         timeout=TIMEOUT_MS, polling=POLL_MS)
            await _count_replica(page.context, server.url, out)

        await asyncio.gather(*(open_page(p) for p in pages))
        pids = _server_pids(server)
        cpu0, wall0 = [cpu_seconds(pid) for pid in pids], time.monotonic()
        peak = server.rss_mb()
        await asyncio.gather(*(p.get_by_role("button", name="Train", exact=True).click(timeout=TIMEOUT_MS)
                               for p in pages))

        async def finish(i, page):
            try:
                await page.wait_for_function("() => window.__train.done !== null", timeout=120_000, polling=100)
                await page.wait_for_function(f"() => +{LOSS_CHART}?.dataset.lastX === 100000", timeout=TIMEOUT_MS,
                                             polling=POLL_MS)
                t = await page.evaluate("() => window.__train")
                appended = await page.evaluate(f"() => +{LOSS_CHART}.dataset.appended")
                seen = t["seen"]
                span = (seen[-1][0] - seen[0][0]) / 1000 if len(seen) > 1 else float("nan")
                out["visitors"].append(dict(visitor=i, updates=len(seen), updates_per_s=(len(seen) - 1) / span,
                                            done_s=(t["done"] - t["pressed"]) / 1000, chart_appends=appended,
                                            surface_pictures=t["surface"]))
                if await page.locator('[data-testid="stException"]').count():
                    out["errors"].append(f"visitor {i}: an exception element on the page")
            except Exception as e:  # reported, not raised
                out["errors"].append(f"visitor {i}: {type(e).__name__}: {str(e).splitlines()[0][:160]}")

        async def sample():
            nonlocal peak
            while not all_done.is_set():
                peak = max(peak, server.rss_mb())
                await asyncio.sleep(0.25)

        all_done = asyncio.Event()
        sampler = asyncio.create_task(sample())
        await asyncio.gather(*(finish(i, p) for i, p in enumerate(pages)))
        cpu1, wall1 = [cpu_seconds(pid) for pid in pids], time.monotonic()
        all_done.set()
        await sampler
        await browser.close()
    v = sorted(out["visitors"], key=lambda r: r["visitor"])
    return dict(train_visitors=n, visitors=v, errors=out["errors"],
                min_updates_per_s=min((r["updates_per_s"] for r in v), default=float("nan")),
                median_updates_per_s=statistics.median([r["updates_per_s"] for r in v]) if v else float("nan"),
                max_done_s=max((r["done_s"] for r in v), default=float("nan")),
                server_cpu_percent=100 * (sum(cpu1) - sum(cpu0)) / (wall1 - wall0) if pids else float("nan"),
                server_rss_peak_mb=peak,
                server_cpu_percent_each=[round(100 * (b - a) / (wall1 - wall0)) for a, b in zip(cpu0, cpu1)],
                visitors_per_replica=dict(sorted(out["replicas"].items())), wall_s=wall1 - wall0)


def run_class(n: int, url: str | None = None, pids: list[int] = (), replicas: int = 0) -> dict:
    """Start a server (or see `_server`), have `n` visitors train together, stop it."""
    server = _server(url, pids, replicas)
    try:
        return asyncio.run(_class(server, n))
    finally:
        server.stop()


def run(sessions: int = 10, changes: int = 20, think: float = 1.0, iterations: int = 3000, url: str | None = None,
        pids: list[int] = (), replicas: int = 0) -> dict:
    """Start a server (or see `_server`), load it, stop it, and return the measurements."""
    server = _server(url, pids, replicas, "--server.disconnectedSessionTTL", str(SESSION_TTL_S))
    try:
        return asyncio.run(_run(server, sessions, changes, think, iterations))
    finally:
        server.stop()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--changes", type=int, default=20)
    ap.add_argument("--think", type=float, default=1.0, help="seconds between a visitor's colour changes")
    ap.add_argument("--iterations", type=int, default=3000)
    ap.add_argument("--train", type=int, default=0, metavar="N", help="N visitors press Train together (a class)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--replicas", type=int, default=0, help="N replicas behind the sticky proxy (scripts/serve-replicas)")
    ap.add_argument("--url", help="load the server already running here instead of starting one")
    ap.add_argument("--pid", type=int, action="append", default=[], help="with --url: a server process to measure")
    a = ap.parse_args()
    if a.pid and not a.url:
        ap.error("--pid needs --url")
    if a.replicas and a.url:
        ap.error("--replicas starts its own replicas: give it or --url, not both")
    if not 0 <= a.replicas <= 16:
        ap.error("--replicas must be from 1 to 16")
    if a.train:
        res = run_class(a.train, a.url, a.pid, a.replicas)
        if a.json:
            print(json.dumps(res))
        else:
            for r in res["visitors"]:
                print(f"visitor {r['visitor']}: {r['updates_per_s']:.1f} updates/s ({r['updates']} seen), done "
                      f"{r['done_s']:.1f} s after pressing Train, loss chart appended {r['chart_appends']} times, "
                      f"cost surface drawn {r['surface_pictures']} times")
            print(f"{res['train_visitors']} visitors: slowest {res['min_updates_per_s']:.1f} updates/s (target >= 5), "
                  f"last done after {res['max_done_s']:.1f} s (target <= 15 s); server CPU "
                  f"{res['server_cpu_percent']:.0f}% of one core, memory peak {res['server_rss_peak_mb']:.0f} MB")
            if res["visitors_per_replica"]:
                print("visitors per replica: " + ", ".join(f"{k} {v}" for k, v in res["visitors_per_replica"].items())
                      + "; CPU per replica: " + ", ".join(f"{c}%" for c in res["server_cpu_percent_each"]))
            print(f"errors: {len(res['errors'])}" + "".join(f"\n  {e}" for e in res["errors"]))
        return 0 if not res["errors"] else 1
    res = run(a.sessions, a.changes, a.think, a.iterations, a.url, a.pid, a.replicas)
    if a.json:
        print(json.dumps(res))
    else:
        print(f"{res['sessions']} sessions, {res['colour_changes']} colour changes, {res['trainings']} trainings "
              f"in {res['wall_s']:.1f} s")
        print(f"colour change (press -> preview painted): p50 {res['p50_s'] * 1000:.0f} ms, "
              f"p95 {res['p95_s'] * 1000:.0f} ms, max {res['max_s'] * 1000:.0f} ms (target p95 <= 1000 ms)")
        print(f"  ... until the automation sees it: p50 {res['seen_p50_s'] * 1000:.0f} ms, "
              f"p95 {res['seen_p95_s'] * 1000:.0f} ms")
        print(f"  ... until the server's answer is drawn (the whole page in the new colour): "
              f"p50 {res['page_p50_s'] * 1000:.0f} ms, p95 {res['page_p95_s'] * 1000:.0f} ms")
        print(f"opening the page with every visitor at once: preview p50 {res['first_preview_p50_s']:.1f} s "
              f"(max {res['first_preview_max_s']:.1f} s), page drawn p50 {res['page_drawn_p50_s']:.1f} s "
              f"(max {res['page_drawn_max_s']:.1f} s)")
        print("slowest colour changes (s after start, visitor, change, latency s): "
              + ", ".join(str(tuple(x)) for x in res["slowest"][:5]))
        if res["visitors_per_replica"]:
            print("visitors per replica: " + ", ".join(f"{k} {v}" for k, v in res["visitors_per_replica"].items()))
        print(f"errors: {len(res['errors'])}" + "".join(f"\n  {e}" for e in res["errors"]))
        print(f"server memory: before {res['rss_before_mb']:.0f} MB, peak {res['rss_peak_mb']:.0f} MB, "
              f"after {res['rss_after_mb']:.0f} MB ({(res['rss_after_vs_before'] - 1) * 100:+.0f}% vs before; "
              "target within 20%)")
    return 0 if not res["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
