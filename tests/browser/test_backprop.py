"""The Backprop page in a real browser: a shared link's numbers, the computation graph drawn (by the server: no
Graphviz script on the first visit), the finite-difference column, and a step applied."""

import pytest

from fontnet import backprop as bp
from fontnet.figures.backprop import num
from tests.browser.conftest import link_notices, screenshot, wait_for_app
from tests.browser.test_digits import CHART_LIBRARIES

pytestmark = pytest.mark.browser
LINK = "/backprop?bg=ffc0cb&label=dark&model=fresh&seed=3&lr=0.05"
GRAPH = ".st-key-graph svg.backprop-graph"
# the Graphviz script Streamlit fetches to draw st.graphviz_chart (about 769 kB), and the scripts fetched at all
GRAPHVIZ = "() => performance.getEntriesByType('resource').filter(r => /graphviz/i.test(r.name)).map(r => r.name)"
SCRIPTS = "() => performance.getEntriesByType('resource').filter(r => /\\.js(\\?|$)/.test(r.name)).length"
# each node's name, data and grad as the server drew them
GRAPH_NODES = f"""() => Object.fromEntries([...document.querySelectorAll('{GRAPH} .node')].map(n =>
  [n.dataset.node, [+n.dataset.data, n.dataset.grad === undefined ? null : +n.dataset.grad]]))"""


def metric_value(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def wait_for_metric(page, label: str, value: str):
    page.wait_for_function(
        """([label, value]) => [...document.querySelectorAll('[data-testid="stMetric"]')].some(m =>
             m.querySelector('[data-testid="stMetricLabel"]')?.innerText.trim() === label &&
             m.querySelector('[data-testid="stMetricValue"]')?.innerText.trim() === value)""",
        arg=[label, value], timeout=60_000)


def test_a_link_shows_the_numbers_the_graph_and_the_finite_differences_and_a_step_changes_the_cost(app_server, page):
    b = bp.explain(bp.fresh_network(3), (255, 192, 203), "dark")
    chk = bp.check(b)
    after = bp.step(b.network, b.X, b.Y, 0.05)
    page.goto(app_server.url + LINK)
    wait_for_app(page)
    wait_for_metric(page, "Cost C", num(b.cost, 6))
    assert page.locator('[data-testid="stException"]').count() == 0

    # the forward pass and the chain-rule products, with this network's numbers
    body = page.locator('[data-testid="stMain"]').inner_text()
    z1 = " ".join(num(v) for v in b.term("Z1").value.ravel())
    assert "[" + z1.replace(" ", "; ") + "]" in body
    assert "dC/dW1" in body and "dC/dZ2 · dZ1/dW1ᵀ" not in body  # the formula shown is dC/dZ1 · dZ1/dW1ᵀ
    assert "dC/dZ1 · dZ1/dW1ᵀ" in body

    # the computation graph, drawn by the server: nodes with data and grad, W1 and its gradients in Z1's boxes
    graph = page.locator(GRAPH)
    graph.wait_for(state="visible")
    text = graph.text_content()
    assert "Z1[1]" in text and f"data {num(b.cost)}" in text and f"grad {num(b.gradients['W1'][0, 0])}" in text, text
    drawn = page.evaluate(GRAPH_NODES)
    assert drawn["C"] == [b.cost, 1.0] and drawn["A2"] == [b.term("A2").value[0, 0], b.term("dC/dA2").value[0, 0]]
    assert drawn["Z1[2]"] == [b.term("Z1").value[1, 0], b.term("dC/dZ1").value[1, 0]] and len(drawn) == 12
    assert graph.get_attribute("role") == "img" and f"C = {num(b.cost)}" in graph.locator("desc").text_content()
    assert graph.bounding_box()["width"] > 600

    # the finite-difference column beside every gradient entry
    table = page.locator(".st-key-fd_table table").first
    headers = table.locator("th").all_inner_texts()
    assert "finite difference" in headers and "relative error" in headers
    rows = table.locator("tbody tr")
    assert rows.count() == 16
    first = rows.nth(0).locator("td").all_inner_texts()
    assert first[0] == "W1[1,1]" and first[3] == num(chk.numeric["W1"][0, 0], 6)
    screenshot(page, "backprop")

    page.get_by_role("button", name="Apply this step").click()
    wait_for_metric(page, "Cost C", num(after.cost_after, 6))
    assert num(after.cost_after, 6) != num(b.cost, 6)
    page.get_by_text("Step applied").first.wait_for(timeout=30_000)
    assert not page.dialogs


def test_the_first_visit_fetches_no_graphviz_script(app_server, page):
    """The graph is markup the server draws: opening the page does not load Graphviz (nor plotly or Vega)."""
    page.goto(app_server.url + LINK)
    wait_for_app(page)
    page.locator(GRAPH).wait_for(state="visible", timeout=60_000)
    assert page.evaluate(SCRIPTS) > 0  # the page's own scripts are listed, so a Graphviz one would be too
    assert page.evaluate(GRAPHVIZ) == []
    assert page.evaluate(CHART_LIBRARIES) == []


def test_use_this_model_reaches_the_predict_page_in_the_same_session(app_server, page):
    page.goto(app_server.url + LINK)
    wait_for_app(page)
    page.get_by_role("button", name="Apply this step").click()
    page.get_by_text("Step applied").first.wait_for(timeout=60_000)
    wait_for_app(page)
    page.get_by_role("button", name="Use this model").click()
    page.get_by_text("The Predict page now uses this network").first.wait_for(timeout=60_000)
    page.get_by_role("link", name="Predict").first.click()  # in-app navigation keeps the session
    page.get_by_text("You are using your own model").first.wait_for(timeout=60_000)
    assert "fresh weights, seed 3 after 1 step" in page.locator('[data-testid="stMain"]').inner_text()


def test_a_malformed_link_gives_notices_and_the_defaults(app_server, page):
    text = link_notices(page, app_server.url + "/backprop?bg=zzz&label=grey&seed=abc")
    assert "'zzz' is not a hex colour" in text and "'grey' is not one of" in text and "'abc' is not a whole number" in text
    b = bp.explain(bp.fresh_network(0), (255, 140, 0))  # the defaults: dark orange, fresh weights from seed 0
    wait_for_metric(page, "Cost C", num(b.cost, 6))
    assert page.locator('[data-testid="stException"]').count() == 0


def test_a_link_keeps_its_settings_and_a_choice_writes_its_short_name(app_server, page):
    page.goto(app_server.url + "/backprop?label=dark&model=default&act=tanh&loss=cross_entropy")
    wait_for_app(page)
    page.get_by_role("heading", name="Forward pass").wait_for(timeout=60_000)
    wait_for_app(page)
    query = page.url.split("?", 1)[1]
    assert set(query.split("&")) >= {"label=dark", "model=default", "act=tanh", "loss=cross_entropy"}, page.url
    page.get_by_text("Light text (Y = 0)").click()
    page.wait_for_url(lambda url: "label=light" in url, timeout=30_000)
    wait_for_app(page)
    assert "Light" not in page.url and "act=tanh" in page.url


def test_apply_n_steps_draws_the_cost_chart_with_every_steps_cost(app_server, page):
    expected = bp.random_steps(bp.fresh_network(3), 30, 0.05, seed=0).costs
    page.goto(app_server.url + LINK + "&steps=30")
    wait_for_app(page)
    page.get_by_role("button", name="Apply N steps").click()
    chart = page.locator(".st-key-costs svg.backprop-costs >> visible=true")
    chart.wait_for(state="visible", timeout=60_000)
    wait_for_app(page)
    assert chart.get_attribute("data-steps") == "30"
    costs = [float(v) for v in chart.get_attribute("data-costs").split()]
    assert costs == pytest.approx(expected.tolist(), rel=1e-5)
    assert chart.get_attribute("role") == "img" and "30 steps" in chart.locator("desc").text_content()
    assert chart.bounding_box()["width"] > 300
    # drawn by the server: no charting library was fetched for it
    assert page.evaluate(CHART_LIBRARIES) == []
    assert page.locator('[data-testid="stException"]').count() == 0
