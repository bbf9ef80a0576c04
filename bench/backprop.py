"""Median server time of each interaction on the Backprop page, measured with Streamlit's AppTest.

Usage: python -m bench backprop [--runs 30]
       python -m bench backprop --check [--cases 1000]   (the finite-difference check, every activation
       and loss: worst relative error, entries compared, cases skipped at a ReLU kink)
Each interaction is repeated --runs times (widgets alternate between two values, buttons are pressed), so every
rerun does real work. "server" is the page script's own run (widgets, fontnet, tables, the graph, serialising
them for the browser), timed around Streamlit's script execution; "AppTest" adds the harness's thread start-up
and polling. The target is 100 ms of server time. The 100,000-iteration comparison behind "As printed in the
chapter" is measured once per machine and kept (`python -m fontnet prepare` does it), and SymPy is imported and
the derivation done once; both happen before timing.
"""

from __future__ import annotations

import sys
import time

from streamlit.testing.v1 import AppTest

# importing it times every script run, the same way for both pages
from bench.activations import main as timing_main
from bench.activations import time_interactions
from bench.harness import ROOT
from fontnet.backprop import cached_comparison

# name -> (the widget, the two values to alternate between; None for a button press)
INTERACTIONS = {
    "pick a colour": (lambda at: at.color_picker(key="backprop.bg"), ("#ffc0cb", "#1e90ff")),
    "preset button": (lambda at: at.button(key="preset-navy"), None),
    "label": (lambda at: at.radio(key="backprop.label"), ("light", "dark")),
    "seed": (lambda at: at.number_input(key="backprop.seed"), (7, 3)),
    "network source": (lambda at: at.radio(key="backprop.model"), ("default", "fresh")),
    "activation": (lambda at: at.selectbox(key="backprop.act"), ("tanh", "relu")),
    "loss": (lambda at: at.selectbox(key="backprop.loss"), ("cross_entropy", "squared")),
    "learning rate": (lambda at: at.number_input(key="backprop.lr"), (0.5, 0.05)),
    "apply this step": (lambda at: at.button(key="apply"), None),
    "apply 100 steps": (lambda at: at.button(key="apply_n"), None),
    "use this model": (lambda at: at.button(key="use"), None),
    "as printed (toggle)": (lambda at: at.toggle(key="backprop.printed"), (True, False)),
    "SymPy (toggle)": (lambda at: at.toggle(key="backprop.sympy"), (True, False)),
}


def bench(runs: int) -> dict[str, tuple[float, float]]:
    cached_comparison()  # measured once per machine, then read from its file
    from fontnet.symbolic import derive

    derive("relu", "squared")  # SymPy's first import and derivation (seconds) are not what is timed
    at = AppTest.from_file(str(ROOT / "app_pages" / "backprop.py"), default_timeout=120)
    at.query_params.update({"bg": "ffc0cb", "model": "fresh", "seed": "3"})
    at.run()
    for _ in range(3):  # warm up imports
        at.run()
    return time_interactions(at, INTERACTIONS, runs)


def gradient_checks(cases: int) -> None:
    from fontnet.activations import HIDDEN_ACTIVATIONS
    from fontnet.backprop import gradient_check
    from fontnet.network import LOSSES

    print("| activation | loss | cases | worst relative error | entries compared | skipped at a kink | seconds |")
    print("|---|---|---|---|---|---|---|")
    for act in HIDDEN_ACTIVATIONS:
        for loss in LOSSES:
            t = time.perf_counter()
            r = gradient_check(act, loss, cases)
            print(f"| {act} | {loss} | {cases} | {r['worst']:.2e} | {r['compared']:,} | {r['skipped']} | "
                  f"{time.perf_counter() - t:.1f} |")


def main() -> int:
    if "--check" in sys.argv:
        gradient_checks(int(sys.argv[sys.argv.index("--cases") + 1]) if "--cases" in sys.argv else 1000)
        return 0
    return timing_main(bench, __doc__)


if __name__ == "__main__":
    raise SystemExit(main())
