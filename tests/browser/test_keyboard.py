"""Each page's main flow with the keyboard alone: Tab to a control (its focus visible), Enter to press it.

Nothing here clicks: focus moves only by Tab and Shift+Tab, and buttons are pressed with Enter or a shortcut.
"""

import pytest

from tests.browser.conftest import wait_for_app, wait_for_drawn_colour
from tests.browser.test_class import wait_state
from tests.browser.test_digits import open_digits
from tests.browser.test_teach import open_teach
from tests.browser.test_train import open_train, wait_whole

pytestmark = pytest.mark.browser

MAX_TABS = 400  # more than any page's focusable controls: Tab visits each once before it wraps around

# The focused element, how its focus is drawn, and whether it is the control named `name` (a button's text, the
# first line when it shows its shortcut too, the last when an icon comes first, an input's label, or an aria-label).
FOCUSED = """name => {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;  // into a component
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const text = (el.getAttribute('aria-label') || el.labels?.[0]?.innerText || el.innerText || '').trim();
  const control = ['BUTTON', 'INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
  const lines = text.split('\\n').map(l => l.trim()).filter(Boolean);
  return {text, tag: el.tagName, match: control && (text === name || lines[0] === name || lines.at(-1) === name),
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0, shadow: s.boxShadow !== 'none'};
}"""


def tab_to(page, name: str, backwards: bool = False) -> dict:
    """Press Tab (or Shift+Tab) until the control `name` has focus; it must show a focus ring there."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        focused = page.evaluate(FOCUSED, name)
        if focused and focused["match"]:
            assert focused["outline"] or focused["shadow"], f"no visible focus on {name!r}: {focused}"
            return focused
    raise AssertionError(f"{MAX_TABS} presses of {key} never reached {name!r}")


def wait_focus_on_message(page, words: str) -> dict:
    """Wait until keyboard focus is on the page's message that says `words` (after a press took its control away);
    whether a ring shows it."""
    try:
        page.wait_for_function("w => { const a = document.activeElement; return a?.dataset.testid === "
                               "'stAlertContainer' && a.textContent.includes(w); }", arg=words, timeout=30_000)
    except Exception as e:
        raise AssertionError(f"focus never reached the message {words!r}: "
                             f"{page.evaluate('() => document.activeElement.outerHTML.slice(0, 200)')}") from e
    return page.evaluate("() => { const s = getComputedStyle(document.activeElement); "
                         "return {outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0}; }")


def wait_focus_on(page, name: str) -> dict:
    """Wait until keyboard focus is on the control `name` without a key pressed (focus followed a press); it must
    show a focus ring."""
    try:
        page.wait_for_function(f"name => {{ const f = ({FOCUSED})(name); return f && f.match; }}", arg=name,
                               timeout=30_000)
    except Exception as e:
        raise AssertionError(f"focus never reached {name!r}: {page.evaluate(FOCUSED, name)}") from e
    focused = page.evaluate(FOCUSED, name)
    assert focused["outline"] or focused["shadow"], f"no visible focus on {name!r}: {focused}"
    return focused


def press(page, name: str, backwards: bool = False) -> None:
    """Tab to the button `name` and press Enter."""
    tab_to(page, name, backwards)
    page.keyboard.press("Enter")


@pytest.mark.parametrize("path,title", [("/", "Predict"), ("/teach", "Teach"), ("/class", "Class"), ("/train", "Train"),
                                        ("/tune", "Tune"), ("/backprop", "Backprop"),
                                        ("/activations", "Activations"), ("/digits", "Digits")])
def test_every_control_shows_its_focus(app_server, page, path, title):
    """Tab once around the whole page, sidebar included: wherever focus lands, it is drawn."""
    page.goto(app_server.url + path)
    page.get_by_role("heading", name=title).first.wait_for(timeout=60_000)
    wait_for_app(page)
    page.wait_for_selector('[data-access="ready"]', state="attached", timeout=30_000)
    seen, unseen = [], []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED, "")
        if focused is None:
            continue
        key = (focused["tag"], focused["text"][:40])
        if seen and key == seen[0]:
            break  # around once
        seen.append(key)
        if not (focused["outline"] or focused["shadow"]):
            unseen.append(key)
    assert len(seen) >= 10 and ("A", "Skip to main content") in seen
    assert not unseen, f"focus not drawn on {unseen}"


def test_predict_a_preset_then_random(app_server, page):
    page.goto(app_server.url + "/?bg=000080")
    wait_for_drawn_colour(page, "#000080")
    press(page, "pink")
    wait_for_drawn_colour(page, "#ffc0cb")
    assert page.locator("#font-preview").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 192, 203)"
    press(page, "Random colour")
    page.wait_for_function("() => !document.querySelector('#font-preview').getAttribute('aria-label')"
                           ".includes('#ffc0cb')", timeout=30_000)
    wait_for_app(page)
    assert page.locator("#font-preview").get_attribute("aria-label").startswith("the network's choice")


ANSWERS = "() => +document.querySelector('#teach-scores')?.dataset.answers"


def test_teach_answers_with_d_and_l_and_with_enter(app_server, page):
    open_teach(page, app_server.url)
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "Keys: D dark reads better, L light reads better" in body
    # each button keeps the name it shows and declares its key as ARIA does
    for name, key in (("Dark reads better", "D"), ("Light reads better", "L")):
        assert page.get_by_role("button", name=name, exact=True).get_attribute("aria-keyshortcuts") == key
    first = page.locator("#teach-colour").get_attribute("data-colour")
    page.keyboard.press("d")
    page.wait_for_function(f"() => ({ANSWERS})() === 1", timeout=30_000)
    wait_for_app(page)
    assert page.locator("#teach-answers span").first.get_attribute("aria-label").startswith("answer 1, dark text: ")
    assert page.locator("#teach-colour").get_attribute("data-colour") != first  # the next question
    page.keyboard.press("l")
    page.wait_for_function(f"() => ({ANSWERS})() === 2", timeout=30_000)
    wait_for_app(page)
    assert "light text" in page.locator("#teach-answers span").nth(1).get_attribute("aria-label")
    # typing in the sample-text box is typing, not answering
    tab_to(page, "Sample text")
    page.keyboard.type("dl")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#teach-colour').textContent.includes('dl')",
                           timeout=30_000)
    wait_for_app(page)
    assert page.evaluate(ANSWERS) == 2
    press(page, "Dark reads better")
    page.wait_for_function(f"() => ({ANSWERS})() === 3", timeout=30_000)


def test_train_train_pause_resume(app_server, page):
    # a slow network (full batch, 3 x 16 nodes, 40,000 iterations, under the cost cap) that is still running when paused
    open_train(page, app_server, "?mode=full&layers=3&hidden=16&iterations=40000")
    press(page, "Train")
    page.wait_for_function("() => document.querySelector('[data-testid=stProgress]')?.innerText"
                           ".startsWith('running')", timeout=60_000)
    wait_for_app(page)
    press(page, "Pause")
    paused = wait_whole(page, "paused", timeout=60_000)
    wait_for_app(page)
    # Pause is off now: focus went on to Resume, which Enter presses with no Tab
    wait_focus_on(page, "Resume")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('[data-testid=stProgress]')?.innerText"
                           ".startsWith('running')", timeout=60_000)
    page.wait_for_function("n => +(/iteration ([\\d,]+) of/.exec(document.querySelector('[data-testid=stProgress]')"
                           "?.innerText) || [0, '0'])[1].replace(/,/g, '') > n", arg=paused["last"], timeout=60_000)
    wait_for_app(page)
    # Resume is off now: focus went to Pause, the control the press turned on, not on to Step after Resume
    wait_focus_on(page, "Pause")
    page.keyboard.press("Enter")
    again = wait_whole(page, "paused", timeout=60_000)
    assert again["last"] > paused["last"]  # it trained on after Resume


def test_backprop_apply(app_server, page):
    page.goto(app_server.url + "/backprop?bg=ffc0cb&label=dark&model=fresh&seed=3")
    page.get_by_role("heading", name="Backprop").first.wait_for(timeout=60_000)
    wait_for_app(page)
    press(page, "Apply this step")
    page.get_by_text("Step applied").first.wait_for(timeout=60_000)
    assert "after 1 applied step" in page.locator('[data-testid="stMain"]').inner_text()
    # the message above it makes Streamlit draw the button afresh: focus stays on it, and Enter applies again
    wait_for_app(page)
    wait_focus_on(page, "Apply this step")
    page.keyboard.press("Enter")
    page.get_by_text("after 2 applied steps").first.wait_for(timeout=60_000)


def test_digits_a_random_test_image_then_clear(app_server, page):
    open_digits(page, app_server)
    press(page, "Random test image")
    page.locator("#digit-prediction").wait_for(timeout=60_000)
    assert page.locator("#digit-preview").get_attribute("data-pixels") != ""
    wait_for_app(page)
    press(page, "Clear", backwards=True)
    page.locator("#digit-prompt").wait_for(timeout=60_000)
    assert page.locator("#digit-preview").get_attribute("data-pixels") == ""


def test_class_a_teacher_opens_a_room_a_student_joins_and_answers_and_the_teacher_closes_it(room_server, browser):
    """The class flow by keyboard on both sides: Open a room; on Teach, a nickname, Join room and an answer with D;
    the answer reaches the teacher's panel; the teacher's Space on "Room open" closes the room."""
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(2)]
    try:
        teacher, student = (c.new_page() for c in contexts)
        teacher.goto(room_server.url + "/class")
        teacher.get_by_role("heading", name="Class").first.wait_for(timeout=60_000)
        wait_for_app(teacher)
        press(teacher, "Open a room")
        code = teacher.locator("#class-code")
        code.wait_for(timeout=60_000)
        room = code.inner_text().replace("-", "").strip()
        # the button is gone: focus is on what the press did, drawn, and (once the page is whole: its held-back
        # part comes in a run of its own) Tab goes on to the students' link
        wait_focus_on_message(teacher, "is open")
        wait_for_app(teacher)
        wait_state(teacher, "s.answers === '0'")
        said = wait_focus_on_message(teacher, "is open")
        assert said["outline"], said
        teacher.keyboard.press("Tab")
        assert "/teach?room=" in teacher.evaluate("() => document.activeElement.innerText")

        student.goto(f"{room_server.url}/teach?room={room}")
        student.get_by_role("heading", name="Teach").first.wait_for(timeout=60_000)
        wait_for_app(student)
        tab_to(student, "Nickname (optional)")
        student.keyboard.type("Kim")
        student.keyboard.press("Enter")
        wait_for_app(student)
        press(student, "Join room")
        student.get_by_role("button", name="Leave the room").wait_for(timeout=30_000)
        wait_for_app(student)
        student.keyboard.press("d")
        student.locator('#class-status[data-saved="1"]').wait_for(timeout=30_000)
        assert wait_state(teacher, "s.students === '1' && s.answers === '1'")["names"] == ["Kim"]

        tab_to(teacher, "Room open")
        teacher.keyboard.press("Space")
        teacher.get_by_text("The room is closed").wait_for(timeout=30_000)
        assert not teacher.get_by_role("switch", name="Room open").is_checked()
        kept = teacher.evaluate(FOCUSED, "Room open")
        assert kept and kept["match"], kept   # a control still there keeps its focus

        # Delete the room… is replaced by its question, and Delete for good by what it did: focus follows each
        press(teacher, "Delete the room…")
        wait_focus_on_message(teacher, "for good? Nobody can undo this.")
        teacher.keyboard.press("Tab")
        assert teacher.evaluate(FOCUSED, "Delete for good")["match"]
        teacher.keyboard.press("Enter")
        wait_focus_on_message(teacher, "is deleted")
    finally:
        for c in contexts:
            c.close()
