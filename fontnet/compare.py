"""Runs side by side: finished runs kept for comparison, labelled by what differs, and "same start".

A kept run is its settings (as the Train page's link writes them, `fontnet.settings.COMPARE`'s `kept`), its first
weights and what it came to: the loss over its checkpoints, the final loss on its training rows, its test
accuracy and its agreement with the formula. A link holds only the settings and seeds; `reproduce` trains a run
from them again, and gets the same numbers, since a seeded run is the same however it is chunked. "Same start"
gives a new run a kept run's first weights, so two runs differ only in the setting that was changed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from . import data
from .model import formula_agreement
from .settings import COMPARE, MAX_KEPT, TRAIN
from .training import TrainingRun, TrainingSettings

REPRODUCED_CHECKPOINTS = 80   # a run trained again from a link records about this many points for its curve

__all__ = ["MAX_KEPT", "COMPARE", "Kept", "differences", "keep", "labels", "reproduce", "spec_of", "start_of"]


@dataclass(frozen=True)
class Kept:
    """A finished run, kept: its link spec (settings that differ from the defaults, seed, start), its first
    weights, its loss curve and its final numbers."""

    spec: Mapping[str, object]
    settings: TrainingSettings
    first: np.ndarray               # the weights it started from (flat)
    iterations: np.ndarray          # the checkpoints' iterations...
    losses: np.ndarray              # ...and the training loss there (mean over the chunk before it)
    final_loss: float               # the cost on its training rows at the end
    test_accuracy: float
    agreement: float                # with the formula, on 100,000 random colours
    status: str                     # done, or diverged


def spec_of(settings: TrainingSettings, start: int = 0) -> dict[str, object]:
    """A run's entry in the link: what `RunList` writes for these settings (and start k)."""
    return COMPARE["kept"].kind.canonical({**{name: getattr(settings, name) for name in TRAIN.names}, "start": start})


def settings_of(spec: Mapping[str, object]) -> TrainingSettings:
    return TrainingSettings(**{k: v for k, v in spec.items() if k != "start"})


def keep(run: TrainingRun, start: int = 0) -> Kept:
    """A finished run (done or diverged) as a kept run; `start` names the kept run whose first weights it used."""
    if run.status not in ("done", "diverged") or run.loaded:
        raise ValueError("only a run trained here and finished can be kept")
    agreement = run.final_agreement if run.final_agreement is not None else formula_agreement(run.net.predict)
    return Kept(spec_of(run.settings, start), run.settings, run.history[0].weights.copy(),
                np.array([cp.iteration for cp in run.history]), np.array([cp.train_loss for cp in run.history]),
                run.net.loss_on(run.X_train, run.y_train), run.net.score(run.X_test, run.y_test), agreement,
                run.status)


def start_of(kept: Sequence[Kept], spec: Mapping[str, object]) -> np.ndarray | None:
    """The first weights a spec names: kept run k's for start k, else None (its own seed's)."""
    k = int(spec.get("start", 0))
    return kept[k - 1].first if 0 < k <= len(kept) else None


def reproduce(spec: Mapping[str, object], kept: Sequence[Kept] = (), uploaded: data.Dataset | None = None) -> Kept:
    """Train the run a link names, as the page would (in chunks, to about REPRODUCED_CHECKPOINTS points), and
    keep it; `kept` are the runs before it (for start:k), `uploaded` the data for data=upload."""
    settings = settings_of(spec)
    run = TrainingRun(settings, settings.dataset(uploaded), start=start_of(kept, spec))
    run.start()
    chunk = max(1, math.ceil(settings.iterations / REPRODUCED_CHECKPOINTS))
    while run.status == "running":
        run.advance(chunk)
    return keep(run, int(spec.get("start", 0)))


def differences(specs: Sequence[Mapping[str, object]]) -> list[str]:
    """The settings (in the table's order, then start) whose values are not the same in every run."""
    names = [*TRAIN.names, "start"]
    full = [{**TRAIN.defaults(), "start": 0, **s} for s in specs]
    return [n for n in names if len({_text(n, f[n]) for f in full}) > 1]


def _text(name: str, value: object) -> str:
    return str(value) if name == "start" else TRAIN.format(name, value)


def labels(specs: Sequence[Mapping[str, object]]) -> list[str]:
    """Each run's label: its number and its values of the settings that differ ("run 2: lr 0.5, seed 3")."""
    differ = differences(specs)
    out = []
    for k, s in enumerate(specs, start=1):
        full = {**TRAIN.defaults(), "start": 0, **s}
        words = ", ".join(("same start as run " + str(full[n]) if full[n] else "own start") if n == "start"
                          else f"{n} {_text(n, full[n])}" for n in differ)
        out.append(f"run {k}: {words}" if words else f"run {k}")
    return out
