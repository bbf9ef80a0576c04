"""The chapter's neural network, shaped like a scikit-learn estimator.

    Z1 = W1 @ X + B1;  A1 = relu(Z1);  Z2 = W2 @ A1 + B2;  A2 = logistic(Z2)

X holds one sample per column, as in the chapter. Any number of inputs, hidden layers and widths;
one logistic output for two classes, softmax outputs for more. Training continues in chunks
(`partial_fit(X, y, steps)`), and a seeded run is bit-identical however it is chunked.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np

from . import _plain, _wide, parsing
from .activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, logistic, softmax
from .parsing import SettingsError

MODES = {
    # the chapter: per-sample SGD on squared error from uniform [0, 1) weights
    "chapter": dict(loss="squared", init="uniform", batch_size=1, optimizer="sgd",
                    learning_rate=0.05, max_iter=100_000),
    # what a practitioner would pick for 16 parameters: full-batch L-BFGS on cross-entropy, from He weights
    # with each hidden unit's kink through the middle of the data (see `_init_params`); the first trial step
    # of each line search is 1, the natural step of a quasi-Newton method
    "fast": dict(loss="cross_entropy", init="centred", batch_size=None, optimizer="lbfgs",
                 learning_rate=1.0, max_iter=25),
}
LOSSES = ("squared", "cross_entropy")
INITS = ("uniform", "he", "xavier", "auto", "centred")
OPTIMIZERS = ("sgd", "adam", "lbfgs")
MODEL_FORMAT = "fontnet-model"
LBFGS_MEMORY = 10  # (step, gradient change) pairs L-BFGS keeps, as scipy's L-BFGS-B does by default
MAX_LAYER_WIDTH = 1024
# Model files: every number is checked against these (fontnet.parsing), and outputs on PROBES random inputs
WEIGHT_LIMIT = _plain.EXPLODED      # training treats a weight beyond this as divergence, so no model holds one
MAX_LEARNING_RATE = 1e6
MAX_INT = 2**63 - 1
MAX_CLASSES = 1000
MAX_FILE_BYTES = 64_000_000         # a model file read from disk (uploads pass their own, smaller limit)
PROBES = 16

# Which loop trains the chapter's kind of run (one ReLU hidden layer, a logistic output, squared error, one row
# per SGD update): plain Python until use_compiled_loop() is called, the compiled loop after. Every other run
# uses the compiled loop, except wide networks (more than 16 inputs or nodes in a layer) on batches of 16 or more,
# which train in _wide's matrix products. The loops give the same numbers (tests/test_plain.py, tests/test_digits.py); only speed differs.
_compiled_loop = False


def use_compiled_loop() -> None:
    """Train every later run in the compiled (Numba) loop: loads Numba and the loop (compiled, or read from
    Numba's cache). For processes that train live or often (the Train page, the benchmark). Until it is called,
    a process that only needs the default model never loads Numba: on a fresh install that would mean a compile
    of several seconds, against about half a second for the chapter's run in plain Python."""
    global _compiled_loop
    from . import _kernel  # noqa: F401

    _compiled_loop = True


def compiled_loop_in_use() -> bool:
    return _compiled_loop


class NetworkError(ValueError):
    """Hyperparameters or inputs the network cannot use."""


class ModelFileError(ValueError):
    """A model file that cannot be loaded; the message names the problem."""


class DivergenceError(ArithmeticError):
    """Training produced a non-finite loss or exploding weights; the model keeps its last good state."""

    def __init__(self, step: int, learning_rate: float):
        self.step = step
        super().__init__(
            f"training diverged at iteration {step:,}: the loss or a weight stopped being finite "
            f"(learning rate {learning_rate:g}). A smaller learning rate avoids it."
        )


@dataclass(frozen=True)
class Forward:
    """Every layer's weighted sums Z and activations A, in order (Z1, A1, Z2, A2, ...)."""

    X: np.ndarray
    Z: list[np.ndarray]
    A: list[np.ndarray]

    @property
    def output(self) -> np.ndarray:
        return self.A[-1]


class Network:
    """A fully connected network: hidden layers with one activation of Table 7-1, logistic or softmax output.

    `mode` picks defaults for the training settings left as None (see MODES); any of them can be set.
    Learned state: weights_, biases_ (W is (n_out, n_in), B is (n_out, 1)), classes_, n_iter_,
    loss_curve_ (each iteration's training loss), t_ (optimizer steps), diverged_.
    """

    def __init__(self, hidden_layer_sizes=(3,), activation: str = "relu", *, mode: str = "chapter",
                 loss: str | None = None, init: str | None = None, batch_size: int | None | str = "mode",
                 optimizer: str | None = None, learning_rate: float | None = None,
                 max_iter: int | None = None, random_state: int | None = None):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.mode = mode
        self.loss = loss
        self.init = init
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.random_state = random_state

    # ---- settings -------------------------------------------------------------------------
    def setting(self, name: str):
        """The training setting `name` in use: the one given, or the mode's default where it was left to it."""
        value = getattr(self, name)
        if name == "batch_size":
            return MODES[self.mode]["batch_size"] if value == "mode" else value
        return MODES[self.mode][name] if value is None else value

    def _check_params(self) -> None:
        if self.mode not in MODES:
            raise NetworkError(f"mode must be one of {', '.join(MODES)}, got {self.mode!r}")
        sizes = tuple(self.hidden_layer_sizes)
        if not sizes or any(not isinstance(h, (int, np.integer)) or not 1 <= h <= MAX_LAYER_WIDTH for h in sizes):
            raise NetworkError(f"hidden layer sizes must be whole numbers 1-{MAX_LAYER_WIDTH}, got {sizes}")
        if self.activation not in HIDDEN_ACTIVATIONS:
            raise NetworkError(f"hidden activation must be one of {', '.join(HIDDEN_ACTIVATIONS)}, got {self.activation!r}")
        for name, allowed in (("loss", LOSSES), ("init", INITS), ("optimizer", OPTIMIZERS)):
            if self.setting(name) not in allowed:
                raise NetworkError(f"{name} must be one of {', '.join(allowed)}, got {self.setting(name)!r}")
        lr = self.setting("learning_rate")
        if not (isinstance(lr, (int, float)) and math.isfinite(lr) and lr > 0):
            raise NetworkError(f"learning rate must be a positive number, got {lr!r}")
        it = self.setting("max_iter")
        if not (isinstance(it, (int, np.integer)) and it >= 1):
            raise NetworkError(f"iterations must be a whole number of at least 1, got {it!r}")
        b = self.setting("batch_size")
        if b is not None and not (isinstance(b, (int, np.integer)) and b >= 1):
            raise NetworkError(f"batch size must be a whole number of at least 1 (or None for full batch), got {b!r}")
        if self.setting("optimizer") == "lbfgs" and b is not None:
            raise NetworkError(f"the lbfgs optimizer uses every row at each step: batch size must be None, got {b!r}")

    # ---- the maths --------------------------------------------------------------------------
    def forward(self, X: np.ndarray) -> Forward:
        """The forward pass on columns X (n_inputs, n): Z = W @ A + B for each layer, then f(Z)."""
        f = ACTIVATIONS[self.activation].fn
        A, Zs, As = X, [], []
        for W, B in zip(self.weights_[:-1], self.biases_[:-1]):
            Z = W @ A + B
            A = f(Z)
            Zs.append(Z)
            As.append(A)
        Z = self.weights_[-1] @ A + self.biases_[-1]
        Zs.append(Z)
        As.append(logistic(Z) if Z.shape[0] == 1 else softmax(Z, axis=0))
        return Forward(X, Zs, As)

    def cost(self, fwd: Forward, Y: np.ndarray) -> float:
        """The training loss C of a forward pass against targets Y (n_out, n), averaged over the n samples.

        Squared error sums (A - Y)^2 over the outputs; cross-entropy is computed from Z (log-sum-exp), so it
        stays finite where A rounds to exactly 0 or 1.
        """
        A_out, Z_out = fwd.A[-1], fwd.Z[-1]
        n = fwd.X.shape[1]
        if self.setting("loss") == "squared":
            return float(np.sum((A_out - Y) ** 2) / n)
        if A_out.shape[0] == 1:
            return float(np.sum(Y * np.logaddexp(0, -Z_out) + (1 - Y) * np.logaddexp(0, Z_out)) / n)
        lse = np.log(np.sum(np.exp(Z_out - Z_out.max(0)), axis=0)) + Z_out.max(0)
        return float(np.sum(Y * (lse - Z_out)) / n)

    def gradients(self, X: np.ndarray, Y: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray], float]:
        """Backpropagation by the chain rule on columns X (n_in, n), targets Y (n_out, n).

        Returns (dC/dW per layer, dC/dB per layer, C), each averaged over the n samples.
        """
        fwd = self.forward(X)
        A_out, Z_out = fwd.A[-1], fwd.Z[-1]
        n = X.shape[1]
        loss = self.setting("loss")
        C = self.cost(fwd, Y)
        if loss == "squared":
            dC_dA = 2 * (A_out - Y)                                # dC/dA2 = 2(A2 - Y)
            if A_out.shape[0] == 1:
                dC_dZ = dC_dA * ACTIVATIONS["logistic"].derivative(Z_out)   # dA2/dZ2 = logistic'(Z2)
            else:                                                   # softmax: J^T dC/dA, J = diag(s) - s s^T
                dC_dZ = A_out * (dC_dA - np.sum(A_out * dC_dA, axis=0, keepdims=True))
        else:
            dC_dZ = A_out - Y                                       # cross-entropy with its output: A - Y
        f_prime = ACTIVATIONS[self.activation].derivative
        dWs, dBs = [], []
        for l in range(len(self.weights_) - 1, -1, -1):
            A_prev = fwd.A[l - 1] if l > 0 else X                  # dZ/dW = A_prev  (n_in, n)
            dWs.insert(0, dC_dZ @ A_prev.T / n)                    # (n_out, n_in)
            dBs.insert(0, dC_dZ.sum(axis=1, keepdims=True) / n)    # dZ/dB = 1
            if l > 0:
                dC_dA_prev = self.weights_[l].T @ dC_dZ            # dZ/dA_prev = W
                dC_dZ = dC_dA_prev * f_prime(fwd.Z[l - 1])         # dA/dZ = f'(Z)
        return dWs, dBs, float(C)

    # ---- estimator surface -------------------------------------------------------------------
    def _init_params(self, n_inputs: int, n_outputs: int, X: np.ndarray | None = None) -> None:
        """Fresh weights for n_inputs -> hidden layers -> n_outputs; "centred" also reads the training rows X."""
        self._rng = np.random.default_rng(self.random_state)
        sizes = [n_inputs, *map(int, self.hidden_layer_sizes), n_outputs]
        init = self.setting("init")
        if init == "auto":
            init = "he" if self.activation in ("relu", "leaky_relu") else "xavier"
        f = ACTIVATIONS[self.activation].fn
        A = None if X is None else X.T                              # the rows as they reach layer i
        self.weights_, self.biases_ = [], []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            hidden = i < len(sizes) - 2
            if init == "uniform":                                   # the chapter: np.random.rand
                W, B = self._rng.random((n_out, n_in)), self._rng.random((n_out, 1))
            elif init in ("he", "centred"):
                W = self._rng.normal(0, math.sqrt(2 / n_in), (n_out, n_in))
                if init == "centred" and hidden and A is not None:  # Z = 0 at the rows' mean: no unit starts dead
                    B = -W @ A.mean(axis=1, keepdims=True)
                else:                                               # a small positive bias keeps ReLUs alive
                    B = np.full((n_out, 1), 0.1 if hidden else 0.0)
            else:
                lim = math.sqrt(6 / (n_in + n_out))
                W, B = self._rng.uniform(-lim, lim, (n_out, n_in)), np.zeros((n_out, 1))
            self.weights_.append(W)
            self.biases_.append(B)
            if init == "centred" and A is not None and i < len(sizes) - 3:   # another hidden layer follows
                A = f(W @ A + B)
        self._moments = self._memory = None
        self._optimizer_state()
        self.t_ = 0
        self.n_iter_ = 0
        self.loss_curve_ = np.empty(0)
        self.diverged_ = False

    def _optimizer_state(self):
        """The optimizer's running state, made when first needed (at the start, or after the optimizer changed):
        L-BFGS's memory (its last steps S, gradient changes Y, 1 / (s . y) and how many pairs it keeps), or Adam's
        first and second moments (plain gradient descent passes them unused)."""
        params = (*self.weights_, *self.biases_)
        if self.setting("optimizer") == "lbfgs":
            if getattr(self, "_memory", None) is None:
                size = sum(p.size for p in params)
                self._memory = (np.zeros((LBFGS_MEMORY, size)), np.zeros((LBFGS_MEMORY, size)),
                                np.zeros(LBFGS_MEMORY), np.zeros(1, dtype=np.int64))
            return self._memory
        if getattr(self, "_moments", None) is None:
            self._moments = [np.zeros_like(p) for _ in range(2) for p in params]
        return self._moments

    def _learn_classes(self, y) -> None:
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise NetworkError("training needs at least two classes in y")

    def _targets(self, y) -> tuple[np.ndarray, np.ndarray]:
        y = np.asarray(y).ravel()
        if not hasattr(self, "classes_"):
            self._learn_classes(y)
        idx = np.searchsorted(self.classes_, y)
        if np.any(idx >= len(self.classes_)) or np.any(self.classes_[np.minimum(idx, len(self.classes_) - 1)] != y):
            raise NetworkError("y holds a class not seen when training started")
        if len(self.classes_) == 2:
            return idx.astype(float)[:, None], idx
        return np.eye(len(self.classes_))[idx], idx

    def _inputs(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[0] == 0:
            raise NetworkError(f"X must be a non-empty 2-D array (n_samples, n_features), got shape {X.shape}")
        if hasattr(self, "weights_") and X.shape[1] != self.weights_[0].shape[1]:
            raise NetworkError(f"X has {X.shape[1]} features, the network expects {self.weights_[0].shape[1]}")
        if not np.isfinite(X).all():
            raise NetworkError("X contains NaN or infinite values")
        return X

    def initialize(self, X, y) -> Network:
        """Draw fresh starting weights for data shaped like (X, y) without training (iteration 0)."""
        self._check_params()
        X = self._inputs(X)
        for attr in ("weights_", "classes_"):
            self.__dict__.pop(attr, None)
        self._learn_classes(np.asarray(y).ravel())
        self._init_params(X.shape[1], 1 if len(self.classes_) == 2 else len(self.classes_), X)
        return self

    def fit(self, X, y) -> Network:
        """Start from fresh random weights and train `max_iter` iterations."""
        self._check_params()
        for attr in ("weights_", "classes_"):
            self.__dict__.pop(attr, None)
        return self.partial_fit(X, y, self.setting("max_iter"))

    def partial_fit(self, X, y, steps: int = 1) -> Network:
        """Train `steps` more iterations (one update each), continuing where the last call stopped."""
        X = self._inputs(X)
        if len(np.asarray(y).ravel()) != len(X):
            raise NetworkError(f"X has {len(X)} rows but y has {len(np.asarray(y).ravel())}")
        if not hasattr(self, "weights_"):
            self.initialize(X, y)
        if self.diverged_:
            raise DivergenceError(self.n_iter_, self.setting("learning_rate"))
        Y, _ = self._targets(y)
        steps = int(steps)
        if steps < 1:
            raise NetworkError(f"steps must be at least 1, got {steps}")
        backup = [p.copy() for p in (*self.weights_, *self.biases_)]
        losses = np.empty(steps)
        L = len(self.weights_)
        lr = float(self.setting("learning_rate"))
        if self.setting("optimizer") == "lbfgs":  # every row at each step
            from . import _lbfgs  # numba loads on the first training that needs it, never to predict

            done = _lbfgs.lbfgs_steps(tuple(self.weights_), tuple(self.biases_), np.ascontiguousarray(X.T),
                                      np.ascontiguousarray(Y.T), lr, _lbfgs.KERNEL_CODES[self.activation],
                                      _lbfgs.LOSS_CODES[self.setting("loss")], *self._optimizer_state(), losses)
            return self._after_steps(done, steps, losses, backup)
        moments = self._optimizer_state()
        batch = self.setting("batch_size")
        n = len(X)
        if batch is None or batch >= n:
            rows = np.broadcast_to(np.arange(n), (steps, n))
        else:
            # one uniform double per sample keeps the stream identical however training is chunked
            rows = (self._rng.random((steps, batch)) * n).astype(np.int64)
        if _wide.fits(X.shape[1], self.hidden_layer_sizes, rows.shape[1]):  # wide layers, batches: matrix products
            done = _wide.train_steps(self.weights_, self.biases_, X, Y, rows, lr, self.activation,
                                     self.setting("loss"), self.setting("optimizer"), moments, self.t_, losses)
        elif not _compiled_loop and _plain.fits(  # see use_compiled_loop
                self.activation, X.shape[1], L, Y.shape[1], self.setting("loss"), self.setting("optimizer"),
                rows.shape[1]):
            done = _plain.train_steps(self.weights_, self.biases_, X, Y, rows, lr, losses)
        else:
            from . import _kernel  # numba loads on the first training that needs it, never to predict

            m = moments
            done = _kernel.train_steps(
                tuple(self.weights_), tuple(self.biases_), np.ascontiguousarray(X), np.ascontiguousarray(Y), rows,
                lr, _kernel.KERNEL_CODES[self.activation],
                _kernel.LOSS_CODES[self.setting("loss")], _kernel.OPTIMIZER_CODES[self.setting("optimizer")],
                tuple(m[:L]), tuple(m[L:2 * L]), tuple(m[2 * L:3 * L]), tuple(m[3 * L:]), self.t_, losses,
            )
        return self._after_steps(done, steps, losses, backup)

    def _after_steps(self, done: int, steps: int, losses: np.ndarray, backup: list[np.ndarray]) -> Network:
        """Count the `done` of `steps` updates and keep their losses; short of `steps`, training diverged."""
        self.t_ += done
        self.n_iter_ += done
        self.loss_curve_ = np.concatenate([self.loss_curve_, losses[:done]])
        if done < steps:
            # restore the last parameters known to be finite (the start of this chunk)
            for p, b in zip((*self.weights_, *self.biases_), backup):
                p[:] = b
            self.diverged_ = True
            raise DivergenceError(self.n_iter_ + 1, self.setting("learning_rate"))
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "weights_"):
            raise NetworkError("this network has not been trained yet: call fit first")

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities (n_samples, n_classes); for the font data column 1 is P(dark text)."""
        self._check_fitted()
        out = self.forward(self._inputs(X).T).output
        if out.shape[0] > 1:
            return out.T
        proba = np.empty((out.shape[1], 2))
        proba[:, 1] = out[0]
        proba[:, 0] = 1 - out[0]
        return proba

    def predict(self, X) -> np.ndarray:
        """Class labels; with two classes, class 1 when its probability is >= 0.5 as in the chapter."""
        p = self.predict_proba(X)
        return self.classes_[(p[:, 1] >= 0.5).astype(int)] if p.shape[1] == 2 else self.classes_[p.argmax(1)]

    def score(self, X, y) -> float:
        """Accuracy: the share of rows whose prediction equals the label."""
        return float(np.mean(self.predict(X) == np.asarray(y).ravel()))

    def loss_on(self, X, y) -> float:
        """Mean loss (the training loss function) on a labelled set: a forward pass, no gradients."""
        self._check_fitted()
        Y, _ = self._targets(y)
        return self.cost(self.forward(self._inputs(X).T), Y.T)

    # ---- JSON persistence ---------------------------------------------------------------------
    def to_dict(self) -> dict:
        self._check_fitted()
        return {
            "format": MODEL_FORMAT, "version": 1,
            "hidden_layer_sizes": [int(h) for h in self.hidden_layer_sizes], "activation": self.activation,
            "mode": self.mode, "loss": self.setting("loss"), "learning_rate": float(self.setting("learning_rate")),
            "random_state": self.random_state, "n_iter": int(self.n_iter_),
            "classes": [c.item() for c in self.classes_],
            "weights": [W.tolist() for W in self.weights_], "biases": [B.ravel().tolist() for B in self.biases_],
        }

    def save(self, path) -> None:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(self.to_dict(), fh)

    @classmethod
    def from_dict(cls, d) -> Network:
        """Rebuild a trained network from `to_dict` output, checking every shape, number and name.

        Every number goes through the engine's checked parsers (fontnet.parsing) with a range: weights within
        ±WEIGHT_LIMIT (training treats a larger weight as divergence), layer widths 1-MAX_LAYER_WIDTH. Then a
        forward pass on a few probe inputs must give finite numbers in every layer, or the model is refused.
        """
        if not isinstance(d, dict) or d.get("format") != MODEL_FORMAT:
            raise ModelFileError(f"not a fontnet model (expected \"format\": \"{MODEL_FORMAT}\")")

        def field(name: str, check, *args, default=None, optional: bool = False):
            if name not in d:
                if optional:
                    return default
                raise ModelFileError(f"model file is missing or has malformed field: no {name!r}")
            try:
                return check(d[name], *args)
            except SettingsError as e:
                raise ModelFileError(f"model file is malformed: {name}: {e}") from None

        act = d.get("activation")
        if not isinstance(act, str) or act not in HIDDEN_ACTIVATIONS:
            shown = repr(act[:40]) if isinstance(act, str) else parsing.kind_of(act)
            raise ModelFileError(f"unknown activation {shown}; expected one of {', '.join(HIDDEN_ACTIVATIONS)}")
        sizes = field("hidden_layer_sizes", parsing.check_list, lambda h: parsing.check_int(h, 1, MAX_LAYER_WIDTH), "layer")
        Ws = field("weights", parsing.check_list, lambda W: parsing.check_floats(W, 2, WEIGHT_LIMIT), "layer")
        Bs = field("biases", parsing.check_list, lambda B: parsing.check_floats(B, 1, WEIGHT_LIMIT), "layer")
        classes = np.array(field("classes", _check_classes))
        mode = field("mode", parsing.parse_choice, tuple(MODES), optional=True, default="chapter")
        loss = field("loss", parsing.parse_choice, LOSSES, optional=True)
        lr = field("learning_rate", parsing.check_float, 0.0, MAX_LEARNING_RATE, optional=True)
        if lr is not None and lr <= 0:
            raise ModelFileError("model file is malformed: learning_rate: not a positive number")
        seed = d.get("random_state")
        seed = None if seed is None else field("random_state", parsing.check_int, 0, MAX_INT)
        n_iter = field("n_iter", parsing.check_int, 0, MAX_INT, optional=True, default=0)
        if not sizes or len(Ws) != len(sizes) + 1 or len(Bs) != len(Ws):
            raise ModelFileError(f"model has {len(Ws)} weight and {len(Bs)} bias layers for hidden sizes {sizes}"[:200])
        if len(classes) < 2:
            raise ModelFileError("model must list at least two classes")
        n_out = 1 if len(classes) == 2 else len(classes)
        for i, (W, B) in enumerate(zip(Ws, Bs), start=1):
            rows = sizes[i - 1] if i <= len(sizes) else n_out
            cols = Ws[i - 2].shape[0] if i > 1 else W.shape[1]
            if W.shape != (rows, cols) or W.shape[1] < 1:
                raise ModelFileError(f"layer {i} weights have shape {W.shape}, expected ({rows}, {cols})")
            if B.shape != (rows,):
                raise ModelFileError(f"layer {i} biases have shape {B.shape}, expected ({rows},)")
        net = cls.from_weights(Ws, Bs, classes, act, mode=mode, loss=loss, learning_rate=lr, random_state=seed,
                               n_iter=n_iter)
        net._check_outputs_finite()
        return net

    @classmethod
    def from_weights(cls, weights, biases, classes=(0, 1), activation: str = "relu", *, mode: str = "chapter",
                     loss: str | None = None, learning_rate: float | None = None, random_state: int | None = None,
                     n_iter: int = 0) -> Network:
        """A trained network holding these weights and biases (copied; W is (n_out, n_in), a bias (n_out, 1) or
        flat) for `classes`; the hidden layer sizes follow the weights. Shapes are the caller's to check
        (`from_dict` checks a file's)."""
        Ws = [np.array(W, dtype=float) for W in weights]
        net = cls(tuple(int(W.shape[0]) for W in Ws[:-1]), activation, mode=mode, loss=loss,
                  learning_rate=learning_rate, random_state=random_state)
        net.weights_ = Ws
        net.biases_ = [np.array(B, dtype=float).reshape(-1, 1) for B in biases]
        net.classes_ = np.array(classes)
        net.n_iter_ = int(n_iter)
        net.loss_curve_ = np.empty(0)
        net.diverged_ = False
        return net

    def _check_outputs_finite(self) -> None:
        """Refuse weights whose forward pass overflows: every layer's Z and A must be finite on probe inputs
        (all 0, all 1, every corner of the input box when there are few inputs, and random points in it)."""
        n_in = self.weights_[0].shape[1]
        probes = [np.zeros(n_in), np.ones(n_in), np.full(n_in, 0.5)]
        if n_in <= 8:
            probes += [np.array([(k >> b) & 1 for b in range(n_in)], dtype=float) for k in range(2 ** n_in)]
        X = np.vstack([*probes, np.random.default_rng(0).random((PROBES, n_in))]).T
        with np.errstate(all="ignore"):
            fwd = self.forward(X)
            finite = all(np.isfinite(M).all() for M in (*fwd.Z, *fwd.A))
        if not finite:
            raise ModelFileError("the model's numbers overflow: on some inputs its outputs are not finite numbers "
                                 "(NaN or infinite), so it cannot be used")

    @classmethod
    def loads(cls, text: str | bytes, max_bytes: int | None = None) -> Network:
        """A network from JSON text; an upload passes `max_bytes` (larger files are refused before parsing).

        Whatever the json module raises for hostile text (bad syntax, nesting too deep, a number too long to
        convert, text that is not UTF-8) becomes a ModelFileError with one line.
        """
        size = len(text.encode("utf-8") if isinstance(text, str) else text)
        if max_bytes is not None and size > max_bytes:
            raise ModelFileError(f"the file is {size / 1e6:.1f} MB; a model file may be at most {max_bytes / 1e6:g} MB")
        try:
            d = json.loads(text, parse_int=_json_int, parse_float=_json_float)
        except ModelFileError:
            raise
        except json.JSONDecodeError as e:   # json's own fixed words, and where
            raise ModelFileError(f"model file is not valid JSON ({e.msg} at line {e.lineno}, column {e.colno})") \
                from None
        except (ValueError, UnicodeDecodeError, RecursionError) as e:   # a number too long, not UTF-8, too deep
            why = str(e) or type(e).__name__
            why = why if len(why) <= 80 else why[:80].rsplit(" ", 1)[0] + "..."
            raise ModelFileError(f"model file is not valid JSON ({why})") from None
        return cls.from_dict(d)

    @classmethod
    def load(cls, path, max_bytes: int = MAX_FILE_BYTES) -> Network:
        """A network from a JSON file of at most `max_bytes`."""
        try:
            with open(path, "rb") as fh:
                text = fh.read(max_bytes + 1)
        except OSError as e:
            raise ModelFileError(f"cannot read model file {str(path)!r}: {e.strerror}") from None
        return cls.loads(text, max_bytes=max_bytes)


def _json_float(text: str) -> float:
    """A JSON number with a fraction or exponent. The same as the json module's own reading, but called from
    Python, so that reading a large file lets the server's other visitors' threads run between its numbers (read
    in C in one call, a 1 MB file would hold the interpreter for about 15 ms)."""
    return float(text)


def _json_int(text: str) -> int:
    """A JSON integer, refused when it is longer than any number a model file holds (Python would refuse
    4,300 digits with a message about its own settings)."""
    if len(text) > 30:
        raise ModelFileError(f"model file is malformed: a whole number of {len(text.lstrip('-')):,} digits")
    return int(text)


def _check_classes(value) -> list:
    """A model's classes: 2-MAX_CLASSES distinct whole numbers in int64 range, or short texts."""
    items = parsing.check_list(value, lambda c: c if isinstance(c, str) and len(c) <= 100
                        else parsing.check_int(c, -MAX_INT, MAX_INT), "class")
    if len(items) > MAX_CLASSES:
        raise SettingsError(f"{len(items):,} classes, at most {MAX_CLASSES:,}")
    if len({type(c) for c in items}) > 1 or len(set(items)) != len(items):
        raise SettingsError("classes must be distinct and all whole numbers or all texts")
    return items
