"""Text from links, files and text boxes, shown as typed: the one Markdown escape every page uses."""

from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$])")


def md_literal(text: object) -> str:
    """`text` escaped so Markdown (and the HTML inside it) shows it literally."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))
