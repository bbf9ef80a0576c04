"""Class rooms as the pages use them: one store per process, and a student's seat in a room.

The store (fontnet.store) is one SQLAlchemy engine per process and URL, safe to share between threads, so every
visitor uses the same one (st.cache_resource); nothing of a visitor's lives in it. A student's seat (the room, a
random id for this session, the answers not yet saved) and a teacher's key live in that visitor's
st.session_state only (and the key, for a reload, in a cookie of the teacher's own browser, `remember_key`: the
address bar drops it once read, so a projected page does not show it).

A seat says an answer is saved to the class only after `Store.add_answer` returned. An answer the store could not
take because the database was out of reach (or the student answered too fast) stays in the seat's `pending`
list under its own answer id, and `flush` sends it again: the store keeps an answer id once, so a resend whose
first attempt did commit stores nothing twice. Answers the student undoes or removes are dropped if pending and taken
back from the class if saved (`Seat.take_back`); with the database out of reach, the take-back waits in `pending`
in its turn and goes with the next send.

A browser that joined a room keeps the student id it joined with in a cookie for that room (seat_cookie.js):
a reload, or a new session after a server replica stopped, starts a new Streamlit session, and `enter` then
finds the same student in the room again (`Seat.resume`), so the teacher's list does not grow a second seat
for the same student. The id travels in no link, so a copied address never gives a friend one's seat; a student
who leaves the room has the cookie forgotten, and one who finds someone else's seat on a shared computer can take
a new one ("Not you?" on the Teach page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from fontnet import store
from fontnet.store import (
    BadInput,
    NotJoined,
    Removed,
    RoomClosed,
    RoomFull,
    RoomNotFound,
    Store,
    StoreError,
    StoreUnavailable,
    TooFast,
)

UNAVAILABLE = ("The class database cannot be reached right now, so your answer is not saved to the class yet. "
               "It is kept on this page: press Send again in a moment.")

TAKE_BACK_UNAVAILABLE = ("Changed on this page. The class database cannot be reached right now, so the class still "
                         "has {what}: it is taken back as soon as the database answers (press Send again in a "
                         "moment, or answer on).")

Connect = Callable[[], Store]
COOKIE_KEY = "fontnet_seat_cookie"   # the hidden component that writes the cookie (app/page_head.py hides it at once)
_cookie_component = st.components.v2.component(
    "fontnet_seat_cookie", js=Path(__file__).with_name("seat_cookie.js").read_text(encoding="utf-8"),
    css=f".st-key-{COOKIE_KEY} {{ display: none; }}", isolate_styles=False)


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    return Store(url)


def shared_store() -> Store:
    """The store at store.default_url() ($FONTNET_DATABASE_URL, else the SQLite file), made once per process and
    URL. StoreUnavailable when the database cannot be reached; that is not cached, so the next call tries again."""
    return _store(store.default_url())


@dataclass(frozen=True)
class Pending:
    """An answer on its way to the class, under the id it is sent with every time."""

    answer_id: str
    rgb: tuple[int, int, int]
    label: int


@dataclass(frozen=True)
class Retraction:
    """Answers the student took back (Undo, Remove) on their way to the class: the seat's answers about each colour
    leave it, in turn with the answers sent before and after. `was_pending`: how many more were taken
    back at the same time that had not reached the class (only dropped from `pending`)."""

    rgbs: tuple[tuple[int, int, int], ...]
    was_pending: int = 0


@dataclass
class Seat:
    """A student's place in a room, kept in their session (see the module docstring)."""

    code: str
    room: store.Room | None = None                  # the room as last read
    student: str = field(default_factory=store.new_token)
    nickname: str = ""
    joined: bool = False
    pending: list[Pending | Retraction] = field(default_factory=list)   # in the order they are sent
    saved: int = 0                                  # answers of this seat the class holds
    counts: tuple[int, int] | None = None           # (students, answers), when the teacher shows them
    news: tuple[str, str] | None = None             # (kind, message) about the last send or take-back
    gone: bool = False                              # the room no longer exists
    resumed: bool = False                           # this browser's seat from before (a reload), found again
    removed: bool = False                           # the teacher removed this seat from the room

    @property
    def shown_code(self) -> str:
        return store.display_code(self.code)

    def join(self, connect: Connect, nickname: str = "") -> None:
        """Join the room under `nickname` (blank: none); StoreError says why not."""
        student = connect().join(self.code, self.student, nickname)
        self.joined, self.nickname = True, student.nickname

    def resume(self, connect: Connect, student_id: str | None) -> bool:
        """Take up the seat this browser joined the room with before (`student_id`, from its cookie), if the room
        still has that student: joined again under the same id and nickname, their saved answers counted. False
        (not joined) when there is no such student or the store cannot say now; the seat keeps the id either way,
        so joining later, once the store answers, is still the same seat."""
        if not student_id:
            return False
        self.student = student_id
        try:
            found = connect().student(self.code, student_id)
        except StoreError:
            return False
        if found is None:
            return False
        if found.removed:   # the teacher removed this browser's seat: it stays out (`enter` says so)
            self.student, self.removed = found.id, True
            return False
        self.student, self.nickname, self.saved = found.id, found.nickname, found.answers
        self.joined = self.resumed = True
        return True

    def new_seat(self) -> None:
        """Someone else's seat was found again (a shared computer): a fresh one in the same room, not yet joined."""
        self.student, self.nickname, self.saved = store.new_token(), "", 0
        self.joined = self.resumed = False
        self.pending.clear()
        self.news = None

    def refresh(self, connect: Connect) -> None:
        """Read the room's settings (and its counts, if the teacher shows them); StoreError when that fails."""
        db = connect()
        try:
            self.room = db.room_status(self.code)
            self.counts = db.counts(self.code) if self.room.show_counts else None
        except RoomNotFound:
            self.gone = True
            raise

    def send(self, connect: Connect, rgb: tuple[int, int, int], label: int) -> None:
        """Send one new answer to the class, after any still pending (see `flush`)."""
        self.pending.append(Pending(store.new_token(), tuple(int(v) for v in rgb), int(label)))
        self.flush(connect)

    def forget(self, rgb: tuple[int, int, int]) -> None:
        """Drop pending answers about `rgb` (the student took that answer back before the class had it)."""
        self.pending = [p for p in self.pending if not (isinstance(p, Pending) and p.rgb == tuple(rgb))]

    @property
    def unsent(self) -> tuple[int, int]:
        """(answers not yet saved to the class, take-backs not yet done) waiting in `pending`."""
        answers = sum(isinstance(p, Pending) for p in self.pending)
        return answers, len(self.pending) - answers

    def take_back(self, connect: Connect, rgbs: list[tuple[int, int, int]]) -> None:
        """The student undid or removed their answers about `rgbs`: drop those still pending, and take the saved
        ones back from the class (Store.retract_answers), in turn after anything still waiting to be sent: with the
        database out of reach the take-back waits in `pending` too, and goes with the next send. `news` says
        whether the class still has them, and why."""
        colours = tuple(tuple(int(v) for v in rgb) for rgb in rgbs)
        dropped = {c for c in colours if any(isinstance(p, Pending) and p.rgb == c for p in self.pending)}
        for c in dropped:   # never reached the class: dropped here, nothing to take back
            self.forget(c)
        left = tuple(c for c in colours if c not in dropped)
        if not left or (not self.joined and not self.saved):   # nothing of these is in the class
            if dropped:
                self.news = ("info", "Taken back before the class had it.")
            return
        retraction = Retraction(left, len(dropped))
        self.pending.append(retraction)
        self.flush(connect)
        if retraction in self.pending and self.news == ("error", UNAVAILABLE):   # stopped at an answer before it
            self.news = ("warning", TAKE_BACK_UNAVAILABLE.format(what="the answers you took back"))

    def _retract(self, db: Store, retraction: Retraction) -> None:
        """One take-back, now (see `take_back`): `news` says how it went; StoreUnavailable leaves it to the caller."""
        one = len(retraction.rgbs) + retraction.was_pending == 1
        try:
            taken = db.retract_answers(self.code, self.student, list(retraction.rgbs))
        except RoomClosed as e:   # the teacher froze the answers
            self.news = ("info", f"Changed on this page only: {e}.")
            return
        self.saved = max(self.saved - taken, 0)
        if taken:
            what = "that answer" if one else ("1 answer" if taken == 1 else f"{taken:,} answers")
            self.news = ("info", f"Taken back from the class too: {what} (room {self.shown_code}).")
        elif retraction.was_pending:
            self.news = ("info", "Taken back before the class had it.")

    def flush(self, connect: Connect) -> None:
        """Send what is pending, oldest first: answers, each under its own id, and take-backs; stop at the first
        that cannot be done now. `news` says how it went, in words for the student."""
        while self.pending:
            answer = self.pending[0]
            try:
                db = connect()
                if isinstance(answer, Retraction):
                    self._retract(db, answer)
                    self.pending.pop(0)
                    continue
                if not self.joined:
                    self.join(connect, self.nickname)
                db.add_answer(self.code, self.student, answer.answer_id, answer.rgb, answer.label)
            except StoreUnavailable:
                if isinstance(answer, Retraction):
                    one = len(answer.rgbs) == 1 and self.unsent[1] == 1
                    self.news = ("warning", TAKE_BACK_UNAVAILABLE.format(
                        what="that answer" if one else "the answers you took back"))
                else:
                    self.news = ("error", UNAVAILABLE)
                return
            except TooFast as e:
                self.news = ("warning", f"Not saved to the class yet: {e}. Your answer is kept on this page.")
                return
            except NotJoined:
                self.joined = False   # joined again on the next turn of the loop
                continue
            except Removed:
                self.removed, self.joined = True, False
                lost = sum(isinstance(p, Pending) for p in self.pending)
                self.pending.clear()
                self.news = ("warning", f"Your teacher removed you from room {self.shown_code}, so "
                                        f"{'your answer was' if lost == 1 else f'your last {lost} answers were'} not "
                                        "saved to the class. Teach carries on with your own answers.")
                return
            except (RoomClosed, RoomFull, RoomNotFound) as e:
                self.gone = isinstance(e, RoomNotFound)
                why = {RoomClosed: "is closed", RoomFull: f"is full ({store.ANSWERS_PER_ROOM:,} answers)",
                       RoomNotFound: "no longer exists (deleted or expired)"}[type(e)]
                if isinstance(answer, Retraction):   # only a room gone: a closed one is said by `_retract`
                    self.pending.clear()
                    self.news = ("warning", f"Room {self.shown_code} {why}.")
                    return
                lost = sum(isinstance(p, Pending) for p in self.pending)
                self.pending.clear()
                what, keep = ("your answer was", "It stays") if lost == 1 else (f"your last {lost} answers were",
                                                                                "They stay")
                self.news = ("warning", f"Room {self.shown_code} {why}, so {what} not saved to the class. {keep} "
                                        "in your own answers on this page.")
                return
            except StoreError as e:   # a value the store refuses (not expected from this page): drop that one
                self.pending.pop(0)
                self.news = ("warning", f"That {'take-back' if isinstance(answer, Retraction) else 'answer'} was "
                                        f"not sent to the class: {e}.")
                continue
            self.pending.pop(0)
            self.saved += 1
            self.news = ("success", f"Saved to the class (room {self.shown_code}).")


def enter(connect: Connect, typed: object) -> Seat:
    """A seat in the room whose code was typed or linked, once the room is found open: the one this browser
    joined it with before, if the room still has it (`Seat.resume`), else a fresh one. BadInput (a mistyped
    code), RoomNotFound, RoomClosed, Removed (this browser's seat was removed by the teacher) or StoreUnavailable
    say why not."""
    code = store.normalise_code(typed)
    room = connect().room_status(code)
    if not room.open:
        raise RoomClosed(f"room {store.display_code(code)} is closed: ask your teacher to open it")
    seat = Seat(code, room=room)
    seat.resume(connect, remembered_student(code))
    if seat.removed:
        raise Removed(f"your teacher removed you from room {store.display_code(code)}")
    return seat


def cookie_name(code: str) -> str:
    return f"fontnet_seat_{code}"


def browser_cookies() -> dict[str, str]:
    """The cookies this visitor's browser sent when their session began (none outside a browser session)."""
    try:
        return dict(st.context.cookies)
    except Exception:   # no session client, as in AppTest
        return {}


def remembered_student(code: str) -> str | None:
    """The student id this browser joined room `code` with, from its cookie, when it holds a well-formed one."""
    value = browser_cookies().get(cookie_name(code))
    return value if isinstance(value, str) and store.ID_PATTERN.fullmatch(value) else None


def _cookie_seconds() -> int:
    """How long a room's cookie is kept: while the room lives (store.room_days of quiet)."""
    try:
        days = min(store.room_days(), 400)   # browsers keep a cookie at most 400 days
    except StoreError:                       # a malformed setting: the store itself says so elsewhere
        days = store.ROOM_DAYS
    return int(days * 86_400)


def remember_seat(seat: Seat | None, forget: str | None = None) -> None:
    """Mount the hidden component that keeps `seat`'s student id in this browser for its room, while the room
    lives (store.room_days of quiet), or that forgets the seat of room `forget` (the student left it)."""
    if seat is not None and seat.joined:
        data = {"name": cookie_name(seat.code), "value": seat.student, "maxAge": _cookie_seconds()}
    elif forget:
        data = {"name": cookie_name(forget), "value": "", "maxAge": 0}
    else:
        return
    _cookie_component(key=COOKIE_KEY, data=data)


# ---- a teacher's key, kept in the teacher's browser rather than in the address bar ------------------------------
def key_cookie_name(code: str) -> str:
    return f"fontnet_key_{code}"


def remembered_key(code: str) -> str | None:
    """The teacher key this browser ran room `code` with, from its cookie, when it holds a well-formed one."""
    value = browser_cookies().get(key_cookie_name(code))
    try:
        return store.check_key(value)
    except BadInput:
        return None


def remember_key(code: str, key: str | None) -> None:
    """Mount the hidden component that keeps room `code`'s teacher key in this browser (a reload, or a new session
    after a server replica stopped, finds it there: the address bar does not show it), or forgets it (None)."""
    data = {"name": key_cookie_name(code), "value": key or "", "maxAge": _cookie_seconds() if key else 0}
    _cookie_component(key=COOKIE_KEY, data=data)
