"""What tests of the class store share: a database URL for each backend, a clean database, a clock to move.

Every store test runs on SQLite and on PostgreSQL. The PostgreSQL URL comes from FONTNET_TEST_DATABASE_URL,
which scripts/test sets (it starts a throwaway server with scripts/postgres); without it the first PostgreSQL
test starts a throwaway server itself (stopped when the run ends). The PostgreSQL variants fail, never skip.
"""

import atexit
import os
import shutil
import socket
import subprocess
import tempfile

import pytest
import sqlalchemy as sa

from fontnet import store
from tests.conftest import ROOT

PG_ENV = "FONTNET_TEST_DATABASE_URL"
BACKENDS = ("sqlite", "postgresql")


def pg_url() -> str:
    """The test PostgreSQL's URL: FONTNET_TEST_DATABASE_URL, or else a throwaway server this test run starts
    (scripts/postgres, once) and stops when it ends; a run that can start none fails the PostgreSQL variants."""
    url = os.environ.get(PG_ENV)
    if not url:
        url = os.environ[PG_ENV] = _throwaway_server()
    return url


def _throwaway_server() -> str:
    where = tempfile.mkdtemp(prefix="fontnet-pg-")
    script = ROOT / "scripts" / "postgres"
    out = subprocess.run(["bash", str(script), "start", where], capture_output=True, text=True, timeout=300)
    if out.returncode != 0 or not out.stdout.strip():
        pytest.fail(f"{PG_ENV} is not set and no throwaway PostgreSQL could be started ({out.stderr.strip()[-300:]}); "
                    f"set it: export {PG_ENV}=$(bash scripts/postgres start /tmp/fontnet-pg)", pytrace=False)
    def stop() -> None:
        subprocess.run(["bash", str(script), "stop", where], capture_output=True, timeout=120)
        shutil.rmtree(where, ignore_errors=True)

    atexit.register(stop)
    return out.stdout.strip().splitlines()[-1]


def reset(url: str) -> None:
    """Drop the store's tables (a PostgreSQL database outlives a test)."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            store.metadata.drop_all(conn)
    finally:
        engine.dispose()


def database_url(backend: str, tmp_path) -> str:
    """A fresh, empty database of `backend`: an SQLite file in tmp_path, or the test PostgreSQL emptied."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'class.sqlite3'}"
    url = pg_url()
    reset(url)
    return url


def closed_port() -> int:
    """A local TCP port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Clock:
    """A store's clock that tests move by hand."""

    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds



def app_database(monkeypatch, url: str):
    """For a fixture: point the app's store (app/classroom.py reads FONTNET_DATABASE_URL) at `url`, yield a Store
    of the same database for the test's own checks, and drop the app's cached stores afterwards."""
    from app import classroom

    monkeypatch.setenv(store.URL_ENV, url)
    classroom._store.clear()
    db = store.Store(url)
    yield db
    db.close()
    classroom._store.clear()


def unreachable_url() -> str:
    """A PostgreSQL URL where nothing listens: every connection is refused at once."""
    return f"postgresql+psycopg://fontnet:x@127.0.0.1:{closed_port()}/fontnet"
