"""The Activations page's computations in fontnet.activations: curves, formulas, logits, softmax, gradients, URL."""

import numpy as np
import pytest

from fontnet import activations as act

X = np.linspace(-8, 8, 161)


@pytest.mark.parametrize("name", list(act.ACTIVATIONS))
def test_curve_is_the_table_function_and_its_derivative(name):
    y, dy = act.curve(name, X)
    assert y.shape == dy.shape == X.shape
    if name == "softmax":  # the two-class case: first output of softmax([x, 0])
        expected = np.array([act.softmax(np.array([v, 0.0]))[0] for v in X])
        np.testing.assert_allclose(y, expected)
        np.testing.assert_allclose(y, act.logistic(X))
    else:
        np.testing.assert_allclose(y, act.ACTIVATIONS[name].fn(X))
        np.testing.assert_allclose(dy, act.ACTIVATIONS[name].derivative(X))


@pytest.mark.parametrize("name", list(act.ACTIVATIONS))
def test_curve_derivative_matches_finite_differences(name):
    x = np.array([-3.1, -0.7, 0.4, 2.9])  # away from ReLU's kink
    h = 1e-6
    numeric = (act.curve(name, x + h, 0.2)[0] - act.curve(name, x - h, 0.2)[0]) / (2 * h)
    np.testing.assert_allclose(act.curve(name, x, 0.2)[1], numeric, rtol=1e-5, atol=1e-8)


def test_curve_uses_the_leaky_slope_and_rejects_unknown_names():
    y, dy = act.curve("leaky_relu", np.array([-2.0, 3.0]), slope=0.3)
    np.testing.assert_allclose(y, [-0.6, 3.0])
    np.testing.assert_allclose(dy, [0.3, 1.0])
    with pytest.raises(KeyError, match="unknown activation"):
        act.curve("swish", X)


def test_formulas_show_the_slope_in_use():
    assert act.formulas("relu") == (act.ACTIVATIONS["relu"].formula, act.ACTIVATIONS["relu"].derivative_formula)
    f, df = act.formulas("leaky_relu", 0.01)
    assert "0.01" in f and "0.01" in df
    f, df = act.formulas("leaky_relu", 0.2)
    assert "0.2" in f and "0.2" in df and "0.01" not in f + df


@pytest.mark.parametrize("text,expected", [
    ("2.0, 1.0, 0.1", [2.0, 1.0, 0.1]), ("1 2 3", [1, 2, 3]), (" -1,2 , 3e-1 ", [-1, 2, 0.3]),
    (",".join(map(str, range(10))), list(range(10))),
    ("1;2;3", [1, 2, 3]), ("[2.0, 1.0, 0.1]", [2.0, 1.0, 0.1]), ("(−1, 0, 1)", [-1, 0, 1]),
])
def test_parse_logits_reads_commas_and_spaces(text, expected):
    """Separated as every typed list of numbers is (parsing.number_words, shared with Your turn's boxes)."""
    np.testing.assert_allclose(act.parse_logits(text), expected)


@pytest.mark.parametrize("text,message", [
    ("x,y", "'x' is not a number"), ("1/2/3", "'1/2/3' is not a number"), ("1,2", "3 to 10 numbers separated by commas; got 2"), ("", "got 0"),
    (",".join(["1"] * 11), "got 11"), (",".join(["x"] * 11), "got 11"),
    ("1,2,abc", "'abc' is not a number"), ("1,2,nan", "'nan' is not a number"), ("1,2,inf", "outside"), ("1,2,1e9", "outside"),
])
def test_parse_logits_rejects_with_a_clear_value_error(text, message):
    with pytest.raises(act.LogitsError, match=message) as info:
        act.parse_logits(text)
    assert isinstance(info.value, ValueError)


def test_parse_logits_rejects_non_text():
    with pytest.raises(act.LogitsError, match="must be text"):
        act.parse_logits(None)


def test_softmax_with_temperature_sums_to_one_and_keeps_the_argmax():
    z = np.array([2.0, 1.0, 0.1])
    for t in (0.1, 0.5, 1.0, 3.0, 5.0):
        p = act.softmax_with_temperature(z, t)
        assert p.sum() == pytest.approx(1.0) and int(np.argmax(p)) == 0
    np.testing.assert_allclose(act.softmax_with_temperature(z, 1.0), act.softmax(z))
    cold, warm = act.softmax_with_temperature(z, 0.2), act.softmax_with_temperature(z, 5.0)
    assert cold.max() > act.softmax(z).max() > warm.max()  # low t sharpens, high t flattens
    np.testing.assert_allclose(act.softmax_with_temperature(z, 1e6), np.full(3, 1 / 3), atol=1e-5)


def test_softmax_with_temperature_is_stable_and_validates_t():
    p = act.softmax_with_temperature(np.array([1e4, -1e4, 0.0]), 0.1)
    assert np.all(np.isfinite(p)) and p[0] == pytest.approx(1.0)
    for t in (0.0, -1.0, float("nan")):
        with pytest.raises(ValueError, match="temperature"):
            act.softmax_with_temperature(np.array([1.0, 2.0, 3.0]), t)


def test_gradient_through_layers_is_the_power_of_the_derivative():
    g = act.gradient_through_layers("logistic", 10, 0.0)
    np.testing.assert_allclose(g, 0.25 ** np.arange(1, 11))
    assert g[-1] == pytest.approx(9.5367e-7, rel=1e-4)
    np.testing.assert_allclose(act.gradient_through_layers("relu", 20, 1.5), np.ones(20))
    np.testing.assert_allclose(act.gradient_through_layers("relu", 5, -1.0), np.zeros(5))
    np.testing.assert_allclose(act.gradient_through_layers("leaky_relu", 3, -1.0, 0.1), [0.1, 0.01, 0.001])
    np.testing.assert_allclose(act.gradient_through_layers("tanh", 4, 0.0), np.ones(4))
    with pytest.raises(ValueError, match="depth"):
        act.gradient_through_layers("tanh", 0)


def test_gradient_reading_names_the_numbers():
    text = act.gradient_reading(10, 0.0)
    assert "10 logistic layers" in text and "0.25^10" in text and "9.5e-07" in text
    assert "ReLU stops it" in text  # ReLU's derivative at exactly 0 is 0
    assert "passes it through unchanged" in act.gradient_reading(3, 1.0)
