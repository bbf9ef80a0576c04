"""Colour pairs shown as what they are: specimens, and how colour-blind readers see them (HTML).

A *specimen* is text whose colours are the subject of the page: the network's shade on a background, the
other shade beside it, the question Teach asks. Many of them are meant to be hard to read, so they cannot meet
WCAG's 4.5:1 themselves; each is marked (data-specimen) and named for screen readers with its colours and its
contrast ratio, and the page says the same in text that does meet it (docs/accessibility.md).
"""

from __future__ import annotations

from html import escape

from ..colors import RGB, WCAG_AA, contrast_ratio, to_hex, wcag_verdict
from ..vision import SeenPair, hard_to_read


def specimen_attrs(text: RGB, background: RGB, what: str) -> str:
    """The attributes of a specimen element: `what` (escaped here) with its colours and contrast ratio as the
    element's accessible name."""
    ratio = float(contrast_ratio(text, background))
    label = f"{what}: {to_hex(text)} on {to_hex(background)}, contrast {ratio:.2f}:1"
    return f' data-specimen="" role="img" aria-label="{escape(label)}"'


def _ratio_cell(ratio: float) -> str:
    verdict = wcag_verdict(ratio)
    words = "fails AA" if verdict == "fail" else f"passes {verdict}"
    mark = "✗" if verdict == "fail" else "✓"
    return f'<td data-ratio="{ratio:.4f}">{ratio:.2f}:1 <span aria-hidden="true">{mark}</span> {words}</td>'


def _who(pairs: list[SeenPair], shade: str) -> str:
    """'protanopia (2.96:1) and tritanopia (4.10:1)'."""
    words = [f"{p.vision} ({p.ratios[shade]:.2f}:1)" for p in pairs]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def vision_summary(pairs: list[SeenPair], chosen: str | None = None) -> str:
    """In words: for whom each shade (or only the `chosen` one) falls below WCAG AA's 4.5:1, and to what."""
    out = []
    for shade in [chosen] if chosen else list(pairs[0].shades):
        who = f"The network's choice, {shade} text," if chosen else f"{shade.capitalize()} text"
        typical = pairs[0].ratios[shade]
        bad = hard_to_read(pairs, shade)
        if typical >= WCAG_AA and not bad:
            out.append(f"{who} stays at {WCAG_AA:g}:1 or more for all three simulated readers.")
        elif typical >= WCAG_AA:
            out.append(f"{who} becomes hard to read for {_who(bad, shade)}: below WCAG AA's {WCAG_AA:g}:1, "
                       f"although typical vision gets {typical:.2f}:1.")
        elif not bad:
            out.append(f"{who} is below {WCAG_AA:g}:1 for typical vision ({typical:.2f}:1), but not for the "
                       "three simulated readers.")
        else:
            out.append(f"{who} is below {WCAG_AA:g}:1 already for typical vision ({typical:.2f}:1), and also "
                       f"for {_who(bad, shade)}.")
    return " ".join(out)


def colour_vision_html(pairs: list[SeenPair], chosen: str | None = None, sample: str = "Aa") -> str:
    """A table of the pair as each reader sees it (a specimen of each shade on the simulated background) with
    each shade's contrast ratio, and a sentence naming anyone for whom a shade becomes hard to read. One line of
    markup (Markdown passes it through); it scrolls inside its own box on a narrow screen."""
    shades = list(pairs[0].shades)
    head = "".join(f'<th scope="col">{escape(s)} text{" (the choice)" if s == chosen else ""}</th>' for s in shades)
    rows = []
    for p in pairs:
        bg = to_hex(p.background)
        samples = "".join(
            f'<span{specimen_attrs(p.shades[s], p.background, f"{s} text as seen with {p.label.lower()}")} '
            f'style="color: {to_hex(p.shades[s])}; padding: 0 0.35rem">{escape(sample)}</span>' for s in shades)
        swatch = (f'<div style="background: {bg}; border-radius: 0.3rem; padding: 0.2rem 0.4rem; font-size: 1.3rem; '
                  f'font-weight: 600; white-space: nowrap; border: 1px solid rgba(0,0,0,0.12)">{samples}</div>')
        rows.append(f'<tr data-vision="{p.vision}"><th scope="row" style="font-weight: 400">{escape(p.label)}</th>'
                    f'<td>{swatch}<code>{bg}</code></td>' + "".join(_ratio_cell(p.ratios[s]) for s in shades) + "</tr>")
    table = (f'<table style="margin: 0"><thead><tr><th scope="col">Vision</th><th scope="col">As seen</th>{head}</tr>'
             f'</thead><tbody>{"".join(rows)}</tbody></table>')
    # the table's own scroll box, focusable so a keyboard can scroll it on a narrow screen
    return (f'<div class="fontnet-vision"><div role="region" aria-label="Contrast for colour-blind readers" '
            f'tabindex="0" style="overflow-x: auto">{table}</div>'
            f'<p class="fontnet-vision-summary" style="margin-top: 0.5rem">{escape(vision_summary(pairs, chosen))}'
            f'</p></div>')
