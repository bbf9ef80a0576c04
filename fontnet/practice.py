"""Your turn: the learner does one step of backprop by hand, and every entry is checked against the page's numbers.

The sheet holds the 19 quantities of the Backprop page's worked step in the chapter's order (`QUANTITIES`): the
forward pass Z1, A1, Z2, A2, C; the chain rule's factors and products dC/dA2 ... dC/dB1; and W1, B1, W2, B2 after
one step W <- W - L dC/dW. The reference numbers are fontnet.backprop's (`explain` and `step`), so the sheet and
the worked step never disagree. Each quantity is typed as all of its entries, row by row in its shape, separated
by commas, spaces, semicolons or new lines (`read_entries`); an entry is right within `TOLERANCE` of the page's
value. When an entry is wrong, `Sheet.why` names the first wrong quantity in the chain and says which of its
inputs were already right, so the learner knows where the slip is.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from . import backprop as bp
from .parsing import number_words, quoted
from .settings import SettingsError, read_number

REL, ABS = 0.01, 1e-6  # right within 1% of the page's value, or within 0.000001 of it (a value that is practically 0)
TOLERANCE = ("An entry is right within 1% of the page's value, or within 0.000001 of it (for values that are "
             "practically 0). A step changes a weight by very little, so for W and B after the step the change is "
             "checked: your new value minus the old one must be within 1% of −L · dC/dW (or within 0.000001). "
             "Keep at least 4 significant digits as you go, and type the values after the step with all the "
             "digits of the old ones.")
DECIMAL_COMMA = "Commas separate entries, so a decimal comma cannot be read: write 0.5, not 0,5."
GIVEN_DIGITS = 8  # the sheet gives the weights with 8 significant digits: enough to see a step's change
MAX_TEXT = 2000  # a cell longer than this is not read (nobody types a 3×3 matrix in more)
DIGITS = 6  # significant digits of a revealed answer: well inside the tolerance
AFTER_DIGITS = 10  # ... and of a value after the step, whose change from the old value is what is checked


@dataclass(frozen=True)
class Quantity:
    """One box of the sheet: its name as the chapter writes it (also its text box's label), how it is computed
    from the quantities before it (`inputs`, on the sheet) and from what the sheet gives (`given`)."""

    name: str
    inputs: tuple[str, ...] = ()
    given: tuple[str, ...] = ()
    formula: str = ""  # "" when the engine's term names it (it depends on the activation and the loss)


QUANTITIES: tuple[Quantity, ...] = (
    Quantity("Z1", given=("W1", "X", "B1")),
    Quantity("A1", ("Z1",)),
    Quantity("Z2", ("A1",), ("W2", "B2")),
    Quantity("A2", ("Z2",)),
    Quantity("C", ("A2",), ("Y",), "(A2 − Y)²"),
    Quantity("dC/dA2", ("A2",), ("Y",)),
    Quantity("dA2/dZ2", ("A2",)),
    Quantity("dC/dZ2", ("dC/dA2", "dA2/dZ2")),
    Quantity("dC/dW2", ("dC/dZ2", "A1"), formula="dC/dZ2 · A1ᵀ"),
    Quantity("dC/dB2", ("dC/dZ2",), formula="dC/dZ2 · 1"),
    Quantity("dC/dA1", ("dC/dZ2",), ("W2",), "dC/dZ2 · W2"),
    Quantity("dA1/dZ1", ("Z1",)),
    Quantity("dC/dZ1", ("dC/dA1", "dA1/dZ1")),
    Quantity("dC/dW1", ("dC/dZ1",), ("X",), "dC/dZ1 · Xᵀ"),
    Quantity("dC/dB1", ("dC/dZ1",), formula="dC/dZ1 · 1"),
    Quantity("W1 after", ("dC/dW1",), ("W1", "L"), "W1 − L · dC/dW1"),
    Quantity("B1 after", ("dC/dB1",), ("B1", "L"), "B1 − L · dC/dB1"),
    Quantity("W2 after", ("dC/dW2",), ("W2", "L"), "W2 − L · dC/dW2"),
    Quantity("B2 after", ("dC/dB2",), ("B2", "L"), "B2 − L · dC/dB2"),
)
NAMES: tuple[str, ...] = tuple(q.name for q in QUANTITIES)
BY_NAME: dict[str, Quantity] = {q.name: q for q in QUANTITIES}
SECTIONS = (("The forward pass", NAMES[:5]), ("The backward pass, in the chain rule's order", NAMES[5:15]),
            ("One step", NAMES[15:]))


# ---- the page's own numbers -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Reference:
    """The worked step's numbers for every quantity, in the shapes the page shows, and how each is computed."""

    values: dict[str, np.ndarray]
    formulas: dict[str, str]
    givens: dict[str, np.ndarray]  # X, Y, W1, B1, W2, B2 and L, the learning rate
    explained: bp.Backprop

    def shape(self, name: str) -> tuple[int, int]:
        return tuple(self.values[name].shape)  # type: ignore[return-value]

    def answer(self, name: str) -> str:
        """The quantity as it would be typed: 6 significant digits, or enough to show a step's change."""
        return answer_text(self.values[name], AFTER_DIGITS if name.endswith(" after") else DIGITS)

    def given(self, name: str) -> str:
        """A given (X, Y, W1, B1, W2, B2, L) as the sheet shows it."""
        return answer_text(self.givens[name], GIVEN_DIGITS)

    def before(self, name: str) -> np.ndarray | None:
        """For W1 after ... B2 after: the weight before the step (the change is what is checked); else None."""
        return self.givens[name.split()[0]] if name.endswith(" after") else None


def reference(b: bp.Backprop, learning_rate: float) -> Reference:
    """The sheet's answers from the worked step `b` (fontnet.backprop.explain) and one step at `learning_rate`."""
    values = {t.name: t.value for t in (*b.forward, *b.factors, *b.products)}
    values["C"] = np.array([[b.cost]])
    w = b.weights
    for name in bp.PARAMS:  # exactly fontnet.backprop.step's update, kept even when the step blows up
        values[f"{name} after"] = w[name] - learning_rate * b.gradients[name]
    values = {q.name: np.atleast_2d(np.asarray(values[q.name], dtype=float)) for q in QUANTITIES}
    formulas = {q.name: q.formula or b.term(q.name).formula for q in QUANTITIES}
    if b.loss != "squared":
        formulas["C"] = "−[Y ln A2 + (1 − Y) ln(1 − A2)]"
    givens = {"X": b.X, "Y": b.Y, **{k: np.asarray(v, dtype=float) for k, v in w.items()},
              "L": np.array([[float(learning_rate)]])}
    return Reference(values, formulas, givens, b)


# ---- reading what was typed ---------------------------------------------------------------------------------
class EntryError(ValueError):
    """Typed text that cannot be read as numbers; the message says what to write instead."""


_DECIMAL_COMMA = re.compile(r"\d,\d")


def read_number_or_fraction(token: str) -> float:
    """One typed number: 0.5, -.25, 2e-3, 1/3 or −1/3 (a typographic minus reads as a minus)."""
    t = token.replace("−", "-")
    try:
        if "/" in t:
            top, bottom = t.split("/", 1)
            top, bottom = read_number(top), read_number(bottom)
            if bottom == 0:
                raise EntryError(f"{quoted(token)} divides by zero")
            value = top / bottom
        else:
            value = read_number(t)
    except SettingsError:
        raise EntryError(f"{quoted(token)} is not a number (write 0.25, -1/3 or 2e-3)") from None
    if not math.isfinite(value):
        raise EntryError(f"{quoted(token)} is not a finite number")
    return value


def read_entries(text: str) -> list[float]:
    """Every number in a cell, in order (`parsing.number_words`: commas, spaces, semicolons or new lines; brackets
    ignored)."""
    text = str(text)
    if len(text) > MAX_TEXT:
        raise EntryError(f"this is longer than {MAX_TEXT:,} characters; type only the numbers")
    return [read_number_or_fraction(t) for t in number_words(text)]


def close(typed: np.ndarray, true: np.ndarray) -> np.ndarray:
    """Entry by entry: within REL of the page's value, or within ABS of it."""
    return np.abs(typed - true) <= np.maximum(ABS, REL * np.abs(true))


def shape_words(shape: tuple[int, ...]) -> str:
    rows, cols = shape
    n = rows * cols
    if n == 1:
        return "1 number"
    return f"{n} numbers, {rows}×{cols}" + (", row by row" if rows > 1 and cols > 1 else "")


# ---- checking -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Entry:
    """One quantity as checked. status: right, wrong, empty (not checked), unreadable or count (too few or too
    many numbers); `message` says what is off for the last three kinds and which entries are off for wrong."""

    name: str
    status: str
    message: str = ""  # for wrong: which entries are off ("" for a single number)
    off: tuple[int, ...] = ()  # 0-based entries (row by row) that are outside the tolerance

    @property
    def right(self) -> bool:
        return self.status == "right"


def check_entry(name: str, text: str, true: np.ndarray, before: np.ndarray | None = None) -> Entry:
    """One cell against the page's value `true` (its shape is the shape the page shows). With `before` (a weight
    before the step) the change is checked: typed − before against true − before."""
    if not str(text).strip():
        return Entry(name, "empty")
    try:
        typed = read_entries(text)
    except EntryError as e:
        return Entry(name, "unreadable", f"{e}.")
    want = true.size
    comma = f" {DECIMAL_COMMA}" if _DECIMAL_COMMA.search(str(text)) else ""  # 0,5 reads as two entries
    if len(typed) != want:
        return Entry(name, "count", f"{name} has {shape_words(true.shape)}; this holds {len(typed)}.{comma}")
    typed_arr, true = np.array(typed), true.ravel()
    if before is not None:
        typed_arr, true = typed_arr - before.ravel(), true - before.ravel()
    ok = close(typed_arr, true)
    if ok.all():
        return Entry(name, "right")
    off = tuple(int(i) for i in np.flatnonzero(~ok))
    parts = [] if want == 1 else [f"entr{'y' if len(off) == 1 else 'ies'} {', '.join(str(i + 1) for i in off)} of {want}"]
    signs = [i for i in off if abs(typed_arr[i] + true[i]) <= max(ABS, REL * abs(true[i]))]
    if signs:
        whose = "" if want == 1 else "entry " + ", ".join(str(i + 1) for i in signs) + " has "
        parts.append(f"{whose}the right size{' change' if before is not None else ''} but the wrong sign")
    message = "; ".join(parts)
    return Entry(name, "wrong", (message[:1].upper() + message[1:] + "." if message else "") + comma, off)


@dataclass(frozen=True)
class Sheet:
    """A whole sheet checked: every quantity's entry in the chapter's order, the first wrong one and why."""

    entries: dict[str, Entry]
    formulas: dict[str, str]

    @property
    def right(self) -> int:
        return sum(e.right for e in self.entries.values())

    @property
    def first_wrong(self) -> str | None:
        return next((n for n in NAMES if self.entries[n].status == "wrong"), None)

    @property
    def empty(self) -> int:
        """How many quantities were left empty: not checked, and not counted wrong."""
        return sum(e.status == "empty" for e in self.entries.values())

    @property
    def complete(self) -> bool:
        return self.right == len(NAMES)

    def why(self) -> str:
        """For the first wrong quantity: how it is computed, which of its inputs were right, where the slip is."""
        name = self.first_wrong
        if name is None:
            return ""
        q = BY_NAME[name]
        head = f"{name} = {self.formulas[name]}: "
        given = _and(q.given) if q.given else ""
        if not q.inputs:
            return head + f"it uses only what the sheet gives ({given}), so the arithmetic of {name} itself is off."
        right = [i for i in q.inputs if self.entries[i].right]
        unsure = [i for i in q.inputs if not self.entries[i].right]  # earlier than the first wrong: not checked
        given_words = f" and {given} {'is' if len(q.given) == 1 else 'are'} given" if q.given else ""
        product = len(q.inputs) == 2  # dC/dZ2, dC/dW2 and dC/dZ1: each the product of two quantities
        if not unsure:
            if product:
                return head + f"both factors are right{given_words}, so the product is off."
            return head + f"{_and(right)} {'is' if len(right) == 1 else 'are'} right{given_words}, so {name} itself is off."
        parts = []
        if right:
            parts.append(f"{_and(right)} {'is' if len(right) == 1 else 'are'} right")
        words = {"empty": "not filled in", "unreadable": "not readable", "count": "not the right number of entries"}
        parts.append("; ".join(f"{i} is {words[self.entries[i].status]}" for i in unsure))
        return head + "; ".join(parts) + (f"{given_words}. Fill in {_and(unsure)} to see whether the slip is there "
                                          f"or in {name} itself.")


def _and(names) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def check_sheet(ref: Reference, answers: Mapping[str, str]) -> Sheet:
    """Every quantity's cell (`answers` by name; a missing name is an empty cell) against the page's numbers."""
    return Sheet({n: check_entry(n, answers.get(n, ""), ref.values[n], ref.before(n)) for n in NAMES}, ref.formulas)


# ---- writing numbers for the sheet -----------------------------------------------------------------------------
def format_entry(v: float, digits: int = DIGITS) -> str:
    """A number as a learner would type it: 6 significant digits, no trailing zeros, e notation when tiny or huge."""
    if v == 0:
        return "0"
    return f"{v:.{digits}g}"


def answer_text(value: np.ndarray, digits: int = DIGITS) -> str:
    """A quantity as typed on the sheet: entries of a row separated by commas, rows by semicolons."""
    rows = np.atleast_2d(value)
    return "; ".join(", ".join(format_entry(float(v), digits) for v in row) for row in rows)
