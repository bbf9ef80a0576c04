"""The Train page in a real browser: live chart, Pause, links, uploads and 'Use this model'."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, screenshot, wait_for_app

pytestmark = pytest.mark.browser

CHART = "document.querySelector('.st-key-train_live [data-chart=loss]')"
# One snapshot, in one JavaScript task: the progress bar's text and what the loss chart holds.
STATE = ("() => { const el = " + CHART + "; const bar = document.querySelector('[data-testid=stProgress]');"
         " return el && bar ? {progress: bar.innerText, points: +el.dataset.points, length: +el.dataset.length,"
         " last: el.dataset.lastX === '' ? null : +el.dataset.lastX, mounts: +el.dataset.mounts,"
         " appended: +el.dataset.appended, tagged: el.__tag === 'first', run: el.dataset.run,"
         " resyncs: +(el.dataset.resyncs || 0), boxes: document.querySelectorAll('[data-chart=loss]').length} : null; }")


def open_train(page, app_server, query: str = ""):
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    page.goto(app_server.url + "/train" + query)
    try:
        page.get_by_role("heading", name="Train").first.wait_for(timeout=60_000)
    except Exception:   # keep what the page showed and said, for whoever reads the failure
        screenshot(page, "open-train-timeout")
        (SCREENSHOTS / "open-train-timeout.txt").write_text(
            "\n".join([page.url, *console, page.content()]), encoding="utf-8")
        raise
    page.wait_for_function(f"() => ({STATE})()?.points >= 1", timeout=60_000)
    wait_for_app(page)


def state(page) -> dict:
    return page.evaluate(STATE)


def progress(page) -> str:
    return page.locator('[data-testid="stProgress"]').first.inner_text()


def iteration_of(progress_text: str) -> int:
    return int(re.search(r"iteration ([\d,]+) of", progress_text).group(1).replace(",", ""))


# The chart shows the run's whole history once the page has drawn: as many points as the run has checkpoints,
# the last at the iteration the progress bar names.
WHOLE = ("s => s && s.points === s.length && s.last !== null && "
         "s.last === +(/iteration ([\\d,]+) of/.exec(s.progress) || [0, -1])[1].replace(/,/g, '')")


def wait_whole(page, prefix: str, timeout: float = 30_000) -> dict:
    """Wait until the progress bar starts with `prefix` and the chart holds the whole history up to its iteration."""
    try:
        page.wait_for_function(f"() => {{ const s = ({STATE})(); return s && s.progress.startsWith({prefix!r}) && ({WHOLE})(s); }}",
                               timeout=timeout)
    except Exception as e:
        raise AssertionError(f"the chart and the progress bar did not agree: {state(page)}") from e
    return state(page)


def test_train_grows_the_chart_without_remounting_it_and_pause_shows_the_whole_history(app_server, page):
    # page runs that send the panel (a live update is not one: it comes from the feed, over HTTP)
    panel_frames: list[int] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: panel_frames.append(
        1 if b"fontnet_live_chart" in (f if isinstance(f, bytes) else f.encode()) else 0)))
    # a slow network (full batch, 3 x 16 nodes, 40,000 iterations, under the cost cap): it is still running when Pause is pressed
    open_train(page, app_server, "?mode=full&layers=3&hidden=16&iterations=40000")
    assert sum(panel_frames) >= 1   # the page run that drew the panel was seen
    assert state(page)["points"] == 1  # iteration 0 only
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_function(f"() => ({STATE})()?.appended >= 1", timeout=60_000)
    # live updates from here on: the chart element must stay the same while points are appended to it
    page.evaluate(f"() => {{ {CHART}.__tag = 'first'; }}")
    first, sent_before = state(page), sum(panel_frames)
    page.wait_for_function(f"() => ({STATE})()?.appended >= {first['appended'] + 5}", timeout=60_000)
    s = state(page)
    assert s["tagged"] and s["mounts"] == first["mounts"], s  # the same element, appended to: not remounted
    # the appends came over HTTP, not as page runs re-sending the panel
    assert sum(panel_frames) - sent_before < s["appended"] - first["appended"], (sum(panel_frames), s)
    assert s["points"] > first["points"] and s["progress"].startswith("running")
    page.get_by_role("button", name="Pause", exact=True).click()
    paused = wait_whole(page, "paused")
    paused_at = iteration_of(paused["progress"])
    assert 0 < paused_at < 40_000
    # nothing trains while paused: another page run (a widget outside the chart) shows the same iteration
    page.locator(".st-key-slice").get_by_text("R", exact=True).click()
    page.wait_for_function("() => document.querySelector('.st-key-train_live [data-chart=map]')?.dataset.run.includes(':R:')",
                           timeout=30_000)
    wait_for_app(page)
    again = wait_whole(page, "paused")
    assert iteration_of(again["progress"]) == paused_at and again["last"] == paused_at
    screenshot(page, "train")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.dialogs == []


def test_a_finished_run_and_a_return_to_the_page_show_the_whole_history(app_server, page):
    open_train(page, app_server, "?iterations=3000")
    page.get_by_role("button", name="Train", exact=True).click()
    done = wait_whole(page, "done", timeout=60_000)
    assert done["last"] == 3000 and done["points"] > 5
    for name in ("w1", "w2", "map"):
        page.wait_for_function(f"() => +document.querySelector('.st-key-train_live [data-chart={name}]')?.dataset.points === {done['points']}",
                               timeout=30_000)
    # away and back inside the app (the session and its run stay): the chart is drawn again, whole
    page.get_by_role("link", name="Activations").click()
    page.get_by_role("heading", name="Activations").first.wait_for(timeout=60_000)
    page.get_by_role("link", name="Train").click()
    back = wait_whole(page, "done", timeout=60_000)
    assert back["points"] == done["points"] and back["last"] == 3000


def test_two_visitors_training_at_once_each_see_only_their_own_points(app_server, browser, page):
    other = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    try:
        open_train(page, app_server, "?iterations=20000&seed=1")
        open_train(other, app_server, "?iterations=30000&seed=2&lr=0.1")
        page.get_by_role("button", name="Train", exact=True).click()
        other.get_by_role("button", name="Train", exact=True).click()
        mine = wait_whole(page, "done", timeout=90_000)
        theirs = wait_whole(other, "done", timeout=90_000)
        assert mine["last"] == 20_000 and theirs["last"] == 30_000
        xs = "() => { const el = " + CHART + "; return el.__fontnetChart.x; }"
        mine_x, theirs_x = page.evaluate(xs), other.evaluate(xs)
        assert max(mine_x) == 20_000 and max(theirs_x) == 30_000
        assert mine_x == sorted(mine_x) and theirs_x == sorted(theirs_x)  # appended in order, no stray points
    finally:
        other.context.close()


def test_the_chart_receives_no_text_a_visitor_typed(app_server, page, tmp_path):
    name = "zqxvisitor<b>x"
    model = tmp_path / f"{name}.json"
    from fontnet.training import TrainingRun, TrainingSettings
    run = TrainingRun(TrainingSettings(iterations=50))
    run.step()
    model.write_text(__import__("json").dumps(run.net.to_dict()))
    frames: list[bytes] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(f if isinstance(f, bytes) else f.encode())))
    feed = []   # the live feed's answers (HTTP, while a run plays)
    page.on("response", lambda r: feed.append(r) if "/api/live/" in r.url else None)
    open_train(page, app_server, "?iterations=3000")
    page.locator(".st-key-model_file input[type=file]").set_input_files(str(model))
    page.get_by_text("Loaded the model").first.wait_for(timeout=30_000)
    wait_for_app(page)
    # the visitor's own data, under their file name, trained live
    data = tmp_path / f"{name}.csv"
    data.write_text("red,green,blue,label\n" + "".join(f"{v},{v},{v},{int(v > 127)}\n" for v in range(0, 256, 5)))
    page.locator(".st-key-data_file input[type=file]").set_input_files(str(data))
    page.get_by_text(re.compile(r"Loaded zqxvisitor")).first.wait_for(timeout=30_000)
    wait_for_app(page)
    page.get_by_role("button", name="Train", exact=True).click()
    wait_whole(page, "done", timeout=60_000)
    chart_frames = [f for f in frames if b"fontnet_live_chart" in f]
    assert chart_frames and any(b"zqxvisitor" in f for f in frames)  # the name did reach the page, as text
    assert not any(b"zqxvisitor" in f for f in chart_frames)
    answers = [r.text() for r in feed if r.status == 200]
    assert answers and all('"charts"' in a for a in answers)
    assert not any("zqxvisitor" in a for a in answers)


def test_a_link_sets_the_controls(app_server, page):
    open_train(page, app_server, "?lr=0.2&hidden=5&activation=tanh&iterations=5000&seed=3")
    assert page.locator(".st-key-train-activation input").input_value() == "tanh"
    assert "0.2" in page.locator(".st-key-train-lr").inner_text()
    assert page.locator(".st-key-train-iterations input").input_value() == "5000"
    assert page.locator(".st-key-train-seed input").input_value() == "3"
    assert "5,000" in progress(page)
    assert re.search(r"[?&]lr=0\.2(&|$)", page.url) and "activation=tanh" in page.url


def test_a_malformed_link_gives_a_notice(app_server, page):
    open_train(page, app_server, "?lr=fast&activation=%3Cb%3Ebold%3C%2Fb%3E")
    alerts = page.locator('[data-testid="stAlert"]').all_inner_texts()
    assert any("lr='fast' is not a number" in a for a in alerts)
    assert any("<b>bold</b>" in a for a in alerts)  # shown as text, not as HTML
    assert page.locator("b", has_text="bold").count() == 0
    assert page.locator(".st-key-train-activation input").input_value() == "relu"


def test_upload_a_csv_through_the_file_input(app_server, page, tmp_path):
    good = tmp_path / "colours.csv"
    good.write_text("RED,GREEN,BLUE,LIGHT_OR_DARK_FONT_IND\n" + "\n".join(
        f"{v},{v},{v},{int(v > 127)}" for v in range(0, 256, 5)) + "\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("red,green,blue,label\n1,2,3,0\n4,5,700,1\n")
    open_train(page, app_server)
    page.locator(".st-key-data_file input[type=file]").set_input_files(str(good))
    page.get_by_text(re.compile(r"Loaded colours\.csv \(52 rows\)")).wait_for(timeout=30_000)
    wait_for_app(page)
    page.locator(".st-key-data_file input[type=file]").set_input_files(str(bad))
    refused = page.get_by_text(re.compile(r"That CSV was not used: line 3: '700' is outside 0–255"))
    refused.wait_for(timeout=30_000)
    page.get_by_role("button", name="Reset", exact=True).click()
    # the message is shown once: its going is something Reset's rerun draws (before it, the old page, with one row
    # of buttons, already looks settled). While that rerun draws, the page can hold the old row of buttons beside
    # the new one (the message above them is gone, so the row moved up): wait for the run to end and one row
    refused.wait_for(state="detached", timeout=30_000)
    wait_for_app(page)
    step = page.get_by_role("button", name="Step", exact=True)
    expect(step).to_have_count(1, timeout=30_000)
    step.click()
    page.wait_for_function("() => document.querySelector('[data-testid=stProgress]')?.innerText.startsWith('paused')",
                           timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0


def p_dark_on_predict(page) -> str:
    metric = page.locator('[data-testid="stMetric"]', has_text="P(dark text)").first
    metric.wait_for(timeout=60_000)
    return metric.locator('[data-testid="stMetricValue"]').inner_text()


def step_and_use_the_model(page) -> None:
    """One iteration, then "Use this model": the Predict page opens with it."""
    page.get_by_role("button", name="Step", exact=True).click()
    page.wait_for_function("() => document.querySelector('[data-testid=stProgress]')?.innerText.startsWith('paused')",
                           timeout=30_000)
    wait_for_app(page)
    page.get_by_role("button", name="Use this model").click()
    page.get_by_role("heading", name="Predict").first.wait_for(timeout=60_000)
    wait_for_app(page)


def test_use_this_model_changes_what_predict_shows(app_server, page, browser):
    other = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    other.goto(app_server.url + "/")
    default_p = p_dark_on_predict(other)
    other.context.close()

    # a deliberately bad model: linear hidden nodes, a tiny learning rate, one iteration
    open_train(page, app_server, "?activation=linear&lr=0.0001&iterations=50")
    step_and_use_the_model(page)
    assert p_dark_on_predict(page) != default_p
    assert page.get_by_text("You are using your own model").count() >= 1


def test_digits_opens_cleanly_after_use_this_model(app_server, page):
    """Train and Digits both have a `hidden` setting (a number on one, text on the other): each page keeps its own."""
    open_train(page, app_server, "?iterations=50&hidden=5")
    step_and_use_the_model(page)
    page.get_by_role("link", name="Digits").first.click()  # the sidebar: the same session
    page.get_by_role("heading", name="Digits").first.wait_for(timeout=60_000)
    page.locator(".st-key-digits-hidden input").wait_for(timeout=60_000)
    wait_for_app(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator(".st-key-digits-hidden input").input_value() == "32,16"
    assert "hidden=" not in page.url
    page.get_by_role("link", name="Train").first.click()
    page.wait_for_url(re.compile(r"/train\?.*hidden=5"), timeout=60_000)  # Train's own settings come back
