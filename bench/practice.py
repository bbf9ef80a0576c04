"""Measure Your turn (the Backprop page) and the Tune page: server time, and a weight change painted in Chromium.

    python -m bench practice [--runs 200] [--reruns 30] [--changes 30] [--server-only]

(a) Your turn: checking a whole sheet, the page's own numbers typed in every box: the reference numbers
    (fontnet.practice.reference) and the check of all 19 quantities, median of `--runs`; target <= 50 ms.
    Also the whole script run after "Check my answers" (AppTest, median of `--reruns`).
(b) Tune: one weight changed -> the network, its scores (agreement on 20,000 colours, cost and accuracy on the
    chapter's 1,345 rows), the decision map and the three hidden nodes' maps drawn as SVG, median of `--runs`;
    target <= 100 ms. Also the whole script run after a number box changes (AppTest, median of `--reruns`).
    Script runs are timed by the wall clock and by the CPU time of the script's thread (the server's own work,
    which a busy machine delays but does not add to), and twice: as AppTest runs them (it compiles the page again on every run, as
    python -m bench predict measures the Predict page) and with the page compiled once, as the server does (one
    script cache for the process); the Predict page's colour change is timed the same two ways beside them, so
    the ratio holds on a busy machine.
(c) Tune in headless Chromium against `streamlit run`, warm (the page opened and one weight changed first): from
    the Enter key that commits a new W1[1,1] to the animation frame that paints the new agreement with the
    redrawn decision map and node map, by the page's own clock, `--changes` times; target <= 300 ms. Taking turns
    with it in the same browser, the Predict page: a preset pressed -> the frame painting the server's answer.
"""

from __future__ import annotations

import argparse
import statistics
import time
from contextlib import nullcontext

import numpy as np

from bench.harness import ROOT, count, summary
from fontnet import backprop as bp
from fontnet import practice, training, tuning
from fontnet.figures.maps import decision_map_svg, node_map_svg
from fontnet.node_maps import hidden_slice

PINK = (255, 192, 203)

# By the page's own clock (epoch ms): the last Enter key, and for every change of the agreement text, the decision
# map or the first node's map, the animation frame after it (the frame that paints it).
TUNE_CLOCK_JS = """
window.__tune = {pressed: null, shown: []};
addEventListener('keydown', e => { if (e.key === 'Enter') window.__tune.pressed = performance.timeOrigin + e.timeStamp; },
                 true);
let last = null;
new MutationObserver(() => {
  const s = document.querySelector('.st-key-tune_scores');
  const map = document.querySelector('.st-key-tune_map svg image');
  const node = document.querySelector('svg.fontnet-map[data-node=\"1\"] image');
  if (!s || !map || !node) return;
  const m = s.textContent.match(/agrees with the formula on ([\\d.]+%)/);
  const key = (m ? m[1] : '') + '|' + map.getAttribute('href').slice(-60) + '|' + node.getAttribute('href').slice(-60);
  if (key === last) return;
  last = key;
  const pressed = window.__tune.pressed, agreement = m && m[1];
  requestAnimationFrame(() => window.__tune.shown.push([agreement, pressed, performance.timeOrigin + performance.now()]));
}).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
"""

# The same clock on the Predict page, the yardstick: the last pointer press, and the frame that paints each colour
# the server's answer names (a `code` element holding '#rrggbb').
PREDICT_CLOCK_JS = """
window.__predict = {pressed: null, shown: []};
addEventListener('pointerdown', e => { window.__predict.pressed = performance.timeOrigin + e.timeStamp; }, true);
let seen = new Set();
new MutationObserver(() => {
  for (const c of document.querySelectorAll('code')) {
    const hex = c.textContent;
    if (!/^#[0-9a-f]{6}$/.test(hex) || seen.has(hex + window.__predict.pressed)) continue;
    seen.add(hex + window.__predict.pressed);
    const pressed = window.__predict.pressed;
    requestAnimationFrame(() => window.__predict.shown.push([hex, pressed, performance.timeOrigin + performance.now()]));
  }
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


def timed(fn, runs: int) -> list[float]:
    fn()  # imports and caches: not timed
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def sheet_check_ms(runs: int) -> list[float]:
    b = bp.explain(bp.fresh_network(3), PINK, "dark")
    answers = {n: practice.reference(b, 0.05).answer(n) for n in practice.NAMES}

    def check():
        sheet = practice.check_sheet(practice.reference(b, 0.05), answers)
        assert sheet.complete

    return timed(check, runs)


def tune_update_ms(runs: int) -> list[float]:
    rng = np.random.default_rng(0)

    def update():
        values = tuning.START | {"w1_11": float(rng.uniform(-2, 2))}
        net = tuning.network(values)
        tuning.score(net)
        sl = training.decision_slice(net, "B", 128)
        hs = hidden_slice(net, "B", 128)
        decision_map_svg(sl)
        for i in range(3):
            node_map_svg(hs, i, sl)

    return timed(update, runs)


class CompiledOnce:
    """While active, every AppTest run shares one compiled page, as the server's one script cache does."""

    def __enter__(self):
        from streamlit.runtime.scriptrunner import script_cache

        self.cls, self.original, kept = script_cache.ScriptCache, script_cache.ScriptCache.get_bytecode, {}

        def get_bytecode(cache, path):
            if path not in kept:
                kept[path] = self.original(cache, path)
            return kept[path]

        self.cls.get_bytecode = get_bytecode
        return self

    def __exit__(self, *exc):
        self.cls.get_bytecode = self.original


class ScriptCpu:
    """While active, the CPU time of each script run's thread (ms) is appended to `times`: the server's own work,
    which other processes on a busy machine delay but do not add to, unlike the wall time."""

    def __enter__(self):
        from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

        self.cls, self.original, self.times = ScriptRunner, ScriptRunner._run_script, []

        def run_script(runner, rerun_data):
            t = time.thread_time()
            try:
                return self.original(runner, rerun_data)
            finally:
                self.times.append((time.thread_time() - t) * 1000)

        self.cls._run_script = run_script
        return self

    def __exit__(self, *exc):
        self.cls._run_script = self.original


def timed_runs(at, change, reruns: int) -> tuple[list[float], list[float]]:
    """(wall ms, the script thread's CPU ms) of `reruns` AppTest runs, each after `change(at)`."""
    wall = []
    with ScriptCpu() as cpu:
        for _ in range(reruns):
            change(at)
            t = time.perf_counter()
            at.run()
            wall.append((time.perf_counter() - t) * 1000)
            if at.exception:
                raise RuntimeError(at.exception[0].value)
    return wall, cpu.times


def rerun_ms(reruns: int) -> dict[str, list[float]]:
    """AppTest script runs: after "Check my answers" on a full sheet, after a changed weight on Tune, and after
    a new colour on Predict (the yardstick)."""
    from streamlit.testing.v1 import AppTest

    from app.your_turn import box_key

    turn = AppTest.from_file(str(ROOT / "app_pages" / "backprop.py"), default_timeout=120)
    turn.query_params.update({"bg": "ffc0cb", "label": "dark", "seed": "3", "turn": "true"})
    turn.run()
    ref = practice.reference(bp.explain(bp.fresh_network(3), PINK, "dark"), 0.05)
    for n in practice.NAMES:
        turn.text_input(key=box_key(n)).input(ref.answer(n))
    tune = AppTest.from_file(str(ROOT / "app_pages" / "tune.py"), default_timeout=120)
    tune.run()
    predict = AppTest.from_file(str(ROOT / "app_pages" / "predict.py"), default_timeout=120)
    predict.run()
    rng = np.random.default_rng(1)

    def check(at):
        next(b for b in at.button if b.label == "Check my answers").click()

    def weight(at):
        at.number_input(key="tune.w1_11").set_value(round(float(rng.uniform(-2, 2)), 3))

    def colour(at):
        at.color_picker(key="predict.bg").pick("#{:02x}{:02x}{:02x}".format(*rng.integers(0, 256, 3)))

    out = {}
    for how in ("recompiled", "compiled once"):
        with CompiledOnce() if how == "compiled once" else nullcontext():
            for name, at, change in (("Your turn: script run after Check my answers", turn, check),
                                     ("Tune: script run after a weight changes", tune, weight),
                                     ("Predict: script run after a colour change", predict, colour)):
                wall, cpu = timed_runs(at, change, reruns)
                out[f"{name} ({how}), wall"] = wall
                out[f"{name} ({how}), CPU"] = cpu
    assert any("19 of 19 right" in m.value for m in turn.markdown), "the sheet was not all right"
    return out


def paint_ms(changes: int) -> tuple[list[float], list[float]]:
    """(Tune: Enter -> new agreement and maps painted; Predict: a preset pressed -> the server's answer painted),
    ms by each page's own clock, the two pages taking turns in one browser against one warm server."""
    from bench.harness import served_chromium, wait_for_app
    from fontnet import colors, presets

    rng = np.random.default_rng(2)
    names = list(presets.PRESETS)
    tune_ms, predict_ms = [], []
    with served_chromium() as (server, browser):
        tune = browser.new_page(viewport={"width": 1400, "height": 1000})
        tune.add_init_script(TUNE_CLOCK_JS)
        tune.goto(server.url + "/tune")
        wait_for_app(tune)
        predict = browser.new_page(viewport={"width": 1400, "height": 1000})
        predict.add_init_script(PREDICT_CLOCK_JS)
        predict.goto(server.url + "/?bg=" + colors.to_hex(presets.PRESETS[names[0]])[1:])
        wait_for_app(predict)
        box = tune.get_by_label("W1[1,1]", exact=True)
        last = f"{tuning.score(tuning.network(tuning.START)).agreement:.1%}"
        k = 0
        while len(tune_ms) < changes:
            value = round(float(rng.uniform(-3, 3)), 3)
            want = f"{tuning.score(tuning.network(tuning.START | {'w1_11': value})).agreement:.1%}"
            if want == last:
                continue  # the same agreement text would not show that this change was painted
            box.fill(str(value))
            box.press("Enter")
            pressed = tune.evaluate("window.__tune.pressed")
            tune.wait_for_function("([a, p]) => window.__tune.shown.some(e => e[0] === a && e[1] === p)",
                                   arg=[want, pressed], timeout=60_000, polling=100)  # not every frame: the page's
            # own clock times the paint, and polling on every frame would load the main thread it is timing
            frame = tune.evaluate("([a, p]) => window.__tune.shown.find(e => e[0] === a && e[1] === p)[2]",
                                  [want, pressed])
            last = want
            wait_for_app(tune)

            name = names[(k + 1) % len(names)]
            hex_colour = colors.to_hex(presets.PRESETS[name])
            predict.get_by_role("button", name=name, exact=True).click()
            pressed2 = predict.evaluate("window.__predict.pressed")
            predict.wait_for_function("([h, p]) => window.__predict.shown.some(e => e[0] === h && e[1] === p)",
                                      arg=[hex_colour, pressed2], timeout=60_000, polling=100)
            frame2 = predict.evaluate("([h, p]) => window.__predict.shown.find(e => e[0] === h && e[1] === p)[2]",
                                      [hex_colour, pressed2])
            wait_for_app(predict)
            if k:  # the first change of each page warms it up: not counted
                tune_ms.append(frame - pressed)
                predict_ms.append(frame2 - pressed2)
            k += 1
    return tune_ms, predict_ms


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=count(), default=200)
    ap.add_argument("--reruns", type=count(), default=30)
    ap.add_argument("--changes", type=count(), default=30)
    ap.add_argument("--server-only", action="store_true")
    args = ap.parse_args()
    print(summary("Your turn: check a whole sheet (reference + 19 quantities)", sheet_check_ms(args.runs)))
    print(summary("Tune: one weight -> network, scores, decision map and 3 node maps", tune_update_ms(args.runs)))
    runs = rerun_ms(args.reruns)
    for name, values in runs.items():
        print(summary(name, values))
    for how in ("recompiled", "compiled once"):
        for clock in ("wall", "CPU"):
            yardstick = statistics.median(runs[f"Predict: script run after a colour change ({how}), {clock}"])
            for page in ("Your turn: script run after Check my answers", "Tune: script run after a weight changes"):
                ratio = statistics.median(runs[f"{page} ({how}), {clock}"]) / yardstick
                print(f"{page} ({how}), {clock} / Predict's: {ratio:.2f}")
    if not args.server_only:
        tune_ms, predict_ms = paint_ms(args.changes)
        print(summary("Tune: Enter -> new agreement and maps painted (Chromium, warm)", tune_ms))
        print(summary("Predict: preset pressed -> the server's answer painted (the same browser, taking turns)",
                      predict_ms))
        print(f"Tune's paint / Predict's: {statistics.median(tune_ms) / statistics.median(predict_ms):.2f}")


if __name__ == "__main__":
    main()
