"""The error a setting raises and the one rule for quoting what a person typed: a leaf module every other
module may import (fontnet.settings builds the page tables on top of it)."""

from __future__ import annotations

SHORT = 30  # a typed value longer than this is cut to its first SHORT - 3 characters and "..."


class SettingsError(ValueError):
    """A control value the trainer cannot use; the message names the control and the problem."""


def shorten(text: object, limit: int = SHORT) -> str:
    """`text` as a string, cut short when long: 'abcdef...' keeps the first limit - 3 characters."""
    s = text if isinstance(text, str) else str(text)
    return s if len(s) <= limit else s[:limit - 3] + "..."


def quoted(text: object) -> str:
    """What a person typed, for a message: shortened, then quoted ('abc')."""
    return repr(shorten(text))


# ---- older helpers, until every page reads its settings through fontnet.settings ----
import math  # noqa: E402
from collections.abc import Sequence  # noqa: E402


def format_lr(v: float) -> str:
    """How a learning rate is written on the slider and in the URL: 0.05, 0.0001, 2."""
    return f"{v:g}"


def parse_int(text: str, lo: int, hi: int) -> int:
    """A whole number in lo-hi ('1,500', '1_500' and '1e3' read too)."""
    try:
        v = float(str(text).replace(",", "").replace("_", "").strip())
    except ValueError:
        raise SettingsError("not a number") from None
    if not math.isfinite(v) or v != int(v):
        raise SettingsError("not a whole number")
    if not lo <= v <= hi:
        raise SettingsError(f"outside {lo:,}-{hi:,}")
    return int(v)


def parse_choice(text: str, choices: Sequence[str]) -> str:
    s = str(text).strip()
    if s not in choices:
        raise SettingsError(f"not one of {', '.join(choices)}")
    return s


def parse_lr(text: str, choices: Sequence[float]) -> float:
    """A learning rate from text, snapped to the nearest value of the log-spaced scale `choices`."""
    try:
        v = float(str(text).strip())
    except ValueError:
        raise SettingsError("not a number") from None
    lo, hi = choices[0], choices[-1]
    if not math.isfinite(v) or not lo * 0.999 <= v <= hi * 1.001:
        raise SettingsError(f"outside {format_lr(lo)}-{format_lr(hi)}")
    return min(choices, key=lambda c: abs(math.log(c) - math.log(v)))
