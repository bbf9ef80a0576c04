"""Figure 7-8 made real: 64 pixels in, two hidden layers, ten softmax outputs, one per digit.

The data is scikit-learn's bundled handwritten digits (1,797 images of 8x8 pixels, intensities 0-16). The
network is fontnet's own `Network`, trained on cross-entropy with Adam on mini-batches; wide layers like
these train in NumPy matrix products (`_wide.py`). This module holds the data and split, the settings (also
read from a link), the reduction of a drawing to the dataset's form, the evaluation, scikit-learn's baseline,
the default model kept on disk, model files, and a run that trains in chunks for a live view.
"""

from __future__ import annotations

import itertools
import math
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .model import cache_dir, cached_model, training_fingerprint
from .network import DivergenceError, Forward, ModelFileError, Network
from .parsing import SettingsError, shorten
from .playback import Playback, guarded
from .settings import DIGITS as SCHEMA
from .settings import format_number

N_PIXELS = 64
DIGITS = tuple(range(10))
TEST_SHARE = 1 / 3
BATCH = 32                 # mini-batch Adam: the same accuracy as full batches in fewer passes over the data
# the controls' limits live in the page's table (fontnet.settings.DIGITS, SCHEMA here)
MIN_NODES, MAX_NODES, MAX_LAYERS = SCHEMA["hidden"].kind.lo, SCHEMA["hidden"].kind.hi, SCHEMA["hidden"].kind.layers
LR_CHOICES: tuple[float, ...] = SCHEMA["lr"].kind.choices
MAX_ITERATIONS = SCHEMA["iterations"].kind.hi
MAX_SEED = SCHEMA["seed"].kind.hi
MAX_MODEL_BYTES = 1_000_000
LIVE_UPDATES = 40          # a run plays in about this many chunks...
PLAY_SECONDS = 8.0         # ...or larger ones when updates come slower, so it still plays in about this long
CHUNK_BUDGET_S = 0.1       # ...each trained within about this (the page asks for an update every 0.2 s)


class DrawingError(ValueError):
    """A drawing that cannot be read (not numbers, too many points)."""


# ---- the data -----------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def dataset() -> tuple[np.ndarray, np.ndarray]:
    """(X (1797, 64) pixels scaled from 0-16 to [0, 1], y (1797,) digits), read-only."""
    from sklearn.datasets import load_digits

    d = load_digits()
    X, y = d.data / 16.0, d.target.astype(np.int64)
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


@lru_cache(maxsize=8)
def split(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """X_train, X_test, y_train, y_test: a third held out, stratified by digit, seeded."""
    from sklearn.model_selection import train_test_split

    X, y = dataset()
    parts = train_test_split(X, y, test_size=TEST_SHARE, stratify=y, random_state=seed)
    for p in parts:
        p.setflags(write=False)
    return tuple(parts)


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
                f"{self.iterations:,} iterations" + (f", seed {self.seed}" if seed else ""))


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


# ---- a drawing, reduced the way the dataset was made ------------------------------------------------------
# The dataset's images (UCI "optdigits") were made from 32x32 black-and-white bitmaps, normalised by NIST's
# programs, divided into 4x4 blocks; each of the 8x8 values counts the block's ink pixels (0-16). The digits
# there fill the bitmap's height and about three quarters of its width, with a pen some 5 pixels wide. So a
# drawing is: cropped to its ink, scaled (keeping its shape) to fit FRAME_HEIGHT x FRAME_WIDTH, centred in
# 32x32, drawn with a round pen PEN pixels wide (at 4x resolution; a pixel is ink when at least half covered),
# then counted in 4x4 blocks.
BITMAP = 32
BLOCK = 4
PEN = 5.0
FRAME_HEIGHT, FRAME_WIDTH = 32.0, 24.0
SUPERSAMPLE = 4
MAX_POINTS = 10_000


def parse_strokes(raw) -> list[np.ndarray]:
    """Strokes as a list of (n, 2) float arrays of x, y points from a list of point lists; DrawingError if not."""
    if raw is None:
        return []
    if not isinstance(raw, (list, tuple)):
        raise DrawingError("a drawing is a list of strokes")
    strokes, total = [], 0
    for stroke in raw:
        try:
            pts = np.asarray(stroke, dtype=float).reshape(-1, 2)
        except (TypeError, ValueError):
            raise DrawingError("a stroke is a list of (x, y) points") from None
        total += len(pts)
        if total > MAX_POINTS:
            raise DrawingError(f"the drawing has more than {MAX_POINTS:,} points")
        if not np.isfinite(pts).all():
            raise DrawingError("a stroke holds a point that is not a finite number")
        if len(pts):
            strokes.append(pts)
    return strokes


def bitmap(strokes: Sequence[np.ndarray]) -> np.ndarray:
    """The drawing as the dataset's 32x32 bitmap (bool): cropped to its ink, scaled, centred, drawn with the pen."""
    from PIL import Image, ImageDraw  # Pillow comes with Streamlit

    out = np.zeros((BITMAP, BITMAP), dtype=bool)
    if not strokes:
        return out
    pts = np.vstack(strokes)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    w, h = hi - lo
    # the pen adds half its width on every side, so the points' box fits the frame less the pen
    fit = [(FRAME_WIDTH - PEN) / w if w > 0 else math.inf, (FRAME_HEIGHT - PEN) / h if h > 0 else math.inf]
    scale = min(fit) if min(fit) < math.inf else 1.0
    centre = (lo + hi) / 2
    s = SUPERSAMPLE
    img = Image.new("L", (BITMAP * s, BITMAP * s), 0)
    draw = ImageDraw.Draw(img)
    r = PEN * s / 2
    for stroke in strokes:
        xy = ((stroke - centre) * scale + BITMAP / 2) * s - 0.5  # Pillow's pixel i spans i - 0.5 to i + 0.5
        pairs = [tuple(p) for p in xy.tolist()]
        if len(pairs) > 1:
            draw.line(pairs, fill=255, width=round(PEN * s))
        for x, y in pairs:  # round caps and joints
            draw.ellipse((x - r, y - r, x + r, y + r), fill=255)
    cover = np.asarray(img, dtype=float).reshape(BITMAP, s, BITMAP, s).mean(axis=(1, 3)) / 255
    return cover >= 0.5


def reduce_drawing(strokes: Sequence[np.ndarray]) -> np.ndarray:
    """The drawing in the dataset's form: 8x8 integers 0-16, each the ink pixels of a 4x4 block of the bitmap."""
    bits = bitmap(strokes)
    n = BITMAP // BLOCK
    return bits.reshape(n, BLOCK, n, BLOCK).sum(axis=(1, 3)).astype(np.int64)


def inputs(image: np.ndarray) -> np.ndarray:
    """An 8x8 image of 0-16 values as the network's input row (1, 64) in [0, 1]."""
    return np.asarray(image, dtype=float).reshape(1, N_PIXELS) / 16.0


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

    from .baselines import sklearn_activation

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


# ---- the default model and model files -------------------------------------------------------------------
def check_model(net: Network) -> Network:
    """A digits model takes 64 pixels and gives the ten digits; ModelFileError names what is wrong."""
    n_in = net.weights_[0].shape[1]
    classes = [str(c) for c in net.classes_.tolist()]
    if n_in == 3 and len(classes) == 2:
        raise ModelFileError("this is a colour model (3 inputs: R, G, B; 2 classes: light or dark text); "
                             "a digits model takes 64 pixels and gives the 10 digits")
    if n_in != N_PIXELS:
        raise ModelFileError(f"the model takes {n_in} inputs; a digits model takes {N_PIXELS} (8x8 pixels)")
    if classes != [str(d) for d in DIGITS]:
        shown = ", ".join(classes[:12]) + ("..." if len(classes) > 12 else "")
        raise ModelFileError(f"the model has classes {shown[:80]}; a digits model has the ten digits 0-9")
    if len(net.hidden_layer_sizes) > 10 or max(net.hidden_layer_sizes) > 1024:
        raise ModelFileError("the model is larger than this app handles")
    return net


def load_model(raw: bytes | str) -> Network:
    """A digits model from an uploaded JSON file: at most 1 MB, the colour model's format, checked throughout."""
    return check_model(Network.loads(raw, max_bytes=MAX_MODEL_BYTES))


def train_default_model() -> Network:
    return train(DEFAULT)[0]


def default_model_cache() -> Path:
    fp = training_fingerprint(files=("model.py", "network.py", "_wide.py", "activations.py", "digits.py"),
                              packages=("numpy", "scikit-learn"), extra=repr(DEFAULT))
    return cache_dir() / f"digits-model-{fp}.json"


def default_model(cache: bool = True) -> Network:
    """The default digits model: trained once per server (about a second), then read back from its file."""
    return cached_model(default_model_cache, train_default_model, check=check_model, cache=cache)


# ---- a run you can watch -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Point:
    iteration: int
    loss: float              # mean training loss over the chunk (at 0: on the whole training set)
    train_accuracy: float
    test_accuracy: float


_RUN_IDS = itertools.count(1)


class DigitsRun(Playback):
    """A training run in chunks: ready -> running <-> paused -> done (or diverged), with a point per chunk."""

    def __init__(self, settings: DigitsSettings):
        self.settings = settings
        self.X_train, self.X_test, self.y_train, self.y_test = split(settings.seed)
        self.reset()

    @guarded
    def reset(self) -> None:
        self.net = self.settings.network().initialize(self.X_train, self.y_train)
        self.run_id = next(_RUN_IDS)   # a new history: a live chart showing the old one starts over
        self.status = "ready"
        self.message = ""
        self.seconds = 0.0
        self._played, self._running_since = 0.0, None
        self._sec_per_iter = None
        self.history: list[Point] = []
        self._record(self.net.loss_on(self.X_train, self.y_train))

    @property
    def iteration(self) -> int:
        return int(self.net.n_iter_)

    @property
    def trained(self) -> bool:
        return self.iteration > 0

    @property
    def progress(self) -> float:
        return min(self.iteration / self.settings.iterations, 1.0)

    def chunk_size(self) -> int:
        """Iterations per live update: the run in LIVE_UPDATES chunks, or more per chunk when updates come
        slower than that (a busy server), so that the run is over after about PLAY_SECONDS of running; each
        chunk trains within CHUNK_BUDGET_S (see Playback._paced)."""
        size = max(1, math.ceil(self.settings.iterations / LIVE_UPDATES))
        due = math.ceil(self.settings.iterations * min(self.played_seconds / PLAY_SECONDS, 1.0))
        weights = sum(W.size + B.size for W, B in zip(self.net.weights_, self.net.biases_))
        return self._paced(max(size, due - self.iteration), CHUNK_BUDGET_S, BATCH, weights)

    @guarded
    def advance(self, steps: int | None = None) -> Point | None:
        """Train one chunk while running and record a point; the run is done after its last iteration."""
        if self.status != "running":
            return None
        steps = min(steps or self.chunk_size(), self.settings.iterations - self.iteration)
        start = self.iteration
        t = time.perf_counter()
        try:
            self.net.partial_fit(self.X_train, self.y_train, steps)
        except DivergenceError as e:
            self.seconds += time.perf_counter() - t
            self._set_status("diverged")
            self.message = str(e)
            return None
        dt = time.perf_counter() - t
        self.seconds += dt
        self._note_pace(steps, dt)
        point = self._record(float(np.mean(self.net.loss_curve_[start:])))
        if self.iteration >= self.settings.iterations:
            self._set_status("done")
        return point

    def _record(self, loss: float) -> Point:
        point = Point(self.iteration, loss, self.net.score(self.X_train, self.y_train),
                      self.net.score(self.X_test, self.y_test))
        self.history.append(point)
        return point

    def columns(self) -> dict[str, list]:
        """The history as columns: iteration, loss, train_accuracy, test_accuracy."""
        return {name: [getattr(p, name) for p in self.history]
                for name in ("iteration", "loss", "train_accuracy", "test_accuracy")}
