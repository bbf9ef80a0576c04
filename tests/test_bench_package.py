"""The benchmark package's command line and harness (`python -m bench NAME`): without a server or a browser."""

import argparse
import ast
import importlib
import os
import subprocess
import sys
import time

import pytest

from bench import harness
from bench.__main__ import COMMANDS
from tests.conftest import ROOT


def run_bench(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bench", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_without_a_name_it_lists_every_benchmark():
    out = run_bench()
    assert out.returncode == 0
    listed = [line.split()[0] for line in out.stdout.splitlines()[2:] if line.strip()]
    assert listed == list(COMMANDS)


def test_an_unknown_name_is_one_message_and_exit_status_2():
    out = run_bench("nope")
    assert out.returncode == 2 and "no benchmark named 'nope'" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_is_a_module_with_a_main(name):
    module = importlib.import_module(f"bench.{COMMANDS[name][0]}")
    assert callable(module.main) and module.__doc__


def test_a_benchmarks_bad_option_is_argparses_usage_and_exit_status_2():
    out = run_bench("first-visit", "--throttle", "4,x")
    assert out.returncode == 2 and "--throttle" in out.stderr and "Traceback" not in out.stderr
    assert out.stderr.startswith("usage: python -m bench first-visit")


@pytest.mark.slow   # a `python -m bench` process each (1-3 s); the ranges themselves are checked quickly below
@pytest.mark.parametrize("args,says", [
    (["practice", "--runs", "-1"], "argument --runs: '-1' is outside 1–100,000"),   # was a median of nothing
    (["train", "--runs", "0"], "argument --runs: '0' is outside 1–100,000"),
    (["heavy-run", "--updates", "x"], "argument --updates: 'x' is not a whole number"),
    (["store", "--pace", "-1"], "argument --pace: '-1' is outside 0 to 60"),
    (["memory", "--follow", "nan"], "argument --follow: 'nan' is not a finite number"),
    (["capacity", "--visitors", "10,x"], "'10,x' is not numbers of visitors separated by commas"),
    (["capacity", "--visitors", "0"], "numbers of visitors must each be 1–200, got '0'"),
    (["predict", "--changes", "-1"], "argument --changes: '-1' is outside 0–100,000"),
    (["teach", "--clicks", "1.5"], "argument --clicks: '1.5' is not a whole number"),
])
def test_a_count_that_cannot_be_one_is_usage_and_exit_status_2_before_any_work(args, says):
    out = run_bench(*args)
    assert out.returncode == 2 and out.stdout == "" and "Traceback" not in out.stderr
    assert out.stderr.startswith(f"usage: python -m bench {args[0]}") and says in out.stderr, out.stderr


def test_count_and_seconds_read_their_ranges():
    assert harness.count()("3") == 3 and harness.count(0)("0") == 0 and harness.seconds()("2.5") == 2.5
    for parse, bad in [(harness.count(), "0"), (harness.count(1, 5), "6"), (harness.count(), "2.5"),
                       (harness.seconds(0, 60), "61"), (harness.seconds(), "inf"), (harness.seconds(), "-0.1")]:
        with pytest.raises(argparse.ArgumentTypeError):
            parse(bad)


def test_no_benchmark_imports_a_test():
    for path in (ROOT / "bench").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n == "tests" or n.startswith("tests.") for n in names), path.name


def test_comma_list_reads_values_in_range_and_refuses_the_rest():
    assert harness.comma_list("10,20, 30", int, 1, 200, "count") == [10, 20, 30]
    assert harness.comma_list("1,4", float, 1, 20, "rate") == [1.0, 4.0]
    for bad in ("", "0", "5,x", "1,,2", "201"):
        with pytest.raises(argparse.ArgumentTypeError):
            harness.comma_list(bad, int, 1, 200, "count")


def test_the_cpu_and_memory_readers_read_this_process():
    pid = os.getpid()
    before = harness.cpu_seconds(pid)
    end = time.process_time() + 0.3
    while time.process_time() < end:   # spend CPU time the reader must see
        pass
    assert harness.cpu_seconds(pid) - before >= 0.2
    rss = harness.rss_mb(pid)
    assert 10 < rss < 100_000
    assert harness.total_rss_mb([pid, 2**22 + 1]) == pytest.approx(rss, rel=0.2)   # a finished process counts 0


def test_medians_ratios_and_the_markdown_table():
    assert harness.median([3.0, 1.0, 2.0]) == 2.0
    assert harness.median([]) != harness.median([])   # NaN: a case with no run is reported, not raised
    assert harness.ratio(3.0, 2.0) == 1.5
    assert harness.markdown_table(["a", "b"], [[1, "x"]]) == "| a | b |\n|---|---|\n| 1 | x |"


def test_the_store_benchmarks_take_back_reads_a_room_again_after_answers_left_it(tmp_path):
    from bench.store import take_back

    said = take_back(f"sqlite:///{tmp_path / 'back.sqlite3'}", 400, 1)   # 200 students, 2 answers each
    assert "reads 400 answers again" in said
    assert "takes back 2 answers" in said and "removes one with 2 answers" in said
