"""The load and soak script, short: three visitors at once against a fresh server, no errors."""

import json
import subprocess
import sys

import pytest

from tests.browser.conftest import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_three_concurrent_visitors_get_through_without_errors():
    proc = subprocess.run([sys.executable, "scripts/load_test.py", "--sessions", "3", "--changes", "4", "--think", "1",
                           "--iterations", "1000", "--json"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    assert res["errors"] == [] and proc.returncode == 0, json.dumps([res["errors"], res.get("error_pages")], indent=1)
    assert res["colour_changes"] == 12 and res["trainings"] == 3
    # by the page's clock a change is painted before the automation's check can see it
    assert 0 < res["p50_s"] <= res["seen_p50_s"] and res["p95_s"] <= res["max_s"]
    # ... and the whole page follows once the server's answer is drawn
    assert res["seen_p50_s"] <= res["page_p50_s"] and res["seen_p95_s"] <= res["page_p95_s"]
    assert res["rss_after_mb"] < 2 * res["rss_before_mb"]


def test_two_visitors_training_together_both_finish_and_see_live_updates():
    proc = subprocess.run([sys.executable, "scripts/load_test.py", "--train", "2", "--json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    assert res["errors"] == [] and proc.returncode == 0, json.dumps([res["errors"], res.get("error_pages")], indent=1)
    assert len(res["visitors"]) == 2
    for v in res["visitors"]:
        assert v["updates"] >= 10 and v["chart_appends"] >= 5  # live: the chart was appended to, many times
        assert v["done_s"] > 0
