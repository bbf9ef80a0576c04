import pytest

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path,title", [("/", "Predict"), ("/train", "Train"), ("/activations", "Activations")])
def test_every_page_opens_without_an_exception(app_server, page, path, title):
    page.goto(app_server.url + path)
    wait_for_app(page)
    page.get_by_role("heading", name=title).first.wait_for(timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    nav = page.locator('[data-testid="stSidebarNav"]')
    assert nav.get_by_text("Train").count() == 1 and nav.get_by_text("Activations").count() == 1
    screenshot(page, f"shell{path.replace('/', '-') or '-'}")
