"""A training run that plays live: its status and the clock of the time it has spent running.

ready -> (start) running -> (pause) paused -> (resume) running -> ... -> done, or diverged. The clock counts
running time only; the runs use it to size their chunks, so a run plays in about its play time however fast
the live updates come. The colour network's `TrainingRun` and the digits network's `DigitsRun` share it.
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


class Playback:
    """Status and running clock; a subclass sets `status`, `_played = 0.0` and `_running_since = None` on reset.

    A visitor's page can run twice at once for a moment: when a press (Pause, say) reruns the page while a live
    update is still training its chunk, Streamlit starts the new run before the old one has stopped. So
    training a chunk and changing the status hold one lock: Pause waits for the chunk in hand (a few
    milliseconds), and then the page it draws shows the run as it is, the chart and the progress bar alike.
    """

    status: str
    _played: float
    _running_since: float | None

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
