"""The Digits page in a real browser: draw on the pad with the mouse, Clear, and a live training run."""

import re

import pytest

from bench.digits import open_digits, stroke
from fontnet import digits
from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser

PIXELS = "() => document.querySelector('#digit-preview')?.dataset.pixels ?? null"
LIVE_POINTS = ("() => { const el = document.querySelector('.st-key-digits_live_chart [data-points]');"
               " return el ? +el.dataset.points : -1; }")


def pixels(page) -> str:
    return page.evaluate(PIXELS)


def test_drawing_shows_the_8x8_image_and_a_prediction_and_clear_empties_the_pad(app_server, page):
    open_digits(page, app_server)
    assert pixels(page) == "" and page.locator("#digit-prediction").count() == 0
    assert page.locator("#digit-prompt").inner_text() == "draw a digit"

    stroke(page, [(140, 40), (140, 240)])  # a one
    page.wait_for_function(f"() => ({PIXELS})()?.length > 0", timeout=30_000)
    page.locator("#digit-prediction").wait_for(timeout=30_000)
    first = pixels(page)
    cells = [int(v) for v in first.split(",")]
    assert len(cells) == 64 and max(cells) <= 16 and sum(cells) > 0
    assert re.fullmatch(r"\d \(\d{1,3}%\)", page.locator("#digit-prediction").inner_text())

    stroke(page, [(60, 140), (220, 140)])  # a bar across it: a plus, a different image
    page.wait_for_function(f"p => ({PIXELS})() !== p", arg=first, timeout=30_000)
    assert pixels(page) != first
    page.locator("#digit-prediction").wait_for(timeout=30_000)
    screenshot(page, "digits")

    page.get_by_role("button", name="Clear", exact=True).click()
    page.locator("#digit-prompt").wait_for(timeout=30_000)
    page.wait_for_function(f"() => ({PIXELS})() === ''", timeout=30_000)
    assert page.locator("#digit-prediction").count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.dialogs == []


# the charting libraries' scripts a page has fetched (Streamlit's plotly chunk is 4.7 MB, Vega's over 1 MB; a
# loader stub of under 1 kB may be fetched with Streamlit's own code and is no library)
CHART_LIBRARIES = ("() => performance.getEntriesByType('resource').filter(r => /plotly|vega/i.test(r.name) && "
                   "r.decodedBodySize > 100000).map(r => r.name)")
# Figure 7-8 is drawn for a wide box and for a narrow one (fontnet/figures/fit.py): its numbers are read from the one
# on screen
FIGURE_NUMBERS = """() => { const fig = [...document.querySelectorAll('svg.digits-network')].find(s => s.getBoundingClientRect().width > 0); return {
  bars: [...document.querySelectorAll('svg.digits-probabilities .bar')].map(b => +b.dataset.p),
  chosen: [...document.querySelectorAll('svg.digits-probabilities .bar[data-chosen]')].map(b => +b.dataset.digit),
  outputs: [...fig.querySelectorAll('.node[data-layer="3"]')].map(n => +n.dataset.p),
  pixels: [...fig.querySelectorAll('.pixel')].map(p => +p.dataset.value),
  tiles: [...document.querySelectorAll('#digits-tiles img.weights')].map(i => i.complete ? i.naturalWidth : 0),
}; }"""


def test_a_test_image_draws_its_numbers_in_light_figures(app_server, page):
    """The output bars, Figure 7-8 and the weight tiles are markup the server draws: no plotly.js to load."""
    open_digits(page, app_server)
    page.get_by_role("button", name="Random test image").click()
    page.locator("svg.digits-network >> visible=true").wait_for(timeout=60_000)
    wait_for_app(page)
    index = int(re.search(r"Test image (\d+), labelled", page.locator('[data-testid="stMain"]').inner_text()).group(1))
    _, X_test, _, _ = digits.split(0)
    reading = digits.read(digits.default_model(), X_test[index].reshape(8, 8) * 16)
    page.wait_for_function(f"() => ({FIGURE_NUMBERS})().tiles.every(w => w === 8)", timeout=30_000)
    shown = page.evaluate(FIGURE_NUMBERS)
    assert shown["bars"] == pytest.approx(reading.proba.tolist()) and shown["outputs"] == shown["bars"]
    assert shown["chosen"] == [reading.digit]
    assert shown["pixels"] == reading.image.ravel().tolist()
    assert len(shown["tiles"]) == digits.default_model().weights_[0].shape[0]
    assert page.locator(".js-plotly-plot").count() == 0
    assert page.evaluate(CHART_LIBRARIES) == []
    assert page.locator("svg.digits-network >> visible=true").bounding_box()["width"] > 400
    screenshot(page, "digits-figures")


def test_train_grows_the_live_chart_until_the_run_is_done(app_server, page):
    open_digits(page, app_server, "?iterations=1500&hidden=32,16")
    assert page.evaluate(LIVE_POINTS) == -1  # no run yet
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_function(f"() => ({LIVE_POINTS})() >= 3", timeout=60_000)
    before = page.evaluate(LIVE_POINTS)
    page.wait_for_function(f"() => ({LIVE_POINTS})() > {before}", timeout=30_000)
    page.wait_for_function("() => document.querySelector('[data-testid=stProgress]')?.innerText.startsWith('done')",
                           timeout=60_000)
    # the chart ends at the run's last iteration, with every point the server recorded (iteration 0 and one per
    # chunk: at most 40 chunks, fewer when a busy server makes them larger to keep the run's play time)
    page.wait_for_function("() => document.querySelector('.st-key-digits_live_chart [data-points]')"
                           "?.dataset.lastX === '1500'", timeout=30_000)
    chart = page.locator(".st-key-digits_live_chart [data-points]").first
    assert chart.get_attribute("data-points") == chart.get_attribute("data-length")
    assert 3 <= int(chart.get_attribute("data-points")) <= 41
    assert page.locator('[data-testid="stException"]').count() == 0


TOUCH_STROKE_JS = """(pad, [x0, y0]) => {
  const at = (x, y) => new Touch({identifier: 1, target: pad, clientX: x, clientY: y, pageX: x, pageY: y});
  const fire = (type, t, ended) => pad.dispatchEvent(new TouchEvent(type, {touches: ended ? [] : [t],
      targetTouches: ended ? [] : [t], changedTouches: [t], bubbles: true, cancelable: true, composed: true}));
  fire('touchstart', at(x0, y0));
  for (let i = 1; i < 12; i++) fire('touchmove', at(x0, y0 + 20 * i));
  fire('touchend', at(x0, y0 + 220), true);
}"""


def test_a_finger_draws_on_the_pad_too(app_server, browser):
    """A stroke made of touch events (touchstart, touchmove..., touchend, as a phone sends them) on a narrow
    touch screen, where the pad, the image and the bars stack instead of squeezing the pad."""
    context = browser.new_context(viewport={"width": 900, "height": 1000}, has_touch=True, is_mobile=True)
    page = context.new_page()
    try:
        open_digits(page, app_server)
        pad = page.locator(".st-key-digit_pad canvas").last
        box = pad.bounding_box()
        preview = page.locator("#digit-preview").bounding_box()
        assert preview["y"] >= box["y"] + box["height"] or preview["x"] >= box["x"] + box["width"]  # no overlap
        pad.evaluate(TOUCH_STROKE_JS, [box["x"] + 140, box["y"] + 30])
        page.locator("#digit-prediction").wait_for(timeout=30_000)
        cells = [int(v) for v in page.evaluate(PIXELS).split(",")]
        assert len(cells) == 64 and sum(cells) > 0
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        context.close()
