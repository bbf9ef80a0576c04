"""The data sets: the chapter's own CSV (shipped in fontnet/datasets/), generated and random colours, and CSV
reading and writing with validation.

Label 1 means the background wants DARK text: exactly when (0.299R + 0.587G + 0.114B)/255 > 0.5.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from .colors import NAMED_COLOURS, formula_label
from .parsing import CellError, parse_int_table, quoted, shorten

CHAPTER_CSV = "light_dark_font_training_set.csv"  # in fontnet/datasets/, with its NOTICE (source, Apache-2.0)
CHAPTER_ROWS = 1345
CHAPTER_COLUMNS = ("RED", "GREEN", "BLUE", "LIGHT_OR_DARK_FONT_IND")
LOWER_COLUMNS = ("red", "green", "blue", "label")
MAX_ROWS = 100_000
MAX_BYTES = 5_000_000  # uploads and CLI files larger than this are refused



class DataError(ValueError):
    """A data set that cannot be used; the message names the problem (and the row where there is one)."""


@dataclass(frozen=True)
class Dataset:
    """Background colours (n, 3) as 0–255 ints and labels (n,) as 0/1, 1 meaning dark text."""

    rgb: np.ndarray
    labels: np.ndarray
    name: str = "data"

    @property
    def X(self) -> np.ndarray:
        """The network's inputs: R, G, B scaled by 1/255."""
        return scale(self.rgb)

    def __len__(self) -> int:
        return len(self.labels)


def scale(rgb) -> np.ndarray:
    """R, G, B (0–255) to the network's inputs in [0, 1]."""
    return np.asarray(rgb, dtype=float) / 255.0


def grey_ramp(steps: int = 32) -> np.ndarray:
    v = np.linspace(0, 255, steps).round().astype(int)
    return np.stack([v, v, v], axis=1)


def chapter_csv() -> bytes:
    """The chapter's CSV file, exactly as shipped (it is part of what the default model's file name depends on)."""
    return (resources.files(__package__) / "datasets" / CHAPTER_CSV).read_bytes()


@lru_cache(maxsize=1)
def _chapter_rows() -> tuple[np.ndarray, np.ndarray]:
    rgb, labels = read_rows(chapter_csv())
    rgb.setflags(write=False)  # shared by every caller: nobody may change the chapter's rows
    labels.setflags(write=False)
    return rgb, labels


def chapter_dataset() -> Dataset:
    """The chapter's data: the book's 1,345 rows (661 distinct colours), read from the shipped CSV."""
    rgb, labels = _chapter_rows()
    return Dataset(rgb, labels, f"the chapter's data ({len(labels):,} rows)")


def generated_dataset(n: int = CHAPTER_ROWS, seed: int = 0) -> Dataset:
    """Generated colours labelled by the formula: the CSS named colours, a grey ramp, then seeded random colours."""
    fixed = np.vstack([np.array(list(NAMED_COLOURS.values())), grey_ramp()])[:n]
    rng = np.random.default_rng(seed)
    rand = rng.integers(0, 256, size=(max(n - len(fixed), 0), 3))
    rgb = np.vstack([fixed, rand]).astype(int)
    return Dataset(rgb, formula_label(rgb), f"generated colours ({n:,} rows)")


def random_dataset(n: int, seed: int = 0) -> Dataset:
    """n uniformly random colours, labelled by the formula."""
    if not 1 <= n <= MAX_ROWS:
        raise DataError(f"number of colours must be 1–{MAX_ROWS:,}, got {n}")
    rgb = np.random.default_rng(seed).integers(0, 256, size=(n, 3))
    return Dataset(rgb, formula_label(rgb), f"{n} random colours")


def uniform_colours(n: int, seed: int = 12345) -> np.ndarray:
    """n uniformly random RGB colours (the yardstick for agreement with the formula)."""
    return np.random.default_rng(seed).integers(0, 256, size=(n, 3))


def _columns(header: list[str], want_label: bool) -> list[int]:
    names = [h.strip() for h in header]
    for cols in (CHAPTER_COLUMNS, LOWER_COLUMNS):
        need = cols if want_label else cols[:3]
        if all(c in names for c in need):
            return [names.index(c) for c in need]
    need = "RED,GREEN,BLUE" + (",LIGHT_OR_DARK_FONT_IND" if want_label else "")
    low = "red,green,blue" + (",label" if want_label else "")
    shown = ",".join(names)[:80]
    raise DataError(f"missing columns: expected {need} or {low}, found {shown or 'none'}")


# What a plain body may hold: digits, commas, spaces and line ends (str.translate deletes these, in C)
_PLAIN_CHARS = str.maketrans("", "", "0123456789, \r\n")
_SPLIT_NUMBER = re.compile(r"[0-9] +[0-9]")   # "1 2" is no number
_HIGHEST = (255, 255, 255, 1)
_SLICE = 1 << 16


def _slices(body: str):
    """The body in pieces of about 64 kB that end at a line end, so that no single call on a piece holds the
    interpreter (and the server's other visitors) for more than a millisecond or so."""
    start = 0
    while start < len(body):
        end = body.find("\n", start + _SLICE)
        end = len(body) if end < 0 else end + 1
        yield body[start:end]
        start = end


def _plain_slice(piece: str, width: int) -> np.ndarray | None:
    """One piece's rows as an (n, width) int64 array, or None where the piece is not plain."""
    piece = piece.replace("\r\n", "\n")
    if piece.translate(_PLAIN_CHARS) or "\r" in piece:   # a lone carriage return ends a line in CSV
        return None
    lines = [line for line in piece.split("\n") if line.strip()]
    if not lines:
        return np.empty((0, width), dtype=np.int64)
    if any(line.count(",") != width - 1 for line in lines):
        return None
    joined = ",".join(lines)
    if " " in joined:
        if _SPLIT_NUMBER.search(joined):
            return None
        joined = joined.replace(" ", "")
    if ",," in joined or joined.startswith(",") or joined.endswith(","):   # an empty field
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # numpy warns where it stops early
        try:
            v = np.fromstring(joined, dtype=np.int64, sep=",")
        except (ValueError, OverflowError, DeprecationWarning):
            return None
    return v.reshape(len(lines), width) if v.size == len(lines) * width else None


def _read_plain(text: str, want_label: bool, max_rows: int) -> tuple[np.ndarray, np.ndarray | None] | None:
    """The common upload, read in C: a plain header, then rows of equal width holding only whole numbers.
    None for anything else (quotes, other text, ragged rows, a value out of range), which `read_rows` then reads
    cell by cell to name the problem. A 100,000-row file takes about 50 ms here against about 600 ms cell by
    cell, and it is read a 64 kB piece at a time, so that the server's other visitors never wait long for the
    interpreter meanwhile."""
    head, _, body = text.partition("\n")
    if '"' in head:
        return None
    header = head.rstrip("\r").split(",")
    try:
        idx = _columns(header, want_label)
    except DataError:   # no header here (an empty first line, say): the reading cell by cell says what is wrong
        return None
    parts, n = [], 0
    for piece in _slices(body):
        v = _plain_slice(piece, len(header))
        if v is None:
            return None
        n += len(v)
        if n > max_rows:
            return None
        parts.append(v[:, idx])
    if not n:
        return None
    v = np.concatenate(parts)
    if (v > np.array(_HIGHEST[:len(idx)])).any():
        return None
    return (v[:, :3], v[:, 3]) if want_label else (v, None)


def _free(items: list) -> None:
    """Empty a long list from its end a slice at a time: freeing it whole is one long call that holds the
    interpreter."""
    while items:
        del items[-5000:]


def read_rows(source: str | bytes, *, want_label: bool = True, max_rows: int = MAX_ROWS) -> tuple[np.ndarray, np.ndarray | None]:
    """Parse CSV text into (rgb ints (n, 3), labels (n,) or None). Raises DataError naming the problem.

    Every cell goes through the engine's checked parser (a whole number in range, checked before it is
    converted), and whatever the csv module says about hostile text (a field over its limit, a stray quote)
    becomes a DataError too. The cells are kept in one flat list of strings rather than a list per row: a
    hundred thousand small lists would set off the garbage collector's full pass, one long hold of the
    interpreter that every other visitor would wait out.
    """
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DataError("the file is not UTF-8 text (is it a CSV?)") from None
    if "\x00" in source:
        raise DataError("the file is binary, not CSV text")
    plain = _read_plain(source, want_label, max_rows)
    if plain is not None:
        return plain
    reader = csv.reader(io.StringIO(source))
    header: list[str] | None = None
    idx: list[int] = []
    header_error: DataError | None = None
    cells: list[str] = []   # row after row, the wanted columns' cells
    n = 0
    try:
        try:
            for row in reader:
                if not any(c.strip() for c in row):
                    continue
                if header is None:
                    header = row
                    try:
                        idx = _columns(row, want_label)
                    except DataError as e:
                        header_error = e   # said after the whole file is known to be CSV, as before
                    continue
                n += 1
                if idx and n <= max_rows:
                    cells.extend(row[col].strip() if col < len(row) else "" for col in idx)
        except csv.Error as e:
            raise DataError(f"line {reader.line_num}: not readable as CSV ({e})") from None
        if header is None:
            raise DataError("the file is empty")
        if header_error is not None:
            raise header_error
        if not n:
            raise DataError("the file has a header but no rows")
        if n > max_rows:
            raise DataError(f"too many rows: {n:,} (at most {max_rows:,})")
        try:
            values = parse_int_table(cells, [0] * len(idx), list(_HIGHEST[:len(idx)]))
        except CellError as e:
            cell = cells[e.row * len(idx) + e.column]
            if e.column == 3 and str(e).startswith("outside"):
                raise DataError(f"line {e.row + 2}: label {shorten(cell)} is not 0 or 1") from None
            raise DataError(f"line {e.row + 2}: {quoted(cell)} is {e}") from None
    finally:
        _free(cells)
    if not want_label:
        return values, None
    return values[:, :3], values[:, 3]


def read_csv(source: str | bytes, name: str = "uploaded data") -> Dataset:
    """A labelled data set from CSV text with RED,GREEN,BLUE,LIGHT_OR_DARK_FONT_IND or red,green,blue,label."""
    rgb, labels = read_rows(source)
    if len(np.unique(labels)) < 2:
        raise DataError(f"every row has label {labels[0]}: training needs both classes (0 and 1)")
    return Dataset(rgb, labels, name)


def to_csv(data: Dataset, chapter_columns: bool = True) -> str:
    cols = CHAPTER_COLUMNS if chapter_columns else LOWER_COLUMNS
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(cols)
    w.writerows(np.column_stack([data.rgb, data.labels]).tolist())
    return out.getvalue()


def split(data: Dataset, test_size: float = 1 / 3, seed: int = 0):
    """The chapter's hold-out split: (X_train, X_test, y_train, y_test), inputs scaled.

    A seeded shuffle, as scikit-learn's train_test_split does it, written out so that the app's first
    visit (which trains the default model) does not wait for scikit-learn to load.
    """
    if not 0 < test_size < 1:
        raise DataError(f"test share must be between 0 and 1, got {test_size}")
    n = len(data)
    n_test = int(np.ceil(n * test_size))
    if n < 4 or n_test >= n:
        raise DataError(f"need at least 4 rows to hold some out, got {n}")
    order = np.random.default_rng(seed).permutation(n)
    test, train = order[:n_test], order[n_test:]
    X = data.X
    return X[train], X[test], data.labels[train], data.labels[test]
