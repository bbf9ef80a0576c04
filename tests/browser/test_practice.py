"""Your turn and Tune in a real browser: a whole correct sheet typed and every box green; one weight changed and the
agreement following; a shared tuning link opened in a new context showing the same network."""

from __future__ import annotations

import pytest

from app.your_turn import MARKS, box_key
from fontnet import backprop as bp
from fontnet import practice as pr
from fontnet import tuning
from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser
TURN = "/backprop?bg=ffc0cb&label=dark&seed=3&turn=true"
GREEN = "rgb({}, {}, {})".format(*(int(MARKS["right"][1][k:k + 2], 16) for k in (1, 3, 5)))
AGREES = "p => document.querySelector('[data-testid=stMain]')?.innerText.includes('agrees with the formula on ' + p)"


def test_a_whole_correct_sheet_typed_by_hand_turns_every_box_green(app_server, page):
    ref = pr.reference(bp.explain(bp.fresh_network(3), (255, 192, 203), "dark"), 0.05)
    page.goto(app_server.url + TURN)
    wait_for_app(page)
    page.get_by_label("dC/dW1", exact=True).wait_for(timeout=60_000)
    for name in pr.NAMES:
        box = page.get_by_label(name, exact=True)
        box.fill(ref.answer(name))
        box.press("Enter")
        wait_for_app(page)
    page.get_by_role("button", name="Check my answers").click()
    page.get_by_text("19 of 19 right").wait_for(timeout=60_000)
    wait_for_app(page)
    backgrounds = page.evaluate(
        "keys => keys.map(k => getComputedStyle(document.querySelector(`.st-key-${k} input`)).backgroundColor)",
        [box_key(n) for n in pr.NAMES])
    assert backgrounds == [GREEN] * 19
    assert page.locator(".turn-mark[data-status=right]").count() == 19
    assert page.locator('[data-testid="stException"]').count() == 0 and not page.dialogs
    screenshot(page, "your-turn")

    # the worksheet and its answer key: blank boxes and filled ones, and the link that opens this sheet
    sheets = {}
    for label in ("Print a worksheet", "Answer key"):
        with page.expect_download(timeout=60_000) as download:
            page.get_by_role("button", name=label).click()
        sheets[label] = open(download.value.path(), encoding="utf-8").read()
    link = f"{app_server.url}/backprop?turn=true&amp;bg=ffc0cb&amp;label=dark&amp;seed=3"
    assert sheets["Print a worksheet"].count("<td></td>") == 53 and link in sheets["Print a worksheet"]
    assert sheets["Answer key"].count("<td></td>") == 0 and f"<td>{pr.format_entry(ref.values['A2'][0, 0])}</td>" \
        in sheets["Answer key"]


def test_changing_one_weight_changes_the_agreement_and_a_shared_link_opens_the_same_network(app_server, page,
                                                                                             browser):
    page.goto(app_server.url + "/tune")
    wait_for_app(page)
    start = tuning.score(tuning.network(tuning.START)).agreement
    page.wait_for_function(AGREES, arg=f"{start:.1%}", timeout=60_000)
    box = page.get_by_label("W2[1,2]", exact=True)
    box.fill("3")
    box.press("Enter")
    tuned = tuning.START | {"w2_2": 3.0}
    after = tuning.score(tuning.network(tuned)).agreement
    assert f"{after:.1%}" != f"{start:.1%}"
    page.wait_for_function(AGREES, arg=f"{after:.1%}", timeout=60_000)
    page.locator(".st-key-tune_node3 [data-testid=stCheckbox] label").click()  # node 3 off
    off = tuning.score(tuning.network(tuned, (True, True, False)), 2).agreement
    page.wait_for_function(AGREES, arg=f"{off:.1%}", timeout=60_000)
    page.wait_for_url(lambda url: "w2_2=3" in url and "on3=false" in url, timeout=30_000)
    wait_for_app(page)
    screenshot(page, "tune")

    other = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        shared = other.new_page()
        shared.goto(page.url)
        wait_for_app(shared)
        shared.wait_for_function(AGREES, arg=f"{off:.1%}", timeout=60_000)
        shared.wait_for_function(  # a number box paints its minimum first, then its value
            "() => document.querySelector('input[aria-label=\"W2[1,2]\"]')?.value === '3.0000'", timeout=30_000)
        assert shared.get_by_label("W2[1,2]", exact=True).input_value() == "3.0000"
        assert shared.get_by_label("B2", exact=True).input_value() == "-1.5000"
        assert [shared.locator(f".st-key-tune_node{i} input[type=checkbox]").is_checked() for i in (1, 2, 3)] == \
            [True, True, False]
        assert shared.locator("svg.fontnet-map.off").count() == 1
        assert shared.locator('[data-testid="stException"]').count() == 0
    finally:
        other.close()


def test_the_train_page_draws_each_hidden_nodes_map_live_beside_the_decision_map(app_server, page):
    from fontnet.figures.maps import LIVE_NODE_SIZE
    from fontnet.node_maps import hidden_slice
    from fontnet.training import TrainingRun, TrainingSettings
    from tests.browser.conftest import wait_for_progress

    run = TrainingRun(TrainingSettings(iterations=3000))  # the same seeded run, however it is chunked
    run.start()
    while run.status == "running":
        run.advance()
    tops = [f"{float(f'{a.max():.4g}'):.3g}" for a in hidden_slice(run.net, "B", 128, LIVE_NODE_SIZE).A]

    page.goto(app_server.url + "/train?iterations=3000")
    wait_for_app(page)
    page.get_by_role("button", name="Train", exact=True).click()
    wait_for_progress(page, "done")
    box = page.locator('[data-chart="nodes"]')
    page.wait_for_function("() => Number(document.querySelector('[data-chart=nodes]')?.dataset.updates) >= 2",
                           timeout=60_000)
    label = box.locator("canvas").get_attribute("aria-label")
    assert label == "Each hidden node's activation over the slice: " + "; ".join(
        f"node {i + 1}: A up to {t}" for i, t in enumerate(tops))
    assert box.inner_text().startswith("Each hidden node's A over the same slice")


def test_your_turn_checked_and_tune_with_a_node_off_have_no_serious_accessibility_violation(app_server, page):
    from tests.browser.a11y import assert_accessible

    ref = pr.reference(bp.explain(bp.fresh_network(3), (255, 192, 203), "dark"), 0.05)
    page.goto(app_server.url + TURN)
    wait_for_app(page)
    for name, text in (("Z1", ref.answer("Z1")), ("A1", "0,5 1 2"), ("Z2", "abc")):
        box = page.get_by_label(name, exact=True)
        box.fill(text)
        box.press("Enter")
        wait_for_app(page)
    page.get_by_role("button", name="Check my answers").click()
    page.get_by_text("1 of 19 right").wait_for(timeout=60_000)
    wait_for_app(page)
    assert_accessible(page, "Backprop, Your turn checked (right, off and unreadable boxes)")

    page.goto(app_server.url + "/tune?on2=false&b2=-1")
    page.get_by_role("heading", name="Tune").first.wait_for(timeout=60_000)
    wait_for_app(page)
    assert_accessible(page, "Tune, a node switched off")
