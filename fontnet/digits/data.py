"""The digits data: scikit-learn's bundled handwritten digits (1,797 images of 8x8 pixels, intensities 0-16),
scaled to [0, 1], and the seeded, stratified split that every digits model is scored on."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

N_PIXELS = 64
DIGITS = tuple(range(10))
TEST_SHARE = 1 / 3


# ---- the data -----------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def dataset() -> tuple[np.ndarray, np.ndarray]:
    """(X (1797, 64) pixels scaled from 0-16 to [0, 1], y (1797,) digits), read-only."""
    from sklearn.datasets import load_digits

    d = load_digits()
    X, y = d.data / 16.0, d.target.astype(np.int64)
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


@lru_cache(maxsize=8)
def split(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """X_train, X_test, y_train, y_test: a third held out, stratified by digit, seeded."""
    from sklearn.model_selection import train_test_split

    X, y = dataset()
    parts = train_test_split(X, y, test_size=TEST_SHARE, stratify=y, random_state=seed)
    for p in parts:
        p.setflags(write=False)
    return tuple(parts)
