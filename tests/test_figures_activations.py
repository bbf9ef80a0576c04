"""The Activations page's figure builders: pure functions, data in, plotly Figure out."""

import numpy as np
import plotly.graph_objects as go
import pytest

from fontnet import activations as act
from fontnet.figures import activations as figs

X = np.linspace(-6, 6, 121)


def curves(names, slope=act.LEAKY_SLOPE):
    return {n: act.curve(n, X, slope) for n in names}


def test_curves_figure_draws_each_function_and_its_dashed_derivative_in_the_same_colour():
    fig = figs.curves_figure(X, curves(["relu", "logistic"]), derivatives=True)
    assert isinstance(fig, go.Figure)
    assert [t.meta for t in fig.data] == ["relu", "d_relu", "logistic", "d_logistic"]
    for solid, dashed in zip(fig.data[::2], fig.data[1::2]):
        assert solid.line.color == dashed.line.color and dashed.line.dash == "dash" and solid.line.dash is None
    np.testing.assert_allclose(fig.data[0].y, act.relu(X))
    np.testing.assert_allclose(fig.data[3].y, act.d_logistic(X))
    assert all("%{y" in t.hovertemplate for t in fig.data)


def test_curves_figure_without_derivatives_and_all_six_functions():
    fig = figs.curves_figure(X, curves(list(act.ACTIVATIONS)), derivatives=False)
    assert [t.meta for t in fig.data] == list(act.ACTIVATIONS)
    assert [t.name for t in fig.data] == [a.label for a in act.ACTIVATIONS.values()]
    assert len({t.line.color for t in fig.data}) == 6


def test_curves_figure_plots_the_chosen_leaky_slope():
    fig = figs.curves_figure(X, curves(["leaky_relu"], slope=0.25))
    np.testing.assert_allclose(fig.data[0].y, np.where(X > 0, X, 0.25 * X))
    np.testing.assert_allclose(fig.data[1].y, np.where(X > 0, 1.0, 0.25))


@pytest.mark.parametrize("n", [3, 7, 10])
def test_softmax_figure_marks_the_argmax(n):
    p = act.softmax_with_temperature(np.arange(n, dtype=float)[::-1] * 0.3 + np.eye(n)[n // 2], 1.0)
    fig = figs.softmax_figure(p, temperature=1.0)
    bar = fig.data[0]
    np.testing.assert_allclose(bar.y, p)
    best = int(np.argmax(p))
    assert bar.marker.color[best] == figs.ARGMAX_COLOUR
    assert sum(c == figs.ARGMAX_COLOUR for c in bar.marker.color) == 1
    assert fig.layout.annotations[0].text == "argmax" and fig.layout.annotations[0].x == bar.x[best]
    assert "sum = 1.000" in fig.layout.title.text
    assert list(bar.x) == (list("0123456789") if n == 10 else [f"class {i + 1}" for i in range(n)])


def test_gradient_figure_uses_a_log_axis_and_leaves_out_zeros():
    products = {n: act.gradient_through_layers(n, 12, -1.0) for n in ("logistic", "tanh", "relu")}
    fig = figs.gradient_figure(products)
    assert fig.layout.yaxis.type == "log"
    assert [t.meta for t in fig.data] == ["logistic", "tanh", "relu"]
    np.testing.assert_allclose(fig.data[0].y, products["logistic"])
    np.testing.assert_array_equal(fig.data[0].x, np.arange(1, 13))
    assert np.all(np.isnan(fig.data[2].y)) and "gradient gone" in fig.data[2].name
