"""Measure the class engine and store: retraining the class network, and answers committed per second.

    python -m bench store [--answers 1000] [--repeat 15] [--writers 30] [--each 40] [--pace S] [--postgres URL]
                          [--full 10000]

(a) the class network retrained on N pooled answers (classroom.train, as after every new answer), median of
    --repeat runs; also the teacher's whole view (network, agreement, splits, students). Target: retraining
    on 1,000 answers <= 200 ms.
(b) the store: --writers threads, each a student of one room sending --each answers one at a time (each
    acknowledged after its commit), as fast as they can, or --pace seconds apart as a class answers, on an
    SQLite file and on PostgreSQL (--postgres, else $FONTNET_TEST_DATABASE_URL, else a throwaway server from
    scripts/postgres). Reports committed answers per second and the median, 95th percentile and slowest
    acknowledgement.
(c) taking answers back, on both databases: a room of --full answers from 200 students; the teacher's view
    reading it whole again, as it does after a student's Undo or Remove or the teacher removing a student
    (store.watch from 0 and the pool built), beside its usual read of nothing new; and a student taking back
    their answers (retract_answers) and the teacher removing one (remove_student). Medians of --repeat.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import threading
import time

from bench.harness import ROOT, count, seconds
from fontnet import classroom, colors, data, store


def pooled(n: int) -> classroom.Pool:
    """n random colours from 30 students, answered by the formula with 10% slips."""
    rgb = data.uniform_colours(n, seed=5)
    flip = data.uniform_colours(n, seed=6)[:, 0] < 26
    labels = colors.formula_label(rgb) ^ flip
    return classroom.Pool.of(store.StoredAnswer(i + 1, f"s{i % 30}", f"a{i}", tuple(c), int(y), 0.0)
                             for i, (c, y) in enumerate(zip(rgb.tolist(), labels.tolist())))


def median_ms(fn, repeat: int) -> float:
    fn()   # warm: imports, the yardstick colours
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def throughput(url: str, writers: int, each: int, pace: float) -> tuple[float, list[float]]:
    """(committed answers per second, the milliseconds of each acknowledgement)."""
    db = store.Store(url)
    code, _ = db.create_room()
    for w in range(writers):
        db.join(code, f"s{w}", f"Student {w}")
    waits: list[float] = []
    barrier = threading.Barrier(writers + 1)

    def write(w: int) -> None:
        barrier.wait()
        for i in range(each):
            start = time.perf_counter()
            db.add_answer(code, f"s{w}", f"a{i}", (w, i, 100), i % 2)
            waits.append(time.perf_counter() - start)
            if pace:
                time.sleep(pace)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    assert db.room_status(code).answers == writers * each
    db.close()
    return writers * each / elapsed, [w * 1000 for w in waits]


def take_back(url: str, answers: int, repeat: int) -> str:
    """(c): what reading a room again after answers left it costs, and taking them back."""
    now = [1e9]
    db = store.Store(url, clock=lambda: now[0])
    code, key = db.create_room()
    students = 200
    for w in range(students):
        db.join(code, f"s{w}", f"Student {w}")
    rgb = data.uniform_colours(answers, seed=7).tolist()
    for i, c in enumerate(rgb):
        now[0] += 60 / store.ANSWERS_PER_MINUTE * 1.01 / students   # within each student's rate limit
        db.add_answer(code, f"s{i % students}", f"a{i}", tuple(c), i % 2)
    last = db.watch(code, key, 0).answers[-1].id
    whole = median_ms(lambda: classroom.Pool.of(db.watch(code, key, 0).answers), repeat)
    quiet = median_ms(lambda: db.watch(code, key, last), repeat)
    mine = [tuple(c) for i, c in enumerate(rgb) if i % students == 3]
    start = time.perf_counter()
    taken = db.retract_answers(code, "s3", mine)
    retract = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    removed = db.remove_student(code, key, "s4")
    remove = (time.perf_counter() - start) * 1000
    db.close()
    return (f"the view reads {answers:,} answers again {whole:.1f} ms (its usual read, nothing new: {quiet:.1f} ms); "
            f"a student takes back {taken} answers {retract:.1f} ms; the teacher removes one with {removed} "
            f"answers {remove:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=count(), default=1000)
    parser.add_argument("--repeat", type=count(), default=15)
    parser.add_argument("--writers", type=count(1, 500), default=30)
    parser.add_argument("--each", type=count(), default=40)
    parser.add_argument("--pace", type=seconds(0, 60), default=0.0, help="seconds each writer waits between answers")
    parser.add_argument("--postgres", default=os.environ.get("FONTNET_TEST_DATABASE_URL"))
    parser.add_argument("--full", type=count(), default=store.ANSWERS_PER_ROOM, help="answers in the room of (c)")
    args = parser.parse_args()

    pool = pooled(args.answers)
    print(f"(a) {args.answers} pooled answers: retraining {median_ms(lambda: classroom.train(pool), args.repeat):.1f} ms, "
          f"whole view {median_ms(lambda: classroom.view(pool), args.repeat):.1f} ms (medians of {args.repeat}; "
          "target: retraining <= 200 ms)")

    with tempfile.TemporaryDirectory(prefix="fontnet-bench-", dir="/tmp") as where:
        url, started = args.postgres, False
        if not url:
            url = subprocess.run(["bash", str(ROOT / "scripts" / "postgres"), "start", where], check=True,
                                 capture_output=True, text=True).stdout.strip()
            started = True
        try:
            for name, target in (("SQLite", f"sqlite:///{where}/bench.sqlite3"), ("PostgreSQL", url)):
                rate, waits = throughput(target, args.writers, args.each, args.pace)
                p95 = statistics.quantiles(waits, n=20)[-1]
                print(f"(b) {name}: {args.writers} writers x {args.each} answers"
                      f"{f' {args.pace:g} s apart' if args.pace else ''}: {rate:,.0f} answers/s committed, "
                      f"acknowledgement median {statistics.median(waits):.1f} ms, 95th percentile {p95:.0f} ms, "
                      f"slowest {max(waits):.0f} ms")
            for name, target in (("SQLite", f"sqlite:///{where}/back.sqlite3"), ("PostgreSQL", url)):
                print(f"(c) {name}: {take_back(target, args.full, args.repeat)}")
        finally:
            if started:
                subprocess.run(["bash", str(ROOT / "scripts" / "postgres"), "stop", where], capture_output=True)


if __name__ == "__main__":
    main()
