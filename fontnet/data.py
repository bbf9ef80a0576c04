"""The chapter's data, rebuilt in code, and CSV reading and writing with validation.

Label 1 means the background wants DARK text: exactly when (0.299R + 0.587G + 0.114B)/255 > 0.5.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np

from .colors import formula_label

CHAPTER_ROWS = 1345
CHAPTER_COLUMNS = ("RED", "GREEN", "BLUE", "LIGHT_OR_DARK_FONT_IND")
LOWER_COLUMNS = ("red", "green", "blue", "label")
MAX_ROWS = 100_000
MAX_BYTES = 5_000_000  # uploads and CLI files larger than this are refused

# The CSS named colours (W3C list, duplicates such as aqua/cyan kept once).
NAMED_COLOURS: dict[str, tuple[int, int, int]] = {
    "aliceblue": (240, 248, 255), "antiquewhite": (250, 235, 215), "aqua": (0, 255, 255),
    "aquamarine": (127, 255, 212), "azure": (240, 255, 255), "beige": (245, 245, 220),
    "bisque": (255, 228, 196), "black": (0, 0, 0), "blanchedalmond": (255, 235, 205),
    "blue": (0, 0, 255), "blueviolet": (138, 43, 226), "brown": (165, 42, 42),
    "burlywood": (222, 184, 135), "cadetblue": (95, 158, 160), "chartreuse": (127, 255, 0),
    "chocolate": (210, 105, 30), "coral": (255, 127, 80), "cornflowerblue": (100, 149, 237),
    "cornsilk": (255, 248, 220), "crimson": (220, 20, 60), "darkblue": (0, 0, 139),
    "darkcyan": (0, 139, 139), "darkgoldenrod": (184, 134, 11), "darkgray": (169, 169, 169),
    "darkgreen": (0, 100, 0), "darkkhaki": (189, 183, 107), "darkmagenta": (139, 0, 139),
    "darkolivegreen": (85, 107, 47), "darkorange": (255, 140, 0), "darkorchid": (153, 50, 204),
    "darkred": (139, 0, 0), "darksalmon": (233, 150, 122), "darkseagreen": (143, 188, 143),
    "darkslateblue": (72, 61, 139), "darkslategray": (47, 79, 79), "darkturquoise": (0, 206, 209),
    "darkviolet": (148, 0, 211), "deeppink": (255, 20, 147), "deepskyblue": (0, 191, 255),
    "dimgray": (105, 105, 105), "dodgerblue": (30, 144, 255), "firebrick": (178, 34, 34),
    "floralwhite": (255, 250, 240), "forestgreen": (34, 139, 34), "fuchsia": (255, 0, 255),
    "gainsboro": (220, 220, 220), "ghostwhite": (248, 248, 255), "gold": (255, 215, 0),
    "goldenrod": (218, 165, 32), "gray": (128, 128, 128), "green": (0, 128, 0),
    "greenyellow": (173, 255, 47), "honeydew": (240, 255, 240), "hotpink": (255, 105, 180),
    "indianred": (205, 92, 92), "indigo": (75, 0, 130), "ivory": (255, 255, 240),
    "khaki": (240, 230, 140), "lavender": (230, 230, 250), "lavenderblush": (255, 240, 245),
    "lawngreen": (124, 252, 0), "lemonchiffon": (255, 250, 205), "lightblue": (173, 216, 230),
    "lightcoral": (240, 128, 128), "lightcyan": (224, 255, 255),
    "lightgoldenrodyellow": (250, 250, 210), "lightgray": (211, 211, 211),
    "lightgreen": (144, 238, 144), "lightpink": (255, 182, 193), "lightsalmon": (255, 160, 122),
    "lightseagreen": (32, 178, 170), "lightskyblue": (135, 206, 250),
    "lightslategray": (119, 136, 153), "lightsteelblue": (176, 196, 222),
    "lightyellow": (255, 255, 224), "lime": (0, 255, 0), "limegreen": (50, 205, 50),
    "linen": (250, 240, 230), "maroon": (128, 0, 0), "mediumaquamarine": (102, 205, 170),
    "mediumblue": (0, 0, 205), "mediumorchid": (186, 85, 211), "mediumpurple": (147, 112, 219),
    "mediumseagreen": (60, 179, 113), "mediumslateblue": (123, 104, 238),
    "mediumspringgreen": (0, 250, 154), "mediumturquoise": (72, 209, 204),
    "mediumvioletred": (199, 21, 133), "midnightblue": (25, 25, 112), "mintcream": (245, 255, 250),
    "mistyrose": (255, 228, 225), "moccasin": (255, 228, 181), "navajowhite": (255, 222, 173),
    "navy": (0, 0, 128), "oldlace": (253, 245, 230), "olive": (128, 128, 0),
    "olivedrab": (107, 142, 35), "orange": (255, 165, 0), "orangered": (255, 69, 0),
    "orchid": (218, 112, 214), "palegoldenrod": (238, 232, 170), "palegreen": (152, 251, 152),
    "paleturquoise": (175, 238, 238), "palevioletred": (219, 112, 147),
    "papayawhip": (255, 239, 213), "peachpuff": (255, 218, 185), "peru": (205, 133, 63),
    "pink": (255, 192, 203), "plum": (221, 160, 221), "powderblue": (176, 224, 230),
    "purple": (128, 0, 128), "rebeccapurple": (102, 51, 153), "red": (255, 0, 0),
    "rosybrown": (188, 143, 143), "royalblue": (65, 105, 225), "saddlebrown": (139, 69, 19),
    "salmon": (250, 128, 114), "sandybrown": (244, 164, 96), "seagreen": (46, 139, 87),
    "seashell": (255, 245, 238), "sienna": (160, 82, 45), "silver": (192, 192, 192),
    "skyblue": (135, 206, 235), "slateblue": (106, 90, 205), "slategray": (112, 128, 144),
    "snow": (255, 250, 250), "springgreen": (0, 255, 127), "steelblue": (70, 130, 180),
    "tan": (210, 180, 140), "teal": (0, 128, 128), "thistle": (216, 191, 216),
    "tomato": (255, 99, 71), "turquoise": (64, 224, 208), "violet": (238, 130, 238),
    "wheat": (245, 222, 179), "white": (255, 255, 255), "whitesmoke": (245, 245, 245),
    "yellow": (255, 255, 0), "yellowgreen": (154, 205, 50),
}


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


def chapter_dataset(n: int = CHAPTER_ROWS, seed: int = 0) -> Dataset:
    """A stand-in for the chapter's CSV: the named colours, a grey ramp, then seeded uniform random colours."""
    fixed = np.vstack([np.array(list(NAMED_COLOURS.values())), grey_ramp()])[:n]
    rng = np.random.default_rng(seed)
    rand = rng.integers(0, 256, size=(max(n - len(fixed), 0), 3))
    rgb = np.vstack([fixed, rand]).astype(int)
    return Dataset(rgb, formula_label(rgb), f"chapter-equivalent ({n} rows)")


def random_dataset(n: int, seed: int = 0) -> Dataset:
    """n uniformly random colours, labelled by the formula."""
    if not 1 <= n <= MAX_ROWS:
        raise DataError(f"number of colours must be 1-{MAX_ROWS}, got {n}")
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


def read_rows(source: str | bytes, *, want_label: bool = True, max_rows: int = MAX_ROWS) -> tuple[np.ndarray, np.ndarray | None]:
    """Parse CSV text into (rgb ints (n, 3), labels (n,) or None). Raises DataError naming the problem."""
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DataError("the file is not UTF-8 text (is it a CSV?)") from None
    if "\x00" in source:
        raise DataError("the file is binary, not CSV text")
    rows = [r for r in csv.reader(io.StringIO(source)) if any(c.strip() for c in r)]
    if not rows:
        raise DataError("the file is empty")
    idx = _columns(rows[0], want_label)
    body = rows[1:]
    if not body:
        raise DataError("the file has a header but no rows")
    if len(body) > max_rows:
        raise DataError(f"too many rows: {len(body):,} (at most {max_rows:,})")
    values = np.empty((len(body), len(idx)), dtype=np.int64)
    for i, row in enumerate(body, start=2):
        for j, col in enumerate(idx):
            cell = row[col].strip() if col < len(row) else ""
            try:
                v = float(cell)
            except ValueError:
                raise DataError(f"line {i}: {cell[:20]!r} is not a number") from None
            if not np.isfinite(v) or v != int(v):
                raise DataError(f"line {i}: {cell[:20]!r} is not a whole number")
            values[i - 2, j] = int(v)
    rgb = values[:, :3]
    if (bad := np.argwhere((rgb < 0) | (rgb > 255))).size:
        r, c = bad[0]
        raise DataError(f"line {r + 2}: value {rgb[r, c]} is outside 0-255")
    if not want_label:
        return rgb, None
    labels = values[:, 3]
    if (bad := np.flatnonzero((labels != 0) & (labels != 1))).size:
        raise DataError(f"line {bad[0] + 2}: label {labels[bad[0]]} is not 0 or 1")
    return rgb, labels


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
