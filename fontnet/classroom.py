"""A class learns together: one network trained on every student's Teach answers, and what the teacher sees.

The class network is Teach's network trained exactly as Teach trains it (`teach.train_rows`: the same
starting weights, steps and penalty), on all the room's answers pooled, up to the store's 10,000. The teacher
sees how it agrees with the formula and WCAG on Teach's 20,000 yardstick colours (`teach.agreement`), where
the class itself disagrees (close colours answered both ways), each student against the class and against the
formula, and the answers as CSV for the Train page. The rows come from `fontnet.store` (StoredAnswer) or
anything with `.rgb` and `.label` (teach.Answer); nothing here talks to the database or imports a UI.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from . import colors, data, teach
from .model import THRESHOLD, p_dark
from .network import Network

SPLIT_CELL = 16          # where the class disagrees is counted in cells this wide, 3 x 3 x 3 cells a place
SPLITS_SHOWN = 8


class Row(Protocol):
    """One answer: a colour and its label (1 = dark text). Store rows also carry `student` and `id`."""

    rgb: tuple[int, int, int]
    label: int


@dataclass(frozen=True)
class Pool:
    """The class's answers as arrays: colours (n, 3) 0-255, labels (n,) 0/1, each row's student (n,), and the
    highest store id included (pass it to store.answers_since to fetch only what is new)."""

    rgb: np.ndarray
    labels: np.ndarray
    students: np.ndarray
    last_id: int = 0

    @classmethod
    def of(cls, rows: Iterable[Row] = ()) -> Pool:
        """A pool of rows: store.StoredAnswer, teach.Answer (student ""), or anything with .rgb and .label."""
        return cls.empty().extend(rows)

    @classmethod
    def empty(cls) -> Pool:
        return cls(np.empty((0, 3), dtype=int), np.empty(0, dtype=int), np.empty(0, dtype=object))

    def extend(self, rows: Iterable[Row]) -> Pool:
        """This pool with `rows` added at the end (a live view adds what answers_since returned)."""
        rows = list(rows)
        if not rows:
            return self
        rgb = np.array([r.rgb for r in rows], dtype=int).reshape(-1, 3)
        labels = np.array([r.label for r in rows], dtype=int)
        if ((rgb < 0) | (rgb > 255)).any() or ((labels != 0) & (labels != 1)).any():
            raise ValueError("answers need colours 0–255 and labels 0 or 1")
        ids = [i for r in rows if (i := getattr(r, "id", None)) is not None]
        return Pool(np.vstack([self.rgb, rgb]), np.concatenate([self.labels, labels]),
                    np.concatenate([self.students, np.array([getattr(r, "student", "") for r in rows], dtype=object)]),
                    max([self.last_id, *ids]))

    def __len__(self) -> int:
        return len(self.labels)

    def answers(self) -> list[teach.Answer]:
        """The rows as Teach's answers."""
        return [teach.Answer(tuple(c), int(y)) for c, y in zip(self.rgb.tolist(), self.labels.tolist())]


# ---- the class network --------------------------------------------------------------------------
def train(pool: Pool) -> Network:
    """The class network: Teach's training on every pooled answer (the same rows give the same network)."""
    return teach.train_rows(pool.rgb, pool.labels)


# ---- where the class disagrees ------------------------------------------------------------------
@dataclass(frozen=True)
class Split:
    """A place in RGB the class answered both ways, with its answers counted by shade."""

    rgb: colors.RGB       # the mean colour of the place's answers (its swatch)
    dark: int
    light: int
    students: int         # how many different students answered there

    @property
    def hex(self) -> str:
        return colors.to_hex(self.rgb)


def _box_sum(grid: np.ndarray) -> np.ndarray:
    """Each cell's sum over itself and its 26 neighbours (a 3 x 3 x 3 box; outside the cube counts 0)."""
    side = grid.shape[0]
    padded = np.pad(grid, 1)
    return sum(padded[i:i + side, j:j + side, k:k + side] for i in range(3) for j in range(3) for k in range(3))


def splits(pool: Pool, k: int = SPLITS_SHOWN, cell: int = SPLIT_CELL) -> list[Split]:
    """Up to k places where the class answered nearby colours both ways, the most answers on the smaller side
    first, then the closest vote, then the most answers.

    The RGB cube is cut into cells `cell` wide; a place is a cell that holds answers together with its 26
    neighbours (a box 3 cells wide), so answers up to about a cell apart always share a place. The places
    shown share no cell, so the swatches show different places rather than one place k times. Counting per
    cell keeps this linear in the answers (10,000 rows take a few milliseconds).
    """
    if not len(pool):
        return []
    side = -(-256 // cell)
    cells = pool.rgb // cell                                          # (n, 3) each answer's cell
    flat = np.ravel_multi_index(cells.T, (side,) * 3)
    here = np.bincount(flat, minlength=side ** 3)
    total = _box_sum(here.reshape((side,) * 3)).ravel()
    dark = _box_sum(np.bincount(flat, weights=pool.labels, minlength=side ** 3).reshape((side,) * 3)).ravel()
    minority = np.minimum(dark, total - dark)
    places = np.flatnonzero((here > 0) & (minority > 0))
    order = places[np.lexsort((-total[places], np.abs(dark[places] / total[places] - 0.5), -minority[places]))]
    chosen: list[Split] = []
    taken: list[np.ndarray] = []
    for place in order:
        if len(chosen) == k:
            break
        centre = np.array(np.unravel_index(place, (side,) * 3))
        if taken and np.min(np.abs(np.array(taken) - centre).max(axis=1)) < 3:   # the boxes would overlap
            continue
        taken.append(centre)
        inside = np.abs(cells - centre).max(axis=1) <= 1
        chosen.append(Split(tuple(int(c) for c in np.rint(pool.rgb[inside].mean(axis=0))), int(dark[place]),
                            int(total[place] - dark[place]), len(set(pool.students[inside].tolist()))))
    return chosen


# ---- each student -------------------------------------------------------------------------------
@dataclass(frozen=True)
class StudentScore:
    """Of one student's answers: how many, and the shares where the class network and the formula agree."""

    student: str
    answers: int
    with_class: float
    with_formula: float


def student_scores(pool: Pool, net: Network) -> list[StudentScore]:
    """Each student (in the order of their first answer) against the class network `net` and the formula."""
    if not len(pool):
        return []
    agree_class = (p_dark(net, pool.rgb) >= THRESHOLD).astype(int) == pool.labels
    agree_formula = colors.formula_label(pool.rgb) == pool.labels
    names, first, which = np.unique(pool.students.astype(str), return_index=True, return_inverse=True)
    count = np.bincount(which)
    with_class = np.bincount(which, weights=agree_class) / count
    with_formula = np.bincount(which, weights=agree_formula) / count
    return [StudentScore(str(names[j]), int(count[j]), float(with_class[j]), float(with_formula[j]))
            for j in np.argsort(first, kind="stable")]


# ---- everything the teacher sees, and the file ---------------------------------------------------
@dataclass(frozen=True)
class ClassView:
    """The class network and what the teacher's page shows about it."""

    net: Network
    answers: int
    agreement: teach.Agreement
    splits: list[Split]
    students: list[StudentScore]


def view(pool: Pool) -> ClassView:
    """Train the class network on the pool and measure it: agreement, splits, each student."""
    net = train(pool)
    return ClassView(net, len(pool), teach.agreement(net), splits(pool), student_scores(pool, net))


def to_csv(pool: Pool) -> str:
    """The pooled answers as CSV with columns red,green,blue,label (the format the Train page reads)."""
    return data.to_csv(data.Dataset(pool.rgb, pool.labels, "the class's answers"), chapter_columns=False)
