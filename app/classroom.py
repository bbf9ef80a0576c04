"""Class rooms as the pages use them: one store per process, and a student's seat in a room.

The store (fontnet.store) is one SQLAlchemy engine per process and URL, safe to share between threads, so every
visitor uses the same one (st.cache_resource); nothing of a visitor's lives in it. A student's seat (the room, a
random id for this session, the answers not yet saved) and a teacher's key live in that visitor's
st.session_state only.

A seat says an answer is saved to the class only after `Store.add_answer` returned. An answer the store could not
take because the database was out of reach (or the student answered too fast) stays in the seat's `pending`
list under its own answer id, and `flush` sends it again: the store keeps an answer id once, so a resend whose
first attempt did commit stores nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import streamlit as st

from fontnet import store
from fontnet.store import (
    NotJoined,
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

Connect = Callable[[], Store]


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


@dataclass
class Seat:
    """A student's place in a room, kept in their session (see the module docstring)."""

    code: str
    room: store.Room | None = None                  # the room as last read
    student: str = field(default_factory=store.new_token)
    nickname: str = ""
    joined: bool = False
    pending: list[Pending] = field(default_factory=list)
    saved: int = 0                                  # answers from this session the class holds
    counts: tuple[int, int] | None = None           # (students, answers), when the teacher shows them
    news: tuple[str, str] | None = None             # (kind, message) about the last send
    gone: bool = False                              # the room no longer exists

    @property
    def shown_code(self) -> str:
        return store.display_code(self.code)

    def join(self, connect: Connect, nickname: str = "") -> None:
        """Join the room under `nickname` (blank: none); StoreError says why not."""
        student = connect().join(self.code, self.student, nickname)
        self.joined, self.nickname = True, student.nickname

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
        self.pending = [p for p in self.pending if p.rgb != tuple(rgb)]

    def flush(self, connect: Connect) -> None:
        """Send the pending answers, oldest first, each under its own id; stop at the first that cannot be
        saved now. `news` says how it went, in words for the student."""
        while self.pending:
            answer = self.pending[0]
            try:
                db = connect()
                if not self.joined:
                    self.join(connect, self.nickname)
                db.add_answer(self.code, self.student, answer.answer_id, answer.rgb, answer.label)
            except StoreUnavailable:
                self.news = ("error", UNAVAILABLE)
                return
            except TooFast as e:
                self.news = ("warning", f"Not saved to the class yet: {e}. Your answer is kept on this page.")
                return
            except NotJoined:
                self.joined = False   # joined again on the next turn of the loop
                continue
            except (RoomClosed, RoomFull, RoomNotFound) as e:
                self.gone = isinstance(e, RoomNotFound)
                why = {RoomClosed: "is closed", RoomFull: f"is full ({store.ANSWERS_PER_ROOM:,} answers)",
                       RoomNotFound: "no longer exists (deleted or expired)"}[type(e)]
                lost = len(self.pending)
                self.pending.clear()
                what, keep = ("your answer was", "It stays") if lost == 1 else (f"your last {lost} answers were",
                                                                                "They stay")
                self.news = ("warning", f"Room {self.shown_code} {why}, so {what} not saved to the class. {keep} "
                                        "in your own answers on this page.")
                return
            except StoreError as e:   # a value the store refuses (not expected from this page): drop that answer
                self.pending.pop(0)
                self.news = ("warning", f"That answer was not saved to the class: {e}.")
                continue
            self.pending.pop(0)
            self.saved += 1
            self.news = ("success", f"Saved to the class (room {self.shown_code}).")


def enter(connect: Connect, typed: object) -> Seat:
    """A seat in the room whose code was typed or linked, once the room is found open; BadInput (a mistyped
    code), RoomNotFound, RoomClosed or StoreUnavailable say why not."""
    code = store.normalise_code(typed)
    room = connect().room_status(code)
    if not room.open:
        raise RoomClosed(f"room {store.display_code(code)} is closed: ask your teacher to open it")
    return Seat(code, room=room)
