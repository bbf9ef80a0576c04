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

