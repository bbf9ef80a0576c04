"""Measure the Predict page: the server time of a colour change, and the first visit in a real browser.

    python -m bench predict [--reruns 50] [--visits 3] [--changes 20]

(a) median wall time of AppTest reruns after picking a new colour (default model, figures, LaTeX);
    target <= 100 ms.
(b) first visit: start `streamlit run`, and time from the server's first health answer to the frame that
    paints #font-preview in headless Chromium (by the page's own clock), on a fresh server each visit;
    target <= 3 s. Also when the automation first sees it visible, which is later: its checks wait for
    the page's main thread, busy drawing the charts that come after the preview. Also the server's
    start: from launching the process to its first health answer, which includes its start-up work
    (app/server.py: reading the default model's file, or training it when there is none). `--cold`
    gives every server an empty model cache, so each start trains the default model.
    On the same visits: from the frame that paints the preview to the frame that paints the later of the
    network diagram and the P(dark) bar (bench/harness.py: FIGURES_CLOCK_JS); target <= 1 s.
(c) a colour change's main-thread time in the browser: one page, `--changes` preset presses, each
    from the press until the server's answer is drawn (the page names the new colour, the script has
    finished, one more frame), read from Chrome's own task counter (CDP Performance.getMetrics,
    TaskDuration) before and after; the whole page's work, preview, numbers, diagram and bar.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

import numpy as np

from bench.harness import ROOT, count


def rerun_ms(reruns: int) -> list[float]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app_pages" / "predict.py"), default_timeout=120)
    at.run()  # trains and caches the default model; not timed
    rng = np.random.default_rng(0)
    times = []
    for _ in range(reruns):
        at.color_picker(key="predict.bg").pick("#{:02x}{:02x}{:02x}".format(*rng.integers(0, 256, 3)))
        start = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - start) * 1000)
        if at.exception:
            raise RuntimeError(at.exception[0].value)
    return times


def first_visit_s(visits: int, cold: bool = False) -> tuple[list[float], list[float], list[float], list[float]]:
    from bench.harness import FIGURES_CLOCK_JS, PAINT_CLOCK_JS, AppServer, chromium
    from fontnet.model import default_model

    painted, seen, starts, figures = [], [], [], []
    with chromium() as browser:
        for _ in range(visits):
            page = browser.new_page()  # a fresh context (empty cache), made before the clock starts
            page.add_init_script(PAINT_CLOCK_JS)
            page.add_init_script(FIGURES_CLOCK_JS)
            if cold:
                os.environ["FONTNET_CACHE_DIR"] = tempfile.mkdtemp(prefix="fontnet-bench-")
            else:  # the model file left by an earlier server, as after a restart
                os.environ.pop("FONTNET_CACHE_DIR", None)
                default_model()
            server = AppServer()  # returns once /_stcore/health answers; first_answer is that moment
            try:
                page.goto(server.url + "/")
                page.locator("#font-preview").wait_for(state="visible", timeout=120_000)
                seen.append(time.monotonic() - server.first_answer)
                first_paint_ms = page.evaluate("window.__fontnet.painted[0][1]")
                painted.append(first_paint_ms / 1000 - server.first_answer_epoch)
                starts.append(server.first_answer - server.started)
                page.wait_for_function("() => window.__fontnet_figures.network > 0"
                                       " && window.__fontnet_figures.probability > 0", timeout=120_000)
                last_figure_ms = page.evaluate("Math.max(window.__fontnet_figures.network,"
                                               " window.__fontnet_figures.probability)")
                figures.append((last_figure_ms - first_paint_ms) / 1000)
                page.close()
            finally:
                server.stop()
    return painted, seen, starts, figures


# the server's answer is drawn: the page names the new colour and its script has finished
CAUGHT_UP = """(hex) => [...document.querySelectorAll('code')].some(c => c.textContent === hex)
  && !document.querySelector('[data-testid="stStatusWidget"]')"""
NEXT_FRAME = "() => new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)))"


def colour_change_task_ms(changes: int) -> list[float]:
    """Chrome's main-thread task time (ms) per preset press on the Predict page, until its answer is drawn."""
    from bench.harness import served_chromium
    from fontnet import colors, presets

    os.environ.pop("FONTNET_CACHE_DIR", None)
    names = list(presets.PRESETS)
    times = []
    with served_chromium() as (server, browser):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")

        def task_s() -> float:
            return next(m["value"] for m in cdp.send("Performance.getMetrics")["metrics"] if m["name"] == "TaskDuration")

        page.goto(server.url + "/?bg=" + colors.to_hex(presets.PRESETS[names[0]])[1:])
        page.wait_for_function(CAUGHT_UP, arg=colors.to_hex(presets.PRESETS[names[0]]), timeout=120_000)
        page.evaluate(NEXT_FRAME)
        for k in range(changes + 1):  # the first change is a warm-up (the page's first re-render)
            name = names[(k + 1) % len(names)]
            before = task_s()
            page.get_by_role("button", name=name, exact=True).click()
            page.wait_for_function(CAUGHT_UP, arg=colors.to_hex(presets.PRESETS[name]), timeout=60_000, polling=50)
            page.evaluate(NEXT_FRAME)
            if k:
                times.append((task_s() - before) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=count(), default=50)
    parser.add_argument("--visits", type=count(), default=3)
    parser.add_argument("--cold", action="store_true", help="no model file from an earlier server start")
    parser.add_argument("--changes", type=count(0), default=20, help="colour changes timed by the browser's task counter")
    args = parser.parse_args()

    reruns = rerun_ms(args.reruns)
    print(f"colour-change rerun (AppTest, {len(reruns)} reruns): median {statistics.median(reruns):.1f} ms "
          f"(min {min(reruns):.1f}, max {max(reruns):.1f}); target <= 100 ms")
    visits, seen, starts, figures = first_visit_s(args.visits, args.cold)
    kind = "no model file: each start trains the default model" if args.cold else "model file from an earlier start"
    print(f"server start, process launched -> first health answer ({kind}): median {statistics.median(starts):.2f} s "
          f"(min {min(starts):.2f}, max {max(starts):.2f})")
    print(f"first visit, health answer -> #font-preview painted ({len(visits)} fresh servers, {kind}): "
          f"median {statistics.median(visits):.2f} s (min {min(visits):.2f}, max {max(visits):.2f}); target <= 3 s")
    print(f"  ... until the automation sees it visible: median {statistics.median(seen):.2f} s "
          f"(min {min(seen):.2f}, max {max(seen):.2f})")
    print(f"first visit, #font-preview painted -> network diagram and P(dark) bar painted (same visits): "
          f"median {statistics.median(figures) * 1000:.0f} ms (min {min(figures) * 1000:.0f}, "
          f"max {max(figures) * 1000:.0f}); target <= 1 s")
    if args.changes:
        tasks = colour_change_task_ms(args.changes)
        print(f"colour change, browser main-thread time (Chrome TaskDuration, press -> answer drawn, {len(tasks)} "
              f"changes): median {statistics.median(tasks):.0f} ms (min {min(tasks):.0f}, max {max(tasks):.0f})")


if __name__ == "__main__":
    main()
