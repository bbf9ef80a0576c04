"""Real-browser checks of what visitors cannot do to each other or to the page.

Session isolation: two browser contexts against one server. XSS: script and markup payloads everywhere a
visitor can put text (links, text boxes, uploaded file names and contents) run nothing and inject nothing.
"""

import json
import re

import pytest

from fontnet.model import default_model
from tests.browser.conftest import (
    assert_nothing_ran,
    type_sample_text,
    use_uploaded_model,
    wait_for_app,
    wait_for_drawn_colour,
    wait_for_progress,
)

pytestmark = pytest.mark.browser

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(2)</script>"
SVG = '"><svg onload=alert(3)>'


def p_dark(page) -> str:
    metric = page.locator('[data-testid="stMetric"]', has_text="P(dark text)").first
    metric.wait_for(timeout=60_000)
    return metric.locator('[data-testid="stMetricValue"]').inner_text()


def test_two_visitors_do_not_see_each_others_model_data_or_controls(app_server, browser, page, tmp_path):
    # visitor B: the Predict page on pink, and the Train page, both open before A does anything
    b_predict = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    b_predict.goto(app_server.url + "/?bg=ffc0cb")
    b_p = p_dark(b_predict)
    b_train = b_predict.context.new_page()
    b_train.goto(app_server.url + "/train")
    b_train.get_by_role("heading", name="Train").first.wait_for(timeout=60_000)
    b_progress = wait_for_progress(b_train, "ready: iteration 0 of 100,000")

    # visitor A: uploads data, trains a deliberately poor model, uses it, changes the colour
    a = page
    a.goto(app_server.url + "/train?activation=linear&lr=0.0001&iterations=50")
    a.get_by_role("heading", name="Train").first.wait_for(timeout=60_000)
    wait_for_progress(a, "ready: iteration 0 of 50 ")
    csv = tmp_path / "mine.csv"
    csv.write_text("red,green,blue,label\n" + "".join(f"{v},{v},{v},{int(v > 127)}\n" for v in range(0, 256, 15)))
    a.locator(".st-key-data_file input[type=file]").set_input_files(str(csv))
    a.get_by_text(re.compile(r"Loaded mine\.csv")).wait_for(timeout=30_000)
    wait_for_app(a)
    a.get_by_role("button", name="Step", exact=True).click()
    wait_for_progress(a, "paused: iteration 1 of 50 ")
    a.get_by_role("button", name="Use this model").click()
    a.get_by_text("You are using your own model").first.wait_for(timeout=60_000)
    wait_for_app(a)
    a.get_by_role("button", name="navy", exact=True).click()
    wait_for_drawn_colour(a, "#000080")

    # B's pages rerun (a colour round trip, a Reset) and still show the shared default and B's own controls
    b_predict.get_by_role("button", name="white", exact=True).click()
    wait_for_drawn_colour(b_predict, "#ffffff")
    b_predict.get_by_role("button", name="pink", exact=True).click()
    wait_for_drawn_colour(b_predict, "#ffc0cb")
    assert p_dark(b_predict) == b_p
    assert b_predict.get_by_text("You are using your own model").count() == 0
    assert b_predict.url.endswith("ffc0cb")
    b_train.get_by_role("button", name="Step", exact=True).click()  # a Reset that visibly changes the page
    wait_for_progress(b_train, "paused: iteration 1 of 100,000 ")
    b_train.get_by_role("button", name="Reset", exact=True).click()
    assert wait_for_progress(b_train, "ready: ") == b_progress
    assert b_train.locator(".st-key-train-activation input").input_value() == "relu"
    assert b_train.locator(".st-key-train-data input").input_value() != "upload"
    assert b_train.get_by_text("mine.csv").count() == 0
    b_predict.context.close()


def test_payloads_in_links_run_nothing(app_server, page):
    for path in (f"/?bg={SCRIPT}", f"/?bg={IMG}", f"/activations?fn={IMG}&logits={SCRIPT}&xmin={SVG}",
                 f"/train?activation={IMG}&lr={SCRIPT}&data={SVG}"):
        page.goto(app_server.url + path)
        page.locator('[data-testid="stAlert"]').first.wait_for(timeout=60_000)
        wait_for_app(page)
        assert_nothing_ran(page)


def test_payloads_typed_into_text_boxes_run_nothing(app_server, page):
    page.goto(app_server.url + "/")
    page.locator("#font-preview").wait_for(timeout=60_000)
    for payload in (IMG, SCRIPT, SVG):
        type_sample_text(page, payload)
        assert_nothing_ran(page)
    page.goto(app_server.url + "/activations")
    box = page.locator(".st-key-activations-logits input")
    box.wait_for(timeout=60_000)
    box.fill(SCRIPT + IMG)
    box.press("Enter")
    page.locator('[data-testid="stAlert"]', has_text="Logits").first.wait_for(timeout=30_000)
    wait_for_app(page)
    assert_nothing_ran(page)


def test_payloads_in_uploaded_files_run_nothing(app_server, page, tmp_path):
    page.goto(app_server.url + "/train")
    page.get_by_role("heading", name="Train").first.wait_for(timeout=60_000)
    wait_for_progress(page, "ready: ")
    bad_csv = tmp_path / f"{IMG}.csv"
    bad_csv.write_text(f"red,green,blue,label\n1,2,3,0\n{IMG},{SCRIPT},3,1\n")
    page.locator(".st-key-data_file input[type=file]").set_input_files(str(bad_csv))
    page.get_by_text("That CSV was not used").first.wait_for(timeout=30_000)
    wait_for_app(page)
    assert_nothing_ran(page)
    model = default_model().to_dict()
    model["activation"] = IMG
    bad_model = tmp_path / "<script>alert(2)<script>.json"  # a file name cannot hold the closing tag's slash
    bad_model.write_text(json.dumps(model))
    page.locator(".st-key-model_file input[type=file]").set_input_files(str(bad_model))
    page.get_by_text("That model was not loaded").first.wait_for(timeout=30_000)
    wait_for_app(page)
    assert_nothing_ran(page)
    # a good model under a hostile file name: its name travels to the Predict page's banner
    good_model = tmp_path / f"{SVG}.json"
    good_model.write_text(json.dumps(default_model().to_dict()))
    use_uploaded_model(page, good_model)
    wait_for_app(page)
    assert_nothing_ran(page)
