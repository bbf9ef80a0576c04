"""Median server time of each interaction on the Activations page, measured with Streamlit's AppTest.

Usage: python -m bench activations [--runs 30]
Each interaction is repeated --runs times, alternating between two values so every rerun does real work.
"server" is the page script's own run (widgets, fontnet, figures, serialising them for the browser), timed
around Streamlit's script execution; "AppTest" adds the test harness's thread start-up and polling.
The target is 100 ms of server time.
"""

from __future__ import annotations

import argparse
import statistics
import time

from streamlit.runtime.scriptrunner import script_runner
from streamlit.testing.v1 import AppTest

from bench.harness import ROOT, count

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

# name -> (how to find the widget, the two values to alternate between)
INTERACTIONS = {
    "change functions": (lambda at: at.multiselect(key="activations.fn"), (["logistic", "relu", "tanh"], ["leaky_relu"])),
    "toggle derivative": (lambda at: at.checkbox(key="activations.deriv"), (False, True)),
    "change x range": (lambda at: at.number_input(key="activations.xmin"), (-3.0, -8.0)),
    "leaky slope": (lambda at: at.number_input(key="activations.slope"), (0.2, 0.01)),
    "edit logits": (lambda at: at.text_input(key="activations.logits"), ("0, 1, 0, 0, 0, 0, 0, 5, 0, 0", "2.0, 1.0, 0.1")),
    "temperature": (lambda at: at.slider(key="activations.temp"), (0.5, 2.0)),
    "depth": (lambda at: at.slider(key="activations.depth"), (20, 3)),
}


def time_interactions(at: AppTest, interactions: dict, runs: int, act=None) -> dict[str, tuple[float, float]]:
    """Median (server ms, AppTest ms) of each interaction, each done `runs` times on the running page `at`.

    `interactions` maps a name to (how to find the widget, the two values to alternate between, or None for a
    button press); `act(name, widget, value)` does one, by default `widget.set_value(value)` or a click.
    """
    act = act or (lambda name, w, value: w.click() if value is None else w.set_value(value))
    medians = {}
    for name, (widget, pair) in interactions.items():
        times, SCRIPT_MS[:] = [], []
        for i in range(runs):
            act(name, widget(at), None if pair is None else pair[i % 2])
            t = time.perf_counter()
            at.run()
            times.append((time.perf_counter() - t) * 1000)
            if at.exception:
                raise RuntimeError(f"{name}: {at.exception[0].value}")
        medians[name] = (statistics.median(SCRIPT_MS), statistics.median(times))
    return medians


def report(medians: dict[str, tuple[float, float]], runs: int) -> int:
    """Print the medians as a table; exit status 0 when every interaction meets the target."""
    print(f"median of {runs} reruns each; target: server ≤ {TARGET_MS:g} ms")
    print(f"{'interaction':22} {'server ms':>10} {'AppTest ms':>11}")
    for name, (server, wall) in medians.items():
        print(f"{name:22} {server:10.1f} {wall:11.1f}   {'ok' if server <= TARGET_MS else 'SLOW'}")
    return 0 if all(server <= TARGET_MS for server, _ in medians.values()) else 1


def bench(runs: int) -> dict[str, tuple[float, float]]:
    at = AppTest.from_file(str(ROOT / "app_pages" / "activations.py"), default_timeout=60)
    at.run()
    for _ in range(3):  # warm up imports
        at.run()
    return time_interactions(at, INTERACTIONS, runs,
                             lambda name, w, value: (w.input if name == "edit logits" else w.set_value)(value))


def main(bench=bench, doc: str = __doc__) -> int:
    """`--runs N`, then `bench(N)` reported as a table (also the Backprop page's benchmark's command line)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--runs", type=count(), default=30)
    args = parser.parse_args()
    return report(bench(args.runs), args.runs)


if __name__ == "__main__":
    raise SystemExit(main())
