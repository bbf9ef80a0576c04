"""Issue "See learning", measured: the cost surface, opening a confusion cell, and the exported scripts.

Usage: python -m bench learning [--runs 20] [--seeds 5] [--no-scripts] [--batches]
- cost surface: the Train page's 60 x 60 map on the chapter's 896 training rows, after the chapter's run
  (seed 1): the grid alone (target 200 ms), the grid with the first 50 updates replayed, and the SVG; and a
  picture of the live surface (the coarser grid and its SVG) as a playing run's feed makes it; medians.
- confusion cell: the Digits page's default model; the cell's work (its images, probabilities, attributions and
  cards) for the busiest wrong cell and the largest cell (the diagonal), and the section's run when a cell is
  pressed (in the browser a press reruns only that section, a fragment; target 100 ms); medians.
- exported scripts: the chapter's run (100,000 per-sample updates) for --seeds seeds on each data source
  (chapter, generated, random), each script run in a fresh Python process: bit-for-bit weights and the same test
  accuracy. --batches adds a mini-batch and a full-batch run of 20,000 updates and prints the largest weight
  difference (they agree to rounding, not bit for bit).
Exit status 0 when every target is met and every script matches.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from bench.harness import ROOT, count
from fontnet import digits, export, mistakes, surface
from fontnet.figures.mistakes import case_html
from fontnet.figures.surface import surface_svg
from fontnet.training import TrainingRun, TrainingSettings

SURFACE_MS, CELL_MS = 200.0, 100.0


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def finished(settings: TrainingSettings) -> TrainingRun:
    run = TrainingRun(settings)
    run.start()
    while run.status == "running":
        run.advance()
    return run


def bench_surface(runs: int) -> bool:
    run = finished(TrainingSettings(seed=1))
    path = np.array([cp.weights for cp in run.history])
    grid = median_ms(lambda: surface.surface(run.net, run.X_train, run.y_train, path), runs)
    s = surface.surface(run.net, run.X_train, run.y_train, path)
    whole = median_ms(lambda: surface.surface(run.net, run.X_train, run.y_train, path,
                                              fine=surface.replay(run.first_network(), run.X_train, run.y_train)),
                      runs)
    svg = median_ms(lambda: surface_svg(s), runs)
    print(f"cost surface, {surface.GRID}x{surface.GRID} on {len(run.y_train)} rows (median of {runs}):")
    print(f"  grid, gradient and cost           {grid:7.1f} ms   target {SURFACE_MS:g} ms: "
          f"{'ok' if grid <= SURFACE_MS else 'SLOW'} ({grid / SURFACE_MS:.2f} of it)")
    print(f"  with the first 50 updates replayed {whole:6.1f} ms")
    print(f"  SVG                               {svg:7.1f} ms   ({len(surface_svg(s)) / 1000:.0f} kB)")
    from app.cost_surface import LIVE_GRID

    fine = surface.replay(run.first_network(), run.X_train, run.y_train)

    def live_picture() -> str:
        return surface_svg(surface.surface(run.net, run.X_train, run.y_train, path, fine=fine, size=LIVE_GRID))

    live = median_ms(live_picture, runs)
    print(f"  a live picture ({LIVE_GRID}x{LIVE_GRID}, grid and SVG)  {live:5.1f} ms   "
          f"({len(live_picture()) / 1000:.0f} kB; while a run plays, at most one a second per run, about two a second for the server)")
    return grid <= SURFACE_MS


def bench_cell(runs: int) -> bool:
    model = digits.default_model()
    _, X_test, _, y_test = digits.split(0)
    confusion = digits.evaluate(model, X_test, y_test).confusion
    off = confusion.copy()
    np.fill_diagonal(off, 0)
    wrong = np.unravel_index(int(off.argmax()), off.shape)
    largest = np.unravel_index(int(confusion.argmax()), confusion.shape)
    print(f"confusion cell, the default digits model (median of {runs}):")
    for name, (t, p) in (("busiest wrong cell", wrong), ("largest cell", largest)):
        ms = median_ms(lambda t=t, p=p: [case_html(c) for c in mistakes.cell(model, X_test, y_test, t, p)], runs)
        print(f"  {name} ({t},{p}), {confusion[t, p]:2d} images: {ms:6.1f} ms of work")
    # In the browser a press reruns only the section (a fragment); AppTest reruns the whole page, so the
    # section's own run is timed around its function
    import app.confusion as confusion

    section_ms: list[float] = []
    section = confusion.show_confusion

    def timed(*args, **kwargs):
        t = time.perf_counter()
        try:
            return section(*args, **kwargs)
        finally:
            section_ms.append((time.perf_counter() - t) * 1000)

    confusion.show_confusion = timed
    at = AppTest.from_file(str(ROOT / "app_pages" / "digits.py"), default_timeout=120)
    at.run()
    ok = True
    for name, (t, p) in (("busiest wrong cell", wrong), ("largest cell", largest)):
        pressed = []
        for k in range(2 * runs):
            # what pressing the grid does (its callback sets the opened cell), then a rerun; AppTest cannot press
            # the grid's component itself. Another cell in between, so each press opens its cell afresh.
            at.session_state["digits_cell"] = (t, p) if k % 2 == 0 else (0, 0)
            section_ms.clear()
            at.run()
            if k % 2 == 0:
                pressed.append(section_ms[-1])
        ms = statistics.median(pressed)
        ok = ok and ms <= CELL_MS
        print(f"  press the {name}: the section's run {ms:6.1f} ms   target {CELL_MS:g} ms: "
              f"{'ok' if ms <= CELL_MS else 'SLOW'}")
    confusion.show_confusion = section
    return ok


def run_script(source: str) -> tuple[dict, float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fontnet_run.py"
        path.write_text(source, encoding="utf-8")
        t = time.perf_counter()
        out = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, cwd=tmp, check=True)
        return json.loads(out.stdout.strip().splitlines()[-1]), time.perf_counter() - t


def compare(run: TrainingRun) -> tuple[bool, bool, float, float]:
    """(bit for bit, same test accuracy, largest weight difference, script seconds)."""
    result, seconds = run_script(export.train_script(run))
    pairs = []
    for l, (W, B) in enumerate(zip(run.net.weights_, run.net.biases_), start=1):
        pairs += [(np.array(result["weights"][f"W{l}"]), W), (np.array(result["weights"][f"B{l}"]), B[:, 0])]
    return (all(np.array_equal(a, b) for a, b in pairs), result["test_accuracy"] == run.net.score(run.X_test, run.y_test),
            max(float(np.max(np.abs(a - b))) for a, b in pairs), seconds)


def bench_scripts(seeds: int, batches: bool) -> bool:
    print(f"exported scripts: the chapter's run, 100,000 per-sample updates, seeds 0–{seeds - 1}:")
    ok, times = True, []
    for source in ("chapter", "generated", "random"):
        row = []
        for seed in range(seeds):
            same, accuracy, _, seconds = compare(finished(TrainingSettings(seed=seed, data=source)))
            row.append(same and accuracy)
            times.append(seconds)
        ok = ok and all(row)
        print(f"  {source:9}  weights bit for bit and the same test accuracy: {sum(row)} of {seeds}")
    print(f"  script run time: median {statistics.median(times):.1f} s")
    if batches:
        for settings in (TrainingSettings(seed=1, mode="minibatch", iterations=20_000),
                         TrainingSettings(seed=1, mode="full", iterations=20_000)):
            same, accuracy, diff, seconds = compare(finished(settings))
            print(f"  {settings.mode:9}  20,000 updates: bit for bit {same}, same test accuracy {accuracy}, largest "
                  f"weight difference {diff:.1e} ({seconds:.0f} s)")
            ok = ok and accuracy and diff <= 1e-9
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=count(), default=20)
    parser.add_argument("--seeds", type=count(1, 1000), default=5)
    parser.add_argument("--no-scripts", action="store_true", help="skip the exported scripts (minutes)")
    parser.add_argument("--batches", action="store_true", help="also a mini-batch and a full-batch run")
    args = parser.parse_args()
    ok = bench_surface(args.runs)
    ok = bench_cell(args.runs) and ok
    if not args.no_scripts:
        ok = bench_scripts(args.seeds, args.batches) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
