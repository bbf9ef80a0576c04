"""One step of learning for one colour, every derivative with the chapter's names and real numbers.

For a sample (colour, label) and the chapter's 3-3-1 network this gives the forward matrices (X, Z1, A1, Z2,
A2, C), each chain-rule factor (dC/dA2, dA2/dZ2, ...), each product (dC/dW2, ..., dC/dB1), a central
finite-difference estimate beside every gradient entry, and one step W <- W - L dC/dW with the cost before
and after. The network's own `forward`, `cost` and `gradients` do the arithmetic that training uses; the
factors here are the same chain rule written out term by term, and the tests hold the two equal.

It also keeps what the chapter's listing prints, `dC_dW1 = dC_dA1 @ dA1_dZ1 @ dZ1_dW1.T`: for one sample that
is a (1,3) @ (3,1) product, one number, times X^T, so every hidden node gets the same 1x3 update (and the
same bias update). fontnet/printed_update.py trains 100,000 iterations both ways from the same start.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import _plain, colors, data
from .activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, d_logistic, logistic
from .network import LOSSES, Network
from .parsing import counted

PARAMS = ("W1", "B1", "W2", "B2")
SHAPES = {"W1": (3, 3), "B1": (3, 1), "W2": (1, 3), "B2": (1, 1)}
FD_STEP = 1e-4  # central differences: each step moves a weighted sum Z by this much (see finite_differences)
KINK = 1e-6  # a ReLU input this close to 0 sits at the kink, where the slope is not defined
KINKED = ("relu", "leaky_relu")
TINY = 1e-12  # gradients this small on both sides have no digits left to compare in double precision
EXPLODED = _plain.EXPLODED  # a weight beyond this counts as a step that blew up, as in training
LABELS = {"dark": 1, "light": 0}
LOSS_NAMES = {"squared": "squared error (A2 − Y)²", "cross_entropy": "cross-entropy −[Y ln A2 + (1 − Y) ln(1 − A2)]"}
LOSS_SHORT = {"squared": "squared error", "cross_entropy": "cross-entropy"}   # the names alone, for a narrow box

# The chapter's backward pass as printed, one line per row: the code, and the shapes it multiplies.
PRINTED_LINES = (
    ("dC_dW2 = dC_dA2 @ dA2_dZ2 @ dZ2_dW2.T", "(1,1) @ (1,1) @ (1,3) → (1,3)"),
    ("dC_dB2 = dC_dA2 @ dA2_dZ2 * dZ2_dB2", "(1,1) @ (1,1) * 1 → (1,1)"),
    ("dC_dA1 = dC_dA2 @ dA2_dZ2 @ dZ2_dA1", "(1,1) @ (1,1) @ (1,3) → (1,3)"),
    ("dC_dW1 = dC_dA1 @ dA1_dZ1 @ dZ1_dW1.T", "(1,3) @ (3,1) @ (1,3) → (1,1) @ (1,3) → (1,3)"),
    ("dC_dB1 = dC_dA1 @ dA1_dZ1 * dZ1_dB1", "(1,3) @ (3,1) * 1 → (1,1)"),
    ("w_hidden -= L * dC_dW1", "(3,3) − (1,3): the one row is broadcast to all three hidden nodes"),
    ("b_hidden -= L * dC_dB1", "(3,1) − (1,1): the one number is broadcast to all three biases"),
)


class BackpropError(ValueError):
    """A network or sample this page cannot explain; the message names the problem."""


@dataclass(frozen=True)
class Term:
    """One named matrix: its name as the chapter writes it, how it is computed, and its value."""

    name: str
    formula: str
    value: np.ndarray

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.value.shape)


@dataclass(frozen=True)
class Backprop:
    """Everything one backward pass shows for one sample."""

    rgb: colors.RGB
    label: int  # 1: dark text, 0: light text
    network: Network  # the network explained (a copy, with the activation and loss in use)
    forward: tuple[Term, ...]  # X, Z1, A1, Z2, A2
    cost: float
    factors: tuple[Term, ...]  # dC/dA2, dA2/dZ2, dZ2/dW2, dZ2/dB2, dZ2/dA1, dA1/dZ1, dZ1/dW1, dZ1/dB1
    products: tuple[Term, ...]  # dC/dZ2, dC/dW2, dC/dB2, dC/dA1, dC/dZ1, dC/dW1, dC/dB1
    gradients: dict[str, np.ndarray]  # W1, B1, W2, B2 from Network.gradients
    printed: tuple[Term, ...]  # the listing's dC_dW1, dC_dB1 and the W1, B1 updates they broadcast to
    kinks: tuple[int, ...]  # hidden nodes whose ReLU input is within KINK of 0

    def term(self, name: str) -> Term:
        """The forward matrix, factor, product or printed line called `name` (as the chapter writes it)."""
        for group in (self.forward, self.factors, self.products, self.printed):
            for t in group:
                if t.name == name:
                    return t
        raise KeyError(name)

    @property
    def X(self) -> np.ndarray:
        return self.forward[0].value

    @property
    def Y(self) -> np.ndarray:
        return np.array([[float(self.label)]])

    @property
    def weights(self) -> dict[str, np.ndarray]:
        return params(self.network)

    @property
    def loss(self) -> str:
        return self.network.setting("loss")


def params(net: Network) -> dict[str, np.ndarray]:
    """W1, B1, W2, B2 of a 3-3-1 network (the arrays themselves, not copies)."""
    (W1, W2), (B1, B2) = net.weights_, net.biases_
    return {"W1": W1, "B1": B1, "W2": W2, "B2": B2}


def check_chapter_shape(net: Network) -> None:
    """The page follows the chapter's 3-3-1 network with one P(dark text) output."""
    shapes = [W.shape for W in getattr(net, "weights_", [])]
    if shapes != [(3, 3), (1, 3)]:
        hidden = ",".join(str(W.shape[0]) for W in net.weights_[:-1]) if shapes else "none"
        raise BackpropError(f"this network has hidden layers ({hidden}); the chapter's network has one layer of 3 "
                            "nodes between 3 inputs and 1 output")


def network_from(W1, B1, W2, B2, activation: str = "relu", loss: str = "squared") -> Network:
    """A 3-3-1 network holding these weights (copied), ready for forward, cost and gradients."""
    return Network.from_weights([np.reshape(W1, (3, 3)), np.reshape(W2, (1, 3))],
                                [np.reshape(B1, (3, 1)), np.reshape(B2, (1, 1))], (0, 1), activation, loss=loss)


def configured(net: Network, activation: str | None = None, loss: str | None = None) -> Network:
    """A copy of `net` (writable, even when `net` is the shared read-only default) with this activation and loss."""
    check_chapter_shape(net)
    activation = activation or net.activation
    loss = loss or net.setting("loss")
    if activation not in HIDDEN_ACTIVATIONS:
        raise BackpropError(f"hidden activation must be one of {', '.join(HIDDEN_ACTIVATIONS)}, got {activation!r}")
    if loss not in LOSSES:
        raise BackpropError(f"loss must be one of {', '.join(LOSSES)}, got {loss!r}")
    p = params(net)
    out = network_from(p["W1"], p["B1"], p["W2"], p["B2"], activation, loss)
    out.n_iter_ = int(getattr(net, "n_iter_", 0))
    return out


def fresh_network(seed: int, activation: str = "relu", loss: str = "squared") -> Network:
    """The chapter's starting point: every weight and bias uniform in [0, 1), drawn from `seed`."""
    net = Network((3,), activation, mode="chapter", loss=loss, random_state=int(seed))
    net.initialize(np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]]), np.array([0, 1]))
    return net


def sample(rgb, label: int | str | None = None) -> tuple[np.ndarray, np.ndarray, int]:
    """X (3, 1) scaled by 1/255, Y (1, 1), and the label: the formula's unless given (1/'dark' or 0/'light')."""
    rgb = tuple(int(v) for v in rgb)
    if len(rgb) != 3 or not all(0 <= v <= 255 for v in rgb):
        raise BackpropError(f"colour must be three values 0–255, got {rgb}")
    if label is None or label == "formula":
        y = int(colors.formula_label(rgb))
    elif label in LABELS:
        y = LABELS[label]
    elif label in (0, 1):
        y = int(label)
    else:
        raise BackpropError(f"label must be dark, light or formula, got {str(label)[:20]!r}")
    return data.scale(rgb).reshape(3, 1), np.array([[float(y)]]), y


def kinks(net: Network, Z1: np.ndarray) -> tuple[int, ...]:
    """Hidden nodes (0-based) whose ReLU-family input is within KINK of 0: their slope there is a choice."""
    if net.activation not in KINKED:
        return ()
    return tuple(int(i) for i in np.flatnonzero(np.abs(Z1[:, 0]) <= KINK))


def explain(net: Network, rgb, label: int | str | None = None, *, activation: str | None = None,
            loss: str | None = None) -> Backprop:
    """The forward pass, every chain-rule factor and product, and what the listing prints, for one sample."""
    net = configured(net, activation, loss)
    X, Y, y = sample(rgb, label)
    f = ACTIVATIONS[net.activation]
    fwd = net.forward(X)
    (Z1, Z2), (A1, A2) = fwd.Z, fwd.A
    p = params(net)
    C = net.cost(fwd, Y)
    squared = net.setting("loss") == "squared"

    # the chapter's factors, one line each; X and A1 are columns (3,1), W2 a row (1,3)
    if squared:
        dC_dA2 = Term("dC/dA2", "2(A2 − Y)", 2 * (A2 - Y))
    else:
        # −Y/A2 + (1 − Y)/(1 − A2), one term per label, with 1 − A2 = logistic(−Z2): finite where A2 rounds to 1
        dC_dA2 = Term("dC/dA2", "−Y / A2 + (1 − Y) / (1 − A2)",
                      np.where(Y == 1, -1 / A2, 1 / logistic(-Z2)))
    dA2_dZ2 = Term("dA2/dZ2", "logistic′(Z2) = A2(1 − A2)", d_logistic(Z2))
    dZ2_dW2 = Term("dZ2/dW2", "A1", A1.copy())
    dZ2_dB2 = Term("dZ2/dB2", "1", np.ones((1, 1)))
    dZ2_dA1 = Term("dZ2/dA1", "W2", p["W2"].copy())
    dA1_dZ1 = Term("dA1/dZ1", f"{f.label}′(Z1)", f.derivative(Z1))
    dZ1_dW1 = Term("dZ1/dW1", "X", X.copy())
    dZ1_dB1 = Term("dZ1/dB1", "1", np.ones((1, 1)))

    # the products: each node's own slope
    if squared:
        dC_dZ2 = Term("dC/dZ2", "dC/dA2 · dA2/dZ2", dC_dA2.value * dA2_dZ2.value)
    else:  # the logistic's A2(1 − A2) cancels against cross-entropy's denominator
        dC_dZ2 = Term("dC/dZ2", "dC/dA2 · dA2/dZ2 = A2 − Y", A2 - Y)
    dC_dW2 = Term("dC/dW2", "dC/dZ2 · dZ2/dW2ᵀ", dC_dZ2.value @ dZ2_dW2.value.T)               # (1,1)(1,3)
    dC_dB2 = Term("dC/dB2", "dC/dZ2 · dZ2/dB2", dC_dZ2.value * dZ2_dB2.value)
    dC_dA1 = Term("dC/dA1", "dC/dZ2 · dZ2/dA1", dC_dZ2.value @ dZ2_dA1.value)                  # (1,1)(1,3)
    dC_dZ1 = Term("dC/dZ1", "dC/dA1ᵀ ⊙ dA1/dZ1 (node by node)", dC_dA1.value.T * dA1_dZ1.value)  # (3,1)
    dC_dW1 = Term("dC/dW1", "dC/dZ1 · dZ1/dW1ᵀ", dC_dZ1.value @ dZ1_dW1.value.T)               # (3,1)(1,3)
    dC_dB1 = Term("dC/dB1", "dC/dZ1 · dZ1/dB1", dC_dZ1.value * dZ1_dB1.value)

    # the listing as printed: (1,3) @ (3,1) collapses the hidden nodes into one number
    one = dC_dA1.value @ dA1_dZ1.value
    printed_W1 = one @ dZ1_dW1.value.T
    printed_B1 = one * dZ1_dB1.value
    printed = (
        Term("printed dC_dW1", "dC_dA1 @ dA1_dZ1 @ dZ1_dW1.T", printed_W1),
        Term("printed dC_dB1", "dC_dA1 @ dA1_dZ1 * dZ1_dB1", printed_B1),
        Term("printed W1 update", "dC_dW1 broadcast over w_hidden's 3 rows", np.broadcast_to(printed_W1, (3, 3)).copy()),
        Term("printed B1 update", "dC_dB1 broadcast over b_hidden's 3 rows", np.broadcast_to(printed_B1, (3, 1)).copy()),
    )

    dWs, dBs, _ = net.gradients(X, Y)
    forward = (Term("X", "[R, G, B]ᵀ / 255", X), Term("Z1", "W1 · X + B1", Z1), Term("A1", f"{f.label}(Z1)", A1),
               Term("Z2", "W2 · A1 + B2", Z2), Term("A2", "logistic(Z2) = P(dark text)", A2))
    return Backprop(
        tuple(int(v) for v in rgb), y, net, forward, C,
        (dC_dA2, dA2_dZ2, dZ2_dW2, dZ2_dB2, dZ2_dA1, dA1_dZ1, dZ1_dW1, dZ1_dB1),
        (dC_dZ2, dC_dW2, dC_dB2, dC_dA1, dC_dZ1, dC_dW1, dC_dB1),
        {"W1": dWs[0], "B1": dBs[0], "W2": dWs[1], "B2": dBs[1]},
        printed, kinks(net, Z1),
    )


# ---- checked, not claimed: central finite differences ------------------------------------------------------
def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> np.ndarray:
    """|a − n| / max(|a|, |n|) entry by entry: 0 where they are equal (a dead ReLU's exact 0 on both sides),
    NaN where they differ but both are below TINY (no digits left to compare in double precision)."""
    a, n = np.asarray(analytic, dtype=float), np.asarray(numeric, dtype=float)
    scale = np.maximum(np.abs(a), np.abs(n))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(a == n, 0.0, np.where(scale >= TINY, np.abs(a - n) / scale, np.nan))


def finite_differences(net: Network, X: np.ndarray, Y: np.ndarray, h: float = FD_STEP) -> dict[str, np.ndarray]:
    """(C(p + s) − C(p − s)) / 2s for every weight and bias, by the network's own forward pass and cost.

    Each weighted sum is linear in its weights, so the step s on a weight is chosen to move that node's sum
    Z by h: s = h / x for a weight that multiplies input x (a weight on a zero input has slope exactly 0).
    Every entry then carries the same signal above rounding, however dark the colour. A ReLU-family node is
    a straight line on each side of its kink, so there the step moves its output A1 by h (a leaky node's
    negative side, slope 0.01, takes a 100 times larger step in Z1), but never more than half the node's
    distance from the kink, so the estimate never straddles it (except at the kink itself, which `kinks`
    reports).
    """
    net = configured(net)
    fwd = net.forward(X)
    Z1, A1 = fwd.Z[0][:, 0], fwd.A[0][:, 0]
    slopes = ACTIVATIONS[net.activation].derivative(Z1)
    out = {}
    for name, P in params(net).items():
        est = np.zeros_like(P)
        for idx in np.ndindex(P.shape):
            hz = h
            if name in ("W1", "B1") and net.activation in KINKED:
                z, slope = abs(Z1[idx[0]]), abs(slopes[idx[0]])
                hz = h / slope if slope > 0 else h  # on a straight piece: move A1 (not Z1) by h
                if z > KINK:
                    hz = min(hz, z / 2)
            x = {"W1": X[idx[1], 0], "W2": A1[idx[1]]}.get(name, 1.0)
            if x == 0:
                continue  # the weight multiplies 0: C does not depend on it at all
            s = hz / abs(x)
            old = P[idx]
            P[idx] = old + s
            up = net.cost(net.forward(X), Y)
            P[idx] = old - s
            down = net.cost(net.forward(X), Y)
            P[idx] = old
            est[idx] = (up - down) / (2 * s)
        out[name] = est
    return out


def _worst(errors) -> float:
    """The largest of several relative-error arrays, leaving out NaN (no digits to compare); 0 if nothing is left."""
    vals = np.concatenate([np.ravel(e) for e in errors])
    vals = vals[~np.isnan(vals)]
    return float(vals.max()) if len(vals) else 0.0


@dataclass(frozen=True)
class Check:
    """The analytic gradient, its finite-difference estimate and their relative error, per parameter."""

    analytic: dict[str, np.ndarray]
    numeric: dict[str, np.ndarray]
    error: dict[str, np.ndarray]
    kinks: tuple[int, ...]

    @property
    def compared(self) -> int:
        """How many of the 16 entries have digits to compare (the rest are below TINY on both sides)."""
        return int(sum(np.sum(~np.isnan(e)) for e in self.error.values()))

    @property
    def worst(self) -> float:
        """The largest relative error over the entries that have digits to compare (0 if none)."""
        return _worst(self.error.values())


def check(bp: Backprop, h: float = FD_STEP) -> Check:
    """Finite differences beside every gradient entry of an explained sample."""
    numeric = finite_differences(bp.network, bp.X, bp.Y, h)
    return Check(bp.gradients, numeric, {k: relative_error(bp.gradients[k], numeric[k]) for k in PARAMS}, bp.kinks)


def random_case(rng: np.random.Generator, k: int) -> tuple[Network, colors.RGB, int]:
    """One random (network, colour, label) case: even k the chapter's uniform [0, 1) start from a random seed,
    odd k weights uniform in [-1, 1) (so some ReLUs are off and some inputs negative)."""
    seed = int(rng.integers(0, 2**31))
    net = (fresh_network(seed) if k % 2 == 0
           else network_from(*(np.random.default_rng(seed).uniform(-1, 1, s) for s in SHAPES.values())))
    return net, tuple(int(c) for c in rng.integers(0, 256, 3)), int(rng.integers(0, 2))


def gradient_check(activation: str, loss: str, n: int = 1000, seed: int = 0) -> dict:
    """The finite-difference check on `n` random cases: the worst relative error over every entry with digits to
    compare, how many entries were compared, and how many cases were skipped for a ReLU at its kink."""
    rng = np.random.default_rng(seed)
    worst, compared, skipped = 0.0, 0, 0
    for k in range(n):
        net, rgb, label = random_case(rng, k)
        b = explain(net, rgb, label, activation=activation, loss=loss)
        if b.kinks:
            skipped += 1
            continue
        c = check(b)
        compared += c.compared
        worst = max(worst, c.worst)
    return {"activation": activation, "loss": loss, "cases": n, "worst": worst, "compared": compared,
            "skipped": skipped}


def worst_error(chk: Check, printed: Backprop | None = None, names: tuple[str, ...] = ("W1", "B1")) -> float:
    """The worst relative error against the finite differences over W1 and B1: of the chain rule's gradient,
    or, given `printed`, of the update the chapter's listing gives for that sample."""
    return _worst(relative_error(printed.term(f"printed {k} update").value if printed else chk.analytic[k],
                                 chk.numeric[k]) for k in names)


# ---- the step ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    """One update W <- W − L dC/dW on one sample. `after` is None when the step blew up (see `problem`)."""

    before: Network
    after: Network | None
    learning_rate: float
    cost_before: float
    cost_after: float
    problem: str | None = None


def blew_up(net: Network) -> bool:
    return not all(np.all(np.isfinite(p)) and np.max(np.abs(p)) < EXPLODED for p in params(net).values())


def step(net: Network, X: np.ndarray, Y: np.ndarray, learning_rate: float) -> Step:
    """W <- W − L · dC/dW for W1, B1, W2, B2 on one sample; the given network is never changed."""
    lr = float(learning_rate)
    if not (math.isfinite(lr) and lr > 0):
        raise BackpropError(f"learning rate must be a positive number, got {learning_rate!r}")
    before = configured(net)
    dWs, dBs, C = before.gradients(X, Y)
    after = configured(before)
    for P, G in zip((*after.weights_, *after.biases_), (*dWs, *dBs)):
        P -= lr * G
    after.n_iter_ += 1
    cost_after = after.cost(after.forward(X), Y) if not blew_up(after) else math.nan
    if not math.isfinite(cost_after):
        return Step(before, None, lr, C, math.nan,
                    f"With learning rate {lr:g}, this step blows up: a weight would grow past {EXPLODED:g}, or the "
                    "cost would stop being a finite number, so there is no updated network. Try a smaller learning "
                    "rate.")
    return Step(before, after, lr, C, cost_after)


@dataclass(frozen=True)
class Steps:
    """N updates on random training rows: the network after the last good one and each update's cost."""

    after: Network
    costs: np.ndarray  # the cost on each update's row, before that update (as training's loss curve)
    rows: np.ndarray
    problem: str | None = None


@lru_cache(maxsize=1)
def training_rows() -> tuple[np.ndarray, np.ndarray]:
    """The chapter's training rows (inputs scaled, labels), as the default model was trained on."""
    X_train, _, y_train, _ = data.split(data.chapter_dataset())
    X_train.setflags(write=False)
    y_train.setflags(write=False)
    return X_train, y_train


def random_steps(net: Network, n: int, learning_rate: float, seed: int = 0) -> Steps:
    """`n` steps, each on one random training row (the chapter's SGD); stops at a step that blows up."""
    if not 1 <= int(n) <= 100_000:
        raise BackpropError(f"number of steps must be 1–100,000, got {n}")
    X_train, y_train = training_rows()
    rows = np.random.default_rng(seed).integers(0, len(X_train), int(n))
    lr = float(learning_rate)
    current = configured(net)
    costs = np.empty(len(rows))
    for k, r in enumerate(rows):
        dWs, dBs, costs[k] = current.gradients(X_train[r].reshape(3, 1), np.array([[float(y_train[r])]]))
        new = [P - lr * G for P, G in zip((*current.weights_, *current.biases_), (*dWs, *dBs))]
        # NaN fails `<` too, so this also stops at a cost or weight that is no longer a number
        if not (math.isfinite(costs[k]) and all(np.abs(P).max() < EXPLODED for P in new)):
            kept = "is unchanged" if k == 0 else f"is kept as it was after {counted(k, 'step')}"
            return Steps(current, costs[:k], rows[:k],
                         f"Step {k + 1:,} of {len(rows):,} blew up (learning rate {lr:g}): the network {kept}. Try "
                         "a smaller learning rate.")
        current.weights_, current.biases_ = new[:2], new[2:]
        current.n_iter_ += 1
    return Steps(current, costs, rows)


# ---- what the command line prints ---------------------------------------------------------------------------
def summary(bp: Backprop, learning_rate: float) -> dict:
    """The JSON of `python -m fontnet backprop`: weights, forward, cost, gradients, printed, cost_after."""
    s = step(bp.network, bp.X, bp.Y, learning_rate)
    fwd = {t.name: t.value.tolist() for t in bp.forward[1:]}
    return {
        "colour": colors.to_hex(bp.rgb), "label": "dark" if bp.label else "light",
        "activation": bp.network.activation, "loss": bp.loss, "learning_rate": learning_rate,
        "weights": {k: v.tolist() for k, v in bp.weights.items()},
        "forward": fwd, "cost": bp.cost,
        "gradients": {k: v.tolist() for k, v in bp.gradients.items()},
        "printed": {"W1": bp.term("printed W1 update").value.tolist(), "B1": bp.term("printed B1 update").value.tolist()},
        "cost_after": s.cost_after if s.after is not None else None,
        **({"problem": s.problem} if s.problem else {}),
    }

