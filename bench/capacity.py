"""How many concurrent chapter runs one server process keeps live at 8 updates a second: no browsers.

    python -m bench capacity [--visitors 10,20,30] [--json]

Each visitor is a headless client doing what the browser does: over the app's WebSocket, in Streamlit's own
protocol, it opens the Train page and presses Train; from the page run's live panel it takes its feed's
address, and then, as the panel's code does, asks the feed (GET /api/live/<token>) for the next update every
0.12 s less the time the last answer took, saying what it holds, until the answer says the run is done. It
reads each answer's progress ("iteration N of M"). Meanwhile it asks the cost surface's own live panel
(train_surface_live) as its code does, when each answer says to ask next, and counts the pictures it brings. For each number of visitors, all of them press Train
together; reported are each visitor's live updates per second (distinct iterations after the first over the
time between the first and the last) and time to done, and the server's CPU (process time over wall time).
(The browser's last step, one page run when the run ends, is left out: it happens once per run. The clients'
HTTP is a few lines over asyncio streams, keep-alive and gzip as a browser's, so their own CPU, reported too,
stays small beside the server's on the shared cores.)
"Sustains" means every visitor saw at least SUSTAINED updates a second. The clients run in this process,
the server in its own; on 2 cores they share the machine. Traffic goes to 127.0.0.1 only; every wait is
bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import sys
import time
import zlib
from urllib.parse import quote, urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.harness import AppServer, comma_list, cpu_seconds, load_average

TARGET_RATE = 8.0
EVERY_S = 0.12   # the panel's polling interval (app_pages/train.py UPDATE_SECONDS)
SUSTAINED = 7.5   # updates a second every visitor must see (the page asks for one every 0.12 s: 8.3 at most)
RUN_TIMEOUT_S = 120
PROGRESS = re.compile(r"^(\w+)\\?: iteration ([\d,]+) of")



def rerun_message(page_hash: str = "", page_name: str = "", fragment_id: str = "", widgets=(), auto: bool = False,
           query: str = "", texts: dict[str, str] | None = None) -> bytes:
    """A rerun request as the browser sends it: the page, its link's query string, the buttons pressed
    (`widgets`, by id) and text boxes' values (`texts`, id -> text)."""
    msg = BackMsg()
    cs = msg.rerun_script
    cs.page_script_hash, cs.page_name, cs.is_auto_rerun, cs.query_string = page_hash, page_name, auto, query
    if fragment_id:
        cs.fragment_id = fragment_id
    for wid in widgets:
        w = cs.widget_states.widgets.add()
        w.id, w.trigger_value = wid, True
    for wid, text in (texts or {}).items():
        w = cs.widget_states.widgets.add()
        w.id, w.string_value = wid, text
    return msg.SerializeToString()


def read_forward(raw: bytes) -> tuple[str, object]:
    """One message from the server, as the browser reads it: ("navigation", the page's script hash),
    ("finished", None) when a script run ended, ("element", the new element) or ("other", None)."""
    msg = ForwardMsg()
    msg.ParseFromString(raw)
    kind = msg.WhichOneof("type")
    if kind == "navigation":
        return "navigation", msg.navigation.page_script_hash
    if kind == "script_finished":
        return "finished", None
    if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
        return "element", msg.delta.new_element
    return "other", None


class Http:
    """A lean keep-alive HTTP/1.1 client for the feed, so the clients' own CPU stays small beside the server's:
    GET with gzip accepted (as a browser sends it), the body read by its length and decompressed."""

    def __init__(self, url: str, cookie: str = ""):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.cookie = f"Cookie: {cookie}\r\n" if cookie else ""   # e.g. a sticky proxy's affinity cookie
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get_json(self, path: str) -> dict | None:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAccept-Encoding: gzip\r\n"
                          f"{self.cookie}Connection: keep-alive\r\n\r\n".encode())
        head = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in head[1:] if h)}
        body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("content-encoding") == "gzip":
            body = zlib.decompress(body, 16 + zlib.MAX_WBITS)
        if status == 204:   # nothing to serve
            return None
        if status != 200:
            raise RuntimeError(f"the feed answered {status}: {body[:200]!r}")
        return json.loads(body)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


class Visitor:
    """One client: the Train page, the Train button, the live panel's feed, the progress it shows."""

    def __init__(self, url: str):
        self.http = url
        self.url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.page_hash = ""
        self.train_id: str | None = None
        self.feed: str | None = None   # the live panel's feed address while its run plays
        self.surface: tuple[str, float, str] | None = None   # the cost surface panel's: (address, interval, held)
        self.pictures = 0
        self.seen: list[tuple[float, int]] = []
        self.status = ""
        self.finished = asyncio.Event()   # a script run finished
        self.done_at: float | None = None
        self.pressed_at: float | None = None

    def handle(self, raw: bytes) -> None:
        kind, el = read_forward(raw)
        if kind == "navigation":   # the page this run is on (the app's own script has another hash)
            self.page_hash = el
        elif kind == "finished":
            self.finished.set()
        elif kind == "element":
            which = el.WhichOneof("type")
            if which == "button" and el.button.label == "Train":
                self.train_id = el.button.id
            elif which == "bidi_component" and el.bidi_component.id.endswith("train_live"):
                feed = json.loads(el.bidi_component.json).get("feed")
                self.feed = feed and feed["url"]
            elif which == "bidi_component" and el.bidi_component.id.endswith("train_surface_live"):
                sent = json.loads(el.bidi_component.json)
                feed = sent.get("feed")
                self.surface = feed and (feed["url"], feed["every_ms"] / 1000, sent["held"])

    def saw(self, text: str) -> None:
        if m := PROGRESS.match(text):
            self.status = m.group(1)
            it = int(m.group(2).replace(",", ""))
            if not self.seen or self.seen[-1][1] != it:
                self.seen.append((time.monotonic(), it))
            if self.status == "done" and self.done_at is None:
                self.done_at = time.monotonic()

    async def open(self, ws) -> None:
        await ws.send(rerun_message(page_name="train"))
        while self.train_id is None or not self.finished.is_set():
            self.handle(await asyncio.wait_for(ws.recv(), 60))
        self.finished.clear()

    async def train(self, ws, start: asyncio.Event) -> None:
        await start.wait()
        self.pressed_at = time.monotonic()
        self.feed = None
        await ws.send(rerun_message(self.page_hash, widgets=[self.train_id]))

        async def reader():   # the session stays open (its state holds the run and the feed)
            while True:
                self.handle(await ws.recv())

        async def poller():   # the live panel's code: ask, append, wait out the interval, ask again
            while self.feed is None or not self.finished.is_set():
                await asyncio.sleep(0.01)
            run, have = "", 0
            http = Http(self.http)
            try:
                while self.done_at is None:
                    t0 = time.monotonic()
                    body = await http.get_json(f"/{self.feed}?run={quote(run)}&have={have}")
                    run = body["run"]
                    loss = next(c for c in body["charts"] if c["name"] == "loss")
                    have = loss["start"] + len(loss["x"])
                    self.saw(body["progress"]["text"])
                    if body["status"] != "running":
                        break
                    await asyncio.sleep(max(0.0, EVERY_S - (time.monotonic() - t0)))
            finally:
                http.close()

        async def surface():   # the cost surface's panel: ask when its last answer says, while the run plays
            while self.surface is None and self.done_at is None:
                await asyncio.sleep(0.01)
            if self.surface is None:
                return
            url, every, held = self.surface
            http = Http(self.http)
            try:
                while self.done_at is None:
                    t0 = time.monotonic()
                    body = await http.get_json(f"/{url}?run={quote(held)}&have=0")
                    if body is None:   # 204: the run has stopped
                        break
                    self.pictures += len(body["charts"])
                    wait = min(max(body.get("next_ms", 0) / 1000, every), 30.0)   # when the server says, as the panel
                    await asyncio.sleep(max(0.0, wait - (time.monotonic() - t0)))
            finally:
                http.close()

        read = asyncio.create_task(reader())
        pictures = asyncio.create_task(surface())
        try:
            await asyncio.wait_for(poller(), RUN_TIMEOUT_S)
        finally:
            read.cancel()
            pictures.cancel()

    def result(self) -> dict:
        span = self.seen[-1][0] - self.seen[0][0] if len(self.seen) > 1 else float("nan")
        return dict(updates=len(self.seen), updates_per_s=(len(self.seen) - 1) / span if span else float("nan"),
                    done_s=(self.done_at - self.pressed_at) if self.done_at else float("nan"),
                    surface_pictures=self.pictures)


async def one_round(server: AppServer, n: int) -> dict:
    visitors = [Visitor(server.url) for _ in range(n)]
    start = asyncio.Event()
    errors: list[str] = []
    socks = [await websockets.connect(v.url, subprotocols=["streamlit"], max_size=None) for v in visitors]
    try:
        await asyncio.gather(*(v.open(ws) for v, ws in zip(visitors, socks)))
        cpu0, t0, own0 = cpu_seconds(server.proc.pid), time.monotonic(), time.process_time()
        tasks = [asyncio.create_task(v.train(ws, start)) for v, ws in zip(visitors, socks)]
        start.set()
        for i, t in enumerate(await asyncio.gather(*tasks, return_exceptions=True)):
            if isinstance(t, BaseException):
                errors.append(f"visitor {i}: {type(t).__name__}: {t}")
        cpu1, t1, own1 = cpu_seconds(server.proc.pid), time.monotonic(), time.process_time()
    finally:
        for ws in socks:
            await ws.close()
    res = [v.result() for v in visitors]
    rates = [r["updates_per_s"] for r in res]
    return dict(visitors=n, min_updates_per_s=min(rates), median_updates_per_s=statistics.median(rates),
                max_done_s=max(r["done_s"] for r in res), server_cpu_percent=100 * (cpu1 - cpu0) / (t1 - t0),
                clients_cpu_percent=100 * (own1 - own0) / (t1 - t0),
                sustained=not errors and min(rates) >= SUSTAINED, errors=errors, per_visitor=res)


def run(counts: list[int]) -> list[dict]:
    server = AppServer("--server.enableXsrfProtection", "false")
    try:
        out = []
        for n in counts:
            out.append(asyncio.run(one_round(server, n)))
            r = out[-1]
            print(f"  ... {n} visitors: updates/s min {r['min_updates_per_s']:.1f}, median "   # as it goes
                  f"{r['median_updates_per_s']:.1f}, server CPU {r['server_cpu_percent']:.0f}%, clients "
                  f"{r['clients_cpu_percent']:.0f}%", file=sys.stderr)
        return out
    finally:
        server.stop()


def _counts(text: str) -> list[int]:
    return comma_list(text, int, 1, 200, "numbers of visitors")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--visitors", type=_counts, default=[10, 20, 30])
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    print(load_average("before"), file=sys.stderr)
    rounds = run(a.visitors)
    if a.json:
        print(json.dumps(rounds))
        return 0
    for r in rounds:
        print(f"{r['visitors']:3d} concurrent chapter runs: updates/s min {r['min_updates_per_s']:.1f}, median "
              f"{r['median_updates_per_s']:.1f}; last done after {r['max_done_s']:.1f} s; server CPU "
              f"{r['server_cpu_percent']:.0f}% of one core (the clients: {r['clients_cpu_percent']:.0f}%); cost surface "
              f"pictures per visitor median {statistics.median(v['surface_pictures'] for v in r['per_visitor']):g}; "
              f"{'sustained' if r['sustained'] else 'NOT sustained'}"
              + (f"; errors: {r['errors']}" if r["errors"] else ""))
    best = max((r["visitors"] for r in rounds if r["sustained"]), default=0)
    typical = max((r["visitors"] for r in rounds if r["sustained"] and r["median_updates_per_s"] >= TARGET_RATE),
                  default=0)
    print(f"capacity: {best} concurrent chapter runs with every visitor at >= {SUSTAINED} updates/s; {typical} with "
          f"that and the median visitor at >= {TARGET_RATE:g} (target: 30 at {TARGET_RATE:g}; the panel's pace "
          f"allows 8.3 at most)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
