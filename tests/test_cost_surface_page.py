"""The cost surface on the Train and Backprop pages (app/cost_surface.py), in Streamlit's AppTest."""

import re
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from fontnet.params import flat_weights
from tests.page_helpers import click, no_exception

ROOT = Path(__file__).resolve().parents[1]


def page(name: str, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages" / f"{name}.py"), default_timeout=120)
    at.query_params.update(query)
    return at.run()


def maps(at) -> list[str]:
    return [m.value for m in at.markdown if "fontnet-surface" in m.value]


def point_of(svg: str) -> tuple[float, float]:
    return tuple(float(v) for v in re.search(r'data-point="([^"]+)"', svg).group(1).split(","))


def test_the_train_page_draws_the_slice_at_the_runs_weights_and_not_while_it_plays():
    at = page("train", iterations="300")
    no_exception(at)
    [svg] = maps(at)   # iteration 0: a point, no path yet
    click(at, "Step")
    click(at, "Step")
    run = at.session_state["train_run"]
    [svg] = maps(at)
    i, j = (int(v) for v in re.search(r'data-pair="(\d+),(\d+)"', svg).groups())
    w = flat_weights(run.net)
    assert point_of(svg) == (w[i], w[j]) and 'data-path-points="3"' in svg
    assert any("a slice through 16 dimensions" in c.value for c in at.caption)
    # the picked parameters are drawn
    at.selectbox(key=f"train_surface_x_{run.run_id}").set_value(15).run()
    at.selectbox(key=f"train_surface_y_{run.run_id}").set_value(0).run()
    [svg] = maps(at)
    assert 'data-pair="15,0"' in svg and "B2[1]" in svg and "W1[1,1]" in svg
    click(at, "Train")
    assert at.session_state["train_run"].status == "running" and not maps(at)
    assert any("Drawn when the run is paused or finished" in c.value for c in at.caption)
    no_exception(at)


def test_deeper_networks_say_why_there_is_no_map():
    at = page("train", layers="2")
    assert not maps(at) and any("one hidden layer" in i.value for i in at.info)
    no_exception(at)


def test_the_backprop_page_draws_the_step_and_a_large_one_goes_uphill_for_the_training_rows():
    at = page("backprop", bg="c83232", lr="0.05")
    no_exception(at)
    [svg] = maps(at)
    assert 'class="step"' in svg and "896 training rows" in svg
    assert any("dashed arrow" in c.value and "goes from" in c.value and "down." in c.value for c in at.caption)
    small = svg
    at = page("backprop", bg="c83232", lr="5")
    [svg] = maps(at)
    before, after = point_of(svg), tuple(float(v) for v in re.search(r'data-after="([^"]+)"', svg).group(1).split(","))
    small_after = tuple(float(v) for v in re.search(r'data-after="([^"]+)"', small).group(1).split(","))
    # the same way, 100 times as far: past the valley, the training rows' cost goes up
    assert np.allclose(np.subtract(after, before), 100 * np.subtract(small_after, point_of(small)), rtol=1e-6)
    assert any("up: it overshoots" in c.value for c in at.caption)
    no_exception(at)
