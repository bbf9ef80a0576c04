"""The cost surface: the training cost over a grid of two of the network's parameters, the others held.

The chapter's network has 16 parameters, so its cost is a surface in 17 dimensions. Picking two parameters and
holding the other 14 at the run's current values gives a 2-D slice through it that a page can draw as a map: the
run's path (its checkpoints, projected on the two) goes on top, and the current gradient as an arrow. Earlier
points of the path had other values for the 14, so they lie on other slices: the map says so.

The grid is computed in one vectorised pass per block of rows: only the hidden nodes the two parameters touch are
recomputed, on a (rows, columns, samples) array; the untouched nodes' share of Z2 is computed once.
Networks with one hidden layer and one logistic output (the chapter's shape, any width and activation).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS
from .network import DivergenceError, Network
from .params import flat_weights as flat
from .params import weight_names as parameter_names

GRID = 60          # the map's grid: GRID x GRID values of the two parameters
FIRST_UPDATES = 50  # the first updates replayed one by one: a too-large learning rate shows as a zigzag there
BLOCK_ROWS = 12    # grid rows computed at once (bounds the temporary arrays at BLOCK_ROWS x GRID x samples)
PAD = 0.2          # the grid reaches this share of the path's span beyond it on every side...
MIN_HALF_WIDTH = 0.25  # ...and at least this far from the current value


class SurfaceError(ValueError):
    """A network whose surface this module cannot draw; the message says why."""


def check_shape(net: Network) -> None:
    """The surface follows networks with one hidden layer and one output."""
    if len(net.weights_) != 2 or net.weights_[1].shape[0] != 1:
        widths = "-".join(str(W.shape[0]) for W in net.weights_[:-1])
        raise SurfaceError(f"the cost surface follows networks with one hidden layer and one output; this one has "
                           f"hidden layers {widths}")


def _locate(net: Network, k: int) -> tuple[str, int, int]:
    """Flat index k as (array, row, column): ('W1', i, j), ('B1', i, 0), ('W2', 0, i) or ('B2', 0, 0)."""
    h, m = net.weights_[0].shape
    if not 0 <= k <= h * m + 2 * h:
        raise SurfaceError(f"parameter {k} is not one of the network's {h * m + 2 * h + 1}")
    if k < h * m:
        return "W1", k // m, k % m
    if k < h * m + h:
        return "B1", k - h * m, 0
    if k < h * m + 2 * h:
        return "W2", 0, k - h * m - h
    return "B2", 0, 0


def cost_grid(net: Network, X: np.ndarray, Y: np.ndarray, pair: tuple[int, int], a: np.ndarray,
              b: np.ndarray) -> np.ndarray:
    """The cost C on rows X (n, 3) with targets Y (n,), for parameter pair[0] at each value of `a` and pair[1]
    at each value of `b`, every other parameter as in `net`. Returns (len(b), len(a)): rows follow b (the map's
    y), columns follow a (x). The cost is the network's own: squared error or cross-entropy, averaged over n."""
    check_shape(net)
    if pair[0] == pair[1]:
        raise SurfaceError("pick two different parameters")
    X = np.asarray(X, dtype=float)
    Y = np.asarray(Y, dtype=float).ravel()
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    f = ACTIVATIONS[net.activation].fn
    squared = net.setting("loss") == "squared"
    (W1, W2), (B1, B2) = net.weights_, net.biases_
    where = [_locate(net, k) for k in pair]
    touched = sorted({i if arr in ("W1", "B1") else j for arr, i, j in where if arr != "B2"})
    Z1 = X @ W1.T + B1[:, 0]                  # (n, h): every node's weighted sum, as it is now
    A1 = f(Z1)
    others = [r for r in range(W1.shape[0]) if r not in touched]
    fixed = A1[:, others] @ W2[0, others]     # (n,): the untouched nodes' share of Z2
    sign = 1.0 - 2.0 * Y        # +1 where Y = 0, -1 where Y = 1: a sample's cost depends on sign * Z2 alone
    fixed = fixed * sign
    out = np.empty((len(b), len(a)))
    params = {"W1": W1, "B1": B1, "W2": W2, "B2": B2}
    for top in range(0, len(b), BLOCK_ROWS):
        rows = b[top:top + BLOCK_ROWS]
        # the two parameters' values, (1, A, 1) and (rows, 1, 1): they broadcast to (rows, A, n)
        grid = dict(zip(where, (a[None, :, None], rows[:, None, None])))

        def value(arr: str, i: int, j: int, grid=grid) -> np.ndarray | float:
            return grid.get((arr, i, j), float(params[arr][i, j]))

        # q = sign * Z2, each part with only the axes it varies along; the full (rows, A, n) array once, at the end
        q = value("B2", 0, 0) * sign + fixed
        for r in touched:
            z = value("B1", r, 0)
            for m in range(X.shape[1]):
                z = z + value("W1", r, m) * X[:, m]
            q = q + value("W2", 0, r) * (sign * f(z))
        full = np.empty((len(rows), len(a), len(Y)))
        full[...] = q
        out[top:top + len(rows)] = _cost(full, squared)
    return out


def _cost(q: np.ndarray, squared: bool) -> np.ndarray:
    """The mean cost over the last axis from q = sign * Z2 (overwritten). Squared error: (A2 - Y)^2 is
    logistic(Z2)^2 where Y = 0 and logistic(-Z2)^2 where Y = 1, so logistic(q)^2; cross-entropy: log(1 + e^q)."""
    if not squared:
        return np.logaddexp(0.0, q).mean(axis=-1)
    with np.errstate(over="ignore"):        # e^(-q) may overflow to inf: logistic(q) is then exactly 0
        np.negative(q, out=q)
        np.exp(q, out=q)
    q += 1.0
    np.reciprocal(q, out=q)
    q *= q
    return q.mean(axis=-1)


def gradient(net: Network, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """dC/d(every parameter) on rows X (n, 3), targets Y (n,): the chain rule (Network.gradients), flattened."""
    dWs, dBs, _ = net.gradients(np.asarray(X, dtype=float).T, np.asarray(Y, dtype=float).reshape(1, -1))
    return np.concatenate([np.concatenate([dW.ravel(), dB.ravel()]) for dW, dB in zip(dWs, dBs)])


def moved_most(path: np.ndarray, grad: np.ndarray) -> tuple[int, int]:
    """The two parameters the path moved most from its start (ties and a path that has not moved yet: the two
    with the steepest slope now)."""
    moved = np.abs(path[-1] - path[0]) if len(path) else np.zeros_like(grad)
    order = np.lexsort((-np.abs(grad), -moved))     # by movement, then by slope
    return int(order[0]), int(order[1])


def grid_axis(values: np.ndarray, current: float, size: int = GRID) -> np.ndarray:
    """`size` values spanning every value in `values` and `current`, with room around them."""
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    lo, hi = min(finite.min(initial=current), current), max(finite.max(initial=current), current)
    pad = max(PAD * (hi - lo), MIN_HALF_WIDTH)
    return np.linspace(lo - pad, hi + pad, size)


@dataclass(frozen=True)
class Surface:
    """A slice of the cost over two parameters, with the run's path and the gradient at the current point."""

    names: tuple[str, str]       # the two parameters, e.g. ("W1[1,1]", "B2[1]")
    pair: tuple[int, int]        # their positions in `flat`
    a: np.ndarray                # the x values
    b: np.ndarray                # the y values
    cost: np.ndarray             # (len(b), len(a))
    point: tuple[float, float]   # the current values of the two
    point_cost: float            # the cost there (the network's own forward pass)
    slope: tuple[float, float]   # dC/d(each of the two) there
    path: np.ndarray             # (k, 2): the checkpoints' values of the two, oldest first; the last is `point`
    fine: np.ndarray             # (m, 2): the first updates, one by one (empty when not replayed)
    rows: int                    # how many samples the cost averages over
    held: int                    # how many parameters are held at their current values
    loss: str


def surface(net: Network, X: np.ndarray, y: np.ndarray, path: np.ndarray, pair: tuple[int, int] | None = None,
            fine: np.ndarray | None = None, also: np.ndarray | None = None, size: int = GRID) -> Surface:
    """The cost of `net` on rows X (n, 3), labels y (n,) over two parameters (default: the two `path` moved
    most), on a grid that holds the path (flat weights per checkpoint, oldest first), the first updates
    `fine` (flat weights per update) and any points in `also` (flat weights, e.g. where a step lands)."""
    check_shape(net)
    y = np.asarray(y, dtype=float).ravel()
    now = flat(net)
    path = np.vstack([np.asarray(path, dtype=float).reshape(-1, len(now)), now[None, :]])
    if len(path) > 1 and np.array_equal(path[-2], now):
        path = path[:-1]
    fine = np.empty((0, len(now))) if fine is None else np.asarray(fine, dtype=float).reshape(-1, len(now))
    grad = gradient(net, X, y)
    if pair is None:
        pair = moved_most(path, grad)
    names = parameter_names(net)
    i, j = (int(k) for k in pair)
    for k in (i, j):
        if not 0 <= k < len(now):
            raise SurfaceError(f"parameter {k} is not one of the network's {len(now)}")
    shown = np.vstack([path, fine, np.empty((0, len(now))) if also is None else np.reshape(also, (-1, len(now)))])
    a = grid_axis(shown[:, i], now[i], size)
    b = grid_axis(shown[:, j], now[j], size)
    return Surface((names[i], names[j]), (i, j), a, b, cost_grid(net, X, y, (i, j), a, b),
                   (float(now[i]), float(now[j])), net.loss_on(X, y.astype(int)), (float(grad[i]), float(grad[j])),
                   path[:, [i, j]], fine[:, [i, j]], len(y), len(now) - 2, net.setting("loss"))


def replay(net: Network, X: np.ndarray, y: np.ndarray, steps: int = FIRST_UPDATES) -> np.ndarray:
    """The flat weights after each of the first `steps` updates of a run that starts where `net` (untrained,
    with its seed's random stream) starts: the same updates the run made, since a seeded run is the same however
    it is chunked. Stops early where training diverges. `net` is not changed."""
    import copy

    twin = copy.deepcopy(net)
    out = [flat(twin)]
    for _ in range(steps):
        try:
            twin.partial_fit(X, y, 1)
        except DivergenceError:
            break
        out.append(flat(twin))
    return np.array(out)


def descends(s: Surface) -> np.ndarray:
    """The direction of the next full-batch step in the two parameters: minus the slope (for the arrow)."""
    return -np.asarray(s.slope)


def reversals(points: np.ndarray) -> float:
    """The share of consecutive moves along `points` (k, 2) that turn back by more than 90 degrees: near 0 for a
    path that walks downhill, high for one that overshoots the valley and bounces across it."""
    moves = np.diff(np.asarray(points, dtype=float), axis=0)
    moves = moves[np.any(moves != 0, axis=1)]
    if len(moves) < 2:
        return 0.0
    return float(np.mean(np.sum(moves[1:] * moves[:-1], axis=1) < 0))
