"""The error a setting raises, the one rule for quoting what a person typed, and numbers held in files.

A leaf module every other module may import: fontnet.settings builds the page tables on top of `SettingsError`,
`shorten` and `quoted`. Numbers from files (a CSV's cells, a model file's JSON values and arrays) are each
checked for their type, finiteness and range before they are converted, so hostile text never reaches a
conversion that overflows. Each failure is a SettingsError whose message names the problem ("not a whole
number"); callers add the field's name, and a file's reader turns it into its own error."""


from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

SHORT = 30  # a typed value longer than this is cut to its first SHORT - 3 characters and "..."


class SettingsError(ValueError):
    """A control value the trainer cannot use; the message names the control and the problem."""


def shorten(text: object, limit: int = SHORT) -> str:
    """`text` as a string, cut short when long: 'abcdef...' keeps the first limit - 3 characters."""
    s = text if isinstance(text, str) else str(text)
    return s if len(s) <= limit else s[:limit - 3] + "..."


def counted(n: int, noun: str) -> str:
    """A count with its noun, for a message: '1 answer', '2 answers', '1,800 answers'."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def duration_text(seconds: float) -> str:
    """A computing time as a person reads it: '0.27 s' from a second down, '4 ms' below, 'under 1 ms' below that
    ('0.00 s' read as if nothing had been done)."""
    if seconds >= 0.1:
        return f"{seconds:.2f} s"
    if seconds >= 0.0005:
        return f"{seconds * 1000:.0f} ms"
    return "under 1 ms"


NO_CHANGE = "no change"


def points_change(now: float, before: float) -> str:
    """The change of a share (0-1) in percentage points as shown, one decimal: '+1.2 pts', '-0.4 pts', or
    NO_CHANGE when it rounds to zero (not '+0.0 pts', which reads as a rise, or '-0.0 pts')."""
    points = round((now - before) * 100, 1)
    return f"{points:+.1f} pts" if points != 0 else NO_CHANGE


_LIST_SEPARATORS = re.compile(r"[,;\s]+")
_BRACKETS = str.maketrans("[](){}", "      ")


def span(lo: int, hi: int) -> str:
    """A range of whole numbers for a message: '0–255' (an en dash), or '-10 to 10' when it starts below zero."""
    return f"{lo:,}\u2013{hi:,}" if lo >= 0 else f"{lo:,} to {hi:,}"


def number_words(text: object) -> list[str]:
    """The parts of a typed list of numbers, one way for every box that takes several: separated by commas,
    semicolons, spaces or new lines; brackets ([0.1 0.2], (0.1, 0.2), {}) ignored; a typographic minus (−, as
    copied from the pages) read as a minus. Each part is for its caller to read as a number."""
    return [t for t in _LIST_SEPARATORS.split(str(text).translate(_BRACKETS).replace("\u2212", "-")) if t]


def quoted(text: object) -> str:
    """What a person typed, for a message: shortened, then quoted ('abc')."""
    return repr(shorten(text))


# ---- numbers held in files ------------------------------------------------------------------------
def parse_int(text: str, lo: int, hi: int, *, grouping: bool = True) -> int:
    """A whole number in lo-hi ('1e3' reads too, and with `grouping` '1,500' and '1_500'). The range is checked
    before the conversion to int, so '1e19' is "outside", never an overflow later."""
    s = str(text)
    try:
        v = float(s.replace(",", "").replace("_", "").strip() if grouping else s)
    except ValueError:
        raise SettingsError("not a number") from None
    if not math.isfinite(v) or v != int(v):
        raise SettingsError("not a whole number")
    if not lo <= v <= hi:
        raise SettingsError(f"outside {span(lo, hi)}")
    return int(v)


class CellError(SettingsError):
    """A cell of a table that is not a whole number in its range: `row` and `column` say where."""

    def __init__(self, row: int, column: int, problem: str):
        super().__init__(problem)
        self.row, self.column = row, column


SLICE_ROWS = 2000


def parse_int_table(cells: Sequence[str], lo: Sequence[int], hi: Sequence[int]) -> np.ndarray:
    """A table of text cells, given row after row in one flat list (a row has len(lo) cells, e.g. a CSV's
    columns), as whole numbers, column j in lo[j]-hi[j], as an (rows, len(lo)) int64 array. The same reading as
    `parse_int` without grouping, done for the whole table at once; CellError names the first bad cell (row by
    row) with parse_int's words."""
    width = len(lo)
    if len(cells) % width:
        raise ValueError(f"{len(cells)} cells do not fill rows of {width}")
    lo_a, hi_a = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    step = SLICE_ROWS * width
    try:   # in slices of rows, so that no single conversion holds the interpreter for long
        v = np.concatenate([np.array(cells[k:k + step], dtype=float)
                            for k in range(0, len(cells), step)]).reshape(-1, width) if cells else np.empty((0, width))
        ok = np.isfinite(v) & (v == np.floor(v)) & (v >= lo_a) & (v <= hi_a)
    except (ValueError, OverflowError):
        ok = None
    if ok is not None and ok.all():
        return v.astype(np.int64)
    for i, cell in enumerate(cells):   # the slow path, only to name the first bad cell
        r, c = divmod(i, width)
        try:
            parse_int(cell, int(lo[c]), int(hi[c]), grouping=False)
        except SettingsError as e:
            raise CellError(r, c, str(e)) from None
    raise CellError(0, 0, "not a number")   # not reached: a table that fails as a whole has a bad cell


def parse_choice(text: str, choices: Sequence[str]) -> str:
    s = str(text).strip()
    if s not in choices:
        raise SettingsError(f"not one of {', '.join(choices)}")
    return s


def kind_of(value: object) -> str:
    """What a file's value is, for a message (never the value itself, which may be huge)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _number(value: object) -> int | float:
    """A file's value that must be a number: an int or a float, never true/false (a bool is an int) or text."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SettingsError(f"{kind_of(value)}, not a number")
    return value


def check_int(value: object, lo: int, hi: int) -> int:
    """A whole number lo-hi held in a file (a JSON number; 3.0 reads as 3). Compared before it is converted."""
    v = _number(value)
    if isinstance(v, float) and not math.isfinite(v):
        raise SettingsError("not a finite number")
    if isinstance(v, float) and not v.is_integer():
        raise SettingsError("not a whole number")
    if not lo <= v <= hi:   # exact for an int of any size, and inf is simply outside
        raise SettingsError(f"outside {span(lo, hi)}")
    return int(v)


def check_float(value: object, lo: float, hi: float) -> float:
    """A finite number lo-hi held in a file, as a float."""
    v = _number(value)
    if isinstance(v, float) and not math.isfinite(v):
        raise SettingsError("not a finite number")
    if not lo <= v <= hi:
        raise SettingsError(f"outside {lo:g} to {hi:g}")
    return float(v)


def check_list(value: object, check, item: str = "item") -> list:
    """A list held in a file whose items each pass `check` (one of these parsers); a failure names the item."""
    if not isinstance(value, list):
        raise SettingsError(f"{kind_of(value)}, not a list")
    out = []
    for i, v in enumerate(value, start=1):
        try:
            out.append(check(v))
        except SettingsError as e:
            raise SettingsError(f"{item} {i}: {e}") from None
    return out


def check_floats(value: object, ndim: int, limit: float) -> np.ndarray:
    """A vector (ndim 1) or matrix (ndim 2) held in a file as nested lists of numbers, each finite and within
    ±limit, as a float array. Text, true/false, ragged rows and deeper nesting are refused, not converted."""
    flat: list = []

    def walk(v: object, depth: int) -> None:
        if not isinstance(v, (list, tuple)):
            raise SettingsError(f"{kind_of(v)} where a list of numbers belongs")
        if depth == 1:
            for x in v:
                if type(x) is not float and type(x) is not int:
                    raise SettingsError(f"{kind_of(x)}, not a number")
            flat.extend(v)
        else:
            for row in v:
                walk(row, depth - 1)

    walk(value, ndim)
    try:
        arr = np.array(flat, dtype=float)
    except OverflowError:
        raise SettingsError(f"a number beyond ±{limit:,.0f}") from None
    if ndim == 2:
        widths = {len(row) for row in value}  # type: ignore[union-attr]
        if len(widths) > 1:
            raise SettingsError("rows of different lengths")
        arr = arr.reshape(len(value), widths.pop() if widths else 0)  # type: ignore[arg-type]
    if not np.isfinite(arr).all():
        raise SettingsError("NaN or infinite numbers")
    if arr.size and np.abs(arr).max() > limit:
        raise SettingsError(f"a number beyond ±{limit:,.0f}")
    return arr
