"""Seeing learning in a real browser: a confusion cell's images on Digits, the cost surface, a kept run and the
exported script on Train."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.a11y import GRID_DRAWN
from tests.browser.conftest import screenshot, wait_for_app, wait_for_progress

pytestmark = pytest.mark.browser

CELL_IMAGES = "() => document.querySelector('#digits-cell')?.querySelectorAll('.digit-case').length ?? -1"


def cell_button(page, t: int, p: int):
    """The confusion grid's button of cell (true t, predicted p)."""
    return page.locator(f'.st-key-digits_confusion button[data-true="{t}"][data-predicted="{p}"]')


def test_press_a_confusion_cell_see_its_images_and_load_one_into_the_pad(app_server, page):
    page.goto(app_server.url + "/digits")
    grid = page.locator(".st-key-digits_confusion table.confusion")
    grid.wait_for(timeout=60_000)
    wait_for_app(page)
    # the largest cell on the diagonal (every image it reads right), pressed with the keyboard
    counts = {(t, t): int(cell_button(page, t, t).inner_text()) for t in range(10)}
    t, p = max(counts, key=counts.get)
    button = cell_button(page, t, p)
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => ({CELL_IMAGES})() === {counts[(t, p)]}", timeout=30_000)
    wait_for_app(page)
    cards = page.locator("#digits-cell .digit-case")
    assert {cards.nth(k).get_attribute("data-true") for k in range(cards.count())} == {str(t)}
    assert {cards.nth(k).get_attribute("data-predicted") for k in range(cards.count())} == {str(p)}
    assert button.get_attribute("aria-pressed") == "true"
    assert button.get_attribute("aria-label") == f"true {t}, predicted {p}: {counts[(t, p)]} test images"
    # the grid's own stylesheet is in force (drawing the grid once removed it): the opened cell is ringed, and every
    # button is at least 24 px each way
    drawn = grid.evaluate(GRID_DRAWN)
    assert drawn["opened"] == ["solid", "3px"] and drawn["smallest"] >= 24, drawn
    first = cards.first
    for picture in ("img.digit-image", "img.digit-attribution"):   # each an 8x8 PNG the browser has decoded
        assert (first.locator(picture).get_attribute("src") or "").startswith("data:image/png;base64,")
        page.wait_for_function("el => el.complete && el.naturalWidth === 8 && el.naturalHeight === 8",
                               arg=first.locator(picture).element_handle(), timeout=10_000)
    assert f"true {t}" in first.inner_text() and f"predicted {p}" in first.inner_text()
    grid.screenshot(path=str(Path("artifacts") / "screenshots" / "digits-confusion.png"))
    screenshot(page, "digits-cell")

    index = first.get_attribute("data-index")
    page.get_by_role("button", name="Load into the pad").click()
    page.get_by_text(f"Test image {index}, labelled {t}.").first.wait_for(timeout=30_000)
    page.wait_for_function("() => (document.querySelector('#digit-preview')?.dataset.pixels ?? '').length > 0",
                           timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0


def test_download_the_script_of_a_run_and_run_it(app_server, page, tmp_path):
    page.goto(app_server.url + "/train?iterations=3000&seed=2")
    page.get_by_role("heading", name="Train").first.wait_for(timeout=60_000)
    wait_for_app(page)
    page.get_by_role("button", name="Train", exact=True).click()
    wait_for_progress(page, "done", timeout=60_000)
    shown = page.locator("#train-script-accuracy")
    shown.wait_for(timeout=30_000)
    # the cost surface is drawn once the run is done, with its path
    surface = page.locator(".st-key-train_surface svg.fontnet-surface >> visible=true")
    surface.wait_for(timeout=30_000)
    assert int(surface.get_attribute("data-path-points")) > 2
    assert (surface.locator("image.bands").get_attribute("href") or "").startswith("data:image/png;base64,")
    surface.screenshot(path=str(Path("artifacts") / "screenshots" / "train-surface.png"))
    with page.expect_download() as download:
        page.get_by_role("button", name="Download as a Python script").click()
    assert download.value.suggested_filename == "fontnet_run.py"
    script = tmp_path / "fontnet_run.py"
    script.write_bytes(Path(download.value.path()).read_bytes())
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert float(shown.get_attribute("data-accuracy")) == result["test_accuracy"]
    assert f"Test accuracy {result['test_accuracy']:.4f}" in shown.inner_text()
    assert set(result["weights"]) == {"W1", "B1", "W2", "B2"} and len(result["weights"]["W1"]) == 3

    # keep it: the link holds its settings and seed, and the chart and table show it
    page.get_by_role("button", name="Keep this run for comparison").click()
    page.locator(".st-key-compare_chart svg.fontnet-compare >> visible=true").wait_for(timeout=30_000)
    wait_for_app(page)
    page.wait_for_function("() => new URL(location.href).searchParams.get('kept') === 'iterations:3000,seed:2'",
                           timeout=30_000)
    screenshot(page, "train-learning")
    assert page.locator('[data-testid="stException"]').count() == 0


SURFACE_BOX = ".st-key-train_surface [data-chart='surface']"


def test_the_cost_surface_follows_a_playing_run_at_most_once_a_second(app_server, page):
    page.goto(app_server.url + "/train")
    page.get_by_role("heading", name="Train").first.wait_for(timeout=60_000)
    wait_for_app(page)
    page.get_by_role("button", name="Train", exact=True).click()
    # the section becomes a live panel: its first picture comes with the page run, the next ones from its feed
    page.wait_for_function(f"() => Number(document.querySelector(\"{SURFACE_BOX}\")?.dataset.draws ?? 0) >= 4",
                           timeout=60_000)
    drawn = page.evaluate(f"""() => {{
        const box = document.querySelector("{SURFACE_BOX}");
        const svg = box.querySelector("svg.fontnet-surface");
        return {{times: box.__fontnetDrawTimes, path: Number(svg.dataset.pathPoints)}};
    }}""")
    made = [m for _, is_live, m in drawn["times"] if is_live]
    assert len(made) >= 3 and None not in made, drawn["times"]
    # each live draw shows a new picture, and the server made them at least a second apart (its own clock, so
    # however the network bunched their arrival, the browser never drew faster than the server's pace)
    assert min(b - a for a, b in zip(made, made[1:])) >= 1000 - 0.01, drawn["times"]
    assert drawn["path"] >= 3
    page.get_by_role("button", name="Pause").click()
    wait_for_progress(page, "paused")
    still = page.locator(".st-key-train_surface svg.fontnet-surface >> visible=true")
    still.wait_for(timeout=30_000)
    # the page run's picture where the run paused, on the finer grid; the live panel is gone
    assert int(still.get_attribute("data-path-points")) >= drawn["path"]
    assert page.locator(f"{SURFACE_BOX}").count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0
