"""A first visit in Chromium: the page draws its main control before its settings and figures, then the rest
arrives without a click, and the control drawn first is the one that stays (app/first_paint.py)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import wait_for_app

pytestmark = pytest.mark.browser

# Runs in the page before its own scripts: on every animation frame, the first time the main control is visible,
# tag that element and note whether the sidebar's settings or the page's figures were drawn yet.
WATCH_JS = """
(() => {
  if (window.top !== window) return;
  const seen = window.__firstPaint = {control: false, settingsThen: null, figuresThen: null};
  const frame = () => {
    const b = [...document.querySelectorAll('.st-key-train_buttons button')].find(e => e.innerText.trim() === 'Train');
    if (b && b.getBoundingClientRect().width > 0) {
      b.__drawnFirst = true;
      seen.control = true;
      seen.settingsThen = !!document.querySelector('[data-testid="stSidebar"] [data-testid="stSlider"]');
      seen.figuresThen = !!document.querySelector('.st-key-train_live canvas, svg.fontnet-surface');
      return;
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();
"""


def test_a_first_visit_draws_the_main_control_then_the_rest_around_it(app_server, page):
    page.add_init_script(WATCH_JS)
    page.goto(app_server.url + "/train")
    wait_for_app(page, 60_000)   # waits for the whole page, not just the first run
    seen = page.evaluate("window.__firstPaint")
    assert seen["control"] and seen["settingsThen"] is False and seen["figuresThen"] is False
    assert page.get_attribute("[data-first-paint]", "data-first-paint") == "whole"
    page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]').first.wait_for()
    page.locator(".st-key-train_live canvas").first.wait_for()
    # the button drawn first is the one on the page now: the rest was added around it, nothing drawn again
    assert page.evaluate("[...document.querySelectorAll('.st-key-train_buttons button')]"
                         ".find(e => e.innerText.trim() === 'Train').__drawnFirst === true")


def test_after_the_first_visit_other_pages_draw_whole(app_server, page):
    page.goto(app_server.url + "/train")
    wait_for_app(page, 60_000)
    page.get_by_role("link", name="Digits").click()
    page.get_by_role("heading", name="Digits").first.wait_for()
    wait_for_app(page, 60_000)
    assert page.get_attribute("[data-first-paint]", "data-first-paint") == "whole"
    page.locator(".st-key-digits_train button").wait_for()

