"""Tune: the chapter's 3-3-1 network with its 16 weights and biases set by hand, scored as they change.

The Tune page is a thin view over this module: the 16 values by name (`PARAMS`, the chapter's W1[i,j], B1[i],
W2[1,j], B2, counted from 1) and where the page starts (`START`), the network they make with some hidden nodes
switched off (`network`: a node that is off passes 0 on, as if its output weight were 0), its scores (`score`:
agreement with the formula on Teach's 20,000 fixed random colours, and cost and accuracy on the chapter's data),
and the graded challenges (`CHALLENGES`), each checked on those scores. Nothing here imports a UI.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import backprop, data, teach
from .model import THRESHOLD
from .network import Network

# ---- the 16 values ---------------------------------------------------------------------------------------------
# (label as the chapter writes it, link key, which matrix, its index)
PARAMS: tuple[tuple[str, str, str, tuple[int, int]], ...] = (
    *((f"W1[{i + 1},{j + 1}]", f"w1_{i + 1}{j + 1}", "W1", (i, j)) for i in range(3) for j in range(3)),
    *((f"B1[{i + 1}]", f"b1_{i + 1}", "B1", (i, 0)) for i in range(3)),
    *((f"W2[1,{j + 1}]", f"w2_{j + 1}", "W2", (0, j)) for j in range(3)),
    ("B2", "b2", "B2", (0, 0)),
)
KEYS: tuple[str, ...] = tuple(p[1] for p in PARAMS)
LABELS: dict[str, str] = {p[1]: p[0] for p in PARAMS}
NODE_KEYS: tuple[str, ...] = ("on1", "on2", "on3")  # each hidden node on (True) or switched off
LIMIT = 1000.0  # every value within ±LIMIT: far beyond anything useful (the default model's largest is about 8)

# Where the page starts: each hidden node passes one channel on (node 1 red, node 2 green, node 3 blue) and the
# output says dark when their mean is above one half. A fair first guess (82% agreement with the formula); the
# formula weighs green far more than blue.
START: dict[str, float] = {k: 0.0 for k in KEYS} | {"w1_11": 1.0, "w1_22": 1.0, "w1_33": 1.0,
                                                     "w2_1": 1.0, "w2_2": 1.0, "w2_3": 1.0, "b2": -1.5}


def matrices(values: Mapping[str, float]) -> dict[str, np.ndarray]:
    """W1 (3,3), B1 (3,1), W2 (1,3), B2 (1,1) from the 16 values by link key."""
    out = {name: np.zeros(shape) for name, shape in backprop.SHAPES.items()}
    for _, key, name, idx in PARAMS:
        out[name][idx] = float(values[key])
    return out


def values_of(net: Network) -> dict[str, float]:
    """The 16 values of a 3-3-1 network by link key (raises backprop.BackpropError for another shape)."""
    backprop.check_chapter_shape(net)
    p = backprop.params(net)
    return {key: float(p[name][idx]) for _, key, name, idx in PARAMS}


def network(values: Mapping[str, float], on: Sequence[bool] = (True, True, True)) -> Network:
    """The 3-3-1 ReLU network these values make; a hidden node that is off passes 0 on (its W2 entry is 0)."""
    m = matrices(values)
    m["W2"] = m["W2"] * np.array([[1.0 if o else 0.0 for o in on]])
    return backprop.network_from(m["W1"], m["B1"], m["W2"], m["B2"])


# ---- scores ------------------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _chapter() -> tuple[np.ndarray, np.ndarray]:
    ds = data.chapter_dataset()
    X = data.scale(ds.rgb)
    X.setflags(write=False)
    return X, np.asarray(ds.labels)


@lru_cache(maxsize=1)
def _yardstick() -> tuple[np.ndarray, np.ndarray]:
    rgb, formula, _ = teach.yardstick()
    X = data.scale(rgb)
    X.setflags(write=False)
    return X, formula


@dataclass(frozen=True)
class Scores:
    """How a tuned network does: agreement with the formula on the yardstick colours, cost and accuracy on the
    chapter's data, the share of the chapter's colours it says dark for, and how many hidden nodes are on."""

    agreement: float
    cost: float
    accuracy: float
    dark_share: float
    nodes_on: int


def score(net: Network, nodes_on: int = 3) -> Scores:
    """One forward pass over Teach's 20,000 yardstick colours and one over the chapter's 1,345 rows."""
    X, formula = _yardstick()
    agreement = float(np.mean((net.forward(X.T).output[0] >= THRESHOLD) == formula))
    Xc, y = _chapter()
    p = net.forward(Xc.T).output[0]
    dark = p >= THRESHOLD
    return Scores(agreement, float(np.mean((p - y) ** 2)), float(np.mean(dark == y)), float(np.mean(dark)),
                  int(nodes_on))


def chapter_dark_share() -> float:
    """The share of the chapter's rows labelled dark text (1): what a network that always says dark gets right."""
    return float(np.mean(_chapter()[1]))


def default_cost(default_model: Network) -> float:
    """The default model's cost on the chapter's data: the bar of the last challenge."""
    return score(default_model).cost


# ---- challenges ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Challenge:
    """One graded goal: `met(scores, default_cost)` says whether a network meets it; `lesson` is shown once it is."""

    key: str
    stars: int
    title: str
    goal: str
    met: Callable[[Scores, float], bool]
    lesson: str


CHALLENGES: tuple[Challenge, ...] = (
    Challenge(
        "dark", 1, "Always dark", "A network that says dark text for every colour of the chapter's data.",
        lambda s, _: s.dark_share == 1.0,
        "It is right on {share:.0%} of the chapter's colours without looking at them: {share:.0%} of the rows are "
        "labelled dark text. Accuracy alone can flatter a network that learned nothing; agreement with the formula "
        "on uniform random colours ({agreement:.0%} here) tells them apart."),
    Challenge(
        "one", 2, "One node is enough", "Agree with the formula on at least 90% of the colours with one hidden node "
        "on and the other two switched off.",
        lambda s, _: s.nodes_on == 1 and s.agreement >= 0.90,
        "The formula's boundary is a plane, 0.299R + 0.587G + 0.114B = 127.5, and one ReLU node followed by the "
        "logistic output can place a plane: give the node weights in the formula's proportions."),
    Challenge(
        "all", 3, "Nearly perfect", "Agree with the formula on at least 98% of the colours with all three hidden "
        "nodes on.",
        lambda s, _: s.nodes_on == 3 and s.agreement >= 0.98,
        "Three nodes do not need to share the work evenly: only where their weighted sum crosses the output's "
        "threshold matters."),
    Challenge(
        "cost", 4, "Sharper than the default", "A cost on the chapter's data lower than the default model's.",
        lambda s, best: s.cost < best,
        "With the boundary in place, larger weights make the output surer on either side, and the squared error "
        "of every colour far from the boundary shrinks. Training does the same, step by step."),
)


def challenges_met(s: Scores, default_cost_: float) -> dict[str, bool]:
    """Which challenges these scores meet, by key."""
    return {c.key: bool(c.met(s, default_cost_)) for c in CHALLENGES}
