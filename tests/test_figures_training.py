"""The Train page's figures: valid plotly, the data they were given, and light enough to redraw live."""

import numpy as np
import plotly.graph_objects as go

from fontnet.figures import live
from fontnet.figures.training import (
    LOSS_LEGEND,
    MAP_LEGEND,
    decision_map_figure,
    legend_html,
    level_segments,
)
from fontnet.training import TrainingRun, TrainingSettings, colours_near_slice, decision_slice


def _run(iterations=2000, **kw) -> TrainingRun:
    run = TrainingRun(TrainingSettings(iterations=iterations, **kw))
    run.start()
    for _ in range(4):
        run.advance(iterations // 4)
    return run


def _valid(fig: go.Figure) -> dict:
    """Plotly's full validation, which the builders skip for speed, passes on every figure."""
    return go.Figure(fig.to_dict()).to_dict()


def test_decision_map_figure_shows_p_dark_both_boundaries_and_nearby_colours():
    run = _run(iterations=20_000)
    sl = decision_slice(run.net, "G", 100, size=30)
    pts, labels = colours_near_slice(run.dataset.rgb, run.dataset.labels, "G", 100)
    d = _valid(decision_map_figure(sl, pts, labels))
    types = [t["type"] for t in d["data"]]
    assert types[0] == "heatmap" and "contour" in types
    heat = d["data"][0]
    assert np.asarray(heat["z"]).shape == (30, 30) and heat["zmin"] == 0 and heat["zmax"] == 1
    formula = next(t for t in d["data"] if t.get("name") == "the formula's boundary")
    assert np.allclose(0.299 * np.asarray(formula["x"]) + 0.587 * 100 + 0.114 * np.asarray(formula["y"]), 127.5)
    markers = [t for t in d["data"] if t.get("mode") == "markers"]
    assert sum(len(t["x"]) for t in markers) == len(pts) > 0
    assert d["layout"]["xaxis"]["title"]["text"] == "R" and d["layout"]["yaxis"]["title"]["text"] == "B"


def test_decision_map_without_a_boundary_skips_the_contour():
    run = TrainingRun(TrainingSettings())
    run.net.biases_[-1][:] = 50.0  # P(dark) is 1 everywhere
    d = _valid(decision_map_figure(decision_slice(run.net, "B", 0)))
    assert "contour" not in [t["type"] for t in d["data"]]


def test_the_boundary_as_lines_follows_p_dark_equal_one_half():
    axis = np.linspace(0, 255, 40)
    gx, gy = np.meshgrid(axis, axis)
    z = 1 / (1 + np.exp(-(gx + gy - 255) / 20))        # P = 0.5 exactly on the line x + y = 255
    xs, ys = level_segments(axis, z)
    pts = np.array([(x, y) for x, y in zip(xs, ys) if x is not None])
    assert len(pts) > 40 and np.allclose(pts[:, 0] + pts[:, 1], 255, atol=1.0)
    assert xs[2::3] == [None] * (len(xs) // 3)
    assert level_segments(axis, np.full((40, 40), 0.9)) == ([], [])
    ring = np.hypot(gx - 128, gy - 128)                  # a closed line: a circle of radius 60
    xs, ys = level_segments(axis, ring, 60)
    pts = np.array([(x, y) for x, y in zip(xs, ys) if x is not None])
    assert np.allclose(np.hypot(pts[:, 0] - 128, pts[:, 1] - 128), 60, atol=2)


def test_decision_map_can_send_the_boundary_as_lines_instead_of_a_contour():
    run = _run(iterations=20_000)
    sl = decision_slice(run.net, "B", 128, size=30)
    d = _valid(decision_map_figure(sl, boundary="lines"))
    assert "contour" not in [t["type"] for t in d["data"]]
    line = next(t for t in d["data"] if t.get("name") == "network: P(dark) = 0.5")
    assert line["mode"] == "lines" and line["line"]["dash"] == "dash" and len(line["x"]) > 10


def test_the_page_legends_name_every_trace_in_its_colour():
    run = _run()
    html = legend_html(LOSS_LEGEND)   # beside the live loss chart, which draws no legend of its own
    series = live.loss_spec(run.settings.iterations)["series"]
    assert len(series) == len(LOSS_LEGEND)
    for s, (name, color, dash) in zip(series, LOSS_LEGEND):
        assert s["label"] == name and s["color"] == color and s["dash"] == dash and name in html
        assert f'stroke="{color}"' in html
    d = _valid(decision_map_figure(decision_slice(run.net, "G", 100), *colours_near_slice(
        run.dataset.rgb, run.dataset.labels, "G", 100)))
    names = {t.get("name") for t in d["data"]}
    for name, _, _ in MAP_LEGEND:
        assert name.rstrip(" ●◆") in names or name in names
