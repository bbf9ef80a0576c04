"""The class's shared state: rooms, their students and their answers, in one database.

A teacher opens a room (a short code for the board, a secret key kept by the teacher's page); students join
it with a nickname and their Teach answers are pooled there. By default the database is an SQLite file in the
cache directory (no set-up; several processes on one machine share it); FONTNET_DATABASE_URL
(postgresql+psycopg://user:password@host:port/db) puts it in PostgreSQL, for replicas on several machines.
Both go through the same SQLAlchemy Core statements.

Guarantees a page can build on:
- An answer is acknowledged (add_answer returns) only after its transaction committed. Sending the same
  answer id again stores nothing new and returns the stored row, so "send again" is always safe.
- Every failure is a `StoreError` whose message can be shown as it is: `StoreUnavailable` when the database
  cannot be reached (never a driver's exception), `BadInput` for a mistyped code or nickname, `RoomNotFound`,
  `RoomClosed`, `NotTeacher`, `NotJoined`, `Removed`, and `TooFast` / `RoomFull` for the rate limits.
- The limits (ANSWERS_PER_MINUTE per student, ANSWERS_PER_ROOM per room) are counted in the database, so they
  hold across replicas.
- Within a room, answer ids grow in commit order, so `answers_since(code, key, last_id)` never misses a row.
  Answers leave a room only with their room's count lowered in the same transaction (a student taking theirs
  back, `retract_answers`; the teacher removing a student, `remove_student`), so a reader holding more answers
  than the room counts knows to read it again (`watch`).
- A student reads only the room's settings and, when the teacher allows it (`show_counts`), its counts;
  answers, students and nicknames are the teacher's alone (every such call checks the teacher's key).
Only a SHA-256 hash of a teacher's key is stored. Rooms idle for FONTNET_ROOM_DAYS (default 30) days are
deleted with their answers by `expire`, which `create_room` runs and the app runs as it starts.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from .model import cache_dir

log = logging.getLogger(__name__)

URL_ENV = "FONTNET_DATABASE_URL"
DAYS_ENV = "FONTNET_ROOM_DAYS"
SQLITE_FILE = "classroom.sqlite3"        # in the cache directory (fontnet.model.cache_dir)
ROOM_DAYS = 30.0                         # a room idle this long is deleted with its answers
ANSWERS_PER_MINUTE = 60                  # per student
ANSWERS_PER_ROOM = 10_000
RATE_WINDOW = 60.0                       # seconds the per-student limit counts over
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"   # no 0/O, 1/I/L, U/V look-alikes
CODE_LENGTH = 6                          # 30^6, about 729 million codes
NICKNAME_MAX = 24
ASK_MODES = ("active", "random")         # the Teach page's question strategies (fontnet.teach.STRATEGIES)
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")   # student and answer ids, made by new_token()
KEY_MAX = 200
BUSY_SECONDS = 10.0                      # SQLite waits this long for another writer before giving up
CONNECT_SECONDS = 5                      # PostgreSQL gives up connecting after this long
SCHEMA_VERSION = 3


# ---- errors -------------------------------------------------------------------------------------
class StoreError(Exception):
    """Anything the store refuses or cannot do; the message is meant for the person using the page."""


class StoreUnavailable(StoreError):
    """The database cannot be reached or used right now (nothing was saved); trying again may work."""


class BadInput(StoreError, ValueError):
    """A room code, nickname, id, colour, label or setting that is not valid; the message says why."""


class RoomNotFound(StoreError):
    """No room has this code (never opened, deleted by its teacher, or expired)."""


class RoomClosed(StoreError):
    """The teacher has closed the room: it takes no new students or answers until reopened."""


class NotTeacher(StoreError):
    """The teacher's key does not match this room."""


class NotJoined(StoreError):
    """The student has not joined this room (join first, with a nickname)."""


class Removed(StoreError):
    """The teacher removed this student (their seat) from the room: it takes no answers from that seat again."""


class RateLimited(StoreError):
    """A limit on answers was reached; nothing was saved."""


class TooFast(RateLimited):
    """The student sent ANSWERS_PER_MINUTE answers within the last minute; `retry_after` seconds to wait."""

    def __init__(self, message: str, retry_after: float):
        super().__init__(message)
        self.retry_after = retry_after


class RoomFull(RateLimited):
    """The room holds ANSWERS_PER_ROOM answers."""


# ---- codes, keys, ids, nicknames ------------------------------------------------------------------
def new_code() -> str:
    """A fresh random room code: CODE_LENGTH characters of CODE_ALPHABET."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_key() -> str:
    """A fresh teacher key: 192 random bits, URL-safe."""
    return secrets.token_urlsafe(24)


def new_token() -> str:
    """A fresh random id for a student's session or for one answer (96 bits, URL-safe)."""
    return secrets.token_urlsafe(12)


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _shown(text: str, limit: int = 20) -> str:
    return repr(text if len(text) <= limit else text[:limit - 3] + "...")


def _compact(text: str) -> str:
    return re.sub(r"[\s\-]+", "", text).upper()


def code_problem(text: str) -> str | None:
    """What is wrong with a typed room code, worded to follow "'K0F3QX' is ...", or None if it reads as a code.
    (Blank text is not a code either; normalise_code says so in its own words.)"""
    code = _compact(text)
    bad = sorted({c for c in code if c not in CODE_ALPHABET})
    if bad:
        lookalike = [c for c in bad if c in "0O1IL"]
        hint = (" (codes never use 0, O, 1, I or L, so they cannot be mixed up: check the code on the board)"
                if lookalike else "")
        return (f"not a room code: it has {', '.join(map(repr, bad))}; codes use the digits 2–9 and the letters "
                f"A–Z except I, L, O and U{hint}")
    if len(code) != CODE_LENGTH:
        return f"not a room code: it has {len(code)} characters; a room code has {CODE_LENGTH}"
    return None


def normalise_code(text: object) -> str:
    """The room code a student typed, upper-cased, without spaces or dashes; BadInput says what is wrong."""
    if not isinstance(text, str):
        raise BadInput("a room code is text, like K7F-3QX")
    if not _compact(text):
        raise BadInput(f"type the room code your teacher shows ({CODE_LENGTH} letters and digits)")
    if (problem := code_problem(text)) is not None:
        raise BadInput(f"{_shown(text.strip())} is {problem}")
    return _compact(text)


def display_code(code: str) -> str:
    """A code as shown on the board, in two halves: K7F-3QX."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def normalise_nickname(text: object) -> str:
    """A nickname stripped, inner spaces collapsed, 1-NICKNAME_MAX characters, no control characters."""
    if not isinstance(text, str):
        raise BadInput("a nickname is text")
    name = " ".join(text.split())
    if not name:
        raise BadInput("type a nickname (the class sees it next to your answers)")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs") for c in name):
        raise BadInput("a nickname cannot contain control or invisible characters")
    if len(name) > NICKNAME_MAX:
        raise BadInput(f"a nickname has at most {NICKNAME_MAX} characters; this one has {len(name)}")
    return name


def check_key(text: object) -> str:
    """A teacher key as a link carries it: 1-KEY_MAX URL-safe characters; BadInput otherwise."""
    if not isinstance(text, str) or not text:
        raise BadInput("a teacher key is text (the teacher's link holds it)")
    if len(text) > KEY_MAX:
        raise BadInput(f"a teacher key has at most {KEY_MAX} characters; this one has {len(text)}")
    if not re.fullmatch(r"[A-Za-z0-9_-]+", text):
        raise BadInput("a teacher key has only letters, digits, '-' and '_': copy the whole teacher link")
    return text


def _check_id(value: object, what: str) -> str:
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise BadInput(f"{what} must be 1-64 letters, digits, '-' or '_' (make one with store.new_token())")
    return value


def _check_rgb(rgb: object) -> tuple[int, int, int]:
    try:
        values = tuple(rgb)  # type: ignore[arg-type]
        ok = len(values) == 3 and all(int(v) == v and 0 <= v <= 255 and not isinstance(v, bool) for v in values)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise BadInput(f"a colour is three whole numbers 0-255, got {_shown(str(rgb), 40)}")
    return tuple(int(v) for v in values)  # type: ignore[return-value]


def _check_label(label: object) -> int:
    if isinstance(label, bool) or label not in (0, 1):
        raise BadInput(f"a label is 1 (dark text) or 0 (light text), got {_shown(str(label))}")
    return int(label)  # type: ignore[arg-type]


def _check_mode(mode: object) -> str:
    if mode not in ASK_MODES:
        raise BadInput(f"the way to ask must be {' or '.join(ASK_MODES)}, got {_shown(str(mode))}")
    return str(mode)


# ---- records ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Room:
    """A room's public state (never its key). Times are seconds since the epoch."""

    code: str
    open: bool
    show_guess: bool      # students see the network's guess before they answer
    ask: str              # how students' colours are chosen: "active" or "random"
    answers: int
    created: float
    last_activity: float
    show_counts: bool = False   # students see how many classmates joined and how many answers the class gave


@dataclass(frozen=True)
class Student:
    """One student of a room; `nickname` is "" for a student who gave none (the teacher's page numbers them)."""

    id: str
    nickname: str
    joined: float
    answers: int
    removed: bool = False   # the teacher removed this seat (only `student` returns such a one)
    number: int = 0         # the order of joining, removed students counted (`students`; 0 elsewhere)


@dataclass(frozen=True)
class StoredAnswer:
    """One committed answer. `id` grows in commit order within a room; `answer_id` is the client's own id."""

    id: int
    student: str
    answer_id: str
    rgb: tuple[int, int, int]
    label: int
    created: float


@dataclass(frozen=True)
class Watch:
    """What the teacher's live view reads in one transaction: the room, its students, and its new answers."""

    room: Room
    students: list[Student]
    answers: list[StoredAnswer]


@dataclass(frozen=True)
class Receipt:
    """What add_answer committed: the stored row, and whether it had been stored already (a resend)."""

    answer: StoredAnswer
    duplicate: bool


# ---- schema -------------------------------------------------------------------------------------
metadata = sa.MetaData()
Seconds = sa.Double()
AnswerId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")   # SQLite autoincrements INTEGER keys only

schema_table = sa.Table(
    "class_schema", metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("applied", Seconds, nullable=False),
)
rooms_table = sa.Table(
    "class_rooms", metadata,
    sa.Column("code", sa.String(CODE_LENGTH), primary_key=True),
    sa.Column("key_hash", sa.String(64), nullable=False),
    sa.Column("created", Seconds, nullable=False),
    sa.Column("last_activity", Seconds, nullable=False, index=True),
    sa.Column("is_open", sa.Boolean, nullable=False),
    sa.Column("show_guess", sa.Boolean, nullable=False),
    sa.Column("ask", sa.String(8), sa.CheckConstraint(f"ask IN {ASK_MODES!r}", name="class_rooms_ask"),
              nullable=False),
    sa.Column("answers", sa.Integer, nullable=False),
    sa.Column("show_counts", sa.Boolean, nullable=False, server_default=sa.false()),   # since version 2
)
students_table = sa.Table(
    "class_students", metadata,
    sa.Column("room", sa.String(CODE_LENGTH), sa.ForeignKey(rooms_table.c.code, ondelete="CASCADE"), primary_key=True),
    sa.Column("student", sa.String(64), primary_key=True),
    sa.Column("nickname", sa.String(NICKNAME_MAX), nullable=False),
    sa.Column("joined", Seconds, nullable=False),
    sa.Column("removed", sa.Boolean, nullable=False, server_default=sa.false()),   # since version 3
)
answers_table = sa.Table(
    "class_answers", metadata,
    sa.Column("id", AnswerId, primary_key=True, autoincrement=True),
    sa.Column("room", sa.String(CODE_LENGTH), nullable=False),
    sa.Column("student", sa.String(64), nullable=False),
    sa.Column("answer_id", sa.String(64), nullable=False),
    sa.Column("r", sa.SmallInteger, nullable=False),
    sa.Column("g", sa.SmallInteger, nullable=False),
    sa.Column("b", sa.SmallInteger, nullable=False),
    sa.Column("label", sa.SmallInteger, nullable=False),
    sa.Column("created", Seconds, nullable=False),
    sa.ForeignKeyConstraint(["room", "student"], [students_table.c.room, students_table.c.student], ondelete="CASCADE"),
    sa.UniqueConstraint("room", "student", "answer_id", name="class_answers_once"),
    sa.CheckConstraint("r BETWEEN 0 AND 255 AND g BETWEEN 0 AND 255 AND b BETWEEN 0 AND 255",
                       name="class_answers_rgb"),
    sa.CheckConstraint("label IN (0, 1)", name="class_answers_label"),
    sa.Index("class_answers_room_id", "room", "id"),
    sqlite_autoincrement=True,
)

# UPGRADES[v] brings a database at version v - 1 to version v, inside the start-up transaction. A new
# database is created at SCHEMA_VERSION directly from `metadata`; an older one runs the steps it lacks.
def _add_show_counts(conn: sa.Connection) -> None:
    """Version 2: the teacher may show students the class's counts (off in the rooms that exist)."""
    conn.execute(sa.text("ALTER TABLE class_rooms ADD COLUMN show_counts BOOLEAN NOT NULL DEFAULT FALSE"))


def _add_removed(conn: sa.Connection) -> None:
    """Version 3: the teacher may remove a student from the room (nobody is removed in the rooms that exist)."""
    conn.execute(sa.text("ALTER TABLE class_students ADD COLUMN removed BOOLEAN NOT NULL DEFAULT FALSE"))


UPGRADES: dict[int, Callable[[sa.Connection], None]] = {2: _add_show_counts, 3: _add_removed}
_MIGRATION_LOCK = 0x466F6E744E6574   # PostgreSQL advisory lock id: replicas starting together upgrade once


# ---- the store ----------------------------------------------------------------------------------
def default_url() -> str:
    """$FONTNET_DATABASE_URL, else an SQLite file in the cache directory."""
    return os.environ.get(URL_ENV) or f"sqlite:///{cache_dir() / SQLITE_FILE}"


def room_days() -> float:
    """$FONTNET_ROOM_DAYS (days a room may stay idle before expire deletes it), else ROOM_DAYS."""
    raw = os.environ.get(DAYS_ENV, "").strip()
    if not raw:
        return ROOM_DAYS
    try:
        days = float(raw)
    except ValueError:
        days = -1.0
    if not 0 < days < float("inf"):
        raise StoreUnavailable(f"{DAYS_ENV} must be a number of days above 0, got {_shown(raw)}")
    return days


def _make_engine(url: str) -> sa.Engine:
    try:
        u = sa.make_url(url)
    except sa.exc.ArgumentError:
        raise StoreUnavailable("the class database's URL cannot be read (expected sqlite:///path or "
                               "postgresql+psycopg://user:password@host:port/database)") from None
    if u.drivername in ("postgres", "postgresql"):
        u = u.set(drivername="postgresql+psycopg")
    backend = u.get_backend_name()
    if backend == "sqlite":
        if not u.database or u.database == ":memory:" or u.database.startswith("file:"):
            raise StoreUnavailable("the class database must be an SQLite file (sqlite:///path), which several "
                                   "processes can share")
        try:
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreUnavailable(f"cannot create the class database's folder ({exc.strerror})") from None
        engine = sa.create_engine(u, pool_pre_ping=True, connect_args={"timeout": BUSY_SECONDS})
        sa.event.listen(engine, "connect", _sqlite_connect)
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    if backend == "postgresql":
        try:
            return sa.create_engine(u, pool_pre_ping=True, pool_timeout=30,
                                    connect_args={"connect_timeout": CONNECT_SECONDS})
        except (ImportError, sa.exc.NoSuchModuleError):
            raise StoreUnavailable("PostgreSQL needs the psycopg package (pip install 'psycopg[binary]')") from None
    raise StoreUnavailable(f"the class database must be SQLite or PostgreSQL, not {backend}")


def _sqlite_connect(dbapi_connection, _record) -> None:
    # sqlite3 would BEGIN on its own only before writes; `_sqlite_begin` takes that over (SQLAlchemy's recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # readers never wait for the writer. Switching a new file to WAL needs it to itself, and SQLite answers
    # "database is locked" at once there, without its busy wait: so ask again until the switch is made.
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(conn: sa.Connection) -> None:
    # A write transaction takes SQLite's write lock at BEGIN. With a plain BEGIN, two writers that both read
    # first (add_answer counts before it inserts) would both hold read snapshots, and the second to write
    # would fail at once with "database is locked" instead of waiting its turn.
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("fontnet_write") else "BEGIN")


class Store:
    """The rooms, students and answers in one database (see the module's docstring). Safe to share between
    threads: each call takes a connection from the pool for one short transaction.

    `clock` gives the time in seconds since the epoch (tests move it); `url` defaults to default_url().
    Creating a Store creates or upgrades the schema; StoreUnavailable if the database cannot be reached.
    """

    def __init__(self, url: str | None = None, *, clock: Callable[[], float] = time.time):
        self.clock = clock
        self.engine = _make_engine(url or default_url())
        self._writer = self.engine.execution_options(fontnet_write=True)
        self._postgres = self.engine.dialect.name == "postgresql"
        self._insert = postgresql.insert if self._postgres else sqlite.insert
        # SQLite lets one writer in at a time and makes the others poll with growing sleeps, so under many
        # threads some writers starve for seconds; queueing this process's writers on a lock first hands the
        # database over as soon as it is free. (PostgreSQL queues lock waiters itself.)
        self._write_turn = nullcontext() if self._postgres else threading.Lock()
        deadline = time.monotonic() + BUSY_SECONDS
        while True:
            try:
                with self._transaction(write=True) as conn:
                    self._migrate(conn)
                break
            except StoreUnavailable as exc:
                # servers starting together on one new SQLite file: SQLite can say "locked" at once, without
                # its busy wait, while another makes the file; the schema is then theirs to finish, so ask again
                if "locked" in str(exc.__cause__) and time.monotonic() < deadline:
                    time.sleep(0.05)
                    continue
                self.engine.dispose()
                raise
            except StoreError:
                self.engine.dispose()
                raise

    def close(self) -> None:
        """Close the pool's connections."""
        self.engine.dispose()

    @property
    def backend(self) -> str:
        """"sqlite" or "postgresql"."""
        return self.engine.dialect.name

    # ---- plumbing -------------------------------------------------------------------------------
    @contextmanager
    def _transaction(self, write: bool = False) -> Iterator[sa.Connection]:
        """One transaction, committed when the block ends; any database failure becomes StoreUnavailable."""
        try:
            with self._write_turn if write else nullcontext(), (self._writer if write else self.engine).begin() as conn:
                yield conn
        except StoreError:
            raise
        except sa.exc.TimeoutError as exc:
            log.warning("class database: no free connection in the pool")
            raise StoreUnavailable("the class database is too busy right now") from exc
        except sa.exc.SQLAlchemyError as exc:
            log.warning("class database failed: %s", str(exc).splitlines()[0])
            raise StoreUnavailable("could not reach the class database") from exc

    def _migrate(self, conn: sa.Connection) -> None:
        if self._postgres:
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_MIGRATION_LOCK)))
        inspector = sa.inspect(conn)
        if not inspector.has_table(schema_table.name):
            if any(inspector.has_table(t.name) for t in metadata.sorted_tables):
                raise StoreUnavailable("the class database has FontNet's tables but no schema version: "
                                       "it cannot be upgraded safely")
            metadata.create_all(conn)
            conn.execute(schema_table.insert().values(version=SCHEMA_VERSION, applied=self.clock()))
            return
        current = conn.scalar(sa.select(sa.func.max(schema_table.c.version))) or 0
        if current > SCHEMA_VERSION:
            raise StoreUnavailable(f"the class database's schema is version {current}, newer than this FontNet "
                                   f"knows ({SCHEMA_VERSION}): update FontNet")
        for version in range(current + 1, SCHEMA_VERSION + 1):
            UPGRADES[version](conn)
            conn.execute(schema_table.insert().values(version=version, applied=self.clock()))

    def schema_version(self) -> int:
        """The schema version recorded in the database."""
        with self._transaction() as conn:
            return int(conn.scalar(sa.select(sa.func.max(schema_table.c.version))))

    @staticmethod
    def _room(row) -> Room:
        return Room(row.code, bool(row.is_open), bool(row.show_guess), row.ask, row.answers, row.created,
                    row.last_activity, bool(row.show_counts))

    def _get_room(self, conn: sa.Connection, code: str, lock: bool = False):
        query = sa.select(rooms_table).where(rooms_table.c.code == code)
        # FOR UPDATE on PostgreSQL (SQLite renders nothing: its BEGIN IMMEDIATE already serialises writers).
        row = conn.execute(query.with_for_update() if lock else query).first()
        if row is None:
            raise RoomNotFound(f"there is no room {display_code(code)} (it may have been closed for good "
                               "or expired): check the code")
        return row

    def _teacher_room(self, conn: sa.Connection, code: object, key: object, lock: bool = False):
        row = self._get_room(conn, normalise_code(code), lock)
        if not (isinstance(key, str) and len(key) <= KEY_MAX and hmac.compare_digest(_hash_key(key), row.key_hash)):
            raise NotTeacher("this is not the teacher's key for this room")
        return row

    # ---- rooms ----------------------------------------------------------------------------------
    def create_room(self, *, ask: str = "active", show_guess: bool = True,
                    show_counts: bool = False) -> tuple[str, str]:
        """A new open room: (code, teacher key). The key is shown once and only its hash is stored.
        Rooms idle longer than room_days() are deleted first."""
        ask = _check_mode(ask)
        self.expire()
        key = new_key()
        now = self.clock()
        for _ in range(20):   # a code already in use (rare: 729 million codes) just draws another
            code = new_code()
            with self._transaction(write=True) as conn:
                added = conn.execute(self._insert(rooms_table).values(
                    code=code, key_hash=_hash_key(key), created=now, last_activity=now, is_open=True,
                    show_guess=bool(show_guess), ask=ask, answers=0,
                    show_counts=bool(show_counts)).on_conflict_do_nothing()).rowcount
            if added:
                return code, key
        raise StoreUnavailable("could not find a free room code; try again")

    def room_status(self, code: object) -> Room:
        """The room's state (open, settings, number of answers); RoomNotFound, BadInput for a bad code."""
        code = normalise_code(code)
        with self._transaction() as conn:
            return self._room(self._get_room(conn, code))

    def check_teacher(self, code: object, key: object) -> bool:
        """Whether `key` is this room's teacher key (compared in constant time); RoomNotFound if no room."""
        try:
            with self._transaction() as conn:
                self._teacher_room(conn, code, key)
        except NotTeacher:
            return False
        return True

    def _set(self, code: object, key: object, **values) -> Room:
        with self._transaction(write=True) as conn:
            row = self._teacher_room(conn, code, key, lock=True)
            values["last_activity"] = self.clock()
            conn.execute(rooms_table.update().where(rooms_table.c.code == row.code).values(**values))
            return self._room(self._get_room(conn, row.code))

    def set_open(self, code: object, key: object, is_open: bool) -> Room:
        """Open or close the room (a closed room takes no new students or answers). Teacher only."""
        return self._set(code, key, is_open=bool(is_open))

    def set_show_guess(self, code: object, key: object, show: bool) -> Room:
        """Whether students see the network's guess before they answer. Teacher only."""
        return self._set(code, key, show_guess=bool(show))

    def set_show_counts(self, code: object, key: object, show: bool) -> Room:
        """Whether students see the class's counts (students joined, answers given). Teacher only."""
        return self._set(code, key, show_counts=bool(show))

    def set_ask_mode(self, code: object, key: object, mode: str) -> Room:
        """How students' colours are chosen: "active" or "random". Teacher only."""
        return self._set(code, key, ask=_check_mode(mode))

    def delete_room(self, code: object, key: object) -> None:
        """Delete the room, its students and all its answers. Teacher only."""
        with self._transaction(write=True) as conn:
            row = self._teacher_room(conn, code, key, lock=True)
            self._delete(conn, [row.code])

    @staticmethod
    def _delete(conn: sa.Connection, codes: Sequence[str] | sa.Select) -> int:
        """Delete the rooms `codes` (a list or a query of codes) with their students and answers."""
        conn.execute(answers_table.delete().where(answers_table.c.room.in_(codes)))
        conn.execute(students_table.delete().where(students_table.c.room.in_(codes)))
        return conn.execute(rooms_table.delete().where(rooms_table.c.code.in_(codes))).rowcount

    def expire(self, days: float | None = None) -> int:
        """Delete rooms idle (no join, answer or setting change) for more than `days` (default room_days()),
        with their students and answers; returns how many rooms went."""
        days = room_days() if days is None else days
        idle = sa.select(rooms_table.c.code).where(rooms_table.c.last_activity < self.clock() - days * 86_400)
        with self._transaction(write=True) as conn:
            return self._delete(conn, idle)

    # ---- students -------------------------------------------------------------------------------
    def join(self, code: object, student_id: str, nickname: object = "") -> Student:
        """The student in the room under `nickname` (blank: no nickname, the teacher's page numbers the student);
        RoomClosed when closed. Joining again under a nickname renames; joining again blank keeps the seat's
        nickname (a browser that took up its seat again while the store was out of reach, not knowing it, and
        joins without typing one)."""
        code = normalise_code(code)
        student_id = _check_id(student_id, "a student id")
        nickname = "" if isinstance(nickname, str) and not nickname.strip() else normalise_nickname(nickname)
        now = self.clock()
        with self._transaction(write=True) as conn:
            if not self._get_room(conn, code, lock=True).is_open:
                raise RoomClosed(f"room {display_code(code)} is closed: ask your teacher to open it")
            if conn.scalar(sa.select(students_table.c.removed).where(students_table.c.room == code,
                                                                     students_table.c.student == student_id)):
                raise Removed(f"your teacher removed you from room {display_code(code)}")
            insert = self._insert(students_table).values(room=code, student=student_id, nickname=nickname, joined=now)
            if nickname:
                insert = insert.on_conflict_do_update(index_elements=[students_table.c.room, students_table.c.student],
                                                      set_={"nickname": nickname})
            else:
                insert = insert.on_conflict_do_nothing(index_elements=[students_table.c.room, students_table.c.student])
            conn.execute(insert)
            conn.execute(rooms_table.update().where(rooms_table.c.code == code).values(last_activity=now))
            row = conn.execute(sa.select(students_table).where(students_table.c.room == code,
                                                         students_table.c.student == student_id)).one()
            count = conn.scalar(sa.select(sa.func.count()).where(answers_table.c.room == code,
                                                                 answers_table.c.student == student_id))
        return Student(row.student, row.nickname, row.joined, count)

    def student(self, code: object, student_id: str) -> Student | None:
        """The student with this id in the room, with their number of answers (and `removed` when the teacher
        removed them), or None when no such student joined it: what a student's own browser remembers of its seat is checked here before it is used again.
        RoomNotFound when the room is gone; the id is the only proof needed (it is random and only that
        browser holds it)."""
        code = normalise_code(code)
        student_id = _check_id(student_id, "a student id")
        with self._transaction() as conn:
            self._get_room(conn, code)
            row = conn.execute(sa.select(students_table).where(students_table.c.room == code,
                                                               students_table.c.student == student_id)).one_or_none()
            if row is None:
                return None
            count = conn.scalar(sa.select(sa.func.count()).where(answers_table.c.room == code,
                                                                 answers_table.c.student == student_id))
        return Student(row.student, row.nickname, row.joined, int(count), bool(row.removed))

    def students(self, code: object, key: object) -> list[Student]:
        """Every student of the room with their number of answers, in the order they joined. Teacher only."""
        with self._transaction() as conn:
            return self._students(conn, self._teacher_room(conn, code, key).code)

    def remove_student(self, code: object, key: object, student_id: str) -> int:
        """Remove a student from the room (teacher only): their answers are deleted and the room's count lowered,
        their nickname cleared, and their seat refuses to join or answer again (Removed), all in one
        transaction. Returns how many answers went; NotJoined when the room has no such student."""
        student_id = _check_id(student_id, "a student id")
        with self._transaction(write=True) as conn:
            code = self._teacher_room(conn, code, key, lock=True).code
            seat = (students_table.c.room == code) & (students_table.c.student == student_id) & ~students_table.c.removed
            if conn.execute(students_table.update().where(seat).values(removed=True, nickname="")).rowcount != 1:
                raise NotJoined("that student is not in this room (removed already, or never joined)")
            gone = conn.execute(answers_table.delete().where(answers_table.c.room == code,
                                                             answers_table.c.student == student_id)).rowcount
            conn.execute(rooms_table.update().where(rooms_table.c.code == code)
                         .values(answers=rooms_table.c.answers - gone))
        return int(gone)

    @staticmethod
    def _students(conn: sa.Connection, code: str) -> list[Student]:
        n = (sa.select(sa.func.count()).where(answers_table.c.room == students_table.c.room,
                                              answers_table.c.student == students_table.c.student)
             .scalar_subquery().label("n"))
        rows = conn.execute(sa.select(students_table, n).where(students_table.c.room == code)
                            .order_by(students_table.c.joined, students_table.c.student)).all()
        # numbered among every student who joined, so "Student 3" stays Student 3 when another is removed
        return [Student(r.student, r.nickname, r.joined, r.n, number=i)
                for i, r in enumerate(rows, start=1) if not r.removed]

    def counts(self, code: object) -> tuple[int, int]:
        """(students joined, answers given) in the room: the only class figures a student may be shown, and
        only when the teacher chose to (Room.show_counts)."""
        code = normalise_code(code)
        with self._transaction() as conn:
            room = self._get_room(conn, code)
            joined = conn.scalar(sa.select(sa.func.count()).select_from(students_table)
                                 .where(students_table.c.room == code, ~students_table.c.removed))
        return int(joined), int(room.answers)

    def answered(self, code: object, student_id: str) -> int:
        """How many answers this student has in the room (for the student's own page)."""
        code = normalise_code(code)
        student_id = _check_id(student_id, "a student id")
        with self._transaction() as conn:
            self._get_room(conn, code)
            return int(conn.scalar(sa.select(sa.func.count()).where(answers_table.c.room == code,
                                                                     answers_table.c.student == student_id)))

    # ---- answers --------------------------------------------------------------------------------
    def add_answer(self, code: object, student_id: str, answer_id: str, rgb: Sequence[int], label: int) -> Receipt:
        """Store one answer and return it once committed. The same answer id again returns the stored row with
        duplicate=True (even when the room has since closed); RoomNotFound, RoomClosed, NotJoined, Removed, TooFast,
        RoomFull, BadInput, StoreUnavailable otherwise, each with nothing saved."""
        code = normalise_code(code)
        student_id = _check_id(student_id, "a student id")
        answer_id = _check_id(answer_id, "an answer id")
        r, g, b = _check_rgb(rgb)
        label = _check_label(label)
        now = self.clock()
        mine = (answers_table.c.room == code) & (answers_table.c.student == student_id)
        recent = mine & (answers_table.c.created > now - RATE_WINDOW)
        facts = sa.select(   # one round trip for what the checks below need
            sa.select(answers_table.c.id).where(mine, answers_table.c.answer_id == answer_id).scalar_subquery(),
            sa.select(students_table.c.removed).where(students_table.c.room == code,
                                                      students_table.c.student == student_id).scalar_subquery(),
            sa.select(sa.func.count()).where(recent).scalar_subquery(),
            sa.select(sa.func.min(answers_table.c.created)).where(recent).scalar_subquery())
        with self._transaction(write=True) as conn:
            # The room's row lock (this UPDATE) serialises a room's answers: the limits below count what is
            # committed, and ids grow in commit order within the room, which answers_since relies on. Without
            # it two replicas could both count 59 and store 61, and a reader could see id 11 before id 10
            # commits. A refused answer rolls the update back.
            room = conn.execute(rooms_table.update().where(rooms_table.c.code == code).values(last_activity=now)
                                .returning(rooms_table.c.is_open, rooms_table.c.answers)).first()
            if room is None:
                self._get_room(conn, code)   # raises RoomNotFound
            stored, removed, sent, oldest = conn.execute(facts).one()   # removed: None when never joined
            if stored is not None:
                row = conn.execute(sa.select(answers_table).where(answers_table.c.id == stored)).one()
                return Receipt(_answer(row), duplicate=True)
            if not room.is_open:
                raise RoomClosed(f"room {display_code(code)} is closed: your answer was not saved")
            if removed:
                raise Removed(f"your teacher removed you from room {display_code(code)}: your answer was not saved")
            if removed is None:
                raise NotJoined(f"join room {display_code(code)} with a nickname first")
            if room.answers >= ANSWERS_PER_ROOM:
                raise RoomFull(f"room {display_code(code)} is full ({ANSWERS_PER_ROOM:,} answers): "
                               "your answer was not saved")
            if sent >= ANSWERS_PER_MINUTE:
                wait = max(oldest + RATE_WINDOW - now, 0.0)
                raise TooFast(f"that is {ANSWERS_PER_MINUTE} answers within a minute, the most a room takes "
                              f"from one student: wait {wait:.0f} s and send again", wait)
            row = conn.execute(answers_table.insert().values(
                room=code, student=student_id, answer_id=answer_id, r=r, g=g, b=b, label=label, created=now,
            ).returning(*answers_table.c)).one()
            conn.execute(rooms_table.update().where(rooms_table.c.code == code).values(answers=rooms_table.c.answers + 1))
        return Receipt(_answer(row), duplicate=False)

    def retract_answers(self, code: object, student_id: str, rgbs: Sequence[Sequence[int]]) -> int:
        """Take back this student's answers about each colour in `rgbs` (Undo or Remove on Teach, whose page holds
        one answer per colour: an answer given again replaces the page's, so the class keeps none about a colour
        the page no longer has): the rows are deleted and the room's count lowered in one transaction; returns how
        many were deleted (a colour never saved, or taken back already, has none, so sending the same take-back
        twice changes nothing the second time). RoomClosed when the room is closed (its answers stay as the
        teacher froze them), RoomNotFound, BadInput, StoreUnavailable otherwise, each with nothing changed. A live
        view notices the count falling below the answers it holds and reads the room again (`watch`)."""
        code = normalise_code(code)
        student_id = _check_id(student_id, "a student id")
        colours = sorted({_check_rgb(rgb) for rgb in rgbs})
        if not colours:
            return 0
        now = self.clock()
        with self._transaction(write=True) as conn:
            room = conn.execute(rooms_table.update().where(rooms_table.c.code == code).values(last_activity=now)
                                .returning(rooms_table.c.is_open)).first()
            if room is None:
                self._get_room(conn, code)   # raises RoomNotFound
            if not room.is_open:
                raise RoomClosed(f"room {display_code(code)} is closed, so the class keeps "
                                 + ("that answer" if len(colours) == 1 else "those answers"))
            colour = sa.tuple_(answers_table.c.r, answers_table.c.g, answers_table.c.b)
            taken = conn.execute(answers_table.delete().where(
                answers_table.c.room == code, answers_table.c.student == student_id, colour.in_(colours))).rowcount
            if taken:
                conn.execute(rooms_table.update().where(rooms_table.c.code == code)
                             .values(answers=rooms_table.c.answers - taken))
        return int(taken)

    def answers(self, code: object, key: object) -> list[StoredAnswer]:
        """Every answer in the room, oldest first. Teacher only."""
        return self.answers_since(code, key, 0)

    def answers_since(self, code: object, key: object, after_id: int) -> list[StoredAnswer]:
        """The room's answers with id > after_id, oldest first: pass the last id seen to get only what is new.
        Teacher only."""
        _check_after(after_id)
        with self._transaction() as conn:
            return self._answers_since(conn, self._teacher_room(conn, code, key).code, after_id)

    @staticmethod
    def _answers_since(conn: sa.Connection, code: str, after_id: int) -> list[StoredAnswer]:
        rows = conn.execute(sa.select(answers_table)
                            .where(answers_table.c.room == code, answers_table.c.id > after_id)
                            .order_by(answers_table.c.id)).all()
        return [_answer(r) for r in rows]

    def watch(self, code: object, key: object, after_id: int) -> Watch:
        """The room, its students and its answers with id > after_id, read in one transaction (the teacher's
        live view asks this about once a second). Teacher only.

        The room (its answer count) is read after the answers: under PostgreSQL's READ COMMITTED each statement
        sees what was committed when it began, so an answer committed in between is counted but not returned,
        never the other way round. The count is then below the answers held only when some were taken back
        (`retract_answers`, `remove_student`), which is what a live view checks."""
        _check_after(after_id)
        with self._transaction() as conn:
            code = self._teacher_room(conn, code, key).code
            answers = self._answers_since(conn, code, after_id)
            students = self._students(conn, code)
            return Watch(self._room(self._get_room(conn, code)), students, answers)


def _check_after(after_id: object) -> None:
    if isinstance(after_id, bool) or not isinstance(after_id, int) or after_id < 0:
        raise BadInput(f"after_id must be a whole number 0 or more, got {_shown(str(after_id))}")


def _answer(row) -> StoredAnswer:
    return StoredAnswer(int(row.id), row.student, row.answer_id, (row.r, row.g, row.b), int(row.label), row.created)

