"""A heavy run's live updates and Pause: how long one visitor's expensive link can hold their page.

    python -m bench heavy-run [--updates 5] [--pauses 5] [--json]

The link /train?mode=full&data=random&n=100000&hidden=16&layers=3&test=0.1&iterations=1000000 asks for a
full-batch run on 90,000 training rows through three layers of 16 nodes for a million iterations (about half a
second an iteration here: days of computing). Measured in this process, on exactly what the Train page's live
panel asks its feed for (app/train_live.py: train the next chunk, build what is new):
(a) whether the Train page may start that run at all, and how long refusing it takes;
(b) with the cost cap lifted (the engine alone, as a run just under the cap behaves), each of the first
    `--updates` live updates' seconds, the first among them;
(c) Pause pressed during a fresh run's first live update (`--pauses` fresh runs, each pressed at a random moment
    0.1-0.5 s into it): how long the press waited for the chunk in hand (target: about a second at most).
    Later chunks are sized by the pace the first one measured; the first one is sized before there is one.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import threading
import time

from app.train_live import feed_source
from bench.harness import count
from fontnet import training
from fontnet.training import TrainingRun, TrainingSettings

LINK = dict(mode="full", data="random", n=100_000, hidden=16, layers=3, test=0.1, iterations=1_000_000)


def measure(updates: int, pauses: int) -> dict:
    training.warm_up()
    settings = TrainingSettings(**LINK)
    out: dict = {"link": "/train?" + "&".join(f"{k}={v}" for k, v in LINK.items())}
    t = time.perf_counter()
    try:
        TrainingRun(settings)
        out["refused"] = None
    except training.SettingsError as e:
        out["refused"] = str(e)
    out["refuse_s"] = round(time.perf_counter() - t, 3)

    training.MAX_RUN_SECONDS = float("inf")   # (b) and (c): the engine alone
    run = TrainingRun(settings)
    run.start()
    source = feed_source(run, "B", 128)
    times = []
    for _ in range(updates):
        t = time.perf_counter()
        source(str(run.run_id), len(run.history))
        times.append(time.perf_counter() - t)
    out["updates_s"] = [round(x, 2) for x in times]
    out["first_update_s"] = out["updates_s"][0]
    out["iterations_after_updates"] = run.iteration

    waits = []
    rng = random.Random(0)
    for _ in range(pauses):
        run.reset()
        run.start()
        source = feed_source(run, "B", 128)
        first = threading.Thread(target=source, args=(str(run.run_id), 1))
        first.start()
        time.sleep(rng.uniform(0.1, 0.5))
        t = time.perf_counter()
        run.pause()
        waits.append(time.perf_counter() - t)
        first.join(600)
    out["pause_waits_s"] = [round(x, 2) for x in waits]
    out["pause_wait_median_s"] = round(statistics.median(waits), 2)
    out["pause_wait_max_s"] = round(max(waits), 2)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--updates", type=count(), default=5)
    ap.add_argument("--pauses", type=count(), default=5)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    res = measure(a.updates, a.pauses)
    if a.json:
        print(json.dumps(res))
        return
    print(res["link"])
    print(f"(a) the Train page {'refuses it in ' + str(res['refuse_s']) + ' s: ' + res['refused'] if res['refused'] else 'starts it'}")
    print(f"(b) live updates (s): {res['updates_s']}: the first {res['first_update_s']} s, "
          f"{res['iterations_after_updates']} iterations after {len(res['updates_s'])}")
    print(f"(c) Pause during a first update waited (s): {res['pause_waits_s']}: median {res['pause_wait_median_s']}, "
          f"longest {res['pause_wait_max_s']}")


if __name__ == "__main__":
    main()
