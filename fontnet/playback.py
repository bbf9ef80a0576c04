"""A training run that plays live: its status and the clock of the time it has spent running.

ready -> (start) running -> (pause) paused -> (resume) running -> ... -> done, or diverged. The clock counts
running time only; the runs use it to size their chunks, so a run plays in about its play time however fast
the live updates come. A chunk is also bounded by TIME: it trains within a budget at the fastest pace measured
so far, and before any pace is known, within an estimate from the run's work per iteration (rows per update
times weights), so one heavy network never holds a live update, or a Pause waiting for it, for long. The
colour network's `TrainingRun` and the digits network's `DigitsRun` share it.
"""

from __future__ import annotations

import threading
import time
from functools import wraps


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
    `_sec_per_iter = None` on reset.

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
