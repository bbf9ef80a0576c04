"""The Activations page in a real browser: charts drawn, URL settings applied, the derivative toggle."""

import pytest

from tests.browser.conftest import link_notices, screenshot, wait_for_app

pytestmark = pytest.mark.browser

def curve_count(page) -> int:
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    return chart.locator(".js-plotly-plot .scatterlayer .trace").count()


def wait_for_curves(page, n: int):
    page.wait_for_function(
        """n => { const c = document.querySelector('[data-testid="stPlotlyChart"]');
                  return c && c.querySelectorAll('.js-plotly-plot .scatterlayer .trace').length === n; }""",
        arg=n, timeout=30_000)


def test_default_page_renders_its_charts(app_server, page):
    page.goto(app_server.url + "/activations")
    wait_for_app(page)
    page.get_by_role("heading", name="Activations").first.wait_for(timeout=30_000)
    page.locator(".js-plotly-plot").nth(2).wait_for(timeout=30_000)
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 3
    assert page.locator('[data-testid="stException"]').count() == 0
    table = page.locator('[data-testid="stTable"]').first.inner_text()
    assert "Turns negative values to 0." in table and "vanishing gradient problems" in table  # notes in full
    assert not page.dialogs


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
    assert page.locator('[data-testid="stTextInput"] input').input_value() == "2.0, 1.0, 0.1"
