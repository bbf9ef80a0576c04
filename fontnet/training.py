"""A training session you can watch: settings, a run that trains in chunks, its history and diagnoses.

The Train page is a thin view over this module. `TrainingSettings` reads and checks every control
(also from URL strings); `TrainingRun` holds the data, the split, the network and a checkpoint after
every chunk, and moves between ready, running, paused, done and diverged. Nothing here imports a UI.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache

import numpy as np

from . import colors, data
from .baselines import Result, evaluate, sklearn_mlp
from .model import formula_agreement
from .network import ModelFileError, Network, NetworkError, use_compiled_loop
from .params import flat_weights, set_flat_weights, weight_names
from .parsing import SettingsError, shorten
from .playback import LiveRun, estimated_seconds, guarded
from .settings import TRAIN, format_number

# A live run's chunks must be quick: every run trains in the compiled loop, loaded now.
use_compiled_loop()

# ---- the controls: their names, limits and choices live in the Train page's table (fontnet.settings) ----------
LR_CHOICES: tuple[float, ...] = TRAIN["lr"].kind.choices
TEST_CHOICES: tuple[float, ...] = TRAIN["test"].kind.choices
MODES: dict[str, str] = TRAIN["mode"].kind.labels
INITS: dict[str, str] = TRAIN["init"].kind.labels
LOSS_LABELS: dict[str, str] = TRAIN["loss"].kind.labels
DATASETS: dict[str, str] = TRAIN["data"].kind.labels
MAX_ITERATIONS = TRAIN["iterations"].kind.hi
MAX_LAYERS = TRAIN["layers"].kind.hi
MAX_NODES = TRAIN["hidden"].kind.hi
MAX_BATCH = TRAIN["batch"].kind.hi
MAX_SEED = TRAIN["seed"].kind.hi
MIN_RANDOM_ROWS = TRAIN["n"].kind.lo
MAX_MODEL_BYTES = 1_000_000
MAX_RUN_SECONDS = 300.0      # a run may ask for about this much computing at most (see estimated_cost)

# ---- live playback ------------------------------------------------------------------------------
TARGET_UPDATES = 80          # the chapter's run plays in about this many chunks: 10 s at 8 updates per second
PLAY_SECONDS = 10.0          # ...and chunks grow when updates come slower, so a run still plays in about this long
ITERATIONS_PER_SECOND = 10_000  # shorter runs play for less time (iterations / this, at least MIN_PLAY_SECONDS)
MIN_PLAY_SECONDS = 2.0
FIRST_CHUNK = 200
CHUNK_BUDGET_S = 0.05        # ...unless a chunk would take longer than this to train
MAX_CHECKPOINTS = 2000       # older checkpoints are thinned beyond this (LiveRun.MAX_POINTS)
LIVE_AGREEMENT_COLOURS = 5_000   # live updates only (standard error about 0.25 points); a finished run uses 100,000

STATUSES = ("ready", "running", "paused", "done", "diverged")


@dataclass(frozen=True)
class TrainingSettings:
    """Every control of the Train page; the defaults are the chapter's run. Field names are the URL keys."""

    lr: float = 0.05
    iterations: int = 100_000
    layers: int = 1
    hidden: int = 3
    activation: str = "relu"
    loss: str = "squared"
    mode: str = "chapter"
    batch: int = 32
    init: str = "uniform"
    seed: int = 0
    test: float = 1 / 3
    data: str = "chapter"
    n: int = 1000

    def __post_init__(self):
        TRAIN.validate(self)

    # ---- URL ------------------------------------------------------------------------------------
    @classmethod
    def from_params(cls, params: Mapping[str, str | Sequence[str]]) -> tuple[TrainingSettings, list[str]]:
        """Settings from URL query parameters; each malformed value falls back to its default with a notice."""
        values, notices = TRAIN.read(params)
        return cls(**values), notices

    def to_params(self, only_changed: bool = True) -> dict[str, str]:
        """The URL query parameters that reproduce these settings (defaults left out unless asked)."""
        return TRAIN.link(asdict(self), only_changed)

    # ---- what they mean -------------------------------------------------------------------------
    @property
    def hidden_layer_sizes(self) -> tuple[int, ...]:
        return (self.hidden,) * self.layers

    @property
    def batch_size(self) -> int | None:
        """1 for the chapter's per-sample SGD, the batch for mini-batch, None for the full batch."""
        return {"chapter": 1, "minibatch": self.batch, "full": None}[self.mode]

    def network(self) -> Network:
        """An untrained network with these settings."""
        return Network(self.hidden_layer_sizes, self.activation, mode="chapter", loss=self.loss, init=self.init,
                       batch_size=self.batch_size, optimizer="sgd", learning_rate=self.lr,
                       max_iter=self.iterations, random_state=self.seed)

    def dataset(self, uploaded: data.Dataset | None = None) -> data.Dataset:
        """The data these settings name; `uploaded` is used for data='upload' (the chapter's data until there is one).

        The seed draws the generated and random colours; the chapter's rows are always the same.
        """
        if self.data == "random":
            return data.random_dataset(self.n, seed=self.seed)
        if self.data == "generated":
            return data.generated_dataset(seed=self.seed)
        if self.data == "upload" and uploaded is not None:
            return uploaded
        return data.chapter_dataset()

    def check_cost(self, train_rows: int | None = None) -> None:
        """Refuse settings whose run would compute for longer than MAX_RUN_SECONDS (see `estimated_cost`):
        a link can ask for a full-batch run on 100,000 rows for a million iterations, days of a core's time."""
        seconds = estimated_cost(self, train_rows)
        if seconds > MAX_RUN_SECONDS:
            rows = self.batch_size or train_rows or _train_rows(self)
            raise SettingsError(
                f"this run would compute for {_duration(seconds)} ({rows:,} rows per update, "
                f"{self.iterations:,} iterations); a run here may take {_duration(MAX_RUN_SECONDS)} at most. "
                "Use fewer iterations, mini-batches, fewer rows or fewer nodes")

    def describe(self) -> str:
        sizes = "-".join(map(str, self.hidden_layer_sizes))
        batch = f", batch {self.batch}" if self.mode == "minibatch" else ""
        return (f"3-{sizes}-1 {self.activation}, {self.loss.replace('_', '-')} loss, {MODES[self.mode]}{batch}, "
                f"lr {format_number(self.lr)}, {self.iterations:,} iterations, {self.init} init, seed {self.seed}")



def _train_rows(settings: TrainingSettings) -> int:
    """The training rows the settings' data leaves after the hold-out (an upload's: at most data.MAX_ROWS)."""
    n = {"random": settings.n, "upload": data.MAX_ROWS}.get(settings.data, data.CHAPTER_ROWS)
    return n - math.ceil(n * settings.test)


def estimated_cost(settings: TrainingSettings, train_rows: int | None = None) -> float:
    """Roughly how many seconds of computing the run's training takes on this machine: iterations times the
    work of one (rows per update times weights, playback.estimated_seconds). `train_rows` is the data's real
    count of training rows when known."""
    rows = settings.batch_size or train_rows or _train_rows(settings)
    h, layers = settings.hidden, settings.layers
    weights = (3 + 1) * h + (layers - 1) * (h + 1) * h + h + 1
    return estimated_seconds(settings.iterations, rows, weights)


def _duration(seconds: float) -> str:
    for unit, size in (("days", 86_400), ("hours", 3600), ("minutes", 60)):
        if seconds >= 2 * size:
            return f"about {seconds / size:,.0f} {unit}"
    return f"about {seconds:,.0f} seconds"


# ---- what the network has learned ---------------------------------------------------------------
@lru_cache(maxsize=1)
def _live_agreement_set() -> tuple[np.ndarray, np.ndarray]:
    rgb = data.uniform_colours(LIVE_AGREEMENT_COLOURS, seed=2024)
    return data.scale(rgb), colors.formula_label(rgb)


def live_agreement(net: Network) -> float:
    """Agreement with the formula on a fixed set of LIVE_AGREEMENT_COLOURS uniform colours (cheap enough for every
    live update; the finished run is scored on 100,000)."""
    X, y = _live_agreement_set()
    return float(np.mean(net.predict(X) == y))


def diagnose(net: Network, X: np.ndarray) -> list[str]:
    """Warnings when a network is stuck: one answer for every colour, or a layer of ReLUs that never fire."""
    out = []
    fwd = net.forward(np.asarray(X, dtype=float).T)
    if net.activation == "relu":
        for l, Z in enumerate(fwd.Z[:-1], start=1):
            dead = np.all(Z <= 0, axis=1)
            if dead.all():
                out.append(f"Every ReLU in hidden layer {l} outputs 0 for every training colour (they are \"dead\"): "
                           "no gradient flows back through them, so the network cannot learn. "
                           "Try He initialisation, a smaller learning rate or another seed, then Reset.")
    p = fwd.output[0] if fwd.output.shape[0] == 1 else fwd.output[1]
    if len(p) and (np.all(p >= 0.5) or np.all(p < 0.5)):
        shade = "dark" if p[0] >= 0.5 else "light"
        out.append(f"The network answers {shade} text for every training colour: it is stuck predicting one class "
                   f"(P(dark) ranges only {p.min():.3f}-{p.max():.3f}). "
                   "A learning rate that is too large often does this, and so does the chapter's uniform [0, 1) "
                   "initialisation in a wider or deeper network; try a smaller learning rate or He/Xavier "
                   "initialisation, then Reset.")
    return out


CHANNELS = ("R", "G", "B")
MAP_SIZE = 52   # the decision map's grid: MAP_SIZE x MAP_SIZE colours of a slice


@dataclass(frozen=True)
class DecisionSlice:
    """P(dark text) over a slice of the RGB cube with one channel held fixed, plus the formula's boundary."""

    fixed: str
    value: int
    x_channel: str
    y_channel: str
    axis: np.ndarray               # 0-255 grid values along x and y
    p_dark: np.ndarray             # (len(axis), len(axis)): rows follow y, columns follow x
    boundary_x: np.ndarray         # the formula's line 0.299R + 0.587G + 0.114B = 127.5 in this slice
    boundary_y: np.ndarray


def slice_axes(fixed: str) -> tuple[int, int, int]:
    """(fixed, x, y) channel indices for a slice holding `fixed` ('R', 'G' or 'B') constant."""
    if fixed not in CHANNELS:
        raise ValueError(f"fixed channel must be one of {', '.join(CHANNELS)}, got {shorten(fixed)!r}")
    c = CHANNELS.index(fixed)
    x, y = (i for i in range(3) if i != c)
    return c, x, y


def decision_slice(net: Network, fixed: str = "B", value: int = 128, size: int = MAP_SIZE) -> DecisionSlice:
    """The network's P(dark) on a size x size grid of the slice `fixed` = value, and the formula's true boundary."""
    c, xi, yi = slice_axes(fixed)
    value = int(np.clip(value, 0, 255))
    axis = np.linspace(0, 255, size)
    gx, gy = np.meshgrid(axis, axis)
    rgb = np.empty((size * size, 3))
    rgb[:, c], rgb[:, xi], rgb[:, yi] = value, gx.ravel(), gy.ravel()
    p = net.predict_proba(data.scale(rgb))[:, 1].reshape(size, size)
    w = colors.FORMULA_WEIGHTS
    bx = np.linspace(0, 255, 256)
    by = (127.5 - w[c] * value - w[xi] * bx) / w[yi]
    inside = (by >= 0) & (by <= 255)
    return DecisionSlice(fixed, value, CHANNELS[xi], CHANNELS[yi], axis, p, bx[inside], by[inside])


def colours_near_slice(rgb: np.ndarray, labels: np.ndarray, fixed: str, value: int,
                       tolerance: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """The colours (and labels) within `tolerance` of the slice, to draw on the decision map."""
    c, _, _ = slice_axes(fixed)
    near = np.abs(np.asarray(rgb)[:, c] - value) <= tolerance
    return np.asarray(rgb)[near], np.asarray(labels)[near]


# ---- a run ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Checkpoint:
    """The state of a run after a chunk: losses, accuracy, agreement and every weight."""

    iteration: int
    train_loss: float     # mean training loss over the iterations since the previous checkpoint
    test_loss: float
    test_accuracy: float
    agreement: float      # with the formula, on LIVE_AGREEMENT_COLOURS uniform colours
    seconds: float        # training time so far
    weights: np.ndarray = field(repr=False)


class TrainingRun(LiveRun):
    """One training session: data, split, network, checkpoints and a status.

    ready -> (start) running -> (pause) paused -> (resume) running -> ... -> done, or diverged on a blow-up.
    `advance` trains one chunk while running; `step` trains a single iteration and leaves the run paused.
    """

    TARGET_UPDATES = TARGET_UPDATES
    PLAY_SECONDS = PLAY_SECONDS
    CHUNK_BUDGET_S = CHUNK_BUDGET_S
    FIRST_CHUNK = FIRST_CHUNK
    MAX_POINTS = MAX_CHECKPOINTS

    def __init__(self, settings: TrainingSettings, dataset: data.Dataset | None = None,
                 start: np.ndarray | None = None, *, trains: bool = True):
        """`start`: first weights to use instead of the seed's (flat, as `flat_weights`), e.g. another run's, so
        that two runs differ only in a setting; the seed still draws the split and the order of the rows.
        `trains=False` for a run around a loaded model, which never trains (its cost is not checked)."""
        self.settings = settings
        self.dataset = dataset if dataset is not None else settings.dataset()
        self.X_train, self.X_test, self.y_train, self.y_test = data.split(self.dataset, settings.test, settings.seed)
        if trains:
            settings.check_cost(len(self.X_train))
        if len(np.unique(self.y_train)) < 2:
            raise SettingsError("the training rows hold only one class; use more data or a smaller test share")
        self.name = f"trained here: {settings.describe()}"
        self.start_weights = None if start is None else np.array(start, dtype=float).ravel()
        self.reset()

    @classmethod
    def from_model(cls, net: Network, settings: TrainingSettings, dataset: data.Dataset | None = None,
                   name: str = "uploaded model") -> TrainingRun:
        """A finished run around a loaded model, scored on the current data so it can be compared and used."""
        run = cls(settings, dataset, trains=False)
        run.net = net
        run.names = weight_names(net)
        run.name = name
        run.loaded = True
        run.restart()
        run._record(float("nan"))
        run.status = "done"
        run.final_agreement = formula_agreement(net.predict)
        return run

    @guarded
    def reset(self) -> None:
        """Back to fresh random weights (same settings, same split): status ready, history from iteration 0."""
        self.net = self.first_network()
        self.loaded = False
        self.final_agreement: float | None = None
        self.names = weight_names(self.net)
        self.restart()
        self._record(float("nan"))

    def first_network(self) -> Network:
        """The network at iteration 0, as `reset` makes it: drawn from the seed, or holding the start weights."""
        net = self.settings.network()
        # what partial_fit does on its first call, done now so iteration 0 can be shown and checkpointed
        net.initialize(self.X_train, self.y_train)
        if self.start_weights is not None:
            try:
                set_flat_weights(net, self.start_weights)
            except ValueError:
                raise SettingsError(f"the start has {len(self.start_weights)} weights and biases; a "
                                    f"3-{'-'.join(map(str, self.settings.hidden_layer_sizes))}-1 network has "
                                    f"{len(flat_weights(net))}") from None
        return net

    @property
    def remaining(self) -> int:
        return 0 if self.loaded else super().remaining

    @property
    def trained(self) -> bool:
        """Whether there is a model worth using: at least one iteration, or a loaded one."""
        return self.loaded or self.iteration > 0

    @property
    def progress(self) -> float:
        return 1.0 if self.loaded else super().progress

    @property
    def play_seconds(self) -> float:
        """How long the run takes to play live: PLAY_SECONDS for the chapter's 100,000 iterations, less for
        shorter runs (a 3,000-iteration run is over in MIN_PLAY_SECONDS), never more."""
        return min(max(self.settings.iterations / ITERATIONS_PER_SECOND, MIN_PLAY_SECONDS), self.PLAY_SECONDS)

    @property
    def rows_per_update(self) -> int:
        return self.settings.batch_size or len(self.X_train)

    def _point(self, train_loss: float) -> Checkpoint:
        try:
            test_loss = self.net.loss_on(self.X_test, self.y_test)
        except (NetworkError, FloatingPointError):
            test_loss = float("nan")
        return Checkpoint(self.iteration, train_loss, test_loss, self.net.score(self.X_test, self.y_test),
                          live_agreement(self.net), self.seconds, flat_weights(self.net))

    def _diverged(self, start: int) -> None:
        self._record(self._chunk_loss(start))   # the last finite weights, as the charts show them

    def _finished(self) -> None:
        self.final_agreement = formula_agreement(self.net.predict)

    # ---- what to show -----------------------------------------------------------------------------
    def warnings(self) -> list[str]:
        """Stuck diagnoses for the current weights (see `diagnose`)."""
        return diagnose(self.net, self.X_train) if self.trained else []

    def result(self) -> Result:
        """This run scored the way the baselines are: test accuracy, agreement on 100,000 colours, time."""
        agreement = self.final_agreement if self.final_agreement is not None else formula_agreement(self.net.predict)
        return Result("fontnet", self.net.score(self.X_test, self.y_test), agreement, self.seconds)

    def library_result(self) -> Result:
        """scikit-learn's MLPClassifier with the same architecture, split, learning rate and seed.

        Raises ValueError when it has no such activation (leaky ReLU).
        """
        s = self.settings
        mlp = sklearn_mlp(s.hidden_layer_sizes, s.activation, s.lr, max_iter=s.iterations, random_state=s.seed)
        return evaluate("scikit-learn MLPClassifier", mlp, self.X_train, self.X_test, self.y_train, self.y_test)


def warm_up() -> None:
    """Load the compiled training loop for every kind of run the Train page makes, so no live update waits for a
    compile (seconds, in the middle of a chunk). Numba compiles one version per number of layers and per shape
    of the rows it is handed: drawn rows (per-sample and mini-batch), the full batch for one iteration, and for
    several; each is compiled once per install and read from Numba's cache after that."""
    X = np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]])
    for layers in range(1, MAX_LAYERS + 1):
        for batch_size, steps in ((1, 2), (None, 1), (None, 2)):
            Network((1,) * layers, batch_size=batch_size, max_iter=steps, random_state=0).fit(X, [0, 1])


# ---- files ------------------------------------------------------------------------------------------
def load_model(raw: bytes | str) -> Network:
    """A model from an uploaded JSON file: at most 1 MB, 3 inputs, 2 classes, every number finite."""
    net = Network.loads(raw, max_bytes=MAX_MODEL_BYTES)
    if net.weights_[0].shape[1] != 3:
        raise ModelFileError(f"the model takes {net.weights_[0].shape[1]} inputs; a colour model takes 3 (R, G, B)")
    if len(net.classes_) != 2 or sorted(map(str, net.classes_.tolist())) != ["0", "1"]:
        raise ModelFileError(f"the model has classes {shorten(net.classes_.tolist())}; a colour model has two, 0 and 1")
    if max(net.hidden_layer_sizes) > 1024 or len(net.hidden_layer_sizes) > 10:
        raise ModelFileError("the model is larger than this app handles")
    return net


def load_data(raw: bytes | str, name: str = "uploaded data") -> data.Dataset:
    """A labelled data set from an uploaded CSV: at most 5 MB and 100,000 rows, validated by data.read_csv."""
    size = len(raw.encode("utf-8") if isinstance(raw, str) else raw)
    if size > data.MAX_BYTES:
        raise data.DataError(f"the file is {size / 1e6:.1f} MB; a data file may be at most {data.MAX_BYTES / 1e6:g} MB")
    ds = data.read_csv(raw, name)
    return data.Dataset(ds.rgb, ds.labels, f"{name} ({len(ds):,} rows)")
