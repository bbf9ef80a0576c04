"""Take the screenshots the README and docs show, from a fresh server, at 1,400 × 1,000 in headless Chromium.

    .venv/bin/python scripts/screenshots.py              # docs/predict.png, docs/train.png, docs/digits.png
    .venv/bin/python scripts/screenshots.py predict      # only those named

- predict: the Predict page on pink (#ffc0cb): dark text chosen, P(dark text) as a bar.
- train: the Train page playing the chapter's run, caught past iteration 10,000.
- digits: the Digits page with a cross drawn on the pad, the 8x8 image the network reads and its ten
  probabilities.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.digits import open_digits, stroke  # noqa: E402
from bench.harness import served_chromium, wait_for_app  # noqa: E402

DOCS = ROOT / "docs"
VIEWPORT = {"width": 1400, "height": 1000}
# the live panel's progress line while a run plays: "running: iteration 10,889 of 100,000 · …"
PLAYED_PAST = ("n => { const m = /running: iteration ([\\d,]+) of/.exec(document.querySelector('.st-key-train_live')"
               "?.innerText || ''); return !!m && +m[1].replace(/,/g, '') >= n; }")
PIXELS = "() => document.querySelector('#digit-preview')?.dataset.pixels ?? null"   # the 8x8 image the pad sent


def predict(page, url: str) -> None:
    page.goto(url + "/?bg=ffc0cb")
    page.locator("#font-preview").wait_for(timeout=60_000)
    page.locator(".st-key-network svg.fontnet-network").wait_for(timeout=60_000)
    wait_for_app(page, 60_000)


def train(page, url: str) -> None:
    page.goto(url + "/train")
    page.get_by_role("heading", name="Train").first.wait_for(timeout=60_000)
    wait_for_app(page, 60_000)
    page.get_by_role("button", name="Train", exact=True).click()
    page.mouse.move(VIEWPORT["width"] - 10, 10)   # off the button: no tooltip in the picture
    page.wait_for_function(PLAYED_PAST, arg=10_000, timeout=60_000)


def digits(page, url: str) -> None:
    open_digits(page, SimpleNamespace(url=url))
    stroke(page, [(140, 40), (140, 240)])      # a cross, as the Digits page's own test draws it
    page.wait_for_function(f"() => ({PIXELS})()?.length > 0", timeout=30_000)
    drawn = page.evaluate(PIXELS)
    stroke(page, [(60, 140), (220, 140)])
    page.wait_for_function(f"p => ({PIXELS})() !== p", arg=drawn, timeout=30_000)
    page.locator("#digit-prediction").wait_for(timeout=30_000)
    page.locator("svg.digits-network >> visible=true").wait_for(timeout=30_000)   # the drawing its box shows
    wait_for_app(page, 60_000)


SHOTS = {"predict": predict, "train": train, "digits": digits}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"which to take: {', '.join(SHOTS)} (default: all)")
    args = parser.parse_args()
    unknown = [n for n in args.names if n not in SHOTS]
    if unknown:
        parser.error(f"no screenshot named {unknown[0]!r}; there are {', '.join(SHOTS)}")
    with served_chromium() as (server, browser):
        for name in args.names or SHOTS:
            context = browser.new_context(viewport=VIEWPORT)
            try:
                page = context.new_page()
                SHOTS[name](page, server.url)
                page.evaluate("() => document.fonts.ready")
                path = DOCS / f"{name}.png"
                page.screenshot(path=str(path))
                print(f"wrote {path.relative_to(ROOT)}")
            finally:
                context.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
