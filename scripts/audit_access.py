"""Count what docs/accessibility.md reports, page by page: axe-core's serious and critical WCAG 2.1 A/AA
violations at desktop size, idle, and how far each page scrolls sideways on a phone and a tablet.

    .venv/bin/python scripts/audit_access.py              # every page, as a Markdown table
    .venv/bin/python scripts/audit_access.py --json       # the same numbers as JSON

axe's own count is given whole, and the part of it that is specimens (text whose contrast is the content, marked
data-specimen; see docs/accessibility.md) beside it. The Predict page opens on the same colour each time; the
Teach page asks about a random colour, so its specimens' count can differ from run to run.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import served_chromium, wait_for_app  # noqa: E402
from tests.browser.a11y import DEVICES, SERIOUS, axe_violations, horizontal_overflow  # noqa: E402

PAGES = {"Predict": "/", "Teach": "/teach", "Class": "/class", "Train": "/train", "Tune": "/tune", "Backprop": "/backprop",
         "Activations": "/activations", "Digits": "/digits"}


def measure(browser, url: str, title: str) -> dict:
    out: dict = {}
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(url)
        page.get_by_role("heading", name=title).first.wait_for(timeout=120_000)
        wait_for_app(page, 120_000)
        found = [v for v in axe_violations(page) if v["impact"] in SERIOUS]
        out["serious"] = len(found)
        out["specimens"] = sum(v["specimen"] for v in found)
        out["rules"] = sorted({v["id"] for v in found})
    finally:
        context.close()
    for name, options in DEVICES.items():
        context = browser.new_context(**options)
        try:
            page = context.new_page()
            page.goto(url)
            page.get_by_role("heading", name=title).first.wait_for(timeout=120_000)
            wait_for_app(page, 120_000)
            over = horizontal_overflow(page)  # the sidebar starts closed on a phone: the page itself is measured
            out[name] = max(over["where"].get("document", 0), over["where"].get("main", 0))
        finally:
            context.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON instead of a Markdown table")
    args = parser.parse_args()
    with served_chromium() as (server, browser):
        results = {title: measure(browser, server.url + path, title) for title, path in PAGES.items()}
    if args.json:
        print(json.dumps(results, indent=1))
        return
    print("| page | axe serious + critical | of which specimens | rules | phone overflow (px) | tablet overflow (px) |")
    print("| --- | ---: | ---: | --- | ---: | ---: |")
    for title, r in results.items():
        print(f"| {title} | {r['serious']} | {r['specimens']} | {', '.join(r['rules']) or '–'} | {r['phone']} | "
              f"{r['tablet']} |")


if __name__ == "__main__":
    main()
