"""The chain rule derived by SymPy, the chapter's own tool for derivatives: each factor symbolically, and the
whole network's dC/dp for every weight and bias, evaluated at a sample to check the numbers.

Only the Backprop page imports this module (SymPy takes a second or two to load the first time).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sympy as sp

from .backprop import PARAMS, SHAPES, Backprop

LEAKY = sp.Rational(1, 100)


def _activation(name: str, z: sp.Expr) -> sp.Expr:
    """Table 7-1's hidden activations as SymPy expressions."""
    return {
        "linear": lambda: z,
        "logistic": lambda: 1 / (1 + sp.exp(-z)),
        "tanh": lambda: sp.tanh(z),
        "relu": lambda: sp.Max(0, z),
        "leaky_relu": lambda: sp.Piecewise((z, z > 0), (LEAKY * z, True)),
    }[name]()


def _loss(name: str, a2: sp.Expr, y: sp.Symbol) -> sp.Expr:
    return (a2 - y) ** 2 if name == "squared" else -(y * sp.log(a2) + (1 - y) * sp.log(1 - a2))


@dataclass(frozen=True)
class Derivation:
    """The factors as LaTeX lines, and every parameter's full derivative as a NumPy function of the sample."""

    lines: tuple[str, ...]
    example: str  # LaTeX of dC/dW1[1,1] for the whole network, as SymPy writes it
    gradient: object  # f(W1 (9), B1 (3), W2 (3), B2, X (3), Y) -> the 16 derivatives, in PARAMS order


@lru_cache(maxsize=16)
def derive(activation: str, loss: str) -> Derivation:
    """Differentiate the 3-3-1 network's cost symbolically, once per activation and loss."""
    A2, Y, Z2, Z1, A1, W2, X = sp.symbols("A_2 Y Z_2 Z_1 A_1 W_2 X")
    f = _activation(activation, Z1)
    C_of_A2 = _loss(loss, A2, Y)
    A2_of_Z2 = 1 / (1 + sp.exp(-Z2))
    dC_dA2 = sp.diff(C_of_A2, A2)
    dA2_dZ2 = sp.diff(A2_of_Z2, Z2)
    dC_dZ2 = sp.simplify(sp.diff(C_of_A2.subs(A2, A2_of_Z2), Z2).subs(sp.exp(-Z2), (1 - A2) / A2))
    lines = (
        rf"C = {sp.latex(C_of_A2)} \quad\Rightarrow\quad \frac{{\partial C}}{{\partial A_2}} = {sp.latex(sp.factor(dC_dA2))}",
        rf"A_2 = {sp.latex(A2_of_Z2)} \quad\Rightarrow\quad \frac{{\partial A_2}}{{\partial Z_2}} = {sp.latex(dA2_dZ2)}"
        rf" = A_2 (1 - A_2)",
        rf"\frac{{\partial C}}{{\partial Z_2}} = \frac{{\partial C}}{{\partial A_2}} \frac{{\partial A_2}}{{\partial Z_2}}"
        rf" = {sp.latex(sp.factor(dC_dZ2))}",
        r"Z_2 = W_2 A_1 + B_2 \quad\Rightarrow\quad \frac{\partial Z_2}{\partial W_2} = "
        rf"{sp.latex(sp.diff(W2 * A1, W2))},\ \frac{{\partial Z_2}}{{\partial A_1}} = {sp.latex(sp.diff(W2 * A1, A1))},"
        r"\ \frac{\partial Z_2}{\partial B_2} = 1",
        rf"A_1 = {sp.latex(f)} \quad\Rightarrow\quad \frac{{\partial A_1}}{{\partial Z_1}} = {sp.latex(sp.diff(f, Z1))}",
        rf"Z_1 = W_1 X + B_1 \quad\Rightarrow\quad \frac{{\partial Z_1}}{{\partial W_1}} = {sp.latex(sp.diff(X * Z1, Z1))}"
        r",\ \frac{\partial Z_1}{\partial B_1} = 1",
    )

    # the whole network, every weight its own symbol; derivatives of the composed cost
    w1 = sp.Matrix(3, 3, lambda i, j: sp.Symbol(f"w1_{i + 1}{j + 1}"))
    b1 = sp.Matrix(3, 1, lambda i, _: sp.Symbol(f"b1_{i + 1}"))
    w2 = sp.Matrix(1, 3, lambda _, j: sp.Symbol(f"w2_{j + 1}"))
    b2 = sp.Symbol("b2")
    x = sp.Matrix(3, 1, lambda i, _: sp.Symbol(f"x_{i + 1}"))
    y = sp.Symbol("y")
    z1 = w1 * x + b1
    a1 = z1.applyfunc(lambda z: _activation(activation, z))
    z2 = (w2 * a1)[0, 0] + b2
    C = _loss(loss, 1 / (1 + sp.exp(-z2)), y)
    params = {"W1": list(w1), "B1": list(b1), "W2": list(w2), "B2": [b2]}
    grads = [sp.diff(C, p) for name in PARAMS for p in params[name]]
    args = [*w1, *b1, *w2, b2, *x, y]
    fn = sp.lambdify(args, grads, modules=[{"Heaviside": lambda v, h0=0.0: np.heaviside(v, 0.0)}, "numpy"])
    names = {**{w1[i, j]: f"w^{{(1)}}_{{{i + 1}{j + 1}}}" for i in range(3) for j in range(3)},
             **{b1[i]: f"b^{{(1)}}_{{{i + 1}}}" for i in range(3)}, **{w2[j]: f"w^{{(2)}}_{{{j + 1}}}" for j in range(3)},
             b2: "b^{(2)}", **{x[j]: f"x_{{{j + 1}}}" for j in range(3)}}
    example = rf"\frac{{\partial C}}{{\partial w^{{(1)}}_{{11}}}} = {sp.latex(grads[0], symbol_names=names)}"
    return Derivation(lines, example, fn)


def gradients_at(bp: Backprop) -> dict[str, np.ndarray]:
    """SymPy's derivatives of the whole network's cost, evaluated at this sample and these weights."""
    d = derive(bp.network.activation, bp.loss)
    w = bp.weights
    values = np.array(d.gradient(*w["W1"].ravel(), *w["B1"].ravel(), *w["W2"].ravel(), w["B2"][0, 0],
                                 *bp.X.ravel(), float(bp.label)), dtype=float)
    out, k = {}, 0
    for name in PARAMS:
        n = int(np.prod(SHAPES[name]))
        out[name] = values[k:k + n].reshape(SHAPES[name])
        k += n
    return out
