"""Median server time of each interaction on the Backprop page, measured with Streamlit's AppTest.

Usage: python scripts/bench_backprop.py [--runs 30]
Each interaction is repeated --runs times (widgets alternate between two values, buttons are pressed), so every
rerun does real work. "server" is the page script's own run (widgets, fontnet, tables, the graph, serialising
them for the browser), timed around Streamlit's script execution; "AppTest" adds the harness's thread start-up
and polling. The target is 100 ms of server time. The 100,000-iteration comparison behind "As printed in the
chapter" is measured once per machine and kept (`python -m fontnet prepare` does it); it is done before timing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.runtime.scriptrunner import script_runner  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from fontnet.backprop import cached_comparison  # noqa: E402

SCRIPT_MS: list[float] = []
_exec = script_runner.exec_func_with_error_handling


def _timed_exec(*args, **kwargs):
    t = time.perf_counter()
    try:
        return _exec(*args, **kwargs)
    finally:
        SCRIPT_MS.append((time.perf_counter() - t) * 1000)


script_runner.exec_func_with_error_handling = _timed_exec

TARGET_MS = 100.0

# name -> (the widget, the two values to alternate between; None for a button press)
INTERACTIONS = {
    "pick a colour": (lambda at: at.color_picker(key="bg"), ("#ffc0cb", "#1e90ff")),
    "preset button": (lambda at: at.button(key="preset-navy"), None),
    "label": (lambda at: at.radio(key="label"), ("light", "dark")),
    "network source": (lambda at: at.radio(key="model"), ("default", "fresh")),
    "seed": (lambda at: at.number_input(key="seed"), (7, 3)),
    "activation": (lambda at: at.selectbox(key="act"), ("tanh", "relu")),
    "loss": (lambda at: at.selectbox(key="loss"), ("cross_entropy", "squared")),
    "learning rate": (lambda at: at.number_input(key="lr"), (0.5, 0.05)),
    "apply this step": (lambda at: at.button(key="apply"), None),
    "apply 100 steps": (lambda at: at.button(key="apply_n"), None),
    "use this model": (lambda at: at.button(key="use"), None),
    "as printed (toggle)": (lambda at: at.toggle(key="printed"), (True, False)),
}


def bench(runs: int) -> dict[str, tuple[float, float]]:
    cached_comparison()  # measured once per machine, then read from its file
    at = AppTest.from_file(str(ROOT / "app_pages" / "backprop.py"), default_timeout=120)
    at.query_params.update({"bg": "ffc0cb", "model": "fresh", "seed": "3"})
    at.run()
    for _ in range(3):  # warm up imports
        at.run()
    medians = {}
    for name, (widget, pair) in INTERACTIONS.items():
        times, SCRIPT_MS[:] = [], []
        for i in range(runs):
            w = widget(at)
            w.click() if pair is None else w.set_value(pair[i % 2])
            t = time.perf_counter()
            at.run()
            times.append((time.perf_counter() - t) * 1000)
            if at.exception:
                raise RuntimeError(f"{name}: {at.exception[0].value}")
        medians[name] = (statistics.median(SCRIPT_MS), statistics.median(times))
    return medians


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    medians = bench(args.runs)
    print(f"median of {args.runs} reruns each; target: server ≤ {TARGET_MS:g} ms")
    print(f"{'interaction':22} {'server ms':>10} {'AppTest ms':>11}")
    for name, (server, wall) in medians.items():
        print(f"{name:22} {server:10.1f} {wall:11.1f}   {'ok' if server <= TARGET_MS else 'SLOW'}")
    return 0 if all(server <= TARGET_MS for server, _ in medians.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
