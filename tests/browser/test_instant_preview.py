"""The Predict page's instant preview: the browser repaints #font-preview the moment a colour button is
pressed, with the shade the server then confirms, from this session's model."""

import json
from pathlib import Path

import numpy as np
import pytest

from fontnet import colors, presets
from fontnet.activations import LEAKY_SLOPE
from fontnet.model import default_model, p_dark
from fontnet.network import Network
from tests.browser.conftest import use_uploaded_model, wait_for_app, wait_for_drawn_colour

pytestmark = pytest.mark.browser

JS = (Path(__file__).resolve().parents[2] / "app" / "instant_preview.js").read_text()
DARK = "rgb({}, {}, {})".format(*colors.DARK_TEXT)
LIGHT = "rgb({}, {}, {})".format(*colors.LIGHT_TEXT)
# Press a button and read the preview in the same task: the server's answer cannot have arrived yet.
PRESS_AND_READ = """key => {
  const before = getComputedStyle(document.getElementById('font-preview')).backgroundColor;
  document.querySelector('.st-key-' + key + ' button').click();
  const s = getComputedStyle(document.getElementById('font-preview'));
  const o = getComputedStyle(document.getElementById('font-preview-other'));
  return {before, bg: s.backgroundColor, fg: s.color, other_bg: o.backgroundColor, other_fg: o.color};
}"""
STYLE = "() => { const s = getComputedStyle(document.getElementById('font-preview')); return [s.backgroundColor, s.color]; }"


def css(rgb) -> str:
    return "rgb({}, {}, {})".format(*rgb)


def js_p_dark(page, model: Network, rgb: np.ndarray) -> list[float]:
    """P(dark) from the browser script's own forward pass, for each colour."""
    return page.evaluate("""async ([src, model, colours]) => {
      const m = await import('data:text/javascript,' + encodeURIComponent(src));
      return colours.map(c => m.pDark(model, c));
    }""", [JS, {**{k: model.to_dict()[k] for k in ("activation", "weights", "biases")}, "leaky_slope": LEAKY_SLOPE},
          rgb.tolist()])


def trained(activation: str, hidden=(3,), classes=2, seed=0) -> Network:
    rng = np.random.default_rng(seed)
    X = rng.random((200, 3))
    y = (X @ [0.299, 0.587, 0.114] > 0.5).astype(int) if classes == 2 else rng.integers(0, classes, 200)
    return Network(hidden, activation, mode="fast", max_iter=30, random_state=seed).fit(X, y)


@pytest.mark.parametrize("model", [
    pytest.param(default_model(), id="default"),
    *(pytest.param(trained(a), id=a) for a in ("linear", "logistic", "tanh", "relu", "leaky_relu")),
    pytest.param(trained("tanh", hidden=(5, 4)), id="two-hidden-layers"),
    pytest.param(trained("relu", classes=3), id="softmax-output"),
])
def test_the_browser_forward_pass_matches_the_engine(page, model):
    rgb = np.random.default_rng(5).integers(0, 256, size=(300, 3))
    rgb = np.vstack([rgb, [[0, 0, 0], [255, 255, 255], [255, 140, 0]]])
    ours = np.array(js_p_dark(page, model, rgb))
    expected = model.predict_proba(rgb / 255.0)[:, 1]
    np.testing.assert_allclose(ours, expected, rtol=0, atol=1e-12)
    assert np.array_equal(ours >= 0.5, expected >= 0.5)


def wait_until_live(page):
    """The page is drawn and the browser script is in place (it loads just after the page's first draw)."""
    page.locator("#font-preview").wait_for(timeout=60_000)
    wait_for_app(page)
    page.locator(".st-key-instant_preview [data-instant-preview=ready]").wait_for(state="attached", timeout=30_000)


def open_predict(page, url):
    page.goto(url)
    wait_until_live(page)


def press_and_confirm(page, key: str) -> dict:
    """Press a colour button; return the instant paint once the server's answer shows the same colour."""
    instant = page.evaluate(PRESS_AND_READ, key)
    hex_colour = "#{:02x}{:02x}{:02x}".format(*[int(v) for v in instant["bg"][4:-1].split(",")])
    wait_for_drawn_colour(page, hex_colour)
    instant["confirmed"] = page.evaluate(STYLE)
    return instant


def test_presets_and_random_paint_at_once_in_the_shade_the_server_confirms(app_server, page):
    open_predict(page, app_server.url + "/?bg=ff8c00")
    model = default_model()
    for name in ("navy", "pink", "black", "white", "dark orange", "gold"):
        got = press_and_confirm(page, "preset-" + name.replace(" ", "-"))
        rgb = presets.PRESETS[name]
        dark = bool(p_dark(model, rgb)[0] >= 0.5)
        assert got["bg"] == got["other_bg"] == css(rgb) != got["before"]
        assert (got["fg"], got["other_fg"]) == ((DARK, LIGHT) if dark else (LIGHT, DARK)), name
        assert got["confirmed"] == [got["bg"], got["fg"]], name
    seen = set()
    for _ in range(3):  # the random colour is chosen ahead, so it too is painted at once
        got = press_and_confirm(page, "random")
        assert got["confirmed"] == [got["bg"], got["fg"]]
        seen.add(got["bg"])
    assert len(seen) >= 2
    assert page.locator('[data-testid="stException"]').count() == 0


def test_the_instant_paint_uses_this_sessions_model(app_server, page, tmp_path):
    # a model that always says light text (its output's bias is very negative)
    d = default_model().to_dict()
    d["weights"][-1] = [[0.0] * len(d["weights"][-1][0])]
    d["biases"][-1] = [-30.0]
    f = tmp_path / "always-light.json"
    f.write_text(json.dumps(d))
    page.goto(app_server.url + "/train")
    page.get_by_role("heading", name="Train").first.wait_for(timeout=60_000)
    wait_for_app(page)
    use_uploaded_model(page, f)
    wait_until_live(page)
    got = press_and_confirm(page, "preset-pink")
    assert (got["bg"], got["fg"]) == ("rgb(255, 192, 203)", LIGHT)  # the default model says dark
    assert got["confirmed"] == ["rgb(255, 192, 203)", LIGHT]
    page.get_by_role("button", name="Back to the default model").click()
    page.get_by_text("You are using your own model").wait_for(state="detached", timeout=30_000)
    wait_for_app(page)
    got = press_and_confirm(page, "preset-white")
    assert (got["bg"], got["fg"]) == ("rgb(255, 255, 255)", DARK)
