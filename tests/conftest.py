import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


@pytest.fixture
def class_db(monkeypatch, tmp_path):
    """The app's class store on a fresh SQLite file (FONTNET_DATABASE_URL), and a Store of it for the checks."""
    from tests.store_helpers import app_database, database_url

    yield from app_database(monkeypatch, database_url("sqlite", tmp_path))
