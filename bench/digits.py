"""Measure the Digits page: how long a drawing takes to become the network's answer.

    python -m bench digits [--drawings 50] [--browser 15]

(a) server time, in process: a stroke's data as the pad sends it (Fabric's JSON) -> stroke points -> the 8x8
    image -> the ten probabilities, and then everything else the pad's fragment builds for it (the preview,
    the output bars and Figure 7-8, as the SVG the page sends). Median over
    `--drawings` digit-like drawings of 1-3 strokes; target <= 100 ms to the probabilities.
(b) in a real browser (`--browser N`, 0 to skip): draw N strokes with the mouse on a served app and time, by
    the page's own clock, from the mouse's release to the moment #digit-preview shows the new image. This is
    what a visitor waits for: the server time above plus the round trip and the browser's drawing. Then a
    default training run, from pressing Train to the progress bar saying done (target <= 10 s).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np

from bench.harness import count, served_chromium, wait_for_app


def fabric_drawing(rng: np.random.Generator) -> dict:
    """A drawing as the pad sends it: 1-3 free-hand strokes of 20-60 sampled points each."""
    objects = []
    for _ in range(int(rng.integers(1, 4))):
        n = int(rng.integers(20, 61))
        t = np.linspace(0, 1, n)
        a, b = rng.random(2) * 200 + 40, rng.random(2) * 200 + 40
        bend = (rng.random(2) - 0.5) * 120
        pts = (1 - t)[:, None] * a + t[:, None] * b + np.sin(np.pi * t)[:, None] * bend
        path = [["M", *pts[0]]] + [["Q", *pts[i], *(pts[i] + pts[i + 1]) / 2] for i in range(n - 1)] + [["L", *pts[-1]]]
        lo, hi = pts.min(0), pts.max(0)
        objects.append({"type": "Path", "left": float((lo[0] + hi[0]) / 2), "top": float((lo[1] + hi[1]) / 2),
                        "scaleX": 1, "scaleY": 1, "angle": 0, "path": json.loads(json.dumps(path, default=float))})
    return {"version": "7.4.0", "objects": objects}


def server_ms(drawings: int) -> tuple[list[float], list[float]]:
    from app.draw_pad import preview_html, strokes_from_fabric
    from fontnet import digits
    from fontnet.figures.digits import network_svg, probabilities_svg

    model = digits.default_model()
    rng = np.random.default_rng(0)
    samples = [fabric_drawing(rng) for _ in range(drawings + 3)]
    to_answer, to_figures = [], []
    for i, drawing in enumerate(samples):
        start = time.perf_counter()
        image = digits.reduce_drawing(digits.parse_strokes(strokes_from_fabric(drawing)))
        reading = digits.read(model, image)
        answered = time.perf_counter()
        preview_html(image)
        probabilities_svg(reading.proba)
        network_svg(model, reading)
        done = time.perf_counter()
        if i >= 3:  # the first few load Pillow
            to_answer.append((answered - start) * 1000)
            to_figures.append((done - start) * 1000)
    return to_answer, to_figures


CLOCK_JS = """
window.__digits = {released: null, shown: []};
addEventListener('pointerup', e => { window.__digits.released = performance.timeOrigin + e.timeStamp; }, true);
let last = null;
new MutationObserver(() => {
  const el = document.getElementById('digit-preview');
  const px = el ? el.dataset.pixels : null;
  if (px === null || px === last) return;
  last = px;
  requestAnimationFrame(() => window.__digits.shown.push([px, performance.timeOrigin + performance.now()]));
}).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ['data-pixels']});
"""


def open_digits(page, server, query: str = "") -> None:
    """Open the Digits page on `server` (with a link's `query`) and wait until its pad, prompt and run are there."""
    page.goto(server.url + "/digits" + query)
    page.locator(".st-key-digit_pad canvas").last.wait_for(timeout=60_000)
    page.locator("#digit-prompt").wait_for(timeout=60_000)
    wait_for_app(page)


def stroke(page, points) -> None:
    """Draw one stroke with the mouse through `points`, given in pad coordinates (0-280)."""
    canvas = page.locator(".st-key-digit_pad canvas").last
    canvas.wait_for(state="visible", timeout=30_000)  # after Clear, a fresh pad is mounted
    box = canvas.bounding_box()
    (x0, y0), rest = points[0], points[1:]
    page.mouse.move(box["x"] + x0, box["y"] + y0)
    page.mouse.down()
    for x, y in rest:
        page.mouse.move(box["x"] + x, box["y"] + y, steps=8)
    page.mouse.up()


def browser_ms(strokes: int) -> tuple[list[float], float]:
    rng = np.random.default_rng(1)
    times = []
    with served_chromium() as (server, browser):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.add_init_script(CLOCK_JS)
        open_digits(page, server)
        for i in range(strokes):
            if i % 4 == 0:
                page.get_by_role("button", name="Clear", exact=True).click()
                page.wait_for_function("() => document.querySelector('#digit-preview')?.dataset.pixels === ''")
                wait_for_app(page)
            before = page.evaluate("() => window.__digits.shown.length")
            a, b = rng.random(2) * 200 + 40, rng.random(2) * 200 + 40
            stroke(page, [tuple(a), tuple((a + b) / 2 + 20), tuple(b)])
            page.wait_for_function(f"() => window.__digits.shown.length > {before}", timeout=30_000)
            shown = page.evaluate("() => window.__digits.shown.at(-1)[1] - window.__digits.released")
            times.append(shown)
        # a default run, played live: from pressing Train to the progress bar saying done
        start = time.monotonic()
        page.get_by_role("button", name="Train", exact=True).click()
        page.wait_for_function(
            "() => document.querySelector('[data-testid=stProgress]')?.innerText.startsWith('done')",
            timeout=120_000)
        played = time.monotonic() - start
    return times, played


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--drawings", type=count(), default=50)
    p.add_argument("--browser", type=count(0), default=15, help="strokes drawn in a real browser (0: skip)")
    a = p.parse_args()
    answer, figures = server_ms(a.drawings)
    print(f"server, drawing -> probabilities: median {statistics.median(answer):.1f} ms "
          f"(max {max(answer):.1f}) over {len(answer)} drawings; target <= 100 ms")
    print(f"server, drawing -> probabilities and every figure of the pad: median {statistics.median(figures):.1f} ms")
    if a.browser:
        shown, played = browser_ms(a.browser)
        print(f"browser, mouse released -> new 8x8 image shown: median {statistics.median(shown):.0f} ms "
              f"(max {max(shown):.0f}) over {len(shown)} strokes")
        print(f"browser, a default run played live (Train pressed -> done): {played:.1f} s; target <= 10 s")


if __name__ == "__main__":
    main()
