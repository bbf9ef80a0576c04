"""The teacher's live view of a room: what it holds, its panel's charts, and what its feed answers.

A `ClassWatch` (in the teacher's session) holds the room's answers pooled so far, its students and the class
network with what the page shows about it. `refresh` reads only what is new (answers after the last id seen, in
one transaction with the room and its students) and retrains the class network when new answers came and the
last retraining is far enough behind (RETRAIN_GAP seconds, or RETRAIN_FACTOR times as long as it took), so a busy
room costs the server a bounded share of a core while every new answer still reaches the map as a dot at once.

The panel polls the feed every POLL_SECONDS while the room is open. Its token (`held`, "tables.network.reread")
says what it was last sent: an answer carries the new dots (from the number the panel holds), the figures and
tables only when they changed, and the map's grid only when the class network changed. A student's Undo takes
their answer back from the room (`Store.retract_answers`): the room then counts fewer answers than the view holds,
so `refresh` reads the room whole again and the panel gets every dot again (`reread` in its token). Kept out of the page
script so the benchmark and tests drive exactly what a live update does (`python -m bench class`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from app.live_chart import Chart, whole
from app.live_feed import Source
from fontnet import classroom, training
from fontnet.classroom import ClassView, Pool
from fontnet.figures import classroom as figures
from fontnet.figures import live
from fontnet.figures.training import CLASS_MAP_LEGEND
from fontnet.parsing import counted
from fontnet.store import NotTeacher, Room, RoomNotFound, Store, StoreError, Student

POLL_SECONDS = 0.5
RETRAIN_GAP = 1.0       # seconds at least between two retrainings of the class network
RETRAIN_FACTOR = 3.0    # ... and at least this many times the last retraining's time
NEAR = 40               # a dot farther than this from the map's slice is drawn faintly
MAP_CHART = "map"
AREAS = ["stats stats", "map students", "map splits"]
COLUMNS = "3fr 2fr"
# narrower than this, the panel stacks its charts: the table of students needs about 300 px, two fifths of it
NARROW_BELOW = 760
# the table of students scrolls in a box this tall (about 10 students), so that where the class disagrees stays
# beside the map in a class of 30
TABLE_HEIGHT = "20rem"


class ClassWatch:
    """One teacher's view of one room (see the module docstring). `lock` serialises a page run and the feed."""

    def __init__(self, db: Store, code: str, key: str, clock: Callable[[], float] = time.monotonic):
        self.db, self.code, self.key, self.clock = db, code, key, clock
        self.lock = threading.Lock()
        self.pool = Pool.empty()
        self.students: list[Student] = []
        self.room: Room | None = None
        self.view: ClassView | None = None
        self.trained_on = -1          # how many answers the class network was trained on
        self.train_ms = 0.0
        self.tables = 0               # version of the figures and tables: new answers, students, a retraining
        self.network = 0              # version of the class network (the map's grid)
        self.reread = 0               # times the room was read again because answers were taken back
        self.stale = False            # the class network was trained on answers some of which were taken back
        self.next_train = 0.0
        self.fixed, self.value = "B", 128

    @property
    def held(self) -> str:
        """The token of what the panel holds once sent the current state."""
        return f"{self.tables}.{self.network}.{self.reread}"

    def refresh(self, train_now: bool = False) -> None:
        """Read what is new and retrain the class network if due (or `train_now`, when anything is new).
        StoreError (NotTeacher, RoomNotFound, StoreUnavailable) when the store cannot answer."""
        seen = self.db.watch(self.code, self.key, self.pool.last_id)
        if len(self.pool) + len(seen.answers) > seen.room.answers:
            # the room counts fewer answers than this view holds: a student took some back (Undo on Teach), so
            # read them all again; the panel gets its dots whole and the class network is retrained
            seen = self.db.watch(self.code, self.key, 0)
            self.pool, self.stale = Pool.empty(), True
            self.reread += 1
            self.tables += 1
        if seen.answers or seen.students != self.students or seen.room != self.room:
            self.tables += 1
        self.pool = self.pool.extend(seen.answers)
        self.students, self.room = seen.students, seen.room
        due = len(self.pool) != self.trained_on or self.stale
        if due and (train_now or self.view is None or self.clock() >= self.next_train):
            self.train()

    def train(self) -> None:
        """Retrain the class network on every answer pooled (classroom.view: the network and what is shown)."""
        start = self.clock()
        t = time.perf_counter()
        self.view = classroom.view(self.pool)
        self.train_ms = (time.perf_counter() - t) * 1000
        self.trained_on, self.stale = len(self.pool), False
        self.tables += 1
        self.network += 1
        self.next_train = start + max(RETRAIN_GAP, RETRAIN_FACTOR * self.train_ms / 1000)

    def set_slice(self, fixed: str, value: int) -> None:
        """The map's slice (the page's controls): another slice is another grid and other dot positions."""
        if (fixed, value) != (self.fixed, self.value):
            self.fixed, self.value = fixed, int(value)
            self.network += 1

    # ---- the panel ------------------------------------------------------------------------------------
    def charts(self) -> list[Chart]:
        """The panel: the figures, the decision map with every answer as a dot, each student, the splits."""
        view, pool = self.view, self.pool
        _, xi, yi = training.slice_axes(self.fixed)
        fade = {"channel": training.CHANNELS.index(self.fixed), "at": self.value, "within": NEAR}
        map_spec = live.map_spec(training.CHANNELS[xi], training.CHANNELS[yi], training.MAP_SIZE, fade=fade,
                                 legend=CLASS_MAP_LEGEND,
                                 alt=f"The class network's P(dark text) where {self.fixed} = {self.value}, with "
                                     f"{counted(len(pool), 'answer')} as dots")

        stats = figures.stats_items(len(self.students), len(pool), view, self.trained_on,
                                    retraining=self.stale or self.trained_on != len(pool))
        rows = figures.student_rows(self.students, view.students if view else [])
        swatches = figures.split_swatches(view.splits if view else [])
        return [
            Chart("stats", live.stats_spec(), self.tables, 0, lambda start: {"items": stats}, "The class so far"),
            Chart(MAP_CHART, map_spec, self.code, len(pool), lambda start: self.map_points(start, grid=True),
                  f"The class network's P(dark text) where {self.fixed} = {self.value}: every answer a dot "
                  f"(● dark, ◆ light; faint: more than {NEAR} from the slice)"),
            Chart("students", live.table_spec(figures.STUDENT_COLUMNS, figures.STUDENT_NUMERIC, TABLE_HEIGHT,
                                                  "Scroll the table to see every student."), self.tables, 0,
                  lambda start: {"rows": rows}, "Each student"),
            Chart("splits", live.swatches_spec("No colour has been answered both ways yet."), self.tables, 0,
                  lambda start: {"items": swatches}, "Where the class disagrees: close colours answered both ways"),
        ]

    def map_points(self, start: int, grid: bool) -> dict:
        """The map's dots from index `start` on, and (`grid`) the class network's P(dark) over the slice."""
        out = {"dots": live.dots(self.pool.rgb[start:], self.pool.labels[start:], self.fixed)}
        if grid and self.view is not None:
            out |= live.map_points(training.decision_slice(self.view.net, self.fixed, self.value))
        return out

    def answer(self, held: str, have: int) -> dict:
        """The feed's answer to a panel holding the token `held` and `have` dots: what changed since then."""
        with self.lock:
            try:
                self.refresh()
            except (NotTeacher, RoomNotFound):
                return {"status": "gone", "held": held, "charts": []}
            except StoreError as e:
                return {"status": "open", "held": held, "charts": [],
                        "problem": f"Live updates paused: {e}. Trying again every {POLL_SECONDS:g} s."}
            tables, network, reread = (str(held).split(".") + ["", ""])[:3]
            out = []
            for c in self.charts():
                if c.name == MAP_CHART:
                    if have > c.length or reread != str(self.reread):   # dots taken back: all of them again
                        out.append(whole(c))
                    elif have < c.length or network != str(self.network):
                        # the grid only when the class network changed since the panel's token
                        out.append({"name": c.name, "run": c.run_id, "start": have, "length": c.length,
                                    "full": False, **self.map_points(have, grid=network != str(self.network))})
                elif tables != str(self.tables):
                    out.append(whole(c))
            return {"status": "open" if self.room.open else "closed", "held": self.held, "charts": out}


def feed_source(watch: ClassWatch) -> Source:
    """What the panel's feed answers while the room is open: `run` is the panel's token, `have` its dots."""
    return watch.answer
