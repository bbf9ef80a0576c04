"""Phones and tablets (390x844 and 820x1180, touch): no page scrolls sideways or cuts a label short, the audit
holds, the sidebar's settings open and work, Teach answers by touch, and a digit drawn with a finger on the pad is
read."""

import re

import pytest

from tests.browser.a11y import (
    DEVICES,
    FIGURE_TEXT_JS,
    GRID_DRAWN,
    SMALL_PHONE,
    assert_accessible,
    boxes_scrolling,
    cut_short,
    horizontal_overflow,
    small_figure_text,
    svg_text_outside,
    svg_text_px,
)
from tests.browser.conftest import wait_for_app

pytestmark = pytest.mark.browser

PAGES = [("/", "Predict"), ("/teach", "Teach"), ("/class", "Class"), ("/train", "Train"), ("/tune", "Tune"),
         ("/backprop", "Backprop"), ("/activations", "Activations"), ("/digits", "Digits")]
ANSWERS = "() => +document.querySelector('#teach-scores')?.dataset.answers"
# the tables and figures app/access.js makes focusable when they scroll (its equations: the matrix arithmetic's test)
SCROLL_BOXES = "[data-testid=stMarkdownContainer]:has(> table), .fontnet-scroll-x"
# The wide figures that keep a legible size on a phone and scroll in their own box instead: (page, title, the
# figure, its box's name). Shrunk to a phone's width, their text was 3.9 px (the graph) and 4.8 px (the diagram).
WIDE_FIGURES = {"graph": ("/backprop", "Backprop", "svg.backprop-graph", "The computation graph, scrolls sideways"),
                "diagram": ("/", "Predict", "svg.fontnet-network", "The network diagram, scrolls sideways")}


def _touch_page(browser, devices: dict, name: str):
    """A touch page of the device's size (its own Streamlit session), named by the device; and its context."""
    context = browser.new_context(**devices[name])
    page = context.new_page()
    page.device = name
    return page, context


@pytest.fixture(params=sorted(DEVICES))
def device(request, browser):
    page, context = _touch_page(browser, DEVICES, request.param)
    yield page
    context.close()


FIGURE_DEVICES = {**DEVICES, "small phone": SMALL_PHONE}


@pytest.fixture(params=sorted(FIGURE_DEVICES))
def figure_device(request, browser):
    """As `device`, and a 360-pixel phone too: the figures' text is checked in its 328-pixel column."""
    page, context = _touch_page(browser, FIGURE_DEVICES, request.param)
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(**DEVICES["phone"])
    yield context.new_page()
    context.close()


def open_page(page, url: str, title: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name=title).first.wait_for(timeout=60_000)
    wait_for_app(page)


SIDEBAR_OPEN = ("() => { const r = document.querySelector('[data-testid=stSidebar]')?.getBoundingClientRect();"
                " return !!r && r.left >= 0 && r.width > 0; }")


def open_sidebar(page) -> None:
    """Open the sidebar where it starts closed (a phone), by its own button; wait until it is on screen."""
    if not page.evaluate(SIDEBAR_OPEN):
        page.get_by_role("button", name="Expand sidebar").tap()
    page.wait_for_function(SIDEBAR_OPEN, timeout=30_000)
    page.locator('[data-testid="stSidebarNav"]').wait_for(state="visible", timeout=30_000)


@pytest.mark.parametrize("path,title", PAGES)
def test_no_page_scrolls_sideways_and_the_audit_holds(app_server, device, path, title):
    page = device
    open_page(page, app_server.url + path, title)
    page.wait_for_selector('[data-access="ready"]', state="attached", timeout=30_000)
    page.wait_for_function(f"() => [...document.querySelectorAll('{SCROLL_BOXES}')].every("
                           "b => b.scrollWidth <= b.clientWidth + 1 || b.dataset.fontnetScroll === '')",
                           timeout=30_000)  # the access script has marked the tables and figures that scroll
    over = horizontal_overflow(page)
    assert over["where"]["document"] == 0 and over["where"]["main"] == 0, over
    assert_accessible(page, f"{title} on a {page.device}")
    assert cut_short(page) == []          # every label, button and number shown whole
    assert svg_text_outside(page) == []   # and every figure's own labels
    open_sidebar(page)
    over = horizontal_overflow(page)
    assert over["where"]["sidebar"] == 0, over
    assert cut_short(page) == []
    assert page.get_by_role("list", name="Learn how").get_by_role("link", name="Digits").is_visible()


def test_the_digits_matrix_and_teachs_colour_blind_table_fit_a_phone(app_server, phone):
    """Whole on a 390-pixel phone, with nothing to scroll sideways: the confusion matrix's ten columns (422 px in 358
    before) and the colour-blind view's four (371 px in 324 before)."""
    page = phone
    open_page(page, app_server.url + "/digits", "Digits")
    grid = page.locator(".st-key-digits_confusion table.confusion")
    grid.wait_for(timeout=60_000)
    page.wait_for_function(f"t => ({GRID_DRAWN})(t).smallest >= 24", arg=grid.element_handle(), timeout=10_000)
    drawn = grid.evaluate(GRID_DRAWN)
    assert drawn["over"] <= 1 and drawn["smallest"] >= 24, drawn
    assert boxes_scrolling(page) == []
    open_page(page, app_server.url + "/teach", "Teach")
    page.get_by_text("How this colour looks to colour-blind readers").tap()
    page.locator(".fontnet-vision-summary").wait_for(state="visible", timeout=30_000)
    assert boxes_scrolling(page) == [] and cut_short(page) == []
    over = horizontal_overflow(page)
    assert over["where"]["document"] == 0 and over["where"]["main"] == 0, over


# WCAG's reflow width: 320 CSS px. A box in the main area that scrolls sideways there (by more than KaTeX's
# overhang, as app/access.js counts), and that the keyboard cannot reach, each as "tag.testid: its width in the box's".
REFLOW = {"viewport": {"width": 320, "height": 640}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}
UNREACHABLE_SCROLLERS = """() => [...document.querySelectorAll('[data-testid=stMain] *')]
  .filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX) && e.getBoundingClientRect().height > 0
               && e.scrollWidth > e.clientWidth + (e.classList.contains('katex-display') ? 12 : 1) && e.tabIndex < 0)
  .map(e => `${e.tagName.toLowerCase()}.${e.dataset.testid || e.parentElement.dataset.testid}: ${e.scrollWidth} in ${e.clientWidth}`)"""


@pytest.mark.parametrize("path,title", PAGES)
def test_at_wcags_reflow_width_only_boxes_the_keyboard_reaches_scroll(app_server, browser, path, title):
    """At 320 CSS px nothing makes the page scroll sideways, and a table too wide for the screen scrolls in its own
    box that the keyboard can reach (the Activations page's Table 7-1, an `st.table`, scrolled 36 px in a box no key
    could scroll)."""
    context = browser.new_context(**REFLOW)
    try:
        page = context.new_page()
        open_page(page, app_server.url + path, title)
        try:
            page.wait_for_function(f"() => ({UNREACHABLE_SCROLLERS})().length === 0", timeout=15_000)
        except Exception as e:
            raise AssertionError(f"boxes no key can scroll: {page.evaluate(UNREACHABLE_SCROLLERS)}") from e
        over = horizontal_overflow(page)
        assert over["where"]["document"] == 0 and over["where"]["main"] == 0, over
        if title == "Activations":
            table = page.locator("[data-testid=stTable] > div[tabindex='0']")
            assert table.get_attribute("role") == "region" and table.get_attribute("aria-label"), table.evaluate(
                "e => e.outerHTML.slice(0, 200)")
            table.focus()
            page.keyboard.press("ArrowRight")   # the keyboard scrolls it
            page.wait_for_function("() => document.querySelector('[data-testid=stTable] > div').scrollLeft > 0",
                                   timeout=10_000)
            assert_accessible(page, "Activations at 320 px")
    finally:
        context.close()


# The gaps between columns stacked one above the other on a phone: (the upper column's bottom, the lower one's top)
STACKED_GAPS = """() => [...document.querySelectorAll('[data-testid=stMain] [data-testid=stHorizontalBlock]')]
  .map(row => [...row.children].filter(c => c.dataset.testid === 'stColumn' && c.getBoundingClientRect().height > 0))
  .flatMap(cols => cols.slice(1).map((c, i) => c.getBoundingClientRect().top - cols[i].getBoundingClientRect().bottom))
  .filter(gap => gap >= 0)"""


@pytest.mark.parametrize("path,title", [("/teach", "Teach"), ("/tune", "Tune")])
def test_columns_stacked_on_a_phone_are_as_close_as_any_two_elements(app_server, phone, path, title):
    """Teach's question and its scores, Tune's weights and its map sit side by side with a wide gap on a laptop; on a
    phone they stack, 1rem (16 px) apart as everything else on the page, not 4rem (a 64-pixel hole)."""
    open_page(phone, app_server.url + path, title)
    gaps = phone.evaluate(STACKED_GAPS)
    assert gaps, "no columns stacked on a phone"
    assert max(gaps) <= 16.5, gaps


# Pages with their figures drawn, with how many figures that have text each shows, and a button to press first: Train
# with two kept runs (their loss chart, and the cost surface), Backprop with 30 steps applied (their costs), softmax
# with eight classes, Digits with a test image (Figure 7-8), and Tune, whose map is 234 px wide in a tablet's column.
# Shrunk to fit, the loss chart's and the cost surface's labels were 6 px on a phone, Backprop's costs 5.6 px, Figure
# 7-8's 4.8 px, softmax's 9 px, and the map's 7 px on a tablet; each is now also drawn narrower, for a narrow box
# (fontnet/figures/fit.py). On a 360-pixel phone, the cost surface's narrow drawing was at 9.3 px, Figure 7-8's at 9.4
# and the digit probabilities at 9.5, before they were drawn narrower or with larger text.
FIGURE_PAGES = [("/train?iterations=2000&kept=iterations:2000,seed:3~iterations:2000,lr:0.5,seed:0", "Train", 2, ""),
                ("/tune", "Tune", 1, ""), ("/backprop?steps=30", "Backprop", 3, "Apply N steps"),
                ("/activations?logits=1,2,3,4,5,6,7,0.5", "Activations", 1, ""),
                ("/digits", "Digits", 2, "Random test image"),
                ("/", "Predict", 1, "")]


@pytest.mark.parametrize("path,title,figures,press", FIGURE_PAGES)
def test_every_figures_text_is_legible_on_phones_and_a_tablet(app_server, figure_device, path, title, figures, press):
    page = figure_device
    open_page(page, app_server.url + path, title)
    if press:   # Backprop's cost chart is drawn once steps are applied
        page.get_by_role("button", name=press).tap()
    page.wait_for_function(f"n => ({FIGURE_TEXT_JS})().length >= n", arg=figures, timeout=60_000)
    page.wait_for_function("() => document.fonts.status === 'loaded'", timeout=30_000)
    assert small_figure_text(page) == []   # each figure too small to read, with its smallest text in px
    assert svg_text_outside(page) == []   # the narrower drawings keep every label inside
    over = horizontal_overflow(page)
    assert over["where"]["document"] == 0 and over["where"]["main"] == 0, over


@pytest.mark.parametrize("figure", sorted(WIDE_FIGURES))
def test_a_wide_figure_stays_legible_on_a_phone_and_scrolls_in_its_own_box(app_server, phone, figure):
    path, title, svg, name = WIDE_FIGURES[figure]
    page = phone
    open_page(page, app_server.url + path, title)
    page.locator(f".fontnet-scroll-x {svg}").wait_for(timeout=60_000)
    page.wait_for_function("() => document.querySelector('.fontnet-scroll-x')?.dataset.fontnetScroll === ''",
                           timeout=30_000)
    assert svg_text_px(page, f".fontnet-scroll-x {svg}") >= 9.5
    box = page.get_by_role("region", name=name)
    assert box.get_attribute("tabindex") == "0"
    over = horizontal_overflow(page)
    assert over["where"]["document"] == 0 and over["where"]["main"] == 0, over   # only the box scrolls
    box.focus()
    page.keyboard.press("ArrowRight")   # the keyboard scrolls it (the page itself does not move sideways)
    page.wait_for_function("() => document.querySelector('.fontnet-scroll-x').scrollLeft > 0", timeout=10_000)


def test_train_settings_open_from_the_sidebar_on_a_phone(app_server, phone):
    page = phone
    open_page(page, app_server.url + "/train", "Train")
    open_sidebar(page)
    box = page.get_by_role("spinbutton", name="Iterations")
    box.scroll_into_view_if_needed()
    box.tap()
    box.fill("5000")
    box.press("Enter")
    page.wait_for_url("**iterations=5000**", timeout=30_000)
    wait_for_app(page)
    assert page.get_by_role("spinbutton", name="Iterations").input_value() == "5000"


def test_teach_answers_by_touch(app_server, phone):
    page = phone
    page.goto(app_server.url + "/teach")
    page.locator('#teach-scores[data-answers="0"]').wait_for(timeout=60_000)
    wait_for_app(page)
    dark = page.get_by_role("button", name="Dark reads better", exact=True)
    size = dark.bounding_box()
    assert size["height"] >= 24 and size["width"] >= 24  # WCAG 2.5.8: a target at least 24 by 24 CSS pixels
    dark.tap()
    page.wait_for_function(f"() => ({ANSWERS})() === 1", timeout=30_000)
    wait_for_app(page)
    page.get_by_role("button", name="Light reads better", exact=True).tap()
    page.wait_for_function(f"() => ({ANSWERS})() === 2", timeout=30_000)


def touch_stroke(page, points) -> None:
    """One stroke with a finger through `points` (pad coordinates, 0-280): touch events, as a phone sends them."""
    canvas = page.locator(".st-key-digit_pad canvas").last
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    cdp = page.context.new_cdp_session(page)
    at = [{"x": box["x"] + x, "y": box["y"] + y} for x, y in points]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [at[0]]})
    for a, b in zip(at, at[1:]):
        for k in range(1, 9):  # as a finger moves: many small steps
            p = {"x": a["x"] + (b["x"] - a["x"]) * k / 8, "y": a["y"] + (b["y"] - a["y"]) * k / 8}
            cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [p]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def test_a_digit_drawn_by_touch_is_read(app_server, phone):
    page = phone
    page.goto(app_server.url + "/digits")
    page.locator(".st-key-digit_pad canvas").last.wait_for(timeout=60_000)
    page.locator("#digit-prompt").wait_for(timeout=60_000)
    wait_for_app(page)
    page.locator(".st-key-digit_pad canvas").last.scroll_into_view_if_needed()
    scrolled = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTop")
    touch_stroke(page, [(140, 40), (140, 240)])  # a one
    page.locator("#digit-prediction").wait_for(timeout=60_000)
    cells = [int(v) for v in page.locator("#digit-preview").get_attribute("data-pixels").split(",")]
    assert len(cells) == 64 and sum(cells) > 0
    # the ink is a vertical bar: the middle columns hold it, the outer ones do not
    columns = [sum(cells[r * 8 + c] for r in range(8)) for c in range(8)]
    assert columns[3] + columns[4] > 0 and columns[0] == columns[7] == 0, columns
    # drawing did not scroll the page (the pad takes the touch, not the page)
    assert page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTop") == scrolled
    wait_for_app(page)
    assert_accessible(page, "Digits on a phone, a digit drawn by touch")


def fits(page, what: str) -> None:
    """Neither the document nor the main area scrolls sideways, and the audit holds."""
    page.wait_for_selector('[data-access="ready"]', state="attached", timeout=30_000)
    over = horizontal_overflow(page)
    assert over["where"]["document"] == 0 and over["where"]["main"] == 0, (what, over)
    assert_accessible(page, what)


# For each decision map on the page (a live panel's canvas), the CSS pixels of canvas under the lowest pixel it
# painted (its x axis's name). The map is square: on a phone its canvas kept a laptop's height, and a blank band of
# 96 px opened between the map and the key under it.
BLANK_UNDER_MAPS = """() => [...document.querySelectorAll('[data-chart=map] canvas')].map(c => {
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const painted = y => { for (let x = 0; x < c.width; x++) if (d[(y * c.width + x) * 4 + 3]) return true; return false; };
  let y = c.height - 1;
  while (y >= 0 && !painted(y)) y--;
  return (c.height - 1 - y) * c.getBoundingClientRect().height / c.height; })"""


def no_blank_under_maps(page, where: str) -> None:
    """Wait until every decision map on `page` is drawn with at most 12 px of canvas under its axis's name."""
    try:
        page.wait_for_function(f"() => {{ const b = ({BLANK_UNDER_MAPS})(); return b.length && b.every(v => v <= 12); }}",
                               timeout=30_000)
    except Exception as e:
        raise AssertionError(f"{where}: blank px under each map: {page.evaluate(BLANK_UNDER_MAPS)}") from e


def test_a_room_on_a_teachers_tablet_and_a_students_phone(room_server, browser):
    """The teacher's view (code, QR, live panel, students' table) fits a tablet and a phone; a student joins on a
    phone, answers by touch, and the teacher's panel counts the answer. On the phone, each decision map's canvas
    ends under its axis's name (the key under the map follows it)."""
    teacher_ctx = browser.new_context(**DEVICES["tablet"])
    student_ctx = browser.new_context(**DEVICES["phone"])
    try:
        teacher, student = teacher_ctx.new_page(), student_ctx.new_page()
        open_page(teacher, room_server.url + "/class", "Class")
        teacher.get_by_role("button", name="Open a room").tap()
        teacher.locator("#class-code").wait_for(timeout=60_000)
        wait_for_app(teacher)
        code = dict(re.findall(r"[?&](room|key)=([^&]+)", teacher.url))["room"]
        open_page(student, f"{room_server.url}/teach?room={code}", "Teach")
        student.get_by_role("button", name="Join room").tap()
        student.get_by_role("button", name="Leave the room").wait_for(timeout=30_000)
        wait_for_app(student)
        student.get_by_role("button", name="Dark reads better", exact=True).tap()
        student.locator('#class-status[data-saved="1"]').wait_for(timeout=30_000)
        wait_for_app(student)
        fits(student, "Teach in a room on a phone")
        no_blank_under_maps(student, "Teach in a room on a phone")
        teacher.wait_for_function("() => [...document.querySelectorAll('[data-stat=answers] .fontnet-stat-value')]"
                                  ".some(e => e.textContent === '1')", timeout=60_000)
        fits(teacher, "the teacher's view on a tablet")
        teacher.set_viewport_size({"width": DEVICES["phone"]["viewport"]["width"],
                                   "height": DEVICES["phone"]["viewport"]["height"]})
        teacher.wait_for_function("() => document.documentElement.clientWidth === "
                                  f"{DEVICES['phone']['viewport']['width']}", timeout=30_000)
        fits(teacher, "the teacher's view on a phone")
        no_blank_under_maps(teacher, "the teacher's view on a phone")
    finally:
        teacher_ctx.close()
        student_ctx.close()


WIDEST_CANVAS = "() => Math.max(0, ...[...document.querySelectorAll('canvas')].map(c => c.getBoundingClientRect().right))"
CHARTS_FIT = ("n => { const c = [...document.querySelectorAll('[data-chart] canvas')];"
              " return c.length >= n && c.every(e => e.getBoundingClientRect().right <= innerWidth); }")


def test_the_charts_wait_for_their_stylesheet_and_never_stick_out(app_server, phone):
    """Until uPlot's stylesheet applies, a chart's canvas would show at its pixel size: twice its width on a
    phone, past the screen's edge. With the stylesheet held back, the Train page's charts stay undrawn (the page
    does not scroll sideways); once it arrives, all five are drawn inside the screen."""
    page = phone
    held = []
    page.route("**/uPlot.min.css", lambda route: held.append(route))
    with page.expect_request("**/uPlot.min.css", timeout=60_000):   # asked for as the chart module runs
        page.goto(app_server.url + "/train")
    wait_for_app(page)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")  # drawn frames
    assert held
    assert page.evaluate(WIDEST_CANVAS) <= 390
    assert horizontal_overflow(page)["where"]["main"] == 0
    for route in held:
        route.continue_()
    page.wait_for_function(CHARTS_FIT, arg=5, timeout=30_000)
    assert horizontal_overflow(page)["where"]["main"] == 0


def test_the_cost_surfaces_colour_key_keeps_its_longest_labels_inside_on_a_phone(app_server, phone):
    """The key's labels are the band edges to three figures: "0.0123–0.0456" for a usual run, but as long as
    "1.23e-05–2.02e-05" for a cost below 0.0001. Each, drawn in the app's font in a 360-pixel phone's column, stays
    inside the narrow drawing (with the key in 12-unit text, it ran up to 4 units out until the plot was made 8 units
    narrower)."""
    from dataclasses import replace

    import numpy as np

    from fontnet import surface
    from fontnet.figures.surface import surface_svg
    from tests.test_surface import checkpoints, finished

    run = finished(iterations=600)
    s = surface.surface(run.net, run.X_train, run.y_train, checkpoints(run))
    page = phone
    open_page(page, app_server.url + "/", "Predict")   # the app's own font
    page.wait_for_function("() => document.fonts.status === 'loaded'", timeout=30_000)
    for low in (0.0123, 0.00123, 1.23e-5, 0.000123, 1.23):   # the lowest cost on the map
        costs = low * np.exp((s.cost - s.cost.min()) / (s.cost.max() - s.cost.min()) * np.log(37))
        page.evaluate("m => { const d = document.createElement('div'); d.id = 'key-probe'; d.style.width = '328px';"
                      " d.innerHTML = m; document.querySelector('[data-testid=stMain]').prepend(d); }",
                      surface_svg(replace(s, cost=costs)))
        drawn = page.locator("#key-probe .fit-narrow svg")
        assert drawn.is_visible() and drawn.bounding_box()["width"] == pytest.approx(328, abs=1)
        assert svg_text_outside(page) == [], low
        page.evaluate("() => document.getElementById('key-probe').remove()")


EQUATIONS = ("() => [...document.querySelectorAll('.katex-display')].map(e => ({over: e.scrollWidth - e.clientWidth,"
             " region: e.getAttribute('role') === 'region' && e.tabIndex === 0, name: e.getAttribute('aria-label')}))")


@pytest.mark.parametrize("path,title", [("/?math=true&bg=ffc0cb", "Predict"), ("/backprop?sympy=true", "Backprop")])
def test_wide_equations_on_a_phone_scroll_by_keyboard(app_server, phone, path, title):
    """On a phone, three of Predict's five matrix-arithmetic equations are wider than the screen, and five of
    Backprop's six SymPy derivations: each scrolls in its own box, and is a named, focusable region (axe-core found
    serious "scrollable-region-focusable" violations before) that the keyboard scrolls. An equation KaTeX overhangs
    by a pixel or two is left alone. Measured again once KaTeX's fonts load: an equation measured in a fallback font
    first was narrower and was left unmarked."""
    page = phone
    open_page(page, app_server.url + path, title)
    page.locator(".katex-display").first.wait_for(timeout=60_000)
    page.wait_for_function("() => document.fonts.status === 'loaded'", timeout=30_000)
    page.wait_for_function(f"() => ({EQUATIONS})().every(e => e.region === e.over > 12)", timeout=30_000)
    equations = page.evaluate(EQUATIONS)
    wide = [e for e in equations if e["region"]]
    assert len(wide) >= 2 and all(e["name"] == "Equation, scrolls sideways" for e in wide), equations
    assert_accessible(page, f"{title}'s equations on a phone")
    for _ in range(200):   # Tab to the first wide equation
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement?.getAttribute('aria-label')") == "Equation, scrolls sideways":
            break
    else:
        raise AssertionError("Tab never reached an equation that scrolls")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0", timeout=10_000)
