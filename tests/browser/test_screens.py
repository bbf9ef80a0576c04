"""Laptop screens (1024x768, the smallest a school laptop or a tablet held sideways has; 1280x800; 1366x768, the
commonest): on every page, every label, button, score and number box is shown whole, not cut short with "…", and
nothing makes the page scroll sideways, nor hides part of a figure or table in a box that scrolls sideways
(phones and tablets: test_phone.py; the teacher's room: test_class.py)."""

import pytest

from tests.browser.a11y import (
    boxes_scrolling,
    cut_short,
    horizontal_overflow,
    small_figure_text,
    svg_text_outside,
    svg_text_px,
)
from tests.browser.conftest import wait_for_app

pytestmark = pytest.mark.browser

SCREENS = {"1024x768": (1024, 768), "1280x800": (1280, 800), "1366x768": (1366, 768)}
# Predict with its matrix arithmetic; Activations with all six functions chosen; Tune with weights as wide as a typed one
# gets in practice (the boxes hold -12.3456 whole) and up to its limits (-1000.00 and -150.00: two decimals there);
# Teach with one answer, so its scores carry their change beside them; Backprop with the chapter's
# printed update beside the chain rule (its gradient check has seven columns, the seed comparison eight), and with
# its largest seed (its box once cut the last digit at 1,280 px)
PAGES = [("/", "Predict"), ("/?math=true&bg=ffc0cb", "Predict"), ("/teach?labels=ffc0cb.d", "Teach"),
         ("/class", "Class"), ("/train", "Train"),
         ("/tune?w1_11=-12.3456&w1_12=-99.9999&w1_13=10.5&b1_1=-0.0001&w2_1=-12.3456&w2_2=-1000&w2_3=999.9999&b2=-150.5",
          "Tune"),
         ("/backprop?loss=cross_entropy", "Backprop"), ("/backprop?seed=4294967295", "Backprop"), ("/backprop?printed=true", "Backprop"),
         ("/activations", "Activations"), ("/activations?fn=linear,logistic,tanh,relu,leaky_relu,softmax", "Activations"),
         ("/digits", "Digits")]


# a figure of each page that is drawn after the page's first paint, or the one whose labels once stuck out
FIGURES = {"Tune": "svg.fontnet-map >> visible=true", "Digits": "svg.digits-probabilities", "Backprop": "svg.backprop-graph",
           "Predict": "svg.fontnet-network", "Train": ".fontnet-live-grid[data-layout]"}

# Backprop's computation graph keeps a legible size (at least 576 px), scrolling in its own named, focusable box in a
# column narrower than that (below 1,024 px with the sidebar open; docs/accessibility.md); no other box may scroll
MAY_SCROLL = {"Backprop": "div.fontnet-scroll-x"}


@pytest.fixture(params=sorted(SCREENS))
def laptop(request, browser):
    width, height = SCREENS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("path,title", PAGES)
def test_nothing_on_a_page_is_cut_short(app_server, laptop, path, title):
    page = laptop
    page.goto(app_server.url + path)
    page.get_by_role("heading", name=title).first.wait_for(timeout=60_000)
    wait_for_app(page)
    if "math=true" in path:   # every equation typeset
        page.locator(".st-key-math_box .katex-display").nth(4).wait_for(timeout=30_000)
    if title in FIGURES:   # a page's figures drawn after its first paint are there to be measured
        page.locator(FIGURES[title]).first.wait_for(timeout=30_000)
    if title == "Train":   # the live panel stacks its charts where the map's column would be too small to read:
        # measured in the layout the panel's width gives it, once its grid has been laid out ("wide" until then)
        layout = "narrow" if page.viewport_size["width"] < 1280 else "wide"
        page.wait_for_function("l => document.querySelector('.fontnet-live-grid')?.dataset.layout === l", arg=layout,
                               timeout=30_000)
    if "printed=true" in path:   # the measured comparison comes last, after its spinner
        page.locator(".st-key-comparison table").wait_for(timeout=60_000)
    assert cut_short(page) == []
    assert svg_text_outside(page) == []   # no figure clips its own labels ("255" showed as "25" on Tune's map)
    assert small_figure_text(page) == []   # each figure's smallest text (Tune's map at 1,024 px: 9.3 px before)
    over = horizontal_overflow(page)
    assert over["where"] == {"document": 0, "main": 0, "sidebar": 0}, over   # nor does anything scroll sideways
    # on every laptop, 1,024 px included, Backprop's whole chain is in view, C included, at 10 px text or more (at
    # 1,024 px the graph scrolled 105 px in its box, at 9.6 px); every table keeps every column in view
    assert boxes_scrolling(page) == []
    if title == "Backprop":
        assert svg_text_px(page, "svg.backprop-graph") >= 10
    if title == "Predict":   # the network diagram's numbers at a size one can read (7.5 px at 1,024 px before)
        assert svg_text_px(page, ".st-key-network svg.fontnet-network") >= 10


@pytest.mark.parametrize("width", [864, 900])
def test_backprops_printed_tables_fit_a_window_with_the_sidebar_open(app_server, browser, width):
    """From 864 px, where the sidebar stays open beside the page (a window snapped to half a projector's screen, a
    tablet held sideways), Backprop's gradient check with "as printed" (seven columns) and its seed comparison
    (eight) keep every column in view: at 900 px they were 589 and 577 px of table in a 557-pixel column. Only the
    computation graph's own box scrolls."""
    context = browser.new_context(viewport={"width": width, "height": 700})
    page = context.new_page()
    try:
        page.goto(app_server.url + "/backprop?printed=true")
        page.get_by_role("heading", name="Backprop").first.wait_for(timeout=60_000)
        wait_for_app(page)
        page.locator(".st-key-comparison table").wait_for(timeout=60_000)
        assert page.locator("[data-testid=stSidebar]").evaluate("s => s.getBoundingClientRect().width") > 0
        assert [box for box in boxes_scrolling(page) if not box.startswith(MAY_SCROLL["Backprop"])] == []
        assert horizontal_overflow(page)["where"] == {"document": 0, "main": 0, "sidebar": 0}
    finally:
        context.close()


def test_teachs_colour_blind_view_shows_its_whole_table(app_server, laptop):
    """Opened, the table of how the colour looks to colour-blind readers has every column in view (its four
    columns need about 370 px: in the question's column at 1,024 px, two were out of sight)."""
    page = laptop
    page.goto(app_server.url + "/teach")
    page.get_by_role("heading", name="Teach").first.wait_for(timeout=60_000)
    wait_for_app(page)
    page.get_by_text("How this colour looks to colour-blind readers").click()
    page.locator(".st-key-teach_colour_vision .fontnet-vision-summary").wait_for(state="visible", timeout=30_000)
    assert cut_short(page) == []
    assert boxes_scrolling(page) == []


def test_teachs_answers_undo_and_skip_share_one_row_from_1280_px(app_server, laptop):
    """The two answers and the quieter Undo and Skip sit on one row at 1,280 px and up (Skip wrapped to a row of its
    own at 1,280 px when all four were full buttons); narrower, they wrap, and every one is still whole."""
    page = laptop
    page.goto(app_server.url + "/teach?labels=ffc0cb.d")   # one answer: Undo enabled
    page.get_by_role("heading", name="Teach").first.wait_for(timeout=60_000)
    wait_for_app(page)
    names = ["Dark reads better", "Light reads better", "Undo", "Skip"]
    boxes = [page.get_by_role("button", name=name).first.bounding_box() for name in names]
    assert all(b and b["width"] > 0 for b in boxes), boxes
    if page.viewport_size["width"] >= 1280:
        assert len({round(b["y"]) for b in boxes}) == 1, boxes
    assert cut_short(page) == []


# the face Streamlit loads for the page: a figure naming another (or a list the browser drops as invalid CSS, as an
# unquoted "Source Sans 3" made it) is drawn in the system's fallback or only by luck of inheritance
OWN_FACE = '"Source Sans"'


def test_the_figures_and_the_confusion_grid_name_the_pages_own_font(app_server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(app_server.url + "/backprop")
        page.locator("svg.backprop-graph").wait_for(timeout=60_000)
        wait_for_app(page)
        assert page.evaluate("f => document.fonts.check('13px ' + f)", OWN_FACE)
        declared = page.evaluate("() => document.querySelector('svg.backprop-graph').style.fontFamily")
        assert declared.startswith(OWN_FACE), declared   # the figure's own declaration, kept by the browser
        page.goto(app_server.url + "/digits")
        grid = page.locator(".st-key-digits_confusion table.confusion")
        grid.wait_for(timeout=60_000)
        used = grid.evaluate("t => getComputedStyle(t.querySelector('button')).fontFamily")
        assert used.startswith(OWN_FACE), used
    finally:
        context.close()


# Each line chart's room right of its plotting area, against half the width of its last x tick's label (drawn
# centred on the area's right edge): "100k", the chapter's 100,000 iterations. Charts with a right-hand axis have
# its numbers there instead.
X_END_ROOM = """async () => {
  await document.fonts.load('13px "Source Sans"');
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = '13px "Source Sans", "Source Sans Pro", "Source Sans 3", sans-serif';
  const half = ctx.measureText('100k').width / 2;
  return [...document.querySelectorAll('[data-chart]')].filter(b => b.querySelector('.u-over')).map(b => {
    const over = b.querySelector('.u-over').getBoundingClientRect();
    const canvas = b.querySelector('canvas').getBoundingClientRect();
    return [b.dataset.chart, Math.round((canvas.right - over.right - half) * 10) / 10];
  });
}"""


def test_the_train_charts_show_their_last_x_label_whole(app_server, laptop):
    """The weights charts cut "100k" to "100" at their right edge (6 px of room for half of a 26-pixel label)."""
    page = laptop
    page.goto(app_server.url + "/train")
    page.get_by_role("heading", name="Train").first.wait_for(timeout=60_000)
    page.wait_for_function("() => document.querySelectorAll('[data-chart] .u-over').length >= 3", timeout=60_000)
    wait_for_app(page)
    rooms = dict(page.evaluate(X_END_ROOM))
    assert len(rooms) >= 3 and all(room >= 0 for room in rooms.values()), rooms
