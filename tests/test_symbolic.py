"""SymPy's derivation of the chain rule (the Backprop page's optional view) agrees with fontnet's numbers."""

import numpy as np
import pytest

from fontnet import backprop as bp
from fontnet import symbolic
from fontnet.activations import HIDDEN_ACTIVATIONS
from fontnet.network import LOSSES


def _cases(n: int, seed: int):
    rng = np.random.default_rng(seed)
    for _ in range(n):
        net = bp.network_from(*(rng.uniform(-1, 1, s) for s in bp.SHAPES.values()))
        yield net, tuple(int(c) for c in rng.integers(0, 256, 3)), int(rng.integers(0, 2))


def _agree(activation: str, loss: str, n: int) -> None:
    for net, rgb, label in _cases(n, 3):
        b = bp.explain(net, rgb, label, activation=activation, loss=loss)
        sym = symbolic.gradients_at(b)
        for k in bp.PARAMS:
            assert np.allclose(sym[k], b.gradients[k], rtol=1e-10, atol=1e-15), (activation, loss, k)


def test_the_chapters_network_relu_and_squared_error():
    d = symbolic.derive("relu", "squared")
    assert r"\frac{\partial C}{\partial A_2} = 2 \left(A_{2} - Y\right)" in d.lines[0]
    assert d.lines[4] == (r"A_1 = \max\left(0, Z_{1}\right) \quad\Rightarrow\quad "
                          r"\frac{\partial A_1}{\partial Z_1} = \theta\left(Z_{1}\right)")  # θ: the Heaviside step, ReLU's slope
    _agree("relu", "squared", 30)


def test_cross_entropy_collapses_dc_dz2_to_a2_minus_y():
    assert symbolic.derive("logistic", "cross_entropy").lines[2].endswith("= A_{2} - Y")
    _agree("logistic", "cross_entropy", 30)


@pytest.mark.slow
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_every_activation_and_loss(activation, loss):
    _agree(activation, loss, 20)
