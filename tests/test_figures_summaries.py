"""Figures in words: the decision map's summary counts the same grid the map draws."""

import numpy as np

from fontnet import colors, training
from fontnet.figures.summaries import slice_summary
from fontnet.model import default_model


class Constant:
    """A stand-in network that says P(dark) = p everywhere."""

    def __init__(self, p: float):
        self.p = p

    def predict_proba(self, X):
        return np.column_stack([1 - np.full(len(X), self.p), np.full(len(X), self.p)])


def test_a_network_that_always_says_dark_agrees_where_the_formula_says_dark():
    sl = training.decision_slice(Constant(0.9), "B", 128)
    # the formula's share of dark on this slice, counted independently over the same grid
    formula = np.mean([[colors.formula_label((r, g, 128)) for r in sl.axis] for g in sl.axis])
    text = slice_summary(sl)
    assert f"network picks dark text on 100% of it, the formula on {formula:.0%}" in text
    assert f"they agree on {formula:.0%} of the map" in text
    assert text.startswith("The map where B = 128:")


def test_the_chapters_network_agrees_with_the_formula_on_most_of_a_slice():
    text = slice_summary(training.decision_slice(default_model(), "G", 40))
    agree = int(text.split("they agree on ")[1].split("%")[0])
    assert agree >= 90, text
