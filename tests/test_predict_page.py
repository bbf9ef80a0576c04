"""The Predict page through Streamlit's AppTest: shared links, presets, the session model, escaping."""

import json
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from app.instant import NEXT_RANDOM, key_class
from app.state import SESSION_MODEL, SESSION_MODEL_NAME
from fontnet import colors, presets
from fontnet.activations import LEAKY_SLOPE
from fontnet.model import decide, default_model
from fontnet.network import Network

PAGE = str(Path(__file__).resolve().parents[1] / "app_pages" / "predict.py")


@pytest.fixture(scope="module")
def model():
    return default_model()


def run_page(bg: str | None = None, **session) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    if bg is not None:
        at.query_params["bg"] = bg
    for k, v in session.items():
        at.session_state[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def preview_html(at: AppTest, element_id: str = "font-preview") -> str:
    [body] = [m.value for m in at.markdown if f'id="{element_id}"' in m.value]
    return body


def figure_html(at: AppTest, css_class: str) -> str:
    """The markup of the page's network diagram ("fontnet-network") or probability bar ("fontnet-probability")."""
    [body] = [m.value for m in at.markdown if f'class="{css_class}"' in m.value]
    return body


def metric(at: AppTest, label: str) -> str:
    [value] = [m.value for m in at.metric if m.label == label]
    return value


@pytest.mark.parametrize("bg,rgb,dark", [("ffc0cb", (255, 192, 203), True), ("000080", (0, 0, 128), False),
                                         ("#FFC0CB", (255, 192, 203), True)])
def test_shared_link_opens_on_its_colour_with_the_networks_answer(model, bg, rgb, dark):
    at = run_page(bg)
    d = decide(model, rgb)
    assert d.dark is dark
    assert colors.parse_colour(at.color_picker(key="predict.bg").value) == rgb
    assert metric(at, "P(dark text)") == f"{d.p_dark:.4f}"
    body = preview_html(at)
    assert f"background-color: {colors.to_hex(rgb)}" in body
    assert f"color: {colors.to_hex(colors.DARK_TEXT if dark else colors.LIGHT_TEXT)}" in body
    other = preview_html(at, "font-preview-other")
    assert f"color: {colors.to_hex(colors.LIGHT_TEXT if dark else colors.DARK_TEXT)}" in other
    shade = "dark" if dark else "light"
    assert any(f"so **{shade} text**" in m.value for m in at.markdown)
    assert not at.warning or all("not a hex colour" not in w.value for w in at.warning)


@pytest.mark.parametrize("bg", ["zzz", "12345", "<script>", "", "ff00zz", "255,0,0"])
def test_malformed_link_opens_on_the_default_colour_with_a_notice(bg):
    at = run_page(bg)
    assert at.color_picker(key="predict.bg").value.lower() == presets.DEFAULT_BG
    assert f"background-color: {presets.DEFAULT_BG}" in preview_html(at)
    notices = [w.value for w in at.warning if "not a hex colour" in w.value]
    assert len(notices) == 1
    assert "<script>" not in notices[0]


def test_notice_goes_once_a_colour_is_picked():
    at = run_page("zzz")
    at.button(key="preset-navy").click().run()
    assert not any("not a hex colour" in w.value for w in at.warning)


def test_no_link_opens_on_the_default_colour_without_a_notice():
    at = run_page()
    assert at.color_picker(key="predict.bg").value == presets.DEFAULT_BG
    assert not any("not a hex colour" in w.value for w in at.warning)


def test_presets_change_the_colour_and_the_link(model):
    at = run_page("ffc0cb")
    for name, rgb in presets.PRESETS.items():
        at.button(key=f"preset-{name}").click().run()
        assert not at.exception
        assert colors.parse_colour(at.color_picker(key="predict.bg").value) == rgb
        assert f"background-color: {colors.to_hex(rgb)}" in preview_html(at)
        assert metric(at, "P(dark text)") == f"{decide(model, rgb).p_dark:.4f}"
    # the link follows the picker (a colour without its #)
    at.button(key="preset-navy").click().run()
    assert at.query_params["bg"] in ("000080", ["000080"])


def test_random_button_changes_the_colour():
    at = run_page("ffc0cb")
    seen = set()
    for _ in range(3):
        announced = at.session_state[NEXT_RANDOM]  # chosen ahead: the browser paints it as the button is pressed
        at.button(key="random").click().run()
        assert not at.exception
        assert at.color_picker(key="predict.bg").value.lower() == announced
        assert at.session_state[NEXT_RANDOM] != announced  # and the next one is chosen
        seen.add(at.color_picker(key="predict.bg").value)
        assert f"background-color: {colors.to_hex(colors.parse_colour(at.color_picker(key='predict.bg').value))}" \
            in preview_html(at)
    assert len(seen) >= 2  # three uniformly random colours are almost never all equal
    # a second press handled before the page re-announced its next colour still gets a random colour
    del at.session_state[NEXT_RANDOM]
    at.button(key="random").click().run()
    assert not at.exception
    assert NEXT_RANDOM in at.session_state


def test_picking_a_colour_in_the_picker_updates_the_preview():
    at = run_page()
    at.color_picker(key="predict.bg").pick("#000080").run()
    assert "background-color: #000080" in preview_html(at)
    assert f"color: {colors.to_hex(colors.LIGHT_TEXT)}" in preview_html(at)


def test_sample_text_is_escaped_in_the_preview():
    at = run_page("ffc0cb")
    at.text_input(key="text").input("<img src=x onerror=alert(1)>").run()
    assert not at.exception
    for element_id in ("font-preview", "font-preview-other"):
        body = preview_html(at, element_id)
        assert "&lt;img src=x onerror=alert(1)&gt;" in body
        assert "<img src=x" not in body
    assert all("<img src=x" not in m.value for m in at.markdown)


def test_empty_sample_text_still_shows_something():
    at = run_page("ffc0cb")
    at.text_input(key="text").input("").run()
    assert ">Aa</div>" in preview_html(at)


def test_session_model_banner_and_back_button(model):
    # a different network: (8, 4) hidden layers, weights only meaningful enough to give some answer
    other = Network((8, 4), "tanh", random_state=1)
    other._init_params(3, 1)
    other.classes_ = np.array([0, 1])
    at = run_page("ffc0cb", **{SESSION_MODEL: other, SESSION_MODEL_NAME: "my *bold* net"})
    assert any("your own model" in i.value for i in at.info)
    assert any(r"my \*bold\* net" in i.value for i in at.info)  # the name is shown literally
    assert metric(at, "P(dark text)") == f"{decide(other, (255, 192, 203)).p_dark:.4f}"
    svg = figure_html(at, "fontnet-network")
    assert svg.count('<g class="node"') == 3 + 8 + 4 + 1 and svg.count('<g class="edge"') == 24 + 32 + 4
    assert f'data-p-dark="{decide(other, (255, 192, 203)).p_dark!r}"' in figure_html(at, "fontnet-probability")
    at.button(key=[b.key for b in at.button if b.label == "Back to the default model"][0]).click().run()
    assert not at.exception
    assert not any("your own model" in i.value for i in at.info)
    assert SESSION_MODEL not in at.session_state
    assert metric(at, "P(dark text)") == f"{decide(model, (255, 192, 203)).p_dark:.4f}"


@pytest.mark.parametrize("bg,rgb", [("ffc0cb", (255, 192, 203)), ("000080", (0, 0, 128))])
def test_network_and_bar_are_drawn_from_this_colours_numbers(model, bg, rgb):
    at = run_page(bg)
    d = decide(model, rgb)
    assert not at.get("plotly_chart")  # drawn as markup: the browser loads no charting library for them
    svg = figure_html(at, "fontnet-network")
    assert svg.count('<g class="node"') == 7 and svg.count('<g class="edge"') == 12
    assert f'data-a="{float(d.forward.A[-1][0, 0])!r}"' in svg  # the output node holds P(dark text)
    for z, a in zip(d.forward.Z[0].ravel(), d.forward.A[0].ravel()):
        assert f"Z = {z:.4f}&#10;A = {a:.4f}" in svg
    bar = figure_html(at, "fontnet-probability")
    assert f'data-p-dark="{d.p_dark!r}"' in bar and f"width: {d.p_dark * 100:.2f}%" in bar
    at.button(key="preset-navy" if bg == "ffc0cb" else "preset-pink").click().run()
    assert figure_html(at, "fontnet-network") != svg and figure_html(at, "fontnet-probability") != bar


def test_second_opinions_and_disagreement(model):
    at = run_page("ff0000")  # pure red: the network follows the formula (light), WCAG prefers dark
    d = decide(model, (255, 0, 0))
    assert not d.agrees_with_wcag
    assert metric(at, "Dark text") == f"{d.contrast_dark:.2f}:1"
    assert metric(at, "Light text") == f"{d.contrast_light:.2f}:1"
    assert metric(at, "Formula luminance") == f"{d.formula_luminance:.3f}"
    assert any("The network and WCAG disagree" in w.value for w in at.warning)
    at = run_page("000080")
    assert any("The network and WCAG agree" in s.value for s in at.success)


def test_page_shows_the_forward_pass_in_latex(model):
    at = run_page("ffc0cb")
    assert not at.latex  # typeset only on request
    at.toggle(key="predict.math").set_value(True).run()
    d = decide(model, (255, 192, 203))
    latex = [e.value for e in at.latex]
    assert any("Z_{1} &= W_{1} X + B_{1}" in latex_line for latex_line in latex)
    assert any(f"{d.forward.Z[0][0, 0]:.3f}" in latex_line for latex_line in latex)
    assert any("logistic" in latex_line for latex_line in latex)


def instant_data(at: AppTest) -> dict:
    """What the page hands its browser script (app/instant_preview.js)."""
    [element] = at.get("bidi_component")
    assert element.proto.component_name == "fontnet_instant_preview"
    return json.loads(element.proto.json)


def test_the_browser_script_knows_every_colour_button_and_the_model_in_use(model):
    at = run_page("ffc0cb")
    d = instant_data(at)
    colour_buttons = [b.key for b in at.button if b.key.startswith("preset-") or b.key == "random"]
    assert len(colour_buttons) == len(presets.PRESETS) + 1
    assert set(d["targets"]) == {key_class(k) for k in colour_buttons}
    assert d["targets"]["st-key-preset-dark-orange"] == "#ff8c00"
    assert d["targets"]["st-key-random"] == at.session_state[NEXT_RANDOM]
    assert (d["model"]["weights"], d["model"]["activation"]) == (model.to_dict()["weights"], "relu")
    assert d["model"]["leaky_slope"] == LEAKY_SLOPE  # the script's leaky ReLU takes the engine's slope
    assert (d["dark_text"], d["light_text"]) == (colors.to_hex(colors.DARK_TEXT), colors.to_hex(colors.LIGHT_TEXT))
    # pressing one of them lands on exactly the colour the script was told
    at.button(key="preset-dark orange").click().run()
    assert at.color_picker(key="predict.bg").value.lower() == "#ff8c00"

    other = Network((2,), "tanh", mode="fast", max_iter=5, random_state=3).fit(np.random.default_rng(0).random((40, 3)),
                                                                              np.arange(40) % 2)
    at = run_page("ffc0cb", **{SESSION_MODEL: other})
    d = instant_data(at)
    assert (d["model"]["weights"], d["model"]["biases"], d["model"]["activation"]) == \
        (other.to_dict()["weights"], other.to_dict()["biases"], "tanh")


@pytest.mark.parametrize("key, css_class", [("preset-dark orange", "st-key-preset-dark-orange"),
                                            ("random", "st-key-random"), (" a.b/c ", "st-key-a-b-c")])
def test_key_class_follows_streamlits_rule(key, css_class):
    assert key_class(key) == css_class


def test_the_banner_names_a_cut_short_model_in_bold_that_markdown_closes(model):
    """A model's name cut to 120 characters can end in a space, and ** does not close after one."""
    name = "trained here: 3-3-1 relu, squared loss, per-sample SGD (the chapter), lr 0.05, 100,000 iterations, "
    at = run_page("ffc0cb", **{SESSION_MODEL: model, SESSION_MODEL_NAME: name})
    [banner] = [i.value for i in at.info if "your own model" in i.value]
    bold = re.search(r"\*\*(.+?)\*\*", banner).group(1)
    assert bold == bold.strip() and bold.endswith("iterations,")
