"""The live charts for readers who do not watch them: a polite live region says the latest numbers at most every
few seconds, and a reader who asks for less motion gets fewer redraws that end in the same state."""

import pytest

from tests.browser.conftest import wait_for_app
from tests.browser.test_train import CHART, open_train, wait_whole

pytestmark = pytest.mark.browser

SLOW = "?mode=full&layers=3&hidden=16&iterations=40000"  # under the cost cap, still running whenever Pause is pressed
REGION = ".st-key-train_live .fontnet-live-status"
# Every change of the live region's words: [when the panel said it (the page's clock, ms), text].
RECORD_JS = """
window.__said = [];
new MutationObserver(() => {  // the words and data-said-at change together, in one task
  const r = document.querySelector('.st-key-train_live .fontnet-live-status');
  const last = window.__said[window.__said.length - 1];
  if (r && r.textContent && (!last || last[1] !== r.textContent)) window.__said.push([+r.dataset.saidAt, r.textContent]);
}).observe(document, {subtree: true, childList: true, characterData: true});
"""
LOSS = CHART  # the loss chart's box, which counts its updates and draws


def counts(page) -> dict:
    return page.evaluate(f"() => {{ const el = {LOSS}; return {{updates: +el.dataset.updates, "
                         "draws: +el.dataset.draws, points: +el.dataset.points, "
                         "drawn: el.__fontnetChart.plot.data[0].length}; }")


def test_the_live_region_says_the_latest_numbers_every_few_seconds_at_most(app_server, page):
    page.add_init_script(RECORD_JS)
    open_train(page, app_server, SLOW)
    region = page.locator(REGION)
    assert region.get_attribute("role") == "status" and region.get_attribute("aria-live") == "polite"
    every = int(region.get_attribute("data-every-ms"))
    assert every >= 3000
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_function("() => window.__said.filter(s => s[1].startsWith('running')).length >= 3", timeout=120_000)
    page.get_by_role("button", name="Pause", exact=True).click()
    paused = wait_whole(page, "paused", timeout=60_000)
    wait_for_app(page)
    # the last state is said too, in its turn: the loss chart's last numbers at the iteration it paused at
    page.wait_for_function("it => window.__said.at(-1)[1].includes('at iteration ' + it.toLocaleString('en') + ':')",
                           arg=paused["last"], timeout=30_000)
    said = page.evaluate("() => window.__said")
    times = [t for t, _ in said]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= every - 50, [(round(g), said[i][1][:80], said[i + 1][1][:80]) for i, g in enumerate(gaps)]
    running = [text for _, text in said if text.startswith("running")]
    assert all("iteration" in t and "test accuracy" in t for t in running), running
    c = counts(page)
    assert len(said) < c["updates"] / 2, (len(said), c)  # far fewer words than updates
    assert c["draws"] >= c["updates"]  # full motion: every update drawn
    final = said[-1][1]
    assert final.startswith("Loss") and "test accuracy" in final and "%" in final
    assert "W1[" not in final  # a chart of every weight is left to the eye


def test_reduced_motion_draws_less_and_ends_in_the_same_state(app_server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, reduced_motion="reduce")
    try:
        page = context.new_page()
        open_train(page, app_server, SLOW)
        page.get_by_role("button", name="Train", exact=True).click()
        # enough to judge: 24 points appended, and at least two live redraws (however the updates bunch up)
        page.wait_for_function(f"() => +{LOSS}.dataset.appended >= 24 && "
                               f"({LOSS}.__fontnetDrawTimes || []).filter(([t, live]) => live).length >= 2",
                               timeout=120_000)
        live = counts(page)
        page.get_by_role("button", name="Pause", exact=True).click()
        paused = wait_whole(page, "paused", timeout=60_000)
        wait_for_app(page)
        # while it played, appended points were drawn in fewer redraws, never two within the reduced-motion gap
        assert live["draws"] < live["updates"], live
        times = [t for t, is_live, _ in page.evaluate(f"() => {LOSS}.__fontnetDrawTimes") if is_live]
        assert len(times) >= 2 and min(b - a for a, b in zip(times, times[1:])) >= 1500 - 50, times
        # and the chart ends as it would with full motion: every point of the run held and drawn
        end = counts(page)
        assert end["points"] == end["drawn"] and paused["points"] == end["points"], end
    finally:
        context.close()
