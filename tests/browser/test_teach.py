"""The Teach page in a real browser: answer 15 colours by the formula, watch agreement rise, use the model."""

from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from fontnet import colors, data, teach
from tests.browser.conftest import screenshot, wait_for_app
from tests.browser.test_security import IMG, SCRIPT, SVG, assert_nothing_ran

pytestmark = pytest.mark.browser

REST = "Point at the map, or focus it and press the arrow keys, to read your network's P(dark text) there."
QUESTION = ("() => { const e = document.querySelector('#teach-colour');"
            " return e ? [e.dataset.colour, getComputedStyle(e).backgroundColor] : null; }")


def open_teach(page, url: str):
    page.goto(url + "/teach")
    page.locator("#teach-colour").wait_for(timeout=60_000)
    page.locator('#teach-scores[data-answers="0"]').wait_for(timeout=60_000)
    wait_for_app(page)


def agreement_with_formula(page) -> float:
    value = (page.locator('[data-testid="stMetric"]').filter(has_text="Formula agrees")
             .locator('[data-testid="stMetricValue"]').inner_text())
    return float(value.strip().rstrip("%")) / 100


def answer_by_formula(page, n_before: int) -> str:
    """Read the colour the page shows, click the shade the formula picks, wait until the next question and the
    updated scores are shown. Returns the colour answered."""
    hex_bg, css = page.evaluate(QUESTION)
    rgb = colors.parse_colour(hex_bg)
    assert css == "rgb({}, {}, {})".format(*rgb)  # the element's computed background is the question's colour
    name = "Dark reads better" if colors.formula_label(rgb) else "Light reads better"
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_function(
        "([n, old]) => { const s = document.querySelector('#teach-scores');"
        " const q = document.querySelector('#teach-colour');"
        " return s && q && s.dataset.answers === String(n) && q.dataset.colour !== old; }",
        arg=[n_before + 1, hex_bg], timeout=30_000)
    return hex_bg


def test_fifteen_formula_answers_raise_agreement_and_the_model_reaches_predict(app_server, page):
    open_teach(page, app_server.url)
    expect(page.get_by_role("button", name="Dark reads better", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Light reads better", exact=True)).to_be_visible()
    given = [answer_by_formula(page, 0)]
    wait_for_app(page)
    first = agreement_with_formula(page)
    for n in range(1, 15):
        given.append(answer_by_formula(page, n))
    wait_for_app(page)
    final = agreement_with_formula(page)
    assert len(set(given)) == 15
    # the page shows the agreement of the network retrained on exactly the answers given: the engine's number
    # for them, after the first answer and after all fifteen
    answered = [teach.Answer(rgb, int(colors.formula_label(rgb))) for rgb in map(colors.parse_colour, given)]
    for shown, n in ((first, 1), (final, 15)):
        assert f"{shown:.1%}" == f"{teach.agreement(teach.train(answered[:n])).formula:.1%}", (n, first, final)
    # and it rises: after one answer the network picks one shade nearly everywhere (about 50%); after fifteen
    # asked where it was least sure it agrees on most colours. Which colours are asked is random (the
    # session's own generator), so this is held with room to spare: in 4,000 simulated visitors answering by
    # the formula (teach.answers_needed's loop stopped at fifteen, seeds 10,000-13,999), the first answer gave
    # at most 0.503 and fifteen at least 0.776 (0.968 the median; 2 of 4,000 below 0.8, the bar this test
    # used to hold, and once missed in a browser)
    assert first < 0.55 and final > first + 0.2, (first, final)
    swatches = page.locator("#teach-answers span")
    assert swatches.count() == 15
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "labels=" in page.url and page.url.count(".d") + page.url.count(".l") == 15
    screenshot(page, "teach")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download answers (CSV)").click()
    rows = data.read_rows(Path(download.value.path()).read_bytes())
    assert [colors.to_hex(c) for c in rows[0].tolist()] == given
    assert rows[1].tolist() == [int(colors.formula_label(colors.parse_colour(h))) for h in given]

    page.get_by_role("button", name="Use this model").click()
    page.get_by_text("You are using your own model").first.wait_for(timeout=60_000)
    expect(page.get_by_text("taught here (15 answers)").first).to_be_visible()
    assert "labels=" not in page.url


def test_undo_in_the_browser_asks_the_same_colour_again(app_server, page):
    open_teach(page, app_server.url)
    answered = answer_by_formula(page, 0)
    wait_for_app(page)
    page.get_by_role("button", name="Undo").click()
    page.wait_for_function(
        "old => { const s = document.querySelector('#teach-scores'); const q = document.querySelector('#teach-colour');"
        " return s && q && s.dataset.answers === '0' && q.dataset.colour === old; }", arg=answered, timeout=30_000)
    # the scores are drawn near the top; the answer's swatch, lower down, goes when the run reaches it
    page.get_by_text("No answers yet: say which text reads better").wait_for(timeout=30_000)
    page.locator("#teach-answers").wait_for(state="detached", timeout=30_000)
    wait_for_app(page)
    assert page.locator("#teach-answers").count() == 0


def test_markup_in_the_link_and_the_sample_text_runs_nothing(app_server, page):
    link = quote(f"ffc0cb.d,{IMG}.d,000080.{SCRIPT},{SVG}", safe="")
    page.goto(f"{app_server.url}/teach?labels={link}&ask={quote(SCRIPT)}")
    page.locator('#teach-scores[data-answers="1"]').wait_for(timeout=60_000)
    wait_for_app(page)
    notices = page.locator('[data-testid="stAlert"]')
    assert notices.filter(has_text="are not a colour").count() == 1
    assert notices.filter(has_text="unknown label letter").count() == 1
    assert notices.filter(has_text="'<img src=x onerror=").count() == 1   # shown as text (cut short)
    assert notices.filter(has_text="ask=").count() == 1
    box = page.get_by_label("Sample text")
    box.fill(IMG + SVG)
    box.press("Enter")
    page.wait_for_function("t => document.querySelector('#teach-colour')?.textContent.includes(t)",
                           arg=IMG + SVG, timeout=30_000)
    wait_for_app(page)
    assert_nothing_ran(page)


def test_the_map_reads_p_dark_and_the_answer_under_the_pointer_with_no_charting_library(app_server, page):
    from fontnet import teach, training

    labels = "ffffff.d,000000.l,ff8000.d,0000ff.l,808080.d,8080ff.d"
    page.goto(f"{app_server.url}/teach?labels={labels}")
    page.locator('#teach-scores[data-answers="6"]').wait_for(timeout=60_000)
    wait_for_app(page)
    scripts = page.evaluate("() => performance.getEntriesByType('resource').map(r => r.name)")
    assert not [s for s in scripts if "plotly" in s.lower()]   # plotly.js is 4.8 MB
    assert page.locator(".js-plotly-plot").count() == 0
    canvas = page.locator(".st-key-teach_map canvas")
    readout = page.locator(".st-key-teach_map .fontnet-map-readout")
    expect(readout).to_have_text(REST)
    assert "P(dark text) where B = 128" in canvas.get_attribute("aria-label")
    sl = training.decision_slice(teach.train(teach.decode_link(labels)[0]), "B", 128)
    n = len(sl.axis)
    box = canvas.bounding_box()
    side = min(box["width"] - 52 - 10, box["height"] - 8 - 40)   # the map's square (static/live_chart.js)

    def point_at(r: float, g: float):
        canvas.hover(position={"x": 52 + r / 255 * side, "y": 8 + side - g / 255 * side})
        page.wait_for_function("([sel, r, g]) => { const e = document.querySelector(sel);"
                               " return e && e.dataset.p && Math.abs(e.dataset.x - r) < 6 && Math.abs(e.dataset.y - g) < 6; }",
                               arg=[".st-key-teach_map .fontnet-map-readout", r, g], timeout=10_000)
        d = readout.evaluate("e => ({...e.dataset, text: e.textContent})")
        i, j = round(int(d["x"]) * (n - 1) / 255), round(int(d["y"]) * (n - 1) / 255)
        assert float(d["p"]) == pytest.approx(sl.p_dark[j, i], abs=5e-4)   # the server's P for that cell
        assert f"P(dark text) = {float(d['p']):.3f}" in d["text"]
        return d

    assert point_at(40, 200)["dot"] == ""
    on_grey = point_at(128, 128)            # the answer #808080, dark text
    assert on_grey["dot"] == "128,128,128,1" and "rgb(128, 128, 128), dark text" in on_grey["text"]
    canvas.hover(position={"x": 2, "y": 2})   # off the map's square: the words come back
    expect(readout).to_have_text(REST)
    # from the keyboard: the focused map's arrow keys move a cell cursor, read out the same way
    canvas.focus()
    page.keyboard.press("ArrowRight")   # the first press puts the cursor in the middle cell
    page.keyboard.press("ArrowUp")
    expect(readout).to_have_attribute("data-y", str(round((n // 2 + 1) * 255 / (n - 1))))
    d = readout.evaluate("e => ({...e.dataset})")
    assert d["x"] == str(round((n // 2) * 255 / (n - 1)))
    assert float(d["p"]) == pytest.approx(sl.p_dark[n // 2 + 1, n // 2], abs=5e-4)
    assert readout.get_attribute("aria-live") == "polite"
    page.keyboard.press("Tab")          # focus leaves: the cursor goes, the words come back
    expect(readout).to_have_text(REST)
