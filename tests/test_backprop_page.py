"""The Backprop page through Streamlit's AppTest: link settings and notices, controls, the step, Use this model."""

import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from app.state import SESSION_MODEL, SESSION_MODEL_NAME
from fontnet import backprop as bp
from fontnet import printed_update
from fontnet.figures.backprop import graph_svg, num
from fontnet.model import default_model
from fontnet.network import Network

ROOT = Path(__file__).resolve().parents[1]
PAGE = str(ROOT / "app_pages" / "backprop.py")
PINK = (255, 192, 203)


def run_page(link: dict[str, str] | None = None, **session) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params.update(link or {})
    for k, v in session.items():
        at.session_state[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    [value] = [m.value for m in at.metric if m.label == label]
    return value


def markdown_with(at: AppTest, text: str) -> str:
    found = [m.value for m in at.markdown if text in m.value]
    assert found, text
    return found[0]


def working(at: AppTest) -> Network:
    return at.session_state["backprop_network"]["net"]


def test_a_shared_link_opens_on_its_sample_network_and_settings():
    at = run_page({"bg": "ffc0cb", "label": "light", "model": "fresh", "seed": "3", "lr": "0.5"})
    b = bp.explain(bp.fresh_network(3), PINK, "light")
    s = bp.step(b.network, b.X, b.Y, 0.5)
    assert at.color_picker(key="backprop.bg").value == "#ffc0cb" and at.radio(key="backprop.label").value == "light"
    assert at.radio(key="backprop.model").value == "fresh" and at.number_input(key="backprop.seed").value == 3
    assert at.number_input(key="backprop.lr").value == 0.5
    assert metric(at, "Cost C") == num(b.cost, 6) and metric(at, "Cost after one step") == num(s.cost_after, 6)
    forward = markdown_with(at, "**Z1**")
    for name in ("X", "Z1", "A1", "Z2", "A2"):
        assert "`[" in forward and f"**{name}**" in forward
    assert " ".join(num(v) for v in b.term("Z2").value.ravel()) in forward
    assert not at.warning


def test_every_chain_rule_term_and_product_is_shown_with_its_numbers():
    at = run_page({"bg": "ffc0cb", "seed": "3"})
    b = bp.explain(bp.fresh_network(3), PINK)
    tables = "\n".join(m.value for m in at.markdown)
    for t in (*b.factors, *b.products):
        shape = "×".join(map(str, t.shape))
        assert f"| **{t.name}** | {t.formula} | {shape} |" in tables, t.name
    # the computation graph: an SVG drawn by the server, with this network's numbers
    [graph] = [m.value for m in at.markdown if 'class="backprop-graph"' in m.value]
    assert graph == (f'<div class="fontnet-scroll-x" data-scroll-label="The computation graph, scrolls sideways">'
                     f'{graph_svg(b)}</div>') and not at.get("graphviz_chart")
    assert f"grad {num(b.gradients['W1'][0, 0])}" in graph and f"data {num(b.cost)}" in graph


def test_every_gradient_entry_has_its_finite_difference_and_relative_error():
    at = run_page({"bg": "ffc0cb", "seed": "3"})
    table = markdown_with(at, "| parameter |")
    rows = [r for r in table.splitlines()[2:]]
    assert len(rows) == 16
    b = bp.explain(bp.fresh_network(3), PINK)
    chk = bp.check(b)
    first = rows[0].split(" | ")
    assert first[0] == "| W1[1,1]" and first[2] == num(chk.analytic["W1"][0, 0], 6)
    assert first[3] == num(chk.numeric["W1"][0, 0], 6) and float(first[4]) <= 1e-6


@pytest.mark.parametrize("link,words,key,default", [
    ({"bg": "not-a-colour"}, "bg='not-a-colour' is not a hex colour", "bg", "#ff8c00"),
    ({"label": "grey"}, "label='grey' is not one of formula, dark, light", "label", "formula"),
    ({"seed": "abc"}, "seed='abc' is not a whole number; using the default, 0", "seed", 0),
    ({"seed": "-4"}, "seed='-4' is outside 0–", "seed", 0),
    ({"lr": "1e400"}, "lr='1e400' is not a finite number", "lr", 0.05),
    ({"model": "<b>mine</b>"}, "is not one of fresh, default, session", "model", "fresh"),
])
def test_malformed_link_values_give_a_notice_and_the_default(link, words, key, default):
    at = run_page(link)
    notices = [w.value for w in at.warning]
    assert len(notices) == 1 and words.replace("'", "") in notices[0].replace("\\", "").replace("'", "")
    assert "<b>" not in notices[0]  # shown literally (escaped), never as HTML
    widget = {"bg": at.color_picker, "label": at.radio, "model": at.radio, "seed": at.number_input,
              "lr": at.number_input}[key](key=f"backprop.{key}")
    assert widget.value == default
    assert metric(at, "Cost C")  # the page still shows its numbers
    at.run()
    assert not at.warning  # shown once


def test_controls_change_the_arithmetic():
    at = run_page({"bg": "ffc0cb", "seed": "3"})
    dark = metric(at, "Cost C")
    at.radio(key="backprop.label").set_value("light").run()
    assert metric(at, "Cost C") == num(bp.explain(bp.fresh_network(3), PINK, "light").cost, 6) != dark
    at.selectbox(key="backprop.act").set_value("tanh").run()
    assert "Tangent hyperbolic′(Z1)" in markdown_with(at, "dA1/dZ1")
    at.selectbox(key="backprop.loss").set_value("cross_entropy").run()
    assert "dC/dA2 · dA2/dZ2 = A2 − Y" in markdown_with(at, "| **dC/dZ2** |")
    b = bp.explain(bp.fresh_network(3), PINK, "light", activation="tanh", loss="cross_entropy")
    assert metric(at, "Cost C") == num(b.cost, 6)
    at.radio(key="backprop.model").set_value("default").run()
    assert np.array_equal(bp.params(working(at))["W1"], default_model().weights_[0])


def test_apply_this_step_moves_the_pages_network_and_lowers_the_cost():
    at = run_page({"bg": "ffc0cb", "seed": "3", "label": "light"})
    before = metric(at, "Cost C")
    b = bp.explain(bp.fresh_network(3), PINK, "light")
    expected = bp.step(b.network, b.X, b.Y, 0.05)
    at.button(key="apply").click().run()
    assert np.allclose(working(at).weights_[0], expected.after.weights_[0], rtol=0, atol=1e-15)
    assert metric(at, "Cost C") == num(expected.cost_after, 6) and float(metric(at, "Cost C")) < float(before)
    assert any("Step applied" in s.value for s in at.success)
    assert SESSION_MODEL not in at.session_state  # Predict is not affected until "Use this model"
    at.button(key="reset").click().run()
    assert metric(at, "Cost C") == before


def test_apply_n_steps_trains_on_random_rows_and_draws_the_costs():
    at = run_page({"bg": "ffc0cb", "seed": "3", "steps": "40"})
    at.button(key="apply_n").click().run()
    work = at.session_state["backprop_network"]
    assert work["steps"] == 40 and len(work["costs"]) == 40
    assert np.allclose(work["net"].weights_[0], bp.random_steps(bp.fresh_network(3), 40, 0.05, seed=0).after.weights_[0])
    assert not at.get("vega_lite_chart") and not at.get("plotly_chart")  # drawn by the server, no chart library
    [chart] = [m.value for m in at.markdown if 'class="backprop-costs"' in m.value]
    costs = [float(v) for v in re.search(r'data-costs="([^"]*)"', chart).group(1).split()]
    assert costs == pytest.approx(work["costs"], rel=1e-5)
    assert any(c.value.startswith("40 steps: the cost on the row went from") for c in at.caption)
    assert any("40 steps applied" in s.value for s in at.success)


def test_one_step_applied_is_said_in_the_singular():
    at = run_page({"bg": "ffc0cb", "seed": "3", "steps": "1"})
    at.button(key="apply_n").click().run()
    assert any(s.value.startswith("1 step applied on random training rows") for s in at.success)
    assert any(c.value.startswith("1 step: the cost on the row went from") for c in at.caption)


def test_a_step_that_blows_up_is_said_once_and_cannot_be_applied():
    at = run_page({"bg": "ffffff", "seed": "0", "label": "light", "lr": "1e12"})
    [error] = at.error
    assert error.value.startswith("With learning rate 1e+12, this step blows up")
    assert at.button(key="apply").disabled and not at.button(key="apply_n").disabled
    # Apply N steps says what happened to the steps it tried; the worked step's message stays as it was
    at.button(key="apply_n").click().run()
    assert [e.value.replace("\\", "") for e in at.error] == [
        "Step 1 of 100 blew up (learning rate 1e+12): the network is unchanged. Try a smaller learning rate.",
        error.value.replace("\\", "")]
    assert np.array_equal(working(at).weights_[0], bp.fresh_network(0).weights_[0])
    assert at.session_state["backprop_network"]["steps"] == 0
    # a learning rate that works makes the step possible again
    at.number_input(key="backprop.lr").set_value(0.05).run()
    assert not at.error and not at.button(key="apply").disabled


def test_use_this_model_sends_the_network_to_predict_for_this_session():
    at = run_page({"bg": "ffc0cb", "seed": "3"})
    at.button(key="apply").click().run()
    at.button(key="use").click().run()
    model = at.session_state[SESSION_MODEL]
    assert np.array_equal(model.weights_[0], working(at).weights_[0])
    assert at.session_state[SESSION_MODEL_NAME] == "Backprop: fresh weights, seed 3 after 1 step"
    predict = AppTest.from_file(str(ROOT / "app_pages" / "predict.py"), default_timeout=120)
    predict.session_state[SESSION_MODEL] = model
    predict.session_state[SESSION_MODEL_NAME] = at.session_state[SESSION_MODEL_NAME]
    predict.run()
    assert any("You are using your own model" in i.value for i in predict.info)


def test_a_saturated_output_is_explained():
    at = run_page({"bg": "ffffff", "model": "default", "label": "dark"})
    assert any("The output is saturated" in i.value for i in at.info) and metric(at, "Cost C") == "0"
    at.radio(key="backprop.label").set_value("light").run()  # wrong and sure: the cost is 1, yet every slope is 0
    assert any("no slope reaches any weight although the cost is 1" in i.value for i in at.info)
    at.selectbox(key="backprop.loss").set_value("cross_entropy").run()
    assert not any("saturated" in i.value for i in at.info)
    assert np.any(bp.explain(default_model(), (255, 255, 255), "light", loss="cross_entropy").gradients["B2"])


def test_this_sessions_model_and_a_relu_at_its_kink():
    kinked = bp.network_from(np.zeros((3, 3)), [0.0, 0.5, 0.5], [[1, 1, 1]], 0)
    at = run_page({"bg": "000000", "model": "session"}, **{SESSION_MODEL: kinked})
    assert np.array_equal(working(at).biases_[0], kinked.biases_[0])
    assert any("Hidden node 1" in w.value and "kink" in w.value for w in at.warning)
    assert "(ReLU at its kink)" in markdown_with(at, "| parameter |")


def test_a_session_model_of_another_shape_falls_back_to_the_default_with_a_note():
    X = np.random.default_rng(0).random((20, 3))
    wide = Network((8, 4), random_state=0, max_iter=1).fit(X, (X.sum(1) > 1.5).astype(int))
    at = run_page({"model": "session"}, **{SESSION_MODEL: wide})
    assert any("hidden layers (8,4)" in i.value for i in at.info)
    assert np.array_equal(working(at).weights_[0], default_model().weights_[0])
    at = run_page({"model": "session"})
    assert any("no model of its own yet" in i.value for i in at.info)


def test_as_printed_shows_the_listing_the_identical_rows_and_the_measured_comparison():
    at = run_page({"bg": "ffc0cb", "seed": "3", "printed": "true"})
    code = at.code[0].value
    assert "dC_dW1 = dC_dA1 @ dA1_dZ1 @ dZ1_dW1.T" in code and "(1,3) @ (3,1) @ (1,3)" in code
    lines = code.splitlines()   # each line of the listing under its shapes, as a comment
    assert lines[lines.index("dC_dW1 = dC_dA1 @ dA1_dZ1 @ dZ1_dW1.T") - 1] == "# (1,3) @ (3,1) @ (1,3) → (1,1) @ (1,3) → (1,3)"
    assert len(lines) == 2 * len(bp.PRINTED_LINES) and at.code[0].proto.wrap_lines
    table = markdown_with(at, "| parameter |")
    assert "as printed" in table.splitlines()[0]
    b = bp.explain(bp.fresh_network(3), PINK)
    row = b.term("printed W1 update").value[0]
    for i in range(3):
        for j in range(3):
            assert f"| W1[{i + 1},{j + 1}] |" in table and num(row[j], 6) in table
    cmp = printed_update.cached_comparison()
    comparison = markdown_with(at, "| seed |")
    assert len(comparison.splitlines()) == 2 + len(cmp["per_seed"])
    assert f"{cmp['median']['printed_accuracy']:.4f}" in markdown_with(at, "Medians:")


def test_sympy_derives_the_factors_and_agrees_with_the_chain_rule():
    at = run_page({"bg": "ffc0cb", "seed": "3", "sympy": "true", "loss": "cross_entropy"})
    lines = [m.value for m in at.latex]
    assert any(r"\frac{\partial C}{\partial Z_2}" in v and v.rstrip("$\n ").endswith("= A_{2} - Y") for v in lines)
    [agreement] = [m.value for m in at.markdown if "SymPy also differentiates" in m.value]
    gap = float(agreement.split("**")[1])
    assert gap <= 1e-12
    at.toggle(key="backprop.sympy").set_value(False).run()
    assert not at.latex
