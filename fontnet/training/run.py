"""A training run you can watch: the data, the split, the network and a checkpoint after every chunk, moving
between ready, running, paused, done and diverged (fontnet.playback.LiveRun), with diagnoses of a stuck network."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .. import colors, data
from ..baselines import Result, evaluate, sklearn_mlp
from ..model import formula_agreement
from ..network import Network, NetworkError, use_compiled_loop
from ..params import flat_weights, set_flat_weights, weight_names
from ..parsing import SettingsError
from ..playback import LiveRun, guarded
from .settings import MAX_LAYERS, TrainingSettings

# A live run's chunks must be quick: every run trains in the compiled loop, loaded now.
use_compiled_loop()

# ---- live playback ------------------------------------------------------------------------------
TARGET_UPDATES = 80          # the chapter's run plays in about this many chunks: 10 s at 8 updates per second
PLAY_SECONDS = 10.0          # ...and chunks grow when updates come slower, so a run still plays in about this long
ITERATIONS_PER_SECOND = 10_000  # shorter runs play for less time (iterations / this, at least MIN_PLAY_SECONDS)
MIN_PLAY_SECONDS = 2.0
FIRST_CHUNK = 200
CHUNK_BUDGET_S = 0.05        # ...unless a chunk would take longer than this to train
MAX_CHECKPOINTS = 2000       # older checkpoints are thinned beyond this (LiveRun.MAX_POINTS)
LIVE_AGREEMENT_COLOURS = 5_000   # live updates only (standard error about 0.25 points); a finished run uses 100,000


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


_REMEDIES = {  # what to try, where the run was made: on the Train page, or with `python -m fontnet train`
    "page": ("Try He initialisation, a smaller learning rate or another seed, then Reset.",
             "try a smaller learning rate or He/Xavier initialisation, then Reset."),
    "cli": ("Try a smaller --lr or another --seed.", "try a smaller --lr or another --seed."),
    "loaded": ("This model came from a file: Reset trains a fresh one from the settings on the left.",
               "this model came from a file: Reset trains a fresh one from the settings on the left."),
}


def diagnose(net: Network, X: np.ndarray, *, where: str = "page") -> list[str]:
    """Warnings when a network is stuck: one answer for every colour, or a layer of ReLUs that never fire. `where`
    picks the remedy's words: 'page' (the Train page's controls), 'cli' (the command's options) or 'loaded' (a
    model from a file, which no setting changes: only Reset, to a fresh run)."""
    dead_remedy, stuck_remedy = _REMEDIES[where]
    out = []
    fwd = net.forward(np.asarray(X, dtype=float).T)
    if net.activation == "relu":
        for l, Z in enumerate(fwd.Z[:-1], start=1):
            dead = np.all(Z <= 0, axis=1)
            if dead.all():
                out.append(f"Every ReLU in hidden layer {l} outputs 0 for every training colour (they are \"dead\"): "
                           f"no gradient flows back through them, so the network cannot learn. {dead_remedy}")
    p = fwd.output[0] if fwd.output.shape[0] == 1 else fwd.output[1]
    if len(p) and (np.all(p >= 0.5) or np.all(p < 0.5)):
        shade = "dark" if p[0] >= 0.5 else "light"
        out.append(f"The network answers {shade} text for every training colour: it is stuck predicting one class "
                   f"(P(dark) ranges only {p.min():.3f}–{p.max():.3f}). "
                   "A learning rate that is too large often does this, and so does the chapter's uniform [0, 1) "
                   f"initialisation in a wider or deeper network; {stuck_remedy}")
    return out


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
        return diagnose(self.net, self.X_train, where="loaded" if self.loaded else "page") if self.trained else []

    def result(self) -> Result:
        """This run scored the way the baselines are: test accuracy, agreement on 100,000 colours, time."""
        agreement = self.final_agreement if self.final_agreement is not None else formula_agreement(self.net.predict)
        name = f"fontnet ({self.name})" if self.loaded else "fontnet"
        return Result(name, self.net.score(self.X_test, self.y_test), agreement, self.seconds)

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
