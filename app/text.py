"""Text on the pages: what links, files and text boxes hold, shown as typed (the one Markdown escape every page
uses), and a computing time in words."""

from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$])")


def md_literal(text: object) -> str:
    """`text` escaped so Markdown (and the HTML inside it) shows it literally."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def duration_text(seconds: float) -> str:
    """A computing time as a person reads it: '0.27 s' from a second down, '4 ms' below, 'under 1 ms' below that
    ('0.00 s' read as if nothing had been done)."""
    if seconds >= 0.1:
        return f"{seconds:.2f} s"
    if seconds >= 0.0005:
        return f"{seconds * 1000:.0f} ms"
    return "under 1 ms"

