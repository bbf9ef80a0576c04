import warnings

import numpy as np
import pytest

from fontnet.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, softmax, softmax_jacobian

TABLE_7_1 = ["linear", "logistic", "tanh", "relu", "leaky_relu", "softmax"]


def test_table_7_1_has_every_function_with_its_columns():
    assert list(ACTIVATIONS) == TABLE_7_1
    for a in ACTIVATIONS.values():
        assert a.typical_layer in ("Hidden", "Output")
        assert a.description and a.notes and a.formula and a.derivative_formula
    assert "softmax" not in HIDDEN_ACTIVATIONS and "relu" in HIDDEN_ACTIVATIONS


@pytest.mark.parametrize("name", [n for n in TABLE_7_1 if n != "softmax"])
def test_derivative_matches_finite_difference(name):
    a = ACTIVATIONS[name]
    z = np.array([-3.1, -0.7, 0.3, 1.9, 4.2])  # away from ReLU's kink
    h = 1e-6
    numeric = (a.fn(z + h) - a.fn(z - h)) / (2 * h)
    assert np.allclose(a.derivative(z), numeric, atol=1e-6)


@pytest.mark.parametrize("name", TABLE_7_1)
def test_no_overflow_for_large_inputs(name):
    z = np.array([-1e4, -800.0, 0.0, 800.0, 1e4])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
            y = ACTIVATIONS[name].fn(z)
            d = ACTIVATIONS[name].derivative(z)
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(d))


def test_known_values():
    z = np.array([-2.0, 0.0, 3.0])
    assert ACTIVATIONS["relu"].fn(z).tolist() == [0.0, 0.0, 3.0]
    assert ACTIVATIONS["leaky_relu"].fn(z).tolist() == [-0.02, 0.0, 3.0]
    assert ACTIVATIONS["logistic"].fn(np.array([0.0]))[0] == 0.5
    assert ACTIVATIONS["logistic"].fn(np.array([-1e4, 1e4])).tolist() == [0.0, 1.0]


def test_softmax_sums_to_one_and_is_stable_for_large_logits():
    z = np.array([[1000.0, 1.0], [1001.0, 2.0], [999.0, 3.0]])
    s = softmax(z, axis=0)
    assert np.allclose(s.sum(axis=0), 1.0)
    assert np.allclose(s[:, 0], softmax(np.array([1.0, 2.0, 0.0])))
    assert s[:, 1].argmax() == 2


def test_softmax_jacobian_matches_finite_difference():
    z = np.array([0.5, -1.0, 2.0])
    h = 1e-6
    numeric = np.column_stack([(softmax(z + h * e) - softmax(z - h * e)) / (2 * h) for e in np.eye(3)])
    assert np.allclose(softmax_jacobian(z), numeric, atol=1e-8)
    assert np.allclose(np.diag(softmax_jacobian(z)), ACTIVATIONS["softmax"].derivative(z))
