"""A class in real browsers: a teacher opens a room, three students join and answer on Teach, and the teacher's
live panel grows without a reload or a page run; no student's page ever holds the teacher key."""

import re
from contextlib import contextmanager

import pytest

from fontnet import store
from fontnet.figures.training import FORMULA_LINE, NETWORK_LINE
from tests.browser.a11y import PHONE, assert_accessible, cut_short, gap_below, horizontal_overflow
from tests.browser.conftest import ROOT, assert_nothing_ran, screenshot, wait_for_app

pytestmark = pytest.mark.browser

PANEL = ".st-key-class_live"
# One snapshot of the teacher's panel, in one JavaScript task: its figures, the map's dots, the table's rows, how
# many times a page run drew it (`renders`) and how many feed answers it took (`polls`), and whether the panel and
# the map's canvas are the nodes tagged earlier.
STATE = ("() => { const root = document.querySelector('" + PANEL + " [data-chart=map]')?.closest('.fontnet-live-grid')"
         "?.parentElement; if (!root) return null;"
         " const stat = k => root.querySelector(`[data-stat=${k}] .fontnet-stat-value`)?.textContent;"
         " const canvas = root.querySelector('[data-chart=map] canvas');"
         " return {students: stat('students'), answers: stat('answers'), dots: +(canvas?.dataset.dots || 0),"
         " rows: +(root.querySelector('[data-chart=students] [data-rows]')?.dataset.rows || 0),"
         " renders: +root.dataset.updates, polls: +(root.dataset.polls || 0),"
         " tagged: root.__tag === 'first' && canvas?.__tag === 'first',"
         " names: [...root.querySelectorAll('[data-chart=students] tbody tr td:first-child')].map(td => td.textContent)}; }")
NICKNAMES = ("Ann", "<img src=x onerror=f()>", "Bo")   # markup that fits a nickname's 24 characters


@pytest.fixture(scope="module")
def class_server(room_server):
    """The app with its class database in a temporary SQLite file (conftest's room_server)."""
    (ROOT / "artifacts").mkdir(exist_ok=True)
    return room_server


def state(page) -> dict:
    return page.evaluate(STATE)


def wait_state(page, condition: str, timeout: float = 60_000) -> dict:
    """Wait until the teacher's panel satisfies `condition` (JavaScript over the snapshot `s`)."""
    try:
        page.wait_for_function(f"() => {{ const s = ({STATE})(); return s && ({condition}); }}", timeout=timeout)
    except Exception as e:
        raise AssertionError(f"the panel never showed {condition}: {state(page)}") from e
    return state(page)


@contextmanager
def browsers(browser, n: int):
    """n separate browsers (contexts: their own cookies), a page in each that records any dialog it opens; at the
    end, each page has run nothing a nickname's markup would have made, and the browsers are closed."""
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(n)]
    pages = [c.new_page() for c in contexts]
    for p in pages:
        p.dialogs = []
        p.on("dialog", lambda d, p=p: (p.dialogs.append(d.message), d.dismiss()))
    try:
        yield pages
        for p in pages:
            assert_nothing_ran(p)
    finally:
        for c in contexts:
            c.close()


def teacher_link(teacher) -> tuple[str, str, str]:
    """The teacher link as the page gives it (the expander "Your teacher link"; the address bar leaves the key out),
    and its room code and key."""
    teacher.get_by_text("Your teacher link (keep it to yourself)").click()
    link = teacher.locator("[data-testid=stCode]", has_text="&key=").first
    link.wait_for(timeout=30_000)
    text = link.text_content().strip()
    params = dict(re.findall(r"[?&](room|key)=([^&\s]+)", text))
    return text, params["room"], params["key"]


def answer(student, n_before: int) -> None:
    """Press an answer and wait until the page says the class has it (the status line's count)."""
    name = "Dark reads better" if n_before % 2 == 0 else "Light reads better"
    student.get_by_role("button", name=name, exact=True).click()
    student.locator(f'#class-status[data-saved="{n_before + 1}"]').wait_for(timeout=30_000)


def test_a_teacher_sees_three_students_answers_arrive_live_and_no_student_sees_the_key(class_server, browser):
    with browsers(browser, 4) as (teacher, *students):
        teacher.goto(class_server.url + "/class")
        teacher.get_by_role("button", name="Open a room").click()
        teacher.locator("#class-code").wait_for(timeout=60_000)
        wait_for_app(teacher)
        _, code, key = teacher_link(teacher)
        assert f"room={code}" in teacher.url and "key=" not in teacher.url
        qr = teacher.locator(".fontnet-qr[role=img]")
        assert qr.get_attribute("aria-label") == f"QR code of the student link {class_server.url}/teach?room={code}"
        assert qr.locator("svg").count() == 1
        wait_state(teacher, "s.answers === '0' && s.polls >= 1")

        # from here on the panel must stay the same nodes, fed over HTTP: no page run redraws it
        panel_frames: list[int] = []
        teacher.on("websocket", lambda ws: ws.on("framereceived", lambda f: panel_frames.append(
            1 if b"fontnet_live_chart" in (f if isinstance(f, bytes) else f.encode()) else 0)))
        teacher.evaluate(f"() => {{ const root = document.querySelector('{PANEL} [data-chart=map]')"
                         ".closest('.fontnet-live-grid').parentElement; root.__tag = 'first';"
                         " root.querySelector('[data-chart=map] canvas').__tag = 'first'; }")
        before = state(teacher)

        student_frames: list[bytes] = []
        for student, nickname in zip(students, NICKNAMES):
            student.on("websocket", lambda ws: ws.on("framereceived", lambda f: student_frames.append(
                f if isinstance(f, bytes) else f.encode())))
            student.goto(f"{class_server.url}/teach?room={code.lower()}")
            student.get_by_text(re.compile("You are invited to class room")).wait_for(timeout=60_000)
            wait_for_app(student)
            student.get_by_label("Nickname (optional)").fill(nickname)
            student.get_by_label("Nickname (optional)").press("Enter")
            wait_for_app(student)
            student.get_by_role("button", name="Join room").click()
            student.get_by_role("button", name="Leave the room").wait_for(timeout=30_000)
            wait_for_app(student)
        joined = wait_state(teacher, "s.students === '3' && s.rows === 3")
        assert joined["names"] == list(NICKNAMES)   # a nickname with markup is shown as its text

        for k in range(2):
            for student in students:
                answer(student, k)
            grown = wait_state(teacher, f"s.answers === '{3 * (k + 1)}' && s.dots === {3 * (k + 1)}")
            assert grown["tagged"], grown                       # the same panel and canvas, appended to
            assert grown["renders"] == before["renders"], grown  # no page run drew the panel again
            assert grown["polls"] > before["polls"]
        # a student's Undo takes their last answer back from the class: the panel loses that dot, still live
        students[2].get_by_role("button", name="Undo").click()
        students[2].get_by_text("Taken back from the class too").wait_for(timeout=30_000)
        taken = wait_state(teacher, "s.answers === '5' && s.dots === 5")
        assert taken["renders"] == before["renders"], taken    # no page run: the feed sent the map whole (a new canvas)
        assert teacher.evaluate(f"() => document.querySelector('{PANEL} [data-chart=map]')"
                                ".closest('.fontnet-live-grid').parentElement.__tag === 'first'")   # the same panel
        assert sum(panel_frames) == 0, panel_frames             # and none was sent one
        with teacher.expect_download() as got:                  # the pooled answers, as the Train page reads them
            teacher.get_by_role("button", name="Download the class's answers (CSV)").click()
        rows = got.value.path().read_text().splitlines()
        assert rows[0] == "red,green,blue,label" and len(rows) == 1 + 5
        assert all(re.fullmatch(r"\d{1,3},\d{1,3},\d{1,3},[01]", r) for r in rows[1:])
        screenshot(teacher, "class-teacher")
        screenshot(students[1], "class-student")
        # the student's two status lines (saved to the class; answers and retraining) keep a line's gap below them
        gaps = {sel: gap_below(students[1], sel) for sel in ("#class-status", "#teach-scores")}
        assert all(g is not None and g >= 12 for g in gaps.values()), gaps

        # the teacher removes a student: their dot and row leave the panel, and their page says so on its next answer
        teacher.get_by_role("button", name="Remove a student…").click()
        teacher.get_by_role("combobox", name="Student to remove").click()
        teacher.get_by_role("option", name=NICKNAMES[2], exact=True).click()
        assert_accessible(teacher, "Class, choosing a student to remove")
        teacher.get_by_role("button", name="Remove from the room").click()
        teacher.get_by_text(f"{NICKNAMES[2]} was removed from room").wait_for(timeout=30_000)
        removed = wait_state(teacher, "s.students === '2' && s.answers === '4' && s.dots === 4 && s.rows === 2")
        assert removed["names"] == list(NICKNAMES[:2])
        students[2].get_by_role("button", name="Dark reads better", exact=True).click()
        students[2].get_by_text("Your teacher removed you from room").wait_for(timeout=30_000)
        assert "room=" not in students[2].url

        for student in students:
            assert key not in student.content()
            assert key not in student.url
        assert student_frames and not any(key.encode() in f for f in student_frames)


def test_a_student_who_reloads_sits_back_down_in_the_same_seat_and_one_who_leaves_does_not(class_server, browser):
    """The seat is kept in the browser's cookie for the room, not in the link: a reload (a new session) finds it, a
    copy of the link in another browser does not, and leaving the room forgets it."""
    db = store.Store(class_server.database_url)
    code, key = db.create_room()
    try:
        with browsers(browser, 2) as (student, friend):
            student.goto(f"{class_server.url}/teach?room={code}")
            student.get_by_text(re.compile("You are invited to class room")).wait_for(timeout=60_000)
            wait_for_app(student)
            student.get_by_label("Nickname (optional)").fill("Ann")
            student.get_by_label("Nickname (optional)").press("Enter")
            wait_for_app(student)
            student.get_by_role("button", name="Join room").click()
            student.get_by_role("button", name="Leave the room").wait_for(timeout=30_000)
            answer(student, 0)
            seat_cookie = next(c for c in student.context.cookies() if c["name"] == f"fontnet_seat_{code}")
            assert seat_cookie["value"] == db.students(code, key)[0].id and seat_cookie["sameSite"] == "Lax"
            assert seat_cookie["value"] not in student.url          # the link carries no seat

            student.reload()
            student.get_by_text("Welcome back").wait_for(timeout=60_000)
            wait_for_app(student)
            assert_accessible(student, "Teach in a room, back in the same seat")
            assert student.locator("#class-status").get_attribute("data-saved") == "1"
            answer(student, 1)
            assert [(s.nickname, s.answers) for s in db.students(code, key)] == [("Ann", 2)]

            friend.goto(student.url)                                # the same link in another browser: a seat of its own
            friend.get_by_text(re.compile("You are invited to class room")).wait_for(timeout=60_000)
            wait_for_app(friend)
            assert friend.get_by_text("Welcome back").count() == 0

            student.get_by_role("button", name="Leave the room").click()
            student.wait_for_function(f"() => !document.cookie.includes('fontnet_seat_{code}=')", timeout=30_000)
            student.goto(f"{class_server.url}/teach?room={code}")   # following the room link again: invited afresh
            student.get_by_text(re.compile("You are invited to class room")).wait_for(timeout=60_000)
            assert len(db.students(code, key)) == 1
    finally:
        db.close()


def test_the_teachers_address_bar_never_shows_the_key_and_a_reload_stays_the_teacher_page(class_server, browser):
    """A projected page shows its address bar: the key leaves the address once read, and the teacher's browser keeps
    it in a cookie for the room, so a reload (a new session) is still the teacher's page. Another browser given
    the address without the key is pointed to Teach; deleting the room forgets the key."""
    db = store.Store(class_server.database_url)
    code, key = db.create_room()
    try:
        with browsers(browser, 2) as (teacher, other):
            teacher.goto(f"{class_server.url}/class?room={code}&key={key}")   # the bookmarked teacher link
            teacher.locator("#class-code").wait_for(timeout=60_000)
            wait_for_app(teacher)
            teacher.wait_for_function("() => !location.search.includes('key=')", timeout=30_000)
            assert f"room={code}" in teacher.url and key not in teacher.url
            kept = next(c for c in teacher.context.cookies() if c["name"] == f"fontnet_key_{code}")
            assert kept["value"] == key and kept["sameSite"] == "Lax"

            teacher.reload()
            teacher.locator("#class-code").wait_for(timeout=60_000)
            wait_for_app(teacher)
            wait_state(teacher, "s.answers === '0' && s.polls >= 1")
            assert key not in teacher.url and teacher.get_by_role("switch", name="Room open").is_checked()
            assert_accessible(teacher, "Class, the teacher's page after a reload")

            other.goto(teacher.url)   # what a projected address bar would give a student: no room to run
            other.get_by_text(re.compile("This page runs room .* for its teacher")).wait_for(timeout=60_000)
            wait_for_app(other)
            assert other.locator("#class-code").count() == 0 and key not in other.content()

            teacher.get_by_role("button", name="Delete the room…").click()
            teacher.get_by_role("button", name="Delete for good").click()
            teacher.get_by_text(re.compile(f"Room {store.display_code(code)} is deleted")).wait_for(timeout=30_000)
            teacher.wait_for_function(f"() => !document.cookie.includes('fontnet_key_{code}=')", timeout=30_000)
    finally:
        db.close()


# The teacher's screen as a class sees it: the smallest school laptop (or a projector) with the sidebar open, a
# common laptop, a laptop's window at half its width (sidebar open), and a phone. On a narrow one the panel stacks
# its charts, so the students table has the page's width; it used to scroll sideways in a fifth of a 1,024-pixel
# screen, its scores out of sight. In the half-width window, the download button's words were cut short in a
# column of two (207 px in 186).
TEACHER_SCREENS = {"1024x768": ({"viewport": {"width": 1024, "height": 768}}, "narrow"),
                   "820x900 window": ({"viewport": {"width": 820, "height": 900}}, "narrow"),
                   "1280x800": ({"viewport": {"width": 1280, "height": 800}}, "wide"),
                   "phone": (PHONE, "narrow")}
PANEL_FITS = ("() => { const grid = document.querySelector('" + PANEL + " .fontnet-live-grid');"
              " const table = grid.querySelector('[data-chart=students] [data-rows]');"
              " const map = grid.querySelector('[data-chart=map] canvas');"
              " return {layout: grid.dataset.layout, table: [table.scrollWidth, table.clientWidth],"
              " map: Math.round(map.getBoundingClientRect().width), grid: grid.clientWidth}; }")


@pytest.mark.parametrize("screen", sorted(TEACHER_SCREENS))
def test_the_teachers_room_shows_every_students_scores_whole_on_a_laptop_and_a_phone(class_server, browser, screen):
    options, layout = TEACHER_SCREENS[screen]
    db = store.Store(class_server.database_url)
    code, key = db.create_room()
    names = ("Maximilian-Alexandraaaaa", "Bo")   # the longest nickname there is, with no space to wrap at
    for i, name in enumerate(names):
        db.join(code, f"s{i}", name)
        for j, rgb in enumerate([(250, 250, 250), (10, 10, 10), (130, 130, 130)][: 3 - i]):
            db.add_answer(code, f"s{i}", f"a{j}", rgb, int(sum(rgb) > 384))
    context = browser.new_context(**options)
    teacher = context.new_page()
    try:
        teacher.goto(f"{class_server.url}/class?room={code}&key={key}")
        wait_state(teacher, "s.answers === '5' && s.rows === 2")
        wait_for_app(teacher)
        teacher.wait_for_function(f"() => document.querySelector('{PANEL} .fontnet-live-grid')?.dataset.layout "
                                  f"=== '{layout}'", timeout=30_000)
        fits = teacher.evaluate(PANEL_FITS)
        assert fits["table"][0] <= fits["table"][1] + 1, fits     # the table's every column is in view
        if layout == "narrow":
            assert fits["map"] >= fits["grid"] - 1, fits          # the map as wide as the panel
        assert state(teacher)["names"] == list(names)
        assert teacher.locator(f"{PANEL} .fontnet-table-more").is_hidden()   # two students: nothing to scroll
        assert cut_short(teacher) == []
        over = horizontal_overflow(teacher)
        assert over["where"]["document"] == 0 and over["where"]["main"] == 0, over
        assert_accessible(teacher, f"Class, a room at {screen}")
    finally:
        context.close()
        db.close()


# A class of thirty: the table of students scrolls in its own box (about ten rows) under headings that stay in
# view, a line under it says so, and where the class disagrees stays beside the map. Before, the table ran 1,700
# px down the page on a laptop, and the disagreements sat under its last row, far below the map.
CLASS_TABLE = ("() => { const box = document.querySelector('" + PANEL + " [data-chart=students] [data-rows]');"
               " const r = e => e.getBoundingClientRect();"
               " const map = r(document.querySelector('" + PANEL + " [data-chart=map] canvas'));"
               " const splits = r(document.querySelector('" + PANEL + " [data-chart=splits]'));"
               " const rows = [...box.querySelectorAll('tbody tr')]; const last = r(rows[rows.length - 1]);"
               " const more = document.querySelector('" + PANEL + " .fontnet-table-more');"
               " return {scroll: [box.scrollTop, box.scrollHeight, box.clientHeight], focused: document.activeElement === box,"
               " label: box.getAttribute('aria-label'), role: box.getAttribute('role'),"
               " head: Math.round(r(box.querySelector('th')).top - r(box).top),"
               " last_in_view: last.bottom <= r(box).bottom + 1 && last.top >= r(box).top + r(box.querySelector('th')).height - 1,"
               " splits_top: Math.round(splits.top), map_bottom: Math.round(map.bottom),"
               " more: more && !more.hidden ? more.textContent : null,"
               " one_line: rows.map(tr => Math.round(r(tr.cells[0]).height)).every(h => h < 40)}; }")


def test_a_class_of_thirty_scrolls_its_table_of_students_beside_the_map(class_server, browser):
    db = store.Store(class_server.database_url)
    code, key = db.create_room()
    for i in range(30):
        db.join(code, f"s{i}", f"Student {i + 1}")
        db.add_answer(code, f"s{i}", "a0", (8 * i, 255 - 8 * i, 120), i % 2)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    teacher = context.new_page()
    try:
        teacher.goto(f"{class_server.url}/class?room={code}&key={key}")
        wait_state(teacher, "s.answers === '30' && s.rows === 30")
        wait_for_app(teacher)
        teacher.locator(f"{PANEL} .fontnet-table-more:not([hidden])").wait_for(timeout=30_000)
        seen = teacher.evaluate(CLASS_TABLE)
        top, height, shown = seen["scroll"]
        assert top == 0 and height > 2 * shown and shown < 400, seen          # a box of about ten rows
        assert seen["more"] == "Scroll the table to see every student.", seen
        assert seen["splits_top"] < seen["map_bottom"], seen                  # disagreements beside the map
        assert seen["one_line"], seen                                         # "Student 12" on one line
        assert seen["role"] == "region" and seen["label"] == "Each student", seen
        assert not seen["last_in_view"], seen
        # the map's key sits right under the map, each line's sample in the map's colours
        key = teacher.evaluate("() => { const map = document.querySelector('" + PANEL + " [data-chart=map]');"
                               " const key = map.querySelector('.fontnet-map-legend');"
                               " return {gap: key.getBoundingClientRect().top - map.querySelector('canvas')"
                               ".getBoundingClientRect().bottom, text: key.innerText,"
                               " lines: [...key.querySelectorAll('line')].map(l => [l.getAttribute('stroke'),"
                               " l.getAttribute('stroke-dasharray')])}; }")
        assert 0 <= key["gap"] <= 12, key
        assert "the formula's boundary" in key["text"] and "class network: P(dark) = 0.5" in key["text"], key
        assert key["lines"] == [[FORMULA_LINE, ""], [NETWORK_LINE, "6 4"]], key

        # by keyboard: the box takes focus and End scrolls it to the last student, under headings still in view
        box = teacher.locator(f"{PANEL} [data-chart=students] [data-rows]")
        box.focus()
        teacher.keyboard.press("End")
        teacher.wait_for_function("() => { const b = document.querySelector('" + PANEL + " [data-chart=students] "
                                  "[data-rows]'); return b.scrollTop > 0 && b.scrollTop + b.clientHeight >= "
                                  "b.scrollHeight - 1; }", timeout=30_000)
        seen = teacher.evaluate(CLASS_TABLE)
        assert seen["focused"] and seen["last_in_view"], seen
        assert abs(seen["head"]) <= 1, seen                                   # the headings stay at its top
        assert state(teacher)["names"][-1] == "Student 30"
        assert cut_short(teacher) == []
        assert_accessible(teacher, "Class, a room of thirty")
    finally:
        context.close()
        db.close()
