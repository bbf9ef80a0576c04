"""A class under load: N students answer on Teach every few seconds while the teacher's live panel watches.

    python -m bench class [--students 30] [--every 2] [--duration 120] [--url URL] [--pid PID]
                                            [--json]

Everything goes through the app as a browser drives it, with no browser: each student is a headless client that,
over the app's WebSocket in Streamlit's own protocol, opens the Teach page at the student link
(/teach?room=CODE), types a nickname and presses "Join room", then every --every seconds presses the answer the
chapter's formula gives for the colour shown, and reads the page's class status line ("N of your answers are in
room ...", data-saved) to see the answer acknowledged. The teacher is one more client: it opens the Class page
at the teacher link and then, as the panel's code does, asks the panel's feed (GET /api/live/<token>) for what is
new every 0.5 s, recording when each answer's dot first arrives.

Reported: answers acknowledged and answers stored (the database, read afterwards: none lost, none stored twice,
per student too); the time from an answer's acknowledgement on the student's page to its dot in the teacher's
feed (target: p95 <= 2 s); a press's time to its acknowledgement; the feed's answer times; the server's CPU
(process time over wall time); the database's size after the run.

Without --url it starts `streamlit run` itself (one process) on an SQLite file in a temporary folder, or on
$FONTNET_DATABASE_URL when set. With --url it drives a server already running (e.g. `scripts/serve-replicas 2`
on PostgreSQL): $FONTNET_DATABASE_URL must then name that server's database (the room is opened there and the
answers counted there); pass --pid for each server process whose CPU to report. Behind the sticky proxy each
client keeps to the replica its WebSocket was given: the teacher's feed requests carry the proxy's affinity
cookie from the handshake, as a browser's do. --kill-after S SIGKILLs, S seconds in, a replica that serves
students but not the teacher (give the replicas as --pid r1=PID --pid r2=PID): its students' pages lose their
server, open the student link again through the proxy, join again and answer on; reported then are acknowledged
answers lost (must be 0), answers stored twice (must be 0), and answers stored whose acknowledgement never
arrived (at most the one press in flight per student). Every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

import websockets

from app.class_live import POLL_SECONDS
from bench.capacity import Http, read_forward, rerun_message
from bench.harness import AppServer, cpu_seconds, load_average
from fontnet import colors, store

RUN_TIMEOUT_S = 60          # a page run that has not finished by then is an error
RECONNECT_S = 0.5           # a student whose server went away tries the proxy again this often
SETTLE_S = 30               # after the last press, how long the teacher may wait for the last dots
P95_TARGET_S = 2.0
STATUS = re.compile(r'id="class-status"[^>]*data-saved="(\d+)" data-pending="(\d+)"')
COLOUR = re.compile(r'id="teach-colour" data-colour="(#[0-9a-f]{6})"')


class Client:
    """A Streamlit session over the WebSocket: sends reruns, reads what each run draws."""

    def __init__(self, url: str):
        self.url = url
        self.ws_url = url.replace("http://", "ws://").replace("https://", "wss://") + "/_stcore/stream"
        self.page_hash = ""
        self.buttons: dict[str, str] = {}       # label -> widget id
        self.inputs: dict[str, str] = {}        # text input label -> widget id
        self.markdown: list[str] = []           # this run's Markdown and HTML bodies
        self.components: dict[str, str] = {}    # bidi component id -> its JSON
        self.finished = asyncio.Event()
        self.query = ""                         # the link's query string, sent with every run as a browser does
        self.ws = None
        self.reader: asyncio.Task | None = None
        self.cookie = ""                        # a sticky proxy's affinity cookie, sent with the feed's requests
        self.replica = ""                       # the replica the proxy names in its answer (X-FontNet-Replica)

    async def connect(self) -> None:
        """Open the session's WebSocket. Behind a sticky proxy (scripts/serve-replicas) the handshake's answer sets
        the affinity cookie; HTTP requests that belong to this session (the live feed) carry it, as a browser's do."""
        self.ws = await websockets.connect(self.ws_url, subprotocols=["streamlit"], max_size=None)
        headers = self.ws.response.headers
        self.cookie = "; ".join(c.split(";", 1)[0] for c in headers.get_all("Set-Cookie"))
        self.replica = headers.get("X-FontNet-Replica", "")
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for raw in self.ws:
            kind, el = read_forward(raw)
            if kind == "navigation":
                self.page_hash = el
            elif kind == "finished":
                self.finished.set()
            elif kind == "element":
                which = el.WhichOneof("type")
                if which == "button":
                    self.buttons[el.button.label] = el.button.id
                elif which == "text_input":
                    self.inputs[el.text_input.label] = el.text_input.id
                elif which == "markdown":
                    self.markdown.append(el.markdown.body)
                elif which == "html":
                    self.markdown.append(el.html.body)
                elif which == "bidi_component":
                    self.components[el.bidi_component.id] = el.bidi_component.json

    async def run(self, **rerun) -> None:
        """One page run: send the rerun, wait until the script finished."""
        self.markdown = []
        self.finished.clear()
        await self.ws.send(rerun_message(page_hash=self.page_hash, query=self.query, **rerun))
        finished = asyncio.create_task(self.finished.wait())
        await asyncio.wait({finished, self.reader}, timeout=RUN_TIMEOUT_S, return_when=asyncio.FIRST_COMPLETED)
        if not finished.done():
            finished.cancel()
            if self.reader.done():
                raise ConnectionError("the server closed the session's WebSocket")
            raise TimeoutError(f"a page run did not finish within {RUN_TIMEOUT_S} s")

    def find(self, pattern: re.Pattern) -> re.Match | None:
        return next((m for body in self.markdown if (m := pattern.search(body))), None)

    async def close(self) -> None:
        if self.reader:
            self.reader.cancel()
        if self.ws:
            await self.ws.close()


class Student(Client):
    """Joins the room from the student link and answers by the formula every `every` seconds."""

    def __init__(self, url: str, code: str, n: int):
        super().__init__(url)
        self.code, self.nickname = code, f"bench {n}"
        self.saved = 0
        self.acks: list[tuple[tuple[int, int, int], int, float]] = []   # (colour, label, acknowledged at)
        self.press_to_ack: list[float] = []
        self.not_acked = 0
        self.pending = 0
        self.colour = ""
        self.rejoined = 0       # times the student's server went away and they came back through the link

    async def join(self) -> None:
        self.query = f"room={self.code}"
        await self.run(page_name="teach")
        nick = self.inputs["Nickname (optional)"]
        await self.run(widgets=[self.buttons["Join room"]], texts={nick: self.nickname})
        if "Dark reads better" not in self.buttons or self.find(STATUS) is None:
            raise RuntimeError(f"{self.nickname} did not join room {self.code}")
        self.colour = self.find(COLOUR).group(1)

    async def answer(self) -> None:
        rgb = colors.parse_colour(self.colour)
        label = int(colors.formula_label(rgb))
        pressed = time.monotonic()
        await self.run(widgets=[self.buttons["Dark reads better" if label else "Light reads better"]])
        status, colour = self.find(STATUS), self.find(COLOUR)
        if status is None or colour is None:
            raise RuntimeError(f"{self.nickname}: the page run drew no class status or no colour")
        saved, self.pending = int(status.group(1)), int(status.group(2))
        if saved == self.saved + 1:
            now = time.monotonic()
            self.acks.append((rgb, label, now))
            self.press_to_ack.append(now - pressed)
        else:
            self.not_acked += 1
        self.saved = saved
        self.colour = colour.group(1)

    async def answer_until(self, start: float, every: float, end: float) -> None:
        await asyncio.sleep(max(0.0, start - time.monotonic()))
        k = 0
        while start + k * every < end:
            await asyncio.sleep(max(0.0, start + k * every - time.monotonic()))
            try:
                await self.answer()
            except (ConnectionError, websockets.ConnectionClosed):
                await self.come_back()
            k += 1

    async def come_back(self) -> None:
        """The server went away mid-answer (a replica killed): open the student link again, through the proxy to
        a live replica, and join the room again as a browser's student does. The press in flight was not
        acknowledged; a new session starts counting its answers from zero."""
        self.not_acked += 1
        self.rejoined += 1
        await self.close()
        Client.__init__(self, self.url)   # a fresh session; what earlier ones acknowledged still counts
        self.saved = 0
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while True:   # until the proxy has marked the dead replica down it may still try it (502): retry, as
            try:      # Streamlit's page does with its reconnect back-off
                await self.connect()
                break
            except (OSError, websockets.InvalidStatus):
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(RECONNECT_S)
        await self.join()


class Teacher(Client):
    """Opens the teacher link and polls the live panel's feed as the panel does, noting when each dot arrives."""

    def __init__(self, url: str, code: str, key: str):
        super().__init__(url)
        self.http_url, self.code, self.key = url, code, key
        self.seen: list[tuple[tuple[int, int, int], int, float]] = []
        self.poll_s: list[float] = []
        self.held, self.have, self.feed = "", 0, ""
        self.stop = asyncio.Event()

    async def open(self) -> None:
        self.query = f"room={self.code}&key={quote(self.key)}"
        await self.run(page_name="class")
        data = json.loads(next(v for k, v in self.components.items() if k.endswith("class_live")))
        self.feed, self.held = data["feed"]["url"], data["held"]
        self.have = len(next(c for c in data["charts"] if c["name"] == "map")["dots"])

    async def watch(self) -> None:
        http = Http(self.http_url, self.cookie)
        prefix = urlsplit(self.http_url).path.rstrip("/")
        try:
            while not self.stop.is_set():
                t0 = time.monotonic()
                body = await http.get_json(f"{prefix}/{self.feed}?run={quote(self.held)}&have={self.have}")
                now = time.monotonic()
                self.poll_s.append(now - t0)
                if body["status"] != "open":
                    raise RuntimeError(f"the teacher's feed says the room is {body['status']}")
                self.held = body["held"]
                for c in body["charts"]:
                    if c["name"] == "map" and "dots" in c:
                        new = c["dots"][self.have - c["start"]:]
                        self.seen += [((d[2], d[3], d[4]), d[5], now) for d in new]
                        self.have += len(new)
                await asyncio.sleep(max(0.0, POLL_SECONDS - (time.monotonic() - t0)))
        finally:
            http.close()


def latencies(students: list[Student], teacher: Teacher) -> tuple[list[float], int]:
    """Each acknowledged answer's time to its dot (matched by colour and label, in order); and how many acks found
    no dot."""
    dots: dict[tuple, list[float]] = {}
    for rgb, label, t in teacher.seen:
        dots.setdefault((rgb, label), []).append(t)
    acks = sorted((t, rgb, label) for s in students for rgb, label, t in s.acks)
    out, missing = [], 0
    for t, rgb, label in acks:
        times = dots.get((rgb, label))
        if times:
            out.append(times.pop(0) - t)
        else:
            missing += 1
    return out, missing


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def database_size(db: store.Store, url: str) -> int:
    """Bytes the class database takes: the SQLite file with its journal, or PostgreSQL's database size."""
    if db.backend == "sqlite":
        path = Path(db.engine.url.database)
        return sum(p.stat().st_size for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists())
    with db.engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar())


def cpu_seconds_of(pids: dict[str, int]) -> dict[str, float]:
    """Each running process's CPU time so far, by name."""
    out = {}
    for name, pid in pids.items():
        try:
            out[name] = cpu_seconds(pid)
        except FileNotFoundError:
            pass
    return out


async def kill_later(at: float, students: list[Student], teacher: Teacher, pids: dict[str, int],
                     cpu_at_kill: dict[str, float]) -> str:
    """At `at`, SIGKILL a replica that serves students but not the teacher (its pid named in `pids`); its name.
    Its CPU time just before is put in `cpu_at_kill`."""
    await asyncio.sleep(max(0.0, at - time.monotonic()))
    served = {s.replica for s in students} - {teacher.replica}
    name = next((r for r in sorted(served) if r in pids), None)
    if name is None:
        raise RuntimeError(f"no replica to kill: students on {sorted(served)}, the teacher on {teacher.replica!r}, "
                           f"pids for {sorted(pids)}")
    cpu_at_kill.update(cpu_seconds_of({name: pids[name]}))
    os.kill(pids[name], signal.SIGKILL)
    return name


async def session(url: str, db: store.Store, n: int, every: float, duration: float, pids: dict[str, int],
                  kill_after: float | None = None) -> dict:
    code, key = db.create_room()
    teacher = Teacher(url, code, key)
    students = [Student(url, code, i + 1) for i in range(n)]
    try:
        for c in (teacher, *students):
            await c.connect()
        await teacher.open()
        await asyncio.gather(*(s.join() for s in students))
        watching = asyncio.create_task(teacher.watch())
        cpu0 = cpu_seconds_of(pids)
        t0, own0 = time.monotonic(), time.process_time()
        end = t0 + duration
        on = {r: sum(s.replica == r for s in students) for r in sorted({s.replica for s in students})}
        cpu_at_kill: dict[str, float] = {}
        killing = (asyncio.create_task(kill_later(t0 + kill_after, students, teacher, pids, cpu_at_kill))
                   if kill_after is not None else None)
        results = await asyncio.gather(*(s.answer_until(t0 + random.uniform(0, every), every, end) for s in students),
                                       return_exceptions=True)
        errors = [f"{s.nickname}: {type(r).__name__}: {r}" for s, r in zip(students, results) if isinstance(r, BaseException)]
        t1, own1 = time.monotonic(), time.process_time()
        killed = await killing if killing else None
        cpu1 = {**cpu_seconds_of(pids), **cpu_at_kill}   # a killed replica: its time up to the kill
        acked = sum(len(s.acks) for s in students)
        settle = time.monotonic() + SETTLE_S
        while teacher.have < acked and time.monotonic() < settle and not watching.done():
            await asyncio.sleep(0.05)   # the teacher's own feed, polled as the panel does, until it shows every answer
        teacher.stop.set()
        await asyncio.wait_for(watching, RUN_TIMEOUT_S)
    finally:
        for c in (teacher, *students):
            await c.close()
    rows = db.answers(code, key)
    per_student: dict[str, int] = {}
    for row in db.students(code, key):   # a student who came back after a kill joined again: one name, two seats
        per_student[row.nickname] = per_student.get(row.nickname, 0) + row.answers
    # every acknowledged answer stored; beyond those, at most the one press in flight when a student's server died
    lost = sum(max(0, len(s.acks) - per_student.get(s.nickname, 0)) for s in students)
    mismatched = [s.nickname for s in students
                  if not 0 <= per_student.get(s.nickname, 0) - len(s.acks) <= s.rejoined]
    lat, missing = latencies(students, teacher)
    presses = [x for s in students for x in s.press_to_ack]
    return dict(
        students=n, every_s=every, duration_s=duration, room=code, backend=db.backend,
        acknowledged=acked, stored=len(rows), lost=lost, extra=max(0, len(rows) - acked),
        students_per_replica=on, teacher_replica=teacher.replica, killed_replica=killed,
        rejoined=sum(s.rejoined for s in students),
        distinct_answer_ids=len({(r.student, r.answer_id) for r in rows}), students_mismatched=mismatched,
        not_acknowledged=sum(s.not_acked for s in students), pending_at_end=sum(s.pending for s in students),
        dots_seen=teacher.have, acks_without_dot=missing,
        ack_to_dot_p50_s=pct(lat, 50), ack_to_dot_p95_s=pct(lat, 95), ack_to_dot_max_s=max(lat, default=float("nan")),
        press_to_ack_p50_s=pct(presses, 50), press_to_ack_p95_s=pct(presses, 95),
        feed_answer_p50_ms=pct(teacher.poll_s, 50) * 1000, feed_answer_p95_ms=pct(teacher.poll_s, 95) * 1000,
        answers_per_s=acked / (t1 - t0), took_s=t1 - t0,
        server_cpu_percent=100 * sum(cpu1[k] - cpu0[k] for k in cpu0) / (t1 - t0) if cpu0 else None,
        clients_cpu_percent=100 * (own1 - own0) / (t1 - t0),
        database_bytes=database_size(db, str(db.engine.url)), errors=errors)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=30, help="headless students (1-200)")
    ap.add_argument("--every", type=float, default=2.0, help="seconds between a student's answers")
    ap.add_argument("--duration", type=float, default=120.0, help="seconds the students answer for")
    ap.add_argument("--url", help="an app already running (its database in $FONTNET_DATABASE_URL)")
    ap.add_argument("--pid", action="append", default=[], metavar="[NAME=]PID",
                    help="with --url: a server process whose CPU to report (repeat for each replica; NAME is the "
                         "replica's name as the proxy gives it, e.g. r1=4242, which --kill-after needs)")
    ap.add_argument("--kill-after", type=float, metavar="S",
                    help="SIGKILL, S seconds into the answering, a replica that serves students but not the teacher")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    if not 1 <= a.students <= 200 or not 0.5 <= a.every <= 60 or not 1 <= a.duration <= 3600:
        ap.error("--students must be 1–200, --every 0.5–60 s and --duration 1–3,600 s")
    pids: dict[str, int] = {}
    for i, raw in enumerate(a.pid):
        name, _, number = raw.rpartition("=")
        if not number.isdigit():
            ap.error(f"--pid {raw!r} is not a process id or NAME=PID")
        pids[name or f"pid{i + 1}"] = int(number)
    if a.kill_after is not None and not (a.url and 0 < a.kill_after < a.duration and any("=" in p for p in a.pid)):
        ap.error("--kill-after S needs --url, 0 < S < --duration and the replicas' --pid NAME=PID")
    if a.url and not os.environ.get(store.URL_ENV):
        ap.error(f"with --url, set {store.URL_ENV} to that server's class database")
    print(load_average("before"), file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="fontnet-bench-class-", dir="/tmp") as where:
        url_db = os.environ.get(store.URL_ENV) or f"sqlite:///{where}/class.sqlite3"
        try:
            db = store.Store(url_db)
        except store.StoreError as e:
            ap.exit(2, f"bench class: the class database: {e}\n")
        server = None
        if not a.url:
            server = AppServer("--server.enableXsrfProtection", "false", env={store.URL_ENV: url_db})
        try:
            url = a.url.rstrip("/") if a.url else server.url
            if server:
                pids = {"server": server.proc.pid}
            r = asyncio.run(session(url, db, a.students, a.every, a.duration, pids, a.kill_after))
        except (OSError, RuntimeError, TimeoutError, KeyError, websockets.WebSocketException) as e:
            ap.exit(2, f"bench class: the run failed: {type(e).__name__}: {e}\n")
        finally:
            if server:
                server.stop()
            db.close()
    if a.json:
        print(json.dumps(r))
        return 0
    ok = (r["lost"] == 0 and r["distinct_answer_ids"] == r["stored"] and not r["students_mismatched"]
          and not r["errors"])
    late = (f", {r['took_s']:.0f} s in all: the students fell behind their schedule" if r["took_s"] > r["duration_s"]
            + r["every_s"] + 1 else "")
    print(f"{r['students']} students answering every {r['every_s']:g} s for {r['duration_s']:g} s on {r['backend']} "
          f"({r['answers_per_s']:.1f} answers/s{late}):")
    print(f"  students per replica {r['students_per_replica']}, the teacher on {r['teacher_replica'] or 'the server'}"
          + (f"; killed {r['killed_replica']}: {r['rejoined']} students came back through their link"
             if r["killed_replica"] else ""))
    print(f"  answers acknowledged {r['acknowledged']:,}, stored {r['stored']:,}: {r['lost']} lost, "
          f"{r['stored'] - r['distinct_answer_ids']} duplicated, {r['extra']} stored without an acknowledgement, "
          f"per-student counts {'match' if not r['students_mismatched'] else 'DIFFER'}"
          f" ({r['not_acknowledged']} presses not acknowledged, {r['pending_at_end']} pending at the end)")
    print(f"  acknowledgement to the dot in the teacher's feed: p50 {r['ack_to_dot_p50_s']:.2f} s, p95 "
          f"{r['ack_to_dot_p95_s']:.2f} s, max {r['ack_to_dot_max_s']:.2f} s (target p95 <= {P95_TARGET_S:g} s: "
          f"{'met' if r['ack_to_dot_p95_s'] <= P95_TARGET_S else 'NOT met'}); {r['acks_without_dot']} acknowledged "
          "answers never reached the feed")
    print(f"  press to acknowledgement (a Teach page run): p50 {r['press_to_ack_p50_s']:.2f} s, p95 "
          f"{r['press_to_ack_p95_s']:.2f} s; the teacher's feed answered in p50 {r['feed_answer_p50_ms']:.0f} ms, "
          f"p95 {r['feed_answer_p95_ms']:.0f} ms")
    cpu = "not measured (no --pid)" if r["server_cpu_percent"] is None else f"{r['server_cpu_percent']:.0f}% of one core"
    print(f"  server CPU {cpu}; the clients {r['clients_cpu_percent']:.0f}%; database {r['database_bytes'] / 1e6:.2f} MB")
    for e in r["errors"]:
        print(f"  error: {e}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
