"""The Predict page in a real browser: the preview's computed colours, shared links, presets, escaping."""

import pytest
from playwright.sync_api import expect

from fontnet import colors, presets
from tests.browser.conftest import (
    FIGURES_CLOCK_JS,
    PAINT_CLOCK_JS,
    assert_nothing_ran,
    screenshot,
    type_sample_text,
    wait_for_app,
)

pytestmark = pytest.mark.browser

DARK = "rgb({}, {}, {})".format(*colors.DARK_TEXT)
LIGHT = "rgb({}, {}, {})".format(*colors.LIGHT_TEXT)
STYLE = "sel => { const s = getComputedStyle(document.querySelector(sel)); return [s.backgroundColor, s.color]; }"


def rgb_css(hex_colour: str) -> str:
    return "rgb({}, {}, {})".format(*colors.parse_colour(hex_colour))


def open_page(page, url: str):
    page.goto(url)
    page.locator("#font-preview").wait_for(timeout=60_000)
    wait_for_app(page)


def wait_for_preview(page, background: str, text_colour: str | None = None):
    """Wait until #font-preview shows `background` (and `text_colour`), then return its computed style."""
    page.wait_for_function(
        "([bg, fg]) => { const e = document.querySelector('#font-preview'); if (!e) return false;"
        " const s = getComputedStyle(e); return s.backgroundColor === bg && (!fg || s.color === fg); }",
        arg=[background, text_colour], timeout=30_000)
    return page.evaluate(STYLE, "#font-preview")


def test_shared_link_to_pink_shows_dark_text(app_server, page):
    open_page(page, app_server.url + "/?bg=ffc0cb")
    assert page.evaluate(STYLE, "#font-preview") == ["rgb(255, 192, 203)", DARK]
    assert page.evaluate(STYLE, "#font-preview-other") == ["rgb(255, 192, 203)", LIGHT]
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "predict")


def test_shared_link_to_navy_shows_light_text(app_server, page):
    open_page(page, app_server.url + "/?bg=000080")
    assert page.evaluate(STYLE, "#font-preview") == ["rgb(0, 0, 128)", LIGHT]
    assert page.evaluate(STYLE, "#font-preview-other") == ["rgb(0, 0, 128)", DARK]
    screenshot(page, "predict-navy")


def test_malformed_link_opens_on_default_with_a_notice(app_server, page):
    open_page(page, app_server.url + "/?bg=zzz")
    assert page.evaluate(STYLE, "#font-preview")[0] == rgb_css(presets.DEFAULT_BG)
    notice = page.locator('[data-testid="stAlert"]').filter(has_text="not a hex colour")
    expect(notice).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "predict-malformed-link")


def test_preset_button_changes_preview_and_url(app_server, page):
    open_page(page, app_server.url + "/")
    page.get_by_role("button", name="navy", exact=True).click()
    assert wait_for_preview(page, "rgb(0, 0, 128)", LIGHT) == ["rgb(0, 0, 128)", LIGHT]
    page.wait_for_url("**bg=*000080*", timeout=10_000)
    page.get_by_role("button", name="pink", exact=True).click()
    assert wait_for_preview(page, "rgb(255, 192, 203)", DARK) == ["rgb(255, 192, 203)", DARK]


def test_typing_a_hex_value_into_the_colour_picker(app_server, page):
    open_page(page, app_server.url + "/")
    page.get_by_role("button", name="Background colour color picker").click()
    hex_input = page.locator('[data-testid="stColorPickerPopover"] input').first
    hex_input.fill("000080")
    hex_input.press("Enter")
    page.keyboard.press("Escape")  # closing the popover commits the colour
    assert wait_for_preview(page, "rgb(0, 0, 128)", LIGHT) == ["rgb(0, 0, 128)", LIGHT]


def test_sample_text_is_shown_literally_and_runs_nothing(app_server, page):
    open_page(page, app_server.url + "/?bg=ffc0cb")
    payload = "<img src=x onerror=alert(1)>"
    type_sample_text(page, payload)
    wait_for_app(page)
    assert page.locator("#font-preview img").count() == 0
    assert page.locator("#font-preview-other img").count() == 0
    assert page.locator("#font-preview-other").text_content() == payload
    assert_nothing_ran(page)  # no element anywhere that an onerror handler could run from
    screenshot(page, "predict-escaped-text")


def test_first_visit_draws_the_diagram_and_bar_with_the_preview(app_server, page):
    """Drawn as markup the server sends, with no charting library to fetch and parse after the preview."""
    page.add_init_script(PAINT_CLOCK_JS)
    page.add_init_script(FIGURES_CLOCK_JS)
    page.goto(app_server.url + "/?bg=ff0000")
    page.locator("#font-preview").wait_for(state="visible", timeout=60_000)
    network = page.locator(".st-key-network svg.fontnet-network")
    bar = page.locator(".st-key-probability .fontnet-probability")
    network.wait_for(state="visible", timeout=30_000)
    bar.wait_for(state="visible", timeout=30_000)
    page.wait_for_function("() => window.__fontnet.painted.length > 0 && window.__fontnet_figures.network > 0"
                           " && window.__fontnet_figures.probability > 0", timeout=30_000)
    wait_for_app(page)
    big_scripts = page.evaluate("""() => performance.getEntriesByType('resource')
      .filter(r => r.name.endsWith('.js') && r.decodedBodySize > 1e6).map(r => r.name)""")
    assert big_scripts == []  # no charting library to load first (Streamlit's plotly chunk is 4.7 MB)
    assert page.locator(".js-plotly-plot").count() == 0
    assert network.bounding_box()["width"] > 600 and network.bounding_box()["height"] > 200
    assert bar.bounding_box()["height"] > 30


def test_network_diagram_and_bar_show_this_colours_numbers(app_server, page):
    open_page(page, app_server.url + "/?bg=ff0000")
    svg = page.locator(".st-key-network svg.fontnet-network")
    svg.scroll_into_view_if_needed()
    assert svg.locator("g.node").count() == 7 and svg.locator("g.edge").count() == 12
    # the browser's hover text survived the page's markdown: one per node and edge, and the diagram's own title
    assert svg.locator("title").count() == 7 + 12 + 1
    assert page.evaluate("() => document.querySelector('.st-key-network svg').closest('p') === null")  # not parsed as text
    p_dark = page.locator('[data-testid="stMetricValue"]').first.text_content()
    output = svg.locator('g.node[data-layer="2"]')
    assert f"{float(output.get_attribute('data-a')):.4f}" == p_dark
    assert output.locator("title").text_content().startswith("output: P(dark text)\nZ = ")
    assert page.locator(".st-key-probability .value").text_content() == p_dark
    # a thin edge is hoverable: the point halfway along it belongs to that edge's group
    edge = svg.locator("g.edge").first
    assert page.evaluate("""g => { const l = g.querySelector('line'); const a = l.getBoundingClientRect();
        const b = document.elementFromPoint(a.x + a.width / 2, a.y + a.height / 2); return g.contains(b); }""",
                         edge.element_handle())
    assert page.get_by_text("The network and WCAG disagree").count() == 1
    screenshot(page, "predict-network")
    page.get_by_role("button", name="navy", exact=True).click()
    wait_for_preview(page, "rgb(0, 0, 128)", LIGHT)
    page.wait_for_function("p => document.querySelector('.st-key-probability .value')?.textContent !== p", arg=p_dark,
                           timeout=30_000)
    wait_for_app(page)
    p_navy = page.locator('[data-testid="stMetricValue"]').first.text_content()
    assert page.locator(".st-key-probability .value").text_content() == p_navy != p_dark
    assert f"{float(output.get_attribute('data-a')):.4f}" == p_navy


def test_matrix_arithmetic_on_request(app_server, page):
    open_page(page, app_server.url + "/?bg=ff0000")
    assert page.locator(".katex").count() == 0
    page.get_by_text("Show the same numbers as matrix arithmetic").click()
    page.locator(".st-key-math_box .katex").first.wait_for(timeout=30_000)
    assert page.locator(".st-key-math_box .katex").count() >= 4
    assert page.locator(".katex-error").count() == 0
    screenshot(page, "predict-latex")
