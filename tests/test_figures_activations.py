"""The Activations page's figure builders: pure functions, data in, a uPlot spec and its points or SVG out."""

import json
import re

import numpy as np
import pytest

from fontnet import activations as act
from fontnet.figures import activations as figs
from fontnet.figures.fit import drawings

X = np.linspace(-6, 6, 121)


def curves(names, slope=act.LEAKY_SLOPE):
    return {n: act.curve(n, X, slope) for n in names}


def chart(spec: dict, points: dict) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Series meta -> (x, y) as the browser gets them (through JSON; None is a gap)."""
    spec, points = json.loads(json.dumps(spec)), json.loads(json.dumps(points))
    assert len(spec["series"]) == len(points["ys"])
    x = np.array(points["x"], dtype=float)
    return {s["meta"]: (x, np.array(y, dtype=float)) for s, y in zip(spec["series"], points["ys"])}


def bars(svg: str) -> list[tuple[str, float, bool]]:
    """Each softmax bar's class, probability and whether it is marked as the argmax, from its data attributes."""
    return [(name, float(p), bool(best)) for name, p, best in
            re.findall(r'<g class="bar" data-name="([^"]*)" data-p="([^"]*)"( data-argmax)?>', svg)]


def test_curves_draw_each_function_and_its_dashed_derivative_in_the_same_colour():
    names = ["relu", "logistic"]
    spec, points = figs.curves_spec(names, -6, 6, True), figs.curves_points(X, curves(names), True)
    got = chart(spec, points)
    assert list(got) == ["relu", "d_relu", "logistic", "d_logistic"]
    for solid, dashed in zip(spec["series"][::2], spec["series"][1::2]):
        assert solid["color"] == dashed["color"] and dashed["dash"] == "dash" and solid["dash"] == "solid"
        assert dashed["label"] == solid["label"] + "′"
    np.testing.assert_array_equal(got["relu"][0], X)
    np.testing.assert_array_equal(got["relu"][1], act.relu(X))          # full precision, as fontnet computes them
    np.testing.assert_array_equal(got["d_logistic"][1], act.d_logistic(X))
    assert (spec["x"]["min"], spec["x"]["max"]) == (-6, 6)
    assert spec["x"]["label"].startswith("x (the weighted sum") and spec["axes"]["y"]["label"] == "f(x)"
    assert spec["readout"] == {"x_decimals": 2, "decimals": 4}   # the legend reads f and f' under the pointer
    assert "x from -6 to 6: ReLU, Logistic, each with its derivative dashed" in spec["alt"]


def test_curves_without_derivatives_and_all_six_functions():
    names = list(act.ACTIVATIONS)
    spec = figs.curves_spec(names, -6, 6, derivatives=False)
    got = chart(spec, figs.curves_points(X, curves(names), derivatives=False))
    assert list(got) == names
    assert [s["label"] for s in spec["series"]] == [a.label for a in act.ACTIVATIONS.values()]
    assert len({s["color"] for s in spec["series"]}) == 6
    assert figs.curves_title(False) == "Activation functions" and "dashed" in figs.curves_title(True)


def test_curves_plot_the_chosen_leaky_slope():
    got = chart(figs.curves_spec(["leaky_relu"], -6, 6), figs.curves_points(X, curves(["leaky_relu"], slope=0.25)))
    np.testing.assert_allclose(got["leaky_relu"][1], np.where(X > 0, X, 0.25 * X))
    np.testing.assert_allclose(got["d_leaky_relu"][1], np.where(X > 0, 1.0, 0.25))


@pytest.mark.parametrize("n", [3, 7, 8, 10])
def test_softmax_bars_print_their_probabilities_and_mark_the_argmax(n):
    p = act.softmax_with_temperature(np.arange(n, dtype=float)[::-1] * 0.3 + np.eye(n)[n // 2], 1.0)
    names = list("0123456789") if n == 10 else [f"class {i + 1}" for i in range(n)]
    best = int(np.argmax(p))
    drawn = drawings(figs.softmax_svg(p, temperature=1.0))
    for svg in drawn.values():   # for a wide box and for a phone's
        got = bars(svg)
        assert [b[0] for b in got] == names
        np.testing.assert_array_equal([b[1] for b in got], p)   # the values themselves, not rounded
        assert [b[2] for b in got] == [i == best for i in range(n)]
        assert f'data-argmax="{names[best]}"' in svg and "argmax" in svg and 'data-sum="1.000000"' in svg
        for v in p:   # every probability is printed, to three decimals
            assert f">{v:.3f}</text>" in svg
        assert "sum = 1.000" in svg and "temperature 1" in svg
        assert svg.count(f'fill="{figs.ARGMAX_COLOUR}"') == 1
    # the phone's drawing is narrower, so its text is larger on a phone; "class 7" goes on two lines where its
    # slot is too narrow for it
    widths = {k: float(re.search(r'viewBox="0 0 ([\d.]+)', v).group(1)) for k, v in drawn.items()}
    assert widths["narrow"] < widths["wide"] * 0.85
    split = '>class<tspan' in drawn["narrow"]
    assert split == (n in (7, 8)) and '>class<tspan' not in drawn["wide"]


def test_softmax_names_are_escaped():
    svg = figs.softmax_svg(np.array([0.2, 0.8]), names=["<b>", "a&b"])
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "a&amp;b" in svg


def test_gradient_uses_a_log_axis_and_leaves_out_zeros():
    products = {n: act.gradient_through_layers(n, 12, -1.0) for n in ("logistic", "tanh", "relu")}
    spec, points = figs.gradient_spec(products), figs.gradient_points(products)
    got = chart(spec, points)
    assert spec["axes"]["y"]["log"] is True and spec["axes"]["y"]["decades"] and spec["x"]["step"] == 1
    assert list(got) == ["logistic", "tanh", "relu"]
    np.testing.assert_array_equal(got["logistic"][1], products["logistic"])
    np.testing.assert_array_equal(got["logistic"][0], np.arange(1, 13))
    assert np.all(np.isnan(got["relu"][1])) and "gradient gone" in spec["series"][2]["label"]
    assert all(s["points"] for s in spec["series"]) and spec["readout"]["significant"] == 3
    assert spec["x"]["min"] < 1 and spec["x"]["max"] > 12   # the end markers are drawn whole
    last = products["logistic"][-1]
    assert f"after 12 layers, Logistic {last:.3g};" in spec["alt"] and "ReLU 0 (gradient gone)" in spec["alt"]


def test_a_gradient_through_one_layer_is_said_in_the_singular():
    spec = figs.gradient_spec({"relu": np.array([1.0])})
    assert spec["alt"].endswith(": after 1 layer, ReLU 1.")
