"""The Class page in Streamlit's AppTest: opening a room, its links and QR code, the teacher's controls, a wrong
key, a database out of reach, and the live panel's feed (only what is new, never a key)."""

import json
import os
import re
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from app import class_live
from fontnet import classroom, store
from fontnet.network import Network
from tests.page_helpers import click, cookie_asked, feed, no_exception, open_page, shown, with_cookies
from tests.store_helpers import unreachable_url

ROOT = Path(__file__).resolve().parents[1]
PAGE = "app_pages/class.py"
PANEL = "class_live"


@pytest.fixture
def db(class_db):
    return class_db


def page(**query) -> AppTest:
    return open_page(PAGE, **query)


def panel(at) -> dict:
    """What the last page run sent the live panel."""
    el = next(e for e in at.get("bidi_component") if e.proto.id.endswith(PANEL))
    return json.loads(el.proto.json)


def chart(answer: dict, name: str) -> dict | None:
    return next((c for c in answer["charts"] if c["name"] == name), None)


def stats(answer: dict) -> dict:
    return {i["key"]: i["value"] for i in chart(answer, "stats")["items"]}


def class_with(db, answers: dict[str, list[tuple[tuple[int, int, int], int]]], **room) -> tuple[str, str]:
    """A room whose students (by nickname; "" for none) gave these answers."""
    code, key = db.create_room(**room)
    for i, (name, given) in enumerate(answers.items()):
        db.join(code, f"s{i}", name)
        for j, (rgb, label) in enumerate(given):
            db.add_answer(code, f"s{i}", f"a{j}", rgb, label)
    return code, key


def test_opening_a_room_shows_the_code_the_student_link_with_its_qr_code_and_the_teacher_link(db):
    at = page()
    no_exception(at)
    assert at.title[0].value == "Class"
    click(at, "Open a room")
    no_exception(at)
    code = at.query_params["room"]
    assert "key" not in at.query_params   # the address bar never shows the key (a projected page would)
    [teacher] = [c.value for c in at.code if c.value.startswith(f"class?room={code}&key=")]
    key = teacher.split("&key=")[1]
    assert store.normalise_code(code) == code and store.check_key(key) == key
    assert cookie_asked(at) == {"name": f"fontnet_key_{code}", "value": key, "maxAge": 30 * 86_400}
    room = db.room_status(code)
    assert room.open and room.show_guess and not room.show_counts and room.ask == "active"
    big = next(m.value for m in at.markdown if 'id="class-code"' in m.value)
    assert f">{store.display_code(code)}</div>" in big
    qr = next(m.value for m in at.markdown if "fontnet-qr" in m.value)
    assert 'role="img"' in qr and f'aria-label="QR code of the student link teach?room={code}"' in qr
    assert "<svg" in qr and "<title>QR code of the student link" in qr
    codes = [c.value for c in at.code]
    assert f"teach?room={code}" in codes and f"class?room={code}&key={key}" in codes
    assert any("You joined" not in shown(s) and f"Room {store.display_code(code)} is open" in shown(s)
               for s in at.success)


def test_a_room_opened_with_choices_keeps_them(db):
    at = page()
    at.radio(key="class_new_ask").set_value("random")
    at.toggle(key="class_new_guess").set_value(False)
    at.toggle(key="class_new_counts").set_value(True)
    click(at.run(), "Open a room")
    room = db.room_status(at.query_params["room"])
    assert (room.ask, room.show_guess, room.show_counts) == ("random", False, True)


def test_opening_a_room_before_its_settings_are_drawn_uses_their_defaults(db, monkeypatch):
    """A first visit's light run draws "Open a room" before the new room's settings (app/first_paint.py): pressed
    then, the room opens with the defaults the settings show a moment later."""
    from app import first_paint

    monkeypatch.setattr(first_paint, "_has_browser", lambda: True)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.switch_page(PAGE).run()
    assert at.session_state[first_paint.LIGHT] and not at.radio and not at.toggle
    click(at, "Open a room")
    no_exception(at)
    room = db.room_status(at.query_params["room"])
    assert (room.ask, room.show_guess, room.show_counts) == ("active", True, False)


def test_the_wrong_key_shows_a_plain_message_and_nothing_of_the_room(db):
    code, key = class_with(db, {"Secret Sam": [((10, 20, 30), 1)]})
    at = page(room=code, key=store.new_key())
    no_exception(at)
    assert any("teacher key is not the key of room" in e.value for e in at.error)
    assert not at.get("bidi_component") and not at.code and not at.download_button
    assert "Secret Sam" not in str([m.value for m in at.markdown])
    assert "class_watch" not in at.session_state


def test_a_room_without_a_key_points_students_to_teach_and_a_gone_room_offers_a_new_one(db):
    code, key = db.create_room()
    at = page(room=code)
    no_exception(at)
    assert any(f"runs room {store.display_code(code)} for its teacher" in i.value for i in at.info)
    assert [b.label for b in at.button] == ["Open a room"]
    db.delete_room(code, key)
    at = page(room=code, key=key)
    no_exception(at)
    assert any(f"There is no room {store.display_code(code)}" in shown(w) for w in at.warning)
    assert "room" not in at.query_params and "key" not in at.query_params
    assert [b.label for b in at.button] == ["Open a room"]
    # without the key too: a room that is gone is not offered to students
    at = page(room=code)
    no_exception(at)
    assert any(f"There is no room {store.display_code(code)}" in shown(w) for w in at.warning)
    assert not any("for its teacher" in i.value for i in at.info)
    assert "room" not in at.query_params and [b.label for b in at.button] == ["Open a room"]


def test_a_room_without_a_key_is_still_pointed_to_when_the_database_cannot_say(db, monkeypatch):
    code, _ = db.create_room()
    monkeypatch.setenv(store.URL_ENV, unreachable_url())
    at = page(room=code)
    no_exception(at)
    assert any(f"runs room {store.display_code(code)} for its teacher" in i.value for i in at.info)
    assert at.query_params["room"] == code and [b.label for b in at.button] == ["Open a room"]


def test_a_database_out_of_reach_gives_a_plain_message(db, monkeypatch):
    code, key = db.create_room()
    monkeypatch.setenv(store.URL_ENV, unreachable_url())
    at = page(room=code, key=key)
    no_exception(at)
    assert any("The class cannot be shown right now: could not reach the class database" in shown(e)
               for e in at.error)
    # the address has dropped the key, and the page asks for a reload: this browser keeps the key for it
    assert "key" not in at.query_params
    assert cookie_asked(at) == {"name": f"fontnet_key_{code}", "value": key, "maxAge": 30 * 86_400}
    at = page()
    click(at, "Open a room")
    no_exception(at)
    assert any("No room was opened: could not reach the class database" in shown(e) for e in at.error)


def test_a_database_lost_while_the_room_is_shown_keeps_the_room_on_screen(db, monkeypatch):
    code, key = class_with(db, {"Ann": [((250, 250, 250), 1), ((5, 5, 5), 0)]})
    at = page(room=code, key=key)
    before, good = panel(at), os.environ[store.URL_ENV]
    monkeypatch.setenv(store.URL_ENV, unreachable_url())
    at.toggle(key="class_guess").set_value(False).run()   # the teacher changes a setting meanwhile
    no_exception(at)
    assert any("That did not change: could not reach the class database" in shown(e) for e in at.error)
    assert any("cannot be reached right now" in shown(w) and "as it was last read" in shown(w) for w in at.warning)
    assert not any("cannot be shown right now" in shown(e) for e in at.error)
    # the code, the links, the controls (as the room last was) and the panel with its answers are all still there
    assert any(store.display_code(code) in m.value for m in at.markdown)
    assert at.toggle(key="class_guess").value is True and at.toggle(key="class_open").value is True
    assert panel(at)["charts"] == before["charts"] and "feed" in panel(at)
    assert [b.label for b in at.button if b.label == "Use the class network"]
    monkeypatch.setenv(store.URL_ENV, good)   # the database answers again: the page is as before, with no warning
    at.run()
    no_exception(at)
    assert not at.warning and db.room_status(code).show_guess


def test_each_teacher_control_changes_the_room(db):
    code, key = db.create_room()
    at = page(room=code, key=key)
    at.toggle(key="class_guess").set_value(False).run()
    assert not db.room_status(code).show_guess
    at.toggle(key="class_counts").set_value(True).run()
    assert db.room_status(code).show_counts
    at.radio(key="class_ask").set_value("random").run()
    assert db.room_status(code).ask == "random"
    at.toggle(key="class_open").set_value(False).run()
    no_exception(at)
    assert not db.room_status(code).open
    assert any("The room is closed" in i.value for i in at.info)
    assert "feed" not in panel(at)                   # a closed room's panel does not poll
    assert feed(at, PANEL).poll(panel(at)["held"], 0) is None
    db.set_open(code, key, True)                     # changed elsewhere: the controls follow the store
    at.run()
    assert at.toggle(key="class_open").value is True and "feed" in panel(at)


def test_deleting_the_room_asks_first(db):
    code, key = class_with(db, {"Ann": [((1, 2, 3), 1)]})
    at = page(room=code, key=key)
    click(at, "Delete the room…")
    assert any("with its 1 answer from 1 student for good" in w.value for w in at.warning)
    click(at, "Cancel")
    assert db.room_status(code).open
    click(at, "Delete the room…")
    click(at, "Delete for good")
    no_exception(at)
    with pytest.raises(store.RoomNotFound):
        db.room_status(code)
    assert any(f"Room {store.display_code(code)} is deleted" in shown(s) for s in at.success)
    assert "room" not in at.query_params and "key" not in at.query_params
    assert cookie_asked(at) == {"name": f"fontnet_key_{code}", "value": "", "maxAge": 0}   # this browser forgets it


def test_a_teacher_link_leaves_the_address_bar_and_a_reload_keeps_the_teacher_page(db, monkeypatch):
    """The key is read from the link, taken out of the address (a projector shows the address bar) and kept in a
    cookie of this browser, which a reload (a new session) reads: the page stays the room's teacher page."""
    code, key = class_with(db, {"Ann": [((250, 250, 250), 1)]})
    at = page(room=code, key=key)
    no_exception(at)
    assert at.query_params["room"] == code and "key" not in at.query_params
    assert cookie_asked(at) == {"name": f"fontnet_key_{code}", "value": key, "maxAge": 30 * 86_400}
    assert stats(panel(at))["answers"] == "1"
    with_cookies(monkeypatch, {f"fontnet_key_{code}": key, f"fontnet_key_{'2' * 6}": "other"})
    again = page(room=code)            # a reload: a new session, the same browser, the address without the key
    no_exception(again)
    assert stats(panel(again))["answers"] == "1" and not again.info
    assert f"class?room={code}&key={key}" in [c.value for c in again.code]
    again.toggle(key="class_open").set_value(False).run()   # the kept key runs the room
    no_exception(again)
    assert not db.room_status(code).open


def test_a_kept_key_that_no_longer_opens_the_room_is_forgotten_quietly(db, monkeypatch):
    code, key = db.create_room()
    with_cookies(monkeypatch, {f"fontnet_key_{code}": store.new_key()})
    at = page(room=code)
    no_exception(at)
    assert not at.error and any(f"runs room {store.display_code(code)} for its teacher" in i.value for i in at.info)
    assert cookie_asked(at) == {"name": f"fontnet_key_{code}", "value": "", "maxAge": 0}
    assert not at.get("bidi_component") or all("class_live" not in e.proto.id for e in at.get("bidi_component"))
    at.run()   # the session's cookies still hold it (they are read once, as the session began): not tried again
    assert any("for its teacher" in i.value for i in at.info) and cookie_asked(at) is None
    # a kept key of a room that is gone: the room is said gone, and the key forgotten
    with_cookies(monkeypatch, {f"fontnet_key_{code}": key})
    db.delete_room(code, key)
    at = page(room=code)
    no_exception(at)
    assert any(f"There is no room {store.display_code(code)}" in shown(w) for w in at.warning)
    assert cookie_asked(at) == {"name": f"fontnet_key_{code}", "value": "", "maxAge": 0}
    # a browser without the cookie: the pointer to Teach, and nothing to forget
    with_cookies(monkeypatch, {})
    code, key = db.create_room()
    at = page(room=code)
    assert any("for its teacher" in i.value for i in at.info) and cookie_asked(at) is None


def test_the_panel_shows_counts_the_class_network_dots_students_and_splits(db):
    code, key = class_with(db, {
        "<b>Ann</b>": [((250, 250, 250), 1), ((10, 10, 10), 0), ((130, 130, 130), 1)],
        "": [((132, 128, 126), 0)],
    })
    at = page(room=code, key=key)
    no_exception(at)
    data = panel(at)
    assert stats(data)["students"] == "2" and stats(data)["answers"] == "4"
    pool = classroom.Pool.of(db.answers(code, key))
    view = classroom.view(pool)
    assert stats(data)["formula"] == f"{view.agreement.formula:.1%}"
    assert stats(data)["wcag"] == f"{view.agreement.wcag:.1%}"
    mp = chart(data, "map")
    assert [d[2:] for d in mp["dots"]] == [[*a.rgb, a.label] for a in db.answers(code, key)]
    assert len(mp["grid"]) == 52 * 52 and mp["spec"]["fade"] == {"channel": 2, "at": 128, "within": 40}
    # the map's key, drawn under it, names its two lines in the colours the map draws them in: the formula's
    # solid, the network's dashed (and the page shows no second key above the panel)
    assert mp["spec"]["legend"] == [
        {"name": "the formula's boundary", "colour": mp["spec"]["boundary_colour"], "dash": "solid"},
        {"name": "class network: P(dark) = 0.5", "colour": mp["spec"]["line"], "dash": "dash"}]
    assert not [m.value for m in at.markdown if "the formula's boundary" in m.value]
    rows = chart(data, "students")["rows"]
    assert [r[:2] for r in rows] == [["<b>Ann</b>", "3"], ["Student 2", "1"]]   # text: the browser sets it as text
    scores = {s.student: s for s in view.students}
    assert rows[0][3] == f"{scores['s0'].with_formula:.0%}"
    splits = chart(data, "splits")["items"]
    assert len(splits) == 1 and splits[0]["text"] == "1 dark · 1 light"   # 130 and 132,128,126: close, both ways
    assert data["feed"]["watch"] and data["feed"]["have"] == "map" and data["held"]
    # side by side on a wide screen; on a narrow one, every chart once, one under another, in reading order
    assert data["layout"]["areas"] == ["stats stats", "map students", "map splits"]
    assert data["layout"]["narrow"] == {"below": 760, "columns": "1fr", "areas": ["stats", "map", "students", "splits"]}


def test_the_feed_sends_only_new_dots_and_the_grid_only_when_the_network_changed(db, monkeypatch):
    monkeypatch.setattr(class_live, "RETRAIN_GAP", 3600.0)   # no retraining between page runs, unless asked
    code, key = class_with(db, {"Ann": [((200, 100, 50), 1)]})
    at = page(room=code, key=key)
    held, have = panel(at)["held"], len(chart(panel(at), "map")["dots"])
    f = feed(at, PANEL)
    quiet = f.poll(held, have)
    assert quiet == {"status": "open", "held": held, "charts": []}            # nothing new: nothing sent
    db.add_answer(code, "s0", "b1", (20, 40, 60), 0)
    news = f.poll(held, have)
    mp = chart(news, "map")
    assert mp["dots"] == [[20, 40, 20, 40, 60, 0]] and mp["start"] == 1 and mp["length"] == 2 and not mp["full"]
    assert "grid" not in mp                                                   # the class network is the same
    assert stats(news)["answers"] == "2" and "(retraining)" in stats(news)["trained"]
    assert f.poll(news["held"], 2)["charts"] == []
    monkeypatch.setattr(class_live, "RETRAIN_GAP", 0.0)
    at.session_state["class_watch"].next_train = 0.0
    db.add_answer(code, "s0", "b2", (90, 90, 90), 0)
    retrained = f.poll(news["held"], 2)
    mp = chart(retrained, "map")
    assert len(mp["dots"]) == 1 and len(mp["grid"]) == 52 * 52 and "contour" in mp
    assert stats(retrained)["trained"] == "3 answers"
    net = at.session_state["class_watch"].view.net
    expected = classroom.train(classroom.Pool.of(db.answers(code, key)))
    assert all(np.array_equal(a, b) for a, b in zip(net.weights_, expected.weights_))
    lost = f.poll(news["held"], 0)                 # a panel that lost its dots gets them all again
    assert len(chart(lost, "map")["dots"]) == 3
    assert f.poll(retrained["held"], 99)["charts"][0]["full"]   # one that holds more than there is: everything


def test_an_answer_taken_back_leaves_the_panel_and_the_class_network(db, monkeypatch):
    monkeypatch.setattr(class_live, "RETRAIN_GAP", 0.0)
    code, key = class_with(db, {"Ann": [((200, 100, 50), 1), ((20, 40, 60), 0)], "Bo": [((90, 90, 90), 0)]})
    at = page(room=code, key=key)
    held = panel(at)["held"]
    f = feed(at, PANEL)
    assert db.retract_answers(code, "s0", [(20, 40, 60)]) == 1
    db.add_answer(code, "s1", "b9", (250, 250, 250), 1)   # and one new, so the count alone stays the same
    monkeypatch.setattr(class_live, "RETRAIN_GAP", 3600.0)
    at.session_state["class_watch"].next_train = float("inf")   # not retrained yet: the figures say so
    first = f.poll(held, 3)
    mp = chart(first, "map")
    assert mp["full"] and [d[-1] for d in mp["dots"]] == [1, 0, 1] and len(mp["dots"]) == 3   # every dot again
    assert [d[2:5] for d in mp["dots"]] == [[200, 100, 50], [90, 90, 90], [250, 250, 250]]
    assert stats(first)["answers"] == "3" and "(retraining)" in stats(first)["trained"]
    at.session_state["class_watch"].next_train = 0.0
    news = f.poll(first["held"], 3)
    assert "grid" in chart(news, "map") and not chart(news, "map")["dots"]   # the new network, no dot twice
    assert stats(news)["trained"] == "3 answers"
    net = at.session_state["class_watch"].view.net
    expected = classroom.train(classroom.Pool.of(db.answers(code, key)))
    assert all(np.array_equal(a, b) for a, b in zip(net.weights_, expected.weights_))
    assert f.poll(news["held"], 3)["charts"] == []                  # then quiet again
    rows = chart(f.poll(held, 3), "students")["rows"]               # the old token: everything, Ann with one
    assert [r[:2] for r in rows] == [["Ann", "1"], ["Bo", "2"]]


def test_the_teacher_removes_a_student_with_their_answers_after_choosing_them(db):
    code, key = class_with(db, {"Ann": [((200, 100, 50), 1), ((20, 40, 60), 0)], "": [((90, 90, 90), 0)]})
    at = page(room=code, key=key)
    held = panel(at)["held"]
    click(at, "Remove a student…")
    box = at.selectbox(key="class_remove_who")
    assert list(box.options) == ["Ann", "Student 2"] and box.value is None
    click(at, "Remove from the room")                  # nobody chosen: nothing happens
    assert any("Choose the student to remove first" in shown(w) for w in at.warning)
    assert len(db.students(code, key)) == 2
    at.selectbox(key="class_remove_who").select("s1")
    click(at, "Remove from the room")
    no_exception(at)
    assert any("Student 2 was removed from room" in shown(m) and "with 1 answer." in shown(m) for m in at.success)
    assert [s.nickname for s in db.students(code, key)] == ["Ann"] and len(db.answers(code, key)) == 2
    answer = feed(at, PANEL).poll(held, 3)             # the panel: the dot gone, one student left
    assert len(chart(answer, "map")["dots"]) == 2 and stats(answer)["students"] == "1"
    db.join(code, "s2", "")
    db.join(code, "s3", "")
    at.run()
    rows = chart(feed(at, PANEL).poll(held, 0), "students")["rows"]
    assert [r[0] for r in rows] == ["Ann", "Student 3", "Student 4"]   # numbered as they joined: no name moves
    assert "Remove a student…" in [b.label for b in at.button]   # the chooser closed
    click(at, "Remove a student…")
    click(at, "Cancel")
    assert "Remove from the room" not in [b.label for b in at.button]


def test_removing_a_student_someone_else_removed_first_says_so(db):
    code, key = class_with(db, {"Ann": [((200, 100, 50), 1)]})
    at = click(page(room=code, key=key), "Remove a student…")
    at.selectbox(key="class_remove_who").select("s0")
    db.remove_student(code, key, "s0")                 # another tab of the teacher's was quicker
    click(at, "Remove from the room")
    no_exception(at)
    assert any("Nobody was removed: that student is not in this room" in shown(e) for e in at.error)


def test_the_feed_says_when_the_room_closes_is_gone_or_the_database_is_away(db):
    code, key = db.create_room()
    at = page(room=code, key=key)
    f, held = feed(at, PANEL), panel(at)["held"]
    db.set_open(code, key, False)
    assert f.poll(held, 0)["status"] == "closed"
    store_of_page = at.session_state["class_watch"].db
    engine = store_of_page.engine
    store_of_page.engine = sa.create_engine(unreachable_url())   # the database goes away under the page's store
    try:
        away = f.poll(held, 0)
    finally:
        store_of_page.engine = engine
    assert away["status"] == "open" and away["charts"] == []
    assert "Live updates paused: could not reach the class database" in away["problem"]
    db.delete_room(code, key)
    assert f.poll(held, 0)["status"] == "gone"


def test_neither_the_panel_nor_its_feed_carries_the_teacher_key(db):
    code, key = db.create_room()
    student = store.new_token()   # a real-length id: a short one like "s0" turns up inside random tokens by chance
    db.join(code, student, "Zed")
    db.add_answer(code, student, "a0", (1, 2, 3), 1)
    at = page(room=code, key=key)
    data = json.dumps(panel(at))
    assert key not in data and student not in data   # no key, no student ids
    db.add_answer(code, student, "x", (4, 5, 6), 0)
    answer = json.dumps(feed(at, PANEL).poll(panel(at)["held"], 1))
    assert key not in answer and student not in answer and "Zed" in answer   # the nickname travels as data


def test_use_the_class_network_with_no_answers_says_so(db):
    code, key = db.create_room()
    at = page(room=code, key=key)
    click(at, "Use the class network")
    no_exception(at)
    assert any("No answers yet" in i.value for i in at.info) and "fontnet_session_model" not in at.session_state


RETRAINED = r"the last retraining took (under 1 ms|\d+ ms|\d+\.\d\d s)\."


def test_the_class_network_caption_gives_a_retraining_time_only_once_there_was_one(db):
    code, key = db.create_room()
    at = page(room=code, key=key)
    [about] = [c.value for c in at.caption if c.value.startswith("The class network is Teach's")]
    assert "until the first answer it has its starting weights" in about and "retraining took" not in about
    code, key = class_with(db, {"Ann": [((250, 250, 250), 1)]})
    at = page(room=code, key=key)
    [about] = [c.value for c in at.caption if c.value.startswith("The class network is Teach's")]
    assert re.search(RETRAINED, about) and "starting weights" not in about


def test_a_class_of_one_answer_says_one_answer(db):
    code, key = class_with(db, {"Ann": [((250, 250, 250), 1)]})
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.query_params.update(room=code, key=key)
    at.switch_page(PAGE).run()
    no_exception(at)
    data = panel(at)
    assert stats(data)["trained"] == "1 answer"
    assert chart(data, "map")["spec"]["alt"].endswith("with 1 answer as dots")
    click(at, "Use the class network")
    assert at.session_state["fontnet_session_model_name"] == f"the class network (room {store.display_code(code)}, 1 answer)"


def test_use_the_class_network_hands_it_to_predict(db):
    code, key = class_with(db, {"Ann": [((250, 250, 250), 1), ((10, 10, 10), 0)], "Bo": [((30, 200, 30), 1)]})
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.query_params.update(room=code, key=key)
    at.switch_page(PAGE).run()
    no_exception(at)
    click(at, "Use the class network")
    no_exception(at)
    assert at.title[0].value == "Predict"
    model = at.session_state["fontnet_session_model"]
    expected = classroom.train(classroom.Pool.of(db.answers(code, key)))
    assert isinstance(model, Network)
    assert all(np.array_equal(a, b) for a, b in zip((*model.weights_, *model.biases_),
                                                    (*expected.weights_, *expected.biases_)))
    assert at.session_state["fontnet_session_model_name"] == f"the class network (room {store.display_code(code)}, 3 answers)"
    assert "key" not in at.query_params   # Predict's link does not carry the teacher key on
