"""Measure the Predict page: the server time of a colour change, and the first visit in a real browser.

    python scripts/bench_predict.py [--reruns 50] [--visits 3]

(a) median wall time of AppTest reruns after picking a new colour (default model, figures, LaTeX);
    target <= 100 ms.
(b) first visit: start `streamlit run`, and time from the server's first health answer to #font-preview
    being visible in headless Chromium, on a fresh server each visit; target <= 3 s. The trained default
    model is kept on disk between server starts (fontnet.model.default_model); `--cold` gives every
    server an empty model cache, so its first visitor also waits for the default model to be trained.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def rerun_ms(reruns: int) -> list[float]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app_pages" / "predict.py"), default_timeout=120)
    at.run()  # trains and caches the default model; not timed
    rng = np.random.default_rng(0)
    times = []
    for _ in range(reruns):
        at.color_picker(key="bg").pick("#{:02x}{:02x}{:02x}".format(*rng.integers(0, 256, 3)))
        start = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - start) * 1000)
        if at.exception:
            raise RuntimeError(at.exception[0].value)
    return times


def first_visit_s(visits: int, cold: bool = False) -> list[float]:
    from playwright.sync_api import sync_playwright

    from fontnet.model import default_model
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, AppServer

    (ROOT / "artifacts").mkdir(exist_ok=True)
    times = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for _ in range(visits):
                page = browser.new_page()  # a fresh context (empty cache), made before the clock starts
                if cold:
                    os.environ["FONTNET_CACHE_DIR"] = tempfile.mkdtemp(prefix="fontnet-bench-")
                else:  # the model file left by an earlier server, as after a restart
                    os.environ.pop("FONTNET_CACHE_DIR", None)
                    default_model()
                server = AppServer()  # returns once /_stcore/health answers; first_answer is that moment
                try:
                    page.goto(server.url + "/")
                    page.locator("#font-preview").wait_for(state="visible", timeout=120_000)
                    times.append(time.monotonic() - server.first_answer)
                    page.close()
                finally:
                    server.stop()
        finally:
            browser.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=50)
    parser.add_argument("--visits", type=int, default=3)
    parser.add_argument("--cold", action="store_true", help="no model file from an earlier server start")
    args = parser.parse_args()

    reruns = rerun_ms(args.reruns)
    print(f"colour-change rerun (AppTest, {len(reruns)} reruns): median {statistics.median(reruns):.1f} ms "
          f"(min {min(reruns):.1f}, max {max(reruns):.1f}); target <= 100 ms")
    visits = first_visit_s(args.visits, args.cold)
    kind = "no model file: the first visitor waits for training" if args.cold else "model file from an earlier start"
    print(f"first visit, health answer -> #font-preview visible ({len(visits)} fresh servers, {kind}): "
          f"median {statistics.median(visits):.2f} s (min {min(visits):.2f}, max {max(visits):.2f}); target <= 3 s")


if __name__ == "__main__":
    main()
