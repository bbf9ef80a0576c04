"""A student's first visit to each page, beside a bare Streamlit page: when the main control can be used, and when
every figure is drawn.

    python -m bench first-visit [--repeats 3] [--throttle 1,4] [--cases predict,train,...] [--json]

Each measurement gets a freshly started server (`streamlit run`, the bare page's own script for the yardstick)
and a fresh Chromium context (nothing cached). The page's own clock times, from navigation start
(`performance.timeOrigin`), two moments, checked on every animation frame by an init script:
- *usable*: the page's main control is visible (laid out, not hidden) and enabled;
- *drawn*: every figure the page shows on a first visit is there and not empty (each case lists them: the
  server-drawn SVGs, the live charts' uPlot canvases, plotly's SVG, the drawing pad's canvas), and Streamlit has
  finished the script run (its script state says notRunning and its "running" indicator is gone).
It also follows the control it found usable until the page is drawn and still: where it stays, against where it
was first seen, and the farthest it went on the way (a control that jumps away as the rest of the page arrives was
not really usable where it was first seen), or whether it was drawn anew.
With `--throttle 1,4` each case is measured unthrottled and with Chromium's CPU slowed four times (CDP
`Emulation.setCPUThrottlingRate`, set before the page's navigation), which stands in for a low-end school laptop; each
page's medians are divided by the bare page's at the same throttling. Cases run interleaved (repeat after
repeat, every case and throttling in each), so a busy moment on the shared machine does not fall on one page
alone. Traffic goes to 127.0.0.1 only; every wait is bounded.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass

from bench.harness import APP_IDLE, AppServer, chromium, comma_list, load_average, markdown_table, median, ratio

STILL_FRAMES = 60  # the page is still once the control has not moved for this many frames (a second) after it is drawn


@dataclass(frozen=True)
class Case:
    """One page: where it is, its main control (a CSS selector, and the text it must show, if any), and the figures
    a first visit draws (CSS selector, how many; `host >>> inner` looks inside the hosts' shadow roots)."""

    key: str
    name: str
    path: str
    control_label: str
    control: str
    control_text: str = ""
    figures: tuple[tuple[str, int], ...] = ()
    script: str = "streamlit_app.py"


BARE = Case("bare", "bare Streamlit page", "/", "its button", "button", "Press me", script="bench/bare_page.py")
CASES: tuple[Case, ...] = (
    BARE,
    Case("predict", "Predict", "/", "Random colour", ".st-key-random button", "Random colour",
         (("#font-preview", 1), (".st-key-network svg.fontnet-network", 1),
          (".st-key-probability .fontnet-probability", 1))),
    Case("train", "Train", "/train", "Train", "button", "Train",
         ((".st-key-train_surface svg.fontnet-surface", 1), (".st-key-train_live .uplot canvas", 3),
          (".st-key-train_live canvas", 5))),
    Case("backprop", "Backprop", "/backprop", "Apply this step", ".st-key-apply button", "Apply this step",
         ((".st-key-graph svg.backprop-graph", 1),
          (".st-key-backprop_surface svg.fontnet-surface", 1))),
    Case("teach", "Teach", "/teach", "Dark reads better", ".st-key-teach_dark button", "",
         (("#teach-colour", 1), (".st-key-teach_map canvas", 1))),
    Case("activations", "Activations", "/activations", "the first slider", "[data-testid=stSlider]", "",
         ((".st-key-activations_curves .uplot canvas", 1), (".st-key-activations_gradient .uplot canvas", 1),
          ("#activations-softmax svg.fontnet-softmax", 1), (".katex", 4))),   # the two default curves' formulas
    Case("digits", "Digits", "/digits", "Train", ".st-key-digits_train button", "Train",
         ((".st-key-digit_pad div >>> canvas", 3), ("svg.digits-probabilities", 1),
          ("#digits-tiles img", 3))),
    Case("class", "Class", "/class", "Open a room", ".st-key-class_open_room button"),
    Case("tune", "Tune", "/tune", "the W1[1,1] box", 'input[aria-label="W1[1,1]"]', "",
         ((".st-key-tune_map svg.fontnet-map", 1), ("svg.fontnet-map[data-node]", 3))),
)

# Runs in the page before its own scripts (top frame only). `spec` is the case's control and figures. Each animation
# frame until both are seen: is the control usable, is every figure drawn (and the control usable: the script run
# has begun); the first frame each was true is kept (ms since navigation start). Checking on the frame, not on DOM mutations, also sees what a style sheet or a shadow
# root changes.
CLOCK_JS = """
((spec) => {
  if (window.top !== window) return;
  const fv = window.__fv = {usable: null, drawn: null, settled: null, top: null, moved: null, most: null, control: null};
  const all = (sel) => {
    const [host, inner] = sel.split(' >>> ');
    const hosts = [...document.querySelectorAll(host)];
    return inner === undefined ? hosts : hosts.flatMap(h => h.shadowRoot ? [...h.shadowRoot.querySelectorAll(inner)] : []);
  };
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && el.checkVisibility({opacityProperty: true, visibilityProperty: true});
  };
  const drawn = (el) => {
    if (!shown(el)) return false;
    const tag = el.tagName.toLowerCase();
    if (tag === 'canvas') return el.width > 0 && el.height > 0;
    if (tag === 'img') return el.complete && el.naturalWidth > 0;
    if (el.classList.contains('js-plotly-plot')) return !!el.querySelector('.main-svg .plot, .main-svg .cartesianlayer');
    return el.childElementCount > 0 || el.textContent.trim() !== '';
  };
  const control = () => all(spec.control).find(e => !spec.text || e.innerText.trim() === spec.text);
  const usable = () => {
    const el = control();
    if (!el || !shown(el)) return false;
    const input = el.matches('input, button') ? el : el.querySelector('input, button');
    return !!input && !input.disabled && input.getAttribute('aria-disabled') !== 'true';
  };
  // where the control is on the page (its top, in page coordinates, so scrolling does not count)
  const top = (el) => el.getBoundingClientRect().top + window.scrollY;
  const idle = () => !!document.querySelector(spec.idle) && !document.querySelector('[data-testid="stStatusWidget"]');
  const settled = () => idle() && spec.figures.every(([sel, n]) => all(sel).filter(drawn).length >= n);
  let still = 0;
  const frame = () => {
    const now = performance.now();
    if (fv.usable === null && usable()) {
      fv.usable = now;
      fv.control = control();
      fv.top = top(fv.control);
      fv.moved = fv.most = 0;
    }
    if (fv.usable !== null && fv.settled === null) {
      // the control drawn first: how far it is from where it was first seen (null: it was drawn anew), the
      // farthest it went, and, once the page is drawn, where it stays (unchanged for STILL frames)
      const moved = fv.control.isConnected ? Math.round(top(fv.control) - fv.top) : null;
      still = moved === fv.moved ? still + 1 : 0;
      fv.moved = moved;
      if (moved === null) fv.settled = now;
      else if (Math.abs(moved) > Math.abs(fv.most)) fv.most = moved;
      if (fv.drawn !== null && still >= spec.still) fv.settled = now;
    }
    if (fv.drawn === null && fv.usable !== null && settled()) fv.drawn = now;
    if (fv.settled === null) requestAnimationFrame(frame);
    else fv.control = null;
  };
  requestAnimationFrame(frame);
})
"""


def visit(browser, case: Case, rate: float, timeout_s: float) -> dict:
    """One first visit: a fresh server and context; seconds from navigation to usable and to drawn."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    server = AppServer(script=case.script)
    try:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        try:
            page = context.new_page()
            # Throttling set on about:blank is lost when the navigation moves the page to another renderer process;
            # set on the server's origin it holds for the page's own navigation (same origin, same process).
            # The health answer is a few bytes of text: nothing the page needs is cached by it.
            page.goto(server.url + "/_stcore/health")
            context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": rate})
            spec = {"control": case.control, "text": case.control_text, "figures": case.figures, "idle": APP_IDLE,
                    "still": STILL_FRAMES}
            page.add_init_script(f"{CLOCK_JS}({json.dumps(spec)});")
            page.goto(server.url + case.path, wait_until="commit")
            try:
                page.wait_for_function("() => window.__fv?.settled != null",
                                       timeout=timeout_s * 1000, polling=250)
            except PlaywrightTimeout:
                fv = page.evaluate("window.__fv")
                missing = [k for k in ("usable", "drawn", "settled") if not fv or fv[k] is None]
                raise TimeoutError(f"not {' nor '.join(missing)} within {timeout_s:g} s") from None
            fv = page.evaluate("window.__fv")
            return {"usable_s": fv["usable"] / 1000, "drawn_s": fv["drawn"] / 1000, "moved_px": fv["moved"],
                    "most_px": fv["most"]}
        finally:
            context.close()
    finally:
        server.stop()


def measure(cases: list[Case], repeats: int, rates: list[float], timeout_s: float) -> dict:
    runs = {(c.key, r): {"usable_s": [], "drawn_s": [], "moved_px": [], "most_px": [], "errors": []}
            for c in cases for r in rates}
    with chromium() as browser:
        for i in range(repeats):
            for rate in rates:
                for case in cases:
                    cell = runs[case.key, rate]
                    try:
                        got = visit(browser, case, rate, timeout_s * rate)
                    except Exception as e:  # a page that never got there is reported, not raised
                        cell["errors"].append(f"{type(e).__name__}: {str(e).splitlines()[0][:160]}")
                        print(f"  ... {case.name} at {rate:g}x, run {i + 1}: {cell['errors'][-1]}", file=sys.stderr)
                        continue
                    cell["usable_s"].append(got["usable_s"])
                    cell["drawn_s"].append(got["drawn_s"])
                    cell["moved_px"].append(got["moved_px"])
                    cell["most_px"].append(got["most_px"])
                    print(f"  ... {case.name} at {rate:g}x, run {i + 1}: usable {got['usable_s']:.2f} s, "
                          f"drawn {got['drawn_s']:.2f} s, control moved {got['moved_px']} px "
                          f"(at most {got['most_px']} px)", file=sys.stderr)
    out = {"repeats": repeats, "throttle": rates, "cases": []}
    for case in cases:
        row = {"case": case.key, "page": case.name, "path": case.path, "control": case.control_label, "throttle": {}}
        for rate in rates:
            cell, bare = runs[case.key, rate], runs.get((BARE.key, rate))
            usable, drawn = median(cell["usable_s"]), median(cell["drawn_s"])
            row["throttle"][f"{rate:g}"] = {
                **cell, "usable_median_s": usable, "drawn_median_s": drawn,
                "moved_max_px": max((m for m in cell["moved_px"] if m is not None), key=abs, default=None),
                "most_max_px": max(cell["most_px"], key=abs, default=None),
                "redrawn": sum(m is None for m in cell["moved_px"]),
                "usable_vs_bare": ratio(usable, median(bare["usable_s"])) if bare else None,
                "drawn_vs_bare": ratio(drawn, median(bare["drawn_s"])) if bare else None}
        out["cases"].append(row)
    return out


def table(res: dict) -> str:
    header = ["page", "main control"]
    for rate in res["throttle"]:
        at = "unthrottled" if rate == 1 else f"{rate:g}× CPU"
        header += [f"usable, {at}", "× bare", f"all drawn, {at}", "× bare", "control: where it stays; farthest"]
    rows = []
    for row in res["cases"]:
        cells = [row["page"], row["control"]]
        for rate in res["throttle"]:
            t = row["throttle"][f"{rate:g}"]
            failed = f" ({len(t['errors'])} failed)" if t["errors"] else ""
            cells += [f"{t['usable_median_s']:.2f} s{failed}", _times(t["usable_vs_bare"]),
                      f"{t['drawn_median_s']:.2f} s", _times(t["drawn_vs_bare"]), _moved(t)]
        rows.append(cells)
    return markdown_table(header, rows)


def _moved(t: dict) -> str:
    """How far the main control drawn first is, once the page is whole and still, from where it was first seen, and
    the farthest it went on the way: the largest of the visits."""
    parts = [] if t["moved_max_px"] is None else [f"{t['moved_max_px']:+d} px; {t['most_max_px']:+d} px"]
    if t["redrawn"]:
        parts.append(f"drawn anew {t['redrawn']} times")
    return "; ".join(parts)


def _times(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _throttle(text: str) -> list[float]:
    return comma_list(text, float, 1, 20, "CPU throttling rates")


def _cases(text: str) -> list[Case]:
    known = {c.key: c for c in CASES}
    keys = [k.strip() for k in text.split(",") if k.strip()]
    unknown = [k for k in keys if k not in known]
    if unknown or not keys:
        raise argparse.ArgumentTypeError(f"unknown case {', '.join(unknown) or '(none)'}; choose from {', '.join(known)}")
    return [known[k] for k in keys]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3, help="visits per case and throttling (medians of these)")
    ap.add_argument("--throttle", type=_throttle, default=[1.0, 4.0], help="CPU slowdowns, e.g. 1,4 (1: none)")
    ap.add_argument("--cases", type=_cases, default=list(CASES),
                    help=f"which pages, of {','.join(c.key for c in CASES)} (the bare page is always measured)")
    ap.add_argument("--timeout", type=float, default=120, help="seconds a visit may take unthrottled")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    if not 1 <= a.repeats <= 50:
        ap.error("--repeats must be 1–50")
    cases = [BARE, *(c for c in a.cases if c is not BARE)]
    print(load_average("before"), file=sys.stderr)
    res = measure(cases, a.repeats, a.throttle, a.timeout)
    res["load_average_after"] = load_average("after")
    if a.json:
        print(json.dumps(res))
    else:
        print(f"first visit, fresh server and browser context each; median of {a.repeats}; seconds from navigation")
        print(table(res))
        print(res["load_average_after"])
    return 0 if not any(t["errors"] for row in res["cases"] for t in row["throttle"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
