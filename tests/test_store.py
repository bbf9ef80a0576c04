"""The class store: room codes and teacher keys, students, answers, limits, expiry, schema, concurrency and
failures, each on SQLite and on PostgreSQL (tests/store_helpers.py)."""

import hashlib
import sqlite3
import threading

import pytest
import sqlalchemy as sa

from fontnet import store, teach
from fontnet.store import (
    BadInput,
    NotJoined,
    NotTeacher,
    RoomClosed,
    RoomFull,
    RoomNotFound,
    Store,
    StoreUnavailable,
    TooFast,
)
from tests.store_helpers import BACKENDS, Clock, closed_port, database_url


@pytest.fixture(params=BACKENDS)
def url(request, tmp_path) -> str:
    return database_url(request.param, tmp_path)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db(url, clock):
    s = Store(url, clock=clock)
    yield s
    s.close()


def room_with(db: Store, *names: str) -> tuple[str, str]:
    """A new room with students joined under ids and nicknames `names`."""
    code, key = db.create_room()
    for name in names:
        db.join(code, name, name)
    return code, key


def rows_in(db: Store, table: sa.Table, room: str) -> int:
    column = table.c.code if table is store.rooms_table else table.c.room
    with db.engine.connect() as conn:
        return conn.scalar(sa.select(sa.func.count()).select_from(table).where(column == room))


# ---- codes, keys, nicknames (no database) -------------------------------------------------------
def test_codes_use_no_look_alikes_and_are_drawn_at_random():
    assert not set("0O1IL") & set(store.CODE_ALPHABET)
    assert len(set(store.CODE_ALPHABET)) == len(store.CODE_ALPHABET) >= 30
    codes = {store.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == store.CODE_LENGTH >= 6 and set(c) <= set(store.CODE_ALPHABET) for c in codes)


@pytest.mark.parametrize("typed", ["K7F3QX", "k7f3qx", " k7f-3qx ", "K7F 3QX", "k 7 f - 3 q x"])
def test_a_typed_code_is_normalised(typed):
    assert store.normalise_code(typed) == "K7F3QX"
    assert store.display_code("K7F3QX") == "K7F-3QX"


@pytest.mark.parametrize("typed, says", [
    ("", "type the room code"),
    ("   ", "type the room code"),
    ("K7F3Q", "'K7F3Q' is not a room code: it has 5 characters; a room code has 6"),
    ("K7F3QXX", "it has 7 characters"),
    ("K0F3QX", "never use 0, O, 1, I or L"),
    ("KOF3QX", "'O'"),
    ("K7F3Q!", "'!'"),
    (None, "a room code is text"),
    (123456, "a room code is text"),
])
def test_a_bad_code_gets_a_clear_message(typed, says):
    with pytest.raises(BadInput) as err:
        store.normalise_code(typed)
    assert says in str(err.value)


def test_teacher_keys_carry_at_least_128_random_bits():
    keys = {store.new_key() for _ in range(100)}
    assert len(keys) == 100
    assert all(len(k) * 6 >= 128 for k in keys)   # URL-safe base64: 6 bits a character


@pytest.mark.parametrize("typed, kept", [
    ("  Ann  ", "Ann"), ("Ann   Lee", "Ann Lee"), ("x" * 24, "x" * 24), ("Zoë 🎨", "Zoë 🎨"),
])
def test_nicknames_are_stripped(typed, kept):
    assert store.normalise_nickname(typed) == kept


@pytest.mark.parametrize("typed, says", [
    ("", "type a nickname"), ("   ", "type a nickname"), ("x" * 25, "at most 24 characters; this one has 25"),
    ("a\x00b", "control"), ("a\u200bb", "invisible"), (5, "is text"),
])
def test_bad_nicknames_get_a_clear_message(typed, says):
    with pytest.raises(BadInput) as err:
        store.normalise_nickname(typed)
    assert says in str(err.value)


def test_the_ask_modes_are_the_teach_pages_strategies():
    assert store.ASK_MODES == tuple(teach.STRATEGIES)


# ---- rooms ----------------------------------------------------------------------------------------
def test_a_new_room_is_open_with_defaults_and_only_the_keys_hash_is_stored(db, clock):
    code, key = db.create_room()
    room = db.room_status(code.lower())
    assert room == store.Room(code, True, True, "active", 0, clock.now, clock.now, show_counts=False)
    assert "key" not in str(room)
    with db.engine.connect() as conn:
        stored = conn.execute(sa.select(store.rooms_table).where(store.rooms_table.c.code == code)).one()
    assert key not in [str(v) for v in stored]
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert db.check_teacher(code, key)
    for wrong in ("", key[:-1], key + "x", key.upper(), None, 42, "x" * 10_000):
        assert not db.check_teacher(code, wrong)


def test_settings_are_the_teachers_alone(db, clock):
    code, key = db.create_room(ask="random", show_guess=False)
    room = db.room_status(code)
    assert (room.ask, room.show_guess) == ("random", False)
    clock.advance(5)
    assert db.set_ask_mode(code, key, "active").ask == "active"
    assert db.set_show_guess(code, key, True).show_guess
    room = db.set_open(code, key, False)
    assert not room.open and room.last_activity == clock.now
    for change in (lambda k: db.set_open(code, k, True), lambda k: db.set_show_guess(code, k, False),
                   lambda k: db.set_ask_mode(code, k, "random"), lambda k: db.delete_room(code, k),
                   lambda k: db.answers(code, k), lambda k: db.students(code, k)):
        with pytest.raises(NotTeacher):
            change("not the key")
    assert db.room_status(code) == room
    with pytest.raises(BadInput, match="active or random"):
        db.set_ask_mode(code, key, "sideways")
    with pytest.raises(BadInput, match="active or random"):
        db.create_room(ask="sideways")


def test_class_counts_are_shown_to_students_only_when_the_teacher_says_so(db):
    code, key = db.create_room()
    assert db.room_status(code).show_counts is False
    assert db.counts(code) == (0, 0)
    db.join(code, "ann", "Ann")
    db.join(code, "bob")
    db.add_answer(code, "ann", "a1", (1, 2, 3), 1)
    assert db.counts(code) == (2, 1)
    assert db.set_show_counts(code, key, True).show_counts
    with pytest.raises(NotTeacher):
        db.set_show_counts(code, "not the key", False)
    code2, _ = db.create_room(show_counts=True)
    assert db.room_status(code2).show_counts


def test_the_teachers_watch_reads_room_students_and_new_answers_at_once(db):
    code, key = room_with(db, "ann", "bob")
    first = db.add_answer(code, "ann", "a1", (1, 2, 3), 1).answer
    second = db.add_answer(code, "bob", "a1", (4, 5, 6), 0).answer
    seen = db.watch(code, key, 0)
    assert seen.room == db.room_status(code) and seen.answers == [first, second]
    assert [(s.id, s.answers) for s in seen.students] == [("ann", 1), ("bob", 1)]
    assert db.watch(code, key, first.id).answers == [second]
    assert db.watch(code, key, second.id).answers == []
    with pytest.raises(NotTeacher):
        db.watch(code, "not the key", 0)
    with pytest.raises(BadInput):
        db.watch(code, key, -1)


def test_a_student_takes_back_their_answers_about_a_colour_and_only_theirs(db):
    code, key = room_with(db, "ann", "bob")
    db.add_answer(code, "ann", "a1", (10, 20, 30), 1)
    db.add_answer(code, "bob", "b1", (10, 20, 30), 1)
    db.add_answer(code, "ann", "a2", (10, 20, 30), 0)   # the same colour again, answered the other way
    db.add_answer(code, "ann", "a3", (40, 50, 60), 1)
    db.add_answer(code, "ann", "a4", (10, 20, 31), 1)
    # both of ann's about the colour (her page holds none about it now), not bob's, not the colour beside it
    assert db.retract_answers(code.lower(), "ann", [(10, 20, 30)]) == 2
    left = [(a.student, a.answer_id) for a in db.answers(code, key)]
    assert left == [("bob", "b1"), ("ann", "a3"), ("ann", "a4")]
    assert db.room_status(code).answers == 3 == db.counts(code)[1]
    assert not db.retract_answers(code, "ann", [[10, 20, 30]])               # sent again: nothing changes
    assert not db.retract_answers(code, "cy", [(40, 50, 60)])                # not a student of the room
    assert db.retract_answers(code, "ann", [(10, 20, 31)]) == 1 and db.answered(code, "ann") == 1
    assert db.room_status(code).answers == 2
    with pytest.raises(BadInput):
        db.retract_answers(code, "ann", [(10, 20, 256)])
    db.set_open(code, key, False)
    with pytest.raises(RoomClosed, match="the class keeps that answer"):
        db.retract_answers(code, "ann", [(40, 50, 60)])
    assert db.room_status(code).answers == 2
    db.set_open(code, key, True)
    assert not db.add_answer(code, "ann", "a2", (10, 20, 30), 0).duplicate  # a taken-back answer id may come again
    db.delete_room(code, key)
    with pytest.raises(RoomNotFound):
        db.retract_answers(code, "ann", [(40, 50, 60)])


def test_several_answers_are_taken_back_at_once(db):
    code, key = room_with(db, "ann", "bob")
    for i in range(4):
        db.add_answer(code, "ann", f"a{i}", (i, 0, 0), 1)
    db.add_answer(code, "bob", "b0", (1, 0, 0), 1)
    assert db.retract_answers(code, "ann", [(1, 0, 0), (3, 0, 0), (1, 0, 0), (9, 9, 9)]) == 2
    assert [(a.student, a.rgb) for a in db.answers(code, key)] == [("ann", (0, 0, 0)), ("ann", (2, 0, 0)),
                                                                   ("bob", (1, 0, 0))]
    assert db.room_status(code).answers == 3 and db.retract_answers(code, "ann", []) == 0
    with pytest.raises(BadInput):   # one bad colour: nothing taken back
        db.retract_answers(code, "ann", [(0, 0, 0), (1, 2)])
    assert db.room_status(code).answers == 3
    db.set_open(code, key, False)
    with pytest.raises(RoomClosed, match="keeps those answers"):
        db.retract_answers(code, "ann", [(0, 0, 0), (2, 0, 0)])


def test_a_watch_counts_the_room_after_its_answers_so_a_taken_back_one_shows_as_one_held_too_many(db):
    code, key = room_with(db, "ann")
    held = db.watch(code, key, 0).answers + [db.add_answer(code, "ann", f"a{i}", (i, i, i), 1).answer
                                             for i in range(3)]
    db.retract_answers(code, "ann", [(1, 1, 1)])
    seen = db.watch(code, key, held[-1].id)
    assert seen.answers == [] and seen.room.answers == len(held) - 1


@pytest.mark.parametrize("key, says", [("", "is text"), (None, "is text"), ("x" * 201, "at most 200"),
                                       ("abc def", "only letters"), ("<b>", "only letters")])
def test_a_malformed_teacher_key_is_named(key, says):
    with pytest.raises(BadInput, match=says):
        store.check_key(key)
    assert store.check_key(store.new_key())


def test_deleting_a_room_deletes_its_students_and_answers_and_nothing_else(db):
    code, key = room_with(db, "ann", "bob")
    other, other_key = room_with(db, "cy")
    for i in range(3):
        db.add_answer(code, "ann", f"a{i}", (i, i, i), 0)
    db.add_answer(other, "cy", "a0", (9, 9, 9), 1)
    db.delete_room(code, key)
    for table in (store.rooms_table, store.students_table, store.answers_table):
        assert rows_in(db, table, code) == 0
        assert rows_in(db, table, other) == 1
    with pytest.raises(RoomNotFound):
        db.room_status(code)
    assert len(db.answers(other, other_key)) == 1


def test_an_unknown_room_is_a_typed_error_everywhere(db):
    existing, _ = db.create_room()
    code = next(c for c in iter(store.new_code, "") if c != existing)
    with pytest.raises(RoomNotFound) as err:
        db.room_status(code)
    assert store.display_code(code) in str(err.value)
    for call in (lambda: db.check_teacher(code, "k"), lambda: db.set_open(code, "k", True),
                 lambda: db.delete_room(code, "k"), lambda: db.join(code, "ann", "Ann"),
                 lambda: db.add_answer(code, "ann", "a1", (1, 2, 3), 1), lambda: db.answers(code, "k"),
                 lambda: db.answers_since(code, "k", 0), lambda: db.students(code, "k"),
                 lambda: db.answered(code, "ann")):
        with pytest.raises(RoomNotFound):
            call()


# ---- students -------------------------------------------------------------------------------------
def test_joining_keeps_a_clean_nickname_and_joining_again_renames(db, clock):
    code, key = db.create_room()
    student = db.join(code, "s1", "  Ann   Lee ")
    assert student == store.Student("s1", "Ann Lee", clock.now, 0)
    db.add_answer(code, "s1", "a1", (1, 2, 3), 1)
    clock.advance(10)
    again = db.join(code, "s1", "Ann")
    assert again == store.Student("s1", "Ann", student.joined, 1)
    db.join(code, "s2", "Ann")   # two students may share a nickname: the page tells them apart by id
    assert [(s.id, s.nickname, s.answers) for s in db.students(code, key)] == [("s1", "Ann", 1), ("s2", "Ann", 0)]
    with pytest.raises(BadInput, match="at most 24"):
        db.join(code, "s3", "x" * 25)
    with pytest.raises(BadInput, match="student id"):
        db.join(code, "bad id!", "Cy")
    assert len(db.students(code, key)) == 2
    assert db.join(code, "s4", "   ").nickname == ""   # no nickname: the teacher's page numbers the student
    assert db.join(code, "s5").nickname == ""
    # joining again blank (a seat taken up again while the store was out of reach) keeps the seat's nickname
    assert db.join(code, "s1", "").nickname == "Ann" and db.join(code, "s1", "  ").nickname == "Ann"
    assert db.join(code, "s5", "Bo").nickname == "Bo"


def test_a_student_is_found_again_by_id_with_their_answers_and_nothing_else_is(db, clock):
    code, key = room_with(db, "ann")
    joined = clock.now
    clock.advance(5)
    db.add_answer(code, "ann", "a1", (1, 2, 3), 1)
    db.add_answer(code, "ann", "a2", (4, 5, 6), 0)
    assert db.student(code.lower(), "ann") == store.Student("ann", "ann", joined, 2)
    assert db.student(code, "bob") is None            # never joined this room
    other, _ = room_with(db, "bob")
    assert db.student(other, "ann") is None           # a seat is in one room only
    db.set_open(code, key, False)
    assert db.student(code, "ann").answers == 2       # a closed room still knows its students
    with pytest.raises(BadInput, match="student id"):
        db.student(code, "no spaces allowed")
    db.delete_room(code, key)
    with pytest.raises(RoomNotFound):
        db.student(code, "ann")


def test_a_closed_room_takes_no_students_and_no_answers_but_resends_still_get_their_receipt(db):
    code, key = room_with(db, "ann")
    first = db.add_answer(code, "ann", "a1", (10, 20, 30), 1)
    db.set_open(code, key, False)
    with pytest.raises(RoomClosed, match="closed"):
        db.join(code, "bob", "Bob")
    with pytest.raises(RoomClosed, match="not saved"):
        db.add_answer(code, "ann", "a2", (10, 20, 31), 1)
    resend = db.add_answer(code, "ann", "a1", (10, 20, 30), 1)
    assert resend == store.Receipt(first.answer, duplicate=True)
    db.set_open(code, key, True)
    assert not db.add_answer(code, "ann", "a2", (10, 20, 31), 1).duplicate
    assert db.answered(code, "ann") == 2


# ---- answers --------------------------------------------------------------------------------------
def test_an_answer_needs_a_joined_student_and_valid_values(db):
    code, key = room_with(db, "ann")
    with pytest.raises(NotJoined, match="join room"):
        db.add_answer(code, "bob", "a1", (1, 2, 3), 1)
    for rgb, label in [((1, 2), 1), ((1, 2, 256), 1), ((-1, 2, 3), 0), ((1.5, 2, 3), 1), ("abc", 1),
                       (None, 1), ((True, 2, 3), 1), ((1, 2, 3), 2), ((1, 2, 3), "1"), ((1, 2, 3), True)]:
        with pytest.raises(BadInput):
            db.add_answer(code, "ann", "a1", rgb, label)
    with pytest.raises(BadInput, match="answer id"):
        db.add_answer(code, "ann", "", (1, 2, 3), 1)
    assert db.answers(code, key) == []


def test_the_same_answer_sent_twice_is_stored_once(db, clock):
    code, key = room_with(db, "ann", "bob")
    first = db.add_answer(code, "ann", "a1", (200, 10, 10), 0)
    assert not first.duplicate
    assert first.answer == store.StoredAnswer(first.answer.id, "ann", "a1", (200, 10, 10), 0, clock.now)
    clock.advance(3)
    again = db.add_answer(code, "ann", "a1", (200, 10, 10), 0)
    assert again.duplicate and again.answer == first.answer
    other = db.add_answer(code, "bob", "a1", (200, 10, 10), 1)   # answer ids are per student
    assert not other.duplicate
    assert [a.id for a in db.answers(code, key)] == [first.answer.id, other.answer.id]
    assert db.room_status(code).answers == 2


def test_answers_since_returns_only_what_is_new_in_commit_order(db):
    code, key = room_with(db, "ann", "bob")
    other, _ = room_with(db, "ann")
    sent = [db.add_answer(code, ("ann", "bob")[i % 2], f"a{i}", (i, 2 * i, 3 * i), i % 2).answer for i in range(6)]
    db.add_answer(other, "ann", "x", (1, 1, 1), 1)
    assert db.answers(code, key) == sent
    assert db.answers_since(code, key, sent[3].id) == sent[4:]
    assert db.answers_since(code, key, sent[-1].id) == []
    assert [a.id for a in sent] == sorted(a.id for a in sent)
    for bad in (-1, "3", 2.5, None, True):
        with pytest.raises(BadInput, match="after_id"):
            db.answers_since(code, key, bad)


# ---- limits -------------------------------------------------------------------------------------
def test_a_student_may_send_sixty_answers_a_minute(db, clock):
    code, key = room_with(db, "ann", "bob")
    for i in range(store.ANSWERS_PER_MINUTE):
        db.add_answer(code, "ann", f"a{i}", (i, 0, 0), 1)
        clock.advance(0.5)
    with pytest.raises(TooFast) as err:
        db.add_answer(code, "ann", "late", (1, 1, 1), 1)
    assert err.value.retry_after == pytest.approx(store.RATE_WINDOW - 0.5 * store.ANSWERS_PER_MINUTE)
    assert "wait 30 s" in str(err.value)
    db.add_answer(code, "bob", "b0", (1, 1, 1), 1)            # the limit is per student
    db.add_answer(code, "ann", "a0", (0, 0, 0), 1)            # a resend is not a new answer
    clock.advance(err.value.retry_after + 0.01)
    db.add_answer(code, "ann", "late", (1, 1, 1), 1)
    assert db.answered(code, "ann") == store.ANSWERS_PER_MINUTE + 1


def test_the_student_limit_holds_across_replicas(url, clock):
    replicas = [Store(url, clock=clock) for _ in range(3)]
    code, _ = room_with(replicas[0], "ann")
    sent = 0
    for i in range(store.ANSWERS_PER_MINUTE + 15):
        try:
            replicas[i % 3].add_answer(code, "ann", f"a{i}", (i, 1, 1), 0)
            sent += 1
        except TooFast:
            pass
    assert sent == store.ANSWERS_PER_MINUTE == replicas[1].answered(code, "ann")
    for r in replicas:
        r.close()


def test_the_student_limit_holds_under_concurrent_sends(db):
    code, key = room_with(db, "ann")
    barrier = threading.Barrier(10)
    stored, refused = [], []

    def send(t: int) -> None:
        barrier.wait()
        for i in range(10):
            try:
                stored.append(db.add_answer(code, "ann", f"t{t}-{i}", (t, i, 0), 1))
            except TooFast:
                refused.append(i)

    threads = [threading.Thread(target=send, args=(t,)) for t in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert (len(stored), len(refused)) == (store.ANSWERS_PER_MINUTE, 100 - store.ANSWERS_PER_MINUTE)
    assert len(db.answers(code, key)) == store.ANSWERS_PER_MINUTE


def test_a_full_room_takes_no_more_answers(db, monkeypatch):
    assert store.ANSWERS_PER_ROOM == 10_000
    monkeypatch.setattr(store, "ANSWERS_PER_ROOM", 5)
    code, key = room_with(db, "ann", "bob")
    for i in range(5):
        db.add_answer(code, ("ann", "bob")[i % 2], f"a{i}", (i, 0, 0), 1)
    with pytest.raises(RoomFull, match="full"):
        db.add_answer(code, "bob", "more", (9, 9, 9), 1)
    assert db.add_answer(code, "ann", "a0", (0, 0, 0), 1).duplicate
    assert len(db.answers(code, key)) == 5


# ---- expiry -------------------------------------------------------------------------------------
def test_idle_rooms_expire_with_their_answers(db, clock, monkeypatch):
    monkeypatch.delenv(store.DAYS_ENV, raising=False)
    idle, _ = room_with(db, "ann")
    db.add_answer(idle, "ann", "a1", (1, 2, 3), 1)
    clock.advance(20 * 86_400)
    busy, busy_key = room_with(db, "bob")
    clock.advance(10 * 86_400 + 1)                              # idle: 30 days and a second; busy: 10 days
    assert db.expire() == 1
    with pytest.raises(RoomNotFound):
        db.room_status(idle)
    for table in (store.students_table, store.answers_table):
        assert rows_in(db, table, idle) == 0
    assert db.room_status(busy).open
    monkeypatch.setenv(store.DAYS_ENV, "5")
    db.set_open(busy, busy_key, True)                          # a setting counts as activity
    clock.advance(4 * 86_400)
    db.create_room()                                           # a new room sweeps the idle ones
    db.room_status(busy)
    clock.advance(2 * 86_400)
    db.create_room()
    with pytest.raises(RoomNotFound):
        db.room_status(busy)


@pytest.mark.parametrize("days", ["0", "-3", "soon", "inf", "nan"])
def test_a_bad_room_days_setting_is_named(days, monkeypatch):
    monkeypatch.setenv(store.DAYS_ENV, days)
    with pytest.raises(StoreUnavailable, match=f"{store.DAYS_ENV} must be a number of days above 0"):
        store.room_days()


# ---- schema -------------------------------------------------------------------------------------
def test_a_new_database_gets_the_current_schema(db):
    assert db.schema_version() == store.SCHEMA_VERSION
    names = set(sa.inspect(db.engine).get_table_names())
    assert {t.name for t in store.metadata.sorted_tables} <= names


def test_an_older_schema_is_upgraded_step_by_step_once(url, clock, monkeypatch):
    old = Store(url, clock=clock)
    code, key = room_with(old, "ann")
    old.add_answer(code, "ann", "a1", (1, 2, 3), 1)
    old.close()
    ran = []

    def add_notes(conn: sa.Connection) -> None:
        ran.append("notes")
        conn.execute(sa.text("ALTER TABLE class_rooms ADD COLUMN notes VARCHAR(40)"))

    def add_index(conn: sa.Connection) -> None:
        ran.append("index")
        conn.execute(sa.text("CREATE INDEX class_rooms_notes ON class_rooms (notes)"))

    now = store.SCHEMA_VERSION
    monkeypatch.setattr(store, "SCHEMA_VERSION", now + 2)
    monkeypatch.setattr(store, "UPGRADES", {**store.UPGRADES, now + 1: add_notes, now + 2: add_index})
    new = Store(url, clock=clock)
    assert ran == ["notes", "index"] and new.schema_version() == now + 2
    assert "notes" in {c["name"] for c in sa.inspect(new.engine).get_columns("class_rooms")}
    assert [a.rgb for a in new.answers(code, key)] == [(1, 2, 3)]    # the data came through
    Store(url, clock=clock).close()
    assert ran == ["notes", "index"]
    new.close()


def test_a_version_1_database_gains_the_class_counts_setting_off_and_nobody_removed(url, clock):
    db = Store(url, clock=clock)
    code, key = room_with(db, "ann")
    db.add_answer(code, "ann", "a1", (1, 2, 3), 1)
    with db.engine.begin() as conn:   # back to version 1: no show_counts column, no removed column
        conn.execute(sa.text("ALTER TABLE class_rooms DROP COLUMN show_counts"))
        conn.execute(sa.text("ALTER TABLE class_students DROP COLUMN removed"))
        conn.execute(store.schema_table.delete())
        conn.execute(store.schema_table.insert().values(version=1, applied=clock.now))
    db.close()
    upgraded = Store(url, clock=clock)
    assert upgraded.schema_version() == store.SCHEMA_VERSION == 3
    room = upgraded.room_status(code)
    assert room.show_counts is False and room.answers == 1
    assert upgraded.set_show_counts(code, key, True).show_counts
    assert [a.rgb for a in upgraded.answers(code, key)] == [(1, 2, 3)]
    assert [(s.nickname, s.removed) for s in upgraded.students(code, key)] == [("ann", False)]
    assert upgraded.remove_student(code, key, "ann") == 1 and upgraded.students(code, key) == []
    upgraded.close()


def test_a_removed_student_leaves_with_their_answers_and_cannot_come_back_in_that_seat(db, clock):
    code, key = room_with(db, "ann", "bob")
    for i in range(3):
        db.add_answer(code, "ann", f"a{i}", (i, 0, 0), 1)
    db.add_answer(code, "bob", "b0", (9, 9, 9), 0)
    with pytest.raises(NotTeacher):
        db.remove_student(code, "not the key", "ann")
    assert db.answered(code, "ann") == 3                         # nothing changed
    assert db.remove_student(code.lower(), key, "ann") == 3
    assert [s.id for s in db.students(code, key)] == ["bob"] and db.counts(code) == (1, 1)
    assert [a.student for a in db.answers(code, key)] == ["bob"] and db.room_status(code).answers == 1
    assert db.student(code, "ann") == store.Student("ann", "", clock.now, 0, removed=True)   # nickname gone too
    with pytest.raises(store.Removed, match="removed you from room"):
        db.join(code, "ann", "Ann again")
    with pytest.raises(store.Removed, match="not saved"):
        db.add_answer(code, "ann", "a9", (1, 2, 3), 1)
    with pytest.raises(store.Removed):
        db.add_answer(code, "ann", "a0", (0, 0, 0), 1)           # a resend of a removed answer: not stored again
    assert db.retract_answers(code, "ann", [(0, 0, 0)]) == 0
    with pytest.raises(NotJoined, match="not in this room"):
        db.remove_student(code, key, "ann")                      # once only
    with pytest.raises(NotJoined):
        db.remove_student(code, key, "cy")
    clock.advance(1)
    db.join(code, "ann2", "Ann")                                 # a new seat is a new student
    assert [s.nickname for s in db.students(code, key)] == ["bob", "Ann"]
    seen = db.watch(code, key, 0)
    assert [s.id for s in seen.students] == ["bob", "ann2"] and seen.room.answers == len(seen.answers) == 1


def test_a_failing_upgrade_changes_nothing(url, clock, monkeypatch):
    Store(url, clock=clock).close()

    def broken(conn: sa.Connection) -> None:
        conn.execute(sa.text("ALTER TABLE class_rooms ADD COLUMN notes VARCHAR(40)"))
        conn.execute(sa.text("SELECT * FROM no_such_table"))

    now = store.SCHEMA_VERSION
    monkeypatch.setattr(store, "SCHEMA_VERSION", now + 1)
    monkeypatch.setattr(store, "UPGRADES", {**store.UPGRADES, now + 1: broken})
    with pytest.raises(StoreUnavailable):
        Store(url, clock=clock)
    monkeypatch.setattr(store, "SCHEMA_VERSION", now)
    s = Store(url, clock=clock)
    assert s.schema_version() == now
    assert "notes" not in {c["name"] for c in sa.inspect(s.engine).get_columns("class_rooms")}
    s.close()


def test_a_schema_newer_than_the_code_is_refused(url, clock, monkeypatch):
    now = store.SCHEMA_VERSION
    monkeypatch.setattr(store, "SCHEMA_VERSION", now + 2)
    monkeypatch.setattr(store, "UPGRADES", {**store.UPGRADES, now + 1: lambda c: None, now + 2: lambda c: None})
    Store(url, clock=clock).close()
    monkeypatch.setattr(store, "SCHEMA_VERSION", now)
    with pytest.raises(StoreUnavailable, match=f"version {now + 2}, newer than this FontNet knows \\({now}\\)"):
        Store(url, clock=clock)


def test_replicas_starting_together_create_the_schema_once(url):
    stores, errors = [], []

    def start():
        try:
            stores.append(Store(url))
        except Exception as exc:   # noqa: BLE001 - any failure is the test's finding
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(stores) == 6
    with stores[0].engine.connect() as conn:
        assert conn.execute(sa.select(store.schema_table.c.version)).scalars().all() == [store.SCHEMA_VERSION]
    for s in stores:
        s.close()


# ---- concurrency --------------------------------------------------------------------------------
def test_many_writers_store_exactly_what_was_acknowledged(db):
    code, key = db.create_room()
    writers, per_writer = 30, 12
    for w in range(writers):
        db.join(code, f"s{w}", f"Student {w}")
    acknowledged: list[store.StoredAnswer] = []
    seen: dict[int, store.StoredAnswer] = {}
    errors: list[Exception] = []
    done = threading.Event()
    lock = threading.Lock()

    def write(w: int) -> None:
        try:
            for i in range(per_writer):
                for _ in range(2):   # every answer is sent twice, as after a lost acknowledgement
                    receipt = db.add_answer(code, f"s{w}", f"a{i}", (w, i, 7), (w + i) % 2)
                    with lock:
                        if not receipt.duplicate:
                            acknowledged.append(receipt.answer)
        except Exception as exc:   # noqa: BLE001
            errors.append(exc)

    def read() -> None:   # a live teacher view: only what is new, never a gap
        last = 0
        while True:
            finished = done.is_set()
            for a in db.answers_since(code, key, last):
                assert a.id not in seen
                seen[a.id] = a
                last = a.id
            if finished:
                return

    reader = threading.Thread(target=read)
    reader.start()
    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    reader.join()
    assert errors == []
    stored = db.answers(code, key)
    assert len(acknowledged) == len(stored) == writers * per_writer == db.room_status(code).answers
    assert sorted(acknowledged, key=lambda a: a.id) == stored
    assert len({(a.student, a.answer_id) for a in stored}) == len(stored)
    assert list(seen.values()) == stored


def test_the_same_answer_from_two_threads_at_once_is_stored_once(db):
    code, key = room_with(db, "ann")
    receipts = []
    barrier = threading.Barrier(8)

    def send():
        barrier.wait()
        receipts.append(db.add_answer(code, "ann", "same", (5, 6, 7), 1))

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.duplicate for r in receipts) == [False] + [True] * 7
    assert len({r.answer for r in receipts}) == 1 and len(db.answers(code, key)) == 1


# ---- failures -----------------------------------------------------------------------------------
@pytest.mark.parametrize("backend", BACKENDS)
def test_an_unreachable_database_is_one_typed_error_with_a_plain_message(backend, tmp_path, caplog):
    if backend == "sqlite":
        (tmp_path / "a-file").write_text("")
        url = f"sqlite:///{tmp_path / 'a-file' / 'class.sqlite3'}"
    else:
        url = f"postgresql+psycopg://fontnet:secret-word@127.0.0.1:{closed_port()}/fontnet"
    with pytest.raises(StoreUnavailable) as err:
        Store(url)
    message = str(err.value)
    assert "class database" in message
    assert not any(w in message.lower() for w in ("psycopg", "sqlite3", "traceback", "secret-word", "errno"))
    assert "secret-word" not in caplog.text


def test_a_locked_sqlite_database_gives_the_typed_error_and_nothing_is_acknowledged(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "BUSY_SECONDS", 0.2)
    path = tmp_path / "class.sqlite3"
    db = Store(f"sqlite:///{path}")
    code, key = room_with(db, "ann")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")    # another process holds the write lock
    try:
        with pytest.raises(StoreUnavailable, match="could not reach the class database"):
            db.add_answer(code, "ann", "a1", (1, 2, 3), 1)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert db.answers(code, key) == []
    assert not db.add_answer(code, "ann", "a1", (1, 2, 3), 1).duplicate   # "send again" then stores it once
    assert len(db.answers(code, key)) == 1
    db.close()


def test_the_store_reconnects_after_the_server_drops_its_connections(tmp_path):
    url = database_url("postgresql", tmp_path)
    db = Store(url)
    code, key = room_with(db, "ann")
    with db.engine.connect() as conn:
        pid = conn.scalar(sa.text("SELECT pg_backend_pid()"))
    other = sa.create_engine(url)
    with other.begin() as conn:   # what a server restart or an idle timeout does to the pool's connections
        conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    other.dispose()
    assert db.add_answer(code, "ann", "a1", (1, 2, 3), 1).answer.rgb == (1, 2, 3)
    with db.engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT pg_backend_pid()")) != pid
    db.close()


@pytest.mark.parametrize("url, says", [
    ("not a url", "cannot be read"),
    ("mysql://u:p@127.0.0.1/x", "SQLite or PostgreSQL"),
    ("sqlite://", "SQLite file"),
    ("sqlite:///:memory:", "SQLite file"),
])
def test_a_database_url_the_store_cannot_use_is_named(url, says):
    with pytest.raises(StoreUnavailable, match=says):
        Store(url)


def test_the_default_database_is_an_sqlite_file_in_the_cache_directory(tmp_path, monkeypatch):
    monkeypatch.delenv(store.URL_ENV, raising=False)
    monkeypatch.setenv("FONTNET_CACHE_DIR", str(tmp_path / "cache"))
    db = Store()
    assert db.backend == "sqlite"
    db.create_room()
    db.close()
    assert (tmp_path / "cache" / store.SQLITE_FILE).is_file()
    monkeypatch.setenv(store.URL_ENV, f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}")
    assert store.default_url().endswith("elsewhere.sqlite3")


def test_a_plain_postgresql_url_uses_psycopg(tmp_path):
    url = database_url("postgresql", tmp_path)
    for plain in (url.replace("postgresql+psycopg://", "postgresql://"),
                  url.replace("postgresql+psycopg://", "postgres://")):
        db = Store(plain)
        assert (db.backend, db.engine.dialect.driver) == ("postgresql", "psycopg")
        db.close()
