"""The Train page's figures: valid plotly, the data they were given, and light enough to redraw live."""

import numpy as np
import plotly.graph_objects as go

from fontnet.figures.training import (
    LOSS_LEGEND,
    MAP_LEGEND,
    decision_map_figure,
    legend_html,
    level_segments,
    log_ticks,
    loss_figure,
    weights_figure,
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


def test_loss_figure_grows_one_point_per_checkpoint():
    run = _run()
    fig = loss_figure(run.history_frame(), run.settings.iterations)
    d = _valid(fig)
    assert [t["name"] for t in d["data"]][:2] == ["train loss (mean per chunk)", "test loss"]
    assert list(d["data"][0]["x"]) == [0, 500, 1000, 1500, 2000]
    assert d["data"][0]["y"][0] is None and d["data"][0]["y"][1] > 0  # no training loss before iteration 1
    assert d["data"][2]["yaxis"] == "y2" and d["layout"]["yaxis"]["type"] == "log"
    assert list(d["layout"]["xaxis"]["range"]) == [0, 2000]


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


def test_weights_figure_has_one_line_per_weight_in_one_panel_per_layer():
    run = _run(layers=2, hidden=4)
    its, W, names = run.weight_history()
    d = _valid(weights_figure(its, W, names))
    assert len(d["data"]) == len(names) == 3 * 4 + 4 + 4 * 4 + 4 + 4 + 1
    assert {t["yaxis"] for t in d["data"]} == {"y", "y2", "y3"}
    w = next(t for t in d["data"] if t["name"] == "W2[1,1]")
    assert w["yaxis"] == "y2" and list(w["x"]) == its.tolist()
    assert np.allclose(w["y"], W[:, names.index("W2[1,1]")])
    assert next(t for t in d["data"] if t["name"] == "B1[1]")["line"]["dash"] == "dot"


def test_figures_take_nan_weights_and_losses():
    run = _run()
    df = run.history_frame()
    df.loc[1, "test_loss"] = np.inf
    d = _valid(loss_figure(df, 10))
    assert d["data"][1]["y"][1] is None


def test_live_figures_skip_the_costly_browser_passes():
    """Redrawn several times a second: no plotly legend, no automargin pass, few tick labels."""
    run = _run(iterations=100_000)
    figs = [loss_figure(run.history_frame(), 100_000), decision_map_figure(decision_slice(run.net, "B", 128)),
            weights_figure(*run.weight_history())]
    for fig in figs:
        d = _valid(fig)
        assert d["layout"]["showlegend"] is False
        axes = [v for k, v in d["layout"].items() if k.startswith(("xaxis", "yaxis"))]
        assert len(axes) >= 2 and all(ax["automargin"] is False for ax in axes)
    ticks = list(_valid(figs[0])["layout"]["yaxis"]["tickvals"])
    assert 2 <= len(ticks) <= 12 and ticks == sorted(ticks)


def test_log_ticks_label_narrow_ranges_and_stay_few_on_wide_ones():
    assert log_ticks([0.003, 0.5]) == [0.001, 0.01, 0.1, 1.0]
    assert {0.1, 0.2, 0.5} <= set(log_ticks([0.08, 0.6]))  # one power of ten inside: 1, 2, 5 of each decade
    narrow = log_ticks([0.21, 0.24])  # none of those inside: rounded values across the data
    assert len(narrow) >= 2 and all(0.205 <= t <= 0.245 for t in narrow)
    assert log_ticks([np.nan, np.inf, -1]) == [0.01, 0.1, 1.0]


def test_the_page_legends_name_every_trace_in_its_colour():
    run = _run()
    loss = _valid(loss_figure(run.history_frame(), run.settings.iterations))
    html = legend_html(LOSS_LEGEND)
    for trace, (name, color, _) in zip(loss["data"], LOSS_LEGEND):
        assert trace["name"] == name and trace["line"]["color"] == color and name in html
        assert f'stroke="{color}"' in html
    d = _valid(decision_map_figure(decision_slice(run.net, "G", 100), *colours_near_slice(
        run.dataset.rgb, run.dataset.labels, "G", 100)))
    names = {t.get("name") for t in d["data"]}
    for name, _, _ in MAP_LEGEND:
        assert name.rstrip(" ●◆") in names or name in names
