import numpy as np
import plotly.graph_objects as go
import pytest

from fontnet import digits
from fontnet.figures import digits as figs


@pytest.fixture(scope="module")
def model():
    return digits.DigitsSettings(hidden=(12, 8), iterations=200).network().fit(*digits.split(0)[::2])


@pytest.fixture(scope="module")
def reading(model):
    return digits.read(model, digits.split(0)[1][0].reshape(8, 8) * 16)


def _valid(fig):
    return go.Figure(fig.to_dict())  # plotly validates every property here


def test_the_output_bars_are_the_ten_probabilities_with_the_winner_marked(reading):
    fig = _valid(figs.probabilities_figure(reading.proba))
    bar = fig.data[0]
    assert list(bar.y) == pytest.approx(reading.proba.tolist())
    assert [c == figs.CHOSEN for c in bar.marker.color].index(True) == reading.digit


def test_figure_7_8_shows_the_inputs_every_node_and_the_outputs(model, reading):
    fig = _valid(figs.network_figure(model, reading))
    grid = fig.data[0]
    assert grid.type == "heatmap" and np.array_equal(np.array(grid.z), reading.image)
    assert fig.layout.yaxis2.scaleanchor == "x2"  # the pixels stay square
    nodes = [t for t in fig.data if t.type == "scatter" and "markers" in t.mode]
    assert [len(t.x) for t in nodes] == [12, 8, 10]
    assert list(nodes[-1].customdata) == pytest.approx(reading.proba.tolist())
    edges = [t for t in fig.data if t.type == "scatter" and t.mode == "lines"]
    assert sum(len(t.x) // 3 for t in edges) <= 2 * figs.MAX_EDGES and any(len(t.x) for t in edges)


def test_weight_tiles_hold_each_first_layer_nodes_64_weights(model):
    fig = _valid(figs.weight_tiles_figure(model.weights_[0]))
    z = np.array(fig.data[0].z, dtype=float)
    assert z.shape == (2 * 9 - 1, 8 * 9 - 1)
    assert np.allclose(z[0:8, 9:17], model.weights_[0][1].reshape(8, 8))
    assert np.allclose(z[9:17, 0:8], model.weights_[0][8].reshape(8, 8))
    assert np.isnan(z[8]).all()


def test_the_live_chart_gets_loss_and_both_accuracies_from_the_runs_history():
    from fontnet.figures.live import history_points

    run = digits.DigitsRun(digits.DigitsSettings(hidden=(8,), iterations=40))
    run.start()
    run.advance()
    spec = figs.live_spec(40)
    assert [s["label"] for s in spec["series"]] == ["loss (mean per chunk)", "train accuracy", "test accuracy"]
    pts = history_points(run.history, figs.LIVE_COLUMNS, 1)
    assert pts["x"] == [run.iteration] and pts["ys"][2] == [pytest.approx(run.history[-1].test_accuracy)]
