"""The digits network: its settings (also read from a link), what it reads in an image, its evaluation on the
held-out images, and scikit-learn's MLPClassifier beside it. fontnet's own `Network`, trained on cross-entropy
with Adam on mini-batches; wide layers like these train in NumPy matrix products (`_wide.py`)."""

from __future__ import annotations

import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..network import Forward, Network
from ..parsing import SettingsError, counted, shorten
from ..settings import DIGITS as SCHEMA
from ..settings import format_number
from .data import DIGITS, split
from .drawing import inputs

BATCH = 32                 # mini-batch Adam: the same accuracy as full batches in fewer passes over the data
# the controls' limits live in the page's table (fontnet.settings.DIGITS, SCHEMA here)
MIN_NODES, MAX_NODES, MAX_LAYERS = SCHEMA["hidden"].kind.lo, SCHEMA["hidden"].kind.hi, SCHEMA["hidden"].kind.layers
LR_CHOICES: tuple[float, ...] = SCHEMA["lr"].kind.choices
MAX_ITERATIONS = SCHEMA["iterations"].kind.hi
MAX_SEED = SCHEMA["seed"].kind.hi


# ---- the settings ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DigitsSettings:
    """The digits network's settings; the field names are the page's URL keys. The defaults reach about
    97% test accuracy in well under a second of training."""

    hidden: tuple[int, ...] = (32, 16)
    activation: str = "relu"
    lr: float = 0.005
    iterations: int = 1500
    seed: int = 0

    def __post_init__(self):
        SCHEMA.validate(self)

    def network(self) -> Network:
        """Fresh, untrained: hidden layers of `activation`, ten softmax outputs, cross-entropy, Adam."""
        return Network(self.hidden, self.activation, mode="fast", loss="cross_entropy", init="auto", optimizer="adam",
                       batch_size=BATCH, learning_rate=self.lr, max_iter=self.iterations, random_state=self.seed)

    def describe(self, seed: bool = True) -> str:
        return (f"64-{'-'.join(map(str, self.hidden))}-10 {self.activation}, lr {format_number(self.lr)}, "
                + counted(self.iterations, "iteration") + (f", seed {self.seed}" if seed else ""))


DEFAULT = DigitsSettings()


def settings_from(values: Mapping[str, object]) -> DigitsSettings:
    """Settings from control values (missing ones take the defaults; the layer widths may be text such as
    '32,16'); SettingsError names a bad one."""
    v = DEFAULT.__dict__ | dict(values)
    if isinstance(v["hidden"], str):
        try:
            v["hidden"] = SCHEMA["hidden"].parse(v["hidden"])
        except SettingsError as e:
            raise SettingsError(f"hidden={shorten(repr(v['hidden']))} is {e}") from None
    return DigitsSettings(**{name: v[name] for name in SCHEMA.names})


# ---- what the network reads -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Reading:
    """The network's answer for one 8x8 image: the ten probabilities, the digit and every layer's activations."""

    image: np.ndarray        # (8, 8), 0-16
    proba: np.ndarray        # (10,)
    forward: Forward

    @property
    def digit(self) -> int:
        return int(np.argmax(self.proba))

    @property
    def confidence(self) -> float:
        return float(self.proba.max())

    def label(self) -> str:
        """The prediction as the page shows it, e.g. '7 (93%)'."""
        return f"{self.digit} ({self.confidence:.0%})"


def read(model: Network, image: np.ndarray) -> Reading:
    """Run an 8x8 image (0-16) through the network."""
    image = np.clip(np.asarray(image, dtype=float).reshape(8, 8), 0, 16)
    fwd = model.forward(inputs(image).T)
    return Reading(image, fwd.output[:, 0].copy(), fwd)


# ---- evaluation and the library beside it -------------------------------------------------------------------
@dataclass(frozen=True)
class Evaluation:
    accuracy: float
    confusion: np.ndarray    # (10, 10): rows the true digit, columns the prediction
    wrong: np.ndarray        # indices into the test set the network gets wrong


def evaluate(model: Network, X_test: np.ndarray, y_test: np.ndarray) -> Evaluation:
    """Test accuracy and the confusion matrix (scikit-learn's metrics) on held-out images."""
    from sklearn.metrics import accuracy_score, confusion_matrix

    pred = model.predict(X_test)
    return Evaluation(float(accuracy_score(y_test, pred)), confusion_matrix(y_test, pred, labels=list(DIGITS)),
                      np.flatnonzero(pred != y_test))


@dataclass(frozen=True)
class Baseline:
    name: str
    accuracy: float
    seconds: float


def sklearn_mlp(settings: DigitsSettings):
    """scikit-learn's MLPClassifier with the same layers, activation and seed, otherwise its defaults (Adam,
    mini-batches of 200, up to 200 passes). ValueError for an activation it lacks (leaky ReLU)."""
    from sklearn.neural_network import MLPClassifier

    from ..baselines import sklearn_activation

    return MLPClassifier(settings.hidden, activation=sklearn_activation(settings.activation),
                         random_state=settings.seed)


def sklearn_baseline(settings: DigitsSettings) -> Baseline:
    """Fit MLPClassifier on the same split and time it."""
    from sklearn.exceptions import ConvergenceWarning

    X_train, X_test, y_train, y_test = split(settings.seed)
    mlp = sklearn_mlp(settings)
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X_train, y_train)
    seconds = time.perf_counter() - t
    return Baseline("scikit-learn MLPClassifier", float(mlp.score(X_test, y_test)), seconds)


def train(settings: DigitsSettings = DEFAULT) -> tuple[Network, float]:
    """A network trained with `settings` on its split, and the seconds training took."""
    X_train, _, y_train, _ = split(settings.seed)
    net = settings.network()
    t = time.perf_counter()
    net.fit(X_train, y_train)
    return net, time.perf_counter() - t


def fit_both(settings: DigitsSettings) -> tuple[Baseline, Baseline]:
    """A fresh fontnet network and scikit-learn's MLPClassifier fitted with `settings` on its split, each timed and
    scored on the test images: (fontnet's, the library's). ValueError for an activation the library lacks."""
    net, seconds = train(settings)
    _, X_test, _, y_test = split(settings.seed)
    return Baseline("fontnet", float(net.score(X_test, y_test)), seconds), sklearn_baseline(settings)
