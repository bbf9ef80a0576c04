"""The Teach page in a class room (AppTest): joining by link or by code, answers saved to the class, the teacher's
settings honoured, bad and closed rooms, a database out of reach, and a resend that stores nothing twice."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app import classroom
from app.text import md_literal
from fontnet import store, teach
from tests.page_helpers import click, cookie_asked, no_exception, open_page, shown, walk, with_cookies
from tests.store_helpers import BACKENDS, app_database, database_url, unreachable_url

ROOT = Path(__file__).resolve().parents[1]
PAGE = "app_pages/teach.py"


@pytest.fixture
def db(class_db):
    return class_db


def page(**query) -> AppTest:
    return open_page(PAGE, **query)


def seat(at) -> classroom.Seat:
    return at.session_state["teach_seat"]


def question(at) -> tuple[int, int, int]:
    return at.session_state["teach_question"]


def status(at) -> dict:
    """The class status line's numbers: the room, answers saved to the class, answers pending."""
    line = next(m.value for m in at.markdown if 'id="class-status"' in m.value)
    return {k: v for k, v in re.findall(r'data-(room|saved|pending)="([^"]*)"', line)} | {"text": line}


def join(at, nickname: str = "") -> AppTest:
    at.text_input(key="teach_nickname").input(nickname)
    return click(at, "Join room")


def button_labels(at) -> list[str]:
    return [b.label for b in at.button]


def every_text(at) -> str:
    """Everything the page's last run sent the browser, as text: each element's and block's message."""
    return "\n".join(str(node.proto) for node in walk(at._tree) if getattr(node, "proto", None) is not None)


def test_a_student_link_invites_joins_with_a_nickname_and_saves_each_answer_to_the_class(db):
    code, key = db.create_room()
    at = page(room=store.display_code(code).lower())
    no_exception(at)
    assert any(f"class room **{store.display_code(code)}**" in i.value for i in at.info)
    assert at.query_params["room"] == code                     # the link keeps the code in its usual form
    join(at, "  Ann  ")
    no_exception(at)
    assert any("You joined room" in shown(s) and "as Ann" in shown(s) for s in at.success)
    first = question(at)
    click(at, "Dark reads better")
    second = question(at)
    click(at, "Light reads better")
    no_exception(at)
    stored = db.answers(code, key)
    assert [(a.rgb, a.label) for a in stored] == [(first, 1), (second, 0)]
    assert [(s.nickname, s.answers) for s in db.students(code, key)] == [("Ann", 2)]
    line = status(at)
    assert (line["room"], line["saved"], line["pending"]) == (code, "2", "0")
    assert f"Saved to the class: 2 of your answers are in room {store.display_code(code)}." in line["text"]
    assert [(a.rgb, a.label) for a in at.session_state["teach_answers"]] == [(first, 1), (second, 0)]   # and here


def test_answering_without_joining_joins_without_a_nickname(db):
    code, key = db.create_room()
    at = page(room=code)
    click(at, "Dark reads better")
    no_exception(at)
    assert [(s.nickname, s.answers) for s in db.students(code, key)] == [("", 1)]
    assert "Join room" not in button_labels(at) and "Leave the room" in button_labels(at)


def test_a_reload_sits_the_student_back_in_their_seat_with_their_nickname_and_answers(db, monkeypatch):
    code, key = db.create_room()
    at = join(page(room=code), "Ann")
    kept = cookie_asked(at)
    assert kept == {"name": f"fontnet_seat_{code}", "value": seat(at).student, "maxAge": 30 * 86_400}
    click(at, "Dark reads better")

    with_cookies(monkeypatch, {kept["name"]: kept["value"], "other": "x"})
    again = page(room=code)          # a reload: a new session, the same browser
    no_exception(again)
    assert seat(again).joined and seat(again).student == kept["value"]
    assert "Join room" not in button_labels(again) and "Leave the room" in button_labels(again)
    assert any("Welcome back" in m.value and "as **Ann**" in m.value for m in again.markdown)
    assert status(again)["saved"] == "1"
    click(again, "Light reads better")
    no_exception(again)
    assert [(s.nickname, s.answers) for s in db.students(code, key)] == [("Ann", 2)]   # one seat, not two
    assert not any("Welcome back" in m.value for m in again.markdown)   # answering in it made it theirs
    assert cookie_asked(again)["value"] == kept["value"]


def test_someone_else_at_the_same_browser_takes_a_new_seat(db, monkeypatch):
    code, key = db.create_room()
    first = join(page(room=code), "Ann")
    kept = cookie_asked(first)
    with_cookies(monkeypatch, {kept["name"]: kept["value"]})
    at = page(room=code)
    click(at, "Not you? Take a new seat")
    no_exception(at)
    assert not seat(at).joined and seat(at).student != kept["value"]
    assert any(f"class room **{store.display_code(code)}**" in i.value for i in at.info)   # invited afresh
    join(at, "Bo")
    click(at, "Dark reads better")
    assert [(s.nickname, s.answers) for s in db.students(code, key)] == [("Ann", 0), ("Bo", 1)]
    assert cookie_asked(at)["value"] == seat(at).student


def test_a_seat_the_store_cannot_confirm_now_is_still_the_same_seat_when_joined_later(db, monkeypatch):
    code, key = db.create_room()
    kept = cookie_asked(join(page(room=code), "Ann"))
    with_cookies(monkeypatch, {kept["name"]: kept["value"]})
    real = store.Store.student

    def away(self, *args):
        raise store.StoreUnavailable("could not reach the class database")

    monkeypatch.setattr(store.Store, "student", away)   # the room is read, the seat cannot be checked
    at = page(room=code)
    no_exception(at)
    assert not seat(at).joined and "Join room" in button_labels(at)
    monkeypatch.setattr(store.Store, "student", real)
    join(at, "Ann B.")
    assert [(s.id, s.nickname) for s in db.students(code, key)] == [(kept["value"], "Ann B.")]   # one seat
    # the same again, joining without typing a nickname: the seat keeps the one it has
    monkeypatch.setattr(store.Store, "student", away)
    at = page(room=code)
    assert not seat(at).joined
    monkeypatch.setattr(store.Store, "student", real)
    join(at, "")
    assert [(s.id, s.nickname) for s in db.students(code, key)] == [(kept["value"], "Ann B.")]
    assert seat(at).nickname == "Ann B."
    assert any("as **Ann B.**" in re.sub(r"\\(.)", r"\1", m.value) for m in [*at.markdown, *at.success, *at.info])


@pytest.mark.parametrize("value", ["not-a-student-of-this-room", "bad value!", ""])
def test_a_seat_cookie_the_room_does_not_know_gives_the_usual_invitation(db, monkeypatch, value):
    code, key = db.create_room()
    other, _ = db.create_room()
    db.join(other, "elsewhere", "Cy")
    with_cookies(monkeypatch, {f"fontnet_seat_{code}": value, f"fontnet_seat_{other}": "elsewhere"})
    at = page(room=code)
    no_exception(at)
    assert not seat(at).joined and "Join room" in button_labels(at)
    assert cookie_asked(at) is None          # nothing to keep before joining
    assert db.students(code, key) == []


def test_leaving_the_room_forgets_the_seat_in_this_browser(db, monkeypatch):
    code, key = db.create_room()
    at = join(page(room=code), "Ann")
    kept = cookie_asked(at)
    click(at, "Leave the room")
    assert cookie_asked(at) == {"name": kept["name"], "value": "", "maxAge": 0}
    at.run()
    assert cookie_asked(at) is None          # said once
    with_cookies(monkeypatch, {})            # the browser forgot it: following the room link again invites afresh
    assert not seat(page(room=code)).joined


def test_typing_the_code_of_a_room_this_browser_sat_in_keeps_the_seat_and_its_nickname(db, monkeypatch):
    code, key = db.create_room()
    kept = cookie_asked(join(page(room=code), "Ann"))
    with_cookies(monkeypatch, {kept["name"]: kept["value"]})
    at = page()
    at.text_input(key="teach_join_code").input(store.display_code(code))
    click(at, "Join")
    no_exception(at)
    assert seat(at).student == kept["value"]
    assert [(s.id, s.nickname) for s in db.students(code, key)] == [(kept["value"], "Ann")]


@pytest.mark.parametrize("raw, says", [
    ("K0F3QX", "room='K0F3QX' is not a room code: it has '0'"),
    ("<b>x</b>", "is not a room code"),
])
def test_a_malformed_code_in_the_link_gets_a_notice_and_teach_works_alone(db, raw, says):
    at = page(room=raw)
    no_exception(at)
    assert any(says in shown(w) and "using no room" in shown(w) for w in at.warning)
    assert "teach_seat" not in at.session_state and "room" not in at.query_params
    click(at, "Dark reads better")
    no_exception(at)
    assert len(at.session_state["teach_answers"]) == 1
    assert not any('id="class-status"' in m.value for m in at.markdown)


def test_a_room_that_does_not_exist_or_is_closed_gets_a_notice_and_teach_works_alone(db):
    code, key = db.create_room()
    db.delete_room(code, key)
    at = page(room=code)
    no_exception(at)
    assert any(f"there is no room {store.display_code(code)}" in shown(w) for w in at.warning)
    assert "room" not in at.query_params and "teach_seat" not in at.session_state
    closed, key = db.create_room()
    db.set_open(closed, key, False)
    at = page(room=closed)
    assert any(f"room {store.display_code(closed)} is closed: ask your teacher to open it" in shown(w)
               for w in at.warning)
    click(at, "Light reads better")
    no_exception(at)
    assert len(at.session_state["teach_answers"]) == 1 and db.answers(closed, key) == []


def test_a_room_closed_while_answering_refuses_the_answer_with_a_notice_and_keeps_it_here(db):
    code, key = db.create_room()
    at = join(page(room=code), "Bo")
    click(at, "Dark reads better")
    db.set_open(code, key, False)
    click(at, "Light reads better")
    no_exception(at)
    assert any(f"Room {store.display_code(code)} is closed, so your answer was not saved to the class" in shown(w)
               for w in at.warning)
    assert len(db.answers(code, key)) == 1 and len(at.session_state["teach_answers"]) == 2
    assert status(at)["saved"] == "1" and "Send again" not in " ".join(button_labels(at))
    db.set_open(code, key, True)                       # open again: the next answer goes to the class
    click(at, "Dark reads better")
    assert len(db.answers(code, key)) == 2 and status(at)["saved"] == "2"


def test_a_room_deleted_while_answering_is_left_with_a_notice(db):
    code, key = db.create_room()
    at = join(page(room=code), "Jo")
    click(at, "Dark reads better")
    db.delete_room(code, key)
    at.run()
    no_exception(at)
    assert any(f"Room {store.display_code(code)} no longer exists" in shown(w) for w in at.warning)
    assert "teach_seat" not in at.session_state and "room" not in at.query_params
    click(at, "Light reads better")
    no_exception(at)
    assert len(at.session_state["teach_answers"]) == 2


def test_typing_a_code_joins_and_a_mistyped_one_gets_a_clear_message(db):
    code, key = db.create_room()
    at = page()
    at.text_input(key="teach_join_code").input("k0f-3qx")
    click(at, "Join")
    no_exception(at)
    assert any("You did not join a class: 'k0f-3qx' is not a room code" in shown(e)
               and "never use 0, O, 1, I or L" in shown(e) for e in at.error)
    assert "teach_seat" not in at.session_state
    other = next(c for c in iter(store.new_code, "") if c != code)
    at.text_input(key="teach_join_code").input(other)
    click(at, "Join")
    assert any(f"there is no room {store.display_code(other)}" in shown(e) for e in at.error)
    at.text_input(key="teach_join_code").input(store.display_code(code).lower())
    at.text_input(key="teach_nickname").input("Cy")
    click(at, "Join")
    no_exception(at)
    assert seat(at).joined and at.query_params["room"] == code
    assert [s.nickname for s in db.students(code, key)] == ["Cy"]
    click(at, "Leave the room")
    assert "teach_seat" not in at.session_state and "room" not in at.query_params
    click(at, "Dark reads better")
    assert len(db.answers(code, key)) == 0   # left: answers stay here only


def test_the_teachers_settings_hide_the_guess_choose_the_questions_and_show_counts(db):
    code, key = db.create_room(ask="random", show_guess=False)
    at = join(page(room=code, ask="active"), "Di")
    assert not [t for t in at.toggle if t.key == "teach_show_guess"]          # no control, words instead
    assert any("Your teacher hides the network's guess in this room" in m.value for m in at.markdown)
    assert not [r for r in at.radio if r.key == "teach.ask"]
    assert any(m.value.startswith("**Next colour**: uniformly random") and "as your teacher chose" in m.value for m in at.markdown)
    assert seat(at).room.ask == "random"
    assert not any("The class so far" in c.value for c in at.caption)
    click(at, "Dark reads better")
    db.set_show_guess(code, key, True)
    db.set_ask_mode(code, key, "active")
    db.set_show_counts(code, key, True)
    db.join(code, "other", "Eve")
    at.run()
    assert not at.toggle(key="teach_show_guess").value
    assert any(m.value.startswith("**Next colour**: where the network is least sure") for m in at.markdown)
    assert any("The class so far: 2 students, 1 answer." in c.value for c in at.caption)
    at.toggle(key="teach_show_guess").set_value(True)
    at.run()
    assert any(teach.guess(at.session_state["teach_net"], question(at)).sentence() in m.value for m in at.markdown)
    db.set_show_guess(code, key, False)   # hidden again: no guess, and the toggle comes back switched off
    at.run()
    assert not [t for t in at.toggle if t.key == "teach_show_guess"]
    assert not any("I think you will pick" in m.value for m in at.markdown)
    db.set_show_guess(code, key, True)
    at.run()
    assert at.toggle(key="teach_show_guess").value is False


def test_answering_too_fast_keeps_the_answer_and_send_again_sends_it(db, monkeypatch):
    monkeypatch.setattr(store, "ANSWERS_PER_MINUTE", 1)
    code, key = db.create_room()
    at = join(page(room=code), "Fay")
    click(at, "Dark reads better")
    click(at, "Light reads better")
    no_exception(at)
    assert any("Not saved to the class yet: that is 1 answers within a minute" in shown(w) for w in at.warning)
    assert status(at)["pending"] == "1" and len(db.answers(code, key)) == 1
    monkeypatch.setattr(store, "ANSWERS_PER_MINUTE", 60)
    click(at, "Send again (1 not saved yet)")
    no_exception(at)
    assert len(db.answers(code, key)) == 2 and status(at)["pending"] == "0"


def test_a_database_out_of_reach_keeps_the_answer_pending_and_send_again_stores_it_once(db, monkeypatch):
    code, key = db.create_room()
    at = join(page(room=code), "Gus")
    url = store.default_url()
    monkeypatch.setenv(store.URL_ENV, unreachable_url())   # the database goes away
    before = question(at)
    click(at, "Dark reads better")
    no_exception(at)
    assert any(classroom.UNAVAILABLE in shown(e) for e in at.error)
    assert status(at)["saved"] == "0" and status(at)["pending"] == "1"
    assert "Saved to the class" not in status(at)["text"]
    assert at.session_state["teach_answers"][-1].rgb == before          # kept on the page
    assert db.answers(code, key) == []
    click(at, "Send again (1 not saved yet)")                            # still away: still pending
    assert status(at)["pending"] == "1" and db.answers(code, key) == []
    monkeypatch.setenv(store.URL_ENV, url)                               # back
    click(at, "Send again (1 not saved yet)")
    no_exception(at)
    assert [(a.rgb, a.label) for a in db.answers(code, key)] == [(before, 1)]
    assert status(at)["saved"] == "1" and status(at)["pending"] == "0" and not at.error


def test_undo_takes_the_answer_back_from_the_class_too(db):
    code, key = db.create_room()
    at = join(page(room=code), "Ann")
    first = question(at)
    click(at, "Dark reads better")
    second = question(at)
    click(at, "Light reads better")
    click(at, "Undo")
    no_exception(at)
    assert [(a.rgb, a.label) for a in db.answers(code, key)] == [(first, 1)]   # the second is gone from the class
    assert db.room_status(code).answers == 1 and status(at)["saved"] == "1"
    assert any(f"Taken back from the class too: that answer (room {store.display_code(code)})" in shown(i)
               for i in at.info)
    assert question(at) == second                                             # asked again, as without a room
    click(at, "Dark reads better")
    assert [(a.rgb, a.label) for a in db.answers(code, key)] == [(first, 1), (second, 1)]


def test_removing_answers_takes_them_back_from_the_class_too(db):
    code, key = db.create_room()
    at = join(page(room=code), "Ann")
    given = []
    for k in range(4):
        given.append(question(at))
        click(at, "Dark reads better" if k % 2 == 0 else "Light reads better")
    at.multiselect(key="teach_remove").select(1).select(3)
    click(at, "Remove")
    no_exception(at)
    assert [a.rgb for a in db.answers(code, key)] == [given[0], given[2]]
    assert any("Taken back from the class too: 2 answers" in shown(i) for i in at.info)
    assert status(at)["saved"] == "2"
    click(at, "Remove all")
    assert db.answers(code, key) == [] and db.room_status(code).answers == 0 and status(at)["saved"] == "0"
    assert [(s.nickname, s.answers) for s in db.students(code, key)] == [("Ann", 0)]   # still in the room


def test_undo_in_a_closed_room_says_the_class_keeps_the_answer(db):
    code, key = db.create_room()
    at = join(page(room=code), "Ann")
    click(at, "Dark reads better")
    click(at, "Light reads better")
    db.set_open(code, key, False)
    click(at, "Undo")
    no_exception(at)
    assert any("Changed on this page only: room" in shown(i) and "the class keeps that answer" in shown(i)
               for i in at.info)
    assert len(db.answers(code, key)) == 2 and len(at.session_state["teach_answers"]) == 1
    assert status(at)["pending"] == "0"   # nothing waits: the teacher froze the answers


def test_undo_without_the_database_waits_and_takes_the_answer_back_once_it_answers(db, monkeypatch):
    code, key = db.create_room()
    at = join(page(room=code), "Ann")
    click(at, "Dark reads better")
    first = at.session_state["teach_answers"][0].rgb
    click(at, "Light reads better")
    url = store.default_url()
    monkeypatch.setenv(store.URL_ENV, unreachable_url())   # the database goes away
    click(at, "Undo")
    no_exception(at)
    assert any("cannot be reached right now, so the class still has that answer" in shown(w) for w in at.warning)
    assert len(db.answers(code, key)) == 2 and len(at.session_state["teach_answers"]) == 1
    assert status(at)["pending"] == "1" and status(at)["saved"] == "2"
    click(at, "Send again (1 to take back)")                       # still away: still waiting
    assert status(at)["pending"] == "1" and len(db.answers(code, key)) == 2
    monkeypatch.setenv(store.URL_ENV, url)                         # back
    click(at, "Send again (1 to take back)")
    no_exception(at)
    assert [a.rgb for a in db.answers(code, key)] == [first] and db.room_status(code).answers == 1
    assert status(at)["pending"] == "0" and status(at)["saved"] == "1"
    assert any("Taken back from the class too: that answer" in shown(i) for i in at.info)


def test_a_take_back_waiting_goes_in_its_turn_with_the_answers_around_it(db, monkeypatch):
    """Answers and take-backs made while the database is away reach the class in the order they were made: the
    class ends up holding what the page holds."""
    code, key = db.create_room()
    at = join(page(room=code), "Ann")
    click(at, "Dark reads better")
    url = store.default_url()
    monkeypatch.setenv(store.URL_ENV, unreachable_url())
    click(at, "Dark reads better")      # waits
    click(at, "Light reads better")     # waits
    click(at, "Undo")                   # the last one: only dropped here, it never left
    at.multiselect(key="teach_remove").set_value([0])   # the first, saved before: taken back, later
    click(at, "Remove")
    assert status(at)["pending"] == "2"   # one answer to send, one take-back
    assert any("so the class still has the answers you took back" in shown(w) for w in at.warning)
    assert "Send again (1 not saved yet, 1 to take back)" in button_labels(at)
    monkeypatch.setenv(store.URL_ENV, url)
    click(at, "Send again (1 not saved yet, 1 to take back)")
    no_exception(at)
    held = sorted((a.rgb, a.label) for a in at.session_state["teach_answers"])
    assert sorted((a.rgb, a.label) for a in db.answers(code, key)) == held and len(held) == 1
    assert status(at)["pending"] == "0" and status(at)["saved"] == "1"


def test_undo_of_an_answer_still_pending_means_the_class_never_gets_it(db, monkeypatch):
    code, key = db.create_room()
    at = join(page(room=code), "Ann")
    url = store.default_url()
    monkeypatch.setenv(store.URL_ENV, unreachable_url())
    click(at, "Dark reads better")
    assert status(at)["pending"] == "1"
    monkeypatch.setenv(store.URL_ENV, url)
    click(at, "Undo")
    no_exception(at)
    assert status(at)["pending"] == "0" and db.answers(code, key) == []
    assert any("Taken back before the class had it" in shown(i) for i in at.info)


def test_a_student_the_teacher_removed_is_told_on_their_next_answer_and_carries_on_alone(db, monkeypatch):
    code, key = db.create_room()
    at = join(page(room=code), "Troll")
    kept = cookie_asked(at)
    click(at, "Dark reads better")
    db.remove_student(code, key, seat(at).student)
    click(at, "Light reads better")
    no_exception(at)
    assert any("Your teacher removed you from room" in shown(w) and "your answer was not saved" in shown(w)
               for w in at.warning)
    assert "teach_seat" not in at.session_state and "room" not in at.query_params
    assert db.answers(code, key) == [] and len(at.session_state["teach_answers"]) == 2   # kept here
    click(at, "Dark reads better")                     # Teach goes on, alone
    no_exception(at)
    assert len(at.session_state["teach_answers"]) == 3 and db.answers(code, key) == []

    with_cookies(monkeypatch, {kept["name"]: kept["value"]})   # the same browser, back through the link
    again = page(room=code)
    no_exception(again)
    assert any("your teacher removed you from room" in shown(w) and "to join later" not in shown(w)
               for w in again.warning)
    assert "teach_seat" not in again.session_state and "room" not in again.query_params
    again.text_input(key="teach_join_code").input(code)         # or by typing the code
    click(again, "Join")
    assert any("You did not join a class: your teacher removed you" in shown(e) for e in again.error)
    assert db.students(code, key) == []


def test_a_resend_after_a_lost_acknowledgement_stores_nothing_twice(db):
    code, key = db.create_room()
    s = classroom.Seat(code)

    class LostReply:
        """The real store, whose reply to one add_answer is lost after it committed (a dropped connection)."""

        def __getattr__(self, name):
            return getattr(db, name)

        def add_answer(self, *args):
            db.add_answer(*args)
            raise store.StoreUnavailable("could not reach the class database")

    s.send(lambda: LostReply(), (10, 20, 30), 1)
    assert s.news == ("error", classroom.UNAVAILABLE) and len(s.pending) == 1 and s.saved == 0
    s.flush(lambda: db)
    assert s.pending == [] and s.saved == 1
    assert [(a.rgb, a.label) for a in db.answers(code, key)] == [((10, 20, 30), 1)]


def test_a_nickname_is_shown_as_typed_never_as_markup(db):
    code, key = db.create_room()
    nick = "<img src=x onerror=1>*b*"
    at = join(page(room=code), nick)
    no_exception(at)
    assert any(f"as **{md_literal(nick)}**" in m.value for m in at.markdown)
    assert md_literal(nick) == "\\<img src=x onerror=1\\>\\*b\\*"
    assert not any(re.search(r"(?<!\\)<img", m.value) for m in at.markdown)   # only ever escaped
    assert db.students(code, key)[0].nickname == nick


def test_a_students_page_never_holds_the_teacher_key(db):
    code, key = db.create_room()
    at = join(page(room=code), "Hal")
    click(at, "Dark reads better")
    db.set_show_counts(code, key, True)
    at.run()
    sent = every_text(at)
    assert code in sent and key not in sent
    assert key not in str(dict(at.query_params)) and key not in repr(dict(at.session_state))


@pytest.mark.parametrize("backend", BACKENDS)
def test_joining_and_answering_on_each_database(backend, tmp_path, monkeypatch):
    url = database_url(backend, tmp_path)
    for db in app_database(monkeypatch, url):
        code, key = db.create_room()
        at = join(page(room=code), "Ivy")
        click(at, "Dark reads better")
        click(at, "Light reads better")
        no_exception(at)
        assert [a.label for a in db.answers(code, key)] == [1, 0]
        assert status(at)["saved"] == "2"
