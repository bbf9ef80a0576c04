"""The class, drawn for the teacher's page: the room's QR code, and the live panel's figures, tables and swatches.

Pure functions (no Streamlit): the class engine's results (fontnet.classroom) in, the QR code as inline SVG or
the live panel's rows out. Everything a student typed (a nickname) leaves here as plain text for the browser to
set as text (textContent), never as markup; the QR code's text alternative is escaped here.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import segno

from .. import colors
from ..classroom import ClassView, Split, StudentScore
from ..parsing import counted
from ..store import Student

QR_SCALE = 8


def qr_svg(url: str, label: str) -> str:
    """The QR code of `url` as inline SVG, black on white, with `label` as its text alternative (a role="img"
    element named by it, and the SVG's title)."""
    qr = segno.make(url, error="m")
    width, _ = qr.symbol_size(scale=QR_SCALE, border=2)
    # no width or height on the SVG, only its viewBox: it is drawn at most its natural size, and smaller to fit
    svg = qr.svg_inline(scale=QR_SCALE, border=2, dark="#000000", light="#ffffff", title=label, omitsize=True)
    return (f'<div class="fontnet-qr" role="img" aria-label="{html.escape(label)}" '
            f'style="width: 100%; max-width: {width}px">{svg}</div>')


def student_labels(students: Sequence[Student]) -> dict[str, str]:
    """Each student's name on the teacher's page: the nickname, or "Student N" (N: the order of joining, counting
    students since removed, so a name never moves to another student)."""
    return {s.id: s.nickname or f"Student {s.number or i}" for i, s in enumerate(students, start=1)}


def _share(x: float) -> str:
    return f"{x:.0%}"


def stats_items(students: int, answers: int, view: ClassView | None, trained_on: int,
                retraining: bool) -> list[dict]:
    """The panel's figures: students joined, answers, and the class network's agreement with the formula and
    WCAG (on Teach's 20,000 fixed colours) and how many answers it was trained on; "(retraining)" when it is not
    trained on the answers held now."""
    items = [{"key": "students", "label": "Students joined", "value": f"{students:,}"},
             {"key": "answers", "label": "Answers", "value": f"{answers:,}"}]
    if view is not None:
        items += [
            {"key": "formula", "label": "Class network agrees with the formula", "value": f"{view.agreement.formula:.1%}"},
            {"key": "wcag", "label": "... with WCAG", "value": f"{view.agreement.wcag:.1%}"},
            {"key": "trained", "label": "Trained on", "value": counted(trained_on, 'answer')
             + (" (retraining)" if retraining else "")},
        ]
    return items


STUDENT_COLUMNS = ("Student", "Answers", "Agrees with the class network", "Agrees with the formula")
STUDENT_NUMERIC = (False, True, True, True)


def student_rows(students: Sequence[Student], scores: Sequence[StudentScore]) -> list[list[str]]:
    """One row per student in the order they joined: name, answers, share agreeing with the class network and
    with the formula ("–" before a first answer)."""
    names = student_labels(students)
    by_id = {s.student: s for s in scores}
    rows = []
    for s in students:
        score = by_id.get(s.id)
        if score is None:
            rows.append([names[s.id], "0", "–", "–"])
        else:
            rows.append([names[s.id], f"{score.answers:,}", _share(score.with_class), _share(score.with_formula)])
    return rows


def split_swatches(splits: Sequence[Split]) -> list[dict]:
    """Each place the class answered both ways as a swatch of its colour: how many said dark and light, in the
    text shade with the higher WCAG contrast on it."""
    out = []
    for sp in splits:
        fg = colors.to_hex(colors.text_colour(bool(colors.wcag_label(sp.rgb))))
        people = counted(sp.students, 'student')
        out.append({"bg": sp.hex, "fg": fg, "text": f"{sp.dark} dark · {sp.light} light",
                    "title": f"{sp.hex}: {sp.dark} said dark text, {sp.light} light, from {people}"})
    return out
