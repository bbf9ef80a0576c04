"""Runs side by side: the kept runs' link value (fontnet/settings.py), fontnet/compare.py, and the Train page's
section (app/kept_runs.py) in AppTest: keep, compare, same start, a link that trains them again."""

import re
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from fontnet import compare
from fontnet.figures.compare import loss_chart_svg
from fontnet.figures.fit import drawings
from fontnet.settings import COMPARE
from fontnet.training import TrainingRun, TrainingSettings
from tests.page_helpers import click, no_exception, play

ROOT = Path(__file__).resolve().parents[1]
KEEP = "Keep this run for comparison"


def page(**query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages" / "train.py"), default_timeout=120)
    at.query_params.update(query)
    return at.run()


def train_to_the_end(at) -> None:
    click(at, "Train")
    play(at, "train_live", "train_run")
    assert at.session_state["train_run"].status == "done"


def kept_of(at) -> list[compare.Kept]:
    return at.session_state["compare_runs"]


def test_the_link_value_holds_settings_and_seeds_only_in_short_form():
    values, notices = COMPARE.read({"kept": "lr:0.5,seed:3~mode:full,seed:0,start:1", "start": "2"})
    assert not notices
    assert values == {"kept": ({"lr": 0.5, "seed": 3}, {"mode": "full", "seed": 0, "start": 1}), "start": 2}
    assert COMPARE.link(values) == {"kept": "lr:0.5,seed:3~mode:full,seed:0,start:1", "start": "2"}
    # defaults are left out, the seed never is; a run that cannot be read is dropped with one notice
    assert COMPARE.read({"kept": "lr:0.05,iterations:100000"})[0]["kept"] == ({"seed": 0},)
    values, [notice] = COMPARE.read({"kept": "lr:0.5~bogus:1~lr:0.07~seed:2,start:9~seed:1~seed:4"})
    assert values["kept"] == ({"lr": 0.5, "seed": 0}, {"seed": 1}, {"seed": 4})
    assert notice.startswith("kept=") and "'bogus' is not a setting" in notice and "not on the offered scale" in notice
    assert "start:9 is not a run kept before it" in notice and "using the 3 runs kept" in notice
    values, [notice] = COMPARE.read({"kept": "~".join(["seed:1"] * 6)})
    assert len(values["kept"]) == 4 and "only 4 runs are kept" in notice
    values, [notice] = COMPARE.read({"kept": "seed:1", "start": "3"})
    assert values["start"] == 0 and "beyond the runs the link keeps" in notice


def test_a_run_trained_again_from_its_settings_gives_the_same_numbers():
    run = TrainingRun(TrainingSettings(iterations=4000, seed=2, lr=0.2))
    run.start()
    while run.status == "running":
        run.advance()
    live = compare.keep(run)
    again = compare.reproduce(live.spec)
    assert live.spec == again.spec == {"lr": 0.2, "iterations": 4000, "seed": 2}
    assert (live.final_loss, live.test_accuracy, live.agreement) == (again.final_loss, again.test_accuracy,
                                                                     again.agreement)
    assert np.array_equal(live.first, again.first)
    same = compare.reproduce({"lr": 0.5, "iterations": 4000, "seed": 9, "start": 1}, [live])
    assert np.array_equal(same.first, live.first) and same.spec["start"] == 1
    assert compare.labels([live.spec, same.spec]) == ["run 1: lr 0.2, seed 2, own start",
                                                      "run 2: lr 0.5, seed 9, same start as run 1"]


def test_the_chart_draws_one_line_per_run_and_escapes_its_labels():
    curves = [(np.array([0, 10, 20]), np.array([np.nan, 0.2, 0.1])), (np.array([0, 10]), np.array([0.3, 0.05]))]
    markup = loss_chart_svg(curves, ["run 1: <b>", "run 2"], 20)
    for svg in drawings(markup).values():   # for a laptop's column and for a phone's
        assert svg.count('class="run"') == 2 and 'data-runs="2"' in svg
        assert [len(p.split()) for p in re.findall(r'class="run" data-run="\d" points="([^"]*)"', svg)] == [2, 2]
    # the legend is text under the chart, which wraps on a phone: each run's colour beside its name, escaped
    legend = markup[markup.index('<ul class="fontnet-compare-legend"'):]
    assert re.findall(r"solid (#[0-9a-f]{6})\"></span><span>([^<]*)</span>", legend) == [
        ("#d9480f", "run 1: &lt;b&gt;"), ("#1c7ed6", "run 2")]
    assert "<b>" not in markup


def test_keep_compare_and_same_start():
    at = page(iterations="3000")
    no_exception(at)
    keep = next(b for b in at.button if b.label == KEEP)
    assert keep.disabled   # nothing finished yet
    train_to_the_end(at)
    click(at, KEEP)
    assert at.query_params["kept"] == "iterations:3000,seed:0"
    assert next(b for b in at.button if b.label == KEEP).disabled   # kept once
    at.select_slider(key="train.lr").set_value(0.5).run()
    train_to_the_end(at)
    click(at, KEEP)
    assert at.query_params["kept"] == "iterations:3000,seed:0~lr:0.5,iterations:3000,seed:0"
    runs = kept_of(at)
    assert [r.settings.lr for r in runs] == [0.05, 0.5]
    [chart] = [m.value for m in at.markdown if "fontnet-compare" in m.value]
    assert 'data-runs="2"' in chart and "run 1: lr 0.05" in chart and "run 2: lr 0.5" in chart
    assert any(c.value == "What differs: lr." for c in at.caption)
    table = at.dataframe[-1].value
    assert list(table["run"]) == ["run 1: lr 0.05", "run 2: lr 0.5"]
    assert list(table["test accuracy"]) == [f"{r.test_accuracy:.2%}" for r in runs]
    assert list(table["final loss"]) == [f"{r.final_loss:.4g}" for r in runs]
    # same start: a new seed draws other weights, unless the run starts from run 1's
    at.number_input(key="train.seed").set_value(7).run()
    click(at, "Reset")
    assert not np.array_equal(at.session_state["train_run"].history[0].weights, runs[0].first)
    click(at, "Same start as run 1")
    assert at.query_params["start"] == "1"
    run = at.session_state["train_run"]
    assert run.status == "ready" and run.settings.seed == 7 and np.array_equal(run.history[0].weights, runs[0].first)
    train_to_the_end(at)
    click(at, KEEP)
    assert at.query_params["kept"].endswith("~lr:0.5,iterations:3000,seed:7,start:1")
    assert [r.spec.get("start", 0) for r in kept_of(at)] == [0, 0, 1]
    no_exception(at)

    # the link alone: a new session trains the kept runs again and gets the same numbers
    again = page(**dict(at.query_params))
    no_exception(again)
    assert not again.warning
    assert [(r.final_loss, r.test_accuracy, r.agreement) for r in kept_of(again)] == \
        [(r.final_loss, r.test_accuracy, r.agreement) for r in kept_of(at)]
    assert np.array_equal(again.session_state["train_run"].history[0].weights, runs[0].first)

    click(at, "Clear the kept runs")
    assert kept_of(at) == [] and "kept" not in at.query_params and "start" not in at.query_params


def test_at_most_four_runs_are_kept():
    link = "~".join(f"iterations:200,seed:{s}" for s in range(4))
    at = page(iterations="200", kept=link)
    assert len(kept_of(at)) == 4
    assert any("can be kept once it is done" in c.value for c in at.caption)
    train_to_the_end(at)
    assert next(b for b in at.button if b.label == KEEP).disabled
    # a finished run with no room left is told why it cannot be kept, and how to make room
    assert any("4 runs are kept, the most: press Clear the kept runs" in c.value for c in at.caption)
    no_exception(at)


def test_a_loaded_model_is_told_why_it_cannot_be_kept():
    from tests.test_train_page import model_json

    at = page()
    at.file_uploader(key="model_file").upload("m.json", model_json(), "application/json")
    at.run()
    no_exception(at)
    assert at.session_state["train_run"].loaded
    assert next(b for b in at.button if b.label == KEEP).disabled
    words = [c.value for c in at.caption]
    assert any("loaded from a file cannot be kept" in w for w in words)
    assert not any("can be kept once it is done" in w for w in words)
