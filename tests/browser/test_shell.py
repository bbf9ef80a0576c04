import pytest

from fontnet import colors
from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path,title", [("/", "Predict"), ("/teach", "Teach"), ("/class", "Class"), ("/train", "Train"), ("/tune", "Tune"),
                                        ("/backprop", "Backprop"), ("/activations", "Activations"),
                                        ("/digits", "Digits")])
def test_every_page_opens_without_an_exception(app_server, page, path, title):
    page.goto(app_server.url + path)
    wait_for_app(page)
    page.get_by_role("heading", name=title).first.wait_for(timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    nav = page.locator('[data-testid="stSidebarNav"]')
    assert nav.get_by_text("Train").count() == 1 and nav.get_by_text("Activations").count() == 1
    assert nav.get_by_text("Digits").count() == 1
    screenshot(page, f"shell{path.replace('/', '-') or '-'}")


def test_a_deep_link_as_the_very_first_visit_gets_the_apps_navigation(page):
    """A fresh server whose first visitor opens /activations must still use st.navigation's pages."""
    from tests.browser.conftest import AppServer

    server = AppServer()
    try:
        page.goto(server.url + "/activations")
        wait_for_app(page)
        page.get_by_role("heading", name="Activations").first.wait_for(timeout=60_000)
        links = page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
        assert [text.split("\n")[-1].strip() for text in links] == ["Predict", "Teach", "Class", "Train", "Tune", "Backprop",
                                                                     "Activations", "Digits"]
        sections = page.locator('[data-testid="stNavSectionHeader"]').all_inner_texts()
        assert [t.strip() for t in sections] == ["Use it", "Learn how"]
    finally:
        server.stop()


def test_a_fresh_server_has_the_default_model_ready_before_it_answers(page, tmp_path):
    """Its start-up work (app/server.py) runs before the port answers: the model file is there at once."""
    from tests.browser.conftest import AppServer

    server = AppServer(env={"FONTNET_CACHE_DIR": str(tmp_path)})
    try:
        names = sorted(p.name for p in tmp_path.iterdir())  # the colour model's file and the digits model's
        assert len(names) == 2 and names[0].startswith("default-model-") and names[1].startswith("digits-model-")
        page.goto(server.url + "/?bg=ffc0cb")
        preview = page.locator("#font-preview")
        preview.wait_for(timeout=60_000)
        dark = "rgb({}, {}, {})".format(*colors.DARK_TEXT)
        assert page.evaluate("() => getComputedStyle(document.querySelector('#font-preview')).color") == dark
    finally:
        server.stop()
