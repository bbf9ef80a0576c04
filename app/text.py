"""Text on the pages: what links, files and text boxes hold, shown as typed (the one Markdown escape every page
uses). A computing time in words is `fontnet.parsing.duration_text`, which the command line shares."""

from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$])")


def md_literal(text: object) -> str:
    """`text` escaped so Markdown (and the HTML inside it) shows it literally."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))
