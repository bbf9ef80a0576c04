"""A training run that plays live: its status and the clock of the time it has spent running.

ready -> (start) running -> (pause) paused -> (resume) running -> ... -> done, or diverged. The clock counts
running time only; the runs use it to size their chunks, so a run plays in about its play time however fast
the live updates come. A chunk is also bounded by TIME: it trains within a budget at the fastest pace measured
so far, and before any pace is known, within an estimate from the run's work per iteration (rows per update
times weights), so one heavy network never holds a live update, or a Pause waiting for it, for long.

`LiveRun` is a run that plays in chunks on top of that: its id, history, progress, chunk size and `advance`.
The colour network's `TrainingRun` and the digits network's `DigitsRun` keep only what differs: their data,
network, what a point of the history holds, and what happens when a run ends.
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from functools import wraps

import numpy as np

from .network import DivergenceError, Network


def guarded(method):
    """Run `method` holding the run's lock (see `Playback.lock`)."""

    @wraps(method)
    def wrapper(self, *args, **kwargs):
        with self.lock:
            return method(self, *args, **kwargs)

    return wrapper


# Seconds one training iteration takes, roughly: a fixed cost plus one for every training row in the update
# times every weight (measured on the compiled loop: 0.7 us for the chapter's 3-3-1 network on one row, 0.45 s
# for a 3-16-16-16-1 network on 90,000 rows). Used before a run has measured its own pace, and to refuse runs
# that would compute for too long.
SECONDS_PER_ITERATION = 0.5e-6
SECONDS_PER_ROW_WEIGHT = 12e-9
MIN_TIMED_SECONDS = 0.01     # a chunk shorter than this (and under 10 iterations) is too short to measure a pace


def estimated_seconds(iterations: int, rows_per_update: int, weights: int) -> float:
    """Roughly how long `iterations` updates on `rows_per_update` rows of a network with `weights` take."""
    return iterations * (SECONDS_PER_ITERATION + rows_per_update * weights * SECONDS_PER_ROW_WEIGHT)


class Playback:
    """Status and running clock; a subclass sets `status`, `_played = 0.0`, `_running_since = None` and
    `_sec_per_iter = None` on reset (`LiveRun.restart` does).

    A visitor's page can run twice at once for a moment: when a press (Pause, say) reruns the page while a live
    update is still training its chunk, Streamlit starts the new run before the old one has stopped. So
    training a chunk and changing the status hold one lock: Pause waits for the chunk in hand (a few
    milliseconds), and then the page it draws shows the run as it is, the chart and the progress bar alike.
    """

    status: str
    _played: float
    _running_since: float | None
    _sec_per_iter: float | None

    @property
    def lock(self) -> threading.RLock:
        lock = self.__dict__.get("_lock")
        return lock if lock is not None else self.__dict__.setdefault("_lock", threading.RLock())

    @guarded
    def start(self) -> None:
        """Begin (or continue) training live."""
        if self.status in ("ready", "paused"):
            self._set_status("running")

    @guarded
    def pause(self) -> None:
        if self.status == "running":
            self._set_status("paused")

    @guarded
    def resume(self) -> None:
        if self.status == "paused":
            self._set_status("running")

    def _set_status(self, status: str) -> None:
        """Change status, keeping the clock of time spent running (chunks keep a run to its play time)."""
        if self._running_since is not None:
            self._played += time.monotonic() - self._running_since
            self._running_since = None
        if status == "running":
            self._running_since = time.monotonic()
        self.status = status

    @property
    def played_seconds(self) -> float:
        """Wall time spent running so far (paused time does not count)."""
        return self._played + (time.monotonic() - self._running_since if self._running_since is not None else 0.0)

    # ---- chunks bounded by time ----------------------------------------------------------------------
    def _paced(self, size: int, budget: float, rows_per_update: int, weights: int, first: int | None = None) -> int:
        """`size` iterations, fewer when they would take longer than `budget` seconds: at the fastest pace this run
        has measured, or before it has one, at the estimated pace (and at most `first`). Never fewer than one."""
        per = self._sec_per_iter
        if per is None:
            per = estimated_seconds(1, rows_per_update, weights)
            size = size if first is None else min(size, first)
        return max(1, min(size, int(budget / per)))

    def _note_pace(self, steps: int, seconds: float) -> None:
        """Keep the fastest pace seen: one slow chunk (a compile, a busy server) should not stick. A chunk too
        short to time says nothing."""
        if steps >= 10 or seconds >= MIN_TIMED_SECONDS:
            per = seconds / steps
            self._sec_per_iter = per if self._sec_per_iter is None else min(self._sec_per_iter, per)


_RUN_IDS = itertools.count(1)


class LiveRun(Playback):
    """A run that trains `net` on (X_train, y_train) in chunks for a live view, keeping a point per chunk.

    A subclass sets `settings` (with `iterations`), `X_train`, `y_train` and `net`, calls `restart()` from its
    `reset` and records the first point, and says how many rows an update reads (`rows_per_update`) and what a
    point holds (`_point`). The class constants set the pace: the run plays in about TARGET_UPDATES chunks over
    PLAY_SECONDS (`play_seconds` may be shorter for short runs), each chunk trained within CHUNK_BUDGET_S, and
    before the pace is known at most FIRST_CHUNK iterations (None: no such bound).
    """

    TARGET_UPDATES: int = 40
    PLAY_SECONDS: float = 8.0
    CHUNK_BUDGET_S: float = 0.1
    FIRST_CHUNK: int | None = None
    MAX_POINTS = 2000            # older points are thinned beyond this

    net: Network
    X_train: np.ndarray
    y_train: np.ndarray
    history: list

    def restart(self) -> None:
        """A new history: status ready, clock and pace unknown, a new run id (live charts showing the old one
        start over). The subclass has made `net` fresh and records the first point next."""
        self.status = "ready"
        self.message = ""
        self.seconds = 0.0
        self._played, self._running_since = 0.0, None
        self._sec_per_iter = None
        self.history = []
        self.run_id = next(_RUN_IDS)

    # ---- where it stands ---------------------------------------------------------------------------
    @property
    def iteration(self) -> int:
        return int(self.net.n_iter_)

    @property
    def remaining(self) -> int:
        return max(self.settings.iterations - self.iteration, 0)

    @property
    def trained(self) -> bool:
        """Whether there is a model worth using: at least one iteration."""
        return self.iteration > 0

    @property
    def can_train(self) -> bool:
        return self.status in ("ready", "running", "paused") and self.remaining > 0

    @property
    def progress(self) -> float:
        return min(self.iteration / self.settings.iterations, 1.0)

    @property
    def latest(self):
        return self.history[-1]

    # ---- chunks --------------------------------------------------------------------------------------
    @property
    def play_seconds(self) -> float:
        """How long the run takes to play live."""
        return self.PLAY_SECONDS

    @property
    def target_updates(self) -> int:
        """Live updates the run aims for: TARGET_UPDATES per PLAY_SECONDS of play."""
        return max(1, round(self.TARGET_UPDATES * self.play_seconds / self.PLAY_SECONDS))

    @property
    def rows_per_update(self) -> int:
        raise NotImplementedError

    @property
    def net_weights(self) -> int:
        return sum(W.size + B.size for W, B in zip(self.net.weights_, self.net.biases_))

    def chunk_size(self) -> int:
        """Iterations per live update: the run in about `target_updates` chunks, or larger ones when updates
        come slower than that (so a run still plays in about `play_seconds`); each chunk trains within
        CHUNK_BUDGET_S (at the measured pace, or before there is one, the estimated pace and FIRST_CHUNK)."""
        size = max(1, math.ceil(self.settings.iterations / self.target_updates))
        if self._running_since is not None:
            due = math.ceil(self.settings.iterations * min(self.played_seconds / self.play_seconds, 1.0))
            size = max(size, due - self.iteration)
        return self._paced(size, self.CHUNK_BUDGET_S, self.rows_per_update, self.net_weights, first=self.FIRST_CHUNK)

    @guarded
    def advance(self, steps: int | None = None):
        """Train one chunk (or `steps` iterations) while running and record a point. Returns it, or None."""
        if self.status != "running":
            return None
        if self.iteration == 0:   # the play clock starts with the first chunk, not with the press: a page run or a
            self._played, self._running_since = 0.0, time.monotonic()   # first request slow to come costs no play
        return self._train(steps or self.chunk_size())

    @guarded
    def step(self):
        """One iteration, then paused (from ready, running or paused)."""
        if not self.can_train:
            return None
        point = self._train(1)
        if self.status == "running" or (self.status == "ready" and point is not None):
            self._set_status("paused")
        return point

    def _train(self, steps: int):
        steps = min(int(steps), self.remaining)
        if steps < 1 or not self.can_train:
            return None
        start = self.iteration
        t = time.perf_counter()
        try:
            self.net.partial_fit(self.X_train, self.y_train, steps)
        except DivergenceError as e:
            self.seconds += time.perf_counter() - t
            self._set_status("diverged")
            self.message = str(e)
            self._diverged(start)
            return None
        dt = time.perf_counter() - t
        self.seconds += dt
        self._note_pace(steps, dt)
        point = self._record(self._chunk_loss(start))
        if self.remaining == 0:
            self._finished()   # first: whoever reads "done" finds the finished run's scores
            self._set_status("done")
        return point

    def _chunk_loss(self, start: int) -> float:
        """The mean training loss over the iterations since `start` (the finite ones)."""
        curve = self.net.loss_curve_[start:]
        curve = curve[np.isfinite(curve)]
        return float(curve.mean()) if len(curve) else float("nan")

    def _record(self, loss: float):
        """Keep a point for the current weights (replacing one at the same iteration)."""
        point = self._point(loss)
        if self.history and self.history[-1].iteration == point.iteration:
            self.history[-1] = point
        else:
            self.history.append(point)
        if len(self.history) > self.MAX_POINTS:   # keep the first and the latest, thin the middle
            self.history = self.history[:1] + self.history[1:-1:2] + self.history[-1:]
        return point

    def _point(self, loss: float):
        """What the history keeps after a chunk whose mean training loss was `loss`."""
        raise NotImplementedError

    def _diverged(self, start: int) -> None:
        """Called when a chunk begun at iteration `start` blew up (the status is diverged)."""

    def _finished(self) -> None:
        """Called once the last iteration has trained, just before the status becomes done."""
