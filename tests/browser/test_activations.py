"""The Activations page in a real browser: charts drawn without a charting library to parse first, URL settings
applied, the derivative toggle, and the values read under the pointer."""

import numpy as np
import pytest
from playwright.sync_api import expect

from fontnet import activations as act
from tests.browser.conftest import link_notices, screenshot, wait_for_app

pytestmark = pytest.mark.browser

CURVES = ".st-key-activations_curves"
GRADIENT = ".st-key-activations_gradient"


def curve_count(page) -> int:
    """The curves the chart draws: its legend has one row per series, after the x row."""
    return page.locator(f"{CURVES} .u-legend tr.u-series").count() - 1


def wait_for_curves(page, n: int):
    page.wait_for_function(
        """([sel, n]) => { const rows = document.querySelectorAll(sel + ' .u-legend tr.u-series');
                           return rows.length === n + 1; }""",
        arg=[CURVES, n], timeout=30_000)


def test_default_page_renders_its_charts_with_no_charting_library_to_parse(app_server, page):
    page.goto(app_server.url + "/activations")
    wait_for_app(page)
    page.get_by_role("heading", name="Activations").first.wait_for(timeout=30_000)
    for sel in (f"{CURVES} canvas", f"{GRADIENT} canvas", "#activations-softmax svg.fontnet-softmax"):
        page.locator(sel).first.wait_for(timeout=30_000)
    wait_for_curves(page, 4)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Logistic, ReLU, each with its derivative dashed" in page.get_by_role("img", name="Activation functions",
                                                                                 exact=False).first.get_attribute("aria-label")
    assert "after 10 layers" in page.locator(f"{GRADIENT} canvas[role=img]").get_attribute("aria-label")
    table = page.locator('[data-testid="stTable"]').first.inner_text()
    assert "Turns negative values to 0." in table and "vanishing gradient problems" in table  # notes in full
    big_scripts = page.evaluate("""() => performance.getEntriesByType('resource')
      .filter(r => r.name.endsWith('.js') && r.decodedBodySize > 1e6).map(r => r.name)""")
    assert big_scripts == [] and page.locator(".js-plotly-plot").count() == 0   # plotly.js is 4.8 MB
    # softmax's bars print their numbers: the defaults 2.0, 1.0, 0.1
    shown = page.locator("#activations-softmax").inner_text()
    for v in act.softmax_with_temperature(act.parse_logits("2.0, 1.0, 0.1"), 1.0):
        assert f"{v:.3f}" in shown
    assert not page.dialogs


def test_the_legend_reads_the_curves_under_the_pointer(app_server, page):
    page.goto(app_server.url + "/activations?fn=relu,logistic&deriv=1&xmin=-4&xmax=4")
    wait_for_app(page)
    wait_for_curves(page, 4)
    over = page.locator(f"{CURVES} .u-over")
    box = over.bounding_box()
    over.hover(position={"x": box["width"] * 0.7, "y": box["height"] / 2})   # scrolled into view first
    values = page.locator(f"{CURVES} .u-legend .u-value")
    page.wait_for_function("sel => { const v = document.querySelector(sel + ' .u-legend .u-value');"
                           " return v && /\\d/.test(v.textContent); }", arg=CURVES, timeout=10_000)
    x, relu, d_relu, logistic, d_logistic = (float(v) for v in values.all_inner_texts())
    assert 0 < x < 4
    # each value is fontnet's at the point nearest the pointer, to four decimals (x is shown to two)
    xs = np.linspace(-4, 4, act.CURVE_POINTS)
    at = xs[np.argmin(abs(xs - x))]
    assert relu == pytest.approx(round(at, 4), abs=1e-4) and d_relu == 1
    assert logistic == pytest.approx(act.logistic(at), abs=1e-4)
    assert d_logistic == pytest.approx(act.d_logistic(at), abs=1e-4)


def test_url_draws_four_curves_and_the_derivative_toggle_removes_two(app_server, page):
    page.goto(app_server.url + "/activations?fn=relu,logistic&deriv=1")
    wait_for_app(page)
    wait_for_curves(page, 4)
    assert curve_count(page) == 4
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "activations")
    page.get_by_text("Show derivatives (dashed)").click()
    wait_for_curves(page, 2)
    assert curve_count(page) == 2
    page.get_by_text("Show derivatives (dashed)").click()
    wait_for_curves(page, 4)
    assert "deriv" not in page.url or "deriv=true" in page.url


def test_bad_url_values_show_a_notice_not_a_traceback(app_server, page):
    text = link_notices(page, app_server.url + "/activations?xmin=abc&fn=bogus&logits=x,y")
    assert "xmin='abc'" in text and "'bogus'" in text and "logits='x,y'" in text
    assert page.locator('[data-testid="stException"]').count() == 0
    wait_for_curves(page, 4)  # the defaults: logistic and ReLU with derivatives
    expect(page.locator('[data-testid="stTextInput"] input')).to_have_value("2.0, 1.0, 0.1")
