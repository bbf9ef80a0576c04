"""The Your-turn sheet on paper: a standalone HTML page that prints well, and the teacher's answer key.

Pure functions: the sheet's reference numbers (fontnet.practice) and a few words about the problem in, one HTML
document out, with no script and no outside resource (it opens from a file). `@media print` sets A4 margins, keeps
each quantity's boxes together and prints the swatch's colour. Every text is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import numpy as np

from ..practice import AFTER_DIGITS, DIGITS, GIVEN_DIGITS, SECTIONS, TOLERANCE, Reference, format_entry, shape_words

INK = "#1f2328"
RULE = "#6e7781"  # box borders: 4.5:1 on white


@dataclass(frozen=True)
class Problem:
    """What the sheet is about, in the app's own words: the colour, label, network and where to check it."""

    hex: str  # '#rrggbb'
    rgb: tuple[int, int, int]
    label_words: str  # "Y = 1 (dark text), from the formula"
    network_words: str  # "fresh weights, seed 3; ReLU hidden nodes, squared error"
    link: str  # the Backprop page in Your-turn mode with these settings


CSS = f"""
body {{ font-family: "Source Sans Pro", "Source Sans 3", Arial, sans-serif; color: {INK}; margin: 2rem auto;
       max-width: 52rem; line-height: 1.35; }}
h1 {{ font-size: 1.6rem; margin: 0 0 0.3rem; }} h2 {{ font-size: 1.15rem; margin: 1.2rem 0 0.4rem; }}
.meta {{ display: flex; gap: 1rem; align-items: center; }}
.swatch {{ width: 3.2rem; height: 3.2rem; border: 1px solid {RULE}; border-radius: 0.3rem; flex: none;
          -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
table.given {{ border-collapse: collapse; margin: 0.3rem 0; }}
table.given td {{ padding: 0.15rem 0.6rem 0.15rem 0; vertical-align: top; }}
.q {{ display: flex; gap: 1rem; align-items: flex-start; margin: 0.5rem 0; break-inside: avoid; }}
.q .name {{ width: 6rem; flex: none; font-weight: 600; }}
.q .how {{ width: 14rem; flex: none; font-size: 0.9rem; }}
table.boxes {{ border-collapse: separate; border-spacing: 0.25rem; }}
table.boxes td {{ border: 1px solid {RULE}; width: 6.6rem; height: 1.7rem; text-align: right; padding: 0 0.3rem;
                  font-variant-numeric: tabular-nums; font-size: 0.9rem; }}
.note {{ font-size: 0.9rem; }}
.key {{ color: #8c1d18; font-weight: 600; }}
@media print {{
  @page {{ size: A4; margin: 14mm; }}
  body {{ margin: 0; max-width: none; font-size: 11pt; }}
  a {{ color: {INK}; text-decoration: none; }}
  h2 {{ break-after: avoid; }}
}}
"""


def _matrix(value: np.ndarray, digits: int) -> str:
    rows = np.atleast_2d(value)
    return "<br>".join(escape(", ".join(format_entry(float(v), digits) for v in row)) for row in rows)


def _boxes(value: np.ndarray, filled: bool, digits: int) -> str:
    rows = np.atleast_2d(value)
    cells = lambda row: "".join(f"<td>{escape(format_entry(float(v), digits)) if filled else ''}</td>"  # noqa: E731
                                for v in row)
    return '<table class="boxes">' + "".join(f"<tr>{cells(row)}</tr>" for row in rows) + "</table>"


def worksheet_html(ref: Reference, problem: Problem, answers: bool = False) -> str:
    """The sheet as a print-ready HTML page: the givens, then a box per entry of every quantity in the chapter's
    order; with `answers`, the answer key (every box filled with the page's number)."""
    title = "Backprop by hand: answer key" if answers else "Backprop by hand: worksheet"
    givens = [("X = [R, G, B]ᵀ / 255", "X"), ("Y", "Y"), ("W1", "W1"), ("B1", "B1"), ("W2", "W2"), ("B2", "B2"),
              ("L (learning rate)", "L")]
    given_rows = "".join(f"<tr><td><b>{escape(label)}</b></td><td>{_matrix(ref.givens[k], GIVEN_DIGITS)}</td>"
                         f"<td class=note>{escape(shape_words(ref.givens[k].shape))}</td></tr>" for label, k in givens)
    out = [f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(title)}</title>"
           f"<style>{CSS}</style></head><body>",
           f"<h1>{escape(title)}</h1>",
           f'<div class=meta><div class=swatch style="background:{escape(problem.hex)}"></div><div>'
           f"Background <b>{escape(problem.hex)}</b> (R {problem.rgb[0]}, G {problem.rgb[1]}, B {problem.rgb[2]}); "
           f"label {escape(problem.label_words)}.<br>Network: {escape(problem.network_words)}.<br>"
           f'Check your answers: <a href="{escape(problem.link)}">{escape(problem.link)}</a></div></div>',
           "<h2>Given</h2>", f'<table class="given">{given_rows}</table>',
           f"<p class=note>Write each quantity's entries row by row, in the shapes shown. {escape(TOLERANCE)}</p>"]
    if answers:
        out.append("<p class=key>Answer key: the page's own numbers (values after the step with all their digits, "
                   "since their change from the old value is what is checked).</p>")
    for heading, names in SECTIONS:
        out.append(f"<h2>{escape(heading)}</h2>")
        for name in names:
            value = ref.values[name]
            digits = AFTER_DIGITS if name.endswith(" after") else DIGITS
            out.append(f'<div class=q data-quantity="{escape(name)}"><div class=name>{escape(name)}</div>'
                       f"<div class=how>= {escape(ref.formulas[name])}<br><span class=note>"
                       f"{escape(shape_words(value.shape))}</span></div>{_boxes(value, answers, digits)}</div>")
    out.append("</body></html>")
    return "".join(out)
