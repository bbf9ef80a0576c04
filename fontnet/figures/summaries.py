"""Figures in words: one line saying what a chart shows, for a reader who cannot see it (a screen reader reads it
where the picture is), worked out from the same numbers the chart draws."""

from __future__ import annotations

import numpy as np

from ..colors import FORMULA_WEIGHTS
from ..training import DecisionSlice, slice_axes


def slice_summary(sl: DecisionSlice) -> str:
    """The decision map in one line: where the network picks dark text on this slice, where the formula does,
    and how often they agree."""
    c, xi, yi = slice_axes(sl.fixed)
    gx, gy = np.meshgrid(sl.axis, sl.axis)  # rows follow y, columns follow x, as p_dark
    rgb = np.empty(gx.shape + (3,))
    rgb[..., c], rgb[..., xi], rgb[..., yi] = sl.value, gx, gy
    formula = rgb @ FORMULA_WEIGHTS / 255 > 0.5
    network = np.nan_to_num(sl.p_dark, nan=0.5) >= 0.5
    return (f"The map where {sl.fixed} = {sl.value}: the network picks dark text on {network.mean():.0%} of it, "
            f"the formula on {formula.mean():.0%}; they agree on {(network == formula).mean():.0%} of the map.")
