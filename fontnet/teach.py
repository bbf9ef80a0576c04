"""Teach: a visitor's answers ("dark reads better here") become the data, and a small network learns them.

The Teach page is a thin view over this module: the answers, the network trained on them after every answer,
its guess for the next colour, which colour to ask next (where the network is least sure, or at random), the
running score, agreement with the chapter's formula and with WCAG, and the answers as a share link or CSV.
A simulated visitor (`answers_needed`) measures how many answers the network needs. Nothing here imports a UI.

The network is the chapter's shape (3 inputs scaled by 1/255 -> 3 ReLU -> 1 logistic output, `Network`), but
trained the way a few rows need, see `train`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import colors, data
from .model import THRESHOLD, p_dark
from .network import Network
from .parsing import quoted

# ---- the network and its training ---------------------------------------------------------------
HIDDEN = 3
STEPS = 150              # full-batch Adam steps per retraining, from the same starting weights every time
LEARNING_RATE = 0.05
ALPHA = 0.1              # L2 penalty, (ALPHA / 2n) * sum of squared weights, as scikit-learn's MLPClassifier
INIT_STD = 0.3           # starting weights ~ N(0, 0.3^2): small, so the first guesses are unsure
INIT_BIAS = 0.5          # hidden biases start at 0.5, so every ReLU is on across the whole RGB cube
SEED = 0                 # the starting weights: the same answers always give the same network
BETAS = (0.9, 0.999)
EPS = 1e-8

# ---- questions, score, comparison ---------------------------------------------------------------
MAX_ANSWERS = 200
POOL_SIZE = 500          # fresh random colours the next question is chosen from
EXPLORE = 0.2            # share of questions asked about a uniformly random colour even when choosing actively
SCORE_WINDOW = 10        # the running score counts the last this-many answers
AGREEMENT_COLOURS = 20_000
AGREEMENT_SEED = 14
TARGET_AGREEMENT = 0.95
DISAGREE_SPREAD = 48     # the disagreement swatches are at least this far apart in RGB
STRATEGIES: dict[str, str] = {
    "active": "where the network is least sure",
    "random": "uniformly random",
}
WHY_ACTIVE = ("A colour far from the boundary between dark and light teaches the network almost nothing it "
              "does not already know; a colour it is unsure about moves the boundary, so asking there teaches "
              "it faster.")

LETTERS = {"d": 1, "l": 0}          # the share link's label letters: d = dark text reads better (label 1)
DEFAULT_STRATEGY = "active"


@dataclass(frozen=True)
class Answer:
    """One labelled row: a background colour and the shade the visitor said reads better (1 = dark, as in the data).

    `guessed` is the label the network predicted before the answer was given (None for answers loaded from a
    link or a file, which were never asked here); the running score counts the answers it got right.
    """

    rgb: colors.RGB
    label: int
    guessed: int | None = None

    @property
    def hex(self) -> str:
        return colors.to_hex(self.rgb)

    @property
    def dark(self) -> bool:
        return self.label == 1

    @property
    def predicted(self) -> bool | None:
        return None if self.guessed is None else self.guessed == self.label


def _rows(answers: Sequence[Answer]) -> tuple[np.ndarray, np.ndarray]:
    rgb = np.array([a.rgb for a in answers], dtype=float).reshape(-1, 3)
    return rgb, np.array([a.label for a in answers], dtype=float)


def starting_network() -> Network:
    """The network before any answer: small random weights, every ReLU on, P(dark) close to 0.5 everywhere."""
    rng = np.random.default_rng(SEED)
    net = Network((HIDDEN,), "relu", mode="fast", loss="cross_entropy", optimizer="adam", batch_size=None,
                  learning_rate=LEARNING_RATE, max_iter=STEPS, random_state=SEED)
    net.classes_ = np.array([0, 1])  # both classes exist from the start, even when every answer so far is one
    net.weights_ = [rng.normal(0, INIT_STD, (HIDDEN, 3)), rng.normal(0, INIT_STD, (1, HIDDEN))]
    net.biases_ = [np.full((HIDDEN, 1), INIT_BIAS), np.zeros((1, 1))]
    net.t_ = net.n_iter_ = 0
    net.loss_curve_ = np.empty(0)
    net.diverged_ = False
    return net


def train(answers: Sequence[Answer]) -> Network:
    """The network trained on every answer so far, from the same starting weights each time.

    Why this training, for 1-200 rows:
    - Full-batch Adam on cross-entropy (the chapter's shape, `Network.gradients` for the chain rule): with so
      few rows every step can see all of them, and Adam needs no learning-rate tuning as the rows grow.
    - L2 regularisation (scikit-learn's alpha / 2n * sum W^2): a few answers are always separable, and without
      a penalty cross-entropy pushes the weights to infinity and the network becomes certain after two
      answers. The penalty keeps it unsure where it has seen little, which is what choosing the next colour
      by uncertainty needs, and it fades as answers accumulate.
    - Small starting weights with hidden biases of 0.5: every ReLU is on over the whole cube, so the network
      starts as (nearly) a linear model, the right first guess for a boundary that is a plane in the
      formula's case, and can bend when the answers ask for it. No ReLU starts dead.
    - From scratch every time (a fixed seed), not continued: the same answers always give the same network,
      so a share link reproduces it exactly, and removing an answer truly forgets it.
    150 steps on 200 rows take about 15 ms.
    """
    return train_rows(*_rows(answers))


def train_rows(rgb: np.ndarray, labels: np.ndarray) -> Network:
    """`train` on rows given as arrays: colours (n, 3) 0-255 and labels (n,) 0/1, any number of them (a class
    pools thousands). The same rows give the same network as `train` on the same answers."""
    net = starting_network()
    n = len(labels)
    if not n:
        return net
    X, Y = data.scale(np.asarray(rgb).reshape(-1, 3)).T, np.asarray(labels, dtype=float)[None, :]
    params = [*net.weights_, *net.biases_]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    b1, b2 = BETAS
    losses = np.empty(STEPS)
    for t in range(1, STEPS + 1):
        dW, dB, losses[t - 1] = net.gradients(X, Y)
        grads = [g + ALPHA / n * W for g, W in zip(dW, net.weights_)] + dB   # d/dW of the L2 term
        for p, g, mp, vp in zip(params, grads, m, v):
            mp *= b1
            mp += (1 - b1) * g
            vp *= b2
            vp += (1 - b2) * g * g
            p -= LEARNING_RATE * (mp / (1 - b1 ** t)) / (np.sqrt(vp / (1 - b2 ** t)) + EPS)
    net.t_ = net.n_iter_ = STEPS
    net.loss_curve_ = losses
    return net


# ---- the guess and the next question ------------------------------------------------------------
@dataclass(frozen=True)
class Guess:
    """The network's guess for one colour before the visitor answers."""

    p_dark: float

    @property
    def label(self) -> int:
        return int(self.p_dark >= THRESHOLD)

    @property
    def shade(self) -> str:
        return "dark" if self.label else "light"

    @property
    def confidence(self) -> float:
        """How sure it is of its pick, 0.5-1."""
        return max(self.p_dark, 1 - self.p_dark)

    def sentence(self) -> str:
        return f"I think you will pick {self.shade}, {self.confidence:.0%}."


def guess(net: Network, rgb: colors.RGB) -> Guess:
    return Guess(float(p_dark(net, rgb)[0]))


def most_uncertain(net: Network, pool: np.ndarray) -> int:
    """Index of the colour in `pool` (n, 3) whose P(dark) is closest to 0.5."""
    return int(np.argmin(np.abs(p_dark(net, pool) - THRESHOLD)))


def farthest(pool: np.ndarray, seen: np.ndarray) -> int:
    """Index of the colour in `pool` (n, 3) farthest in RGB from its nearest colour in `seen` (m, 3)."""
    d = ((pool[:, None, :].astype(float) - seen[None, :, :]) ** 2).sum(axis=2).min(axis=1)
    return int(np.argmax(d))


def next_colour(net: Network, rng: np.random.Generator, strategy: str = "active",
                answers: Sequence[Answer] = ()) -> colors.RGB:
    """The colour to ask about next, from a fresh pool of POOL_SIZE random colours, never one already answered.

    "random": the first of the pool (uniformly random). "active": the one the network is least sure about,
    except for EXPLORE of the questions, which take a random one (so it also looks where it wrongly feels
    sure), and except while every answer so far is the same shade: then the network has no boundary to be
    unsure about (it is sure of that shade everywhere), and the colour farthest from every answered one is
    asked instead, which soon finds the other shade.
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {', '.join(STRATEGIES)}, got {strategy!r}")
    seen = {a.rgb for a in answers}
    pool = rng.integers(0, 256, size=(POOL_SIZE, 3))
    fresh = np.array([tuple(c) not in seen for c in pool.tolist()])
    pool = pool[fresh] if fresh.any() else pool
    explore = rng.random() < EXPLORE
    if strategy == "random" or explore or not answers:
        pick = 0
    elif len({a.label for a in answers}) < 2:
        pick = farthest(pool, np.array([a.rgb for a in answers]))
    else:
        pick = most_uncertain(net, pool)
    return tuple(int(c) for c in pool[pick])  # type: ignore[return-value]


def running_score(answers: Sequence[Answer], window: int = SCORE_WINDOW) -> tuple[int, int]:
    """(predicted, asked): of the last `window` answers given here, how many the network predicted beforehand."""
    asked = [a.predicted for a in answers if a.predicted is not None][-window:]
    return sum(asked), len(asked)


# ---- your taste against the formula and WCAG ----------------------------------------------------
@lru_cache(maxsize=1)
def yardstick() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The fixed 20,000 random colours everything is compared on: (rgb, formula labels, WCAG labels)."""
    rgb = data.uniform_colours(AGREEMENT_COLOURS, seed=AGREEMENT_SEED)
    out = (rgb, colors.formula_label(rgb), colors.wcag_label(rgb))
    for arr in out:
        arr.setflags(write=False)
    return out


@dataclass(frozen=True)
class Agreement:
    """Shares of the 20,000 yardstick colours where the network's pick equals the formula's and WCAG's."""

    formula: float
    wcag: float


def agreement(net: Network) -> Agreement:
    rgb, f, w = yardstick()
    pred = (p_dark(net, rgb) >= THRESHOLD).astype(int)
    return Agreement(float(np.mean(pred == f)), float(np.mean(pred == w)))


def agreement_with(net: Network, labels: np.ndarray) -> float:
    """Share of the yardstick colours where the network's pick equals `labels` (a visitor's, in simulations)."""
    return float(np.mean((p_dark(net, yardstick()[0]) >= THRESHOLD).astype(int) == labels))


def disagreements(net: Network, k: int = 8, spread: float = DISAGREE_SPREAD) -> tuple[np.ndarray, np.ndarray]:
    """Up to k yardstick colours where the network most surely picks the other shade than the formula:
    (rgb (k', 3), the network's P(dark)), most sure first. Each is at least `spread` away in RGB from those
    before it, so the swatches show different places of disagreement rather than eight near-copies of one."""
    rgb, f, _ = yardstick()
    p = p_dark(net, rgb)
    against = np.where(f == 1, 1 - p, p)         # the network's probability for the formula's other shade
    idx = np.flatnonzero(against > 1 - THRESHOLD)
    chosen: list[int] = []
    for i in idx[np.argsort(-against[idx], kind="stable")]:
        if len(chosen) == k:
            break
        if not chosen or np.min(np.sum((rgb[chosen] - rgb[i]) ** 2, axis=1)) >= spread ** 2:
            chosen.append(int(i))
    return rgb[chosen].reshape(-1, 3), p[chosen]


# ---- keep and share -----------------------------------------------------------------------------
_PART = re.compile(r"#?([0-9a-fA-F]{6})\.(.*)")


def _examples(parts: list[str]) -> str:
    shown = ", ".join(quoted(p) for p in parts[:3])
    return shown + (f" and {len(parts) - 3} more" if len(parts) > 3 else "")


def tidy(answers: Sequence[Answer], where: str) -> tuple[list[Answer], list[str]]:
    """Duplicates resolved (the last answer for a colour wins, in its place) and at most MAX_ANSWERS kept
    (the first ones), with one notice per problem. `where` names the source in the notices."""
    last = {a.rgb: i for i, a in enumerate(answers)}
    notices = []
    dups = sorted({colors.to_hex(a.rgb) for i, a in enumerate(answers) if last[a.rgb] != i})
    if dups:
        notices.append(f"{where} answers some colours more than once ({_examples(dups)}); the last answer "
                       "for each is kept")
    kept = [a for i, a in enumerate(answers) if last[a.rgb] == i]
    if len(kept) > MAX_ANSWERS:
        notices.append(f"{where} holds {len(kept)} answers, more than {MAX_ANSWERS}; the first {MAX_ANSWERS} are kept")
        kept = kept[:MAX_ANSWERS]
    return kept, notices


def encode_link(answers: Sequence[Answer]) -> str:
    """The share link's value: `ffc0cb.d,000080.l` (colour without #, then d for dark or l for light)."""
    letter = {v: k for k, v in LETTERS.items()}
    return ",".join(f"{a.hex[1:]}.{letter[a.label]}" for a in answers)


def decode_link(text: str) -> tuple[list[Answer], list[str]]:
    """Answers from a share link's value, keeping every valid part; one problem (a phrase) per kind of problem.
    The link's notice is worded by fontnet.settings."""
    answers: list[Answer] = []
    bad_hex: list[str] = []
    bad_letter: list[str] = []
    for part in (p.strip() for p in str(text).split(",")):
        if not part:
            continue
        m = _PART.fullmatch(part)
        if not m:
            bad_hex.append(part)
        elif m.group(2).lower() not in LETTERS:
            bad_letter.append(part)
        else:
            answers.append(Answer(colors.parse_colour(m.group(1)), LETTERS[m.group(2).lower()]))
    notices = []
    if bad_hex:
        notices.append(f"{_examples(bad_hex)} {'is' if len(bad_hex) == 1 else 'are'} not a colour "
                       "as six hex digits and a label (like ffc0cb.d); skipped")
    if bad_letter:
        notices.append(f"{_examples(bad_letter)} "
                       f"{'has an unknown label letter' if len(bad_letter) == 1 else 'have unknown label letters'} "
                       "(d for dark text, l for light); skipped")
    answers, more = tidy(answers, "the link")
    return answers, notices + more


def to_csv(answers: Sequence[Answer]) -> str:
    """The answers as CSV with columns red,green,blue,label (the format the Train page reads)."""
    rgb, y = _rows(answers)
    return data.to_csv(data.Dataset(rgb.astype(int), y.astype(int), "your answers"), chapter_columns=False)


def from_csv(source: str | bytes) -> tuple[list[Answer], list[str]]:
    """Answers from CSV (red,green,blue,label or the chapter's columns). Raises data.DataError for a file that
    cannot be read at all; duplicates and extra rows get notices and the valid part is kept."""
    rgb, labels = data.read_rows(source)
    answers = [Answer(tuple(int(c) for c in row), int(label)) for row, label in zip(rgb.tolist(), labels.tolist())]
    return tidy(answers, "the file")


# ---- a simulated visitor ------------------------------------------------------------------------
Visitor = Callable[[np.ndarray], np.ndarray]


def formula_visitor(rgb: np.ndarray) -> np.ndarray:
    return np.asarray(colors.formula_label(np.atleast_2d(rgb)))


def wcag_visitor(rgb: np.ndarray) -> np.ndarray:
    return np.asarray(colors.wcag_label(np.atleast_2d(rgb)))


def noisy_visitor(base: Visitor, wrong: float, rng: np.random.Generator) -> Visitor:
    """`base`'s answers, each flipped with probability `wrong` (the visitor's slips)."""
    def answer(rgb: np.ndarray) -> np.ndarray:
        y = base(rgb)
        return np.where(rng.random(len(y)) < wrong, 1 - y, y)
    return answer


def answers_needed(visitor: Visitor, strategy: str, seed: int, target: float = TARGET_AGREEMENT,
                   truth: Visitor | None = None, max_answers: int = MAX_ANSWERS,
                   timings: list[float] | None = None) -> int:
    """How many answers until the network agrees with the visitor on >= target of the yardstick colours.

    The visitor answers each colour the page asks about, in order; the network retrains after every answer as
    on the page. Agreement is measured against `truth` (default: the visitor's own answers; a slipping visitor
    is measured against what they meant). Returns max_answers + 1 when the target is never reached. Each
    retraining's seconds are appended to `timings` when given.
    """
    rng = np.random.default_rng(seed)
    goal = (truth or visitor)(yardstick()[0])
    answers: list[Answer] = []
    net = starting_network()
    for k in range(1, max_answers + 1):
        rgb = next_colour(net, rng, strategy, answers)
        answers.append(Answer(rgb, int(visitor(np.array([rgb]))[0])))
        t = time.perf_counter()
        net = train(answers)
        if timings is not None:
            timings.append(time.perf_counter() - t)
        if agreement_with(net, goal) >= target:
            return k
    return max_answers + 1
