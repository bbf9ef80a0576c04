"""The Tune page through Streamlit's AppTest: 16 number inputs in the link, the scores and maps they give, nodes
switched off, each challenge checked, the default model as a start, Use this model, a malformed link."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from app.state import SESSION_MODEL
from fontnet import tuning
from fontnet.model import default_model
from fontnet.settings import TUNE
from tests.page_helpers import click, no_exception, shown

ROOT = Path(__file__).resolve().parents[1]
PAGE = str(ROOT / "app_pages" / "tune.py")
FORMULA = (0.299, 0.587, 0.114)
LABELS = ["W1[1,1]", "W1[1,2]", "W1[1,3]", "B1[1]", "W1[2,1]", "W1[2,2]", "W1[2,3]", "B1[2]", "W1[3,1]", "W1[3,2]",
          "W1[3,3]", "B1[3]", "W2[1,1]", "W2[1,2]", "W2[1,3]", "B2"]

KEY_OF = {label: key for key, label in tuning.LABELS.items()}


def in_page_order(v: dict[str, float]) -> list[float]:
    """The 16 values in the order the page shows them (node by node, then the output)."""
    return [v[KEY_OF[label]] for label in LABELS]


def run_page(link: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params.update(link or {})
    at.run()
    no_exception(at)
    return at


def agreement_text(at: AppTest) -> str:
    [text] = [shown(m) for m in at.markdown if "agrees with the formula on" in m.value]
    return re.search(r"on \*\*([\d.]+%)\*\*", text).group(1)


def challenge(at: AppTest, key: str) -> str:
    """A challenge's box as shown: its title, whether it is done, its goal, and its lesson once it is done."""
    title = next(c.title for c in tuning.CHALLENGES if c.key == key)
    [text] = [shown(m) for m in at.markdown if f"**{title}**" in m.value]
    return text


def done(at: AppTest) -> set[str]:
    out = set()
    for c in tuning.CHALLENGES:
        if ": :material/check_circle: **done**" in challenge(at, c.key):
            out.add(c.key)
    return out


def expected(v: dict[str, float], on=(True, True, True)) -> tuning.Scores:
    return tuning.score(tuning.network(v, on), sum(on))


def test_sixteen_labelled_inputs_hold_the_start_and_the_page_states_its_agreement():
    at = run_page()
    assert [n.label for n in at.number_input] == LABELS
    assert [n.value for n in at.number_input] == in_page_order(tuning.START)
    assert agreement_text(at) == f"{expected(tuning.START).agreement:.1%}"
    assert not at.query_params  # the start is the default: an empty link
    assert len([m for m in at.markdown if "fontnet-map" in m.value]) == 4  # the decision map and each node's
    assert done(at) == set()


def test_changing_one_weight_changes_the_agreement_and_the_link():
    at = run_page()
    before = agreement_text(at)
    at.number_input(key="tune.w2_2").set_value(3.0).run()
    v = tuning.START | {"w2_2": 3.0}
    assert agreement_text(at) == f"{expected(v).agreement:.1%}" != before
    assert at.query_params["w2_2"] == "3"
    at.number_input(key="tune.w2_1").set_value(0.1).run()
    at.number_input(key="tune.w2_1").set_value(at.number_input(key="tune.w2_1").value + 0.2).run()
    assert at.query_params["w2_1"] == "0.3"  # 0.1 + 0.2, kept to 6 decimals


def test_a_tuned_network_opens_from_its_link():
    v = {"w1_11": 0.299, "w1_12": 0.587, "w1_13": 0.114, "w2_1": 12.5, "b2": -6.25, "on2": "false", "on3": "0"}
    at = run_page({k: str(x) for k, x in v.items()} | {"slice": "g", "at": "40"})
    values = tuning.START | {k: x for k, x in v.items() if k in tuning.KEYS}
    assert [n.value for n in at.number_input] == in_page_order(values)
    assert [t.value for t in at.toggle] == [True, False, False]
    s = expected(values, (True, False, False))
    assert agreement_text(at) == f"{s.agreement:.1%}" and s.agreement >= 0.99
    assert any("where G = 40" in m.value for m in at.markdown)
    assert not at.warning
    # a node switched off passes 0 on: its caption says so, beside what its A would reach
    nodes = [c.value for c in at.caption if c.value.startswith("Node ")]
    assert nodes[0].startswith("Node 1: A up to ")
    assert all(n.startswith(f"Node {k}, off: passes 0 on (A would reach ") for k, n in
               zip((2, 3), nodes[1:]))


def test_each_challenge_is_marked_done_when_met():
    at = run_page({"b2": "5"})
    assert done(at) == {"dark"}
    assert "62% of the chapter's colours" in challenge(at, "dark")

    at = run_page({"w1_11": "0.299", "w1_12": "0.587", "w1_13": "0.114", "w2_1": "10", "b2": "-5"})
    assert done(at) == set()  # one node would do it, but three are on (and the other two disturb it)
    at.toggle(key="tune.on2").set_value(False).run()
    at.toggle(key="tune.on3").set_value(False).run()
    assert done(at) == {"one"}

    at = run_page({"w2_1": "2.99", "w2_2": "5.87", "w2_3": "1.14", "b2": "-5"})
    assert done(at) == {"all"}
    at.toggle(key="tune.on3").set_value(False).run()
    assert "all" not in done(at) and "done earlier" in challenge(at, "all")

    at = run_page({"w2_1": "59.8", "w2_2": "117.4", "w2_3": "22.8", "b2": "-100"})
    assert done(at) == {"all", "cost"}


def test_start_from_the_default_model_then_start_over():
    at = click(run_page(), "Load the default model")
    net = default_model()
    assert [n.value for n in at.number_input] == in_page_order(tuning.values_of(net))
    assert agreement_text(at) == f"{tuning.score(net).agreement:.1%}"
    assert "cost" not in done(at)  # equal to the default model's cost, not lower
    assert len(at.query_params) == 16
    click(at, "Start over")
    assert [n.value for n in at.number_input] == in_page_order(tuning.START) and not at.query_params


def test_use_this_model_hands_the_tuned_network_to_predict():
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.switch_page(PAGE).run()
    no_exception(at)
    click(at, "Load the default model")
    at.toggle(key="tune.on3").set_value(False).run()
    click(at, "Use this model")
    no_exception(at)
    used, net = at.session_state[SESSION_MODEL], default_model()
    assert used.weights_[1][0, 2] == 0 and used.weights_[1][0, 0] == net.weights_[1][0, 0]
    assert np.array_equal(used.weights_[0], net.weights_[0])
    assert at.title[0].value == "Predict"  # switch_page happened


@pytest.mark.parametrize("link,words", [({"w1_11": "abc"}, "w1_11='abc' is not a number; using the default, 1"),
                                        ({"b2": "5000"}, "b2='5000' is outside -1000 to 1000"),
                                        ({"on1": "maybe"}, "on1='maybe' is not true or false")])
def test_a_malformed_link_value_gives_one_notice_and_the_default(link, words):
    at = run_page(link)
    [notice] = [shown(w) for w in at.warning]
    assert words in notice
    assert agreement_text(at) == f"{expected(tuning.START).agreement:.1%}"


def test_a_typed_value_beyond_the_limit_is_kept_within_it_with_a_notice():
    at = run_page()
    at.number_input(key="tune.b2").set_value(5000.0).run()
    no_exception(at)
    assert at.number_input(key="tune.b2").value == tuning.LIMIT and at.query_params["b2"] == "1000"
    assert any("B2 is kept within ±1,000" in w.value for w in at.warning)


def test_a_box_shows_four_decimals_while_they_fit_it_and_two_for_a_large_value():
    """Four decimals fit a 73-pixel box up to -99.9999 and 999.9999 (8 characters); -150.0000 or 1000.0000 would be
    cut short, so those show two decimals, and the box keeps the value as it was typed."""
    at = run_page({"w1_11": "-12.3456", "w1_12": "-99.9999", "w1_13": "999.9999", "b1_1": "-150.1234",
                   "w2_1": "-1000", "w2_2": "1000", "b2": "-99.99999"})
    no_exception(at)
    formats = {n.key: n.proto.format for n in at.number_input}
    assert [formats[f"tune.{k}"] for k in ("w1_11", "w1_12", "w1_13", "b1_1", "w2_1", "w2_2", "b2", "w2_3")] == \
        ["%.4f", "%.4f", "%.4f", "%.2f", "%.2f", "%.2f", "%.2f", "%.4f"]   # -99.99999 is "-100.0000" at four decimals
    assert at.number_input(key="tune.b1_1").value == -150.1234
    at.number_input(key="tune.b1_1").set_value(-1.5).run()   # back to a small value: four decimals again
    assert {n.key: n.proto.format for n in at.number_input}["tune.b1_1"] == "%.4f"
    assert at.number_input(key="tune.b1_1").value == -1.5


@pytest.mark.parametrize("key", ["w1_23", "on2", "slice", "at"])
def test_every_bad_link_value_is_shown_as_text_and_the_default_used(key):
    from tests.test_bad_inputs import BAD_VALUES, assert_clean

    for value in BAD_VALUES.values():
        at = AppTest.from_file(PAGE, default_timeout=120)
        at.query_params[key] = value
        at.run()
        assert_clean(at)
        used = TUNE.read({key: value})[0]  # the default, except for a value that is valid here ("-1")
        on = tuple(used.get(k, True) for k in tuning.NODE_KEYS)
        v = tuning.START | {k: x for k, x in used.items() if k in tuning.KEYS}
        assert agreement_text(at) == f"{expected(v, on).agreement:.1%}", (key, value)
