"""Your turn's engine (fontnet/practice.py): reading typed numbers, the tolerance, the first wrong quantity and why,
and the printed worksheet (fontnet/figures/worksheet.py)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from fontnet import backprop as bp
from fontnet import practice as pr
from fontnet.figures.worksheet import Problem, worksheet_html

PINK = (255, 192, 203)


@pytest.fixture(scope="module")
def ref() -> pr.Reference:
    return pr.reference(bp.explain(bp.fresh_network(3), PINK, "dark"), 0.05)


def correct(ref: pr.Reference) -> dict[str, str]:
    return {n: ref.answer(n) for n in pr.NAMES}


# ---- the reference is the worked step's --------------------------------------------------------------------
def test_the_sheets_numbers_are_the_worked_steps_in_the_chapters_order_and_shapes(ref):
    assert pr.NAMES == ("Z1", "A1", "Z2", "A2", "C", "dC/dA2", "dA2/dZ2", "dC/dZ2", "dC/dW2", "dC/dB2", "dC/dA1",
                        "dA1/dZ1", "dC/dZ1", "dC/dW1", "dC/dB1", "W1 after", "B1 after", "W2 after", "B2 after")
    b = ref.explained
    for name in pr.NAMES[:15]:
        want = np.array([[b.cost]]) if name == "C" else b.term(name).value
        assert np.array_equal(ref.values[name], want), name
    s = bp.step(b.network, b.X, b.Y, 0.05)
    after = bp.params(s.after)
    for k in bp.PARAMS:
        assert np.allclose(ref.values[f"{k} after"], after[k], rtol=0, atol=1e-15), k
    assert ref.shape("dC/dA1") == (1, 3) and ref.shape("dC/dZ1") == (3, 1) and ref.shape("dC/dW1") == (3, 3)
    assert sum(v.size for v in ref.values.values()) == 53


# ---- reading typed numbers --------------------------------------------------------------------------------
@pytest.mark.parametrize("text,want", [
    ("0.5", [0.5]), ("1/3", [1 / 3]), ("-1/4, 2e-3", [-0.25, 0.002]), ("2.5E2;3", [250.0, 3.0]),
    ("1 2\n3", [1.0, 2.0, 3.0]), ("[0.1 0.2; 0.3 0.4]", [0.1, 0.2, 0.3, 0.4]), ("−0.5", [-0.5]),
    (" .5 , +2 ", [0.5, 2.0]), ("1,2,,3", [1.0, 2.0, 3.0]), ("", []), ("(0.5, -1/4, 2)", [0.5, -0.25, 2.0]),
    ("{1; 2}", [1.0, 2.0]), ("[(1, 2), (3, 4)]", [1.0, 2.0, 3.0, 4.0]),
])
def test_typed_numbers_read_as_numbers(text, want):
    assert pr.read_entries(text) == pytest.approx(want)


@pytest.mark.parametrize("text,says", [("abc", "'abc' is not a number"), ("1/0", "'1/0' divides by zero"), ("-2/0.0", "'-2/0.0' divides by zero"),
                                       ("nan", "'nan' is not a number"), ("1e999", "not a number"),
                                       ("0.5x", "'0.5x'"), ("1/2/3", "'1/2/3'"),
                                       ("0.12345678901234567890123456789x", "'0.1234567890123456789012345...' is not")])
def test_anything_else_is_refused_with_a_message_naming_it(text, says):
    with pytest.raises(pr.EntryError, match=re.escape(says)):
        pr.read_entries(text)


def test_a_decimal_comma_reads_as_two_entries_and_the_notice_says_why(ref):
    e = pr.check_entry("A2", "0,97", ref.values["A2"])
    assert e.status == "count" and "decimal comma cannot be read" in e.message and "holds 2" in e.message
    three = pr.check_entry("dC/dA1", "1,5 2", ref.values["dC/dA1"])  # three numbers, so read, but not as meant
    assert three.status == "wrong" and three.message.endswith(pr.DECIMAL_COMMA)
    assert pr.check_entry("A2", "0.97x", ref.values["A2"]).status == "unreadable"


# ---- the tolerance ------------------------------------------------------------------------------------------
def test_the_checker_accepts_the_pages_own_values_and_values_within_tolerance(ref):
    exact = {n: " ".join(repr(float(v)) for v in ref.values[n].ravel()) for n in pr.NAMES}
    assert pr.check_sheet(ref, exact).right == 19
    assert pr.check_sheet(ref, correct(ref)).complete
    for name in pr.NAMES[:15]:
        true = ref.values[name]
        inside = true + np.sign(true) * np.maximum(pr.ABS, pr.REL * np.abs(true)) * 0.9
        assert pr.check_entry(name, pr.answer_text(inside, 12), true).right, name
        outside = true + np.where(true >= 0, 1, -1) * np.maximum(pr.ABS, pr.REL * np.abs(true)) * 1.2
        assert pr.check_entry(name, pr.answer_text(outside, 12), true).status == "wrong", name


def test_after_the_step_the_change_is_checked_so_the_old_weights_are_not_accepted(ref):
    for k in bp.PARAMS:
        name = f"{k} after"
        old = ref.givens[k]
        step = ref.values[name] - old
        assert pr.check_entry(name, pr.answer_text(old, 12), ref.values[name], ref.before(name)).status == "wrong"
        near = old + step * 1.009
        assert pr.check_entry(name, pr.answer_text(near, 12), ref.values[name], ref.before(name)).right
        far = old + step * 1.02 + np.sign(step) * 2e-6
        assert pr.check_entry(name, pr.answer_text(far, 12), ref.values[name], ref.before(name)).status == "wrong"
        # the step subtracted instead of added: the right size, the wrong sign
        flipped = pr.check_entry(name, pr.answer_text(old - step, 12), ref.values[name], ref.before(name))
        assert flipped.status == "wrong" and "right size change but the wrong sign" in flipped.message


def test_a_wrong_entry_is_named_by_its_place_and_a_sign_slip_is_spotted(ref):
    values = ref.values["dC/dW1"].copy()
    values[1, 2] *= 2
    values[2, 0] *= -1
    e = pr.check_entry("dC/dW1", pr.answer_text(values), ref.values["dC/dW1"])
    assert e.status == "wrong" and e.off == (5, 6)
    assert e.message == "Entries 6, 7 of 9; entry 7 has the right size but the wrong sign."
    single = pr.check_entry("A2", pr.answer_text(-ref.values["A2"]), ref.values["A2"])
    assert single.status == "wrong" and single.message == "The right size but the wrong sign."
    assert pr.check_entry("A2", "0.1", ref.values["A2"]).message == ""


def test_empty_cells_are_not_checked_and_the_count_must_match_the_shape(ref):
    sheet = pr.check_sheet(ref, {"Z1": "1 2", "A1": ""})
    assert sheet.entries["A1"].status == "empty" and sheet.entries["Z2"].status == "empty"
    assert sheet.entries["Z1"].status == "count" and "3 numbers, 3×1; this holds 2" in sheet.entries["Z1"].message
    assert sheet.right == 0 and sheet.first_wrong is None and sheet.why() == ""
    assert sheet.empty == 18   # all but Z1, which holds too few numbers: read, and not empty


# ---- the first wrong quantity, and why ---------------------------------------------------------------------------
# For a sheet that is right everywhere except one quantity: what the page must say about it.
WHY = {
    "Z1": "Z1 = W1 · X + B1: it uses only what the sheet gives (W1, X and B1), so the arithmetic of Z1 itself is off.",
    "A1": "A1 = ReLU(Z1): Z1 is right, so A1 itself is off.",
    "Z2": "Z2 = W2 · A1 + B2: A1 is right and W2 and B2 are given, so Z2 itself is off.",
    "A2": "A2 = logistic(Z2) = P(dark text): Z2 is right, so A2 itself is off.",
    "C": "C = (A2 − Y)²: A2 is right and Y is given, so C itself is off.",
    "dC/dA2": "dC/dA2 = 2(A2 − Y): A2 is right and Y is given, so dC/dA2 itself is off.",
    "dA2/dZ2": "dA2/dZ2 = logistic′(Z2) = A2(1 − A2): A2 is right, so dA2/dZ2 itself is off.",
    "dC/dZ2": "dC/dZ2 = dC/dA2 · dA2/dZ2: both factors are right, so the product is off.",
    "dC/dW2": "dC/dW2 = dC/dZ2 · A1ᵀ: both factors are right, so the product is off.",
    "dC/dB2": "dC/dB2 = dC/dZ2 · 1: dC/dZ2 is right, so dC/dB2 itself is off.",
    "dC/dA1": "dC/dA1 = dC/dZ2 · W2: dC/dZ2 is right and W2 is given, so dC/dA1 itself is off.",
    "dA1/dZ1": "dA1/dZ1 = ReLU′(Z1): Z1 is right, so dA1/dZ1 itself is off.",
    "dC/dZ1": "dC/dZ1 = dC/dA1ᵀ ⊙ dA1/dZ1 (node by node): both factors are right, so the product is off.",
    "dC/dW1": "dC/dW1 = dC/dZ1 · Xᵀ: dC/dZ1 is right and X is given, so dC/dW1 itself is off.",
    "dC/dB1": "dC/dB1 = dC/dZ1 · 1: dC/dZ1 is right, so dC/dB1 itself is off.",
    "W1 after": "W1 after = W1 − L · dC/dW1: dC/dW1 is right and W1 and L are given, so W1 after itself is off.",
    "B1 after": "B1 after = B1 − L · dC/dB1: dC/dB1 is right and B1 and L are given, so B1 after itself is off.",
    "W2 after": "W2 after = W2 − L · dC/dW2: dC/dW2 is right and W2 and L are given, so W2 after itself is off.",
    "B2 after": "B2 after = B2 − L · dC/dB2: dC/dB2 is right and B2 and L are given, so B2 after itself is off.",
}


@pytest.mark.parametrize("name", pr.NAMES)
def test_one_wrong_quantity_is_named_first_wrong_with_its_inputs_right(ref, name):
    answers = correct(ref)
    answers[name] = pr.answer_text(ref.values[name] * 1.5 + 0.01, 12)
    sheet = pr.check_sheet(ref, answers)
    assert sheet.right == 18 and sheet.first_wrong == name
    assert sheet.why() == WHY[name]


def test_the_first_wrong_is_the_earliest_in_the_chain_and_later_ones_wait(ref):
    answers = correct(ref)
    answers["dC/dW1"] = "0 " * 9
    answers["A2"] = "0.5"
    sheet = pr.check_sheet(ref, answers)
    assert sheet.first_wrong == "A2" and sheet.right == 17 and sheet.empty == 0


def test_an_input_not_filled_in_is_named_as_such(ref):
    answers = correct(ref)
    answers["dA2/dZ2"] = ""
    answers["dC/dZ2"] = "1"
    assert pr.check_sheet(ref, answers).why() == (
        "dC/dZ2 = dC/dA2 · dA2/dZ2: dC/dA2 is right; dA2/dZ2 is not filled in. Fill in dA2/dZ2 to see whether "
        "the slip is there or in dC/dZ2 itself.")
    answers["dC/dA2"] = "x"
    assert "dC/dA2 is not readable; dA2/dZ2 is not filled in" in pr.check_sheet(ref, answers).why()


def test_cross_entropy_and_tanh_name_their_own_formulas():
    ref = pr.reference(bp.explain(bp.fresh_network(5), (20, 40, 60), activation="tanh", loss="cross_entropy"), 0.1)
    assert ref.formulas["C"] == "−[Y ln A2 + (1 − Y) ln(1 − A2)]" and ref.formulas["dA1/dZ1"] == "Tangent hyperbolic′(Z1)"
    assert pr.check_sheet(ref, correct(ref)).complete


# ---- the worksheet -----------------------------------------------------------------------------------------------
def test_the_worksheet_has_a_blank_box_per_entry_and_the_key_fills_them(ref):
    problem = Problem("#ffc0cb", PINK, "Y = 1 (dark text)", "fresh weights, seed 3", "/backprop?bg=ffc0cb&seed=3&turn=true")
    sheet = worksheet_html(ref, problem)
    key = worksheet_html(ref, problem, answers=True)
    assert sheet.count("<td></td>") == 53 and key.count("<td></td>") == 0
    assert [m for m in re.findall(r'data-quantity="([^"]+)"', sheet)] == list(pr.NAMES)
    assert "@media print" in sheet and "<script" not in sheet and "/backprop?bg=ffc0cb&amp;seed=3&amp;turn=true" in sheet
    for name in pr.NAMES:
        assert all(f"<td>{pr.format_entry(float(v), 10 if name.endswith('after') else 6)}</td>" in key
                   for v in ref.values[name].ravel()), name
    assert ref.given("W1").split(", ")[0] in sheet  # the givens, with their digits
    assert sheet == worksheet_html(pr.reference(bp.explain(bp.fresh_network(3), PINK, "dark"), 0.05), problem)


def test_the_worksheet_escapes_every_text():
    ref = pr.reference(bp.explain(bp.fresh_network(0), (0, 0, 0)), 0.05)
    html = worksheet_html(ref, Problem("#000000", (0, 0, 0), "<b>x</b>", "<script>alert(1)</script>", '"><img src=x>'))
    assert "<script>alert" not in html and "<img src=x>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
