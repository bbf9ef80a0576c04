"""A digits run that trains in chunks for the page's live view (fontnet.playback.LiveRun)."""

from __future__ import annotations

from dataclasses import dataclass

from ..playback import LiveRun, guarded
from .data import split
from .learning import BATCH, DigitsSettings

LIVE_UPDATES = 40          # a run plays in about this many chunks...
PLAY_SECONDS = 8.0         # ...or larger ones when updates come slower, so it still plays in about this long
CHUNK_BUDGET_S = 0.1       # ...each trained within about this (the page asks for an update every 0.2 s)


# ---- a run you can watch -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Point:
    iteration: int
    loss: float              # mean training loss over the chunk (at 0: on the whole training set)
    train_accuracy: float
    test_accuracy: float


class DigitsRun(LiveRun):
    """A training run in chunks: ready -> running <-> paused -> done (or diverged), with a point per chunk."""

    TARGET_UPDATES = LIVE_UPDATES
    PLAY_SECONDS = PLAY_SECONDS
    CHUNK_BUDGET_S = CHUNK_BUDGET_S

    def __init__(self, settings: DigitsSettings):
        self.settings = settings
        self.X_train, self.X_test, self.y_train, self.y_test = split(settings.seed)
        self.reset()

    @guarded
    def reset(self) -> None:
        self.net = self.settings.network().initialize(self.X_train, self.y_train)
        self.restart()
        self._record(self.net.loss_on(self.X_train, self.y_train))

    @property
    def rows_per_update(self) -> int:
        return BATCH

    def _point(self, loss: float) -> Point:
        return Point(self.iteration, loss, self.net.score(self.X_train, self.y_train),
                     self.net.score(self.X_test, self.y_test))
