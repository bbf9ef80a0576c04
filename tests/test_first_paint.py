"""A first visit's first run draws each page down to its main control; the next run draws the whole page, with
everything drawn first in the same place (app/first_paint.py). A session with no browser (these test runs, unless
told otherwise) draws the whole page at once."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from app import first_paint
from tests.page_helpers import ROOT

# page: its main control (the one `python -m bench first-visit` waits for)
MAIN_CONTROL = {
    "predict": "Random colour",
    "train": "Train",
    "teach": "Dark reads better",
    "backprop": "Apply this step",
    "activations": "Temperature",
    "digits": "Train",
    "tune": "W1[1,1]",
    "class": "Open a room",
}
CONTAINERS = {"flex_container", "vertical", "horizontal", "column", "expandable", "tab"}


@pytest.fixture
def browser_session(monkeypatch):
    """Sessions as a browser's: the first run of each is light."""
    monkeypatch.setattr(first_paint, "_has_browser", lambda: True)


def first_run(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=180)
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def labels(at: AppTest) -> list[str]:
    """The label of every control on the page, in the main area and the sidebar."""
    kinds = ("button", "slider", "number_input", "selectbox", "text_input", "radio", "toggle", "checkbox",
             "color_picker", "multiselect", "select_slider")
    return [w.label for kind in kinds for w in getattr(at, kind)]


def described(node) -> tuple:
    """What a test can compare of one element: its kind, and its words or value (a container: its kind only)."""
    if node.type in CONTAINERS:
        return (node.type,)
    return (node.type, getattr(node, "label", None) or str(getattr(node, "value", "")))


def count(node) -> int:
    children = getattr(node, "children", None) or {}
    return 1 + sum(count(c) for c in children.values())


@pytest.mark.parametrize("page", list(MAIN_CONTROL))
def test_a_first_visit_draws_the_main_control_first_and_the_rest_in_place_after(browser_session, page):
    at = first_run(page)
    assert at.session_state[first_paint.LIGHT]
    assert MAIN_CONTROL[page] in labels(at)
    assert len(at.sidebar.children) == 0   # the settings come with the rest
    light = [described(n) for n in at.main.children.values()]
    light_size = count(at.main)

    at.run()   # the run the browser asks for once the light one is drawn
    assert not at.exception, [e.value for e in at.exception]
    assert not at.session_state[first_paint.LIGHT]
    whole = [described(n) for n in at.main.children.values()]
    assert whole[:len(light)] == light     # nothing drawn first moved
    assert count(at.main) > light_size     # and the rest came
    assert MAIN_CONTROL[page] in labels(at)


# What a light run may hold: the kinds a bare Streamlit page has (a title, words, a button), the layout containers
# and the app's own components, plus each page's main control's kind and the controls a page keeps beside it. Each
# other kind costs the page the download and start of its code before anything shows (docs/design.md, "First
# visits"), so the controls above a main control that are not it (settings, text boxes, toggles, metrics) wait.
LIGHT_KINDS = {"main", "title", "header", "subheader", "markdown", "button", "bidi_component", *CONTAINERS,
               "space"}   # the room a held-back part will take: Streamlit's spacer, whose code is in its page's own
PAGE_KINDS = {   # Predict and Backprop: the colour picker (a module of 111 kB) comes with the rest
    "teach": {"html"},                  # the colour to judge, drawn by st.html (2 kB of code, no Markdown parser)
    "activations": {"slider"},          # the main control is a slider
    "tune": {"number_input"},           # the main control is the first of the 16 boxes
}


def kinds(node) -> set[str]:
    children = getattr(node, "children", None) or {}
    return {node.type}.union(*(kinds(c) for c in children.values()))


@pytest.mark.parametrize("page", list(MAIN_CONTROL))
def test_a_light_run_holds_only_the_kinds_its_main_control_needs(browser_session, page):
    at = first_run(page)
    assert kinds(at.main) - LIGHT_KINDS - PAGE_KINDS.get(page, set()) == set()
    at.run()
    assert kinds(at.main) - LIGHT_KINDS - PAGE_KINDS.get(page, set())   # the whole page has the others


def held_parts(at: AppTest) -> dict[str, object]:
    """The containers of the parts a first visit holds back (first_paint.later), by key, in page order."""
    found = {}

    def walk(node):
        for child in (getattr(node, "children", None) or {}).values():
            key = getattr(getattr(child, "proto", None), "id", "") or ""
            if f"-{first_paint.LATER}_" in key:
                found[key.rsplit("-", 1)[1]] = child
            walk(child)
    walk(at.main)
    return found


# page: the parts above its main control whose room the light run keeps (px, on a 1400 px wide window)
RESERVED = {
    "backprop": {"fontnet_later_0": 68, "fontnet_later_1": 173, "fontnet_later_2": 24, "fontnet_later_3": 2860,
                 "fontnet_later_4": 103, "fontnet_later_5": 68},
    "activations": {"fontnet_later_0": 1286},
    "digits": {"fontnet_later_0": 458, "fontnet_later_1": 303},
    "teach": {"fontnet_later_0": 40, "fontnet_later_1": 68},
    "tune": {"fontnet_later_0": 42},
}


@pytest.mark.parametrize("page", list(RESERVED))
def test_a_light_run_keeps_each_held_back_parts_room_and_the_whole_run_fills_it(browser_session, page):
    """The main control is drawn where the whole page will have it: each part above it is an empty space of about
    its height in the light run (bench first-visit measures the control's movement in Chromium), and the same
    container holds the part in the whole run."""
    at = first_run(page)
    light = held_parts(at)
    spaces = {key: [c.value for c in part.children.values()] for key, part in light.items()}
    assert {key: sizes for key, sizes in spaces.items() if sizes} == {k: [v] for k, v in RESERVED[page].items()}
    at.run()
    whole = held_parts(at)
    # the same containers in the same order (the whole run adds the parts held back inside them: fontnet_later_4_0)
    assert [key for key in whole if key in light] == list(light)
    for key in RESERVED[page]:
        assert whole[key].children and all(c.type != "space" for c in whole[key].children.values()), key


def test_without_a_browser_the_first_run_draws_the_whole_page():
    at = first_run("train")
    assert not at.session_state[first_paint.LIGHT]
    assert "Learning rate" in labels(at) and "Keep this run for comparison" in labels(at)


def test_the_run_a_session_reset_asked_for_draws_the_whole_page(browser_session):
    """After a replica stopped, the fresh session's first run can stop for the reset check's run before it drew
    anything of the page; that run must draw the whole page, since first_paint.js does not ask for another."""
    from app.session_reset import RESET

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=180)
    at.session_state[RESET] = True   # the check's callback, at the start of the run it asked for
    at.switch_page("app_pages/train.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.session_state[first_paint.LIGHT] and "Learning rate" in labels(at)


def test_pressing_the_main_control_before_the_rest_arrives_does_what_it_says(browser_session):
    at = first_run("train")
    next(b for b in at.button if b.label == "Train").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["train_run"].status in ("running", "done")
    assert "Learning rate" in labels(at)   # and that run drew the whole page


def test_random_colour_pressed_before_the_picker_arrives_sets_the_colour_it_shows(browser_session):
    """Predict's light run draws Random colour without the picker: pressed then, the next run (the whole page)
    shows the colour the button announced, in the picker and in the numbers."""
    from app.instant import NEXT_RANDOM

    at = first_run("predict")
    assert not at.color_picker
    announced = at.session_state[NEXT_RANDOM]
    next(b for b in at.button if b.label == "Random colour").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [w.value for w in at.color_picker] == [announced]
    assert any(f"`{announced}`" in m.value for m in at.markdown)


def test_a_light_run_keeps_the_settings_in_the_link(browser_session):
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=180)
    at.query_params.update({"lr": "0.1", "seed": "7"})
    at.switch_page("app_pages/train.py").run()
    assert at.session_state[first_paint.LIGHT]
    at.run()
    assert next(w for w in at.select_slider if w.label == "Learning rate").value == 0.1
    assert next(w for w in at.number_input if w.label == "Random seed").value == 7


@pytest.mark.parametrize("page", ["predict", "backprop"])
def test_a_linked_colour_reaches_the_picker_the_light_run_held_back(browser_session, page):
    """Predict's and Backprop's light runs leave the colour picker for the next run: it then shows the link's
    colour, not its default, and the page's numbers are that colour's."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=180)
    at.query_params.update({"bg": "ffc0cb"})
    at.switch_page(f"app_pages/{page}.py").run()
    assert at.session_state[first_paint.LIGHT] and not at.color_picker
    at.run()
    assert [w.value for w in at.color_picker] == ["#ffc0cb"]
    assert any("#ffc0cb" in m.value and "R 255, G 192, B 203" in m.value for m in at.markdown)


@pytest.mark.parametrize("page, link, words", [("train", {"lr": "fast"}, "lr='fast' is not a number"),
                                               ("predict", {"bg": "nope"}, "not a hex colour")])
def test_a_link_notice_is_still_there_when_the_whole_page_arrives(browser_session, page, link, words):
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=180)
    at.query_params.update(link)
    at.switch_page(f"app_pages/{page}.py").run()
    at.run()
    assert any(words in w.value for w in at.warning)
    at.run()
    assert not any(words in w.value for w in at.warning)   # and once that page is drawn, it has been said


def widgets(at: AppTest) -> dict:
    """Every control that has a value, by its widget id: whether this run sent that value (`set_value`)."""
    out = {}
    for kind in ("slider", "number_input", "selectbox", "text_input", "radio", "toggle", "checkbox", "color_picker",
                 "multiselect", "select_slider"):
        for w in getattr(at, kind):
            if hasattr(w.proto, "set_value"):
                out[w.proto.id] = (w.label, w.proto.set_value)
    return out


@pytest.mark.parametrize("page", list(MAIN_CONTROL))
def test_the_run_after_a_light_one_sends_every_value_the_light_one_set(browser_session, page):
    """The page may replace the light run's controls before it has drawn them (it loads a kind's code when one
    first appears), and a control it never drew would show its default: so the next run sends each value again."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=180)
    at.query_params.update({"bg": "ffc0cb", "seed": "3", "act": "relu", "lr": "0.1", "temp": "2"})
    at.switch_page(f"app_pages/{page}.py").run()
    sent_light = {i: label for i, (label, sent) in widgets(at).items() if sent}
    at.run()
    whole = widgets(at)
    assert all(whole[i][1] for i in sent_light if i in whole), [whole[i] for i in sent_light if not whole[i][1]]


def test_a_link_to_your_turn_shows_the_sheet_in_the_light_run_and_keeps_it(browser_session):
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=180)
    at.query_params.update({"turn": "1"})
    at.switch_page("app_pages/backprop.py").run()
    assert at.session_state[first_paint.LIGHT]
    assert next(t for t in at.toggle if t.label == "Your turn").value
    light = [described(n) for n in at.main.children.values()]
    at.run()
    assert [described(n) for n in at.main.children.values()][:len(light)] == light
    assert "Apply this step" not in labels(at)   # the sheet, not the worked step
