"""WCAG 2.1 A/AA in a real browser: axe-core finds no serious or critical violation on any page, idle and in the
states a visitor reaches (a finished run, answers given, a step applied, a digit read); specimens are named.

The audit (tests/browser/a11y.py) exempts only a specimen's own colours: text whose contrast is the content.
"""

import pytest

from app.vision import SHADES
from fontnet import vision
from fontnet.figures.vision import vision_summary
from fontnet.model import decide, default_model
from tests.browser.a11y import assert_accessible, axe_violations
from tests.browser.conftest import wait_for_app
from tests.browser.test_backprop import LINK as BACKPROP_LINK
from tests.browser.test_digits import open_digits
from tests.browser.test_teach import answer_by_formula, open_teach
from tests.browser.test_train import open_train, wait_whole

pytestmark = pytest.mark.browser

PAGES = [("/", "Predict"), ("/teach", "Teach"), ("/class", "Class"), ("/train", "Train"), ("/tune", "Tune"),
         ("/backprop", "Backprop"), ("/activations", "Activations"), ("/digits", "Digits")]


def open_page(page, url: str, title: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name=title).first.wait_for(timeout=60_000)
    wait_for_app(page)


@pytest.mark.parametrize("path,title", PAGES)
def test_no_serious_violation_on_an_idle_page(app_server, page, path, title):
    open_page(page, app_server.url + path, title)
    assert_accessible(page, f"{title}, idle")
    # the sidebar's sections are lists of links, each named by its header
    sections = page.locator('[data-testid="stSidebarNavItems"] > [role="list"]')
    assert [sections.nth(i).get_attribute("aria-label") for i in range(sections.count())] == ["Use it", "Learn how"]
    assert page.get_by_role("list", name="Use it").get_by_role("link").count() == 3
    assert page.get_by_role("list", name="Learn how").get_by_role("link").count() == 5


def test_predict_with_the_math_open_and_every_specimen_named(app_server, page):
    open_page(page, app_server.url + "/?bg=ff8c00&math=true", "Predict")
    page.locator(".st-key-math_box .katex").first.wait_for(timeout=60_000)
    assert_accessible(page, "Predict, dark orange, with the matrix arithmetic")
    specimens = page.locator("[data-specimen]")
    assert specimens.count() >= 2 + 2 * 4  # both previews; both shades for typical vision and the three simulated
    for label in specimens.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))"):
        assert "contrast" in label and ":1" in label and " on #" in label, label
    # what the audit exempts is exactly a specimen's own colours: light text on dark orange (2.2:1) is one
    exempted = [v for v in axe_violations(page) if v["specimen"]]
    assert exempted and all(v["id"] == "color-contrast" for v in exempted)
    assert any("font-preview-other" in v["target"] for v in exempted)
    other = page.locator("#font-preview-other").get_attribute("aria-label")
    assert other.startswith("the alternative, light text") and "#fafafa on #ff8c00, contrast 2.23:1" in other


def test_predict_says_when_the_choice_becomes_hard_to_read_for_a_colour_blind_reader(app_server, page):
    rgb = (0xEC, 0x46, 0xB9)  # dark text, 5.5:1, drops below 4.5:1 without red-sensitive cones
    pairs = vision.seen_by_all(rgb, SHADES)
    shade = decide(default_model(), rgb).shade
    open_page(page, app_server.url + "/?bg=ec46b9", "Predict")
    summary = page.locator(".st-key-colour_vision .fontnet-vision-summary")
    assert summary.inner_text() == vision_summary(pairs, shade)
    assert "hard to read for protanopia" in summary.inner_text()
    rows = page.locator(".st-key-colour_vision tbody tr")
    assert rows.evaluate_all("rs => rs.map(r => r.dataset.vision)") == ["typical", *vision.DEFICIENCIES]
    shown = page.locator('.st-key-colour_vision tr[data-vision="protanopia"] td[data-ratio]').evaluate_all(
        "cells => cells.map(c => +c.dataset.ratio)")
    assert shown == pytest.approx([pairs[1].ratios["dark"], pairs[1].ratios["light"]], abs=1e-4)


def test_teach_with_answers_and_the_colour_blind_view_open(app_server, page):
    open_teach(page, app_server.url)
    for n in range(3):
        answer_by_formula(page, n)
    wait_for_app(page)
    page.get_by_text("How this colour looks to colour-blind readers").click()
    page.locator(".st-key-teach_colour_vision .fontnet-vision-summary").wait_for(state="visible", timeout=30_000)
    page.get_by_text("Show the network's guess first").click()
    page.get_by_text("I think you will pick").first.wait_for(timeout=30_000)
    wait_for_app(page)
    assert_accessible(page, "Teach, three answers, colour-blind view and guess shown")
    assert page.get_by_text("The map where B = 128: the network picks dark text on").count() == 1


def test_train_after_a_run_has_finished(app_server, page):
    open_train(page, app_server, "?iterations=5000")
    page.get_by_role("button", name="Train", exact=True).click()
    wait_whole(page, "done", timeout=120_000)
    wait_for_app(page)
    page.get_by_text("Done in").first.wait_for(timeout=30_000)
    assert_accessible(page, "Train, after a finished run")
    # the decision map in one line, for the finished run's network
    assert page.get_by_text("The map where B = 128: the network picks dark text on").count() == 1


def test_backprop_after_a_step(app_server, page):
    page.goto(app_server.url + BACKPROP_LINK)
    page.get_by_role("heading", name="Backprop").first.wait_for(timeout=60_000)
    wait_for_app(page)
    page.get_by_role("button", name="Apply this step").click()
    page.get_by_text("Step applied").first.wait_for(timeout=60_000)
    wait_for_app(page)
    assert_accessible(page, "Backprop, after one step")
    page.get_by_role("button", name="Apply N steps").click()
    page.locator(".st-key-costs svg.backprop-costs >> visible=true").wait_for(state="visible", timeout=60_000)
    wait_for_app(page)
    page.mouse.move(0, 0)  # off the button: its help tooltip, mid-fade, is not the page's state
    page.locator(".stTooltipContent").wait_for(state="detached", timeout=30_000)
    assert_accessible(page, "Backprop, after N steps: the cost chart")


def test_digits_with_a_test_image_read(app_server, page):
    open_digits(page, app_server)
    page.get_by_role("button", name="Random test image").click()
    page.locator("#digit-prediction").wait_for(timeout=60_000)
    wait_for_app(page)
    assert_accessible(page, "Digits, a random test image read")
