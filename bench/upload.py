"""What reading an upload costs the server's other visitors: the time to read the largest CSV a visitor may upload
(100,000 rows), and the longest another thread of the same process waited for the interpreter meanwhile.

    python -m bench upload [--repeats 5]

Streamlit runs every visitor's page in a thread of one process, so while one visitor's upload is read, the others'
pages wait whenever the reader holds the interpreter. A watcher thread asks for it every millisecond; its longest
wait during a read is the cost to everyone else. Three CSV files: the common one (plain numbers, read in C a 64 kB
piece at a time), the same with blank lines between its rows, and one whose last row holds a word (read cell by
cell, which names the problem); and a model file as large as an upload may be (1 MB of JSON). Beside them, two
yardsticks: the watcher alone while nothing is read, and a loop of plain Python, which the interpreter
interrupts every 5 ms (its switch interval) so that other threads run; no reader of Python code can hold the
others for less.
"""

from __future__ import annotations

import argparse
import json
import threading
import time

import numpy as np

from bench.harness import markdown_table, median
from fontnet import data
from fontnet.network import Network
from fontnet.training import MAX_MODEL_BYTES


def _model() -> bytes:
    """A valid model file near the upload limit: 3 inputs, hidden layers of 1,024 and 40 nodes, one output."""
    rng = np.random.default_rng(0)
    sizes = [3, 1024, 40, 1]
    net = Network.from_weights([rng.random((o, i)) for i, o in zip(sizes, sizes[1:])],
                               [rng.random(o) for o in sizes[1:]])
    raw = json.dumps(net.to_dict()).encode()
    assert len(raw) <= MAX_MODEL_BYTES, len(raw)
    return raw


def _python_loop() -> None:
    total = 0
    for i in range(3_000_000):
        total += i


def _csv(rows: np.ndarray, blank: bool = False, last: str = "") -> bytes:
    sep = "\n\n" if blank else "\n"
    lines = [f"{r},{g},{b},{int((0.299 * r + 0.587 * g + 0.114 * b) / 255 > 0.5)}" for r, g, b in rows]
    if last:
        lines[-1] = last
    return ("red,green,blue,label\n" + sep.join(lines) + "\n").encode()


def longest_wait(fn) -> tuple[float, float]:
    """(seconds `fn()` took, the longest a watcher thread waited for the interpreter meanwhile, in seconds)."""
    done = threading.Event()
    waits = [0.0]

    def watch() -> None:
        last = time.perf_counter()
        while not done.is_set():
            time.sleep(0.001)
            now = time.perf_counter()
            waits[0] = max(waits[0], now - last - 0.001)
            last = now

    watcher = threading.Thread(target=watch)
    watcher.start()
    time.sleep(0.02)   # the watcher's first ticks, before the read
    start = time.perf_counter()
    try:
        fn()
    except data.DataError:
        pass           # the cell-by-cell case ends in the message that names the word
    took = time.perf_counter() - start
    done.set()
    watcher.join()
    return took, waits[0]


def main() -> int:
    ap = argparse.ArgumentParser(prog="python -m bench upload", description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=5, choices=range(1, 101), metavar="1-100")
    a = ap.parse_args()
    rows = np.random.default_rng(0).integers(0, 256, (data.MAX_ROWS, 3))
    files = {"plain, 100,000 rows": _csv(rows), "blank lines between the rows": _csv(rows, blank=True),
             "a word in the last row (read cell by cell)": _csv(rows, last="1,2,three,0")}
    out = []
    idle = [longest_wait(lambda: time.sleep(0.1)) for _ in range(a.repeats)]   # the yardstick: the watcher alone
    out.append(("none (the watcher alone, 0.1 s)", "", "", f"{median([w for _, w in idle]) * 1000:.1f} ms "
                f"(longest {max(w for _, w in idle) * 1000:.1f})"))
    loop = [longest_wait(_python_loop) for _ in range(a.repeats)]
    out.append(("none (a loop of plain Python)", "", f"{median([t for t, _ in loop]) * 1000:.0f} ms",
                f"{median([w for _, w in loop]) * 1000:.1f} ms (longest {max(w for _, w in loop) * 1000:.1f})"))
    readers = {name: (body, data.read_csv) for name, body in files.items()}
    model = _model()
    readers["a model file, 1 MB of JSON"] = (model, lambda raw: Network.loads(raw, max_bytes=MAX_MODEL_BYTES))
    for name, (body, read) in readers.items():
        runs = [longest_wait(lambda body=body, read=read: read(body)) for _ in range(a.repeats)]
        out.append((name, f"{len(body) / 1e6:.2f} MB", f"{median([t for t, _ in runs]) * 1000:.0f} ms",
                    f"{median([w for _, w in runs]) * 1000:.1f} ms (longest {max(w for _, w in runs) * 1000:.1f})"))
    print(f"Reading an upload, median of {a.repeats}; what another visitor's thread waited for the interpreter:")
    print(markdown_table(("file", "size", "read", "another thread's longest wait"), out))
    return 0
