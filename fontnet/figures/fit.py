"""One figure drawn twice, for a wide box and for a narrow one; the browser shows the one that fits its box.

An SVG figure's text scales with the figure. Drawn for a laptop's column, the kept runs' chart had 6-px labels on
a phone and the Tune page's map 7-px ones on a tablet. A figure whose smallest text would fall below MIN_TEXT_PX in
a narrow box is drawn a second time, narrower (the same text in fewer units), and a CSS container query on the
figure's own box shows one of the two: no script, and the server need not know any width. The drawing not shown
is `display: none`, so neither a screen reader nor the keyboard meets the figure twice. The rules' `<style>` is
marked `data-fontnet-fit`: the app's own, not text from a visitor (tests/test_bad_inputs.py tells them apart).
"""

from __future__ import annotations

import math

MIN_TEXT_PX = 10   # the smallest text a figure may show, in CSS pixels (a phone held at reading distance)


def below(width_units: float, smallest_text: float) -> int:
    """The box width (CSS px) under which a drawing `width_units` wide shows its `smallest_text` (in its own
    units) smaller than MIN_TEXT_PX."""
    return math.ceil(MIN_TEXT_PX * width_units / smallest_text)


def fitted(wide: str, narrow: str, under: int) -> str:
    """`wide` in a box at least `under` CSS px wide, `narrow` in a narrower one (one line of markup). A browser
    without container queries shows `wide` alone, as before there were two."""
    name = f"fontnet-fit-{int(under)}"
    return (f'<div class="fontnet-fit {name}" style="container-type: inline-size">'
            f'<style data-fontnet-fit>.{name} > .fit-narrow {{ display: none }} '
            f'@container (max-width: {int(under) - 0.02:g}px) {{ .{name} > .fit-wide {{ display: none }} '
            f'.{name} > .fit-narrow {{ display: block }} }}</style>'
            f'<div class="fit-wide">{wide}</div><div class="fit-narrow">{narrow}</div></div>')


def drawings(markup: str) -> dict[str, str]:
    """The two drawings of `fitted` markup, by name ("wide", "narrow"): what a test reads numbers from."""
    out = {}
    for name, end in (("wide", '</div><div class="fit-narrow">'), ("narrow", "</div></div>")):
        start = markup.index(f'<div class="fit-{name}">') + len(f'<div class="fit-{name}">')
        out[name] = markup[start:markup.index(end, start)]
    return out
