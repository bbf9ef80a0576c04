"""scripts/postgres: a throwaway PostgreSQL started in a directory, its URL, stopped again; bad use is exit 2."""

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from fontnet.store import Store

ROOT = Path(__file__).resolve().parents[1]


def postgres(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(ROOT / "scripts" / "postgres"), *args], capture_output=True, text=True,
                          timeout=180)


@pytest.mark.parametrize("args, says", [
    ((), "usage: scripts/postgres"),
    (("start",), "usage: scripts/postgres"),
    (("restart", "/tmp/x"), "usage: scripts/postgres"),
    (("start", "/tmp/x", "80"), "port must be a number 1024-65535, got '80'"),
    (("start", "/tmp/x", "abc"), "got 'abc'"),
    (("url", "/tmp/fontnet-no-such-cluster"), "no cluster in /tmp/fontnet-no-such-cluster"),
    (("stop", "/tmp/fontnet-no-such-cluster"), "no cluster in /tmp/fontnet-no-such-cluster"),
])
def test_bad_use_is_one_line_and_exit_2(args, says):
    done = postgres(*args)
    assert done.returncode == 2
    assert says in done.stderr and len(done.stderr.strip().splitlines()) == 1 and not done.stdout


def test_a_cluster_starts_serves_the_store_and_stops():
    where = tempfile.mkdtemp(prefix="fontnet-pg-test-", dir="/tmp")   # under /tmp: the postgres user can enter it
    try:
        started = postgres("start", where)
        assert started.returncode == 0, started.stderr
        url = started.stdout.strip()
        assert url.startswith("postgresql+psycopg://fontnet:") and url.endswith("/fontnet")
        assert postgres("url", where).stdout.strip() == url
        assert postgres("start", where).stdout.strip() == url       # already running: the same server
        db = Store(url)
        code, _ = db.create_room()
        assert db.room_status(code).open
        db.close()
        stopped = postgres("stop", where)
        assert stopped.returncode == 0, stopped.stderr
        assert postgres("url", where).returncode == 2
    finally:
        postgres("stop", where)
        shutil.rmtree(where, ignore_errors=True)
