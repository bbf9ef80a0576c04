"""A class on two replicas sharing PostgreSQL (`scripts/serve-replicas 2 --postgres DIR`), in real browsers:
students on both replicas pool into one room, a teacher page on each replica sees all of them live, and when one
replica is SIGKILLed mid-class no acknowledged answer is lost and its students carry on from the other replica,
in the same seats (their student link and their browser's seat cookie).

Which replica serves a page is set and read through the proxy's affinity cookie, as tests/browser/test_replicas.py
does.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import tempfile
from pathlib import Path

import pytest

from fontnet import store
from tests.browser.conftest import ROOT, Replicas, assert_nothing_ran, describe_page, wait_for_app
from tests.browser.test_class import state, teacher_link, wait_state

pytestmark = pytest.mark.browser

COOKIE = Replicas.COOKIE
TIMEOUT_MS = 90_000
RESET_NOTICE = "Your session was reset"
SAVED = "() => +(document.querySelector('#class-status')?.dataset.saved ?? -1)"
# The most answers the page ever said were saved to the class, kept by the page itself: a reset session's first
# run draws the status line again from zero, possibly before a poll from outside would have read the last count.
SAVED_MAX_JS = """
window.__savedMax = 0;
new MutationObserver(() => {
  const e = document.querySelector('#class-status');
  if (e) window.__savedMax = Math.max(window.__savedMax, +e.dataset.saved);
}).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ['data-saved']});
"""


@pytest.fixture(scope="module")
def pair():
    """Two replicas behind the proxy on a throwaway PostgreSQL; the store on the same database for checking."""
    (ROOT / "artifacts").mkdir(exist_ok=True)
    where = tempfile.mkdtemp(prefix="fontnet-pg-", dir="/tmp")   # as root the server's user must reach it
    r = Replicas(2, args=("--postgres", where))
    try:
        db = store.Store(Path(where, "url").read_text().strip())
        yield r, db
        db.close()
    finally:
        r.stop()
        shutil.rmtree(where, ignore_errors=True)
    assert r.output[-1].strip() == "stopped"
    assert any(line.startswith("database PostgreSQL in ") for line in r.output)


def on_replica(browser, url: str, replica: str):
    """A new visitor (browser context and page) whom the proxy's cookie sends to `replica`."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_cookies([{"name": COOKIE, "value": replica, "url": url}])
    context.add_init_script(SAVED_MAX_JS)
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    return context, page


def replica_of(page, url: str) -> str | None:
    return next((c["value"] for c in page.context.cookies(url) if c["name"] == COOKIE), None)


def join(student, nickname: str) -> None:
    """On a Teach page opened from the student link: type the nickname and join the room."""
    student.get_by_text(re.compile("You are invited to class room")).wait_for(timeout=TIMEOUT_MS)
    wait_for_app(student, timeout=TIMEOUT_MS)
    student.get_by_label("Nickname (optional)").fill(nickname)
    student.get_by_label("Nickname (optional)").press("Enter")
    wait_for_app(student, timeout=TIMEOUT_MS)
    student.get_by_role("button", name="Join room").click()
    student.get_by_role("button", name="Leave the room").wait_for(timeout=TIMEOUT_MS)
    wait_for_app(student, timeout=TIMEOUT_MS)


def press(student, k: int) -> None:
    student.get_by_role("button", name="Dark reads better" if k % 2 == 0 else "Light reads better",
                        exact=True).click()


def answer(student, k: int) -> None:
    """Press an answer and wait until the page says the class has it."""
    before = student.evaluate(SAVED)
    press(student, k)
    student.wait_for_function(f"() => ({SAVED})() === {before + 1}", timeout=TIMEOUT_MS)
    wait_for_app(student, timeout=TIMEOUT_MS)


def test_students_on_two_replicas_pool_into_one_room_and_survive_a_killed_replica(pair, browser):
    replicas, db = pair
    url = replicas.url
    r1, r2 = sorted(replicas.pids)
    contexts = []
    try:
        ctx, teacher = on_replica(browser, url, r1)
        contexts.append(ctx)
        teacher.goto(url + "/class")
        teacher.get_by_role("button", name="Open a room").click()
        teacher.locator("#class-code").wait_for(timeout=TIMEOUT_MS)
        wait_for_app(teacher, timeout=TIMEOUT_MS)
        link, code, key = teacher_link(teacher)
        wait_state(teacher, "s.answers === '0' && s.polls >= 1", TIMEOUT_MS)
        ctx, teacher2 = on_replica(browser, url, r2)   # the teacher link opened on the other replica
        contexts.append(ctx)
        teacher2.goto(link)
        wait_state(teacher2, "s.answers === '0' && s.polls >= 1", TIMEOUT_MS)
        teachers = (teacher, teacher2)
        for t in teachers:
            t.evaluate("() => { document.querySelector('.st-key-class_live [data-chart=map] canvas').__tag = 'first'; }")
        before = [state(t) for t in teachers]

        students = {}   # nickname -> page; two on each replica
        for i, replica in enumerate((r1, r2, r1, r2)):
            ctx, student = on_replica(browser, url, replica)
            contexts.append(ctx)
            student.goto(f"{url}/teach?room={code}")
            join(student, f"S{i + 1}")
            students[f"S{i + 1}"] = student
        assert [replica_of(p, url) for p in (teacher, teacher2, *students.values())] == [r1, r2, r1, r2, r1, r2]
        for t in teachers:   # both teachers see all four, whichever replica each student is on
            joined = wait_state(t, "s.students === '4' && s.rows === 4", TIMEOUT_MS)
            assert sorted(joined["names"]) == sorted(students)

        for k in range(2):
            for student in students.values():
                answer(student, k)
            for t, b in zip(teachers, before):   # counts and dots grow on the same canvas, without a page run
                grown = wait_state(t, f"s.answers === '{4 * (k + 1)}' && s.dots === {4 * (k + 1)}", TIMEOUT_MS)
                assert grown["renders"] == b["renders"] and grown["polls"] > b["polls"], grown
                assert t.evaluate("() => document.querySelector('.st-key-class_live [data-chart=map] canvas')"
                                  ".__tag === 'first'")

        # mid-class: r2's students press, and r2 is killed while their answers are on the way
        on_r2 = [n for n, p in students.items() if replica_of(p, url) == r2]
        for n in on_r2:
            press(students[n], 2)
        os.kill(replicas.pids[r2], signal.SIGKILL)
        for n in on_r2:   # what each page said the class has, before it comes back anywhere
            students[n].get_by_text(RESET_NOTICE).wait_for(timeout=TIMEOUT_MS)
        acknowledged = {n: p.evaluate("() => window.__savedMax") for n, p in students.items()}
        assert all(acknowledged[n] >= 2 for n in students), acknowledged

        # the reset page is on r1 with a fresh session; its link (room=CODE) and this browser's seat cookie put the
        # student back in the seat they had on r2, under the same nickname
        for n in on_r2:
            p = students[n]
            assert f"room={code}" in p.url
            p.get_by_text("Welcome back").wait_for(timeout=TIMEOUT_MS)
            p.get_by_role("button", name="Leave the room").wait_for(timeout=TIMEOUT_MS)
            wait_for_app(p, timeout=TIMEOUT_MS)
            assert replica_of(p, url) == r1
            answer(p, 3)
        for n in students:
            if n not in on_r2:
                answer(students[n], 2)

        # every answer a page said was saved is in the database, in one seat per student, which the page counts whole
        stored = {s.nickname: s.answers for s in db.students(code, key)}
        assert sorted(stored) == sorted(students), stored
        rows = db.answers(code, key)
        assert len({(r.student, r.answer_id) for r in rows}) == len(rows)   # none stored twice
        for n, p in students.items():
            assert p.evaluate(SAVED) == stored[n], (n, stored)
            # one answer after the kill; at most the press in flight at the kill is stored without an acknowledgement
            assert acknowledged[n] + 1 <= stored[n] <= acknowledged[n] + 1 + (n in on_r2), (n, acknowledged, stored)
        # the teacher on the live replica sees them all, still without a page run, and no student twice
        total = len(rows)
        final = wait_state(teacher, f"s.answers === '{total}' && s.dots === {total}", TIMEOUT_MS)
        assert final["renders"] == before[0]["renders"] and final["students"] == "4"
        # the teacher whose replica was killed is back on the live one and still runs the room: the new session
        # finds the key in this browser's cookie, as the address no longer holds it
        assert "key=" not in teacher2.url
        back = wait_state(teacher2, f"s.answers === '{total}' && s.dots === {total}", TIMEOUT_MS)
        assert back["students"] == "4" and replica_of(teacher2, url) == r1
        assert teacher2.get_by_role("switch", name="Room open").is_checked()
        for p in (teacher, *students.values()):
            assert_nothing_ran(p)
            assert p.locator('[data-testid="stException"]').count() == 0
    except BaseException:
        for n, c in enumerate(contexts):   # what every page showed when it failed, before they are closed
            for pg in c.pages:
                print(f"--- page {n}: {replica_of(pg, url)}\n{describe_page(pg, f'class-replicas-{n}')}")
        raise
    finally:
        for c in contexts:
            c.close()
