"""Your turn on the Backprop page, through Streamlit's AppTest: the mode hides the worked numbers, a correct sheet is
all right, one wrong factor is named, reveals are counted, bad input gets a notice on its cell, the sheet's link."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.your_turn import box_key
from fontnet import backprop as bp
from fontnet import practice as pr
from tests.page_helpers import click, no_exception, shown

ROOT = Path(__file__).resolve().parents[1]
PAGE = str(ROOT / "app_pages" / "backprop.py")
PINK = (255, 192, 203)
LINK = {"bg": "ffc0cb", "label": "dark", "seed": "3", "turn": "true"}


def run_page(link: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params.update(LINK if link is None else link)
    at.run()
    no_exception(at)
    return at


@pytest.fixture(scope="module")
def ref() -> pr.Reference:
    return pr.reference(bp.explain(bp.fresh_network(3), PINK, "dark"), 0.05)


def fill(at: AppTest, answers: dict[str, str]) -> AppTest:
    for name, text in answers.items():
        at.text_input(key=box_key(name)).input(text)
    return at


def statuses(at: AppTest) -> list[str]:
    return [re.search(r'data-status="(\w+)"', x.value).group(1) for x in at.markdown if 'data-status="' in x.value]


def result(at: AppTest) -> str:
    return " ".join(shown(m).replace("**", "") for m in at.markdown if " of 19 right" in m.value)


def test_the_toggle_opens_a_box_per_quantity_and_hides_the_worked_numbers():
    at = run_page({"bg": "ffc0cb", "seed": "3"})
    assert not at.text_input and any(m.label == "Cost C" for m in at.metric)
    assert any("backprop-graph" in m.value for m in at.markdown)
    at.toggle(key="backprop.turn").set_value(True).run()
    no_exception(at)
    assert [t.label for t in at.text_input] == list(pr.NAMES)
    assert not at.metric  # the worked step's numbers are not shown, the computation graph neither
    assert not any("backprop-graph" in m.value for m in at.markdown)
    assert at.query_params["turn"] == "true"
    captions = " ".join(c.value for c in at.caption)
    assert "within 1% of the page's value" in captions and "decimal comma cannot be read" in captions


def test_a_correct_sheet_is_all_right(ref):
    at = fill(run_page(), {n: ref.answer(n) for n in pr.NAMES})
    click(at, "Check my answers")
    no_exception(at)
    assert statuses(at) == ["right"] * 19
    assert result(at) == "19 of 19 right" and not at.error
    assert any("Every quantity is right" in s.value for s in at.success)


def test_a_sheet_with_one_wrong_factor_names_that_factor(ref):
    answers = {n: ref.answer(n) for n in pr.NAMES}
    answers["dA2/dZ2"] = pr.answer_text(ref.values["dA2/dZ2"] * 2)
    at = click(fill(run_page(), answers), "Check my answers")
    assert result(at) == "18 of 19 right"
    [error] = at.error
    assert error.value.startswith("First wrong: dA2/dZ2. dA2/dZ2 = logistic′(Z2) = A2(1 − A2): A2 is right")
    assert statuses(at)[pr.NAMES.index("dA2/dZ2")] == "wrong"


def test_a_product_typed_wrong_with_both_factors_right_says_so(ref):
    answers = {n: ref.answer(n) for n in pr.NAMES[:8]}
    answers["dC/dZ2"] = "0.1"
    at = click(fill(run_page(), answers), "Check my answers")
    assert result(at) == "7 of 19 right · 11 not filled in yet"
    assert at.error[0].value == ("First wrong: dC/dZ2. dC/dZ2 = dC/dA2 · dA2/dZ2: both factors are right, so the "
                                 "product is off.")
    assert len(statuses(at)) == 8  # empty boxes are not checked


def test_reveal_fills_one_box_and_is_counted(ref):
    at = run_page()
    at.selectbox(key="turn_reveal_pick").set_value("dC/dW1")
    click(at, "Reveal")
    assert at.text_input(key=box_key("dC/dW1")).value == ref.answer("dC/dW1")
    assert any("Answers revealed: 1 (dC/dW1)" in c.value for c in at.caption)
    click(at, "Reveal")  # the same answer again is not counted twice
    at.selectbox(key="turn_reveal_pick").set_value("Z1")
    click(at, "Reveal")
    assert any("Answers revealed: 2 (dC/dW1, Z1)" in c.value for c in at.caption)
    click(at, "Check my answers")
    assert result(at) == "2 of 19 right (2 revealed) · 17 not filled in yet"


def test_bad_input_gets_a_notice_on_its_cell_and_keeps_the_rest(ref):
    at = fill(run_page(), {"Z1": "1/3 abc 2", "A1": "0,5 1 2", "Z2": ref.answer("Z2"), "A2": "<b>1</b>"})
    click(at, "Check my answers")
    no_exception(at)
    s = statuses(at)
    assert s[:4] == ["unreadable", "count", "right", "unreadable"]
    notices = " ".join(shown(w) for w in at.warning)
    assert "Z1: 'abc' is not a number" in notices and "decimal comma cannot be read" in notices
    assert "<b>" not in " ".join(m.value for m in at.markdown if "data-status" in m.value)  # escaped
    assert result(at) == "1 of 19 right · 15 not filled in yet" and not at.error


def test_a_new_colour_starts_a_clean_sheet(ref):
    at = click(fill(run_page(), {"Z1": ref.answer("Z1")}), "Check my answers")
    assert result(at) == "1 of 19 right · 18 not filled in yet"
    at.color_picker(key="backprop.bg").pick("#000080").run()
    assert at.text_input(key=box_key("Z1")).value == "" and not result(at)


def test_the_sheets_link_reproduces_it_for_a_new_visitor(ref):
    at = run_page({"bg": "ffc0cb", "label": "dark", "seed": "3", "turn": "true", "lr": "0.1"})
    [link] = [shown(m) for m in at.markdown if "This sheet's link" in m.value]
    query = re.search(r"\?(\S+)`", link).group(1)
    params = dict(p.split("=") for p in query.split("&"))
    assert params == {"turn": "true", "bg": "ffc0cb", "label": "dark", "seed": "3", "lr": "0.1"}
    again = run_page(params)
    lr01 = pr.reference(bp.explain(bp.fresh_network(3), PINK, "dark"), 0.1)
    at = click(fill(again, {n: lr01.answer(n) for n in pr.NAMES}), "Check my answers")
    assert result(at) == "19 of 19 right"


def test_every_bad_typed_value_gets_a_notice_as_text_and_nothing_else_changes(ref):
    from tests.test_bad_inputs import BAD_VALUES, assert_clean

    at = fill(run_page(), {"Z1": ref.answer("Z1")})
    for name, value in BAD_VALUES.items():
        fill(at, {"A1": value})
        click(at, "Check my answers")
        assert_clean(at)
        # an empty A1 is not checked: 18 boxes are then empty, otherwise 17
        assert result(at) == f"1 of 19 right · {18 if name == 'empty' else 17} not filled in yet", name
        assert statuses(at) == (["right"] if name == "empty" else ["right", "count" if name == "neg" else
                                                                   "unreadable"]), name


def test_what_was_typed_stays_while_the_worked_step_is_looked_at(ref):
    at = fill(run_page(), {"Z1": ref.answer("Z1"), "A1": "1 2 3"})
    at.toggle(key="backprop.turn").set_value(False).run()
    assert not at.text_input and any(m.label == "Cost C" for m in at.metric)
    at.toggle(key="backprop.turn").set_value(True).run()
    assert at.text_input(key=box_key("Z1")).value == ref.answer("Z1") and at.text_input(key=box_key("A1")).value == \
        "1 2 3"
    assert result(click(at, "Check my answers")) == "1 of 19 right · 17 not filled in yet"
