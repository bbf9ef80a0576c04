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


# Tests that take a second or more each, or files of many AppTest runs, measured with `--durations`: marked slow here
# so that `pytest -m "not browser and not slow"` stays a quick check (about a minute); CI runs them all.
SLOW_FILES = {"test_deploy.py", "test_tune_page.py", "test_export.py", "test_links.py", "test_teach_room.py",
              "test_postgres_script.py", "test_train_page.py", "test_backprop_page.py", "test_teach_page.py",
              "test_your_turn_page.py", "test_class_page.py", "test_cost_surface_page.py", "test_kept_runs.py",
              "test_first_paint.py"}
SLOW_TESTS = {"test_many_writers_store_exactly_what_was_acknowledged",
              "test_warm_up_imports_what_every_page_imports_and_pays_streamlits_first_element_check", "test_one_edge_per_weight_and_one_node_per_unit",
              "test_a_formula_visitor_is_never_stuck_on_one_shade", "test_readable_text_reaches_aa_on_every_background",
              "test_a_too_large_learning_rate_overshoots_the_valley_and_a_small_one_walks_down_it",
              "test_a_large_file_read_cell_by_cell_sets_off_no_full_garbage_collection",
              "test_the_default_model_is_kept_on_disk_and_read_back",
              "test_a_formula_visitor_teaches_the_network_in_a_few_dozen_answers",
              "test_training_the_default_model_never_loads_numba"}


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.name in SLOW_FILES or item.originalname in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)
