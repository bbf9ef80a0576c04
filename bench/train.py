"""Measure the Train page: a live update's cost, the chapter's run in a real browser, and how fast the page opens.

    python -m bench train            # all three parts
    python -m bench train --server   # (a) only: no browser needed

(a) one live update's own work: the Train page's feed answering the panel (app/train_live.py: train a chunk,
    build what is new for the loss chart, the weights and, every few updates, the decision map, the progress
    bar's words) and the answer serialised, median over the chapter's run in this process (target <= 5 ms; it
    was about 40 ms when every update rebuilt and re-sent whole plotly figures);
(b) the chapter's default run played in headless Chromium (runs of it): wall time from pressing Train to
    'done' (target <= 15 s), live updates a second read from the progress bar (target >= 5), the test accuracy
    it lands on (fontnet.bench.ACCURACY_BAND); the server process's CPU time per live update (everything:
    the HTTP request to the feed included), and the browser's main-thread time the loss chart takes per update
    (its own data handling and drawing, measured by the chart; target <= 10 ms);
(c) the page opening: from a click on the sidebar's Train link on a warm server, and from a direct visit to
    /train on a freshly started server, until the Train button can be pressed (it is shown, enabled, and the
    page has finished its run): targets <= 1.5 s and <= 3 s.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time

from app.train_live import feed_source
from bench.harness import AppServer, chromium, count, cpu_seconds, load_average, served_chromium, wait_for_app
from fontnet.bench import ACCURACY_BAND
from fontnet.training import TrainingRun, TrainingSettings, warm_up

LOSS = "document.querySelector('.st-key-train_live [data-chart=loss]')"
TRAIN_READY = """() => {
  const b = [...document.querySelectorAll('button')].find(b => b.innerText.trim() === 'Train');
  return !!b && !b.disabled && b.offsetParent !== null && !document.querySelector('[data-testid="stStatusWidget"]');
}"""



def server_update_ms(rounds: int = 3) -> dict:
    """Median and 90th percentile of one live update's own work over the chapter's run (`rounds` times): the
    feed's answer, as the panel asks for it (holding every point so far), and its JSON."""
    warm_up()
    times, engine = [], []
    for _ in range(rounds):
        run = TrainingRun(TrainingSettings())
        run.start()
        source = feed_source(run, "B", 128)
        advance = run.advance
        spent = []

        def timed_advance(*args, advance=advance, spent=spent, **kwargs):   # the chunk's training alone
            t = time.perf_counter()
            try:
                return advance(*args, **kwargs)
            finally:
                spent.append(time.perf_counter() - t)

        run.advance = timed_advance
        while run.status == "running":
            t = time.perf_counter()
            answer = source(str(run.run_id), len(run.history))
            json.dumps(answer, separators=(",", ":"), allow_nan=False)
            times.append(time.perf_counter() - t)
            engine.append(spent[-1])
            time.sleep(0.005)   # a little wall time between updates, as in the page: chunks follow the clock
    times.sort()
    return dict(updates=len(times), median_ms=statistics.median(times) * 1000,
                p90_ms=times[int(0.9 * len(times))] * 1000, engine_median_ms=statistics.median(engine) * 1000)


def browser_runs(n: int = 3) -> dict:
    """The chapter's default run in headless Chromium, `n` times on one server, from pressing Train to 'done'."""
    out = []
    with served_chromium() as (server, browser):
        for _ in range(n):
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(server.url + "/train")
            page.wait_for_function(f"() => {LOSS}?.dataset.points >= 1", timeout=90_000)
            wait_for_app(page)
            page.evaluate("""() => { window.__its = [];
                new MutationObserver(() => {
                  const m = /iteration ([\\d,]+) of/.exec(document.querySelector('[data-testid=stProgress]')?.innerText || '');
                  const it = m ? +m[1].replace(/,/g, '') : null;
                  if (it !== null && (!window.__its.length || window.__its.at(-1)[1] !== it))
                    window.__its.push([performance.now(), it]);
                }).observe(document, {subtree: true, childList: true, characterData: true}); }""")
            before = page.evaluate(f"() => ({{updates: +{LOSS}.dataset.updates, ms: +{LOSS}.dataset.drawMs}})")
            cpu0 = cpu_seconds(server.proc.pid)
            t0 = page.evaluate("() => performance.now()")
            page.get_by_role("button", name="Train", exact=True).click()
            page.wait_for_function(
                "() => document.querySelector('[data-testid=stProgress]')?.innerText.startsWith('done')",
                timeout=180_000, polling=50)
            t1 = page.evaluate("() => performance.now()")
            wait_for_app(page)
            cpu1 = cpu_seconds(server.proc.pid)
            page.wait_for_function(f"() => +{LOSS}.dataset.lastX === 100000", timeout=30_000)
            after = page.evaluate(f"() => ({{updates: +{LOSS}.dataset.updates, ms: +{LOSS}.dataset.drawMs}})")
            its = page.evaluate("() => window.__its")
            done = page.get_by_text(re.compile(r"^Done in")).first.inner_text()
            page.close()
            live_its = [t for t, it in its if t >= t0]
            updates = max(len(live_its) - 1, 1)
            accuracy = float(re.search(r"test accuracy ([\d.]+)%", done).group(1)) / 100
            chart_updates = after["updates"] - before["updates"]
            out.append(dict(wall_s=(t1 - t0) / 1000, updates=updates,
                            updates_per_s=updates / max((live_its[-1] - live_its[0]) / 1000, 1e-9),
                            server_cpu_ms_per_update=(cpu1 - cpu0) * 1000 / updates,
                            chart_ms_per_update=(after["ms"] - before["ms"]) / max(chart_updates, 1),
                            test_accuracy=accuracy))
    med = {k: statistics.median(r[k] for r in out) for k in out[0]}
    med["runs"] = out
    med["in_band"] = ACCURACY_BAND[0] <= med["test_accuracy"] <= ACCURACY_BAND[1]
    return med


def opening(fresh_servers: int = 3, warm_clicks: int = 5) -> dict:
    """Seconds until the Train button can be pressed: from the sidebar link on a warm server (median of
    `warm_clicks`), and from a direct visit to /train on a freshly started server (median of `fresh_servers`)."""
    direct, sidebar = [], []
    with chromium() as browser:
        for i in range(fresh_servers):
            server = AppServer()
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto("about:blank")
                t = time.monotonic()
                page.goto(server.url + "/train")
                page.wait_for_function(TRAIN_READY, timeout=90_000, polling=20)
                direct.append(time.monotonic() - t)
                page.close()
                if i == 0:  # the same server, warm now: the sidebar route, from the Predict page
                    for _ in range(warm_clicks):
                        page = browser.new_page(viewport={"width": 1400, "height": 1000})
                        page.goto(server.url + "/")
                        page.locator("#font-preview").wait_for(timeout=60_000)
                        page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')",
                                               timeout=60_000)
                        link = page.get_by_role("link", name="Train")
                        t = time.monotonic()
                        link.click()
                        page.wait_for_function(TRAIN_READY, timeout=60_000, polling=20)
                        sidebar.append(time.monotonic() - t)
                        page.close()
            finally:
                server.stop()
    return dict(direct_fresh_s=statistics.median(direct), direct_all=direct,
                sidebar_warm_s=statistics.median(sidebar), sidebar_all=sidebar)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", action="store_true", help="only (a), the server time per update")
    parser.add_argument("--runs", type=count(), default=3, help="chapter runs played in the browser for (b)")
    args = parser.parse_args()
    print(load_average("before"))
    a = server_update_ms()
    print(f"(a) one live update's own work: median {a['median_ms']:.2f} ms, p90 {a['p90_ms']:.2f} ms over "
          f"{a['updates']} updates (training the chunk: median {a['engine_median_ms']:.2f} ms)  target <= 5 ms")
    if args.server:
        return
    b = browser_runs(args.runs)
    print(f"(b) the chapter's run in Chromium, median of {args.runs}: {b['wall_s']:.1f} s from Train to done "
          f"(target <= 15 s), {b['updates_per_s']:.1f} live updates/s (target >= 5), test accuracy "
          f"{b['test_accuracy']:.3f} ({'inside' if b['in_band'] else 'OUTSIDE'} the band "
          f"{ACCURACY_BAND[0]}-{ACCURACY_BAND[1]}); server CPU {b['server_cpu_ms_per_update']:.1f} ms per update "
          f"(the HTTP request included); the loss chart's own main-thread time "
          f"{b['chart_ms_per_update']:.2f} ms per update (target <= 10 ms)")
    for r in b["runs"]:
        print("    " + ", ".join(f"{k} {v:.3g}" for k, v in r.items()))
    c = opening()
    print(f"(c) Train button usable: {c['sidebar_warm_s']:.2f} s after the sidebar link on a warm server (target "
          f"<= 1.5 s; {', '.join(f'{v:.2f}' for v in c['sidebar_all'])}); {c['direct_fresh_s']:.2f} s after a "
          f"direct visit to a fresh server (target <= 3 s; {', '.join(f'{v:.2f}' for v in c['direct_all'])})")
    print(load_average("after"))


if __name__ == "__main__":
    main()
