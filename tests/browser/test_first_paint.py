"""A first visit in Chromium: the page draws its main control before its settings and figures, then the rest
arrives without a click, and the control drawn first is the one that stays (app/first_paint.py)."""

from __future__ import annotations

import json
import time

import pytest

from tests.browser.conftest import ROOT, wait_for_app

pytestmark = pytest.mark.browser

# Runs in the page before its own scripts: on every animation frame, the first time the main control is visible,
# tag that element and note whether the sidebar's settings or the page's figures were drawn yet.
WATCH_JS = """
(() => {
  if (window.top !== window) return;
  const seen = window.__firstPaint = {control: false, settingsThen: null, figuresThen: null};
  const frame = () => {
    const b = [...document.querySelectorAll('.st-key-train_buttons button')].find(e => e.innerText.trim() === 'Train');
    if (b && b.getBoundingClientRect().width > 0) {
      b.__drawnFirst = true;
      seen.control = true;
      seen.settingsThen = !!document.querySelector('[data-testid="stSidebar"] [data-testid="stSlider"]');
      seen.figuresThen = !!document.querySelector('.st-key-train_live canvas, svg.fontnet-surface');
      return;
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();
"""


def test_a_first_visit_draws_the_main_control_then_the_rest_around_it(app_server, page):
    page.add_init_script(WATCH_JS)
    page.goto(app_server.url + "/train")
    wait_for_app(page, 60_000)   # waits for the whole page, not just the first run
    seen = page.evaluate("window.__firstPaint")
    assert seen["control"] and seen["settingsThen"] is False and seen["figuresThen"] is False
    assert page.get_attribute("[data-first-paint]", "data-first-paint") == "whole"
    page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]').first.wait_for()
    page.locator(".st-key-train_live canvas").first.wait_for()
    # the button drawn first is the one on the page now: the rest was added around it, nothing drawn again
    assert page.evaluate("[...document.querySelectorAll('.st-key-train_buttons button')]"
                         ".find(e => e.innerText.trim() === 'Train').__drawnFirst === true")


def test_after_the_first_visit_other_pages_draw_whole(app_server, page):
    page.goto(app_server.url + "/train")
    wait_for_app(page, 60_000)
    page.get_by_role("link", name="Digits").click()
    page.get_by_role("heading", name="Digits").first.wait_for()
    wait_for_app(page, 60_000)
    assert page.get_attribute("[data-first-paint]", "data-first-paint") == "whole"
    page.locator(".st-key-digits_train button").wait_for()



def test_a_first_visit_to_a_pages_address_asks_for_the_server_once_at_its_base(app_server, page):
    """Streamlit's page asks <page address>/_stcore/health first (a 404, then a 100 ms wait) unless it is told the
    server's base path, which app/page_head.py writes into the page; then it asks once, at the base, and the page,
    its sidebar links included, works as before."""
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "_stcore/health" in r.url else None)
    page.goto(app_server.url + "/teach")
    page.get_by_role("button", name="Dark reads better").wait_for(timeout=60_000)
    wait_for_app(page, 60_000)
    assert asked == [app_server.url + "/_stcore/health"]
    assert page.evaluate("window.__streamlit.BACKEND_BASE_URL").rstrip("/") == app_server.url
    page.get_by_role("link", name="Backprop").click()
    page.get_by_role("button", name="Apply this step").wait_for(timeout=60_000)
    assert page.url.split("?")[0] == app_server.url + "/backprop"
    assert asked == [app_server.url + "/_stcore/health"]   # the same connection: no new probe


def test_a_first_visit_slow_to_learn_its_page_stays_on_it_and_its_first_click_counts(app_server, page):
    """A server slow between the session's start and the page it runs (a busy machine) left the browser a while
    with the first run started and no word of which page it is. first_paint.js used to ask for the rest then (the
    "running" indicator shows only half a second into a run), before the browser knew the page, so Streamlit ran
    the default page: the visit to /train landed on Predict, or a Train press made meanwhile was lost. Here the
    server's navigation message is held back on its way to the browser, as a slow server would send it late."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    asked: list[tuple[str, str]] = []   # the runs the page asked for: (page hash, page name)
    late = {"navigation": 0}

    def route(ws):
        server = ws.connect_to_server()

        def to_page(message):
            if isinstance(message, bytes) and not late["navigation"]:
                if ForwardMsg.FromString(message).WhichOneof("type") == "navigation":
                    late["navigation"] = 1
                    time.sleep(1.5)   # the slow server: what follows reaches the page this much later
            ws.send(message)

        def to_server(message):
            if isinstance(message, bytes):
                back = BackMsg.FromString(message)
                if back.WhichOneof("type") == "rerun_script":
                    asked.append((back.rerun_script.page_script_hash, back.rerun_script.page_name))
            server.send(message)

        server.on_message(to_page)
        ws.on_message(to_server)

    page.route_web_socket("**/_stcore/stream", route)
    page.goto(app_server.url + "/train?iterations=300")
    wait_for_app(page, 60_000)
    assert late["navigation"] == 1 and len(asked) >= 2   # the first run, then the rest (first_paint.js)
    assert page.locator("h1").first.inner_text() == "Train"
    assert page.url.split("?")[0] == app_server.url + "/train"
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_role("button", name="Use this model").and_(page.locator(":enabled")).wait_for(timeout=60_000)


# Runs in the page before its own scripts: from the first frame the main control (CSS selector, its text) is
# visible, where it is on the page against where it was first seen, the farthest it went, and whether the
# held-back parts were kept at their light run's height on the way (first_paint.js).
FOLLOW_JS = """
((sel, text) => {
  if (window.top !== window) return;
  const seen = window.__follow = {top: null, moved: null, most: 0, held: false};
  const find = () => [...document.querySelectorAll(sel)].find(e => e.innerText.trim().startsWith(text));
  const top = (e) => e.getBoundingClientRect().top + window.scrollY;
  let el = null;
  const frame = () => {
    if (el === null) {
      const e = find();
      if (e && e.getBoundingClientRect().width > 0) { el = e; seen.top = top(e); }
    }
    if (el !== null) {
      seen.moved = el.isConnected ? Math.round(top(el) - seen.top) : null;
      if (seen.moved !== null && Math.abs(seen.moved) > Math.abs(seen.most)) seen.most = seen.moved;
    }
    seen.held ||= !!document.querySelector('[data-fontnet-held]');
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})
"""


@pytest.mark.parametrize("path,control,text", [
    ("/backprop", ".st-key-apply button", "Apply this step"),
    ("/activations", "[data-testid=stSlider]", "Temperature"),
])
def test_a_first_visits_main_control_stays_where_it_is_first_drawn(app_server, page, path, control, text):
    """The light run keeps the room of each part it holds back above the main control, and first_paint.js keeps
    that room while the whole page arrives: the control does not jump away (it was 3,000 px on Backprop) and back."""
    page.add_init_script(f"{FOLLOW_JS}({json.dumps(control)}, {json.dumps(text)});")
    page.goto(app_server.url + path)
    page.wait_for_selector('[data-first-paint="whole"]', state="attached", timeout=60_000)
    wait_for_app(page, 60_000)
    page.wait_for_function("() => !document.querySelector('[data-fontnet-held]')", timeout=60_000)  # released
    # two frames more: the follower has seen the page as it is after the release
    seen = page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(window.__follow))))")
    assert seen["top"] is not None
    assert seen["moved"] is not None, "the control was drawn anew"
    # without the rooms kept while the page arrives, the control went up by 880 px (Activations) and 517 px
    # (Backprop) on the way, and without the rooms, 3,000 px down (Backprop)
    assert abs(seen["moved"]) <= 30 and abs(seen["most"]) <= 30, seen


# From the first frame: whether any of the app's invisible components' containers was ever laid out (shown), and
# how far the title moved from where it was first drawn.
STILL_TITLE_JS = """
(() => {
  if (window.top !== window) return;
  const seen = window.__still = {shown: [], top: null, moved: 0};
  const keys = ['fontnet_first_paint', 'fontnet_access', 'fontnet_session_check'];
  const frame = () => {
    for (const k of keys) {
      const e = document.querySelector('.st-key-' + k);
      if (e && getComputedStyle(e).display !== 'none' && !seen.shown.includes(k)) seen.shown.push(k);
    }
    const h = document.querySelector('h1');
    if (h) {
      const t = h.getBoundingClientRect().top + window.scrollY;
      if (seen.top === null) seen.top = t;
      else if (Math.abs(t - seen.top) > Math.abs(seen.moved)) seen.moved = t - seen.top;
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();
"""


def test_a_first_visits_title_is_drawn_in_its_place_with_no_gap_above_it(app_server, page):
    """The app's three components that draw nothing are hidden by the page's head from the first frame (their own
    style sheets come with their code): no gap above the title that closes a moment later (48 px)."""
    page.add_init_script(STILL_TITLE_JS)
    page.goto(app_server.url + "/class")
    page.wait_for_selector('[data-first-paint="whole"]', state="attached", timeout=60_000)
    wait_for_app(page, 60_000)
    seen = page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(window.__still))))")
    assert seen["top"] is not None
    assert seen["shown"] == [] and seen["moved"] == 0, seen


# first_paint.js called as Streamlit calls a component's script: again, on the same element, when a run sends new
# data, without calling what the earlier call returned (its cleanup runs only when the element goes). `pressed`:
# a whole run reaches the page before the light run has been drawn (a press on the main control straight away);
# otherwise the light run is drawn first and asks for the whole one. Counts the frames the script still asks for
# once the page is whole and drawn.
CALLED_TWICE_JS = """async ([src, pressed]) => {
  const frame = window.requestAnimationFrame.bind(window);
  let asked = 0;
  window.requestAnimationFrame = (cb) => { asked++; return frame(cb); };   // the script's frames, not these
  const frames = async (n) => { for (let i = 0; i < n; i++) await new Promise(frame); };
  const app = document.createElement('div');
  app.setAttribute('data-testid', 'stApp');
  app.dataset.testScriptState = 'running';           // the light run is being drawn
  const element = document.createElement('div');
  document.body.append(app, element);
  const url = URL.createObjectURL(new Blob([src], {type: 'text/javascript'}));
  const script = (await import(url)).default;
  const triggers = [];
  const setTriggerValue = (name) => triggers.push(name);
  script({data: {light: true}, setTriggerValue, parentElement: element});
  if (!pressed) {
    app.dataset.testScriptState = 'notRunning';       // the light run is drawn: the script asks for the rest
    await frames(10);
  }
  const light = {triggers: [...triggers], state: element.getAttribute('data-first-paint')};
  script({data: {light: false}, setTriggerValue, parentElement: element});   // the whole run
  app.dataset.testScriptState = 'notRunning';
  await frames(10);
  const before = asked;
  await frames(10);
  return {light, triggers, state: element.getAttribute('data-first-paint'), framesAfter: asked - before};
}"""


@pytest.mark.parametrize("pressed", [False, True], ids=["light run drawn first", "a press first"])
def test_a_light_runs_wait_ends_when_the_whole_run_is_drawn(page, pressed):
    """Streamlit calls a component's script again for new data without ending the earlier call, so the light run's
    wait went on: after a press drawn before the light run it asked for the rest again and marked the page light,
    and after asking it held the page's rooms on every animation frame for as long as the page stayed open."""
    page.set_content("<!doctype html><title>first paint</title>")
    src = (ROOT / "app" / "first_paint.js").read_text(encoding="utf-8")
    got = page.evaluate(CALLED_TWICE_JS, [src, pressed])
    assert got["light"] == ({"triggers": [], "state": "waiting"} if pressed
                            else {"triggers": ["painted"], "state": "asked"})
    assert got["triggers"] == got["light"]["triggers"]   # nothing more asked for once the whole run came
    assert got["state"] == "whole"
    assert got["framesAfter"] == 0                       # and no frame loop left running
