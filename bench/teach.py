"""Measure the Teach page: the server time of one answer, and click -> next colour and scores shown in a browser.

    python -m bench teach [--answers 40] [--clicks 30] [--server-only]

(a) median wall time of AppTest reruns after clicking an answer (the formula's), which includes retraining
    the network on every answer so far, the scores, the decision map and the disagreements; also the
    retraining alone as the page records it. Target: retraining <= 200 ms.
(b) in headless Chromium against `streamlit run` (warm: the page is opened and answered once first): from
    the click on an answer button to the animation frame that paints the next colour with the updated
    scores (#teach-colour shows a new colour and #teach-scores the new count), by the page's own clock.
    Target <= 300 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench.harness import ROOT, count
from fontnet import colors

# By the page's own clock (epoch ms): the last pointer press, and for every change of the question's colour or
# the answer count, the animation frame after it (the frame that paints it).
TEACH_CLOCK_JS = """
window.__teach = {pressed: null, shown: []};
addEventListener('pointerdown', e => { window.__teach.pressed = performance.timeOrigin + e.timeStamp; }, true);
let last = null;
new MutationObserver(() => {
  const s = document.getElementById('teach-scores'), q = document.getElementById('teach-colour');
  if (!s || !q) return;
  const key = s.dataset.answers + '|' + q.dataset.colour;
  if (key === last) return;
  last = key;
  const pressed = window.__teach.pressed, answers = s.dataset.answers, colour = q.dataset.colour;
  requestAnimationFrame(() => window.__teach.shown.push([answers, colour, pressed, performance.timeOrigin + performance.now()]));
}).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
"""


def formula_button(hex_colour: str) -> str:
    return "Dark reads better" if colors.formula_label(colors.parse_colour(hex_colour)) else "Light reads better"


def server_ms(answers: int) -> tuple[list[float], list[float]]:
    """(wall ms of each answer's rerun, the page's own retraining ms for each)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app_pages" / "teach.py"), default_timeout=120)
    at.run()  # imports, the yardstick colours: not timed
    walls, retrains = [], []
    for _ in range(answers):
        label = formula_button(colors.to_hex(at.session_state["teach_question"]))
        next(b for b in at.button if b.label == label).click()
        start = time.perf_counter()
        at.run()
        walls.append((time.perf_counter() - start) * 1000)
        retrains.append(at.session_state["teach_retrain_ms"])
        if at.exception:
            raise RuntimeError(at.exception[0].value)
    return walls, retrains


def browser_ms(clicks: int) -> list[float]:
    """Click -> next colour and scores painted, for `clicks` answers after a warm-up answer."""
    from bench.harness import served_chromium, wait_for_app

    out = []
    with served_chromium() as (server, browser):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.add_init_script(TEACH_CLOCK_JS)
        page.goto(server.url + "/teach")
        page.locator('#teach-scores[data-answers="0"]').wait_for(timeout=120_000)
        wait_for_app(page)
        for n in range(clicks + 1):
            old = page.evaluate("document.querySelector('#teach-colour').dataset.colour")
            page.get_by_role("button", name=formula_button(old), exact=True).click()
            page.wait_for_function(
                "([n, old]) => window.__teach.shown.some(([a, c]) => a === String(n) && c !== old)",
                arg=[n + 1, old], timeout=30_000)
            wait_for_app(page)  # the rest of the page (map, swatches) too, so clicks do not overlap
            if n == 0:
                continue  # warm-up
            shown = page.evaluate("window.__teach.shown")
            _, _, pressed, painted = next(s for s in shown if s[0] == str(n + 1) and s[1] != old)
            out.append(painted - pressed)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=count(), default=40, help="answers timed in AppTest")
    parser.add_argument("--clicks", type=count(), default=30, help="answers timed in the browser")
    parser.add_argument("--server-only", action="store_true", help="only (a)")
    args = parser.parse_args()

    walls, retrains = server_ms(args.answers)
    print(f"one answer, server time (AppTest rerun incl. retraining, {len(walls)} answers): median "
          f"{statistics.median(walls):.1f} ms (min {min(walls):.1f}, max {max(walls):.1f})")
    print(f"  ... of which retraining: median {statistics.median(retrains):.1f} ms (max {max(retrains):.1f}); "
          "target <= 200 ms")
    if args.server_only:
        return
    shown = browser_ms(args.clicks)
    shown.sort()
    p95 = shown[min(len(shown) - 1, round(0.95 * (len(shown) - 1)))]
    print(f"click -> next colour and updated scores painted (Chromium, {len(shown)} answers, warm server): median "
          f"{statistics.median(shown):.0f} ms, p95 {p95:.0f} ms, max {max(shown):.0f} ms; target <= 300 ms")


if __name__ == "__main__":
    main()
