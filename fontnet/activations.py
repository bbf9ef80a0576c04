"""Table 7-1: the common activation functions, as one structure.

The network, the Activations page's table and its plots all read `ACTIVATIONS`.
Every function takes and returns NumPy arrays and is numerically stable for |z| up to 1e4.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .parsing import number_words, quoted

Array = np.ndarray
LEAKY_SLOPE = 0.01


def linear(z: Array) -> Array:
    return np.asarray(z, dtype=float) * 1.0


def d_linear(z: Array) -> Array:
    return np.ones_like(np.asarray(z, dtype=float))


def logistic(z: Array) -> Array:
    # exp of a non-positive number never overflows; both branches share it.
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    p = 1.0 / (1.0 + e)
    return np.where(z >= 0, p, e * p)


def d_logistic(z: Array) -> Array:
    s = logistic(z)
    return s * (1.0 - s)


def tanh(z: Array) -> Array:
    return np.tanh(np.asarray(z, dtype=float))


def d_tanh(z: Array) -> Array:
    t = np.tanh(np.asarray(z, dtype=float))
    return 1.0 - t * t


def relu(z: Array) -> Array:
    return np.maximum(np.asarray(z, dtype=float), 0.0)


def d_relu(z: Array) -> Array:
    return (np.asarray(z, dtype=float) > 0).astype(float)


def leaky_relu(z: Array, slope: float = LEAKY_SLOPE) -> Array:
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, slope * z)


def d_leaky_relu(z: Array, slope: float = LEAKY_SLOPE) -> Array:
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, 1.0, slope)


def softmax(z: Array, axis: int = 0) -> Array:
    """Softmax along `axis` (0: the chapter's column vectors). Shifting by the max keeps exp finite."""
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def d_softmax(z: Array, axis: int = 0) -> Array:
    """The Jacobian's diagonal, dsoftmax_i/dz_i = s_i(1 - s_i); the full Jacobian is diag(s) - s sᵀ."""
    s = softmax(z, axis=axis)
    return s * (1.0 - s)


def softmax_jacobian(z: Array) -> Array:
    """Full Jacobian diag(s) - s sᵀ of softmax for one vector of logits."""
    s = softmax(np.asarray(z, dtype=float).ravel())
    return np.diag(s) - np.outer(s, s)


@dataclass(frozen=True)
class Activation:
    """One row of Table 7-1, with what it takes to compute, plot and explain it."""

    name: str
    label: str
    fn: Callable[[Array], Array]
    derivative: Callable[[Array], Array]
    typical_layer: str
    description: str
    notes: str
    formula: str  # LaTeX
    derivative_formula: str  # LaTeX
    hidden: bool  # usable as a hidden-layer activation of fontnet's network


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in [
        Activation(
            "linear", "Linear", linear, d_linear,
            "Output",
            "Leaves values as they are.",
            "Not commonly used; a network of linear layers is only a linear model.",
            r"f(x) = x", r"f'(x) = 1", True,
        ),
        Activation(
            "logistic", "Logistic", logistic, d_logistic,
            "Output",
            "S-shaped sigmoid curve.",
            "Compresses values between 0 and 1, often assists binary classification.",
            r"f(x) = \frac{1}{1 + e^{-x}}", r"f'(x) = f(x)\,\bigl(1 - f(x)\bigr)", True,
        ),
        Activation(
            "tanh", "Tangent hyperbolic", tanh, d_tanh,
            "Hidden",
            "tanh, S-shaped sigmoid curve between -1 and 1.",
            "Assists in \u201ccentering\u201d data by bringing mean close to 0.",
            r"f(x) = \tanh x = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}", r"f'(x) = 1 - \tanh^2 x", True,
        ),
        Activation(
            "relu", "ReLU", relu, d_relu,
            "Hidden",
            "Turns negative values to 0.",
            "Popular activation faster than sigmoid and tanh, mitigates vanishing gradient "
            "problems and computationally cheap.",
            r"f(x) = \max(0, x)", r"f'(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}", True,
        ),
        Activation(
            "leaky_relu", "Leaky ReLU", leaky_relu, d_leaky_relu,
            "Hidden",
            "Multiplies negative values by 0.01.",
            "Controversial variant of ReLU that marginalizes rather than eliminates negative values.",
            r"f(x) = \begin{cases} x & x > 0 \\ 0.01\,x & x \le 0 \end{cases}",
            r"f'(x) = \begin{cases} 1 & x > 0 \\ 0.01 & x \le 0 \end{cases}", True,
        ),
        Activation(
            "softmax", "Softmax", softmax, d_softmax,
            "Output",
            "Ensures all output nodes add up to 1.0.",
            "Useful for multiple classifications and rescaling outputs so they add up to 1.0.",
            r"f(\mathbf{x})_i = \frac{e^{x_i}}{\sum_j e^{x_j}}",
            r"\frac{\partial f_i}{\partial x_j} = f_i\,(\delta_{ij} - f_j)", False,
        ),
    ]
}

HIDDEN_ACTIVATIONS: tuple[str, ...] = tuple(n for n, a in ACTIVATIONS.items() if a.hidden)


# --- What the Activations page computes: curves, softmax with temperature, gradients through depth ---

CURVE_POINTS = 401


def curve(name: str, x: Array, slope: float = LEAKY_SLOPE) -> tuple[Array, Array]:
    """Values f(x) and derivative f'(x) of activation `name` over the points `x`.

    Softmax maps a vector to a vector, so its curve is the two-class case: the first output of
    softmax([x, 0]) (which equals the logistic function), with derivative s(1 - s).
    """
    if name not in ACTIVATIONS:
        raise KeyError(f"unknown activation {name!r}; known: {', '.join(ACTIVATIONS)}")
    x = np.asarray(x, dtype=float)
    if name == "leaky_relu":
        return leaky_relu(x, slope), d_leaky_relu(x, slope)
    if name == "softmax":
        s = softmax(np.stack([x, np.zeros_like(x)]), axis=0)[0]
        return s, s * (1.0 - s)
    a = ACTIVATIONS[name]
    return a.fn(x), a.derivative(x)


def formulas(name: str, slope: float = LEAKY_SLOPE) -> tuple[str, str]:
    """LaTeX of f and f' from Table 7-1; leaky ReLU's shows the slope actually in use."""
    a = ACTIVATIONS[name]
    if name == "leaky_relu" and slope != LEAKY_SLOPE:
        shown = f"{slope:g}"
        return a.formula.replace("0.01", shown), a.derivative_formula.replace("0.01", shown)
    return a.formula, a.derivative_formula


class LogitsError(ValueError):
    """Logits text that cannot be read; the message names what is wrong."""


MIN_LOGITS, MAX_LOGITS = 3, 10


def parse_logits(text: str, min_count: int = MIN_LOGITS, max_count: int = MAX_LOGITS) -> Array:
    """Read logits such as `2.0, 1.0, 0.1` into a float vector: separated as every list of numbers typed on the
    pages is (`parsing.number_words`: commas, semicolons or spaces; brackets ignored; − reads as a minus)."""
    if not isinstance(text, str):
        raise LogitsError(f"logits must be text, got {type(text).__name__}")
    parts = number_words(text)
    count = f"give {min_count} to {max_count} numbers separated by commas; got {len(parts)}"
    if len(parts) > max_count:
        raise LogitsError(count)
    values = []
    for p in parts:   # a part that is not a number is named before the count ('1/2/3' is one such part)
        try:
            v = float(p)
        except ValueError:
            raise LogitsError(f"{quoted(p)} is not a number") from None
        if np.isnan(v):
            raise LogitsError(f"{quoted(p)} is not a number")
        if not np.isfinite(v) or abs(v) > 1e4:
            raise LogitsError(f"{quoted(p)} is outside -10000 to 10000")
        values.append(v)
    if len(values) < min_count:
        raise LogitsError(count)
    return np.array(values)


def softmax_with_temperature(logits: Array, t: float = 1.0) -> Array:
    """softmax(z / t): t > 1 flattens the probabilities towards uniform, t < 1 sharpens them towards the argmax."""
    if not (np.isfinite(t) and t > 0):
        raise ValueError(f"temperature must be a positive number, got {t!r}")
    return softmax(np.asarray(logits, dtype=float).ravel() / t)


def gradient_through_layers(name: str, depth: int, x: float = 0.0, slope: float = LEAKY_SLOPE) -> Array:
    """Gradient factor after 1..depth stacked layers whose weighted sums all equal `x`: f'(x)^k, k = 1..depth.

    Backpropagation multiplies one f'(z) per layer (weights taken as 1), so a derivative below 1 shrinks
    the gradient geometrically with depth.
    """
    if depth < 1:
        raise ValueError(f"depth must be at least 1, got {depth}")
    _, d = curve(name, np.array([float(x)]), slope)
    return np.cumprod(np.full(int(depth), d[0]))


def gradient_reading(depth: int, x: float = 0.0) -> str:
    """One sentence reading the gradient chart for logistic, tanh and ReLU at input `x` after `depth` layers."""
    def factor(name: str) -> tuple[float, float]:
        return float(curve(name, np.array([float(x)]))[1][0]), float(gradient_through_layers(name, depth, x)[-1])

    (dl, pl), (dt, pt), (dr, _) = factor("logistic"), factor("tanh"), factor("relu")
    layers = "layer" if depth == 1 else "layers"
    relu = ("ReLU passes it through unchanged (f' = 1 for positive inputs)" if dr == 1.0
            else "ReLU stops it completely (f' = 0 for inputs ≤ 0)")
    return (f"After {depth} logistic {layers} at x = {x:g} the gradient is {dl:.3g}^{depth} ≈ {pl:.1e} of what it was, "
            f"after {depth} tanh {layers} {dt:.3g}^{depth} ≈ {pt:.1e}; {relu}.")
