"""The Train page in a real browser: live chart, Pause, links, uploads and 'Use this model'."""

import re
import time

import pytest

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser

LOSS_POINTS = ("() => { const el = document.querySelector('.st-key-loss_box .js-plotly-plot');"
               " return el && el.data ? el.data[0].x.length : -1; }")


def open_train(page, app_server, query: str = ""):
    page.goto(app_server.url + "/train" + query)
    page.get_by_role("heading", name="Train").first.wait_for(timeout=60_000)
    page.wait_for_function(f"() => ({LOSS_POINTS})() >= 1", timeout=60_000)
    wait_for_app(page)


def points(page) -> int:
    return page.evaluate(LOSS_POINTS)


def progress(page) -> str:
    return page.locator('[data-testid="stProgress"]').first.inner_text()


def test_train_grows_the_chart_and_pause_stops_it(app_server, page):
    # a slow network (full batch, 3 x 16 nodes, a million iterations): it is still running when Pause is pressed
    open_train(page, app_server, "?mode=full&layers=3&hidden=16&iterations=1000000")
    assert points(page) == 1  # iteration 0 only
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_function(f"() => ({LOSS_POINTS})() >= 4", timeout=60_000)
    before = points(page)
    page.wait_for_function(f"() => ({LOSS_POINTS})() > {before}", timeout=30_000)
    assert progress(page).startswith("running")
    page.get_by_role("button", name="Pause", exact=True).click()
    page.wait_for_function("() => document.querySelector('[data-testid=stProgress]').innerText.startsWith('paused')",
                           timeout=30_000)
    wait_for_app(page)
    # the progress bar says where the run paused; the chart (plotly draws after the bar) catches up to it
    paused_at = int(re.search(r"iteration ([\d,]+) of", progress(page)).group(1).replace(",", ""))
    assert 0 < paused_at < 1_000_000
    page.wait_for_function(f"() => {{ const el = document.querySelector('.st-key-loss_box .js-plotly-plot');"
                           f" return el && el.data && el.data[0].x.at(-1) === {paused_at}; }}", timeout=30_000)
    paused = points(page)
    time.sleep(2.0)
    assert points(page) == paused  # nothing trains while paused
    assert progress(page).startswith(f"paused: iteration {paused_at:,} of")
    screenshot(page, "train")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.dialogs == []


def test_a_link_sets_the_controls(app_server, page):
    open_train(page, app_server, "?lr=0.2&hidden=5&activation=tanh&iterations=5000&seed=3")
    assert page.locator(".st-key-activation input").input_value() == "tanh"
    assert "0.2" in page.locator(".st-key-lr").inner_text()
    assert page.locator(".st-key-iterations input").input_value() == "5000"
    assert page.locator(".st-key-seed input").input_value() == "3"
    assert "5,000" in progress(page)
    assert re.search(r"[?&]lr=0\.2(&|$)", page.url) and "activation=tanh" in page.url


def test_a_malformed_link_gives_a_notice(app_server, page):
    open_train(page, app_server, "?lr=fast&activation=%3Cb%3Ebold%3C%2Fb%3E")
    alerts = page.locator('[data-testid="stAlert"]').all_inner_texts()
    assert any("lr='fast' is not valid" in a for a in alerts)
    assert any("<b>bold</b>" in a for a in alerts)  # shown as text, not as HTML
    assert page.locator("b", has_text="bold").count() == 0
    assert page.locator(".st-key-activation input").input_value() == "relu"


def test_upload_a_csv_through_the_file_input(app_server, page, tmp_path):
    good = tmp_path / "colours.csv"
    good.write_text("RED,GREEN,BLUE,LIGHT_OR_DARK_FONT_IND\n" + "\n".join(
        f"{v},{v},{v},{int(v > 127)}" for v in range(0, 256, 5)) + "\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("red,green,blue,label\n1,2,3,0\n4,5,700,1\n")
    open_train(page, app_server)
    page.locator(".st-key-data_file input[type=file]").set_input_files(str(good))
    page.get_by_text(re.compile(r"Loaded colours\.csv \(52 rows\)")).wait_for(timeout=30_000)
    wait_for_app(page)
    page.locator(".st-key-data_file input[type=file]").set_input_files(str(bad))
    page.get_by_text(re.compile(r"That CSV was not used: line 3: value 700 is outside 0-255")).wait_for(timeout=30_000)
    page.get_by_role("button", name="Reset", exact=True).click()
    # while that rerun draws, the page can hold the old row of buttons beside the new one: wait for one row
    step = page.get_by_role("button", name="Step", exact=True)
    deadline = time.monotonic() + 30
    while step.count() != 1 and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    wait_for_app(page)
    step.click()
    page.wait_for_function("() => document.querySelector('[data-testid=stProgress]').innerText.startsWith('paused')",
                           timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0


def p_dark_on_predict(page) -> str:
    metric = page.locator('[data-testid="stMetric"]', has_text="P(dark text)").first
    metric.wait_for(timeout=60_000)
    return metric.locator('[data-testid="stMetricValue"]').inner_text()


def test_use_this_model_changes_what_predict_shows(app_server, page, browser):
    other = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    other.goto(app_server.url + "/")
    default_p = p_dark_on_predict(other)
    other.context.close()

    # a deliberately bad model: linear hidden nodes, a tiny learning rate, one iteration
    open_train(page, app_server, "?activation=linear&lr=0.0001&iterations=50")
    page.get_by_role("button", name="Step", exact=True).click()
    page.wait_for_function("() => document.querySelector('[data-testid=stProgress]').innerText.startsWith('paused')",
                           timeout=30_000)
    wait_for_app(page)
    page.get_by_role("button", name="Use this model").click()
    page.get_by_role("heading", name="Predict").first.wait_for(timeout=60_000)
    wait_for_app(page)
    assert p_dark_on_predict(page) != default_p
    assert page.get_by_text("You are using your own model").count() >= 1
