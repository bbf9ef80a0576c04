"""Measure the Train page's live updates: server time per update, and the chapter's run in a real browser.

    .venv/bin/python scripts/bench_train.py            # both parts
    .venv/bin/python scripts/bench_train.py --server   # (a) only: no browser needed

(a) one live update as the page does it — train a chunk, redraw the loss chart, the decision map and the
    weights, serialise them as Streamlit does — median over the chapter's run (target <= 100 ms);
(b) the chapter's default run played in headless Chromium: wall time from pressing Train to 'done'
    (target <= 15 s), chart updates per second (target >= 5) and the test accuracy it lands on
    (fontnet.bench.ACCURACY_BAND).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import plotly.io as pio  # noqa: E402

from fontnet.bench import ACCURACY_BAND  # noqa: E402
from fontnet.figures.training import decision_map_figure, loss_figure, weights_figure  # noqa: E402
from fontnet.training import (  # noqa: E402
    TrainingRun,
    TrainingSettings,
    colours_near_slice,
    decision_slice,
    warm_up,
)

LOSS_POINTS = ("() => { const el = document.querySelector('.st-key-loss_box .js-plotly-plot');"
               " return el && el.data ? el.data[0].x.length : -1; }")


def server_update_ms(rounds: int = 2) -> dict:
    """Median and 90th percentile of one live update's server work over the chapter's run (`rounds` times)."""
    warm_up()
    times, engine = [], []
    for _ in range(rounds):
        run = TrainingRun(TrainingSettings())
        run.start()
        while run.status == "running":
            t = time.perf_counter()
            run.advance()
            t_engine = time.perf_counter()
            figs = [loss_figure(run.history_frame(), run.settings.iterations)]
            sl = decision_slice(run.net, "B", 128)
            pts, labels = colours_near_slice(run.dataset.rgb, run.dataset.labels, "B", 128)
            figs.append(decision_map_figure(sl, pts[:400], labels[:400]))
            figs.append(weights_figure(*run.weight_history()))
            run.warnings()
            for f in figs:
                pio.to_json(f.to_dict(), validate=False)
            times.append(time.perf_counter() - t)
            engine.append(t_engine - t)
    times.sort()
    return dict(updates=len(times), median_ms=statistics.median(times) * 1000,
                p90_ms=times[int(0.9 * len(times))] * 1000, engine_median_ms=statistics.median(engine) * 1000)


def browser_run() -> dict:
    """The chapter's default run in headless Chromium, from pressing Train to 'done'."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, AppServer, wait_for_app

    (ROOT / "artifacts").mkdir(exist_ok=True)
    server = AppServer()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(server.url + "/train")
            page.wait_for_function(f"() => ({LOSS_POINTS})() >= 1", timeout=90_000)
            wait_for_app(page)
            page.evaluate(f"""() => {{ window.__points = [];
                setInterval(() => window.__points.push([performance.now(), ({LOSS_POINTS})()]), 20); }}""")
            t0 = page.evaluate("() => performance.now()")
            page.get_by_role("button", name="Train", exact=True).click()
            page.wait_for_function(
                "() => document.querySelector('[data-testid=stProgress]').innerText.startsWith('done')",
                timeout=180_000, polling=50)
            t1 = page.evaluate("() => performance.now()")
            samples = page.evaluate("() => window.__points")
            done = page.get_by_text(re.compile(r"^Done in")).first.inner_text()
            browser.close()
    finally:
        server.stop()
    changes = [t for (t, n), (_, m) in zip(samples, samples[1:]) if n != m and t >= t0]
    first, last = (changes[0], changes[-1]) if len(changes) > 1 else (t0, t1)
    accuracy = float(re.search(r"test accuracy ([\d.]+)%", done).group(1)) / 100
    return dict(wall_s=(t1 - t0) / 1000, chart_updates=len(changes),
                updates_per_s=(len(changes) - 1) / max((last - first) / 1000, 1e-9),
                test_accuracy=accuracy, in_band=ACCURACY_BAND[0] <= accuracy <= ACCURACY_BAND[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", action="store_true", help="only (a), the server time per update")
    args = parser.parse_args()
    print(f"load average before: {', '.join(f'{v:.2f}' for v in os.getloadavg())} on {os.cpu_count()} CPUs")
    a = server_update_ms()
    print(f"(a) one live update, server side: median {a['median_ms']:.1f} ms, p90 {a['p90_ms']:.1f} ms over "
          f"{a['updates']} updates (training the chunk: median {a['engine_median_ms']:.1f} ms)  target <= 100 ms")
    if args.server:
        return
    b = browser_run()
    print(f"(b) the chapter's run in Chromium: {b['wall_s']:.1f} s from Train to done (target <= 15 s), "
          f"{b['chart_updates']} chart updates, {b['updates_per_s']:.1f} updates/s (target >= 5), "
          f"test accuracy {b['test_accuracy']:.3f} ({'inside' if b['in_band'] else 'OUTSIDE'} the band "
          f"{ACCURACY_BAND[0]}-{ACCURACY_BAND[1]})")
    print(f"load average after: {', '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
