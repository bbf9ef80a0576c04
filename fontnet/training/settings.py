"""The Train page's settings: every control (their names, limits and choices live in the page's table,
fontnet.settings.TRAIN), what they mean (the network, the data, the batch) and what a run would cost."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .. import data
from ..network import Network
from ..parsing import SettingsError, counted
from ..playback import estimated_seconds
from ..settings import TRAIN, format_number

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
MAX_RUN_SECONDS = 300.0      # a run may ask for about this much computing at most (see estimated_cost)


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
                f"{counted(self.iterations, 'iteration')}); a run here may take {_duration(MAX_RUN_SECONDS)} at most. "
                "Use fewer iterations, mini-batches, fewer rows or fewer nodes")

    def describe(self) -> str:
        sizes = "-".join(map(str, self.hidden_layer_sizes))
        batch = f", batch {self.batch}" if self.mode == "minibatch" else ""
        return (f"3-{sizes}-1 {self.activation}, {self.loss.replace('_', '-')} loss, {MODES[self.mode]}{batch}, "
                f"lr {format_number(self.lr)}, {counted(self.iterations, 'iteration')}, {self.init} init, seed {self.seed}")


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
